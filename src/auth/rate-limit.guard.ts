import { applyDecorators, type ExecutionContext, Inject, Injectable, Logger, SetMetadata, UseGuards } from '@nestjs/common';
import { logText } from '../common/log-text.js';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerRequest,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { LRUCache } from 'lru-cache';
import { AuditService } from '../audit/audit.service.js';
import { RateLimitedError } from '../common/rate-limited.error.js';
import { AUDITED_RATE_LIMITS, RATE_LIMITS_METADATA, type RateLimitName, rateLimitSubject } from './rate-limits.js';

/** A refusal is audited once per limit, key and minute: a flood must not flood the append-only audit log. */
const REFUSAL_AUDIT_INTERVAL_MS = 60_000;
const MAX_AUDITED_KEYS = 10_000;

/**
 * Applies only the named limits of rate-limits.ts to a route (the throttler applies every
 * throttler to every guarded route by default). Route-level, so it runs after the AccessGuard and a
 * per-account limit knows the user.
 */
export function RateLimit(...names: readonly RateLimitName[]): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(RATE_LIMITS_METADATA, names), UseGuards(RateLimitGuard));
}

/** The throttler guard with the project's refusal: RATE_LIMITED with Retry-After, audited for logins. */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  protected override logger = new Logger(RateLimitGuard.name);
  private readonly refusalsAudited = new LRUCache<string, true>({ max: MAX_AUDITED_KEYS, ttl: REFUSAL_AUDIT_INTERVAL_MS });

  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    @Inject(Reflector) reflector: Reflector,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {
    super(options, storage, reflector);
  }

  protected override async handleRequest(request: ThrottlerRequest): Promise<boolean> {
    // Only the route's own limits get here (see skipIf in rate-limits.ts).
    const name = request.throttler.name as RateLimitName;
    try {
      return await super.handleRequest(request);
    } catch (error) {
      if (error instanceof RateLimitedError && AUDITED_RATE_LIMITS.has(name)) await this.auditRefusal(name, request.context, error);
      throw error;
    }
  }

  protected override throwThrottlingException(_context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    return Promise.reject(new RateLimitedError(detail.timeToBlockExpire));
  }

  private async auditRefusal(name: RateLimitName, context: ExecutionContext, error: RateLimitedError): Promise<void> {
    const { ip, username } = rateLimitSubject(context.switchToHttp().getRequest());
    const key = `${name}|${ip}|${name === 'login-address' ? '' : username}`;
    if (this.refusalsAudited.has(key)) return;
    this.refusalsAudited.set(key, true);
    this.logger.warn(`Login refused by a rate limit (${name}) for ${logText(username)} from ${logText(ip)}; retry in ${error.retryAfterSeconds} s`);
    await this.audit.record({
      actor: null,
      action: 'auth.rate_limited',
      targetType: 'user',
      targetId: null,
      after: { username, ip, limit: name, retryAfterSeconds: error.retryAfterSeconds },
    });
  }
}
