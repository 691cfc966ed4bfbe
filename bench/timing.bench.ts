import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { parse as parseYaml } from 'yaml';
import type { StreamBatch } from '../src/contracts/exercise.schema.js';
import { type Scenario, ScenarioSchema } from '../src/contracts/scenario.schema.js';
// The pure engine's public surface: the clock's lateness is the scheduler's, measured without a server.
import { compileScenario, ExerciseEngine, ExerciseScheduler, SystemClock, SystemTimer, type VirtualClockSnapshot } from '../src/engine/index.js';
import { call, expectOk, login, uploadSource } from './support/api.js';
import { type BenchResult, judged } from './support/bench-result.js';
import { ROOT, startServer } from './support/server.js';
import { machineNote, preciseNow, round, sleep, summarize } from './support/stats.js';

const FLAGSHIP = join('scenarios', 'portal-defacement.yaml');
const FAST_SPEED = 100;
const TEAMS = 5;
/** 1× slices: this many exercises, each sought to a different offset, all running for SLOW_WALL_S. */
const SLOW_EXERCISES = 60;
const SLOW_WALL_S = 60;
/** Through the server at 100×: a slice of the flagship (its first 3000 virtual seconds), four teams (a p99 needs a few hundred samples). */
const SERVER_WALL_S = 30;
const SERVER_TRAINEES = ['trainee1', 'trainee2', 'trainee3', 'trainee4'] as const;

/** When a delivery was due on the wall clock (as the server stamps `scheduledWallMs`). */
function scheduledWallMs(snapshot: VirtualClockSnapshot, virtualMs: number, deliveredWallMs: number): number {
  if (snapshot.status !== 'running' || virtualMs < snapshot.anchorVirtualMs) return deliveredWallMs;
  return snapshot.anchorWallMs + (virtualMs - snapshot.anchorVirtualMs) / snapshot.speed;
}

function loadScenarioFile(path: string): Scenario {
  return ScenarioSchema.parse(parseYaml(readFileSync(path, 'utf8')));
}

interface Sample {
  readonly atMs: number;
  readonly lateMs: number;
}

interface Run {
  readonly samples: Sample[];
  readonly scheduler: ExerciseScheduler;
}

/**
 * One exercise driven by the production scheduler with the system clock and timer (no server): the
 * lateness of a delivery is the moment the scheduler hands it out minus the wall time it was due.
 * One sample per wake-up and event of the first team (teams are delivered in the same tick).
 */
function runScheduler(scenario: Scenario, compiled: ReturnType<typeof compileScenario>, speed: number, seekToMs: number | null): Run {
  const teamIds = Array.from({ length: TEAMS }, (_, t) => `team-${t}`);
  const engine = new ExerciseEngine({ scenario, seed: 1, teamIds, speed, compiled });
  const samples: Sample[] = [];
  const clock = new SystemClock();
  const scheduler = new ExerciseScheduler(engine, clock, new SystemTimer(), (batches, cause) => {
    const now = preciseNow();
    if (cause !== 'timer') return;
    const snapshot = engine.clockSnapshot();
    for (const event of batches.get(teamIds[0]!)?.events ?? []) {
      if (event.catchUp) continue;
      samples.push({ atMs: now, lateMs: now - scheduledWallMs(snapshot, event.virtualMs, Math.round(now)) });
    }
  });
  scheduler.start();
  if (seekToMs !== null && seekToMs > 0) scheduler.seekTo(seekToMs);
  return { samples, scheduler };
}

/**
 * The environment's own floor: a bare chained setTimeout in the same process and the same minutes.
 * On a busy machine its tail shows how late ANY timer fires, whatever the scheduler does.
 */
function timerProbe(durationMs: number): Promise<number[]> {
  const lateness: number[] = [];
  const end = preciseNow() + durationMs;
  return new Promise((resolve) => {
    const step = (): void => {
      const due = preciseNow() + 37;
      setTimeout(() => {
        const now = preciseNow();
        lateness.push(now - due);
        if (now < end) step();
        else resolve(lateness);
      }, 37);
    };
    step();
  });
}

function driftOf(samples: readonly Sample[]): { startP50: number; endP50: number } {
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  return { startP50: summarize(samples.slice(0, tenth).map((s) => s.lateMs)).p50, endP50: summarize(samples.slice(-tenth).map((s) => s.lateMs)).p50 };
}

