import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ConfigError, loadConfig } from '../../src/config/app-config.js';
import { call, errorCode, login, startServer } from './auth-test-server.js';

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
      expect(await dataSource.query('SELECT * FROM users')).toEqual([]);
      expect(await dataSource.query('SELECT * FROM system_secrets')).toEqual([]);
    } finally {
      await server.close({ keepData: true });
    }
    const again = await startServer(
      { NODE_ENV: 'production', JWT_SECRET: secret, PASSWORD_SCRYPT_LOG2N: '14', BOOTSTRAP_ADMIN_USERNAME: 'quantri', BOOTSTRAP_ADMIN_PASSWORD: 'a-long-operator-chosen-password' },
      server.dataDir,
    );
    try {
      const pair = await login(again.baseUrl, 'quantri', 'a-long-operator-chosen-password');
      expect(pair.user.roles).toEqual(['admin']);
      const users = (await again.app.get(DataSource).query('SELECT username FROM users')) as Array<{ username: string }>;
      expect(users.map((u) => u.username)).toEqual(['quantri']);
    } finally {
      await again.close();
    }
  });
});
