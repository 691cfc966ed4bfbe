import type { Role } from '../contracts/auth.schema.js';

/** What the AccessGuard attaches as `request.user` (and a socket gateway gets from a handshake token). */
export interface AuthenticatedUser {
  readonly id: string;
  readonly username: string;
  readonly roles: readonly Role[];
  readonly orgId: string;
  readonly unitId: string;
  /** The login session the access token belongs to (logout ends it). */
  readonly sessionId: string;
}

export interface RequestWithUser {
  user?: AuthenticatedUser;
}
