import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { WalCheckpointer } from '../../src/persistence/wal-checkpointer';
import { openDatabase, WAL_SIZE_LIMIT_BYTES } from '../../src/persistence/data-source';
import { expectEventually } from '../support/test-app';

/** The embedded database's WAL checkpoints on their own thread, and back on the server's connection when that thread is gone. */
describe('WAL checkpointer', () => {
  let dir: string;
  let db: Database.Database;
  const warnings: string[] = [];
  const notes: string[] = [];
  const logger = { warn: (message: string) => void warnings.push(message), log: (message: string) => void notes.push(message) };
  const autoCheckpoint = () => db.pragma('wal_autocheckpoint', { simple: true });
  const walBytes = () => statSync(`${db.name}-wal`).size;
  const payload = 'x'.repeat(2_000);
  const writeRound = (round: number) =>
    db.transaction(() => {
      for (let i = 0; i < 200; i++) db.prepare('INSERT INTO t (k, v) VALUES (?, ?)').run(`${round}-${i}`, payload);
    })();

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'soc-drill-wal-'));
    db = new Database(join(dir, 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)');
    warnings.length = 0;
    notes.length = 0;
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('takes the checkpoints off the server connection and keeps the WAL from growing', async () => {
    const checkpointer = new WalCheckpointer(db, db.name, logger, 50);
    checkpointer.start();
    await expectEventually(() => expect(autoCheckpoint()).toBe(0));
    expect(checkpointer.running).toBe(true);
    // ~4 MB written in ten rounds: with no checkpoint at all the WAL would hold all of it.
    for (let round = 0; round < 10; round++) {
      writeRound(round);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(walBytes()).toBeLessThan(2_000_000);
    expect(db.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(2_000);

    await checkpointer.stop();
    expect(checkpointer.running).toBe(false);
    expect(autoCheckpoint()).toBe(1000);
    expect(warnings).toEqual([]);
  });

  it('says when a read that stays open lets the WAL grow past the limit, once, and when it has caught up', async () => {
    const checkpointer = new WalCheckpointer(db, db.name, logger, 50, 300);
    checkpointer.start();
    await expectEventually(() => expect(autoCheckpoint()).toBe(0));
    // A reader that keeps its snapshot: no checkpoint may copy past it.
    const reader = new Database(db.name);
    try {
      reader.prepare('BEGIN').run();
      expect(reader.prepare('SELECT COUNT(*) FROM t').pluck().get()).toBe(0);
      for (let round = 0; round < 5; round++) writeRound(round);
      await expectEventually(() => expect(warnings).toEqual([expect.stringMatching(/^The WAL is \d+ pages .* a read that stays open/)]));
      // More writes while it is still behind: no second warning.
      writeRound(5);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(warnings).toHaveLength(1);
      expect(notes).toEqual([]);
      reader.prepare('COMMIT').run();
      await expectEventually(() => expect(notes).toEqual(['The WAL checkpoints have caught up']));
      expect(warnings).toHaveLength(1);
    } finally {
      reader.close();
      await checkpointer.stop();
    }
  });

  it('the WAL does grow when nobody checkpoints (what the test above rules out)', () => {
    db.pragma('wal_autocheckpoint = 0');
    for (let round = 0; round < 10; round++) writeRound(round);
    expect(walBytes()).toBeGreaterThan(4_000_000);
  });

  it('hands the checkpoints back to the server connection when its thread fails', async () => {
    const checkpointer = new WalCheckpointer(db, join(dir, 'no-such-database.sqlite'), logger, 50);
    checkpointer.start();
    await expectEventually(() => expect(checkpointer.running).toBe(false));
    expect(autoCheckpoint()).toBe(1000);
    expect(warnings).toEqual([expect.stringMatching(/WAL checkpointer stopped/)]);
  });
});

describe('the embedded database connection', () => {
  it('cuts the WAL file back to a limit once a long read that let it grow has ended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'soc-drill-wal-limit-'));
    const dataSource = await openDatabase({ databaseUrl: `sqlite:${join(dir, 'db.sqlite')}` });
    try {
      const db = (dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
      const walBytes = () => statSync(`${db.name}-wal`).size;
      const payload = 'x'.repeat(2_000);
      let next = 0;
      const write = (rows: number) =>
        db.transaction(() => {
          const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
          for (let i = 0; i < rows; i++) insert.run(next++, payload);
        })();
      db.exec('CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)');
      const reader = new Database(db.name, { readonly: true });
      try {
        // A read that stays open (a report, a backup) keeps every later page in the WAL.
        reader.exec('BEGIN');
        reader.prepare('SELECT count(*) FROM t').get();
        while (walBytes() <= WAL_SIZE_LIMIT_BYTES + 8 * 1024 * 1024) write(1_000);
        reader.exec('COMMIT');
      } finally {
        reader.close();
      }
      // The next commits checkpoint the whole WAL, then start it over from the beginning.
      for (let round = 0; round < 3; round++) write(10);
      expect(walBytes()).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
    } finally {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
