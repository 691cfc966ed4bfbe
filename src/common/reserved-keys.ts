import type { NextFunction, Request, Response } from 'express';
import type { ErrorDetail } from '../contracts/error-codes.js';
import { AppError } from './app-error.js';

/** Keys that could reach an object's prototype if some code ever merged a request body into another object. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The path of the first reserved key in a parsed JSON value, or null. Iterative, so deep bodies cannot overflow the stack. */
export function findReservedKey(value: unknown): string | null {
  const stack: Array<{ value: unknown; path: string }> = [{ value, path: '' }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: path === '' ? String(index) : `${path}.${index}` }));
      continue;
    }
    for (const key of Object.keys(current)) {
      const keyPath = path === '' ? key : `${path}.${key}`;
      if (RESERVED_KEYS.has(key)) return keyPath;
      stack.push({ value: (current as Record<string, unknown>)[key], path: keyPath });
    }
  }
  return null;
}

/** Refuses a JSON body that uses a reserved key anywhere, instead of letting a later layer drop it silently. */
export function rejectReservedKeys(request: Request, _response: Response, next: NextFunction): void {
  // A body kept as bytes (scenario uploads) is checked where it is parsed, in a worker (scenarios/scenario-body.ts).
  const path = request.is('application/json') && !Buffer.isBuffer(request.body) ? findReservedKey(request.body as unknown) : null;
  if (path === null) return next();
  next(new AppError('VALIDATION_FAILED', 'Request validation failed', [reservedKeyDetail(path)]));
}

/** The detail of a refused reserved key at `path`. */
export function reservedKeyDetail(path: string): ErrorDetail {
  return { path, message: 'reserved key: __proto__, constructor and prototype are not accepted' };
}
