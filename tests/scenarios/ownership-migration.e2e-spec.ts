import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/app-config';
import { PasswordHasher } from '../../src/identity/password-hasher';
import { buildDataSourceOptions } from '../../src/persistence/data-source';
import { MIGRATIONS } from '../../src/persistence/migrations';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { DEMO_PASSWORD, login, startServer, type TestServer } from '../auth/auth-test-server';
import { api } from '../support/api';
import { databaseEnv, sql } from '../support/test-database';

const OWNERSHIP = 1765000000100;
const timestampOf = (migration: { readonly name: string }): number => Number(/(\d{13})$/.exec(migration.name)![1]);
const MINIMAL = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');

/**
 * A database written before scenarios had owners, upgraded by starting the real application on it:
 * uploads go to their uploader's organisation, bundled drills to the shared library, and an upload
 * whose uploader is unknown to nobody (never to the shared library, which would show its answer key).
 */
describe('scenario ownership migration (e2e)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-ownership-'));
  let server: TestServer | undefined;
  const orgA = randomUUID();
  const orgB = randomUUID();

  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'error', ...(await databaseEnv(dataDir)) });
    const before = MIGRATIONS.filter((m) => timestampOf(m) < OWNERSHIP);
    const dataSource = new DataSource({ ...buildDataSourceOptions(config), migrations: before } as ConstructorParameters<typeof DataSource>[0]);
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'each' });
    const now = new Date().toISOString();
    const hash = await new PasswordHasher(10).hash(DEMO_PASSWORD);
    const users: Record<string, string> = {};
    for (const [org, code, unitCode, username] of [
      [orgA, 'lam-son', 'so-tttt', 'instructor'],
      [orgB, 'binh-nguyen', 'cong-an', 'old-bn-instructor'],
    ] as const) {
      const unit = randomUUID();
      users[username] = randomUUID();
      await sql(dataSource, 'INSERT INTO organisations (id, code, name, created_at) VALUES (?, ?, ?, ?)', [org, code, code, now]);
      await sql(dataSource, 'INSERT INTO units (id, org_id, code, name, created_at) VALUES (?, ?, ?, ?, ?)', [unit, org, unitCode, unitCode, now]);
      await sql(dataSource, 
        'INSERT INTO users (id, username, display_name, org_id, unit_id, password_hash, disabled, token_version, session_epoch, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, FALSE, 0, 0, ?, ?)',
        [users[username], username, username, org, unit, hash, now, now],
      );
      await sql(dataSource, 'INSERT INTO user_roles (user_id, role) VALUES (?, ?)', [users[username], 'instructor']);
    }
    const rows: Array<[string, 'bundled' | 'upload', string | null]> = [
      ['old-bundled', 'bundled', null],
      ['old-lam-son', 'upload', users['instructor']!],
      ['old-binh-nguyen', 'upload', users['old-bn-instructor']!],
      ['old-orphan', 'upload', randomUUID()],
      ['old-no-uploader', 'upload', null],
    ];
    for (const [id, origin, createdBy] of rows) {
      const parsed = parseScenario(MINIMAL.replace(/^id: .*$/m, `id: ${id}`));
      if (!parsed.ok) throw new Error('fixture does not parse');
      await sql(dataSource, 
        'INSERT INTO scenario_versions (id, scenario_id, version, content_hash, title_vi, title_en, origin, format, source_text, normalized_json, event_count, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [randomUUID(), id, '1.0.0', id, 't', 't', origin, 'yaml', parsed.text, JSON.stringify(parsed.scenario), parsed.scenario.timeline.length, createdBy, now],
      );
    }
    await dataSource.destroy();
    server = await startServer({}, dataDir);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('gives each upload to its uploader organisation, bundled drills to the shared library, and unattributable uploads to nobody', async () => {
    const owners = (await sql(server!.app.get(DataSource), 'SELECT scenario_id, owner FROM scenario_versions ORDER BY scenario_id')) as Array<{ scenario_id: string; owner: string }>;
    expect(Object.fromEntries(owners.map((r) => [r.scenario_id, r.owner]))).toEqual({
      'old-binh-nguyen': orgB,
      'old-bundled': 'shared',
      'old-lam-son': orgA,
      'old-no-uploader': 'unowned',
      'old-orphan': 'unowned',
    });
    const instructor = (await login(server!.baseUrl, 'instructor')).accessToken;
    const list = await api<Array<{ scenarioId: string; library: string }>>(server!.baseUrl, instructor, 'GET', '/scenarios');
    expect(list.body.map((s) => [s.scenarioId, s.library])).toEqual([
      ['old-bundled', 'shared'],
      ['old-lam-son', 'own'],
    ]);
    for (const hidden of ['old-binh-nguyen', 'old-orphan', 'old-no-uploader']) {
      expect((await api<{ error: { code: string } }>(server!.baseUrl, instructor, 'GET', `/scenarios/${hidden}`)).body.error.code).toBe('SCENARIO_NOT_FOUND');
    }
    const bn = (await login(server!.baseUrl, 'old-bn-instructor')).accessToken;
    expect((await api<Array<{ scenarioId: string }>>(server!.baseUrl, bn, 'GET', '/scenarios')).body.map((s) => s.scenarioId)).toEqual(['old-binh-nguyen', 'old-bundled']);
  });
});
