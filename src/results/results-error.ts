import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';

/**
 * Errors of the results module that the shared code list (src/contracts/error-codes.ts) does not
 * have yet. Answered as `{ error: { code, message } }` like every other error.
 */
export type ResultsErrorCode = 'REPORT_RENDERER_UNAVAILABLE';

export class ResultsError extends Error {
  constructor(
    readonly code: ResultsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ResultsError';
  }
}

export function resultsErrorStatus(code: ResultsErrorCode): number {
  switch (code) {
    case 'REPORT_RENDERER_UNAVAILABLE':
      return 503;
    default: {
      const unmapped: never = code;
      throw new Error(`unmapped results error ${String(unmapped)}`);
    }
  }
}

/** Controller-scoped, for ResultsError only; everything else reaches the global filter. */
@Catch(ResultsError)
export class ResultsErrorFilter implements ExceptionFilter<ResultsError> {
  catch(exception: ResultsError, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    response.status(resultsErrorStatus(exception.code)).setHeader('Retry-After', '60').json({ error: { code: exception.code, message: exception.message } });
  }
}
