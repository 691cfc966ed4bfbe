import { DataSource } from 'typeorm';
import type { AuditPage, OrganisationView, TokenPair, UnitView, UserPage, UserView } from '../../src/contracts/auth-api.schema.js';
import { call, errorCode, login, startServer, type TestServer } from './auth-test-server.js';
import { sql } from '../support/test-database.js';

describe('administration and audit log (e2e)', () => {
  let server: TestServer;
  let base: string;
  let admin: TokenPair;
  let instructor: TokenPair;

  beforeAll(async () => {
    server = await startServer();
    base = server.baseUrl;
    admin = await login(base, 'admin');
    instructor = await login(base, 'instructor');
  });
  afterAll(() => server.close());

  it('seeds two demo organisations with units and the demo accounts', async () => {
    const orgs = await call<OrganisationView[]>(base, 'GET', '/api/orgs', { token: admin.accessToken });
    expect(orgs.status).toBe(200);
    const lamSon = orgs.body.find((o) => o.code === 'lam-son')!;
    expect(lamSon.name).toBe('Tỉnh Lâm Sơn');
    expect(lamSon.units.map((u) => u.code).sort()).toEqual(['cong-an', 'so-khcn', 'so-tttt', 'so-y-te', 'vp-ubnd']);
    const users = await call<UserPage>(base, 'GET', '/api/users?limit=200', { token: admin.accessToken });
    expect(users.body.items.map((u) => u.username).sort()).toEqual([
      'admin',
      'instructor',
      'reviewer',
      'reviewer2',
      'trainee1',
      'trainee2',
      'trainee3',
      'trainee4',
    ]);
    const reviewer2 = users.body.items.find((u) => u.username === 'reviewer2')!;
    expect(reviewer2.orgName).toBe('Tỉnh Bình Nguyên');
    expect(reviewer2.orgId).not.toBe(lamSon.id);
    const trainees = await call<UserPage>(base, 'GET', '/api/users?role=trainee', { token: admin.accessToken });
    expect(trainees.body.total).toBe(4);
  });

  it('creates organisations, units and users, and audits each change with before/after', async () => {
    const org = await call<OrganisationView>(base, 'POST', '/api/orgs', { token: admin.accessToken, json: { code: 'song-xanh', name: 'Tỉnh Sông Xanh' } });
    expect(org.status).toBe(201);
    expect(errorCode(await call(base, 'POST', '/api/orgs', { token: admin.accessToken, json: { code: 'song-xanh', name: 'Again' } }))).toBe('CONFLICT');
    const unit = await call<UnitView>(base, 'POST', `/api/orgs/${org.body.id}/units`, { token: admin.accessToken, json: { code: 'so-y-te', name: 'Sở Y tế' } });
    expect(unit.status).toBe(201);
    expect(
      errorCode(await call(base, 'POST', '/api/orgs/00000000-0000-4000-8000-000000000000/units', { token: admin.accessToken, json: { code: 'x', name: 'X' } })),
    ).toBe('ORG_NOT_FOUND');

    const created = await call<UserView>(base, 'POST', '/api/users', {
      token: admin.accessToken,
      json: { username: 'bs.lan', displayName: 'Bác sĩ Lan', password: 'benh-vien-2025!', unitId: unit.body.id, roles: ['trainee'] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ username: 'bs.lan', orgId: org.body.id, unitId: unit.body.id, roles: ['trainee'] });
    expect(JSON.stringify(created.body)).not.toContain('benh-vien');
    expect(
      errorCode(
        await call(base, 'POST', '/api/users', {
          token: admin.accessToken,
          json: { username: 'bs.lan', displayName: 'Dup', password: 'benh-vien-2025!', unitId: unit.body.id, roles: ['trainee'] },
        }),
      ),
    ).toBe('USERNAME_TAKEN');
    expect(
      errorCode(
        await call(base, 'POST', '/api/users', {
          token: admin.accessToken,
          json: { username: 'ghost', displayName: 'G', password: 'benh-vien-2025!', unitId: '00000000-0000-4000-8000-000000000000', roles: ['trainee'] },
        }),
      ),
    ).toBe('UNIT_NOT_FOUND');
    expect(
      errorCode(
        await call(base, 'POST', '/api/users', {
          token: admin.accessToken,
          json: { username: 'Bad Name', displayName: 'G', password: 'benh-vien-2025!', unitId: unit.body.id, roles: ['trainee'] },
        }),
      ),
    ).toBe('VALIDATION_FAILED');
    expect((await login(base, 'bs.lan', 'benh-vien-2025!')).user.unitName).toBe('Sở Y tế');

    await call(base, 'PUT', `/api/users/${created.body.id}/roles`, { token: admin.accessToken, json: { roles: ['instructor', 'trainee'] } });
    await call(base, 'POST', `/api/users/${created.body.id}/password`, { token: admin.accessToken, json: { newPassword: 'mat-khau-moi-2025' } });
    expect((await login(base, 'bs.lan', 'mat-khau-moi-2025')).user.roles).toEqual(['instructor', 'trainee']);

    const audit = await call<AuditPage>(base, 'GET', `/api/audit?targetId=${created.body.id}`, { token: admin.accessToken });
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e) => e.action).filter((a) => a.startsWith('user.'))).toEqual(['user.password.reset', 'user.roles.set', 'user.create']);
    // The user's own logins are audited too (with the address, never the password).
    expect(audit.body.items.filter((e) => e.action === 'auth.login').length).toBeGreaterThan(0);
    const roleChange = audit.body.items.find((e) => e.action === 'user.roles.set')!;
    expect(roleChange).toMatchObject({
      actorUsername: 'admin',
      targetType: 'user',
      before: { roles: ['trainee'] },
      after: { roles: ['instructor', 'trainee'] },
    });
    expect(JSON.stringify(audit.body)).not.toMatch(/mat-khau-moi|benh-vien|scrypt\$/);
    const all = await call<AuditPage>(base, 'GET', '/api/audit?limit=2&offset=0', { token: admin.accessToken });
    expect(all.body.items).toHaveLength(2);
    // Two organisation/unit changes, three user changes and four logins (the admin twice, the new user twice).
    expect(all.body.total).toBe(9);
    const logins = await call<AuditPage>(base, 'GET', '/api/audit?action=auth.login', { token: admin.accessToken });
    expect(logins.body.items.every((e) => e.actorId === e.targetId && typeof (e.after as { ip?: unknown }).ip === 'string')).toBe(true);
    expect(all.body.items[0]!.id).toBeGreaterThan(all.body.items[1]!.id);
  });

  it('protects administrators from locking themselves out', async () => {
    expect(errorCode(await call(base, 'POST', `/api/users/${admin.user.id}/disable`, { token: admin.accessToken }))).toBe('CONFLICT');
    expect(errorCode(await call(base, 'PUT', `/api/users/${admin.user.id}/roles`, { token: admin.accessToken, json: { roles: ['instructor'] } }))).toBe(
      'CONFLICT',
    );
    expect(errorCode(await call(base, 'POST', '/api/users/00000000-0000-4000-8000-000000000000/disable', { token: admin.accessToken }))).toBe('USER_NOT_FOUND');
  });

  it('shows instructors only their organisation’s audit entries and refuses trainees', async () => {
    const forInstructor = await call<AuditPage>(base, 'GET', '/api/audit', { token: instructor.accessToken });
    expect(forInstructor.status).toBe(200);
    expect(forInstructor.body.items.every((e) => e.orgId === instructor.user.orgId)).toBe(true);
    const trainee = await login(base, 'trainee1');
    expect(errorCode(await call(base, 'GET', '/api/audit', { token: trainee.accessToken }))).toBe('FORBIDDEN');
    expect(errorCode(await call(base, 'GET', '/api/users', { token: trainee.accessToken }))).toBe('FORBIDDEN');
    // Instructors may list users to build teams, but only their own organisation's.
    const listed = await call(base, 'GET', '/api/users?limit=100', { token: instructor.accessToken });
    expect(listed.status).toBe(200);
    expect(new Set((listed.body as { items: Array<{ orgId: string }> }).items.map((u) => u.orgId))).toEqual(new Set([instructor.user.orgId]));
  });

  it('keeps the audit log append-only at the database level', async () => {
    const dataSource = server.app.get(DataSource);
    await expect(sql(dataSource, "UPDATE audit_log SET action = 'tampered'")).rejects.toThrow(/append-only/);
    await expect(sql(dataSource, 'DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    const [{ n }] = (await sql(dataSource, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'tampered'")) as Array<{ n: number }>;
    expect(Number(n)).toBe(0);
  });

  it('stores passwords as scrypt hashes and refresh tokens only as SHA-256 digests', async () => {
    const dataSource = server.app.get(DataSource);
    const hashes = (await sql(dataSource, 'SELECT password_hash AS h FROM users')) as Array<{ h: string }>;
    expect(hashes.every((row) => /^scrypt\$ln=\d+,r=8,p=1\$/.test(row.h))).toBe(true);
    const tokens = (await sql(dataSource, 'SELECT token_hash AS h FROM refresh_tokens')) as Array<{ h: string }>;
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.every((row) => /^[0-9a-f]{64}$/.test(row.h))).toBe(true);
    expect(tokens.some((row) => row.h.includes(admin.refreshToken))).toBe(false);
  });
});
