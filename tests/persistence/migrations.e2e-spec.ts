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

  it('leaves no table of the retired sealed team logs, and the last migrations can be undone and redone', async () => {
    expect(await tables(dataSource)).not.toContain('exercise_sealed_logs');
    expect(await tables(dataSource)).toContain('exercise_journal');
    expect(await tables(dataSource)).toContain('user_sso_links');
    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables(dataSource)).not.toContain('user_sso_links');
    await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables(dataSource)).toContain('exercise_sealed_logs');
    await dataSource.runMigrations({ transaction: 'each' });
    expect(await tables(dataSource)).not.toContain('exercise_sealed_logs');
    expect(await tables(dataSource)).toContain('user_sso_links');
  });
});
