import { Controller, Get } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../auth/access.decorator.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';

export const HealthSchema = z.object({ status: z.literal('ok') });

@Controller('health')
export class HealthController {
  @Get()
  @Access('public')
  @ApiDoc({ summary: 'Liveness check', tags: ['health'], response: HealthSchema })
  health(): z.infer<typeof HealthSchema> {
    return { status: 'ok' };
  }
}
