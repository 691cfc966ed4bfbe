import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ListenerSet } from '../common/listener-set.js';
import { ClusterNode } from './cluster-node.js';

/** A lease lives this long unless renewed: a dead owner's exercises are free again after it. */
export const LEASE_TTL_MS = 3000;
/** The owner renews every lease this often (three chances before it lapses). */
export const LEASE_RENEW_MS = 1000;

/** Extends the lease only if this node still holds it. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** Frees the lease only if this node holds it. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * One clock owner per exercise, by a lease in Redis: `SET key node NX PX ttl`, renewed by its
 * holder while it lives. Only the holder runs the exercise's engine; a node that loses its lease
 * (missed renewals: Redis unreachable, or a loop stalled past the TTL) stops the exercise at once
 * and the node that claims it next rebuilds it from the journal. On a single node every claim succeeds.
 */
@Injectable()
export class ClockLeases implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClockLeases.name);
  /** Held leases and when each was last confirmed (wall ms). */
  private readonly held = new Map<string, number>();
  private readonly lost = new ListenerSet<string>((error, id) =>
    this.logger.error(`Lease-lost listener failed for ${id}: ${error instanceof Error ? error.message : String(error)}`),
  );
  private timer: NodeJS.Timeout | undefined;
  private renewing = false;

  constructor(@Inject(ClusterNode) private readonly node: ClusterNode) {}

  onModuleInit(): void {
    if (!this.node.redis) return;
    this.timer = setInterval(() => void this.renewAll(), LEASE_RENEW_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Null when this node holds (or has just taken) the exercise's lease; otherwise the holder's node id. */
  async claim(exerciseId: string): Promise<string | null> {
    const redis = this.node.redis;
    if (!redis) return null;
    const key = this.key(exerciseId);
    const taken = await redis.command.set(key, this.node.id, 'PX', LEASE_TTL_MS, 'NX');
    if (taken === 'OK') {
      this.held.set(exerciseId, Date.now());
      return null;
    }
    const holder = await redis.command.get(key);
    if (holder === this.node.id) {
      this.held.set(exerciseId, Date.now());
      return null;
    }
    // Expired between the two commands: try once more.
    if (holder === null) return this.claim(exerciseId);
    return holder;
  }

  /** The node holding each exercise's lease (null: nobody; the exercise is free to take). */
  async holders(exerciseIds: readonly string[]): Promise<Array<string | null>> {
    const redis = this.node.redis;
    if (!redis) return exerciseIds.map(() => this.node.id);
    if (exerciseIds.length === 0) return [];
    return redis.command.mget(...exerciseIds.map((id) => this.key(id)));
  }

  holds(exerciseId: string): boolean {
    return !this.node.redis || this.held.has(exerciseId);
  }

  /** Gives the lease up (the exercise is over, or this node is leaving). */
  async release(exerciseId: string): Promise<void> {
    const redis = this.node.redis;
    if (!redis || !this.held.delete(exerciseId)) return;
    await redis.command.eval(RELEASE, 1, this.key(exerciseId), this.node.id);
  }

  /** Called with the exercise's id when this node has lost its lease: stop running it. */
  onLost(listener: (exerciseId: string) => void): () => void {
    return this.lost.subscribe(listener);
  }

  private async renewAll(): Promise<void> {
    const redis = this.node.redis;
    if (!redis || this.renewing || this.held.size === 0) return;
    this.renewing = true;
    try {
      const ids = [...this.held.keys()];
      const sentAt = Date.now();
      const results = await Promise.allSettled(ids.map((id) => redis.command.eval(RENEW, 1, this.key(id), this.node.id, String(LEASE_TTL_MS))));
      results.forEach((result, i) => {
        const id = ids[i]!;
        if (!this.held.has(id)) return;
        if (result.status === 'fulfilled' && result.value === 1) this.held.set(id, sentAt);
        else if (result.status === 'fulfilled') this.drop(id, 'another node holds it');
      });
    } finally {
      this.renewing = false;
    }
    // Unconfirmed for a whole TTL (Redis unreachable): another node may hold it by now.
    const now = Date.now();
    for (const [id, confirmedAt] of this.held) if (now - confirmedAt >= LEASE_TTL_MS) this.drop(id, 'not renewed in time');
  }

  private drop(exerciseId: string, why: string): void {
    this.held.delete(exerciseId);
    this.logger.warn(`Lost the clock lease of exercise ${exerciseId} (${why}): stopping it here`);
    this.lost.publish(exerciseId);
  }

  private key(exerciseId: string): string {
    return `${this.node.redis!.prefix}:clock:${exerciseId}`;
  }
}
