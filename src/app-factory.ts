import { type INestApplication, type LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { AppModule } from './app.module.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { createValidationPipe } from './common/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { API_PREFIX } from './openapi/openapi.service.js';

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Builds the whole application; main.ts and the e2e tests share it so tests run the real thing. */
export async function createApp(config: AppConfig, options: { logger?: boolean } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: options.logger === false ? false : LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.LOG_LEVEL) + 1),
    bodyParser: false,
    cors: config.CORS_ORIGIN ? { origin: config.CORS_ORIGIN.split(',').map((o) => o.trim()), credentials: true } : false,
  });
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'font-src': ["'self'", 'data:'],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'object-src': ["'none'"],
          'frame-ancestors': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'"],
        },
      },
      crossOriginEmbedderPolicy: false,
    }),
  );
  app.use(express.json({ limit: config.BODY_LIMIT_BYTES, strict: true }));
  app.use(express.text({ limit: config.SCENARIO_MAX_BYTES, type: ['text/yaml', 'application/yaml', 'application/x-yaml', 'text/plain'] }));
  const require = createRequire(import.meta.url);
  app.use('/api/docs/assets', express.static(dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }));
  app.setGlobalPrefix(API_PREFIX, { exclude: [] });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  new Logger('Bootstrap').debug(`Application created (${config.demoMode ? 'demo' : 'production'} mode)`);
  return app;
}
