import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFolderLock, DataFolderLockedError, HOLDER_FILE, LOCK_FILE, type LockHolder } from './data-folder-lock.js';
import { embeddedDataFolder } from './data-source.js';

/** The pid of a process that has already exited (what a killed server leaves in its holder file). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

function staleHolder(): LockHolder {
  return { pid: deadPid(), host: hostname(), startedAt: '2020-01-01T00:00:00.000Z', command: 'node dist/main.js', listening: '0.0.0.0:3000' };
}

describe('DataFolderLock', () => {
  let folder: string;
  const held: DataFolderLock[] = [];

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'soc-drill-lock-unit-'));
  });

  afterEach(() => {
    for (const lock of held.splice(0)) lock.release();
    rmSync(folder, { recursive: true, force: true });
  });

  const acquire = async (options?: { holderWaitMs?: number }): Promise<DataFolderLock> => {
    const lock = await DataFolderLock.acquire(folder, options);
    held.push(lock);
    return lock;
  };
  const holder = (): LockHolder => JSON.parse(readFileSync(join(folder, HOLDER_FILE), 'utf8')) as LockHolder;

  it('refuses a second holder (even in the same process), naming the first', async () => {
    const first = await acquire();
    first.noteListening('127.0.0.1:4321');
    const error = await acquire().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DataFolderLockedError);
    const locked = error as DataFolderLockedError;
    expect(locked.code).toBe('DATA_DIR_LOCKED');
    expect(locked.folder).toBe(folder);
    expect(locked.holder).toMatchObject({ pid: process.pid, host: hostname(), listening: '127.0.0.1:4321' });
    expect(locked.message).toContain(`pid ${process.pid} on host ${hostname()}`);
    expect(locked.message).toContain('listening on 127.0.0.1:4321');
    // The failed attempt closed its own connection without dropping the first one's lock.
    await expect(acquire()).rejects.toBeInstanceOf(DataFolderLockedError);
  });

  it('lets the next holder in after a release, which removes the details but keeps the lock file', async () => {
    const first = await acquire();
    first.release();
    expect(existsSync(join(folder, HOLDER_FILE))).toBe(false);
    expect(existsSync(join(folder, LOCK_FILE))).toBe(true);
    await acquire();
    expect(holder().pid).toBe(process.pid);
    expect(holder().listening).toBeNull();
  });

  it('overwrites the details a killed holder left behind', async () => {
    writeFileSync(join(folder, HOLDER_FILE), JSON.stringify(staleHolder()));
    const lock = await acquire();
    expect(holder()).toMatchObject({ pid: process.pid, listening: null });
    expect(holder().startedAt).not.toBe('2020-01-01T00:00:00.000Z');
    lock.noteListening('127.0.0.1:1');
    expect(holder().listening).toBe('127.0.0.1:1');
  });

  it('does not name a dead process as the holder of a live lock', async () => {
    await acquire();
    // As if a new holder had taken the lock but not yet replaced its killed predecessor's details.
    writeFileSync(join(folder, HOLDER_FILE), JSON.stringify(staleHolder()));
    const error = (await acquire({ holderWaitMs: 100 }).catch((e: unknown) => e)) as DataFolderLockedError;
    expect(error).toBeInstanceOf(DataFolderLockedError);
    expect(error.holder).toBeNull();
    expect(error.message).toContain('unknown');
  });

  it('applies to the embedded file only', () => {
    expect(embeddedDataFolder({ databaseUrl: `sqlite:${join(folder, 'db.sqlite')}` })).toBe(folder);
    expect(embeddedDataFolder({ databaseUrl: 'sqlite::memory:' })).toBeNull();
    expect(embeddedDataFolder({ databaseUrl: 'postgres://u:p@localhost/soc' })).toBeNull();
  });
});
