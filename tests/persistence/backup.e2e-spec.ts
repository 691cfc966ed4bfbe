import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import { api, login, uploadFixture, userIds } from '../support/api';
import { ensureBuilt, ROOT } from '../support/built-server';
import { startTestApp, type TestApp } from '../support/test-app';

const CLI = join(ROOT, 'dist', 'cli', 'main.js');

/** Runs the built `soc-drill` asynchronously, so the server in this process keeps answering meanwhile. */
function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('soc-drill backup', () => {
  let t: TestApp;
  let backups: string;
  let instructor: string;
  let createExercise: () => Promise<number>;
  beforeAll(async () => {
    ensureBuilt();
    backups = mkdtempSync(join(tmpdir(), 'soc-drill-backups-'));
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    const versionId = await uploadFixture(t.baseUrl, instructor, 'stream-test.yaml');
    createExercise = async () =>
      (
        await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
          scenarioVersionId: versionId,
          teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1] }],
          speed: 1,
          seed: 1,
        })
      ).status;
  }, 60_000);
  afterAll(async () => {
    await t.close();
    rmSync(backups, { recursive: true, force: true });
  });

  const exerciseCount = (db: Database.Database) => (db.prepare('SELECT COUNT(*) AS n FROM exercises').get() as { n: number }).n;

  it('copies the live database while the server writes, and the copy opens as a working server', async () => {
    expect(await createExercise()).toBe(201);
    const target = join(backups, 'soc-drill-live.sqlite');
    // The server keeps writing (new exercises) while the backup runs.
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        expect(await createExercise()).toBe(201);
        written++;
      }
    })();
    const result = await cli(['backup', target], { DATA_DIR: t.dataDir });
    writing = false;
    await writer;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Backed up .*soc-drill\.sqlite to .*soc-drill-live\.sqlite \(\d+ bytes, \d+ migrations applied\)\.\n$/);
    expect(written).toBeGreaterThan(0);
    // One self-contained file, nothing left beside it.
    expect(existsSync(`${target}-wal`)).toBe(false);
    expect(existsSync(`${target}-journal`)).toBe(false);

    const copy = new Database(target, { readonly: true, fileMustExist: true });
    let copied: number;
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      copied = exerciseCount(copy);
      const live = new Database(join(t.dataDir, 'soc-drill.sqlite'), { readonly: true, fileMustExist: true });
      try {
        expect(copy.prepare('SELECT name FROM migrations ORDER BY id').all()).toEqual(live.prepare('SELECT name FROM migrations ORDER BY id').all());
        // Everything committed before the backup started is in it; what came during, up to its snapshot.
        expect(copied).toBeGreaterThanOrEqual(1);
        expect(copied).toBeLessThanOrEqual(exerciseCount(live));
      } finally {
        live.close();
      }
    } finally {
      copy.close();
    }

    // Restore: a server started on the copy is ready and has the data.
    const restored = await startTestApp({ DATABASE_URL: `sqlite:${target}` });
    try {
      expect((await fetch(`${restored.baseUrl}/api/health/ready`)).status).toBe(200);
      const list = await api<ExerciseDto[]>(restored.baseUrl, await login(restored.baseUrl, 'instructor'), 'GET', '/exercises');
      expect(list.status).toBe(200);
      expect(list.body).toHaveLength(copied);
    } finally {
      await restored.close();
    }
  }, 120_000);

  it('refuses to overwrite an existing file unless --force', async () => {
    const target = join(backups, 'existing.sqlite');
    writeFileSync(target, 'keep me');
    const refused = await cli(['backup', target, '--data-dir', t.dataDir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(`backup: ${target} exists: pass --force to overwrite it\n`);
    expect(readFileSync(target, 'utf8')).toBe('keep me');

    const forced = await cli(['backup', target, '--data-dir', t.dataDir, '--force']);
    expect(forced.code).toBe(0);
    const copy = new Database(target, { readonly: true, fileMustExist: true });
    try {
      expect(exerciseCount(copy)).toBeGreaterThan(0);
    } finally {
      copy.close();
    }
  });

  it('says clearly what is wrong: no database, PostgreSQL, a missing folder, bad usage', async () => {
    const missing = await cli(['backup', join(backups, 'x.sqlite')], { DATA_DIR: join(backups, 'no-such-folder') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^backup: no database at .*no-such-folder\/soc-drill\.sqlite/);

    const postgres = await cli(['backup', join(backups, 'x.sqlite')], { DATABASE_URL: 'postgres://db.example/soc' });
    expect(postgres.code).toBe(1);
    expect(postgres.stderr).toContain('pg_dump');
    expect(postgres.stderr).toContain('[BACKUP_USE_PG_DUMP]');

    const noFolder = await cli(['backup', join(backups, 'nope', 'x.sqlite'), '--data-dir', t.dataDir]);
    expect(noFolder.code).toBe(1);
    expect(noFolder.stderr).toMatch(/^backup: the folder .*nope does not exist/);

    const notSocDrill = join(backups, 'other.sqlite');
    new Database(notSocDrill).close();
    const foreign = await cli(['backup', join(backups, 'y.sqlite'), '--database', notSocDrill]);
    expect(foreign.code).toBe(1);
    expect(foreign.stderr).toMatch(/is not a SOC Drill database/);

    const usage = await cli(['backup']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: soc-drill backup');
    expect((await cli(['backup', 'a', '--frobnicate'])).code).toBe(2);
    const help = await cli(['backup', '--help']);
    expect([help.code, help.stdout.startsWith('Usage: soc-drill backup')]).toEqual([0, true]);
    expect(existsSync(join(backups, 'x.sqlite'))).toBe(false);
    expect(existsSync(join(backups, 'y.sqlite'))).toBe(false);
    expect(readdirSync(backups).filter((name) => name.includes('.partial'))).toEqual([]);
  }, 60_000);
});
