import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { buildDataSourceOptions, initializeAndMigrate } from '../../src/persistence/data-source';
import { MIGRATIONS } from '../../src/persistence/migrations';
import { databaseEnv, onPostgres, sql } from '../support/test-database';

/** The application's tables (not the migrations' own bookkeeping). */
const tables = async (dataSource: DataSource): Promise<string[]> => {
  const rows = onPostgres
    ? await sql<Array<{ name: string }>>(
        dataSource,
        `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
      )
    : await sql<Array<{ name: string }>>(dataSource, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`);
  return rows.map((r) => r.name).filter((name) => name !== 'migrations');
};

/** Every table's columns and indexes, as the engine reports them: equal after a full down and up. */
const schema = async (dataSource: DataSource): Promise<unknown> => {
  if (onPostgres) {
    return {
      columns: await sql(
        dataSource,
        `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`,
      ),
      indexes: await sql(dataSource, `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY tablename, indexname`),
      triggers: await sql(dataSource, `SELECT event_object_table, trigger_name, event_manipulation FROM information_schema.triggers ORDER BY 1, 2, 3`),
    };
  }
  return sql(dataSource, `SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`);
};

describe(`migrations (${onPostgres ? 'PostgreSQL' : 'embedded SQLite'})`, () => {
  let dir: string;
  let dataSource: DataSource;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'soc-drill-migrations-'));
    const databaseUrl = (await databaseEnv(dir)).DATABASE_URL ?? `sqlite:${join(dir, 'soc-drill.sqlite')}`;
    dataSource = await initializeAndMigrate(buildDataSourceOptions({ databaseUrl }));
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

  it('undoes every migration down to an empty database, and applying them all again gives the same schema', async () => {
    const full = await schema(dataSource);
    for (let undone = 0; undone < MIGRATIONS.length; undone++) await dataSource.undoLastMigration({ transaction: 'each' });
    expect(await tables(dataSource)).toEqual([]);
    expect(await dataSource.showMigrations()).toBe(true);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => new m().name));
    expect(await schema(dataSource)).toEqual(full);
    expect(await dataSource.showMigrations()).toBe(false);
  });
});
