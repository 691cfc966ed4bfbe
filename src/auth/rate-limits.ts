import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions, ThrottlerOptions } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config.js';

/**
 * The named request limits (@nestjs/throttler, sliding window per key: in memory on one node, in
 * Redis shared by every node with REDIS_URL, see redis-throttler-storage.ts). A route opts in with `@RateLimit(...names)`.
 * Per-account login failures are not here: they live in the database (login-throttle.ts).
 */
export type RateLimitName = 'login-address-account' | 'login-address' | 'password-change' | 'triage-actions' | 'triage-bulk';

/** Trainee actions per user: bursts of 40, 20 per second sustained. */
const TRIAGE_ACTIONS_PER_WINDOW = 40;
const TRIAGE_WINDOW_MS = 2_000;
const MINUTE_MS = 60_000;
/**
 * Bulk requests per user: each is also one request of `triage-actions` (checked, like it, before
 * anything is applied, so a bulk is refused whole or accepted whole) and carries up to 200 actions
 * committed together; 10 per 10 s bounds a user's bulk volume at 200 actions a second.
 */
const TRIAGE_BULK_PER_WINDOW = 10;
const TRIAGE_BULK_WINDOW_MS = 10_000;

interface TrackedRequest {
  readonly ip?: string;
  readonly body?: unknown;
  readonly user?: { readonly id: string };
}

/** The account name a login is counted under (also the key of the per-account failure policy). */
export function loginAccountName(username: string): string {
  return username.normalize('NFC').trim().toLowerCase().slice(0, 64);
}

function addressOf(request: TrackedRequest): string {
  return request.ip ?? 'unknown';
}

function loginNameOf(request: TrackedRequest): string {
  const body = request.body;
  const username = body !== null && typeof body === 'object' && 'username' in body ? body.username : undefined;
  return typeof username === 'string' ? loginAccountName(username) : '';
}

/** Routes with an account limit run after the AccessGuard, so the user is known. */
function accountOf(request: TrackedRequest): string {
  const id = request.user?.id;
  if (id === undefined) throw new Error('A per-account rate limit needs an authenticated route');
  return id;
}

/** Describes one tracked request for the log and the audit (no secrets: the address and the name tried). */
export function rateLimitSubject(request: TrackedRequest): { readonly ip: string; readonly username: string } {
  return { ip: addressOf(request), username: loginNameOf(request) };
}

/** Limits whose refusals are audited (`auth.rate_limited`): the ones guarding logins. */
export const AUDITED_RATE_LIMITS: ReadonlySet<RateLimitName> = new Set<RateLimitName>(['login-address-account', 'login-address']);

type Tracker = (request: TrackedRequest, context: ExecutionContext) => string;

/** The metadata `@RateLimit(...names)` sets on a route: the limits that apply to it. */
export const RATE_LIMITS_METADATA = 'soc-drill:rate-limits';

function routeLimits(context: ExecutionContext): readonly RateLimitName[] | undefined {
  return (Reflect.getMetadata(RATE_LIMITS_METADATA, context.getHandler()) ?? Reflect.getMetadata(RATE_LIMITS_METADATA, context.getClass())) as
    readonly RateLimitName[] | undefined;
}

function throttler(name: RateLimitName, limit: number, ttl: number, getTracker: Tracker): ThrottlerOptions {
  return {
    name,
    limit,
    ttl,
    // blockDuration 0: a refused request does not count and blocks nothing, so the key may retry as
    // soon as its oldest counted request leaves the window (what a token bucket did).
    blockDuration: 0,
    getTracker,
    // The throttler tries every limit on every guarded route; a route's other limits are skipped
    // before their per-route lookups, which ran on every trainee action.
    skipIf: (context) => !(routeLimits(context)?.includes(name) ?? false),
    // The library's default hashes this same string with SHA-256 on every request, for nothing: keys stay in memory.
    generateKey: (context, tracker) => `${context.getClass().name}.${context.getHandler().name}|${name}|${tracker}`,
  };
}

export function rateLimitOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    // Retry-After comes from RateLimitedError (the exception filter); no per-throttler header noise.
    setHeaders: false,
    throttlers: [
      throttler('login-address-account', config.LOGIN_RATE_LIMIT_PER_MINUTE, MINUTE_MS, (request) => `${addressOf(request)}|${loginNameOf(request)}`),
      throttler('login-address', config.LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE, MINUTE_MS, addressOf),
      throttler('password-change', config.LOGIN_RATE_LIMIT_PER_MINUTE, MINUTE_MS, accountOf),
      throttler('triage-actions', TRIAGE_ACTIONS_PER_WINDOW, TRIAGE_WINDOW_MS, accountOf),
      throttler('triage-bulk', TRIAGE_BULK_PER_WINDOW, TRIAGE_BULK_WINDOW_MS, accountOf),
    ],
  };
}
