import { Injectable, Logger } from '@nestjs/common';
import { ListenerSet } from '../common/listener-set.js';

/**
 * A committed change that ends access tokens: one session (logout, refresh-token reuse) or every
 * token of a user (password change or reset, disabled account, changed roles).
 */
export interface SessionRevocation {
  readonly userId: string;
  /** Only this session; absent: every session and access token of the user. */
  readonly sessionId?: string;
  readonly code: 'AUTH_TOKEN_REVOKED';
  readonly reason: string;
}

export type RevocationListener = (revocation: SessionRevocation) => void;

/**
 * In-process channel from identity and auth to whoever holds long-lived connections (the realtime
 * gateway): a revocation closes the user's live sockets at once, instead of each socket asking
 * the database again every few seconds. Published only after the change has committed.
 */
@Injectable()
export class SessionRevocations {
  private readonly logger = new Logger(SessionRevocations.name);
  private readonly listeners = new ListenerSet<SessionRevocation>((error, revocation) =>
    this.logger.error(`Revocation listener failed for user ${revocation.userId}: ${error instanceof Error ? error.message : String(error)}`),
  );

  subscribe(listener: RevocationListener): () => void {
    return this.listeners.subscribe(listener);
  }

  publish(revocation: SessionRevocation): void {
    this.listeners.publish(revocation);
  }
}
