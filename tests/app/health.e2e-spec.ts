import { DataSource } from 'typeorm';
import { startTestApp, type TestApp } from '../support/test-app';
import { onPostgres, sql } from '../support/test-database';

describe('health and readiness', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp();
  });
  afterEach(async () => {
    await t.close().catch(() => undefined);
  });

  it('is ready when the database answers and every migration is applied', async () => {
    const response = await fetch(`${t.baseUrl}/api/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up', type: onPostgres ? 'postgres' : 'better-sqlite3' }, migrations: { status: 'up' } },
      error: {},
    });
  });

  it('answers 503 NOT_READY naming the failed check when the database is gone, while liveness still answers', async () => {
    await t.app.get(DataSource).destroy();
    const response = await fetch(`${t.baseUrl}/api/health/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; details: Array<{ path: string }> } };
    expect(body.error.code).toBe('NOT_READY');
    expect(body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['database', 'migrations']));
    expect((await fetch(`${t.baseUrl}/api/health`)).status).toBe(200);
  });

  it('is not ready while a migration is pending', async () => {
    const dataSource = t.app.get(DataSource);
    await sql(dataSource, 'DELETE FROM migrations WHERE id = (SELECT MAX(id) FROM migrations)');
    const response = await fetch(`${t.baseUrl}/api/health/ready`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'NOT_READY', details: [{ path: 'migrations', message: 'migrations are pending' }] } });
  });
});
