import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import { AppError } from '../common/app-error.js';
import { bearerToken } from '../common/access.guard.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { MetricsService } from './metrics.service.js';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * Prometheus scrapes this. It is public to the access guard (a scraper has no user account) and
 * guards itself with METRICS_TOKEN when one is set.
 */
@Controller('metrics')
export class MetricsController {
  private readonly expectedToken: Buffer | null;

  constructor(
    @Inject(MetricsService) private readonly metrics: MetricsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.expectedToken = config.METRICS_TOKEN === undefined ? null : digest(config.METRICS_TOKEN);
  }

  @Get()
  @Access('public')
  @ApiDoc({
    summary:
      'Prometheus metrics in the text exposition format; only while METRICS_ENABLED is on (404 otherwise), with `Authorization: Bearer <METRICS_TOKEN>` when a token is set',
    tags: ['operations'],
    response: z.string(),
    responseContentType: 'text/plain; version=0.0.4',
    errors: ['ROUTE_NOT_FOUND', 'AUTH_REQUIRED', 'AUTH_TOKEN_INVALID'],
  })
  async scrape(@Req() request: Request, @Res({ passthrough: true }) response: Response): Promise<string> {
    if (!this.metrics.enabled) throw new AppError('ROUTE_NOT_FOUND', 'Not found');
    this.checkToken(request);
    const exposition = await this.metrics.exposition();
    if (exposition === null) throw new AppError('ROUTE_NOT_FOUND', 'Not found');
    response.setHeader('Content-Type', exposition.contentType);
    return exposition.text;
  }

  private checkToken(request: Request): void {
    if (this.expectedToken === null) return;
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) throw new AppError('AUTH_REQUIRED', 'This endpoint needs the metrics token (Authorization: Bearer <METRICS_TOKEN>)');
    // Hashes of equal length, compared in constant time: the answer reveals nothing about the token.
    if (!timingSafeEqual(digest(token), this.expectedToken)) throw new AppError('AUTH_TOKEN_INVALID', 'Wrong metrics token');
  }
}
