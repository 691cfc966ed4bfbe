import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The main connection, as far as the checkpointer needs it. */
export interface PragmaConnection {
  pragma(sql: string): unknown;
}

export interface CheckpointerLogger {
  warn(message: string): void;
}

/** SQLite's default: a commit that finds this many pages in the WAL copies them into the database first. */
const AUTO_CHECKPOINT_PAGES = 1000;

/**
 * The worker's whole program, kept as plain CommonJS so it runs the same from the TypeScript
 * sources (tests) and from the build, without a loader. It opens its own connection and copies the
 * WAL into the database file every `intervalMs`: a PASSIVE checkpoint never waits for a lock, so
 * the server's connection keeps committing while it runs.
 */
const WORKER_PROGRAM = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('wal_checkpoint(PASSIVE)');
parentPort.postMessage('ready');
setInterval(() => db.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
`;

/**
 * Runs the embedded database's WAL checkpoints on a thread of their own. By default SQLite
 * checkpoints inside the commit that crosses 1,000 WAL pages: that commit copies ~4 MB and syncs
 * the file, stalling the server's only connection — and with it every socket — for 35–50 ms every
 * few hundred actions under load. Once the worker runs, the server's connection stops
 * checkpointing; if the worker fails or stops, it checkpoints again itself, so the WAL never grows
 * without bound.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private stopping = false;

  constructor(
    private readonly connection: PragmaConnection,
    private readonly file: string,
    private readonly logger: CheckpointerLogger,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_PROGRAM, { eval: true, workerData: { file: this.file, driver, intervalMs: this.intervalMs } });
    this.worker = worker;
    worker.on('message', (message: unknown) => {
      if (message === 'ready' && this.worker === worker) this.connection.pragma('wal_autocheckpoint = 0');
    });
    const fallBack = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = null;
      this.restore();
      if (!this.stopping) this.logger.warn(`WAL checkpointer stopped (${why}); the server's connection checkpoints again`);
    };
    worker.on('error', (error) => fallBack(error.message));
    worker.on('exit', (code) => fallBack(`exit code ${code}`));
    // It must not keep a process alive that has nothing else to do.
    worker.unref();
  }

  /** Whether the worker is doing the checkpoints (the server's connection is not). */
  get running(): boolean {
    return this.worker !== null;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const worker = this.worker;
    this.worker = null;
    this.restore();
    if (worker !== null) await worker.terminate();
  }

  private restore(): void {
    try {
      this.connection.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    } catch {
      // The connection is already closed: nothing left to checkpoint from here.
    }
  }
}
