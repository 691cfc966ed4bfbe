import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { AppError } from './app-error.js';
import type { AuthenticatedUser, RequestWithUser } from './authenticated-user.js';

/** The signed-in user of a non-public route (the AccessGuard has already authenticated it). */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedUser => {
  const user = context.switchToHttp().getRequest<RequestWithUser>().user;
  if (!user) throw new AppError('AUTH_REQUIRED', 'Authentication required');
  return user;
});
