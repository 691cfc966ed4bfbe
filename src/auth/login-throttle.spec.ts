import { HOUR_MS, loginThrottle } from './login-throttle.js';

const policy = { maxPerHour: 100, freeFailures: 5, maxDelaySeconds: 300 };

describe('loginThrottle', () => {
  it('lets the first failures through at once', () => {
    expect(loginThrottle([], 0, policy)).toEqual({ allowed: true });
    expect(loginThrottle([1, 2, 3, 4], 5, policy)).toEqual({ allowed: true });
  });

  it('then doubles the wait after each further failure, up to the cap', () => {
    const five = [0, 1, 2, 3, 4_000];
    expect(loginThrottle(five, 4_500, policy)).toEqual({ allowed: false, reason: 'delay', retryAfterSeconds: 1 });
    expect(loginThrottle(five, 5_000, policy)).toEqual({ allowed: true });
    const eight = [0, 1, 2, 3, 4, 5, 6, 10_000];
    expect(loginThrottle(eight, 10_000, policy)).toEqual({ allowed: false, reason: 'delay', retryAfterSeconds: 8 });
    const many = Array.from({ length: 40 }, (_, i) => i);
    expect(loginThrottle(many, 40, policy)).toMatchObject({ reason: 'delay', retryAfterSeconds: 300 });
  });

  it('never allows more than maxPerHour failures in an hour, and forgets failures older than an hour', () => {
    const spread = Array.from({ length: 100 }, (_, i) => i * 30_000);
    const now = spread[99]! + 301_000;
    expect(loginThrottle(spread, now, policy)).toEqual({ allowed: false, reason: 'locked', retryAfterSeconds: Math.ceil((HOUR_MS - now) / 1000) });
    expect(loginThrottle(spread, HOUR_MS + 1, policy)).toEqual({ allowed: true });
    // With the default policy, at most 100 guesses fit in any hour.
    let attempts = 0;
    const log: number[] = [];
    for (let t = 0; t < HOUR_MS; t += 1000) {
      if (loginThrottle(log, t, policy).allowed) {
        attempts += 1;
        log.push(t);
      }
    }
    expect(attempts).toBeLessThanOrEqual(100);
  });
});
