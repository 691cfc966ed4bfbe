import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app-factory.js';
import { loadConfig } from '../../src/config/app-config.js';
import type { TokenPair } from '../../src/contracts/auth-api.schema.js';
import { databaseEnv } from '../support/test-database.js';

/** Helpers shared by the auth e2e tests: they start the REAL application on a random port. */

export const DEMO_PASSWORD = 'socdrill-demo';
export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';

export interface TestServer {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly dataDir: string;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export async function startServer(env: Record<string, string> = {}, dataDir?: string): Promise<TestServer> {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'soc-drill-auth-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dir,
    LOAD_BUNDLED_SCENARIOS: 'false',
    LOG_LEVEL: 'error',
    // Cheap hashes keep the tests fast; the format and code path are the production ones.
    PASSWORD_SCRYPT_LOG2N: '10',
    ...(await databaseEnv(dir)),
    ...env,
  });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    dataDir: dir,
    async close(options) {
      await app.close();
      if (!options?.keepData) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface ErrorResponseBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

export async function call<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; json?: unknown; headers?: Record<string, string>; raw?: string | Uint8Array } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.raw !== undefined) {
    body = options.raw;
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, ...(body !== undefined ? { body: body as BodyInit } : {}) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    // not JSON (e.g. the docs HTML)
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

export function errorCode(response: ApiResponse): string | undefined {
  const body = response.body as Partial<ErrorResponseBody> | undefined;
  return typeof body === 'object' && body !== null ? body.error?.code : undefined;
}

export async function login(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<TokenPair> {
  const response = await call<TokenPair>(baseUrl, 'POST', '/api/auth/login', { json: { username, password } });
  if (response.status !== 200) throw new Error(`login ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body;
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
