import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessTokenVerifier } from '../common/access-token-verifier.js';
import { IdentityModule } from '../identity/identity.module.js';
import { AuthSessionEntity } from './auth-session.entity.js';
import { AuthController } from './auth.controller.js';
import { AUTH_CLOCK, AuthService } from './auth.service.js';
import { LoginFailureEntity } from './login-failure.entity.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { RetryAfterInterceptor } from './retry-after.interceptor.js';
import { signingKeyProvider } from './signing-key.provider.js';
import { SystemSecretEntity } from './system-secret.entity.js';

@Module({
  // IdentityModule exports its repositories (users) as well.
  imports: [IdentityModule, TypeOrmModule.forFeature([AuthSessionEntity, LoginFailureEntity, RefreshTokenEntity, SystemSecretEntity])],
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
