// The queue lives in persistence/ so that every capability shares the one SQLite writer.
export { serialTransaction } from '../persistence/serial-transaction.js';
