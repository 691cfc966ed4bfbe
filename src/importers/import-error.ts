import type { ErrorCode } from '../contracts/error-codes.js';

/** The import refused a whole input (binary, too large, wrong format, a bad mapping file); one record's problem is never one. */
export type ImportErrorCode = Extract<ErrorCode, `IMPORT_${string}`>;

export class ImportError extends Error {
  constructor(
    readonly code: ImportErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}
