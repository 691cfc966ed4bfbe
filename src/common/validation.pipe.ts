import { StandardSchemaValidationPipe } from '@nestjs/common';
import { AppError } from './app-error.js';

/** Nest's standard-schema pipe, with zod issues turned into our coded error. */
export function createValidationPipe(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({
    exceptionFactory: (issues) =>
      new AppError(
        'VALIDATION_FAILED',
        'Request validation failed',
        issues.slice(0, 50).map((issue) => ({
          path: (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p))).join('.'),
          message: issue.message,
        })),
      ),
  });
}
