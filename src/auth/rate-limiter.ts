import type { ClockPort } from '../common/clock-port.js';
import { RateLimitedError } from '../common/rate-limited-error.js';

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Whole tokens left after this request. */
  readonly remaining: number;
  /** When refused: seconds until the request would be allowed (at least 1). */
  readonly retryAfterSeconds: number;
}

export interface TokenBucketOptions {
  /** Burst size: requests allowed at once from a full bucket. */
  readonly capacity: number;
  /** Sustained rate. */
  readonly refillPerSecond: number;
  readonly clock?: ClockPort;
  /** Bound on remembered keys, so a flood of distinct keys cannot exhaust memory. */
  readonly maxKeys?: number;
}

// In common/ because heavy jobs refuse with it too.
export { RateLimitedError };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const systemClock: ClockPort = { now: () => Date.now() };

/**
 * In-memory token bucket per key (e.g. "ip|username" for logins, a user id for triage actions).
 * One process only: behind several server instances each keeps its own buckets.
 */
export class TokenBucketRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: ClockPort;
  private readonly maxKeys: number;

  constructor(private readonly options: TokenBucketOptions) {
    if (!(options.capacity >= 1) || !(options.refillPerSecond > 0)) throw new RangeError('capacity must be >= 1 and refillPerSecond > 0');
    this.clock = options.clock ?? systemClock;
    this.maxKeys = options.maxKeys ?? 100_000;
  }

  /** `limit` requests per minute, with a burst of `limit`. */
  static perMinute(limit: number, clock?: ClockPort): TokenBucketRateLimiter {
    return new TokenBucketRateLimiter({ capacity: limit, refillPerSecond: limit / 60, ...(clock ? { clock } : {}) });
  }

  /** Takes `cost` tokens if available; a refused request takes nothing. */
  take(key: string, cost = 1): RateLimitDecision {
    const now = this.clock.now();
    const bucket = this.refilled(key, now);
    // The epsilon absorbs float drift (6 s at 10/min must give exactly one token back).
    if (bucket.tokens + 1e-9 >= cost) {
      bucket.tokens = Math.max(0, bucket.tokens - cost);
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterSeconds: 0 };
    }
    const missing = cost - bucket.tokens;
    return { allowed: false, remaining: Math.floor(bucket.tokens), retryAfterSeconds: Math.max(1, Math.ceil(missing / this.options.refillPerSecond)) };
  }

  /** Like `take`, but throws RATE_LIMITED when refused. */
  consume(key: string, cost = 1): void {
    const decision = this.take(key, cost);
    if (!decision.allowed) throw new RateLimitedError(decision.retryAfterSeconds);
  }

  reset(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.evict(now);
      bucket = { tokens: this.options.capacity, updatedAt: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000;
    bucket.tokens = Math.min(this.options.capacity, bucket.tokens + elapsedSeconds * this.options.refillPerSecond);
    bucket.updatedAt = now;
    return bucket;
  }

  /** Forgets full buckets (they behave like new ones); if none are full, the oldest quarter. */
  private evict(now: number): void {
    const fullAfterMs = (this.options.capacity / this.options.refillPerSecond) * 1000;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.updatedAt >= fullAfterMs) this.buckets.delete(key);
    }
    if (this.buckets.size < this.maxKeys) return;
    let toDrop = Math.ceil(this.maxKeys / 4);
    for (const key of this.buckets.keys()) {
      if (toDrop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}
