import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { driverPlaceholders } from '../../src/persistence/data-source';

/**
 * Which engine the e2e tests run on: the embedded SQLite file (default) or PostgreSQL when
 * TEST_DB=postgres (the `e2e-pg` jest project). On PostgreSQL every data folder a test makes gets a
 * fresh database of its own, created here and dropped when the test file ends, so files run in
 * parallel and a restart on the same folder finds the same database. Databases a killed run left
 * behind (their process is gone) are dropped by the next run.
 */
export const TEST_DB: 'sqlite' | 'postgres' = process.env.TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
export const onPostgres = TEST_DB === 'postgres';

/** The server the test databases are created on (trust auth on this machine and in CI). */
const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Data folder → the database made for it in this test file. */
const databases = new Map<string, string>();
/** Test databases are named after the process that made them, so a run killed before its cleanup is recognised. */
const PREFIX = 'soc_drill_t_';
let staleDropped = false;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Drops the test databases of processes of this machine that have ended without dropping them (a killed run). */
async function dropStale(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`);
  for (const { datname } of rows) {
    const pid = Number(/^soc_drill_t_(\d+)_/.exec(datname)?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
}

function urlOf(database: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * The settings that put a server on its test database: nothing on SQLite (DATA_DIR says where the
 * file is), DATABASE_URL of the data folder's own fresh PostgreSQL database otherwise.
 */
export async function databaseEnv(dataDir: string): Promise<Record<string, string>> {
  if (!onPostgres) return {};
  let name = databases.get(dataDir);
  if (name === undefined) {
    name = `${PREFIX}${process.pid}_${randomBytes(6).toString('hex')}`;
    databases.set(dataDir, name);
    const created = name;
    await admin(async (client) => {
      if (!staleDropped) {
        staleDropped = true;
        await dropStale(client);
      }
      await client.query(`CREATE DATABASE ${created}`);
    });
  }
  return { DATABASE_URL: urlOf(name) };
}

/** Drops every database this test file made (the e2e-pg project's setup calls it after all tests). */
export async function dropTestDatabases(): Promise<void> {
  const names = [...databases.values()];
  databases.clear();
  if (names.length === 0) return;
  // FORCE: a server a failed test left running must not keep its database alive.
  await admin(async (client) => {
    for (const name of names) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

/** Raw SQL in tests, written with `?` placeholders, on whichever engine the server runs. */
export function sql<T = Array<Record<string, unknown>>>(dataSource: DataSource, text: string, params: readonly unknown[] = []): Promise<T> {
  return dataSource.query(driverPlaceholders(dataSource.options.type, text), [...params]) as Promise<T>;
}