/** The flagship through the real server: REST start, one trainee socket, lateness = receipt − scheduledWallMs. */
async function throughServer(): Promise<ReturnType<typeof summarize>> {
  const server = await startServer();
  const latencies: number[] = [];
  const sockets: Socket[] = [];
  try {
    const { baseUrl } = server;
    const instructor = await login(baseUrl, 'instructor');
    const admin = await login(baseUrl, 'admin');
    const tokens = await Promise.all(SERVER_TRAINEES.map((name) => login(baseUrl, name)));
    const users = await expectOk(call<{ items: Array<{ id: string; username: string }> }>(baseUrl, admin, 'GET', '/users?limit=100'), 'users');
    const version = await uploadSource(baseUrl, instructor, readFileSync(join(ROOT, FLAGSHIP), 'utf8'));
    const teams = SERVER_TRAINEES.map((name, i) => ({ name: `Đội ${i + 1}`, memberIds: [users.items.find((u) => u.username === name)!.id] }));
    const exercise = await expectOk(
      call<{ id: string }>(baseUrl, instructor, 'POST', '/exercises', { scenarioVersionId: version.versionId, teams, speed: FAST_SPEED, seed: 1 }),
      'create',
    );
    for (const token of tokens) {
      const socket = io(`${baseUrl}/exercises`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
      sockets.push(socket);
      socket.on('exercise:events', (batch: StreamBatch) => {
        const now = preciseNow();
        for (const event of batch.events) if (!batch.replay && !event.catchUp) latencies.push(now - event.scheduledWallMs);
      });
      await new Promise<void>((resolve, reject) => {
        socket.once('connect_error', reject);
        socket.once('connect', () => socket.emit('exercise:join', { exerciseId: exercise.id, lastSeq: 0 }, () => resolve()));
      });
    }
    await expectOk(call(baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`), 'start');
    await sleep(SERVER_WALL_S * 1000);
    await call(baseUrl, instructor, 'POST', `/exercises/${exercise.id}/finish`);
    for (const socket of sockets) socket.disconnect();
  } finally {
    await server.dispose();
  }
  return summarize(latencies);
}

/**
 * Delivery timing of the flagship scenario. 100×: the whole 2 h scenario (72 s wall), five teams.
 * 1×: sixty exercises of the same scenario, sought to offsets 0, 2, 4 … 118 minutes and run side by
 * side for 60 s (together they cover an hour of the scenario at real speed; they share the event
 * loop with the 100× run). Then a 30 s slice at 100× through the real server, four teams with a socket each.
 */
export async function benchTiming(): Promise<BenchResult[]> {
  const scenario = loadScenarioFile(join(ROOT, FLAGSHIP));
  const compiled = compileScenario(scenario, 1);
  const durationMs = scenario.duration * 1000;
  const probe = timerProbe(durationMs / FAST_SPEED);
  const fast = runScheduler(scenario, compiled, FAST_SPEED, null);
  const slow = Array.from({ length: SLOW_EXERCISES }, (_, i) => runScheduler(scenario, compiled, 1, Math.floor((i * durationMs) / SLOW_EXERCISES)));
  await sleep(SLOW_WALL_S * 1000);
  for (const run of slow) run.scheduler.dispose();
  await sleep(Math.max(0, durationMs / FAST_SPEED - SLOW_WALL_S * 1000) + 500);
  fast.scheduler.dispose();
  const note = machineNote();
  const floor = summarize(await probe);

  const fastStats = summarize(fast.samples.map((s) => s.lateMs));
  const drift = driftOf(fast.samples);
  const slowStats = summarize(slow.flatMap((r) => r.samples.map((s) => s.lateMs)));
  const server = await throughServer();
  return [
    judged(
      {
        name: 'timing.100x.lateness_p99_ms',
        value: round(fastStats.p99),
        unit: 'ms',
        target: 5,
        baseline: round(floor.p99),
        ratio: round(fastStats.p99 / Math.max(0.01, floor.p99)),
        notes: `baseline = p99 lateness of a bare chained setTimeout in the same process and minutes (p50 ${round(floor.p50)}, max ${round(floor.max)} ms over ${floor.n}); portal-defacement full run at 100× (${round(durationMs / FAST_SPEED / 1000, 1)} s wall), ${TEAMS} teams, scheduler with system clock/timer, no server; p50 ${round(fastStats.p50)} ms, max ${round(fastStats.max)} ms over ${fastStats.n} deliveries; ${note}`,
      },
      false,
    ),
    judged(
      {
        name: 'timing.100x.drift_ms',
        value: round(drift.endP50 - drift.startP50),
        unit: 'ms',
        target: 1,
        notes: `median lateness of the last tenth of deliveries minus the first tenth (${round(drift.endP50)} − ${round(drift.startP50)} ms): absolute wake-ups do not accumulate drift`,
      },
      false,
    ),
    judged(
      {
        name: 'timing.1x.lateness_p99_ms',
        value: round(slowStats.p99),
        unit: 'ms',
        target: 5,
        baseline: round(floor.p99),
        ratio: round(slowStats.p99 / Math.max(0.01, floor.p99)),
        notes: `baseline as for timing.100x; 1× slices: ${SLOW_EXERCISES} exercises at offsets every ${round(durationMs / SLOW_EXERCISES / 60000, 1)} min, ${SLOW_WALL_S} s each, run side by side with the 100× run; p50 ${round(slowStats.p50)} ms, max ${round(slowStats.max)} ms over ${slowStats.n} deliveries`,
      },
      false,
    ),
    judged(
      {
        name: 'timing.server.latency_p99_ms',
        value: round(server.p99),
        unit: 'ms',
        target: 50,
        notes: `through the real server at 100× for ${SERVER_WALL_S} s (its first ${SERVER_WALL_S * FAST_SPEED} virtual seconds), ${SERVER_TRAINEES.length} teams of one trainee socket each, server in its own process, sockets in this one: scheduledWallMs → client receipt incl. SQLite commit; p50 ${round(server.p50)} ms, max ${round(server.max)} ms over ${server.n} events`,
      },
      false,
    ),
  ];
}
