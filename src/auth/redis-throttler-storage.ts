import type { ThrottlerStorage } from '@nestjs/throttler';
import { randomUUID } from 'node:crypto';
import type { ClusterRedis } from '../cluster/cluster-node.js';

/**
 * One sliding window per key and limit, as @nestjs/throttler's in-memory storage counts it (a
 * sorted set of the counted hits' expiry times; a refused hit is not counted), with the time of
 * Redis so that every node's clock agrees. KEYS: window, block. ARGV: ttl ms, limit, block ms, hit id.
 * Returns {hits, blocked (0/1), ms until the key may try again}.
 */
type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

const INCREMENT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local blockMs = tonumber(ARGV[3])
local blockedFor = redis.call('PTTL', KEYS[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local hits = redis.call('ZCARD', KEYS[1])
if blockedFor > 0 then return {hits + 1, 1, blockedFor} end
if hits >= limit then
  if blockMs > 0 then
    redis.call('SET', KEYS[2], '1', 'PX', blockMs)
    return {hits + 1, 1, blockMs}
  end
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {hits + 1, 1, tonumber(oldest[2]) - now}
end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[4])
redis.call('PEXPIRE', KEYS[1], ttl)
return {hits + 1, 0, 0}
`;

/**
 * Rate-limit counters shared by every node (REDIS_URL): a trainee or a login sprayer spread over
 * several nodes by the load balancer is counted once. Written here because
 * @nest-lab/throttler-storage-redis does not support Nest 12.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly redis: ClusterRedis) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.redis.prefix}:rate:${throttlerName}:${key}`;
    const [hits, blocked, retryMs] = (await this.redis.command.eval(
      INCREMENT,
      2,
      base,
      `${base}:block`,
      String(ttl),
      String(limit),
      String(blockDuration),
      randomUUID(),
    )) as [number, number, number];
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(ttl / 1000),
      isBlocked: blocked === 1,
      timeToBlockExpire: blocked === 1 ? Math.max(1, Math.ceil(retryMs / 1000)) : 0,
    };
  }
}
