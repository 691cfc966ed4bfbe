import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ListenerSet } from '../common/listener-set.js';
import { ClusterNode } from './cluster-node.js';

interface Envelope {
  readonly from: string;
  readonly body: unknown;
}

/**
 * Broadcasts between the nodes of a platform (Redis pub/sub): what one node publishes on a topic
 * reaches the listeners of that topic on every other node, in the order it was published. Nothing
 * is kept for a node that is down: topics carry notices (revocations, handovers), not records.
 */
@Injectable()
export class ClusterTopics implements OnModuleInit {
  private readonly logger = new Logger(ClusterTopics.name);
  private readonly topics = new Map<string, ListenerSet<unknown>>();

  constructor(@Inject(ClusterNode) private readonly node: ClusterNode) {}

  async onModuleInit(): Promise<void> {
    const redis = this.node.redis;
    if (!redis) return;
    const pattern = `${redis.prefix}:topic:*`;
    redis.subscriber.on('pmessage', (matched: string, channel: string, raw: string) => {
      if (matched !== pattern) return;
      const topic = channel.slice(pattern.length - 1);
      let envelope: Envelope;
      try {
        envelope = JSON.parse(raw) as Envelope;
      } catch {
        this.logger.warn(`Unreadable message on ${channel}`);
        return;
      }
      if (envelope.from === this.node.id) return;
      this.topics.get(topic)?.publish(envelope.body);
    });
    await redis.subscriber.psubscribe(pattern);
  }

  /** Listens to what the other nodes publish on `topic` (never to this node's own messages). */
  subscribe<T>(topic: string, listener: (body: T) => void): () => void {
    let set = this.topics.get(topic);
    if (!set) {
      set = new ListenerSet<unknown>((error) => this.logger.error(`Listener of ${topic} failed: ${error instanceof Error ? error.message : String(error)}`));
      this.topics.set(topic, set);
    }
    return set.subscribe(listener as (body: unknown) => void);
  }

  /** Sends `body` to the other nodes; a no-op on a single node. */
  publish(topic: string, body: unknown): void {
    const redis = this.node.redis;
    if (!redis) return;
    const envelope: Envelope = { from: this.node.id, body };
    redis.command.publish(`${redis.prefix}:topic:${topic}`, JSON.stringify(envelope)).catch((error: unknown) => {
      this.logger.error(`Could not publish on ${topic}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
}
