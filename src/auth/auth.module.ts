import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AccessTokenVerifier } from '../common/access-token-verifier.js';
import { IdentityModule } from '../identity/identity.module.js';
import { AuthController } from './auth.controller.js';
import { AUTH_CLOCK, AuthService } from './auth.service.js';
import { RetryAfterInterceptor } from './retry-after.interceptor.js';
import { signingKeyProvider } from './signing-key.provider.js';

@Module({
  imports: [IdentityModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    { provide: AccessTokenVerifier, useExisting: AuthService },
    signingKeyProvider,
    { provide: AUTH_CLOCK, useValue: { now: () => Date.now() } },
    { provide: APP_INTERCEPTOR, useClass: RetryAfterInterceptor },
  ],
  exports: [AuthService, AccessTokenVerifier, IdentityModule],
})
export class AuthModule {}
