import type { AuthenticatedUser } from './authenticated-user.js';

export interface VerifyAccessTokenOptions {
  /** Accept a user whose password an administrator set and who has not chosen their own yet. */
  readonly allowPendingPasswordChange?: boolean;
}

/**
 * What the AccessGuard needs from authentication: the user an access token stands for. An
 * abstract class (a Nest injection token with a type) so the guard, which every feature's routes
 * use, sits in common/ below the features; AuthModule provides it with AuthService.
 */
export abstract class AccessTokenVerifier {
  abstract verifyAccessToken(token: string, options?: VerifyAccessTokenOptions): Promise<AuthenticatedUser>;
}
