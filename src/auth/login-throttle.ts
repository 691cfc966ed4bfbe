/**
 * Per-account login failure policy (ASVS 2.2.1): the first few failures are free, then each
 * further attempt waits twice as long as the one before (capped), and an account with
 * `maxPerHour` failures in the last hour is locked until the oldest of them is an hour old.
 * Counted per account name whatever the client address, so guessing from many addresses does not
 * help, while a classroom behind one address is not affected by one student's typos.
 */
export interface LoginThrottlePolicy {
  readonly maxPerHour: number;
  readonly freeFailures: number;
  readonly maxDelaySeconds: number;
}

export const HOUR_MS = 3_600_000;

export type LoginThrottleDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly reason: 'delay' | 'locked'; readonly retryAfterSeconds: number };

/** `failures`: times (ms) of the account's failed logins since its last successful one. */
export function loginThrottle(failures: readonly number[], nowMs: number, policy: LoginThrottlePolicy): LoginThrottleDecision {
  const recent = failures.filter((at) => at > nowMs - HOUR_MS).sort((a, b) => a - b);
  if (recent.length >= policy.maxPerHour) {
    const until = recent[recent.length - policy.maxPerHour]! + HOUR_MS;
    return { allowed: false, reason: 'locked', retryAfterSeconds: Math.max(1, Math.ceil((until - nowMs) / 1000)) };
  }
  if (recent.length < policy.freeFailures) return { allowed: true };
  const delayMs = Math.min(2 ** (recent.length - policy.freeFailures), policy.maxDelaySeconds) * 1000;
  const until = recent[recent.length - 1]! + delayMs;
  if (nowMs >= until) return { allowed: true };
  return { allowed: false, reason: 'delay', retryAfterSeconds: Math.max(1, Math.ceil((until - nowMs) / 1000)) };
}
