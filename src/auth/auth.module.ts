import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { IdentityModule } from '../identity/identity.module.js';
import { AuthController } from './auth.controller.js';
import { AUTH_CLOCK, AuthService } from './auth.service.js';
import { rateLimitOptions } from './rate-limits.js';
import { signingKeyProvider } from './signing-key.provider.js';

@Module({
  imports: [
    IdentityModule,
    // Global: the request limits of every module's @RateLimit routes share one store.
    ThrottlerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (config: AppConfig) => rateLimitOptions(config) }),
  ],
  controllers: [AuthController],
  providers: [AuthService, signingKeyProvider, { provide: AUTH_CLOCK, useValue: { now: () => Date.now() } }],
  exports: [AuthService, IdentityModule],
})
export class AuthModule {}
