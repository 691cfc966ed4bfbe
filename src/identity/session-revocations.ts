import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { ClusterTopics } from '../cluster/cluster-topics.js';
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

const TOPIC = 'session-revocations';

export type RevocationListener = (revocation: SessionRevocation) => void;

/**
 * In-process channel from identity and auth to whoever holds long-lived connections (the realtime
 * gateway): a revocation closes the user's live sockets at once, instead of each socket asking
 * the database again every few seconds. Published only after the change has committed. With
 * several nodes a revocation reaches every node (its sockets and its session cache) at once.
 */
@Injectable()
export class SessionRevocations implements OnModuleDestroy {
  private readonly logger = new Logger(SessionRevocations.name);
  private readonly listeners = new ListenerSet<SessionRevocation>((error, revocation) =>
    this.logger.error(`Revocation listener failed for user ${revocation.userId}: ${error instanceof Error ? error.message : String(error)}`),
  );

  private readonly unsubscribe: () => void;

  constructor(@Inject(ClusterTopics) private readonly topics: ClusterTopics) {
    this.unsubscribe = topics.subscribe<SessionRevocation>(TOPIC, (revocation) => this.listeners.publish(revocation));
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  subscribe(listener: RevocationListener): () => void {
    return this.listeners.subscribe(listener);
  }

  publish(revocation: SessionRevocation): void {
    this.listeners.publish(revocation);
    this.topics.publish(TOPIC, revocation);
  }
}
