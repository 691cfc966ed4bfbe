import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server } from 'socket.io';
import type { StreamBatch } from '../contracts/exercise.schema.js';
import { ExerciseEngine, ExerciseScheduler, SystemClock, SystemTimer } from '../engine/index.js';
import { scheduledWallMs, toStreamEvent } from '../exercises/exercise-views.js';
import { parseScenario } from '../scenarios/scenario-parser.js';
import type { ClientsIn, ClientsOut, SocketSpec } from './bench-clients.js';
import { type BenchResult, judged } from './bench-result.js';
import {
  call,
  Child,
  gatewayNamespace,
  expectOk,
  login,
  machineNote,
  preciseNow,
  round,
  seedTrainees,
  sleep,
  startInProcessServer,
  summarize,
} from './bench-support.js';
import { generateScenario } from './generated-scenario.js';

const TEAMS = 50;
const PER_TEAM = 10;
/** Wall seconds of alert flow measured. */
const RUN_S = 12;
/**
 * "200 alerts/s" read as the exercise's total alert rate: every team plays its own stream of the
 * same scenario and all teams share the clock, so a scenario with 4 alerts per wall second gives
 * 50 × 4 = 200 team alerts per second, each fanned out to the team's 10 sockets (2 000 socket
 * deliveries per second). The scenario has one alert per virtual second, played at 4×.
 */
const SPEED = 4;
const ALERTS = RUN_S * SPEED;
const DRAIN_MS = 2000;
const CLIENT_PROCESSES = 2;

const here = dirname(fileURLToPath(import.meta.url));

