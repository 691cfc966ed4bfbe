import type { ArgumentsHost } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import { AppError } from './app-error.js';
import { HttpExceptionFilter } from './http-exception.filter.js';

/** An HTTP host whose response records what the filter answers. */
function httpHost(request: Record<string, unknown>): { host: ArgumentsHost; answered: { status?: number; body?: unknown } } {
  const answered: { status?: number; body?: unknown } = {};
  const response = {
    headersSent: false,
    setHeader: () => undefined,
    status(code: number) {
      answered.status = code;
      return this;
    },
    json(body: unknown) {
      answered.body = body;
    },
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }),
  } as unknown as ArgumentsHost;
  return { host, answered };
}

describe('HttpExceptionFilter', () => {
  let warnings: string[];
  let spy: jest.SpyInstance;

  beforeEach(() => {
    warnings = [];
    spy = jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
  });
  afterEach(() => spy.mockRestore());

  it('logs a refused access decision with who, from where and what, on one line (ASVS 7.2.2, 7.3.1)', () => {
    const { host, answered } = httpHost({
      method: 'DELETE',
      originalUrl: '/api/users/42\n[Nest] forged line',
      ip: '10.0.0.7',
      user: { id: 'u-1', username: 'trainee1\r\nadmin logged in' },
    });
    new HttpExceptionFilter().catch(new AppError('FORBIDDEN', 'Your roles do not allow this'), host);
    expect(answered.status).toBe(403);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Access refused (FORBIDDEN) to user u-1');
    expect(warnings[0]).toContain('"10.0.0.7"');
    expect(warnings[0]).toContain('DELETE "/api/users/42\\n[Nest] forged line"');
    expect(warnings[0]).not.toMatch(/[\r\n]/);
  });

  it('logs a refused token, and not a routine expiry or a plain validation error', () => {
    for (const code of ['AUTH_TOKEN_INVALID', 'AUTH_TOKEN_EXPIRED', 'VALIDATION_FAILED'] as const) {
      const { host } = httpHost({ method: 'GET', originalUrl: '/api/exercises', ip: '10.0.0.8' });
      new HttpExceptionFilter().catch(new AppError(code, 'no'), host);
    }
    expect(warnings).toEqual([
      expect.stringContaining('Access refused (AUTH_TOKEN_INVALID) to an unauthenticated client from "10.0.0.8": GET "/api/exercises"'),
    ]);
  });
});
