import { type DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditModule } from './audit/audit.module.js';
import { AccessGuard } from './common/access.guard.js';
import { AuthModule } from './auth/auth.module.js';
import type { AppConfig } from './config/app-config.js';
import { ClusterModule } from './cluster/cluster.module.js';
import { ConfigModule } from './config/config.module.js';
import { ExercisesModule } from './exercises/exercises.module.js';
import { ExportsModule } from './exports/exports.module.js';
import { LogSearchModule } from './log-search/log-search.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OpenApiModule } from './openapi/openapi.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { ScenariosModule } from './scenarios/scenarios.module.js';
import { ResultsModule } from './results/results.module.js';
import { ScoringModule } from './scoring/scoring.module.js';
import { TriageModule } from './triage/triage.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        ClusterModule,
        PersistenceModule,
        AuditModule,
        AuthModule,
        OpenApiModule,
        ScenariosModule,
        ExercisesModule,
        TriageModule,
        ScoringModule,
        ResultsModule,
        ExportsModule,
        LogSearchModule,
        RealtimeModule,
        HealthModule,
        MetricsModule,
      ],
      providers: [{ provide: APP_GUARD, useClass: AccessGuard }],
    };
  }
}
