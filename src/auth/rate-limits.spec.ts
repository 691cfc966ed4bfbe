import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import { loadConfig } from '../config/app-config.js';
import { loginAccountName, rateLimitOptions, rateLimitSubject } from './rate-limits.js';

const context = {} as ExecutionContext;

function throttlers(): Map<string, ThrottlerOptions> {
  const options = rateLimitOptions(loadConfig({ LOGIN_RATE_LIMIT_PER_MINUTE: '7', LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: '90' }));
  if (Array.isArray(options)) throw new Error('expected module options with throttlers');
  return new Map(options.throttlers.map((t) => [t.name ?? '', t]));
}

async function trackerOf(name: string, request: object): Promise<string> {
  const throttler = throttlers().get(name);
  if (!throttler?.getTracker) throw new Error(`no tracker for ${name}`);
  return throttler.getTracker(request, context);
}

describe('rate limits', () => {
  it('takes the login limits from the configuration, per minute, counting only accepted requests', () => {
    const all = throttlers();
    expect([all.get('login-address-account')?.limit, all.get('login-address')?.limit, all.get('password-change')?.limit]).toEqual([7, 90, 7]);
    expect(all.get('login-address')?.ttl).toBe(60_000);
    // 40 per 2 s: bursts of 40, 20 per second sustained.
    expect([all.get('triage-actions')?.limit, all.get('triage-actions')?.ttl]).toEqual([40, 2_000]);
    // A bulk request is one of those 40 and one of 10 bulk requests per 10 s.
    expect([all.get('triage-bulk')?.limit, all.get('triage-bulk')?.ttl]).toEqual([10, 10_000]);
    for (const throttler of all.values()) expect(throttler.blockDuration).toBe(0);
  });

  it('counts a login per address and account name, the name normalised as the per-account policy does', async () => {
    const a = await trackerOf('login-address-account', { ip: '203.0.113.7', body: { username: '  Trainee1 ' } });
    expect(a).toBe(await trackerOf('login-address-account', { ip: '203.0.113.7', body: { username: 'trainee1' } }));
    expect(a).not.toBe(await trackerOf('login-address-account', { ip: '203.0.113.8', body: { username: 'trainee1' } }));
    expect(await trackerOf('login-address', { ip: '203.0.113.7', body: { username: 'x' } })).toBe(
      await trackerOf('login-address', { ip: '203.0.113.7', body: {} }),
    );
    expect(loginAccountName('Cafe\u0301')).toBe(loginAccountName('Café'));
    expect(rateLimitSubject({ ip: undefined, body: { username: 42 } })).toEqual({ ip: 'unknown', username: '' });
  });

  it('counts per-account limits by user id, and refuses to guess on a route without a user', async () => {
    expect(await trackerOf('triage-actions', { ip: '1.2.3.4', user: { id: 'u-1' } })).toBe('u-1');
    expect(await trackerOf('password-change', { ip: '5.6.7.8', user: { id: 'u-1' } })).toBe('u-1');
    await expect(async () => trackerOf('triage-actions', { ip: '1.2.3.4' })).rejects.toThrow(/authenticated route/);
  });
});
