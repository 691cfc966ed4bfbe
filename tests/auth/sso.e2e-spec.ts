import { DataSource } from 'typeorm';
import type { AuditPage, TokenPair, UserView } from '../../src/contracts/auth-api.schema.js';
import { createAccount } from '../support/api.js';
import { call, errorCode, login, startServer, type TestServer } from './auth-test-server.js';
import { startOidcProvider, TestBrowser, type OidcTestProvider } from './oidc-test-provider.js';
import { sql } from '../support/test-database.js';

/**
 * Single sign-on end to end: a real OpenID Connect provider (oidc-provider) on a random port, the
 * real server configured as its client, and a minimal browser that fills in the provider's pages.
 * The console's public address is a name the test browser resolves to the server.
 */

const PUBLIC_URL = 'http://soc-drill.test';
const MAPPING = {
  rules: [
    { group: 'soc-lam-son', organisation: 'lam-son', unit: 'so-tttt', roles: ['trainee'] },
    { group: 'soc-lam-son-lead', organisation: 'lam-son', unit: 'so-tttt', roles: ['instructor'] },
    { group: 'auditors', roles: ['reviewer'] },
    { claim: 'department', value: 'cong-an', organisation: 'lam-son', unit: 'cong-an', roles: ['trainee'] },
  ],
};

