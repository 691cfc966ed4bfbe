import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { call, errorCode, login, startServer } from './auth-test-server.js';
import { sql } from '../support/test-database.js';

const MAIN = resolve(__dirname, '../../dist/main.js');

function runServer(env: Record<string, string>, timeoutMs = 15_000): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    // A clean environment: nothing (e.g. a developer's JWT_SECRET) leaks in from the parent.
    const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      fail(new Error(`server did not exit within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe('production mode', () => {
  it('the built server refuses to start without JWT_SECRET, naming it', async () => {
    if (!existsSync(MAIN)) throw new Error('dist/main.js is missing: run `npm run build` first (npm test does)');
    const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-prod-'));
    try {
      const { code, output } = await runServer({ NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
      expect(code).not.toBe(0);
      expect(output).toContain('JWT_SECRET');
      expect(output).not.toMatch(/listening/i);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('disables the demo accounts of a data folder first run in demo mode, keeping their history', async () => {
    const demo = await startServer({});
    const before = await login(demo.baseUrl, 'trainee1', 'socdrill-demo');
    await demo.close({ keepData: true });
    const secret = 'k8Zp2QwX9vLm4RtY7nBc1JhG6sDf3AeU0oPi5KlMzNq';
    const production = await startServer({ NODE_ENV: 'production', JWT_SECRET: secret, PASSWORD_SCRYPT_LOG2N: '14' }, demo.dataDir);
    try {
      const attempt = await call(production.baseUrl, 'POST', '/api/auth/login', { json: { username: 'admin', password: 'socdrill-demo' } });
      expect(attempt.status).not.toBe(200);
      expect((await call(production.baseUrl, 'GET', '/api/auth/me', { token: before.accessToken })).status).toBe(401);
      const dataSource = production.app.get(DataSource);
      const users = (await sql(dataSource, 'SELECT username, disabled FROM users ORDER BY username')) as Array<{ username: string; disabled: number }>;
      expect(users.length).toBeGreaterThan(5);
      expect(users.filter((u) => !u.disabled)).toEqual([]);
      const audit = (await sql(dataSource, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'user.disable' AND actor_id IS NULL")) as Array<{ n: number }>;
      expect(Number(audit[0]!.n)).toBe(users.length);
    } finally {
      await production.close();
    }
  });

  it('refuses a secret with too little entropy, whatever its length', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a'.repeat(64) })).toThrow(/JWT_SECRET: looks guessable/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'ab'.repeat(40) })).toThrow(/JWT_SECRET: looks guessable/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'k8Zp2QwX9vLm4RtY7nBc1JhG6sDf3AeU0oPi5KlMzNq' }).JWT_SECRET).toBeDefined();
  });

  it('serves the OpenAPI document in production only when OPENAPI_DOCS is set', async () => {
    const secret = 'k8Zp2QwX9vLm4RtY7nBc1JhG6sDf3AeU0oPi5KlMzNq';
    const closed = await startServer({ NODE_ENV: 'production', JWT_SECRET: secret, PASSWORD_SCRYPT_LOG2N: '14' });
    try {
      for (const path of ['/api/docs-json', '/api/docs', '/api/docs/assets/swagger-ui.css']) {
        expect([path, (await call(closed.baseUrl, 'GET', path)).status]).toEqual([path, 404]);
      }
    } finally {
      await closed.close();
    }
    const open = await startServer({ NODE_ENV: 'production', JWT_SECRET: secret, PASSWORD_SCRYPT_LOG2N: '14', OPENAPI_DOCS: 'true' });
    try {
      expect((await call(open.baseUrl, 'GET', '/api/docs-json')).status).toBe(200);
    } finally {
      await open.close();
    }
  });

  it('refuses a short secret and a weak password hash cost', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 's'.repeat(40), PASSWORD_SCRYPT_LOG2N: '10' })).toThrow(/PASSWORD_SCRYPT_LOG2N/);
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'tiny-secret-value' });
    } catch (error) {
      // The secret's value never appears in the message.
      expect((error as Error).message).not.toContain('tiny-secret-value');
    }
  });

  it('creates no demo accounts and no default password; a bootstrap admin only when configured', async () => {
    const secret = 'production-secret-production-secret-0123456789';
    const server = await startServer({ NODE_ENV: 'production', JWT_SECRET: secret, PASSWORD_SCRYPT_LOG2N: '14' });
    try {
      const attempt = await call(server.baseUrl, 'POST', '/api/auth/login', { json: { username: 'admin', password: 'socdrill-demo' } });
      expect(errorCode(attempt)).toBe('AUTH_INVALID_CREDENTIALS');
      const dataSource = server.app.get(DataSource);
      expect(await sql(dataSource, 'SELECT * FROM users')).toEqual([]);
      expect(await sql(dataSource, 'SELECT * FROM system_secrets')).toEqual([]);
    } finally {
      await server.close({ keepData: true });
    }
    const again = await startServer(
      {
        NODE_ENV: 'production',
        JWT_SECRET: secret,
        PASSWORD_SCRYPT_LOG2N: '14',
        BOOTSTRAP_ADMIN_USERNAME: 'quantri',
        BOOTSTRAP_ADMIN_PASSWORD: 'a-long-operator-chosen-password',
      },
      server.dataDir,
    );
    try {
      const pair = await login(again.baseUrl, 'quantri', 'a-long-operator-chosen-password');
      expect(pair.user.roles).toEqual(['admin']);
      const users = (await sql(again.app.get(DataSource), 'SELECT username FROM users')) as Array<{ username: string }>;
      expect(users.map((u) => u.username)).toEqual(['quantri']);
    } finally {
      await again.close();
    }
  });
});
