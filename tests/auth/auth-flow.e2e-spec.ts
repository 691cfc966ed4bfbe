import { signJwtHs256 } from '../../src/auth/access-token.js';
import type { AuditPage, TokenPair, UserView } from '../../src/contracts/auth-api.schema.js';
import { call, decodeJwtPayload, DEMO_PASSWORD, errorCode, login, startServer, TEST_JWT_SECRET, type TestServer } from './auth-test-server.js';

describe('authentication flow (e2e)', () => {
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    server = await startServer({ JWT_SECRET: TEST_JWT_SECRET, LOGIN_RATE_LIMIT_PER_MINUTE: '10' });
    base = server.baseUrl;
  });
  afterAll(() => server.close());

  it('logs in a demo account and returns tokens plus the user', async () => {
    const pair = await login(base, 'trainee1');
    expect(pair.tokenType).toBe('Bearer');
    expect(pair.accessToken.split('.')).toHaveLength(3);
    expect(pair.refreshToken).toMatch(/^sdr_/);
    expect(pair.user).toMatchObject({ username: 'trainee1', roles: ['trainee'], orgName: 'Tỉnh Lâm Sơn', unitName: 'Công an tỉnh Lâm Sơn', disabled: false });
    const me = await call<UserView>(base, 'GET', '/api/auth/me', { token: pair.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.username).toBe('trainee1');
    // Usernames are case-insensitive.
    expect((await login(base, 'TRAINEE1')).user.username).toBe('trainee1');
  });

  it('answers a wrong password and an unknown user with the same code', async () => {
    const wrong = await call(base, 'POST', '/api/auth/login', { json: { username: 'trainee2', password: 'not-the-password' } });
    const unknown = await call(base, 'POST', '/api/auth/login', { json: { username: 'nobody-here', password: DEMO_PASSWORD } });
    const malformedName = await call(base, 'POST', '/api/auth/login', { json: { username: "' OR 1=1 --", password: DEMO_PASSWORD } });
    for (const response of [wrong, unknown, malformedName]) {
      expect(response.status).toBe(401);
      expect(errorCode(response)).toBe('AUTH_INVALID_CREDENTIALS');
    }
    expect((wrong.body as { error: { message: string } }).error.message).toBe((unknown.body as { error: { message: string } }).error.message);
  });

  it('refuses missing, malformed, forged and expired access tokens with distinct codes', async () => {
    const pair = await login(base, 'trainee2');
    expect(errorCode(await call(base, 'GET', '/api/auth/me'))).toBe('AUTH_REQUIRED');
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { headers: { authorization: 'Basic abc' } }))).toBe('AUTH_TOKEN_INVALID');
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: 'not.a.jwt' }))).toBe('AUTH_TOKEN_INVALID');
    const claims = decodeJwtPayload(pair.accessToken);
    const now = Math.floor(Date.now() / 1000);
    const key = Buffer.from(TEST_JWT_SECRET);
    const expired = await signJwtHs256({ ...claims, iat: now - 3600, exp: now - 1800 }, key);
    const expiredResponse = await call(base, 'GET', '/api/auth/me', { token: expired });
    expect(expiredResponse.status).toBe(401);
    expect(errorCode(expiredResponse)).toBe('AUTH_TOKEN_EXPIRED');
    const otherKey = await signJwtHs256(claims, Buffer.from('another-secret-another-secret-another'));
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: otherKey }))).toBe('AUTH_TOKEN_INVALID');
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${pair.accessToken.split('.')[1]}.`;
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: none }))).toBe('AUTH_TOKEN_INVALID');
    // A validly signed token for a session that does not exist.
    const strangeSession = await signJwtHs256({ ...claims, sid: '00000000-0000-4000-8000-000000000000' }, key);
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: strangeSession }))).toBe('AUTH_TOKEN_INVALID');
    // The original is still fine.
    expect((await call(base, 'GET', '/api/auth/me', { token: pair.accessToken })).status).toBe(200);
  });

  it('rotates refresh tokens: the old one is refused after use, and its reuse ends the session', async () => {
    const first = await login(base, 'trainee3');
    const second = await call<TokenPair>(base, 'POST', '/api/auth/refresh', { json: { refreshToken: first.refreshToken } });
    expect(second.status).toBe(200);
    expect(second.body.refreshToken).not.toBe(first.refreshToken);
    expect((await call(base, 'GET', '/api/auth/me', { token: second.body.accessToken })).status).toBe(200);
    const replay = await call(base, 'POST', '/api/auth/refresh', { json: { refreshToken: first.refreshToken } });
    expect(replay.status).toBe(401);
    expect(errorCode(replay)).toBe('AUTH_TOKEN_REVOKED');
    // Theft detection: the whole family is gone, including the newest tokens.
    expect(errorCode(await call(base, 'POST', '/api/auth/refresh', { json: { refreshToken: second.body.refreshToken } }))).toBe('AUTH_TOKEN_REVOKED');
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: second.body.accessToken }))).toBe('AUTH_TOKEN_REVOKED');
    expect(errorCode(await call(base, 'POST', '/api/auth/refresh', { json: { refreshToken: 'sdr_doesnotexist' } }))).toBe('AUTH_TOKEN_INVALID');
    // The reuse is in the audit trail (ASVS 7.2.1), naming the user and never the token.
    const audit = await call<AuditPage>(base, 'GET', '/api/audit?action=auth.refresh.reuse', { token: (await login(base, 'admin')).accessToken });
    expect(audit.body.items.map((e) => e.targetId)).toContain(first.user.id);
    expect(JSON.stringify(audit.body)).not.toContain(first.refreshToken);
  });

  it('logout revokes the session: access and refresh tokens stop working, other sessions do not', async () => {
    const session = await login(base, 'trainee4');
    const otherDevice = await login(base, 'trainee4');
    const out = await call(base, 'POST', '/api/auth/logout', { token: session.accessToken });
    expect(out.status).toBe(200);
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: session.accessToken }))).toBe('AUTH_TOKEN_REVOKED');
    expect(errorCode(await call(base, 'POST', '/api/auth/refresh', { json: { refreshToken: session.refreshToken } }))).toBe('AUTH_TOKEN_REVOKED');
    expect((await call(base, 'GET', '/api/auth/me', { token: otherDevice.accessToken })).status).toBe(200);
  });

  it('password change revokes every session and returns a fresh one', async () => {
    const a = await login(base, 'reviewer');
    const b = await login(base, 'reviewer');
    const wrongCurrent = await call(base, 'POST', '/api/auth/password', {
      token: a.accessToken,
      json: { currentPassword: 'nope-nope-nope', newPassword: 'a-brand-new-passphrase' },
    });
    expect(wrongCurrent.status).toBe(400);
    expect(errorCode(wrongCurrent)).toBe('AUTH_CURRENT_PASSWORD_WRONG');
    const weak = await call(base, 'POST', '/api/auth/password', { token: a.accessToken, json: { currentPassword: DEMO_PASSWORD, newPassword: 'short' } });
    expect(errorCode(weak)).toBe('VALIDATION_FAILED');
    const changed = await call<TokenPair>(base, 'POST', '/api/auth/password', {
      token: a.accessToken,
      json: { currentPassword: DEMO_PASSWORD, newPassword: 'a-brand-new-passphrase' },
    });
    expect(changed.status).toBe(200);
    for (const pair of [a, b]) {
      expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: pair.accessToken }))).toBe('AUTH_TOKEN_REVOKED');
      expect(errorCode(await call(base, 'POST', '/api/auth/refresh', { json: { refreshToken: pair.refreshToken } }))).toBe('AUTH_TOKEN_REVOKED');
    }
    expect((await call(base, 'GET', '/api/auth/me', { token: changed.body.accessToken })).status).toBe(200);
    expect(errorCode(await call(base, 'POST', '/api/auth/login', { json: { username: 'reviewer', password: DEMO_PASSWORD } }))).toBe(
      'AUTH_INVALID_CREDENTIALS',
    );
    expect((await login(base, 'reviewer', 'a-brand-new-passphrase')).user.username).toBe('reviewer');
  });

  it('a disabled user cannot log in and loses existing tokens; role changes revoke access tokens', async () => {
    const admin = await login(base, 'admin');
    const victim = await login(base, 'trainee2');
    const roles = await call<UserView>(base, 'PUT', `/api/users/${victim.user.id}/roles`, {
      token: admin.accessToken,
      json: { roles: ['trainee', 'reviewer'] },
    });
    expect(roles.status).toBe(200);
    expect(roles.body.roles).toEqual(['trainee', 'reviewer']);
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: victim.accessToken }))).toBe('AUTH_TOKEN_REVOKED');
    // A refresh picks up the new roles.
    const refreshed = await call<TokenPair>(base, 'POST', '/api/auth/refresh', { json: { refreshToken: victim.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.user.roles).toEqual(['trainee', 'reviewer']);

    const disabled = await call<UserView>(base, 'POST', `/api/users/${victim.user.id}/disable`, { token: admin.accessToken });
    expect(disabled.status).toBe(200);
    expect(disabled.body.disabled).toBe(true);
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: refreshed.body.accessToken }))).toBe('AUTH_TOKEN_REVOKED');
    expect(errorCode(await call(base, 'POST', '/api/auth/refresh', { json: { refreshToken: refreshed.body.refreshToken } }))).toBe('AUTH_TOKEN_REVOKED');
    // A disabled account answers the right password exactly as a wrong one: no password oracle.
    const refused = await call(base, 'POST', '/api/auth/login', { json: { username: 'trainee2', password: DEMO_PASSWORD } });
    const wrong = await call(base, 'POST', '/api/auth/login', { json: { username: 'trainee2', password: 'wrong-wrong' } });
    expect([refused.status, refused.body]).toEqual([wrong.status, wrong.body]);
    expect([refused.status, errorCode(refused)]).toEqual([401, 'AUTH_INVALID_CREDENTIALS']);

    await call(base, 'POST', `/api/users/${victim.user.id}/enable`, { token: admin.accessToken });
    expect((await login(base, 'trainee2')).user.disabled).toBe(false);
  });

  it('rate-limits logins per client and username with 429 RATE_LIMITED and Retry-After', async () => {
    // Successful logins count too: ten a minute per client and username.
    for (let i = 0; i < 10; i += 1) expect((await login(base, 'reviewer2')).user.username).toBe('reviewer2');
    const tooMany = await call(base, 'POST', '/api/auth/login', { json: { username: 'reviewer2', password: DEMO_PASSWORD } });
    expect([tooMany.status, errorCode(tooMany)]).toEqual([429, 'RATE_LIMITED']);
    // Failures are throttled sooner, per account: five are free, then each attempt waits.
    const attempt = () => call(base, 'POST', '/api/auth/login', { json: { username: 'instructor', password: 'guess-guess' } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await attempt()).status);
    expect(statuses.every((s) => s === 401)).toBe(true);
    const limited = await attempt();
    expect(limited.status).toBe(429);
    expect(errorCode(limited)).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Even the right password is refused while limited; other usernames are unaffected.
    expect((await call(base, 'POST', '/api/auth/login', { json: { username: 'instructor', password: DEMO_PASSWORD } })).status).toBe(429);
    expect((await login(base, 'trainee3')).user.username).toBe('trainee3');
  });
});

describe('demo signing key (e2e)', () => {
  it('is generated when JWT_SECRET is unset and survives a restart', async () => {
    const first = await startServer();
    const pair = await login(first.baseUrl, 'instructor');
    await first.close({ keepData: true });
    const second = await startServer({}, first.dataDir);
    try {
      const me = await call<UserView>(second.baseUrl, 'GET', '/api/auth/me', { token: pair.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('instructor');
      // The demo accounts were not duplicated by the second start.
      const admin = await login(second.baseUrl, 'admin');
      const users = await call<{ total: number }>(second.baseUrl, 'GET', '/api/users?limit=200', { token: admin.accessToken });
      expect(users.body.total).toBe(8);
    } finally {
      await second.close();
    }
  });
});
