import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ThrottlerModule } from '@nestjs/throttler';
import { AccessTokenVerifier } from '../common/access-token-verifier.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { AuthSessionEntity } from './auth-session.entity.js';
import { AuthController } from './auth.controller.js';
import { AUTH_CLOCK, AuthService } from './auth.service.js';
import { LoginFailureEntity } from './login-failure.entity.js';
import { rateLimitOptions } from './rate-limits.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { signingKeyProvider } from './signing-key.provider.js';
import { ClusterNode } from '../cluster/cluster-node.js';
import { RedisThrottlerStorage } from './redis-throttler-storage.js';
import { SsoController } from './sso.controller.js';
import { SsoService } from './sso.service.js';
import { SystemSecretEntity } from './system-secret.entity.js';

@Module({
  // IdentityModule exports its repositories (users) as well.
  imports: [
    IdentityModule,
    TypeOrmModule.forFeature([AuthSessionEntity, LoginFailureEntity, RefreshTokenEntity, SystemSecretEntity]),
    // Global: the request limits of every module's @RateLimit routes share one store.
    // With several nodes the counters live in Redis, so a load balancer spreading requests does not multiply the limits.
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, ClusterNode],
      useFactory: (config: AppConfig, node: ClusterNode) => ({
        ...rateLimitOptions(config),
        ...(node.redis ? { storage: new RedisThrottlerStorage(node.redis) } : {}),
      }),
    }),
  ],
  controllers: [AuthController, SsoController],
  providers: [
    AuthService,
    SsoService,
    { provide: AccessTokenVerifier, useExisting: AuthService },
    signingKeyProvider,
    { provide: AUTH_CLOCK, useValue: { now: () => Date.now() } },
  ],
  exports: [AuthService, AccessTokenVerifier, IdentityModule],
})
export class AuthModule {}
