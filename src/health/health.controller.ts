import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, type HealthCheckResult } from '@nestjs/terminus';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import { AppError } from '../common/app-error.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { DatabaseHealthIndicator } from './database-health.indicator.js';

export const HealthSchema = z.object({ status: z.literal('ok') });

const IndicatorSchema = z.record(z.string(), z.object({ status: z.string() }).catchall(z.unknown()));
export const ReadinessSchema = z
  .object({ status: z.literal('ok'), info: IndicatorSchema, error: IndicatorSchema, details: IndicatorSchema })
  .meta({ id: 'Readiness' });

@Controller('health')
export class HealthController {
  constructor(
    @Inject(HealthCheckService) private readonly checks: HealthCheckService,
    @Inject(DatabaseHealthIndicator) private readonly database: DatabaseHealthIndicator,
  ) {}

  /** Liveness: the process answers. Dependencies are the readiness check's business. */
  @Get()
  @Access('public')
  @ApiDoc({ summary: 'Liveness check', tags: ['health'], response: HealthSchema })
  health(): z.infer<typeof HealthSchema> {
    return { status: 'ok' };
  }

  @Get('ready')
  @Access('public')
  @ApiDoc({
    summary: 'Readiness check: the database answers and every migration is applied (503 NOT_READY otherwise)',
    tags: ['health'],
    response: ReadinessSchema,
  })
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.checks.check([() => this.database.ping(), () => this.database.migrations()]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const details = Object.entries(result.error ?? {}).map(([path, value]) => ({
        path,
        message: typeof value?.message === 'string' ? value.message : String(value?.status ?? 'down'),
      }));
      throw new AppError('NOT_READY', 'The server is not ready to serve requests', details);
    }
  }
}
