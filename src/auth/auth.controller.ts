import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import {
  ChangePasswordRequestSchema,
  LoginRequestSchema,
  LogoutResponseSchema,
  RefreshRequestSchema,
  TokenPairSchema,
  UserViewSchema,
  type ChangePasswordRequest,
  type LoginRequest,
  type LogoutResponse,
  type RefreshRequest,
  type TokenPair,
  type UserView,
} from '../contracts/auth-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { z } from 'zod';
import { Access, AllowPendingPasswordChange } from '../common/access.decorator.js';
import { AuthService, type ClientInfo } from './auth.service.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import { RateLimit } from './rate-limit.guard.js';
import { SsoService } from './sso.service.js';

const LogoutRequestSchema = z.strictObject({ refreshToken: z.string().min(1).max(512).optional() }).optional();

export function clientOf(request: Request): ClientInfo {
  const agent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof agent === 'string' ? agent : undefined };
}

@Controller('auth')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SsoService) private readonly sso: SsoService,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Access('public')
  @RateLimit('login-address-account', 'login-address')
  @ApiDoc({
    summary: 'Log in with username and password',
    description:
      'Returns a short-lived access token (send as `Authorization: Bearer <token>`) and a single-use refresh token. ' +
      'A wrong username, a wrong password and a disabled account answer alike (AUTH_INVALID_CREDENTIALS). Rate-limited per client IP and username, per client IP, and per account whatever the address: ' +
      'after a few failures each attempt waits longer, and an account with LOGIN_MAX_FAILURES_PER_HOUR failures in an hour is locked until the oldest is an hour old (RATE_LIMITED with Retry-After). ' +
      'A user whose password an administrator set (`user.mustChangePassword`) may only change it, read /auth/me and log out until then (AUTH_PASSWORD_CHANGE_REQUIRED elsewhere). ' +
      'A single sign-on account has no password here (AUTH_SSO_ACCOUNT): it signs in through /auth/sso/start.',
    tags: ['auth'],
    response: TokenPairSchema,
    responseStatus: 200,
    errors: ['AUTH_INVALID_CREDENTIALS', 'AUTH_SSO_ACCOUNT', 'RATE_LIMITED'],
  })
  login(@Body({ schema: LoginRequestSchema }) body: LoginRequest, @Req() request: Request): Promise<TokenPair> {
    return this.auth.login(body.username, body.password, clientOf(request));
  }

  @Post('refresh')
  @HttpCode(200)
  @Access('public')
  @ApiDoc({
    summary: 'Exchange a refresh token for a new token pair (the old refresh token is spent)',
    description: 'Presenting an already used refresh token ends the whole session (AUTH_TOKEN_REVOKED).',
    tags: ['auth'],
    response: TokenPairSchema,
    responseStatus: 200,
    errors: ['AUTH_TOKEN_INVALID', 'AUTH_TOKEN_EXPIRED', 'AUTH_TOKEN_REVOKED'],
  })
  refresh(@Body({ schema: RefreshRequestSchema }) body: RefreshRequest): Promise<TokenPair> {
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @AllowPendingPasswordChange()
  @HttpCode(200)
  @Access('authenticated')
  @ApiDoc({
    summary: 'Log out: ends this session (its refresh tokens and access tokens)',
    description:
      'Optional body `{ refreshToken }` also ends the session that refresh token belongs to (if it is yours). ' +
      "For a single sign-on user whose provider offers RP-initiated logout, `ssoLogoutUrl` is the provider's logout page (open it to end the session there too).",
    tags: ['auth'],
    response: LogoutResponseSchema,
    responseStatus: 200,
  })
  async logout(
    @Body({ schema: LogoutRequestSchema }) body: z.infer<typeof LogoutRequestSchema>,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<LogoutResponse> {
    await this.auth.logout(user, body?.refreshToken);
    const ssoLogoutUrl = await this.sso.logoutUrl(user);
    return ssoLogoutUrl === undefined ? { ok: true } : { ok: true, ssoLogoutUrl };
  }

  @Post('password')
  @AllowPendingPasswordChange()
  @HttpCode(200)
  @Access('authenticated')
  @RateLimit('password-change')
  @ApiDoc({
    summary: 'Change your password; ends all your sessions and returns a fresh token pair',
    tags: ['auth'],
    response: TokenPairSchema,
    responseStatus: 200,
    errors: ['AUTH_CURRENT_PASSWORD_WRONG', 'AUTH_SSO_ACCOUNT', 'RATE_LIMITED'],
  })
  changePassword(
    @Body({ schema: ChangePasswordRequestSchema }) body: ChangePasswordRequest,
    @CurrentUser() user: AuthenticatedUser,
    @Req() request: Request,
  ): Promise<TokenPair> {
    return this.auth.changePassword(user, body.currentPassword, body.newPassword, clientOf(request));
  }

  @Get('me')
  @AllowPendingPasswordChange()
  @Access('authenticated')
  @ApiDoc({ summary: 'The signed-in user', tags: ['auth'], response: UserViewSchema })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserView> {
    return this.auth.me(user);
  }
}