describe('single sign-on with OpenID Connect (e2e)', () => {
  let provider: OidcTestProvider;
  let server: TestServer;
  let adminToken: string;

  beforeAll(async () => {
    // oidc-provider's notices about its development defaults (keys, pages, lifetimes) are expected here.
    for (const level of ['info', 'warn'] as const) {
      const original = console[level].bind(console);
      jest.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        if (typeof args[0] !== 'string' || !args[0].startsWith('oidc-provider')) original(...args);
      });
    }
    provider = await startOidcProvider({ redirectUri: `${PUBLIC_URL}/api/auth/sso/callback`, postLogoutRedirectUri: `${PUBLIC_URL}/login` });
    server = await startServer({
      PUBLIC_URL,
      SSO_ISSUER: provider.issuer,
      SSO_CLIENT_ID: provider.clientId,
      SSO_CLIENT_SECRET: provider.clientSecret,
      SSO_SCOPES: 'openid profile email groups',
      SSO_MAPPING: JSON.stringify(MAPPING),
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    });
    adminToken = (await login(server.baseUrl, 'admin')).accessToken;
    provider.accounts.set('an-subject-1', {
      name: 'Nguyễn Văn An',
      preferred_username: 'nguyen.van.an',
      email: 'an@lamson.gov.vn',
      groups: ['soc-lam-son'],
    });
    provider.accounts.set('marketing-1', { name: 'Trần Thị Bình', preferred_username: 'tran.binh', email: 'binh@example.vn', groups: ['marketing'] });
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await server?.close();
    await provider?.close();
  });

  /** Starts a login in the console, signs in at the provider, and returns where the browser lands plus the tab's flow secret. */
  async function ssoLogin(browser: TestBrowser, accountId: string): Promise<{ landing: URL; flowSecret: string }> {
    const started = await call<{ authorizationUrl: string; flowSecret: string }>(server.baseUrl, 'POST', '/api/auth/sso/start');
    expect(started.status).toBe(200);
    expect(started.body.authorizationUrl.startsWith(`${provider.issuer}/`)).toBe(true);
    return { landing: new URL(await browser.signIn(started.body.authorizationUrl, accountId)), flowSecret: started.body.flowSecret };
  }

  async function exchange(landing: URL, flowSecret: string): Promise<TokenPair> {
    const code = new URLSearchParams(landing.hash.slice(1)).get('sso');
    if (!code) throw new Error(`no one-time code in ${landing.href}`);
    const exchanged = await call<TokenPair>(server.baseUrl, 'POST', '/api/auth/sso/exchange', { json: { code, flowSecret } });
    expect(exchanged.status).toBe(200);
    return exchanged.body;
  }

  async function auditOf(action: string): Promise<AuditPage['items']> {
    return (await call<AuditPage>(server.baseUrl, 'GET', `/api/audit?action=${action}&limit=200`, { token: adminToken })).body.items;
  }

  it('signs a person in through the provider: account linked by issuer and subject, mapped organisation, unit and roles, usual tokens', async () => {
    expect((await call(server.baseUrl, 'GET', '/api/auth/sso/config')).body).toEqual({ enabled: true });
    const browser = new TestBrowser(PUBLIC_URL, server.baseUrl);
    const { landing, flowSecret } = await ssoLogin(browser, 'an-subject-1');
    // The browser lands on the console's login page with a one-time code in the fragment, never a token.
    expect(landing.origin + landing.pathname).toBe(`${PUBLIC_URL}/login`);
    expect(landing.search).toBe('');
    expect(browser.visited.join(' ')).not.toMatch(/eyJ|sdr_/);
    // The authorization request used PKCE (S256), state and nonce.
    const authorization = new URL(browser.visited[0]!);
    expect(authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorization.searchParams.get('state')).toBeTruthy();
    expect(authorization.searchParams.get('nonce')).toBeTruthy();

    const pair = await exchange(landing, flowSecret);
    expect(pair.user).toMatchObject({ username: 'nguyen.van.an', displayName: 'Nguyễn Văn An', roles: ['trainee'], sso: true, mustChangePassword: false });
    const me = await call<UserView>(server.baseUrl, 'GET', '/api/auth/me', { token: pair.accessToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ unitName: 'Sở Thông tin và Truyền thông', roles: ['trainee'] });
    // The platform's usual session: a trainee's token works on the API and refuses staff routes.
    expect((await call(server.baseUrl, 'GET', '/api/exercises', { token: pair.accessToken })).status).toBe(200);
    expect(errorCode(await call(server.baseUrl, 'GET', '/api/users', { token: pair.accessToken }))).toBe('FORBIDDEN');
    const refreshed = await call<TokenPair>(server.baseUrl, 'POST', '/api/auth/refresh', { json: { refreshToken: pair.refreshToken } });
    expect(refreshed.status).toBe(200);

    const created = (await auditOf('user.create')).find((e) => e.targetId === pair.user.id);
    expect(created?.after).toMatchObject({ source: 'sso', issuer: provider.issuer, subject: 'an-subject-1', roles: ['trainee'] });
    const logins = (await auditOf('auth.sso.login')).filter((e) => e.targetId === pair.user.id);
    expect(logins).toHaveLength(1);
    expect(JSON.stringify(logins)).not.toContain(pair.accessToken);

    // Signing in again finds the same account (the provider remembers the person: no pages this time).
    const again = await ssoLogin(browser, 'an-subject-1');
    expect((await exchange(again.landing, again.flowSecret)).user.id).toBe(pair.user.id);
  });

  it('updates organisation, unit and roles from the mapping at every login, audited, and never links accounts by username', async () => {
    // A local account already holds the name the provider suggests: it must stay untouched.
    const lam = (
      await call<Array<{ code: string; units: Array<{ id: string; code: string }> }>>(server.baseUrl, 'GET', '/api/orgs', { token: adminToken })
    ).body.find((o) => o.code === 'lam-son')!;
    const unitId = lam.units.find((u) => u.code === 'so-tttt')!.id;
    await createAccount(server.baseUrl, adminToken, {
      username: 'le.thi.cuc',
      displayName: 'Lê Thị Cúc (tài khoản nội bộ)',
      unitId,
      roles: ['reviewer'],
      password: 'mat-khau-noi-bo-cua-cuc-2026',
    });
    provider.accounts.set('cuc-subject', { name: 'Lê Thị Cúc', preferred_username: 'le.thi.cuc', email: 'cuc@lamson.gov.vn', groups: ['soc-lam-son'] });
    const browser = new TestBrowser(PUBLIC_URL, server.baseUrl);
    const first = await ssoLogin(browser, 'cuc-subject');
    const pair = await exchange(first.landing, first.flowSecret);
    expect(pair.user.username).toBe('le.thi.cuc-2');
    expect(pair.user.roles).toEqual(['trainee']);
    const local = await login(server.baseUrl, 'le.thi.cuc', 'mat-khau-noi-bo-cua-cuc-2026');
    expect(local.user).toMatchObject({ roles: ['reviewer'], sso: false });
    expect(local.user.id).not.toBe(pair.user.id);

    // The provider's groups change: at the next login the roles follow, the change is audited, and
    // the access tokens issued with the old roles stop working.
    provider.accounts.get('cuc-subject')!.groups = ['soc-lam-son-lead', 'soc-lam-son', 'auditors'];
    const second = await ssoLogin(browser, 'cuc-subject');
    const promoted = await exchange(second.landing, second.flowSecret);
    expect(promoted.user).toMatchObject({ id: pair.user.id, roles: ['instructor', 'trainee', 'reviewer'] });
    expect(errorCode(await call(server.baseUrl, 'GET', '/api/auth/me', { token: pair.accessToken }))).toBe('AUTH_TOKEN_REVOKED');
    expect((await call(server.baseUrl, 'GET', '/api/users', { token: promoted.accessToken })).status).toBe(200);
    const roleChanges = (await auditOf('user.roles.set')).filter((e) => e.targetId === pair.user.id);
    expect(roleChanges).toEqual([
      expect.objectContaining({ actorId: null, before: { roles: ['trainee'] }, after: { roles: ['instructor', 'trainee', 'reviewer'], source: 'sso' } }),
    ]);

    // A claim rule moves the person to another unit, audited too.
    provider.accounts.get('cuc-subject')!.groups = [];
    provider.accounts.get('cuc-subject')!.department = 'cong-an';
    const third = await ssoLogin(browser, 'cuc-subject');
    const moved = await exchange(third.landing, third.flowSecret);
    expect(moved.user).toMatchObject({ id: pair.user.id, roles: ['trainee'], unitName: 'Công an tỉnh Lâm Sơn' });
    expect((await auditOf('user.unit.set')).filter((e) => e.targetId === pair.user.id)).toHaveLength(1);
  });

  it('refuses a person whose groups map to nothing with SSO_NO_MAPPING: no account, the refusal logged and audited', async () => {
    const usersBefore = (await call<{ total: number }>(server.baseUrl, 'GET', '/api/users?limit=1', { token: adminToken })).body.total;
    const browser = new TestBrowser(PUBLIC_URL, server.baseUrl);
    const { landing } = await ssoLogin(browser, 'marketing-1');
    expect(landing.origin + landing.pathname).toBe(`${PUBLIC_URL}/login`);
    expect(landing.hash).toBe('#sso-error=SSO_NO_MAPPING');
    expect((await call<{ total: number }>(server.baseUrl, 'GET', '/api/users?limit=1', { token: adminToken })).body.total).toBe(usersBefore);
    const refusals = (await auditOf('auth.sso.refused')).filter((e) => (e.after as { subject?: string }).subject === 'marketing-1');
    expect(refusals).toEqual([
      expect.objectContaining({
        after: expect.objectContaining({ code: 'SSO_NO_MAPPING', reason: 'no rule matches the groups and claims', claims: { groups: ['marketing'] } }),
      }),
    ]);
    expect(JSON.stringify(refusals)).not.toContain(provider.clientSecret);
  });

  it('rejects a callback whose state does not match a login it started, and a one-time code used twice or from another tab', async () => {
    const browser = new TestBrowser(PUBLIC_URL, server.baseUrl);
    const started = await call<{ authorizationUrl: string; flowSecret: string }>(server.baseUrl, 'POST', '/api/auth/sso/start');
    await browser.signIn(started.body.authorizationUrl, 'an-subject-1');
    const callback = new URL(browser.visited.find((u) => u.startsWith(`${PUBLIC_URL}/api/auth/sso/callback`))!);
    const landing = new URL(browser.visited.at(-1)!);
    // The same callback again (its state is spent), and one with a state this server never issued.
    const replayed = await new TestBrowser(PUBLIC_URL, server.baseUrl).open(callback.href);
    expect(new URL(replayed.url).hash).toBe('#sso-error=SSO_STATE_INVALID');
    const forged = new URL(callback.href);
    forged.searchParams.set('state', 'state-of-another-login');
    expect(new URL((await new TestBrowser(PUBLIC_URL, server.baseUrl).open(forged.href)).url).hash).toBe('#sso-error=SSO_STATE_INVALID');
    expect((await auditOf('auth.sso.refused')).filter((e) => (e.after as { code: string }).code === 'SSO_STATE_INVALID').length).toBeGreaterThanOrEqual(2);

    // The one-time code needs the flow secret of the tab that started the login, and is spent by any attempt.
    const code = new URLSearchParams(landing.hash.slice(1)).get('sso')!;
    const otherTab = await call(server.baseUrl, 'POST', '/api/auth/sso/exchange', { json: { code, flowSecret: 'secret-of-another-tab' } });
    expect([otherTab.status, errorCode(otherTab)]).toEqual([401, 'SSO_CODE_INVALID']);
    const late = await call(server.baseUrl, 'POST', '/api/auth/sso/exchange', { json: { code, flowSecret: started.body.flowSecret } });
    expect(errorCode(late)).toBe('SSO_CODE_INVALID');
  });

  it('refuses password logins and password changes for SSO accounts with AUTH_SSO_ACCOUNT, and an administrator cannot give them one', async () => {
    const refused = await call(server.baseUrl, 'POST', '/api/auth/login', { json: { username: 'nguyen.van.an', password: 'any-password-at-all' } });
    expect([refused.status, errorCode(refused)]).toEqual([401, 'AUTH_SSO_ACCOUNT']);
    const browser = new TestBrowser(PUBLIC_URL, server.baseUrl);
    const { landing, flowSecret } = await ssoLogin(browser, 'an-subject-1');
    const pair = await exchange(landing, flowSecret);
    const change = await call(server.baseUrl, 'POST', '/api/auth/password', {
      token: pair.accessToken,
      json: { currentPassword: 'anything', newPassword: 'mot-mat-khau-rat-dai-2026' },
    });
    expect(errorCode(change)).toBe('AUTH_SSO_ACCOUNT');
    const reset = await call(server.baseUrl, 'POST', `/api/users/${pair.user.id}/password`, {
      token: adminToken,
      json: { newPassword: 'mot-mat-khau-rat-dai-2026' },
    });
    expect(errorCode(reset)).toBe('CONFLICT');
    // A disabled SSO account is refused at the callback, whatever the provider says.
    expect((await call(server.baseUrl, 'POST', `/api/users/${pair.user.id}/disable`, { token: adminToken })).status).toBe(200);
    expect(errorCode(await call(server.baseUrl, 'GET', '/api/auth/me', { token: pair.accessToken }))).toBe('AUTH_TOKEN_REVOKED');
    const disabled = await ssoLogin(browser, 'an-subject-1');
    expect(disabled.landing.hash).toBe('#sso-error=SSO_ACCOUNT_DISABLED');
    expect((await call(server.baseUrl, 'POST', `/api/users/${pair.user.id}/enable`, { token: adminToken })).status).toBe(200);
  });

  it("logout ends the local session and offers the provider's RP-initiated logout, which returns to the console", async () => {
    const browser = new TestBrowser(PUBLIC_URL, server.baseUrl);
    const { landing, flowSecret } = await ssoLogin(browser, 'an-subject-1');
    const pair = await exchange(landing, flowSecret);
    const out = await call<{ ok: true; ssoLogoutUrl?: string }>(server.baseUrl, 'POST', '/api/auth/logout', { token: pair.accessToken, json: {} });
    expect(out.status).toBe(200);
    const logoutUrl = new URL(out.body.ssoLogoutUrl!);
    expect(logoutUrl.origin).toBe(provider.issuer);
    expect(logoutUrl.searchParams.get('client_id')).toBe(provider.clientId);
    expect(logoutUrl.searchParams.get('post_logout_redirect_uri')).toBe(`${PUBLIC_URL}/login`);
    expect(errorCode(await call(server.baseUrl, 'GET', '/api/auth/me', { token: pair.accessToken }))).toBe('AUTH_TOKEN_REVOKED');
    expect(errorCode(await call(server.baseUrl, 'POST', '/api/auth/refresh', { json: { refreshToken: pair.refreshToken } }))).toBe('AUTH_TOKEN_REVOKED');
    expect(await browser.confirmLogout(logoutUrl.href)).toBe(`${PUBLIC_URL}/login`);
    // Signed out at the provider too: the next login asks for the password again.
    const started = await call<{ authorizationUrl: string }>(server.baseUrl, 'POST', '/api/auth/sso/start');
    const page = await browser.open(started.body.authorizationUrl);
    expect(page.body).toContain('name="prompt" value="login"');

    // A local user's logout offers no provider logout.
    const local = await login(server.baseUrl, 'trainee1');
    expect((await call(server.baseUrl, 'POST', '/api/auth/logout', { token: local.accessToken, json: {} })).body).toEqual({ ok: true });
  });

  it('an SSO session ends at its absolute lifetime like any other, however often it is refreshed', async () => {
    const browser = new TestBrowser(PUBLIC_URL, server.baseUrl);
    const { landing, flowSecret } = await ssoLogin(browser, 'an-subject-1');
    const pair = await exchange(landing, flowSecret);
    const sessionId = (JSON.parse(Buffer.from(pair.accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
    const refreshed = await call<TokenPair>(server.baseUrl, 'POST', '/api/auth/refresh', { json: { refreshToken: pair.refreshToken } });
    expect(refreshed.status).toBe(200);
    // The session was opened just over SESSION_MAX_AGE (12 h) ago: both tokens stop.
    await sql(server.app.get(DataSource), 'UPDATE auth_sessions SET created_at = ? WHERE id = ?', [
      new Date(Date.now() - 12 * 3600_000 - 1000).toISOString(),
      sessionId,
    ]);
    expect(errorCode(await call(server.baseUrl, 'GET', '/api/auth/me', { token: refreshed.body.accessToken }))).toBe('AUTH_TOKEN_EXPIRED');
    expect(errorCode(await call(server.baseUrl, 'POST', '/api/auth/refresh', { json: { refreshToken: refreshed.body.refreshToken } }))).toBe(
      'AUTH_TOKEN_EXPIRED',
    );
  });

  it('a server without SSO says so, and refuses its routes with SSO_NOT_CONFIGURED', async () => {
    const plain = await startServer();
    try {
      expect((await call(plain.baseUrl, 'GET', '/api/auth/sso/config')).body).toEqual({ enabled: false });
      const start = await call(plain.baseUrl, 'POST', '/api/auth/sso/start');
      expect([start.status, errorCode(start)]).toEqual([404, 'SSO_NOT_CONFIGURED']);
      expect(errorCode(await call(plain.baseUrl, 'GET', '/api/auth/sso/callback?state=x&code=y'))).toBe('SSO_NOT_CONFIGURED');
    } finally {
      await plain.close();
    }
  });
});
