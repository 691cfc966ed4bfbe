/**
 * Several nodes (docs/operations.md#several-nodes): two real nodes (dist/main.js) on a fresh
 * PostgreSQL database and Redis. One team's trainees sit on different nodes: the clock owner's
 * socket and the other node's socket get the same deliveries (injects, one every 100 ms), so the
 * delivery time added by the second node is measured in the same run. Then the clock owner is
 * SIGKILLed while actions are in flight: how long the other node takes to take the clock over,
 * and how many acknowledged actions and stream events were lost or repeated.
 * Needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379, and `npm run build:server`.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { call, expectOk, login } from './support/api.js';
import { judged, type BenchResult } from './support/bench-result.js';
import { type ClusterNodeProcess, loggedAt, startPlatform } from './support/cluster-nodes.js';
import { ROOT } from './support/server.js';
import { machineNote, percentile, preciseNow, round, sleep } from './support/stats.js';

const SCENARIO = 'portal-defacement';
const INJECT = 'inj-press-interview';
const INJECTS_BEFORE_KILL = 150;
const ACTIONS_PER_PHASE = 60;

interface Received {
  readonly seq: number;
  readonly atMs: number;
}

class Listener {
  readonly received: Received[] = [];
  readonly socket: Socket;

  constructor(baseUrl: string, token: string) {
    this.socket = io(`${baseUrl}/exercises`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true, timeout: 60_000 });
    this.socket.on('exercise:events', (batch: { events: Array<{ seq: number }> }) => {
      const atMs = preciseNow();
      for (const event of batch.events) this.received.push({ seq: event.seq, atMs });
    });
  }

  async join(exerciseId: string, lastSeq: number): Promise<void> {
    if (!this.socket.connected) {
      await new Promise<void>((resolve, reject) => {
        this.socket.once('connect', () => resolve());
        this.socket.once('connect_error', reject);
      });
    }
    const ack = (await this.socket.emitWithAck('exercise:join', { exerciseId, lastSeq })) as { error?: unknown };
    if (ack.error) throw new Error(`join: ${JSON.stringify(ack.error)}`);
  }
}

export async function benchCluster(): Promise<BenchResult[]> {
  const platform = await startPlatform(2, { root: ROOT });
  const [owner, other] = platform.nodes as [ClusterNodeProcess, ClusterNodeProcess];
  const listeners: Listener[] = [];
  try {
    const instructor = await login(other.baseUrl, 'instructor');
    const admin = await login(owner.baseUrl, 'admin');
    const users = await expectOk(call<{ items: Array<{ id: string; username: string }> }>(owner.baseUrl, admin, 'GET', '/users?limit=100'), 'users');
    const idOf = (name: string) => users.items.find((u) => u.username === name)!.id;
    const trainee1 = await login(owner.baseUrl, 'trainee1');
    const trainee2 = await login(other.baseUrl, 'trainee2');
    const scenarios = await expectOk(call<Array<{ scenarioId: string; versionId: string }>>(owner.baseUrl, instructor, 'GET', '/scenarios'), 'scenarios');
    const exercise = await expectOk(
      call<{ id: string; teams: Array<{ id: string }> }>(other.baseUrl, instructor, 'POST', '/exercises', {
        scenarioVersionId: scenarios.find((s) => s.scenarioId === SCENARIO)!.versionId,
        title: 'Benchmark: several nodes',
        teams: [{ name: 'Đội đo', memberIds: [idOf('trainee1'), idOf('trainee2')] }],
        seed: 1,
        speed: 1,
      }),
      'create',
    );
    const teamId = exercise.teams[0]!.id;
    const near = new Listener(owner.baseUrl, trainee1);
    const far = new Listener(other.baseUrl, trainee2);
    listeners.push(near, far);
    await near.join(exercise.id, 0);
    await far.join(exercise.id, 0);
    // Started on `owner`: it holds the clock.
    await expectOk(call(owner.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`), 'start');

    // Same deliveries to both sockets: what the second node adds to the owner's own delivery.
    for (let i = 0; i < INJECTS_BEFORE_KILL; i++) {
      await expectOk(call(owner.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/injects`, { injectId: INJECT }), 'inject');
      await sleep(100);
    }
    await sleep(2000);
    const nearAt = new Map(near.received.map((r) => [r.seq, r.atMs]));
    const added = far.received.filter((r) => nearAt.has(r.seq)).map((r) => r.atMs - nearAt.get(r.seq)!);
    added.sort((a, b) => a - b);

    // Actions through both nodes (the far node forwards to the owner), the owner killed among them.
    const acknowledged = new Set<string>();
    const act = async (token: string, home: ClusterNodeProcess, alertId: string) => {
      const body = { actionId: randomUUID(), exerciseId: exercise.id, type: 'alert.note', alertId, text: 'Ghi chú đo tải' };
      for (let attempt = 0; attempt < 300; attempt++) {
        const node = home.child.exitCode === null && home.child.signalCode === null ? home : other;
        try {
          const response = await call(node.baseUrl, token, 'POST', `/exercises/${exercise.id}/actions`, body);
          if (response.status === 200) {
            acknowledged.add(body.actionId);
            return;
          }
          if (response.status < 500 && (response.body as { error?: { code?: string } }).error?.code !== 'RATE_LIMITED')
            throw new Error(`action refused: ${response.status} ${JSON.stringify(response.body)}`);
        } catch (error) {
          if (error instanceof Error && error.message.startsWith('action refused')) throw error;
        }
        await sleep(50);
      }
      throw new Error('action never acknowledged');
    };
    const alertRef = (
      await expectOk(
        call<{ events: Array<{ eventId: string }> }>(other.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/events?teamId=${teamId}&limit=1`),
        'events',
      )
    ).events[0]!.eventId;
    const phase = () =>
      Promise.all([
        (async () => {
          for (let i = 0; i < ACTIONS_PER_PHASE; i++) await act(trainee1, owner, alertRef);
        })(),
        (async () => {
          for (let i = 0; i < ACTIONS_PER_PHASE; i++) await act(trainee2, other, alertRef);
        })(),
      ]);
    await phase();
    const inFlight = phase();
    await sleep(300);
    owner.child.kill('SIGKILL');
    const killedAt = Date.now();
    await owner.exited;
    const takeoverLine = new RegExp(`Took over the clock of exercise ${exercise.id}`);
    while (loggedAt(other, takeoverLine) === null && Date.now() - killedAt < 60_000) await sleep(20);
    const takeoverMs = (loggedAt(other, takeoverLine) ?? Number.NaN) - killedAt;
    // The owner's socket comes back on the other node with its last seq; deliveries go on.
    const resumed = new Listener(other.baseUrl, trainee1);
    listeners.push(resumed);
    await resumed.join(exercise.id, near.received.at(-1)?.seq ?? 0);
    await inFlight;
    for (let i = 0; i < 20; i++) {
      await expectOk(call(other.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/injects`, { injectId: INJECT }), 'inject');
      await sleep(100);
    }
    await sleep(3000);

    const logged = await expectOk(
      call<{ actions: Array<{ actionId: string }> }>(other.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/actions?teamId=${teamId}&limit=5000`),
      'actions',
    );
    const committed = new Set(logged.actions.map((a) => a.actionId));
    const lostActions = [...acknowledged].filter((id) => !committed.has(id)).length + (logged.actions.length - committed.size);
    const log = await expectOk(
      call<{ events: Array<{ seq: number }> }>(other.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/events?teamId=${teamId}&limit=5000`),
      'events',
    );
    const expected = log.events.map((e) => e.seq);
    const faults = (seqs: readonly number[]) => {
      const counts = new Map<number, number>();
      for (const seq of seqs) counts.set(seq, (counts.get(seq) ?? 0) + 1);
      let bad = 0;
      for (const seq of expected) bad += Math.abs((counts.get(seq) ?? 0) - 1);
      for (let i = 1; i < seqs.length; i++) if (seqs[i]! < seqs[i - 1]!) bad += 1;
      return bad;
    };
    const lostOrDuplicated = faults([...near.received, ...resumed.received].map((r) => r.seq)) + faults(far.received.map((r) => r.seq));

    const note = `${machineNote()}; ${added.length} deliveries to both nodes; ${acknowledged.size} actions acknowledged`;
    return [
      judged({ name: 'cluster.delivery_p50_added_ms', value: round(percentile(added, 50)), unit: 'ms', target: 5, notes: note }, false),
      judged({ name: 'cluster.takeover_s', value: round(takeoverMs / 1000), unit: 's', target: 5, notes: note }, false),
      judged({ name: 'cluster.lost_actions', value: lostActions, unit: 'actions', target: 0, notes: note }, false),
      judged({ name: 'cluster.lost_or_duplicated_events', value: lostOrDuplicated, unit: 'events', target: 0, notes: note }, false),
    ];
  } finally {
    for (const listener of listeners) listener.socket.disconnect();
    await platform.close();
  }
}
