import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from '../common/app-error.js';
import { ACCESS_POLICY_KEY, type AccessPolicy } from './access.decorator.js';

/**
 * Deny by default: a handler without a declared policy is refused outright.
 * (Authentication of non-public routes is added by the auth module.)
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY_KEY, [context.getHandler(), context.getClass()]);
    if (!policy) {
      this.logger.error(`No access policy declared on ${context.getClass().name}.${context.getHandler().name}: denied`);
      throw new AppError('FORBIDDEN', 'Access denied');
    }
    if (policy.kind === 'public') return true;
    throw new AppError('AUTH_REQUIRED', 'Authentication required');
  }
}
