import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ErrorBody, ErrorCode } from '../contracts/error-codes.js';
import { AppError, httpStatusFor } from './app-error.js';
import type { RequestWithUser } from './authenticated-user.js';
import { logText } from './log-text.js';
import { RateLimitedError } from './rate-limited.error.js';

interface BodyParserError {
  type?: string;
  status?: number;
  statusCode?: number;
}

/** Maps whatever was thrown to `{ error: { code, message, details } }` with a stable code. */
export function toErrorBody(exception: unknown): { status: number; body: ErrorBody } {
  if (exception instanceof AppError) {
    return {
      status: httpStatusFor(exception.code),
      body: { error: { code: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) } },
    };
  }
  const parserError = exception as BodyParserError;
  if (parserError && typeof parserError === 'object' && typeof parserError.type === 'string') {
    // body-parser errors arrive before any route code runs.
    const code: ErrorCode =
      parserError.type === 'entity.too.large'
        ? 'PAYLOAD_TOO_LARGE'
        : parserError.type === 'entity.parse.failed'
          ? 'MALFORMED_JSON'
          : parserError.type === 'encoding.unsupported' || parserError.type === 'charset.unsupported'
            ? 'UNSUPPORTED_MEDIA_TYPE'
            : 'VALIDATION_FAILED';
    return { status: httpStatusFor(code), body: { error: { code, message: messageFor(code) } } };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const code: ErrorCode =
      status === 404
        ? 'ROUTE_NOT_FOUND'
        : status === 401
          ? 'AUTH_REQUIRED'
          : status === 403
            ? 'FORBIDDEN'
            : status === 413
              ? 'PAYLOAD_TOO_LARGE'
              : status === 429
                ? 'RATE_LIMITED'
                : status >= 500
                  ? 'INTERNAL_ERROR'
                  : 'VALIDATION_FAILED';
    return { status: httpStatusFor(code), body: { error: { code, message: exception.message } } };
  }
  return { status: 500, body: { error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } } };
}

function messageFor(code: ErrorCode): string {
  switch (code) {
    case 'PAYLOAD_TOO_LARGE':
      return 'Request body is too large';
    case 'MALFORMED_JSON':
      return 'Request body is not valid JSON';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'Unsupported request encoding';
    default:
      return 'Invalid request';
  }
}

/** Refused access decisions, logged as such (ASVS 7.2.2); an expired token or a missing one is routine and is not. */
const ACCESS_REFUSALS: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['FORBIDDEN', 'AUTH_TOKEN_INVALID', 'AUTH_TOKEN_REVOKED']);

@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpExceptionFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const response = host.switchToHttp().getResponse<Response>();
    const { status, body } = toErrorBody(exception);
    if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    if (ACCESS_REFUSALS.has(body.error.code)) {
      const request = host.switchToHttp().getRequest<Request & RequestWithUser>();
      const who = request.user ? `user ${request.user.id} (${logText(request.user.username)})` : 'an unauthenticated client';
      this.logger.warn(
        `Access refused (${body.error.code}) to ${who} from ${logText(request.ip ?? 'unknown')}: ${request.method} ${logText(request.originalUrl)}`,
      );
    }
    if (response.headersSent) return;
    if (exception instanceof RateLimitedError) response.setHeader('Retry-After', String(exception.retryAfterSeconds));
    response.status(status).json(body);
  }
}
