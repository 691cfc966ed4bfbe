import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app-factory';
import { loadConfig } from '../../src/config/app-config';
import { alertRef } from '../../src/exercises/alert-refs';
import { databaseEnv, sql } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The real application on an ephemeral port with its own fresh database (SQLite, or PostgreSQL under TEST_DB=postgres). */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    LOAD_BUNDLED_SCENARIOS: 'false',
    LOG_LEVEL: 'error',
    ...(await databaseEnv(dataDir)),
    ...env,
  });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until the assertion passes (or times out) instead of sleeping a fixed time. */
export async function expectEventually(assertion: () => void | Promise<void>, timeoutMs = 5000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/**
 * How clients name the alerts of an exercise (opaque references, see src/exercises/alert-refs.ts),
 * so tests can keep naming alerts by their scenario ids: `ref('a-webshell')`. Reads the exercise's
 * secret salt from the database, as only the server can.
 */
export async function alertRefsOf(t: Pick<TestApp, 'app'>, exerciseId: string): Promise<(eventId: string) => string> {
  const rows = (await sql(t.app.get(DataSource), 'SELECT alert_salt FROM exercises WHERE id = ?', [exerciseId])) as Array<{ alert_salt: string }>;
  if (!rows[0]) throw new Error(`no exercise ${exerciseId}`);
  const salt = rows[0].alert_salt;
  return (eventId) => alertRef(salt, eventId);
}

/** The scenario event ids behind references a client received (from the event log; unknown ones stay as they are). */
export async function eventIdsOf(t: Pick<TestApp, 'app'>, exerciseId: string, refs: readonly string[]): Promise<string[]> {
  const ref = await alertRefsOf(t, exerciseId);
  const rows = (await sql(t.app.get(DataSource), 'SELECT DISTINCT event_id FROM exercise_events WHERE exercise_id = ?', [exerciseId])) as Array<{
    event_id: string;
  }>;
  const byRef = new Map(rows.map((r) => [ref(r.event_id), r.event_id]));
  return refs.map((r) => byRef.get(r) ?? r);
}
