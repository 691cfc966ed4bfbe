import { ConsoleLogger, type INestApplication, type LogLevel, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { type RequestHandler } from 'express';
import helmet from 'helmet';
import type { IncomingMessage } from 'node:http';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppModule } from './app.module.js';
import { AppError } from './common/app-error.js';
import type { ErrorCode } from './contracts/error-codes.js';
import { HttpExceptionFilter } from './common/http-exception.filter.js';
import { createValidationPipe } from './common/validation.pipe.js';
import { rejectReservedKeys } from './common/reserved-keys.js';
import type { AppConfig } from './config/app-config.js';
import { API_PREFIX } from './openapi/openapi.service.js';
import { isScenarioUploadRoute, SCENARIO_TEXT_TYPES } from './scenarios/scenario-body.js';

/**
 * Nest's Express adapter turns body-parser failures into generic HttpExceptions (malformed JSON
 * became VALIDATION_FAILED); converting them here keeps their specific codes.
 */
function codedParserErrors(parser: RequestHandler): RequestHandler {
  return (request, response, next) => {
    parser(request, response, (error?: unknown) => {
      if (error === undefined || error === null) return next();
      const type = typeof error === 'object' && 'type' in error ? (error as { type?: unknown }).type : undefined;
      const code: ErrorCode | undefined =
        type === 'entity.too.large'
          ? 'PAYLOAD_TOO_LARGE'
          : type === 'entity.parse.failed'
            ? 'MALFORMED_JSON'
            : type === 'encoding.unsupported' || type === 'charset.unsupported'
              ? 'UNSUPPORTED_MEDIA_TYPE'
              : undefined;
      if (code === undefined) return next(error);
      const message =
        code === 'PAYLOAD_TOO_LARGE'
          ? 'Request body is too large'
          : code === 'MALFORMED_JSON'
            ? 'Request body is not valid JSON'
            : 'Unsupported request encoding';
      next(new AppError(code, message));
    });
  };
}

const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** Nest's console logger at the configured level; LOG_FORMAT=json writes one JSON object per line for log collectors. */
export function appLogger(config: Pick<AppConfig, 'LOG_LEVEL' | 'LOG_FORMAT'>): ConsoleLogger {
  const logLevels = LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(config.LOG_LEVEL) + 1);
  return new ConsoleLogger(config.LOG_FORMAT === 'json' ? { logLevels, json: true } : { logLevels });
}

/** Builds the whole application; main.ts and the e2e tests share it so tests run the real thing. */
export async function createApp(config: AppConfig, options: { logger?: boolean } = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: options.logger === false ? false : appLogger(config),
    bodyParser: false,
    // On shutdown, once the hooks have handed the exercises over, connections still open are closed
    // (clients retry, actions are idempotent): a request waiting on this node must not keep it alive.
    forceCloseConnections: true,
    cors: config.CORS_ORIGIN ? { origin: config.CORS_ORIGIN.split(',').map((o) => o.trim()), credentials: true } : false,
  });
  app.disable('x-powered-by');
  // API answers are no-store, so an ETag (a hash of every body) could never save a transfer; the console's files keep theirs.
  app.set('etag', false);
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
  if (config.TRUST_PROXY) app.set('trust proxy', 1);
  // A scenario upload's body (up to megabytes) is only read here, as bytes: decoding and parsing it
  // would hold the event loop, so the heavy-job worker that checks the file does that too (scenarios/scenario-body.ts).
  const upload = (request: IncomingMessage): boolean => isScenarioUploadRoute(request.method ?? '', (request as express.Request).path);
  const is = (request: IncomingMessage, types: string[]): boolean => typeof (request as express.Request).is(types) === 'string';
  app.use(codedParserErrors(express.raw({ limit: config.BODY_LIMIT_BYTES, type: (request) => upload(request) && is(request, ['application/json']) })));
  app.use(codedParserErrors(express.raw({ limit: config.SCENARIO_MAX_BYTES, type: (request) => upload(request) && is(request, SCENARIO_TEXT_TYPES) })));
  app.use(
    codedParserErrors(express.json({ limit: config.BODY_LIMIT_BYTES, strict: true, type: (request) => !upload(request) && is(request, ['application/json']) })),
  );
  app.use(rejectReservedKeys);
  // API answers carry tokens and drill data: no browser or proxy may keep a copy.
  app.use('/api', (_req: express.Request, res: express.Response, next: express.NextFunction) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use(codedParserErrors(express.text({ limit: config.SCENARIO_MAX_BYTES, type: (request) => !upload(request) && is(request, SCENARIO_TEXT_TYPES) })));
  const require = createRequire(import.meta.url);
  if (config.openApiDocs) app.use('/api/docs/assets', express.static(dirname(require.resolve('swagger-ui-dist/package.json')), { index: false }));
  serveWebConsole(app, config);
  app.setGlobalPrefix(API_PREFIX, { exclude: [] });
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
  new Logger('Bootstrap').debug(`Application created (${config.demoMode ? 'demo' : 'production'} mode)`);
  return app;
}

/**
 * The web console (built by `npm run build:web` into dist/web) is served at `/`; any non-API
 * GET that accepts HTML gets index.html so client-side routes survive a reload.
 */
function serveWebConsole(app: NestExpressApplication, config: AppConfig): void {
  const dir = config.WEB_DIST_DIR ?? join(dirname(fileURLToPath(import.meta.url)), 'web');
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    new Logger('WebConsole').warn(`Web console not built (${index} missing): run \`npm run build\``);
    return;
  }
  app.use(
    express.static(dir, {
      index: false,
      maxAge: '1h',
      setHeaders: (res, path) => {
        if (path.endsWith('.html')) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.method !== 'GET' || req.path.startsWith('/api') || req.path.startsWith('/socket.io') || !req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
