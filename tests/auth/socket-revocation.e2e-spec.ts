import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { AuthService } from '../../src/auth/auth.service.js';
import type { TokenPair } from '../../src/contracts/auth-api.schema.js';
import { expectEventually } from '../support/test-app.js';
import { call, decodeJwtPayload, login, startServer, TEST_JWT_SECRET, type TestServer } from './auth-test-server.js';
import { sql } from '../support/test-database.js';

interface Watched {
  readonly socket: Socket;
  readonly expired: Array<{ code: string; message: string }>;
}

async function connect(baseUrl: string, pair: TokenPair): Promise<Watched> {
  const socket = io(`${baseUrl}/exercises`, { transports: ['websocket'], auth: { token: pair.accessToken }, reconnection: false, forceNew: true });
  const expired: Array<{ code: string; message: string }> = [];
  socket.on('session:expired', (message: { code: string; message: string }) => expired.push(message));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, expired };
}

/**
 * A revocation made through the API closes the user's live sockets when it commits (not at the
 * next message or sweep); the periodic sweep's bulk check catches changes made behind the server.
 */
describe('live sockets and revoked sessions (e2e)', () => {
  let server: TestServer;
  let base: string;
  let admin: TokenPair;
  const open: Socket[] = [];

  beforeAll(async () => {
    server = await startServer({ JWT_SECRET: TEST_JWT_SECRET });
    base = server.baseUrl;
    admin = await login(base, 'admin');
  });
  afterEach(() => {
    for (const socket of open.splice(0)) socket.disconnect();
  });
  afterAll(() => server.close());

  const watch = async (pair: TokenPair) => {
    const watched = await connect(base, pair);
    open.push(watched.socket);
    return watched;
  };

  it('logout closes that session’s sockets at once and leaves the user’s other sessions alone', async () => {
    const laptop = await login(base, 'trainee1');
    const tablet = await login(base, 'trainee1');
    const a = await watch(laptop);
    const b = await watch(tablet);
    expect((await call(base, 'POST', '/api/auth/logout', { token: laptop.accessToken, json: {} })).status).toBeLessThan(300);
    await expectEventually(() => {
      expect(a.expired.map((m) => m.code)).toEqual(['AUTH_TOKEN_REVOKED']);
      expect(a.socket.connected).toBe(false);
    }, 2000);
    expect(b.socket.connected).toBe(true);
    expect(b.expired).toEqual([]);
  });

  it('disabling an account, changing its roles or resetting its password closes every socket of the user', async () => {
    const bystander = await watch(await login(base, 'trainee3'));
    let password: string | undefined;
    const victimId = (await login(base, 'trainee2')).user.id;
    const changes: Array<{ method: string; path: string; json?: unknown; undo?: () => Promise<unknown> }> = [
      { method: 'POST', path: `/api/users/${victimId}/disable`, undo: () => call(base, 'POST', `/api/users/${victimId}/enable`, { token: admin.accessToken }) },
      { method: 'PUT', path: `/api/users/${victimId}/roles`, json: { roles: ['trainee', 'reviewer'] } },
      { method: 'POST', path: `/api/users/${victimId}/password`, json: { newPassword: 'a-reset-passphrase-long' } },
    ];
    for (const change of changes) {
      // Two sessions of the victim, each with a live socket; both must close.
      const sockets = [await watch(await login(base, 'trainee2', password)), await watch(await login(base, 'trainee2', password))];
      const response = await call(base, change.method, change.path, { token: admin.accessToken, ...(change.json === undefined ? {} : { json: change.json }) });
      expect(response.status).toBe(200);
      await expectEventually(() => {
        for (const watched of sockets) {
          expect(watched.expired.map((m) => m.code)).toEqual(['AUTH_TOKEN_REVOKED']);
          expect(watched.socket.connected).toBe(false);
        }
      }, 2000);
      await change.undo?.();
      if (change.path.endsWith('/password')) password = 'a-reset-passphrase-long';
    }
    expect(bystander.socket.connected).toBe(true);
    expect(bystander.expired).toEqual([]);
  });

  it('the sweep’s bulk check finds sessions revoked, versions bumped and accounts disabled behind the server’s back', async () => {
    const auth = server.app.get(AuthService);
    const dataSource = server.app.get(DataSource);
    const pairs = await Promise.all(['trainee1', 'trainee3', 'trainee4', 'instructor'].map((name) => login(base, name)));
    const tokens = pairs.map((pair) => {
      const claims = decodeJwtPayload(pair.accessToken) as { sub: string; sid: string; ver: number };
      return { userId: claims.sub, sessionId: claims.sid, tokenVersion: claims.ver };
    });
    expect([...(await auth.revokedAmong(tokens))]).toEqual([]);
    await sql(dataSource, `UPDATE auth_sessions SET revoked_at = ?, revoked_reason = 'test' WHERE id = ?`, [new Date().toISOString(), tokens[0]!.sessionId]);
    await sql(dataSource, 'UPDATE users SET token_version = token_version + 1 WHERE id = ?', [tokens[1]!.userId]);
    await sql(dataSource, 'UPDATE users SET disabled = TRUE WHERE id = ?', [tokens[2]!.userId]);
    try {
      expect([...(await auth.revokedAmong(tokens))].sort()).toEqual([0, 1, 2]);
      // A token naming a session of another user is not live either.
      expect([...(await auth.revokedAmong([{ ...tokens[3]!, sessionId: tokens[0]!.sessionId }]))]).toEqual([0]);
    } finally {
      await sql(dataSource, 'UPDATE users SET disabled = FALSE WHERE id = ?', [tokens[2]!.userId]);
    }
  });
});
