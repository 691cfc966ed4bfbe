import { call, errorCode, startServer, type TestServer } from './auth-test-server.js';

describe('HTTP hardening (e2e)', () => {
  let server: TestServer;
  let base: string;

  beforeAll(async () => {
    server = await startServer({ BODY_LIMIT_BYTES: '4096', CORS_ORIGIN: 'https://soc.example.gov.vn' });
    base = server.baseUrl;
  });
  afterAll(() => server.close());

  it('answers a too-large body with 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await call(base, 'POST', '/api/auth/login', { json: { username: 'admin', password: 'x'.repeat(10_000) } });
    expect(response.status).toBe(413);
    expect(errorCode(response)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers malformed JSON with 400 MALFORMED_JSON and a bad charset with 415', async () => {
    for (const raw of ['{"username":', '{bad', '"just a string"', '\u0000']) {
      const response = await call(base, 'POST', '/api/auth/login', { raw, headers: { 'content-type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('MALFORMED_JSON');
    }
    const charset = await call(base, 'POST', '/api/auth/login', { raw: '{}', headers: { 'content-type': 'application/json; charset=klingon' } });
    expect(charset.status).toBe(415);
    expect(errorCode(charset)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('sends security headers (CSP, no sniffing, no framing, HSTS, no referrer) and no X-Powered-By', async () => {
    const response = await call(base, 'GET', '/api/health');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('refuses reserved keys (__proto__, constructor, prototype) anywhere in a JSON body instead of dropping them', async () => {
    for (const raw of [
      '{"username":"admin","password":"socdrill-demo","__proto__":{"roles":["admin"]}}',
      '{"username":"admin","password":"socdrill-demo","constructor":{"prototype":{}}}',
    ]) {
      const response = await call<{ error: { code: string; details: Array<{ path: string }> } }>(base, 'POST', '/api/auth/login', {
        raw,
        headers: { 'content-type': 'application/json' },
      });
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('VALIDATION_FAILED');
      expect(response.body.error.details[0]!.path).toMatch(/^(__proto__|constructor)$/);
    }
  });

  it('marks every API answer, tokens included, as not to be stored', async () => {
    const loginResponse = await call(base, 'POST', '/api/auth/login', { json: { username: 'admin', password: 'socdrill-demo' } });
    expect(loginResponse.status).toBe(200);
    expect(loginResponse.headers.get('cache-control')).toBe('no-store');
    const token = (loginResponse.body as { accessToken: string }).accessToken;
    for (const path of ['/api/auth/me', '/api/users', '/api/health', '/api/no-such-route']) {
      expect([path, (await call(base, 'GET', path, { token })).headers.get('cache-control')]).toEqual([path, 'no-store']);
    }
  });

  it('allows CORS only for CORS_ORIGIN', async () => {
    const allowed = await fetch(`${base}/api/auth/login`, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://soc.example.gov.vn',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,authorization',
      },
    });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://soc.example.gov.vn');
    const denied = await fetch(`${base}/api/health`, { headers: { origin: 'https://evil.example.com' } });
    expect(denied.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends no CORS headers at all when CORS_ORIGIN is unset', async () => {
    const plain = await startServer();
    try {
      const response = await fetch(`${plain.baseUrl}/api/health`, { headers: { origin: 'https://evil.example.com' } });
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await plain.close();
    }
  });

  it('answers unknown routes with a coded 404', async () => {
    const response = await call(base, 'GET', '/api/definitely-not-a-route');
    expect(response.status).toBe(404);
    expect(errorCode(response)).toBe('ROUTE_NOT_FOUND');
  });
});
