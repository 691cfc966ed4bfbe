import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** The main connection, as far as the checkpointer needs it. */
export interface PragmaConnection {
  pragma(sql: string): unknown;
}

export interface CheckpointerLogger {
  warn(message: string): void;
  log(message: string): void;
}

/** SQLite's default: a commit that finds this many pages in the WAL copies them into the database first. */
const AUTO_CHECKPOINT_PAGES = 1000;
/**
 * WAL pages not yet copied into the database above which the checkpointer says so (~256 MB of 4 KB
 * pages). A checkpoint cannot copy past the oldest open read, so a read that never ends (a stuck
 * report, a backup holding a transaction) lets the WAL, and the disk it takes, grow without bound.
 */
const BEHIND_WARNING_PAGES = 65_536;

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
let behind = false;
setInterval(() => {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  const pages = result.log - result.checkpointed;
  // Said once when it falls behind and once when it has caught up, not every interval.
  if (!behind && pages > workerData.behindPages) parentPort.postMessage({ behind: pages });
  else if (behind && pages <= workerData.behindPages / 2) parentPort.postMessage({ behind: 0 });
  else return;
  behind = !behind;
}, workerData.intervalMs);
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
    private readonly behindPages = BEHIND_WARNING_PAGES,
  ) {}

  start(): void {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_PROGRAM, {
      eval: true,
      workerData: { file: this.file, driver, intervalMs: this.intervalMs, behindPages: this.behindPages },
    });
    this.worker = worker;
    worker.on('message', (message: unknown) => {
      if (message === 'ready' && this.worker === worker) this.connection.pragma('wal_autocheckpoint = 0');
      else if (typeof message === 'object' && message !== null && 'behind' in message && typeof message.behind === 'number') {
        if (message.behind > 0) {
          this.logger.warn(
            `The WAL is ${message.behind} pages (~${Math.round((message.behind * 4) / 1024)} MB at 4 KB) ahead of the database file: a read that stays open keeps the checkpoints from copying it, and it grows until that read ends`,
          );
        } else this.logger.log('The WAL checkpoints have caught up');
      }
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
