import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Held for the server's whole life; never deleted (see release()). */
export const LOCK_FILE = 'soc-drill.lock';
/** Who holds the lock, for the message a second server prints; only trusted while the lock is held. */
export const HOLDER_FILE = 'soc-drill.lock.json';

const HolderSchema = z.object({
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
  command: z.string(),
  /** Where the holder listens, once it does (`host:port`). */
  listening: z.string().nullable(),
});
export type LockHolder = z.infer<typeof HolderSchema>;

/** A second server on a folder that a live one holds; `holder` is null when its details could not be read. */
export class DataFolderLockedError extends Error {
  // Private fields behind getters: Nest logs a failed start with util.inspect, which then shows the
  // message alone (a stack trace or a property dump would only bury it; this refusal is no bug).
  readonly #folder: string;
  readonly #holder: LockHolder | null;

  constructor(folder: string, holder: LockHolder | null) {
    super(
      `The data folder ${folder} is in use by another SOC Drill server (${describeHolder(holder)}). ` +
        `Stop that server first, or give this one its own DATA_DIR. [DATA_DIR_LOCKED]`,
    );
    this.#folder = folder;
    this.#holder = holder;
    this.stack = this.message;
  }

  get code(): 'DATA_DIR_LOCKED' {
    return 'DATA_DIR_LOCKED';
  }

  get folder(): string {
    return this.#folder;
  }

  get holder(): LockHolder | null {
    return this.#holder;
  }
}
DataFolderLockedError.prototype.name = 'DataFolderLockedError';

function describeHolder(holder: LockHolder | null): string {
  if (holder === null) return 'its pid and host are unknown';
  const where = holder.listening === null ? 'not listening yet' : `listening on ${holder.listening}`;
  return `pid ${holder.pid} on host ${holder.host}, started ${holder.startedAt}, ${where}, command: ${holder.command}`;
}

/** True unless `holder` is a process of this host that no longer runs (a sidecar left by a killed server). */
function mayBeAlive(holder: LockHolder): boolean {
  if (holder.host !== hostname()) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(folder: string): LockHolder | null {
  try {
    const parsed = HolderSchema.safeParse(JSON.parse(readFileSync(join(folder, HOLDER_FILE), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/**
 * One server per data folder. The lock is an exclusive SQLite lock on a file of its own: SQLite
 * takes it with fcntl, so the kernel drops it the moment the process dies (SIGKILL, power loss)
 * and a killed server never blocks the restart; better-sqlite3 is already here, so no new package.
 */
export class DataFolderLock {
  private released = false;

  private constructor(
    readonly folder: string,
    private readonly connection: Database.Database,
    private holder: LockHolder,
  ) {}

  /**
   * Takes the folder's lock or throws DataFolderLockedError naming the live holder. A holder file
   * without the lock (left by a killed server) is simply overwritten.
   */
  static async acquire(folder: string, options: { readonly holderWaitMs?: number } = {}): Promise<DataFolderLock> {
    mkdirSync(folder, { recursive: true });
    // timeout 0: a held lock is an answer, not something to wait for.
    const connection = new Database(join(folder, LOCK_FILE), { timeout: 0 });
    try {
      connection.pragma('locking_mode = EXCLUSIVE');
      // Nothing is ever written to the lock file: a journal in memory leaves no file behind
      // (better-sqlite3's defensive mode refuses journal_mode = OFF).
      connection.pragma('journal_mode = MEMORY');
      // Kept open for the life of the process.
      connection.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      connection.close();
      if (!isBusy(error)) throw error;
      throw new DataFolderLockedError(folder, await awaitHolder(folder, options.holderWaitMs ?? 1000));
    }
    const holder: LockHolder = {
      pid: process.pid,
      host: hostname(),
      startedAt: new Date().toISOString(),
      command: [process.execPath, ...process.argv.slice(1)].join(' '),
      listening: null,
    };
    const lock = new DataFolderLock(folder, connection, holder);
    lock.writeHolder();
    return lock;
  }

  /** Adds where the server listens to the holder's details, once it is known. */
  noteListening(address: string): void {
    if (this.released) return;
    this.holder = { ...this.holder, listening: address };
    this.writeHolder();
  }

  /**
   * Lets the next server in. The lock file stays: deleting it while another process has it open
   * would let two servers each lock a different file under the same name.
   */
  release(): void {
    if (this.released) return;
    this.released = true;
    rmSync(join(this.folder, HOLDER_FILE), { force: true });
    this.connection.close();
  }

  private writeHolder(): void {
    // Written whole and renamed, so a reader never sees half of it. The holder file is a different
    // file from the lock: closing a descriptor of the lock file itself would drop the fcntl lock.
    const temporary = join(this.folder, `${HOLDER_FILE}.${process.pid}.tmp`);
    writeFileSync(temporary, `${JSON.stringify(this.holder, null, 2)}\n`);
    renameSync(temporary, join(this.folder, HOLDER_FILE));
  }
}

/**
 * The holder writes its details just after it takes the lock; a loser that comes in between finds
 * none, or the stale ones of a killed predecessor, so it waits briefly for the live holder's.
 */
async function awaitHolder(folder: string, waitMs: number): Promise<LockHolder | null> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const holder = readHolder(folder);
    if (holder !== null && mayBeAlive(holder)) return holder;
    if (Date.now() >= deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