function benchScenario(root: string): string {
  const base = readFileSync(join(root, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');
  const scenario = generateScenario(base, ALERTS);
  const timeline = scenario.timeline.map((event, i) => ({ ...event, at: i + 1 }));
  return JSON.stringify({ ...scenario, id: 'bench-fanout', timeline, noise: [] });
}

interface RunFigures {
  readonly latency: ReturnType<typeof summarize>;
  readonly deliveries: number;
  readonly perSecond: number;
  readonly cpuPercent: number;
  readonly outOfOrder: number;
  /** Event-loop delay of this process during the flow (ms): how long the loop was blocked. */
  readonly loopDelay: { readonly p99: number; readonly max: number };
  /** Real server only: scheduledWallMs → socket.io has written the batch to every socket of the team. */
  readonly publish?: ReturnType<typeof summarize>;
}

function isConnected(m: ClientsOut): m is Extract<ClientsOut, { type: 'connected' }> {
  return m.type === 'connected';
}
function isReport(m: ClientsOut): m is Extract<ClientsOut, { type: 'report' }> {
  return m.type === 'report';
}
function isClosed(m: ClientsOut): m is Extract<ClientsOut, { type: 'closed' }> {
  return m.type === 'closed';
}

/**
 * The 500 clients in CLIENT_PROCESSES child processes: one process would receive each 500-message
 * burst one message at a time and add its own queueing to every latency (real trainees each have
 * their own machine).
 */
class ClientPool {
  private readonly children: Array<Child<ClientsIn, ClientsOut>>;

  constructor(count: number) {
    this.children = Array.from({ length: count }, () => new Child<ClientsIn, ClientsOut>(join(here, 'bench-clients.js')));
  }

  async connect(url: string, sockets: readonly SocketSpec[]): Promise<void> {
    const n = this.children.length;
    this.children.forEach((child, i) => child.send({ type: 'connect', url, sockets: sockets.filter((_, j) => j % n === i), concurrency: 25 }));
    const results = await Promise.all(this.children.map((child) => child.next(isConnected, 180_000)));
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    if (failed > 0) throw new Error(`${failed} of ${sockets.length} sockets failed to connect/join: ${results.find((r) => r.firstError)?.firstError}`);
  }

  reset(): void {
    for (const child of this.children) child.send({ type: 'reset' });
  }

  async report(): Promise<Extract<ClientsOut, { type: 'report' }>> {
    for (const child of this.children) child.send({ type: 'report' });
    const reports = await Promise.all(this.children.map((child) => child.next(isReport)));
    return {
      type: 'report',
      latencies: reports.flatMap((r) => r.latencies),
      deliveries: reports.reduce((sum, r) => sum + r.deliveries, 0),
      firstReceiptMs: Math.min(...reports.map((r) => r.firstReceiptMs || Number.POSITIVE_INFINITY)),
      lastReceiptMs: Math.max(...reports.map((r) => r.lastReceiptMs)),
      outOfOrder: reports.reduce((sum, r) => sum + r.outOfOrder, 0),
    };
  }

  async close(): Promise<void> {
    for (const child of this.children) child.send({ type: 'close' });
    await Promise.all(this.children.map((child) => child.next(isClosed)));
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((child) => child.stop()));
  }
}

/** Runs the alert flow for RUN_S (+ drain) and collects the clients' measurements and this process's CPU. */
async function measure(clients: ClientPool, start: () => number | Promise<number>): Promise<RunFigures> {
  clients.reset();
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const cpu = process.cpuUsage();
  const startedAt = await start();
  await sleep(RUN_S * 1000 + DRAIN_MS);
  const used = process.cpuUsage(cpu);
  loop.disable();
  const wall = preciseNow() - startedAt;
  const report = await clients.report();
  const window = Math.max(RUN_S * 1000, report.lastReceiptMs - startedAt);
  return {
    latency: summarize(report.latencies),
    deliveries: report.deliveries,
    perSecond: report.deliveries / (window / 1000),
    cpuPercent: ((used.user + used.system) / 1000 / wall) * 100,
    outOfOrder: report.outOfOrder,
    loopDelay: { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 },
  };
}

/** The same payloads on the same schedule through a bare socket.io server: no auth, persistence or bus. */
async function runBaseline(clients: ClientPool, source: string): Promise<RunFigures> {
  const parsed = parseScenario(source);
  if (!parsed.ok) throw new Error('bench scenario invalid');
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
  const namespace = io.of('/exercises');
  namespace.on('connection', (socket) => {
    void socket.join(`team:${String((socket.handshake.auth as { team?: unknown }).team)}`);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  const teamIds = Array.from({ length: TEAMS }, (_, t) => `team-${t}`);
  const sockets: SocketSpec[] = Array.from({ length: TEAMS * PER_TEAM }, (_, i) => ({ auth: { team: teamIds[Math.floor(i / PER_TEAM)]! } }));
  const engine = new ExerciseEngine({ scenario: parsed.scenario, seed: 1, teamIds, speed: SPEED });
  const clock = new SystemClock();
  const scheduler = new ExerciseScheduler(engine, clock, new SystemTimer(), (batches) => {
    const snapshot = engine.clockSnapshot();
    const now = clock.now();
    for (const [teamId, batch] of batches) {
      if (batch.events.length === 0) continue;
      const message: StreamBatch = {
        exerciseId: 'baseline',
        teamId,
        events: batch.events.map((e) => toStreamEvent(e, scheduledWallMs(snapshot, e.virtualMs, now))),
        replay: false,
      };
      namespace.to(`team:${teamId}`).emit('exercise:events', message);
    }
  });
  try {
    await clients.connect(`http://127.0.0.1:${port}`, sockets);
    return await measure(clients, () => {
      const at = preciseNow();
      scheduler.start();
      return at;
    });
  } finally {
    scheduler.dispose();
    await clients.close();
    await new Promise<void>((resolve) => {
      void io.close(() => resolve());
    });
  }
}

async function runServer(clients: ClientPool, source: string): Promise<RunFigures> {
  const server = await startInProcessServer();
  try {
    const { baseUrl } = server;
    const admin = await login(baseUrl, 'admin');
    const instructor = await login(baseUrl, 'instructor');
    const trainees = await seedTrainees(baseUrl, admin, TEAMS * PER_TEAM, 'fan');
    const version = await expectOk(call<{ versionId: string }>(baseUrl, instructor, 'POST', '/scenarios', { source }), 'upload scenario');
    const exercise = await expectOk(
      call<{ id: string }>(baseUrl, instructor, 'POST', '/exercises', {
        scenarioVersionId: version.versionId,
        teams: Array.from({ length: TEAMS }, (_, t) => ({
          name: `Đội ${t + 1}`,
          memberIds: trainees.slice(t * PER_TEAM, (t + 1) * PER_TEAM).map((u) => u.id),
        })),
        speed: SPEED,
        seed: 1,
      }),
      'create exercise',
    );
    await clients.connect(
      baseUrl,
      trainees.map((u) => ({ auth: { token: u.token }, join: { exerciseId: exercise.id, lastSeq: 0 } })),
    );
    // Timed where the batch is handed to the team's sockets, i.e. when socket.io broadcasts it.
    const published: number[] = [];
    const adapter = gatewayNamespace(server.app).adapter;
    const broadcast = adapter.broadcast.bind(adapter);
    adapter.broadcast = (packet, opts) => {
      broadcast(packet, opts);
      const [event, batch] = (packet as { data: [string, StreamBatch] }).data;
      if (event !== 'exercise:events') return;
      const now = preciseNow();
      for (const e of batch.events) published.push(now - e.scheduledWallMs);
    };
    const unsubscribe = () => {
      adapter.broadcast = broadcast;
    };
    try {
      const figures = await measure(clients, async () => {
        const at = preciseNow();
        await expectOk(call(baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`), 'start');
        return at;
      });
      return { ...figures, publish: summarize(published) };
    } finally {
      unsubscribe();
      await call(baseUrl, instructor, 'POST', `/exercises/${exercise.id}/finish`);
      await clients.close();
    }
  } finally {
    await server.close();
  }
}

/**
 * 500 trainee sockets in 50 teams, 200 team alerts per second, through the real server in this
 * process (REST to set up and start, socket.io to receive); the clients live in a child process.
 * Latency is client receipt minus the event's scheduledWallMs (same host clock). The baseline is a
 * bare socket.io server in this process broadcasting the same payloads to 500 sockets in 50 rooms
 * on the same schedule (the engine's scheduler, without auth, persistence or the bus).
 */
export async function benchFanout(root: string): Promise<BenchResult[]> {
  const source = benchScenario(root);
  const clients = new ClientPool(CLIENT_PROCESSES);
  let baseline: RunFigures;
  let real: RunFigures;
  try {
    baseline = await runBaseline(clients, source);
    real = await runServer(clients, source);
  } finally {
    await clients.stop();
  }
  const expected = ALERTS * TEAMS * PER_TEAM;
  const setup = `${TEAMS * PER_TEAM} sockets in ${TEAMS} teams; ${ALERTS} alerts per team at ${SPEED}/s = ${TEAMS * SPEED} team alerts/s total (interpretation of "200 alerts/s": total across teams, each to 10 sockets)`;
  return [
    judged(
      {
        name: 'fanout.latency.p99_ms',
        value: round(real.latency.p99),
        unit: 'ms',
        target: 50,
        baseline: round(baseline.latency.p99),
        ratio: round(real.latency.p99 / Math.max(0.01, baseline.latency.p99)),
        notes: `${setup}; scheduledWallMs → client receipt; p50 ${round(real.latency.p50)} ms, max ${round(real.latency.max)} ms over ${real.latency.n} deliveries; bare socket.io p50 ${round(baseline.latency.p50)} ms; ${machineNote()}`,
      },
      false,
    ),
    {
      name: 'fanout.latency.p50_ms',
      value: round(real.latency.p50),
      unit: 'ms',
      baseline: round(baseline.latency.p50),
      notes: 'same run as fanout.latency.p99_ms',
    },
    {
      name: 'fanout.server_publish.p99_ms',
      value: round(real.publish?.p99 ?? Number.NaN),
      unit: 'ms',
      notes: `server side only: scheduledWallMs → committed to SQLite and written to the team's sockets; p50 ${round(real.publish?.p50 ?? Number.NaN)} ms, max ${round(real.publish?.max ?? Number.NaN)} ms over ${real.publish?.n ?? 0} team batches×events. Client-side figures above also include the clients' own queueing (${TEAMS * PER_TEAM} sockets in ${CLIENT_PROCESSES} processes receive each ${TEAMS * PER_TEAM}-message burst)`,
    },
    judged(
      {
        name: 'fanout.throughput.deliveries_per_s',
        value: Math.round(real.perSecond),
        unit: 'deliveries/s',
        target: Math.round(0.8 * baseline.perSecond),
        baseline: Math.round(baseline.perSecond),
        ratio: round(real.perSecond / baseline.perSecond),
        notes: `target 0.8 × baseline; delivered ${real.deliveries}/${expected} (baseline ${baseline.deliveries}/${expected}); out-of-order sockets ${real.outOfOrder}`,
      },
      true,
    ),
    {
      name: 'fanout.server_cpu.percent',
      value: round(real.cpuPercent, 1),
      unit: '% of one core',
      baseline: round(baseline.cpuPercent, 1),
      ratio: round(real.cpuPercent / Math.max(0.1, baseline.cpuPercent)),
      notes: `process.cpuUsage of the server process over the ${RUN_S} s flow + ${DRAIN_MS / 1000} s drain (includes SQLite writes of ${TEAMS * SPEED} events/s and live scoring); event-loop delay p99 ${round(real.loopDelay.p99)} ms, max ${round(real.loopDelay.max)} ms (bare socket.io: p99 ${round(baseline.loopDelay.p99)}, max ${round(baseline.loopDelay.max)} ms)`,
    },
  ];
}
