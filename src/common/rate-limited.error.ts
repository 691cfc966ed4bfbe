import { AppError } from './app-error.js';

/** A refused request; the exception filter turns `retryAfterSeconds` into the `Retry-After` header. */
export class RateLimitedError extends AppError {
  readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
    super('RATE_LIMITED', `Too many requests; retry in ${seconds} s`);
    this.retryAfterSeconds = seconds;
  }
}
