import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppError } from './app-error.js';
import { Access } from './access.decorator.js';
import { AccessGuard, bearerToken } from './access.guard.js';
import type { AccessTokenVerifier } from './access-token-verifier.js';
import type { AuthenticatedUser } from './authenticated-user.js';

const trainee: AuthenticatedUser = { id: 'u1', username: 'trainee1', roles: ['trainee'], orgId: 'o1', unitId: 'n1', sessionId: 's1' };

class Handlers {
  @Access('public') open(): void {}
  @Access('authenticated') anyone(): void {}
  @Access(['instructor', 'admin']) staff(): void {}
  undeclared(): void {}
}

function httpContext(
  handler: keyof Handlers,
  authorization?: string,
): { context: ExecutionContext; request: { headers: Record<string, string>; user?: AuthenticatedUser } } {
  const request: { headers: Record<string, string>; user?: AuthenticatedUser } = { headers: authorization ? { authorization } : {} };
  const context = {
    getType: () => 'http',
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the guard reads the method's metadata, never calls it
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
  return { context, request };
}

function wsContext(handler: keyof Handlers, user?: AuthenticatedUser): ExecutionContext {
  return {
    getType: () => 'ws',
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the guard reads the method's metadata, never calls it
    getHandler: () => Handlers.prototype[handler],
    getClass: () => Handlers,
    switchToWs: () => ({ getClient: () => ({ data: user ? { user } : {} }) }),
  } as unknown as ExecutionContext;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'allowed';
  } catch (error) {
    if (error instanceof AppError) return error.code;
    throw error;
  }
}

describe('AccessGuard', () => {
  const auth = {
    verifyAccessToken: jest.fn((token: string) => (token === 'good' ? Promise.resolve(trainee) : Promise.reject(new AppError('AUTH_TOKEN_INVALID', 'bad')))),
  } as unknown as AccessTokenVerifier;
  const guard = new AccessGuard(new Reflector(), auth);

  it('denies handlers without a policy, even with a valid token', async () => {
    expect(await codeOf(guard.canActivate(httpContext('undeclared', 'Bearer good').context))).toBe('FORBIDDEN');
  });

  it('lets public handlers through without a token', async () => {
    expect(await codeOf(guard.canActivate(httpContext('open').context))).toBe('allowed');
  });

  it('authenticates, attaches request.user, and checks roles', async () => {
    expect(await codeOf(guard.canActivate(httpContext('anyone').context))).toBe('AUTH_REQUIRED');
    expect(await codeOf(guard.canActivate(httpContext('anyone', 'Bearer bad').context))).toBe('AUTH_TOKEN_INVALID');
    const { context, request } = httpContext('anyone', 'Bearer good');
    expect(await codeOf(guard.canActivate(context))).toBe('allowed');
    expect(request.user).toEqual(trainee);
    expect(await codeOf(guard.canActivate(httpContext('staff', 'Bearer good').context))).toBe('FORBIDDEN');
  });

  it('uses the user a socket gateway stored on the socket', async () => {
    expect(await codeOf(guard.canActivate(wsContext('anyone')))).toBe('AUTH_REQUIRED');
    expect(await codeOf(guard.canActivate(wsContext('anyone', trainee)))).toBe('allowed');
    expect(await codeOf(guard.canActivate(wsContext('staff', trainee)))).toBe('FORBIDDEN');
  });

  it('parses only well-formed Bearer headers', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
    expect(bearerToken('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerToken('bearer abc')).toBe('abc');
    for (const bad of ['Basic abc', 'Bearer', 'Bearer a b', 'abc']) expect(() => bearerToken(bad)).toThrow(AppError);
  });
});
