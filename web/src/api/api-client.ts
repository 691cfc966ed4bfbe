import type { LogoutResponse, SsoConfigView, SsoStartResponse, TokenPair, UserView } from '@contracts/auth-api.schema.js';

/** An error from the API (or the network) with its stable code; the UI shows message and code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ReadonlyArray<{ path: string; message: string; line?: number; column?: number; code?: string }> = [],
  ) {
    super(message);
  }
}

const REFRESH_KEY = 'socdrill.refresh';
/** The secret binding a single sign-on login to the tab that started it (see startSso). */
const SSO_FLOW_KEY = 'socdrill.ssoFlow';

type Listener = () => void;

/**
 * The session: the access token lives only in memory; the refresh token is kept in this tab's
 * sessionStorage so a reload keeps the user signed in (a documented trade-off: readable by
 * script on this origin, which the strict CSP limits to our own bundle).
 */
class Session {
  accessToken: string | null = null;
  user: UserView | null = null;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<boolean> | null = null;
  private readonly listeners = new Set<Listener>();
  version = 0;

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    this.version += 1;
    for (const l of this.listeners) l();
  }

  hasRefreshToken(): boolean {
    return sessionStorage.getItem(REFRESH_KEY) !== null;
  }

  accept(pair: TokenPair): void {
    this.accessToken = pair.accessToken;
    this.user = pair.user;
    sessionStorage.setItem(REFRESH_KEY, pair.refreshToken);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    // Refresh ahead of expiry so sockets and requests never carry a stale token.
    const ms = Math.max(5_000, pair.expiresIn * 1000 * 0.8);
    this.refreshTimer = setTimeout(() => void this.refresh(), ms);
    this.emit();
  }

  clear(): void {
    this.accessToken = null;
    this.user = null;
    sessionStorage.removeItem(REFRESH_KEY);
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.emit();
  }

  /** Single-flight refresh; true when a new pair was obtained. A network failure keeps the session. */
  refresh(): Promise<boolean> {
    if (this.refreshing) return this.refreshing;
    const token = sessionStorage.getItem(REFRESH_KEY);
    if (!token) return Promise.resolve(false);
    this.refreshing = (async () => {
      try {
        const response = await fetch('/api/auth/refresh', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ refreshToken: token }),
        });
        if (response.ok) {
          this.accept((await response.json()) as TokenPair);
          return true;
        }
        if (response.status === 401 || response.status === 403 || response.status === 400) this.clear();
        return false;
      } catch {
        // Offline: retry soon; the user stays signed in.
        if (this.refreshTimer) clearTimeout(this.refreshTimer);
        this.refreshTimer = setTimeout(() => void this.refresh(), 5_000);
        return false;
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}

export const session = new Session();

async function parseError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string; details?: ApiError['details'] } };
    if (body.error?.code) return new ApiError(response.status, body.error.code, body.error.message ?? response.statusText, body.error.details ?? []);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(response.status, response.status === 404 ? 'ROUTE_NOT_FOUND' : 'INTERNAL_ERROR', text.slice(0, 200) || response.statusText);
}

export async function apiRequest<T>(method: string, path: string, body?: unknown, retry = true): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers: {
        ...(session.accessToken ? { authorization: `Bearer ${session.accessToken}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK_ERROR', error instanceof Error ? error.message : 'network error');
  }
  if (response.status === 401 && retry && path !== '/auth/login' && (await session.refresh())) {
    return apiRequest<T>(method, path, body, false);
  }
  if (!response.ok) throw await parseError(response);
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

export const api = {
  get: <T>(path: string) => apiRequest<T>('GET', path),
  post: <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, body ?? {}),
  put: <T>(path: string, body?: unknown) => apiRequest<T>('PUT', path, body ?? {}),
  delete: <T>(path: string) => apiRequest<T>('DELETE', path),
};

export async function login(username: string, password: string): Promise<UserView> {
  const pair = await apiRequest<TokenPair>('POST', '/auth/login', { username, password }, false);
  session.accept(pair);
  return pair.user;
}

/** Ends the session here; for a single sign-on user, returns the identity provider's logout page, if it has one. */
export async function logout(): Promise<string | undefined> {
  let ssoLogoutUrl: string | undefined;
  try {
    if (session.accessToken) ssoLogoutUrl = (await apiRequest<LogoutResponse>('POST', '/auth/logout', {}, false)).ssoLogoutUrl;
  } catch {
    // Logging out locally matters more than the server's answer.
  }
  session.clear();
  return ssoLogoutUrl;
}

export function ssoConfig(): Promise<SsoConfigView> {
  return apiRequest<SsoConfigView>('GET', '/auth/sso/config', undefined, false);
}

/**
 * Starts a single sign-on login: keeps the flow secret in this tab and opens the identity
 * provider. The provider comes back through the server to /login#sso=<one-time code>.
 */
export async function startSso(): Promise<void> {
  const started = await apiRequest<SsoStartResponse>('POST', '/auth/sso/start', {}, false);
  sessionStorage.setItem(SSO_FLOW_KEY, started.flowSecret);
  window.location.assign(started.authorizationUrl);
}

/** Exchanges the one-time code of a single sign-on login (with this tab's flow secret) for a session. */
export async function completeSso(code: string): Promise<UserView> {
  const flowSecret = sessionStorage.getItem(SSO_FLOW_KEY) ?? '';
  sessionStorage.removeItem(SSO_FLOW_KEY);
  if (!flowSecret) throw new ApiError(401, 'SSO_CODE_INVALID', 'This sign-in was not started in this tab');
  const pair = await apiRequest<TokenPair>('POST', '/auth/sso/exchange', { code, flowSecret }, false);
  session.accept(pair);
  return pair.user;
}
