import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { ExerciseDto, StreamEvent } from '../../src/contracts/exercise.schema';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedAction, TriageAction } from '../../src/contracts/triage.schema';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { replayActions, simulate } from '../../src/scoring/solver';
import { alertRef, renameActionAlertIds } from '../../src/exercises/alert-refs';
import type { ScoringAction } from '../../src/scoring/score';
import { type ClusterNodeProcess, type ClusterPlatform, loggedAt, outputText, REDIS_URL, startPlatform } from '../../bench/support/cluster-nodes';
import { SCENARIOS_DIR, solverActions } from '../results/results-support';
import { api, login, StreamClient, userIds } from '../support/api';
import { ensureBuilt, ROOT } from '../support/built-server';
import { expectEventually } from '../support/test-app';

/**
 * Three real nodes (dist/main.js) on one PostgreSQL database and one Redis, behind no load
 * balancer but the test's own failover: the flagship drill is played with the headless solvers'
 * action logs (one team perfect, one naive), every trainee on a node of their own, the cockpit on a
 * third. Halfway through, the node that owns the exercise's clock is SIGKILLed while actions are in
 * flight. Another node must take the clock over from the journal within 5 s; at three quarters the
 * new owner is stopped gracefully (SIGTERM) and must hand the exercise over to the last node. No acknowledged
 * action may be lost or committed twice; every socket's stream (on the surviving nodes, and the
 * dead node's sockets once they reconnect elsewhere) must be exactly 1..n; and the final scores
 * must equal the headless solver's for the same actions.
 */

const SCENARIO = 'portal-defacement';
const SEED = 1;
/** Slow enough that an action lands at (nearly) the virtual instant the solver took it. */
const SPEED = 0.25;
const TAKEOVER_LIMIT_MS = 5_000;

