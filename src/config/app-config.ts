import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { ssoSettings, type SsoSettings } from './sso-settings.js';

const MIN_SECRET_ENTROPY_BITS = 128;

/**
 * An upper estimate of a secret's entropy: its length times the Shannon entropy of its own
 * character frequencies. It cannot prove a secret random, but it refuses repeated characters,
 * short alphabets and patterns such as "abababab…".
 */
export function estimatedEntropyBits(secret: string): number {
  const chars = [...secret];
  const counts = new Map<string, number>();
  for (const c of chars) counts.set(c, (counts.get(c) ?? 0) + 1);
  let perChar = 0;
  for (const n of counts.values()) perChar -= (n / chars.length) * Math.log2(n / chars.length);
  return perChar * chars.length;
}

/** Why a DATABASE_URL cannot be used, or null; the start refuses it before anything connects. */
function databaseUrlProblem(url: string): string | null {
  if (url.startsWith('sqlite:')) return url.length > 'sqlite:'.length ? null : 'sqlite: needs a file (sqlite:./data/soc-drill.sqlite) or :memory:';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a valid URL: postgres://user:password@host:5432/database (percent-encode special characters in the password)';
  }
  // A host, or a socket folder given as ?host=/var/run/postgresql.
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) return 'names no host: postgres://user:password@host:5432/database';
  if (parsed.pathname.replace(/^\//, '') === '') return 'names no database: postgres://user:password@host:5432/database';
  return null;
}

const booleanFromEnv = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((value) => value === 'true' || value === '1' || value === 'yes');

/**
 * Every setting the server reads from the environment. This is the only place that knows
 * environment variable names; the rest of the code receives a typed AppConfig.
 */
export const AppConfigSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
    DATA_DIR: z.string().min(1).default('./data'),
    /** `sqlite:<file>` (the embedded default is DATA_DIR/soc-drill.sqlite) or `postgres://user:password@host:port/database`. */
    DATABASE_URL: z
      .string()
      .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://')
      .superRefine((url, ctx) => {
        const problem = databaseUrlProblem(url);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    SCENARIOS_DIR: z.string().min(1).default('./scenarios'),
    RULES_DIR: z.string().min(1).default('./rules'),
    RULES_EXTRA_DIR: z.string().min(1).optional(),
    LOAD_BUNDLED_SCENARIOS: booleanFromEnv.default(true),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    ACCESS_TOKEN_TTL: z.coerce.number().int().min(10).max(86_400).default(900),
    REFRESH_TOKEN_TTL: z.coerce
      .number()
      .int()
      .min(60)
      .max(90 * 86_400)
      .default(7 * 86_400),
    DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('socdrill-demo'),
    CORS_ORIGIN: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
    /** `json`: one JSON object per log line (level, pid, timestamp, message, context), for log collectors. */
    LOG_FORMAT: z.enum(['text', 'json']).default('text'),
    /** The Prometheus endpoint (GET /api/metrics); off, the route answers 404 and nothing is measured. */
    METRICS_ENABLED: booleanFromEnv.default(false),
    /** When set, /api/metrics answers only requests with `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: z
      .string()
      .min(16, 'must be at least 16 characters')
      .max(256)
      .regex(/^[A-Za-z0-9._~+/=-]+$/, 'letters, digits and . _ ~ + / = - only (it travels in an Authorization header)')
      .optional(),
    SCENARIO_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(512 * 1024 * 1024)
      .default(5 * 1024 * 1024),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .max(64 * 1024 * 1024)
      .default(6 * 1024 * 1024),
    WEB_DIST_DIR: z.string().min(1).optional(),
    /** scrypt cost as log2(N); stored with each hash, so raising it later re-hashes at the next login. */
    PASSWORD_SCRYPT_LOG2N: z.coerce.number().int().min(10).max(20).default(15),
    /** Login attempts per minute for one client IP and one username. */
    LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(10_000).default(10),
    /** Login attempts per minute from one client IP (a classroom behind one NAT address shares it). */
    LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(200),
    /** Failed logins allowed per account name in any hour, from any address (ASVS 2.2.1: at most 100). */
    LOGIN_MAX_FAILURES_PER_HOUR: z.coerce.number().int().min(5).max(100).default(50),
    /** Absolute lifetime of a login session: refreshing never extends it past this (ASVS 3.3.2). */
    SESSION_MAX_AGE: z.coerce
      .number()
      .int()
      .min(300)
      .max(30 * 86_400)
      .default(12 * 3600),
    /** Behind a reverse proxy, take the client IP from X-Forwarded-For (one hop). */
    TRUST_PROXY: booleanFromEnv.default(false),
    /** Production has no default passwords: set these once to create the first administrator. */
    BOOTSTRAP_ADMIN_USERNAME: z
      .string()
      .regex(/^[a-z0-9][a-z0-9._-]{1,62}$/, 'lower-case letters, digits, . _ - (2-63 characters)')
      .default('admin'),
    BOOTSTRAP_ADMIN_PASSWORD: z.string().min(12, 'must be at least 12 characters').max(256).optional(),
    /** The OpenAPI document and Swagger UI (/api/docs, /api/docs-json). Default: on, except in production. */
    OPENAPI_DOCS: booleanFromEnv.optional(),
    /**
     * The address people open the console at (e.g. https://soc-drill.so-tttt.gov.vn). Links in the
     * CSV export and the printed reports start with it; unset, they start with the address the
     * request came to.
     */
    PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** The organisation's time zone for the times written in exports and reports (an IANA name). */
    ORG_TIME_ZONE: z
      .string()
      .default('Asia/Ho_Chi_Minh')
      .refine((zone) => {
        try {
          new Intl.DateTimeFormat('en', { timeZone: zone });
          return true;
        } catch {
          return false;
        }
      }, 'must be an IANA time zone such as Asia/Ho_Chi_Minh'),
    /**
     * Several nodes: the Redis that carries socket.io between nodes, the clock leases, actions
     * forwarded to an exercise's clock owner, revocations and rate-limit counters (docs/operations.md).
     * Unset: one node, nothing shared, no Redis needed.
     */
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    /** Prefix of every Redis key and channel: platforms sharing one Redis keep apart by it. */
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9._-]{1,64}$/, 'letters, digits and . _ - only (1-64)')
      .default('soc-drill'),
    /** Single sign-on (OpenID Connect): the provider's issuer URL; SSO is off while unset. See operations.md. */
    SSO_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
    SSO_CLIENT_ID: z.string().min(1).max(255).optional(),
    SSO_CLIENT_SECRET: z.string().min(1).max(1024).optional(),
    SSO_SCOPES: z
      .string()
      .regex(/^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/, 'space-separated scope names')
      .default('openid profile email'),
    /** The mapping from the provider's groups or claims to organisation, unit and roles, as JSON (see sso-settings.ts). */
    SSO_MAPPING: z.string().min(2).max(1_000_000).optional(),
    /** The same mapping in a JSON file. */
    SSO_MAPPING_FILE: z.string().min(1).optional(),
    /** Headless Chromium that prints the PDF reports (Debian's package; never a downloaded browser). */
    CHROMIUM_PATH: z.string().min(1).default('/usr/bin/chromium'),
    /** Wall-clock limit of one heavy job (validating, storing or simulating a scenario, re-scoring) in its worker thread, and of a whole PDF print. */
    HEAVY_JOB_TIMEOUT_MS: z.coerce.number().int().min(10).max(3_600_000).default(120_000),
    /** Old-generation heap of a heavy-job worker thread; a job that needs more ends as SCENARIO_TOO_COMPLEX. */
    HEAVY_JOB_MEMORY_MB: z.coerce.number().int().min(16).max(16_384).default(1024),
    /**
     * Worker threads that score an exercise from its logs (each opens its own connection: read-only
     * to the SQLite file, or one to PostgreSQL). 0 scores in the server thread, in pages. Default: min(2, cores).
     */
    SCORING_WORKERS: z.coerce
      .number()
      .int()
      .min(0)
      .max(16)
      .default(() => Math.min(2, availableParallelism())),
    /** Minutes without an action or a clock change after which a trainee's open practice run is finished (docs/exercises.md). */
    PRACTICE_IDLE_MINUTES: z.coerce.number().int().min(1).max(1_440).default(30),
    /** Worker threads for heavy jobs; further jobs wait for a free one. One core is left to the event loop. */
    HEAVY_JOB_WORKERS: z.coerce
      .number()
      .int()
      .min(1)
      .max(16)
      .default(() => Math.max(1, Math.min(4, availableParallelism() - 1))),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV === 'production' && !config.JWT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: 'is required when NODE_ENV=production (at least 32 random characters)',
      });
    }
    if (config.JWT_SECRET !== undefined && estimatedEntropyBits(config.JWT_SECRET) < MIN_SECRET_ENTROPY_BITS) {
      ctx.addIssue({
        code: 'custom',
        path: ['JWT_SECRET'],
        message: `looks guessable (about ${Math.floor(estimatedEntropyBits(config.JWT_SECRET))} bits; at least ${MIN_SECRET_ENTROPY_BITS} needed): use random characters, e.g. \`openssl rand -base64 48\``,
      });
    }
    if (config.NODE_ENV === 'production' && config.PASSWORD_SCRYPT_LOG2N < 14) {
      ctx.addIssue({ code: 'custom', path: ['PASSWORD_SCRYPT_LOG2N'], message: 'must be at least 14 when NODE_ENV=production' });
    }
  });

