import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { type AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';

/** The Redis connections of a node that shares its platform with others (REDIS_URL). */
export interface ClusterRedis {
  /** Commands and PUBLISH. */
  readonly command: Redis;
  /** SUBSCRIBE only (a subscribed connection can run nothing else). */
  readonly subscriber: Redis;
  /** Prefix of every key and channel (REDIS_PREFIX). */
  readonly prefix: string;
}

/**
 * This process as one node of a platform: its id (new at every start, so a restarted node never
 * passes for the one that died) and, with REDIS_URL set, its Redis connections. Without REDIS_URL
 * `redis` is null and every cluster service acts as the only node.
 */
@Injectable()
export class ClusterNode implements OnApplicationShutdown {
  private readonly logger = new Logger(ClusterNode.name);
  readonly id = randomUUID();
  readonly redis: ClusterRedis | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.REDIS_URL === undefined) {
      this.redis = null;
      return;
    }
    const connect = (role: string) => {
      const client = new Redis(config.REDIS_URL!, { connectionName: `soc-drill:${role}:${this.id}`, maxRetriesPerRequest: 3, enableAutoPipelining: true });
      client.on('error', (error: Error) => this.logger.warn(`Redis (${role}): ${error.message}`));
      return client;
    };
    this.redis = { command: connect('command'), subscriber: connect('subscriber'), prefix: config.REDIS_PREFIX };
    this.logger.log(`Node ${this.id} shares its platform with other nodes through Redis (prefix ${config.REDIS_PREFIX})`);
  }

  get clustered(): boolean {
    return this.redis !== null;
  }

  /** A new pair of connections (socket.io's adapter keeps its own subscriptions). */
  duplicate(): { pub: Redis; sub: Redis } | null {
    if (!this.redis) return null;
    const pub = this.redis.command.duplicate();
    const sub = this.redis.command.duplicate();
    for (const client of [pub, sub]) client.on('error', (error: Error) => this.logger.warn(`Redis (socket.io): ${error.message}`));
    // Not closed here: socket.io closes its adapter after every shutdown hook, and unsubscribing
    // on a closed connection would crash the exit. The process ends with them.
    return { pub, sub };
  }

  /** Runs after every other shutdown hook that still needs Redis (leases are released in theirs). */
  async onApplicationShutdown(): Promise<void> {
    if (!this.redis) return;
    await Promise.allSettled([this.redis.command.quit(), this.redis.subscriber.quit()]);
  }
}
