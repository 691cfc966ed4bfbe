import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { buildDataSourceOptions, initializeAndMigrate } from '../../src/persistence/data-source';

const tables = async (dataSource: DataSource): Promise<string[]> =>
  ((await dataSource.query(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)) as Array<{ name: string }>).map((r) => r.name);

describe('migrations (embedded SQLite)', () => {
  let dir: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'soc-drill-migrations-'));
    dataSource = await initializeAndMigrate(buildDataSourceOptions({ databaseUrl: `sqlite:${join(dir, 'soc-drill.sqlite')}` }));
  });
  afterAll(async () => {
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves no table of the retired sealed team logs, and every migration since can be undone and redone', async () => {
    const now = await tables(dataSource);
    expect(now).not.toContain('exercise_sealed_logs');
    for (const table of ['exercise_journal', 'user_sso_links', 'exercise_report_grades']) expect(now).toContain(table);
    // Undo, newest first, down to the migration that dropped the sealed logs: each down() must work.
    for (let undone = 0; !(await tables(dataSource)).includes('exercise_sealed_logs'); undone++) {
      if (undone === 20) throw new Error('undoing 20 migrations never brought the sealed-log table back');
      await dataSource.undoLastMigration({ transaction: 'each' });
    }
    const before = await tables(dataSource);
    expect(before).not.toContain('user_sso_links');
    expect(before).not.toContain('exercise_report_grades');
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await tables(dataSource)).toEqual(now);
  });
});
