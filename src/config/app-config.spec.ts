import { availableParallelism } from 'node:os';
import { ConfigError, estimatedEntropyBits, loadConfig, loadDatabaseUrl } from './app-config.js';

describe('loadConfig', () => {
  it('has working defaults for the embedded demo mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, demoMode: true, databaseUrl: 'sqlite:./data/soc-drill.sqlite' });
  });

  it('sizes the scoring workers min(2, cores) unless SCORING_WORKERS says otherwise (0: the server thread)', () => {
    expect(loadConfig({}).SCORING_WORKERS).toBe(Math.min(2, availableParallelism()));
    expect(loadConfig({ SCORING_WORKERS: '0' }).SCORING_WORKERS).toBe(0);
    expect(loadConfig({ SCORING_WORKERS: '3' }).SCORING_WORKERS).toBe(3);
    expect(() => loadConfig({ SCORING_WORKERS: 'many' })).toThrow(ConfigError);
    expect(() => loadConfig({ SCORING_WORKERS: '17' })).toThrow(ConfigError);
  });

  it('keeps metrics off and logs as text unless told, and never echoes the metrics token', () => {
    expect(loadConfig({})).toMatchObject({ METRICS_ENABLED: false, LOG_FORMAT: 'text' });
    expect(loadConfig({ METRICS_ENABLED: 'true', METRICS_TOKEN: 'abcdefgh12345678', LOG_FORMAT: 'json' })).toMatchObject({
      METRICS_ENABLED: true,
      METRICS_TOKEN: 'abcdefgh12345678',
      LOG_FORMAT: 'json',
    });
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT/);
    try {
      loadConfig({ METRICS_TOKEN: 'short token' });
      throw new Error('accepted');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^METRICS_TOKEN: /), expect.stringMatching(/^METRICS_TOKEN: /)]);
      expect((error as ConfigError).message).not.toContain('short token');
    }
  });

  it('tells tools where the database is without requiring the server settings', () => {
    expect(loadDatabaseUrl({})).toBe('sqlite:./data/soc-drill.sqlite');
    expect(loadDatabaseUrl({ DATA_DIR: '/srv/drill/', NODE_ENV: 'production', PORT: 'x' })).toBe('sqlite:/srv/drill/soc-drill.sqlite');
    expect(loadDatabaseUrl({ DATABASE_URL: 'postgres://db/soc' })).toBe('postgres://db/soc');
    expect(() => loadDatabaseUrl({ DATABASE_URL: 'mysql://db' })).toThrow(/DATABASE_URL/);
  });

  it('names the variable at fault', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: '70000', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([expect.stringMatching(/^PORT: .*70000/), expect.stringMatching(/^LOG_LEVEL: /)]);
    }
  });

  it('requires a signing secret in production, and never echoes secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET/);
    try {
      loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'short' });
    } catch (error) {
      expect((error as ConfigError).message).not.toContain('short');
    }
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'k8Zp2QwX9vLm4RtY7nBc1JhG6sDf3AeU0oPi5KlMzNq' }).demoMode).toBe(false);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).toThrow(/JWT_SECRET: looks guessable/);
  });

  it("estimates a secret's entropy from its length and character frequencies", () => {
    expect(estimatedEntropyBits('x'.repeat(100))).toBe(0);
    expect(estimatedEntropyBits('abababab')).toBeCloseTo(8);
    // 48 random bytes in base64 (what the docs suggest) carry well over 128 bits by this estimate.
    expect(estimatedEntropyBits('q3J0dW5kZWZpbmVkLXNlY3JldC0wMTIzNDU2Nzg5LWFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3eHl6QUJD')).toBeGreaterThan(128);
  });

  it('serves the OpenAPI document by default except in production, and OPENAPI_DOCS decides', () => {
    expect(loadConfig({}).openApiDocs).toBe(true);
    const secret = 'k8Zp2QwX9vLm4RtY7nBc1JhG6sDf3AeU0oPi5KlMzNq';
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret }).openApiDocs).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: secret, OPENAPI_DOCS: 'true' }).openApiDocs).toBe(true);
    expect(loadConfig({ OPENAPI_DOCS: 'false' }).openApiDocs).toBe(false);
  });

  it('accepts a PostgreSQL URL for the scale-out mode', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/socdrill' }).databaseUrl).toBe('postgres://localhost/socdrill');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(loadConfig({ DATABASE_URL: 'postgresql://u:p%40ss@db.internal:5433/soc_drill?sslmode=require' }).databaseUrl).toContain('db.internal');
    expect(loadConfig({ DATABASE_URL: 'postgres:///soc_drill?host=/var/run/postgresql' }).databaseUrl).toContain('soc_drill');
    for (const [url, problem] of [
      ['postgres://localhost', /names no database/],
      ['postgres://localhost/', /names no database/],
      ['postgres:///soc_drill', /names no host/],
      ['postgres://u:p@ss@[db/soc', /not a valid URL/],
      ['sqlite:', /needs a file/],
    ] as const) {
      const error = (() => {
        try {
          loadConfig({ DATABASE_URL: url });
          return null;
        } catch (e) {
          return e as ConfigError;
        }
      })();
      expect(error?.code).toBe('CONFIG_INVALID');
      expect(error?.message).toMatch(/DATABASE_URL/);
      expect(error?.message).toMatch(problem);
    }
  });

  it("writes exports in the organisation's time zone (Asia/Ho_Chi_Minh by default) and links them to PUBLIC_URL when set", () => {
    expect(loadConfig({}).ORG_TIME_ZONE).toBe('Asia/Ho_Chi_Minh');
    expect(loadConfig({ ORG_TIME_ZONE: 'Asia/Bangkok' }).ORG_TIME_ZONE).toBe('Asia/Bangkok');
    expect(() => loadConfig({ ORG_TIME_ZONE: 'Mars/Olympus' })).toThrow(/ORG_TIME_ZONE/);
    expect(loadConfig({}).PUBLIC_URL).toBeUndefined();
    expect(loadConfig({ PUBLIC_URL: 'https://soc.lamson.gov.vn' }).PUBLIC_URL).toBe('https://soc.lamson.gov.vn');
    expect(() => loadConfig({ PUBLIC_URL: 'javascript:alert(1)' })).toThrow(/PUBLIC_URL/);
  });
  it('turns single sign-on on only with SSO_ISSUER, and refuses to start on a bad SSO setting without echoing the secret or the mapping', () => {
    expect(loadConfig({}).sso).toBeNull();
    const sso = {
      PUBLIC_URL: 'https://soc.lamson.gov.vn',
      SSO_ISSUER: 'https://id.lamson.gov.vn/realms/soc',
      SSO_CLIENT_ID: 'soc-drill',
      SSO_CLIENT_SECRET: 'client-secret-value',
      SSO_MAPPING: JSON.stringify({ rules: [{ group: 'soc', organisation: 'lam-son', unit: 'so-tttt', roles: ['trainee'] }] }),
    };
    expect(loadConfig(sso).sso).toMatchObject({ redirectUri: 'https://soc.lamson.gov.vn/api/auth/sso/callback', scopes: 'openid profile email' });
    expect(() => loadConfig({ ...sso, SSO_MAPPING: '{"rules":[{"group":"soc","roles":["trainee"]}]}' })).toThrow(/SSO_MAPPING: rules: at least one rule/);
    let message = '';
    try {
      loadConfig({ ...sso, SSO_ISSUER: 'ftp://id.example', SSO_MAPPING: '{"secret-looking": true' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/SSO_ISSUER: /);
    expect(message).not.toContain('client-secret-value');
  });
});
