import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/**
 * A real OpenID Connect provider (oidc-provider) on a random port, with one confidential client and
 * in-memory accounts whose groups a test sets. Its development login and consent pages accept any
 * password for a known account; the test fills them in as a browser would.
 */

export interface TestAccount {
  name: string;
  preferred_username: string;
  email: string;
  groups: string[];
  department?: string;
}

export interface OidcTestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly accounts: Map<string, TestAccount>;
  close(): Promise<void>;
}

export async function startOidcProvider(options: { redirectUri: string; postLogoutRedirectUri: string }): Promise<OidcTestProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const accounts = new Map<string, TestAccount>();
  const clientId = 'soc-drill-test';
  const clientSecret = 'client-secret-for-the-test-provider-only';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    findAccount(_ctx, sub) {
      const account = accounts.get(sub);
      return Promise.resolve(account ? { accountId: sub, claims: () => Promise.resolve({ sub, ...account }) } : undefined);
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'department'], email: ['email'], groups: ['groups'] },
    scopes: ['openid', 'profile', 'email', 'groups'],
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['oidc-test-provider-cookie-key'] },
  });
  server.on('request', provider.callback());
  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
}

/**
 * A minimal browser over fetch: follows redirects by hand, keeps each origin's cookies, and maps
 * the console's public address (PUBLIC_URL) to the test server, as DNS would.
 */
export class TestBrowser {
  private readonly cookies = new Map<string, Map<string, string>>();
  /** Every URL the browser was sent to, in order (redirects included). */
  readonly visited: string[] = [];

  constructor(
    private readonly publicUrl: string,
    private readonly serverUrl: string,
  ) {}

  /** Follows redirects until a page that is not a redirect, or a URL on the console's public address outside /api. */
  async open(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<{ url: string; status: number; body: string }> {
    let current = url;
    let method = init.method ?? 'GET';
    let form = init.form;
    for (let hops = 0; hops < 20; hops++) {
      this.visited.push(current);
      const target = new URL(current);
      if (current.startsWith(this.publicUrl) && !target.pathname.startsWith('/api/')) return { url: current, status: 200, body: '' };
      const address = current.startsWith(this.publicUrl) ? `${this.serverUrl}${current.slice(this.publicUrl.length)}` : current;
      const origin = new URL(address).origin;
      const jar = this.cookies.get(origin) ?? new Map<string, string>();
      const headers: Record<string, string> = {};
      if (jar.size > 0) headers.cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
      const response = await fetch(address, { method, headers, redirect: 'manual', ...(form ? { body: new URLSearchParams(form).toString() } : {}) });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair] = cookie.split(';');
        const at = pair!.indexOf('=');
        const name = pair!.slice(0, at).trim();
        const value = pair!.slice(at + 1).trim();
        if (/expires=Thu, 01 Jan 1970/i.test(cookie) || value === '') jar.delete(name);
        else jar.set(name, value);
      }
      this.cookies.set(origin, jar);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        current = new URL(location, current).href;
        method = 'GET';
        form = undefined;
        continue;
      }
      return { url: current, status: response.status, body: await response.text() };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Submits the provider's login, consent or logout forms as a person would, until the console is reached. */
  async signIn(authorizationUrl: string, accountId: string): Promise<string> {
    let page = await this.open(authorizationUrl);
    for (let step = 0; step < 5 && !page.url.startsWith(this.publicUrl); step++) {
      const action = /<form[^>]*action="([^"]+)"/.exec(page.body)?.[1];
      if (!action) throw new Error(`no form at ${page.url} (${page.status}): ${page.body.slice(0, 300)}`);
      const prompt = /name="prompt" value="(\w+)"/.exec(page.body)?.[1];
      const form: Record<string, string> = prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt: prompt ?? '' };
      page = await this.open(new URL(unescapeHtml(action), page.url).href, { method: 'POST', form });
    }
    return page.url;
  }

  /** Confirms the provider's logout page; returns where the provider sends the browser afterwards. */
  async confirmLogout(logoutUrl: string): Promise<string> {
    const page = await this.open(logoutUrl);
    const action = /<form id="op.logoutForm" method="post" action="([^"]+)">/.exec(page.body)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!action || !xsrf) throw new Error(`no logout form at ${page.url} (${page.status}): ${page.body.slice(0, 300)}`);
    return (await this.open(new URL(unescapeHtml(action), page.url).href, { method: 'POST', form: { xsrf, logout: 'yes' } })).url;
  }
}

function unescapeHtml(text: string): string {
  return text
    .replace(/&#x2F;/g, '/')
    .replace(/&#x3D;/g, '=')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}