type Retryable = { readonly retry: true; readonly why: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(node: ClusterNodeProcess): boolean {
  return node.child.exitCode === null && node.child.signalCode === null;
}

describe('three nodes on PostgreSQL and Redis: the clock owner dies mid-drill', () => {
  jest.setTimeout(900_000);

  let platform: ClusterPlatform;
  const clients: StreamClient[] = [];

  beforeAll(async () => {
    ensureBuilt();
    platform = await startPlatform(3, { root: ROOT });
  }, 600_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await platform?.close();
  }, 120_000);

  it('takes the clock over within 5 s and loses, repeats and reorders nothing', async () => {
    const [n0, n1, n2] = platform.nodes as [ClusterNodeProcess, ClusterNodeProcess, ClusterNodeProcess];
    // Logins on different nodes: a token from one node is good on all of them.
    const instructor = await login(n1.baseUrl, 'instructor');
    const admin = await login(n2.baseUrl, 'admin');
    const ids = await userIds(n0.baseUrl, admin);
    const trainee: Record<string, { token: string; home: ClusterNodeProcess }> = {
      trainee1: { token: await login(n0.baseUrl, 'trainee1'), home: n0 },
      trainee2: { token: await login(n1.baseUrl, 'trainee2'), home: n1 },
      trainee3: { token: await login(n2.baseUrl, 'trainee3'), home: n2 },
      trainee4: { token: await login(n0.baseUrl, 'trainee4'), home: n0 },
    };

    const scenarios = (await api<Array<{ scenarioId: string; versionId: string }>>(n0.baseUrl, instructor, 'GET', '/scenarios')).body;
    const versionId = scenarios.find((s) => s.scenarioId === SCENARIO)!.versionId;
    const created = await api<ExerciseDto>(n1.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      title: 'Diễn tập ba máy chủ',
      teams: [
        { name: 'Đội Công an', memberIds: [ids.trainee1, ids.trainee2] },
        { name: 'Đội Sở TT&TT', memberIds: [ids.trainee3, ids.trainee4] },
      ],
      seed: SEED,
      speed: SPEED,
    });
    expect(created.status).toBe(201);
    const exercise = created.body;
    const [teamA, teamB] = exercise.teams.map((t) => t.id) as [string, string];

    const database = new pg.Client({ connectionString: platform.databaseUrl });
    await database.connect();
    const salt = (await database.query<{ alert_salt: string }>('SELECT alert_salt FROM exercises WHERE id = $1', [exercise.id])).rows[0]!.alert_salt;
    await database.end();
    const ref = (eventId: string) => alertRef(salt, eventId);

    // Every trainee's stream on their own node; the cockpit on the third.
    const joinStream = async (node: ClusterNodeProcess, token: string, lastSeq: number | Record<string, number>) => {
      const client = new StreamClient(node.baseUrl, token);
      clients.push(client);
      await client.connected();
      const joined = await client.emit('exercise:join', { exerciseId: exercise.id, lastSeq });
      expect(joined.error).toBeUndefined();
      return client;
    };
    /** A socket's stream across the nodes it was on: a socket on a node that stops rejoins elsewhere with its last seq. */
    interface Stream {
      readonly name: string;
      readonly token: string;
      readonly teams: readonly string[];
      readonly segments: Array<{ readonly node: ClusterNodeProcess; readonly client: StreamClient }>;
    }
    const seen = (stream: Stream, teamId: string) => stream.segments.flatMap((segment) => segment.client.seqs(teamId));
    const openStream = async (name: string, node: ClusterNodeProcess, token: string, teams: readonly string[]): Promise<Stream> => ({
      name,
      token,
      teams,
      segments: [{ node, client: await joinStream(node, token, 0) }],
    });
    const streams: Stream[] = [
      await openStream('trainee1', n0, trainee.trainee1!.token, [teamA]),
      await openStream('trainee2', n1, trainee.trainee2!.token, [teamA]),
      await openStream('trainee3', n2, trainee.trainee3!.token, [teamB]),
      await openStream('trainee4', n0, trainee.trainee4!.token, [teamB]),
      await openStream('cockpit', n2, instructor, [teamA, teamB]),
    ];
    const rejoinElsewhere = async (gone: ClusterNodeProcess) => {
      for (const stream of streams) {
        if (stream.segments[stream.segments.length - 1]!.node !== gone) continue;
        const node = platform.nodes.find((n) => n !== gone && alive(n))!;
        const lastSeq = Object.fromEntries(stream.teams.map((teamId) => [teamId, seen(stream, teamId).at(-1) ?? 0]));
        stream.segments.push({ node, client: await joinStream(node, stream.token, lastSeq) });
      }
    };

    // Started on n0: n0 owns the clock (its lease in Redis names it).
    const started = await api(n0.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`);
    expect(started.status).toBe(200);
    const redis = new Redis(REDIS_URL);
    const leaseKey = `${platform.redisPrefix}:clock:${exercise.id}`;
    expect(await redis.get(leaseKey)).toBe(n0.nodeId);
    const takeoverLine = new RegExp(`Took over the clock of exercise ${exercise.id}`);

    const perfect = solverActions(SCENARIO, 'perfect', SEED);
    const naive = solverActions(SCENARIO, 'naive', SEED);
    const teams = [
      { teamId: teamA, members: ['trainee1', 'trainee2'], actions: perfect.actions },
      { teamId: teamB, members: ['trainee3', 'trainee4'], actions: naive.actions },
    ];

    /** A plain load balancer: the member's own node while it lives, else the next one that does. */
    const nodeFor = (home: ClusterNodeProcess) => (alive(home) ? home : platform.nodes.find(alive)!);
    const attempt = async <T>(home: ClusterNodeProcess, token: string, method: string, path: string, body?: unknown) => {
      try {
        const response = await api<T & { error?: { code: string; message: string } }>(nodeFor(home).baseUrl, token, method, path, body);
        if (response.status >= 500) return { retry: true, why: `${response.status} ${response.body.error?.code ?? ''}` } as Retryable;
        return response;
      } catch (error) {
        // The node died under the request: the client sends it again (elsewhere).
        return { retry: true, why: error instanceof Error ? error.message : String(error) } as Retryable;
      }
    };

    let clockMs = 0;
    const seek = async (virtualMs: number) => {
      const target = Math.min(virtualMs, perfect.durationMs - 5_000);
      for (let i = 0; ; i += 1) {
        if (target <= clockMs) return;
        const response = await attempt<{ virtualMs: number }>(n1, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: target });
        if ('retry' in response) {
          if (i > 200) throw new Error(`seek kept failing: ${response.why}`);
          await sleep(100);
          continue;
        }
        if (response.status === 200) clockMs = Math.max(clockMs, response.body.virtualMs);
        else if (response.body.error?.code !== 'SEEK_BACKWARDS') throw new Error(`seek: ${response.status} ${JSON.stringify(response.body)}`);
        return;
      }
    };

    const acknowledged = new Set<string>();
    const posted = new Set<string>();
    const refused: string[] = [];
    let retriedAcrossKill = 0; // requests sent again after a node died or left
    const roundRobin = new Map<string, number>();
    const post = async (team: (typeof teams)[number], recorded: ScoringAction) => {
      const action = renameActionAlertIds(recorded.action as unknown as TriageAction, ref) as unknown as Record<string, unknown>;
      const alertId = typeof action.alertId === 'string' && String(action.type).startsWith('alert.') ? action.alertId : null;
      const n = roundRobin.get(team.teamId) ?? 0;
      roundRobin.set(team.teamId, n + 1);
      // One member owns each alert (the server refuses another member's verdict on it).
      const member = team.members[(alertId === null ? n : [...alertId].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 0)) % team.members.length]!;
      const { token, home } = trainee[member]!;
      const body = { ...action, actionId: randomUUID(), exerciseId: exercise.id };
      posted.add(body.actionId);
      for (let i = 0; ; i += 1) {
        const response = await attempt<{ applied: boolean }>(home, token, 'POST', `/exercises/${exercise.id}/actions`, body);
        if ('retry' in response) {
          retriedAcrossKill += 1;
          if (i > 200) throw new Error(`action kept failing: ${response.why}`);
          await sleep(100);
          continue;
        }
        if (response.status === 200) {
          acknowledged.add(body.actionId);
          return;
        }
        const code = response.body.error?.code;
        if (code === 'RATE_LIMITED' && i < 100) {
          await sleep(150);
          continue;
        }
        if (code === 'ALERT_NOT_DELIVERED' && i < 5) {
          // A conditional alert scheduled by a trigger our (slightly later) action fired.
          await seek(clockMs + 2_000);
          continue;
        }
        refused.push(`${String(action.type)} @${recorded.virtualMs}: ${code} ${response.body.error?.message ?? ''}`);
        return;
      }
    };

    const times = [...new Set(teams.flatMap((t) => t.actions.map((a) => a.virtualMs)))].sort((a, b) => a - b);
    const killAt = Math.floor(times.length / 2);
    const handoverAt = Math.floor((times.length * 3) / 4);
    let takeoverMs = Number.NaN;
    let handover: { readonly from: ClusterNodeProcess; readonly to: ClusterNodeProcess; readonly ms: number } | null = null;
    for (const [index, time] of times.entries()) {
      await seek(time);
      const posts = Promise.all(
        teams.map(async (team) => {
          for (const recorded of team.actions.filter((a) => a.virtualMs === time)) await post(team, recorded);
        }),
      );
      if (index === killAt) {
        // Mid-run, with this instant's actions in flight: no shutdown hook, no last flush.
        n0.child.kill('SIGKILL');
        const killWallMs = Date.now();
        await n0.exited;
        // Another node takes the clock over from the journal, within 5 s of the kill.
        await expectEventually(() => expect([n1, n2].filter((node) => loggedAt(node, takeoverLine) !== null)).toHaveLength(1), 30_000, 20);
        takeoverMs = Math.min(...[n1, n2].map((node) => loggedAt(node, takeoverLine) ?? Number.POSITIVE_INFINITY)) - killWallMs;
        expect(await redis.get(leaseKey)).toBe([n1, n2].find((node) => loggedAt(node, takeoverLine) !== null)!.nodeId);
        // The dead node's sockets come back through the load balancer with the last seq they had.
        await rejoinElsewhere(n0);
      }
      if (index === handoverAt) {
        // The new owner is stopped gracefully, actions in flight again: it hands the exercise over.
        const owner = await redis.get(leaseKey);
        const from = [n1, n2].find((node) => node.nodeId === owner)!;
        const to = [n1, n2].find((node) => node !== from)!;
        from.child.kill('SIGTERM');
        const sentAt = Date.now();
        await from.exited;
        // Nest re-raises the signal once its shutdown hooks have run.
        expect({ code: from.child.exitCode, signal: from.child.signalCode }).toEqual({ code: null, signal: 'SIGTERM' });
        expect(outputText(from)).toMatch(/Handed over 1 exercise\(s\) to the other nodes/);
        await expectEventually(() => expect(loggedAt(to, takeoverLine)).not.toBeNull(), 30_000, 20);
        handover = { from, to, ms: loggedAt(to, takeoverLine)! - sentAt };
        expect(await redis.get(leaseKey)).toBe(to.nodeId);
        await rejoinElsewhere(from);
      }
      await posts;
    }
    redis.disconnect();
    expect(refused).toEqual([]);
    expect(takeoverMs).toBeLessThanOrEqual(TAKEOVER_LIMIT_MS);
    expect(handover).not.toBeNull();
    const last = handover!.to;

    const finished = await attempt<{ virtualMs: number }>(last, instructor, 'POST', `/exercises/${exercise.id}/finish`);
    if ('retry' in finished) throw new Error(`finish: ${finished.why}`);
    expect(finished.status).toBe(200);
    const endMs = finished.body.virtualMs;

    // Every acknowledged action is in the log, once; nothing is there that was not sent.
    const committed = new Set<string>();
    const recordedOf = new Map<string, RecordedAction[]>();
    for (const team of teams) {
      const logged = await api<{ actions: RecordedAction[] }>(
        last.baseUrl,
        instructor,
        'GET',
        `/exercises/${exercise.id}/actions?teamId=${team.teamId}&limit=5000`,
      );
      expect(logged.status).toBe(200);
      const actionIds = logged.body.actions.map((a) => a.actionId);
      expect(new Set(actionIds).size).toBe(actionIds.length);
      expect(logged.body.actions.map((a) => a.seq)).toEqual(actionIds.map((_, i) => i + 1));
      for (const id of actionIds) expect(posted.has(id)).toBe(true);
      for (const id of actionIds) committed.add(id);
      recordedOf.set(team.teamId, logged.body.actions);
    }
    const lost = [...acknowledged].filter((id) => !committed.has(id));
    expect(lost).toEqual([]);
    expect(acknowledged.size).toBe(posted.size);

    // Every stream, on every node, is exactly the log's 1..n: nothing lost, repeated or reordered.
    for (const teamId of [teamA, teamB]) {
      const log = (await api<{ events: StreamEvent[] }>(last.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/events?teamId=${teamId}&limit=5000`)).body
        .events;
      const expected = log.map((e) => e.seq);
      expect(expected).toEqual(expected.map((_, i) => i + 1));
      for (const stream of streams.filter((s) => s.teams.includes(teamId))) {
        await expectEventually(() => expect(seen(stream, teamId).length).toBeGreaterThanOrEqual(expected.length), 60_000);
        expect({ stream: stream.name, seqs: seen(stream, teamId) }).toEqual({ stream: stream.name, seqs: expected });
      }
    }

    // The final scores are the headless solver's for the same actions: each team's recorded actions
    // replayed through the engine, reducer and scorer at their virtual times, with no server.
    const parsed = parseScenario(readFileSync(join(SCENARIOS_DIR, `${SCENARIO}.yaml`), 'utf8'));
    if (!parsed.ok) throw new Error(`${SCENARIO} does not parse`);
    const eventIdOf = new Map<string, string>();
    for (const solver of ['perfect', 'naive'] as const) {
      for (const event of simulate({ scenario: parsed.scenario, solver, seed: SEED }).delivered) eventIdOf.set(ref(event.eventId), event.eventId);
    }
    const headless = Object.fromEntries(
      teams.map((team) => {
        const actions: ScoringAction[] = recordedOf.get(team.teamId)!.map((r) => ({
          actionId: r.actionId,
          userId: r.userId,
          virtualMs: r.virtualMs,
          seq: r.seq,
          action: renameActionAlertIds(r.action as unknown as TriageAction, (id) => eventIdOf.get(id) ?? id),
        }));
        const memberIds = team.members.map((m) => ids[m]!);
        const score = replayActions({ scenario: parsed.scenario, seed: SEED, exerciseId: exercise.id, teamId: team.teamId, memberIds, actions, endMs });
        return [team.teamId, score.total];
      }),
    );
    // The perfect team played the perfect solver's moves, a little later on the clock than it did.
    expect(headless[teamA]).toBeGreaterThan(perfect.total * 0.99);
    expect(headless[teamB]).toBeGreaterThan(0);
    await expectEventually(async () => {
      const scores = await api<{ status: string; teams: Array<{ teamId: string; score: { total: number } }> }>(
        last.baseUrl,
        instructor,
        'GET',
        `/exercises/${exercise.id}/scores`,
      );
      expect(scores.body.status).toBe('finished');
      expect(Object.fromEntries(scores.body.teams.map((t) => [t.teamId, t.score.total]))).toEqual(headless);
    }, 60_000);

    process.stdout.write(
      `three-node drill: takeover ${takeoverMs} ms after the kill, handover ${handover!.ms} ms after SIGTERM, ` +
        `${acknowledged.size} actions acknowledged, ${retriedAcrossKill} sent again across the kill and the handover\n`,
    );
    // Neither the node that left nor the last one logged a failure of their own.
    for (const node of [n1, n2]) expect(outputText(node)).not.toMatch(/could not persist deliveries|Listener failed/);
  });
});