export type AppConfig = z.output<typeof AppConfigSchema> & {
  /** Demo mode creates demo accounts and a development signing secret. */
  readonly demoMode: boolean;
  /** Whether the OpenAPI document and Swagger UI are served. */
  readonly openApiDocs: boolean;
  readonly databaseUrl: string;
  /** Single sign-on, or null when SSO_ISSUER is unset. */
  readonly sso: SsoSettings | null;
};

/** Settings whose values never appear in error messages or logs. */
const SECRET_SETTINGS = new Set([
  'DATABASE_URL',
  'JWT_SECRET',
  'DEMO_PASSWORD',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'METRICS_TOKEN',
  'SSO_CLIENT_SECRET',
  'SSO_MAPPING',
]);

export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Validates an environment map; a bad value is reported with the variable's name. */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(AppConfigSchema.shape ?? {})) {
    const value = env[key];
    if (value !== undefined && value !== '') relevant[key] = value;
  }
  const result = AppConfigSchema.safeParse(relevant);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const given = relevant[name] !== undefined && !SECRET_SETTINGS.has(name) ? ` (got "${relevant[name]}")` : '';
        return `${name}: ${issue.message}${given}`;
      }),
    );
  }
  const config = result.data;
  const sso = ssoSettings(config);
  if (sso.problems.length > 0) throw new ConfigError(sso.problems);
  return {
    ...config,
    demoMode: config.NODE_ENV !== 'production',
    openApiDocs: config.OPENAPI_DOCS ?? config.NODE_ENV !== 'production',
    databaseUrl: defaultDatabaseUrl(config),
    sso: sso.settings,
  };
}

function defaultDatabaseUrl(config: { readonly DATA_DIR: string; readonly DATABASE_URL?: string | undefined }): string {
  return config.DATABASE_URL ?? `sqlite:${config.DATA_DIR.replace(/\/$/, '')}/soc-drill.sqlite`;
}

/**
 * Only where the database is (DATA_DIR, DATABASE_URL), for tools such as `soc-drill backup` that
 * must not fail on server settings they do not use.
 */
export function loadDatabaseUrl(env: Record<string, string | undefined>): string {
  const schema = z.object({ DATA_DIR: AppConfigSchema.shape.DATA_DIR, DATABASE_URL: AppConfigSchema.shape.DATABASE_URL });
  const given = (key: 'DATA_DIR' | 'DATABASE_URL') => (env[key] === '' ? undefined : env[key]);
  const result = schema.safeParse({ DATA_DIR: given('DATA_DIR'), DATABASE_URL: given('DATABASE_URL') });
  if (!result.success) throw new ConfigError(result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  return defaultDatabaseUrl(result.data);
}
