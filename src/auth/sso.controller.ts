import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Access } from '../common/access.decorator.js';
import {
  SsoConfigViewSchema,
  SsoExchangeRequestSchema,
  SsoStartResponseSchema,
  TokenPairSchema,
  type SsoConfigView,
  type SsoExchangeRequest,
  type SsoStartResponse,
  type TokenPair,
} from '../contracts/auth-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { clientOf } from './auth.controller.js';
import { RateLimit } from './rate-limit.guard.js';
import { SsoService } from './sso.service.js';

/** Single sign-on with an OpenID Connect provider, beside the local accounts (see SsoService for the flow). */
@Controller('auth/sso')
export class SsoController {
  constructor(@Inject(SsoService) private readonly sso: SsoService) {}

  @Get('config')
  @Access('public')
  @ApiDoc({
    summary: 'Whether single sign-on is configured (the login page shows its button)',
    tags: ['auth'],
    response: SsoConfigViewSchema,
  })
  config(): SsoConfigView {
    return this.sso.publicConfig();
  }

  @Post('start')
  @HttpCode(200)
  @Access('public')
  @RateLimit('login-address')
  @ApiDoc({
    summary: 'Start a single sign-on login: the provider address to open, and the secret that binds the login to this tab',
    description:
      'Authorization code flow with PKCE, state and nonce. Keep `flowSecret` in the tab (sessionStorage) and open `authorizationUrl`; the provider ' +
      'returns to /api/auth/sso/callback, which sends the browser to the console at `/login#sso=<one-time code>`, to be exchanged at /api/auth/sso/exchange.',
    tags: ['auth'],
    response: SsoStartResponseSchema,
    responseStatus: 200,
    errors: ['SSO_NOT_CONFIGURED', 'SSO_PROVIDER_ERROR', 'RATE_LIMITED'],
  })
  start(): Promise<SsoStartResponse> {
    return this.sso.start();
  }

  @Get('callback')
  @Access('public')
  // Every refusal is audited: the per-address limit keeps a flood of forged callbacks from flooding the audit log.
  @RateLimit('login-address')
  @ApiDoc({
    summary: "The identity provider's redirect back (the redirect URL registered there); answers with a redirect to the console",
    description:
      'On success: 303 to `<PUBLIC_URL>/login#sso=<one-time code>`. On a refusal: 303 to `<PUBLIC_URL>/login#sso-error=<code>`, the code being ' +
      'SSO_STATE_INVALID (unknown, expired or reused state), SSO_PROVIDER_ERROR (the provider refused or its answer did not verify), ' +
      'SSO_NO_MAPPING (the groups map to no organisation and unit: no account is created) or SSO_ACCOUNT_DISABLED.',
    tags: ['auth'],
    responseStatus: 303,
    errors: ['SSO_NOT_CONFIGURED', 'RATE_LIMITED'],
  })
  async callback(@Req() request: Request, @Res() response: Response): Promise<void> {
    const queryAt = request.originalUrl.indexOf('?');
    const location = await this.sso.callback(queryAt < 0 ? '' : request.originalUrl.slice(queryAt + 1), clientOf(request));
    response.redirect(303, location);
  }

  @Post('exchange')
  @HttpCode(200)
  @Access('public')
  @RateLimit('login-address')
  @ApiDoc({
    summary: 'Exchange the one-time code of a single sign-on login (with the tab’s flow secret) for a token pair',
    description: 'The code is spent on the first attempt, right or wrong, and expires after 60 s. The session follows the same rules as a password login.',
    tags: ['auth'],
    response: TokenPairSchema,
    responseStatus: 200,
    errors: ['SSO_NOT_CONFIGURED', 'SSO_CODE_INVALID', 'SSO_ACCOUNT_DISABLED', 'RATE_LIMITED'],
  })
  exchange(@Body({ schema: SsoExchangeRequestSchema }) body: SsoExchangeRequest, @Req() request: Request): Promise<TokenPair> {
    return this.sso.exchange(body.code, body.flowSecret, clientOf(request));
  }
}
