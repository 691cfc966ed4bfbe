import { AppError } from './app-error.js';

/** Refused request; the Retry-After interceptor turns `retryAfterSeconds` into the HTTP header. */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many requests; retry in ${retryAfterSeconds} s`);
  }
}
