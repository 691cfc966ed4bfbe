import { type CanActivate, type ExecutionContext, Inject, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppError } from './app-error.js';
import { ACCESS_POLICY_KEY, ALLOW_PENDING_PASSWORD_CHANGE_KEY, type AccessPolicy } from './access.decorator.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import type { AuthenticatedUser, RequestWithUser } from './authenticated-user.js';

/** A socket.io socket whose gateway stored the handshake's user in `socket.data.user`. */
export interface SocketWithUser {
  data?: { user?: AuthenticatedUser };
}

/** The token of an `Authorization: Bearer <token>` header; undefined when there is no header at all. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const value = Array.isArray(header) ? (header[0] ?? '') : header;
  const match = /^Bearer +([^\s]+) *$/i.exec(value);
  if (!match) throw new AppError('AUTH_TOKEN_INVALID', 'Authorization header must be "Bearer <token>"');
  return match[1];
}

/**
 * Deny by default: a handler without a declared policy is refused outright. Otherwise public
 * routes pass; everything else needs a valid access token (the user is attached as
 * `request.user`) and, for role policies, one of the listed roles. For socket.io handlers the
 * user is the one the gateway stored in `socket.data.user` at the handshake.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly logger = new Logger(AccessGuard.name);

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AccessTokenVerifier) private readonly auth: AccessTokenVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.getAllAndOverride<AccessPolicy | undefined>(ACCESS_POLICY_KEY, [context.getHandler(), context.getClass()]);
    if (!policy) {
      this.logger.error(`No access policy declared on ${context.getClass().name}.${context.getHandler().name}: denied`);
      throw new AppError('FORBIDDEN', 'Access denied');
    }
    if (policy.kind === 'public') return true;
    const user = await this.authenticate(context);
    switch (policy.kind) {
      case 'authenticated':
        return true;
      case 'roles':
        if (policy.roles.some((role) => user.roles.includes(role))) return true;
        throw new AppError('FORBIDDEN', 'Your roles do not allow this');
      default: {
        const unhandled: never = policy;
        throw new Error(`unhandled access policy ${String(unhandled)}`);
      }
    }
  }

  private async authenticate(context: ExecutionContext): Promise<AuthenticatedUser> {
    switch (context.getType()) {
      case 'http': {
        const request = context.switchToHttp().getRequest<Request & RequestWithUser>();
        const token = bearerToken(request.headers.authorization);
        if (token === undefined) throw new AppError('AUTH_REQUIRED', 'Authentication required');
        const allowPendingPasswordChange = this.reflector.get<boolean | undefined>(ALLOW_PENDING_PASSWORD_CHANGE_KEY, context.getHandler()) === true;
        request.user = await this.auth.verifyAccessToken(token, { allowPendingPasswordChange });
        return request.user;
      }
      case 'ws': {
        // The gateway authenticates the handshake (see the realtime gateway) and keeps the user on the socket.
        const client = context.switchToWs().getClient<SocketWithUser>();
        const user = client?.data?.user;
        if (!user) throw new AppError('AUTH_REQUIRED', 'Authentication required');
        return user;
      }
      default:
        throw new AppError('FORBIDDEN', 'Access denied');
    }
  }
}
