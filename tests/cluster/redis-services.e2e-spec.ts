import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { RedisThrottlerStorage } from '../../src/auth/redis-throttler-storage';
import { ClockLeases, LEASE_TTL_MS } from '../../src/cluster/clock-leases';
import { ClusterNode } from '../../src/cluster/cluster-node';
import { ClusterTopics } from '../../src/cluster/cluster-topics';
import { NotClockOwnerError, OwnerRouter } from '../../src/cluster/owner-router';
import { AppError } from '../../src/common/app-error';
import { loadConfig } from '../../src/config/app-config';
import { expectEventually } from '../support/test-app';

/**
 * The cluster services against the real Redis of this machine (127.0.0.1:6379), several "nodes"
 * in one process, each with its own connections and id, on a key prefix of their own.
 */

interface TestNode {
  readonly node: ClusterNode;
  readonly leases: ClockLeases;
  readonly topics: ClusterTopics;
  readonly router: OwnerRouter;
}

describe('cluster services on Redis', () => {
  jest.setTimeout(60_000);
  const prefix = `soc-drill-test-${randomBytes(6).toString('hex')}`;
  const nodes: TestNode[] = [];

  const startNode = async (options: { renew: boolean } = { renew: true }): Promise<TestNode> => {
    const node = new ClusterNode(loadConfig({ NODE_ENV: 'test', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: prefix }));
    const leases = new ClockLeases(node);
    if (options.renew) leases.onModuleInit();
    const topics = new ClusterTopics(node);
    await topics.onModuleInit();
    const router = new OwnerRouter(node, leases);
    await router.onModuleInit();
    const started = { node, leases, topics, router };
    nodes.push(started);
    return started;
  };

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  afterAll(async () => {
    for (const { node, leases } of nodes) {
      leases.onApplicationShutdown();
      await node.onApplicationShutdown();
    }
  });

  it('gives an exercise one clock owner; the lease is renewed while the owner lives and free once it lapses or is released', async () => {
    const a = await startNode();
    const b = await startNode();
    const lapsing = await startNode({ renew: false });
    expect(await a.leases.claim('ex-1')).toBeNull();
    expect(await b.leases.claim('ex-1')).toBe(a.node.id);
    expect(await a.leases.holders(['ex-1', 'ex-none'])).toEqual([a.node.id, null]);

    // Renewed past its TTL: still a's.
    await new Promise((resolve) => setTimeout(resolve, LEASE_TTL_MS + 1000));
    expect(await b.leases.claim('ex-1')).toBe(a.node.id);

    // A node that stops renewing (it died) loses the lease after the TTL; another takes it.
    expect(await lapsing.leases.claim('ex-2')).toBeNull();
    await expectEventually(async () => expect(await b.leases.claim('ex-2')).toBeNull(), LEASE_TTL_MS + 5000, 100);

    // Released: free at once.
    await a.leases.release('ex-1');
    expect(await b.leases.claim('ex-1')).toBeNull();
    expect(a.leases.holds('ex-1')).toBe(false);
    expect(b.leases.holds('ex-1')).toBe(true);
  });

  it('tells the owner when it has lost a lease (another node holds it), so it stops the clock', async () => {
    const a = await startNode();
    const lost: string[] = [];
    a.leases.onLost((id) => lost.push(id));
    expect(await a.leases.claim('ex-3')).toBeNull();
    // As if a's renewals had stalled past the TTL and another node had taken the exercise.
    await a.node.redis!.command.set(`${prefix}:clock:ex-3`, 'another-node', 'PX', LEASE_TTL_MS);
    await expectEventually(() => expect(lost).toEqual(['ex-3']), 10_000, 50);
    expect(a.leases.holds('ex-3')).toBe(false);
  });

  it("forwards a request to the clock owner and returns its answer or its error's code", async () => {
    const owner = await startNode();
    const other = await startNode();
    expect(await owner.leases.claim('ex-4')).toBeNull();
    owner.router.handle<{ n: number }>('double', ({ n }) =>
      n < 0
        ? Promise.reject(new AppError('VALIDATION_FAILED', 'negative', [{ path: 'n', message: 'must be positive' }]))
        : Promise.resolve({ doubled: n * 2, by: owner.node.id }),
    );
    const notHere = () => Promise.reject(new NotClockOwnerError('ex-4', owner.node.id));
    await expect(other.router.onOwner('ex-4', 'double', { n: 21 }, notHere, { idempotent: true })).resolves.toEqual({ doubled: 42, by: owner.node.id });
    const refused = other.router.onOwner('ex-4', 'double', { n: -1 }, notHere, { idempotent: true });
    await expect(refused).rejects.toBeInstanceOf(AppError);
    await expect(refused).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'n', message: 'must be positive' }] });
    // The owner itself runs it locally.
    await expect(owner.router.onOwner('ex-4', 'double', { n: 1 }, () => Promise.resolve('local'), { idempotent: true })).resolves.toBe('local');
  });

  it('broadcasts a topic to the other nodes, in order, never back to the sender', async () => {
    const a = await startNode();
    const b = await startNode();
    const c = await startNode();
    const got: Record<string, number[]> = { a: [], b: [], c: [] };
    a.topics.subscribe<number>('t', (n) => got.a!.push(n));
    b.topics.subscribe<number>('t', (n) => got.b!.push(n));
    c.topics.subscribe<number>('t', (n) => got.c!.push(n));
    for (let n = 1; n <= 50; n++) a.topics.publish('t', n);
    const all = Array.from({ length: 50 }, (_, i) => i + 1);
    await expectEventually(() => expect([got.b, got.c]).toEqual([all, all]), 10_000, 50);
    expect(got.a).toEqual([]);
  });

  it('counts rate limits once across nodes, in a sliding window, refused hits not counted', async () => {
    const a = new RedisThrottlerStorage((await startNode()).node.redis!);
    const b = new RedisThrottlerStorage((await startNode()).node.redis!);
    const hit = (storage: RedisThrottlerStorage) => storage.increment('user-1', 1500, 3, 0, 'triage-actions');
    expect((await hit(a)).isBlocked).toBe(false);
    expect((await hit(b)).isBlocked).toBe(false);
    expect(await hit(a)).toMatchObject({ totalHits: 3, isBlocked: false });
    const refused = await hit(b);
    expect(refused).toMatchObject({ isBlocked: true, totalHits: 4 });
    expect(refused.timeToBlockExpire).toBeGreaterThanOrEqual(1);
    expect(refused.timeToBlockExpire).toBeLessThanOrEqual(2);
    // Another key and another limit are counted apart.
    expect((await a.increment('user-2', 1500, 3, 0, 'triage-actions')).isBlocked).toBe(false);
    expect((await a.increment('user-1', 1500, 3, 0, 'password-change')).isBlocked).toBe(false);
    // The window slides: once the counted hits expire the key may act again.
    await expectEventually(async () => expect((await hit(a)).isBlocked).toBe(false), 5_000, 100);

    // A block duration holds the key refused that long even after the window.
    const blocking = (storage: RedisThrottlerStorage) => storage.increment('user-3', 200, 1, 1500, 'login-address');
    expect((await blocking(a)).isBlocked).toBe(false);
    expect((await blocking(b)).isBlocked).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await blocking(a)).isBlocked).toBe(true);
  });
});
