import { io } from 'socket.io-client';
import { DataSource } from 'typeorm';
import type { AuditPage, OrganisationView, TokenPair, UnitView, UserView } from '../../src/contracts/auth-api.schema.js';
import { call, DEMO_PASSWORD, errorCode, login, startServer, TEST_JWT_SECRET, type TestServer } from './auth-test-server.js';
import { sql } from '../support/test-database.js';

/** Accounts and sessions to OWASP ASVS level 2: per-account limits, absolute session lifetime, password policy, first-login change. */
describe('account security (e2e)', () => {
  let server: TestServer;
  let base: string;
  let admin: TokenPair;
  let unitId: string;

  beforeAll(async () => {
    // Per-address limits far away, so only the per-account rules are at work; one hop of X-Forwarded-For is trusted.
    server = await startServer({
      JWT_SECRET: TEST_JWT_SECRET,
      TRUST_PROXY: 'true',
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: '10000',
      LOGIN_MAX_FAILURES_PER_HOUR: '6',
    });
    base = server.baseUrl;
    admin = await login(base, 'admin');
    const orgs = await call<OrganisationView[]>(base, 'GET', '/api/orgs', { token: admin.accessToken });
    const lamSon = orgs.body.find((o) => o.code === 'lam-son')!;
    unitId = (await call<UnitView[]>(base, 'GET', `/api/orgs/${lamSon.id}/units`, { token: admin.accessToken })).body[0]!.id;
  });
  afterAll(() => server.close());

  const attempt = (username: string, password: string, address: string) =>
    call(base, 'POST', '/api/auth/login', { json: { username, password }, headers: { 'x-forwarded-for': address } });

  it('limits failures per account whatever the address: delays, then a lockout that even the right password cannot pass', async () => {
    for (let i = 1; i <= 5; i += 1) expect(errorCode(await attempt('trainee3', 'doan-sai-mat-khau', `203.0.113.${i}`))).toBe('AUTH_INVALID_CREDENTIALS');
    // The sixth attempt, from yet another address, must wait; the right password changes nothing.
    const delayed = await attempt('trainee3', DEMO_PASSWORD, '203.0.113.50');
    expect([delayed.status, errorCode(delayed)]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(delayed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A classmate behind the same address is not affected.
    expect((await attempt('trainee4', DEMO_PASSWORD, '203.0.113.1')).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(errorCode(await attempt('trainee3', 'doan-sai-lan-sau', '203.0.113.60'))).toBe('AUTH_INVALID_CREDENTIALS');
    // Six failures in the hour: locked until the first of them is an hour old.
    const locked = await attempt('trainee3', DEMO_PASSWORD, '203.0.113.70');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(3000);
    // An unknown name behaves the same, so a lockout does not reveal which names exist.
    for (let i = 1; i <= 5; i += 1) expect(errorCode(await attempt('khong-ton-tai', 'doan-sai-mat-khau', `198.51.100.${i}`))).toBe('AUTH_INVALID_CREDENTIALS');
    expect((await attempt('khong-ton-tai', 'doan-sai-mat-khau', '198.51.100.9')).status).toBe(429);

    const audit = await call<AuditPage>(base, 'GET', '/api/audit?limit=200', { token: admin.accessToken });
    const actions = audit.body.items.map((e) => e.action);
    expect(actions.filter((a) => a === 'auth.login.failed').length).toBeGreaterThanOrEqual(11);
    expect(actions).toContain('auth.lockout');
    expect(actions).toContain('auth.rate_limited');
    expect(audit.body.items.find((e) => e.action === 'auth.lockout')).toMatchObject({ after: { username: 'trainee3' } });
    expect(JSON.stringify(audit.body)).not.toMatch(/doan-sai|socdrill-demo/);
  });

  it('ends a session at its absolute lifetime, however often it is refreshed, and never issues tokens that outlive it', async () => {
    const pair = await login(base, 'reviewer');
    const dataSource = server.app.get(DataSource);
    const sessionId = (JSON.parse(Buffer.from(pair.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
    // The session was opened 12 h minus 100 s ago: a refresh still works, but both tokens end with the session.
    await sql(dataSource, 'UPDATE auth_sessions SET created_at = ? WHERE id = ?', [new Date(Date.now() - 12 * 3600_000 + 100_000).toISOString(), sessionId]);
    const refreshed = await call<TokenPair>(base, 'POST', '/api/auth/refresh', { json: { refreshToken: pair.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.expiresIn).toBeLessThanOrEqual(100);
    expect(refreshed.body.refreshExpiresIn).toBeLessThanOrEqual(100);
    // Past the lifetime: the access token and the refresh token both stop, and the session ends.
    await sql(dataSource, 'UPDATE auth_sessions SET created_at = ? WHERE id = ?', [new Date(Date.now() - 12 * 3600_000 - 1000).toISOString(), sessionId]);
    expect(errorCode(await call(base, 'GET', '/api/auth/me', { token: refreshed.body.accessToken }))).toBe('AUTH_TOKEN_EXPIRED');
    expect(errorCode(await call(base, 'POST', '/api/auth/refresh', { json: { refreshToken: refreshed.body.refreshToken } }))).toBe('AUTH_TOKEN_EXPIRED');
    const [row] = (await sql(dataSource, 'SELECT revoked_reason FROM auth_sessions WHERE id = ?', [sessionId])) as Array<{ revoked_reason: string }>;
    expect(row!.revoked_reason).toBe('max-age');
  });

  it('refuses short, common, repetitive and sequential passwords, with no composition rules', async () => {
    const create = (username: string, password: string) =>
      call(base, 'POST', '/api/users', { token: admin.accessToken, json: { username, displayName: 'Thử mật khẩu', password, unitId, roles: ['trainee'] } });
    for (const weak of ['password12', 'password1234', '123456789012', 'aaaaaaaaaaaa', 'qwertyuiopasdf', 'hocvien.thu-hocvien']) {
      const response = await create(weak === 'hocvien.thu-hocvien' ? 'hocvien.thu' : 'hocvien.yeu', weak);
      expect([weak, response.status, errorCode(response)]).toEqual([weak, 400, 'VALIDATION_FAILED']);
    }
    expect((await create('hocvien.manh', 'mây trắng bay qua đồi')).status).toBe(201);
    const pair = await login(base, 'trainee2');
    const change = await call(base, 'POST', '/api/auth/password', {
      token: pair.accessToken,
      json: { currentPassword: DEMO_PASSWORD, newPassword: 'iloveyou2024!' },
    });
    expect([change.status, errorCode(change)]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('makes a user whose password an administrator set choose their own before doing anything else', async () => {
    const created = await call<UserView>(base, 'POST', '/api/users', {
      token: admin.accessToken,
      json: { username: 'hocvien.moi', displayName: 'Học viên mới', password: 'mat-khau-tam-thoi-2026', unitId, roles: ['trainee'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.mustChangePassword).toBe(true);
    const first = await login(base, 'hocvien.moi', 'mat-khau-tam-thoi-2026');
    expect(first.user.mustChangePassword).toBe(true);
    for (const path of ['/api/exercises', '/api/scenarios']) {
      const refused = await call(base, 'GET', path, { token: first.accessToken });
      expect([path, refused.status, errorCode(refused)]).toEqual([path, 403, 'AUTH_PASSWORD_CHANGE_REQUIRED']);
    }
    expect((await call(base, 'GET', '/api/auth/me', { token: first.accessToken })).status).toBe(200);
    // The live stream refuses the pending account too.
    const socket = io(`${base}/exercises`, { transports: ['websocket'], auth: { token: first.accessToken }, reconnection: false, forceNew: true });
    const refusal = await new Promise<{ data?: { code?: string } }>((resolve, reject) => {
      socket.once('connect_error', (error: Error & { data?: { code?: string } }) => resolve(error));
      socket.once('connect', () => reject(new Error('connected with a pending password change')));
    });
    socket.disconnect();
    expect(refusal.data?.code).toBe('AUTH_PASSWORD_CHANGE_REQUIRED');

    const changed = await call<TokenPair>(base, 'POST', '/api/auth/password', {
      token: first.accessToken,
      json: { currentPassword: 'mat-khau-tam-thoi-2026', newPassword: 'sông hồng mùa nước nổi' },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.user.mustChangePassword).toBe(false);
    expect((await call(base, 'GET', '/api/exercises', { token: changed.body.accessToken })).status).toBe(200);
    // An administrator's reset sets the requirement again.
    await call(base, 'POST', `/api/users/${created.body.id}/password`, { token: admin.accessToken, json: { newPassword: 'mat-khau-dat-lai-2026' } });
    expect((await login(base, 'hocvien.moi', 'mat-khau-dat-lai-2026')).user.mustChangePassword).toBe(true);
  });
});
