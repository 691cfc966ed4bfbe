import { StandardSchemaValidationPipe } from '@nestjs/common';
import type { ErrorDetail } from '../contracts/error-codes.js';
import { AppError } from './app-error.js';

/** A schema issue as zod and the standard-schema interface give it. */
export interface SchemaIssue {
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
  readonly message: string;
}

/** The coded error for a request that failed its schema: one message, the first 50 issues as details. */
export function requestValidationError(issues: readonly SchemaIssue[]): AppError {
  return new AppError(
    'VALIDATION_FAILED',
    'Request validation failed',
    issues.slice(0, 50).map((issue): ErrorDetail => ({
      path: (issue.path ?? []).map((p) => (typeof p === 'object' && p !== null && 'key' in p ? String(p.key) : String(p))).join('.'),
      message: issue.message,
    })),
  );
}

/** Nest's standard-schema pipe, with zod issues turned into our coded error. */
export function createValidationPipe(): StandardSchemaValidationPipe {
  return new StandardSchemaValidationPipe({ exceptionFactory: (issues) => requestValidationError(issues) });
}
