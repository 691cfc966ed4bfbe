import { Inject, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ExercisesModule } from '../exercises/exercises.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsService } from './metrics.service.js';

/**
 * The Prometheus endpoint and what it measures. It observes the other modules from above (the bus,
 * the runtime's and the gateway's counts, a middleware on the action route), so none of them knows it.
 */
@Module({
  imports: [ExercisesModule, RealtimeModule],
  controllers: [MetricsController],
  providers: [MetricsService],
})
export class MetricsModule implements NestModule {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    if (!this.config.METRICS_ENABLED) return;
    const metrics = this.metrics;
    // From the request reaching Nest (guards, rate limit, validation included) to the ack being sent.
    consumer
      .apply((_request: Request, response: Response, next: NextFunction) => {
        const startedAt = process.hrtime.bigint();
        response.once('finish', () => metrics.actionHandled(startedAt, response.statusCode));
        next();
      })
      .forRoutes({ path: 'exercises/:exerciseId/actions', method: RequestMethod.POST });
  }
}
