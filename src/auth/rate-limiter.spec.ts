import { ManualClock } from '../engine/clock-port.js';
import { RateLimitedError, TokenBucketRateLimiter } from './rate-limiter.js';

describe('TokenBucketRateLimiter', () => {
  it('allows a burst of `capacity`, then refuses with a Retry-After', () => {
    const clock = new ManualClock(0);
    const limiter = TokenBucketRateLimiter.perMinute(10, clock);
    for (let i = 0; i < 10; i += 1) expect(limiter.take('ip|admin').allowed).toBe(true);
    const refused = limiter.take('ip|admin');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(6);
    expect(limiter.take('ip|other').allowed).toBe(true);
  });

  it('refills continuously with the clock', () => {
    const clock = new ManualClock(0);
    const limiter = TokenBucketRateLimiter.perMinute(10, clock);
    for (let i = 0; i < 10; i += 1) limiter.take('k');
    clock.advance(5_999);
    expect(limiter.take('k').allowed).toBe(false);
    clock.advance(1);
    expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(false);
    clock.advance(60_000);
    for (let i = 0; i < 10; i += 1) expect(limiter.take('k').allowed).toBe(true);
    expect(limiter.take('k').allowed).toBe(false);
  });

  it('supports weighted costs and does not charge refused requests', () => {
    const clock = new ManualClock(0);
    const limiter = new TokenBucketRateLimiter({ capacity: 5, refillPerSecond: 1, clock });
    expect(limiter.take('u', 4).allowed).toBe(true);
    expect(limiter.take('u', 2)).toEqual({ allowed: false, remaining: 1, retryAfterSeconds: 1 });
    expect(limiter.take('u', 1).allowed).toBe(true);
  });

  it('consume() throws a RATE_LIMITED AppError carrying the delay', () => {
    const limiter = new TokenBucketRateLimiter({ capacity: 1, refillPerSecond: 0.1, clock: new ManualClock(0) });
    limiter.consume('u');
    try {
      limiter.consume('u');
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(RateLimitedError);
      expect((error as RateLimitedError).code).toBe('RATE_LIMITED');
      expect((error as RateLimitedError).retryAfterSeconds).toBe(10);
    }
  });

  it('keeps memory bounded under a flood of distinct keys', () => {
    const clock = new ManualClock(0);
    const limiter = new TokenBucketRateLimiter({ capacity: 3, refillPerSecond: 1, clock, maxKeys: 100 });
    for (let i = 0; i < 1_000; i += 1) limiter.take(`k${i}`);
    expect(limiter.size).toBeLessThanOrEqual(100);
    clock.advance(10_000);
    limiter.take('late');
    expect(limiter.size).toBeLessThanOrEqual(100);
  });
});
