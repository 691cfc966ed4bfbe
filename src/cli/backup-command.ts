import Database from 'better-sqlite3';
import { existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { CliIo } from './cli-io.js';

export const BACKUP_USAGE = `Usage: soc-drill backup <file> [--force] [--data-dir <folder> | --database <file>]

Copies the embedded SQLite database into <file> with SQLite's online backup API: the copy is
consistent even while the server runs and writes. The database is found as the server finds it
(DATABASE_URL=sqlite:<file>, else DATA_DIR/soc-drill.sqlite, else ./data/soc-drill.sqlite), unless
--data-dir or --database names it. The copy is a single self-contained file (no -wal beside it).
An existing <file> is never overwritten without --force. Exit 0 when the copy is written and
checked, 1 when it fails, 2 on a usage error. With PostgreSQL, use pg_dump (docs/operations.md).`;

/** What a backup command needs besides its arguments: where the server's database is by default. */
export interface BackupIo extends CliIo {
  readonly databaseUrl: () => string;
}

interface BackupArgs {
  readonly target: string;
  readonly force: boolean;
  readonly dataDir?: string;
  readonly database?: string;
}

class BackupError extends Error {}

function parseArgs(args: readonly string[]): BackupArgs | string {
  const positional: string[] = [];
  let force = false;
  let dataDir: string | undefined;
  let database: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--force') force = true;
    else if (name === '--data-dir' || name === '--database') {
      const value = inline ?? args[++i];
      if (value === undefined || value === '') return `${name} needs a value`;
      if (name === '--data-dir') dataDir = value;
      else database = value;
    } else if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg}`;
    else positional.push(arg);
  }
  if (positional.length !== 1) return positional.length === 0 ? 'name the file to write the backup to' : 'give exactly one backup file';
  if (dataDir !== undefined && database !== undefined) return 'give --data-dir or --database, not both';
  return { target: positional[0]!, force, ...(dataDir === undefined ? {} : { dataDir }), ...(database === undefined ? {} : { database }) };
}

/** The SQLite file to back up: the options first, then the server's own settings. */
function sourceFile(args: BackupArgs, io: BackupIo): string {
  if (args.database !== undefined) return resolve(io.cwd, args.database);
  if (args.dataDir !== undefined) return resolve(io.cwd, args.dataDir, 'soc-drill.sqlite');
  const url = io.databaseUrl();
  if (!url.startsWith('sqlite:')) {
    throw new BackupError(
      'DATABASE_URL names a PostgreSQL database: back it up with pg_dump (see docs/operations.md#backups-on-postgresql) [BACKUP_USE_PG_DUMP]',
    );
  }
  const file = url.slice('sqlite:'.length);
  if (file === ':memory:') throw new BackupError('DATABASE_URL is an in-memory database: there is nothing on disk to back up');
  return resolve(io.cwd, file);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Puts the finished copy in place; without --force it never replaces a file, even one created meanwhile. */
function moveIntoPlace(temporary: string, target: string, force: boolean): void {
  if (force) {
    renameSync(temporary, target);
    return;
  }
  try {
    // A hard link fails with EEXIST when the target exists: no window between the check and the write.
    linkSync(temporary, target);
    rmSync(temporary);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError(`${target} exists: pass --force to overwrite it`);
    // File systems without hard links: check, then rename.
    if (existsSync(target)) throw new BackupError(`${target} exists: pass --force to overwrite it`);
    renameSync(temporary, target);
  }
}

async function backup(args: BackupArgs, io: BackupIo): Promise<void> {
  const source = sourceFile(args, io);
  const target = resolve(io.cwd, args.target);
  if (!existsSync(source)) {
    throw new BackupError(`no database at ${source} (run this with the server's DATA_DIR or DATABASE_URL, or pass --data-dir <folder>)`);
  }
  if (target === source) throw new BackupError('the backup file is the database itself');
  if (existsSync(target) && !args.force) throw new BackupError(`${target} exists: pass --force to overwrite it`);
  if (existsSync(target) && statSync(target).isDirectory()) throw new BackupError(`${target} is a folder: name a file`);
  const folder = dirname(target);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new BackupError(`the folder ${folder} does not exist`);

  const temporary = join(folder, `.${basename(target)}.${process.pid}.partial`);
  const cleanUp = () => {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${temporary}${suffix}`, { force: true });
  };
  try {
    let migrations: number;
    // Read-write, as the server's own connections: a read-only one cannot open a WAL database whose -shm file is gone.
    const db = new Database(source, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      try {
        migrations = (db.prepare('SELECT COUNT(*) AS n FROM migrations').get() as { n: number }).n;
      } catch (error) {
        throw new BackupError(`${source} is not a SOC Drill database (${describe(error)})`);
      }
      // After the first step, copy the rest in one step: a write by the server between steps restarts
      // the backup, so few large steps always finish, where many small ones might chase the writes.
      await db.backup(temporary, { progress: ({ totalPages }) => Math.max(totalPages, 100) });
    } finally {
      db.close();
    }
    const copy = new Database(temporary, { fileMustExist: true });
    try {
      // One self-contained file: the copy keeps no WAL beside it.
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new BackupError(`the copy failed its integrity check (${String(check)})`);
      const copied = (copy.prepare('SELECT COUNT(*) AS n FROM migrations').get() as { n: number }).n;
      if (copied !== migrations) throw new BackupError(`the copy has ${copied} migrations, the database ${migrations}`);
    } finally {
      copy.close();
    }
    moveIntoPlace(temporary, target, args.force);
    io.out(`Backed up ${source} to ${target} (${statSync(target).size} bytes, ${migrations} migrations applied).`);
  } finally {
    cleanUp();
  }
}

/** `soc-drill backup`: an online, consistent copy of the embedded database. */
export async function runBackup(args: readonly string[], io: BackupIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(BACKUP_USAGE);
    return 0;
  }
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    io.err(`backup: ${parsed}\n\n${BACKUP_USAGE}`);
    return 2;
  }
  try {
    await backup(parsed, io);
    return 0;
  } catch (error) {
    io.err(`backup: ${describe(error)}`);
    return 1;
  }
}
