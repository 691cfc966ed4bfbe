import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, monitorEventLoopDelay, performance, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { createApp } from '../app-factory.js';
import { AuthService } from '../auth/auth.service.js';
import { loadConfig } from '../config/app-config.js';
import { IdentityService } from '../identity/identity.service.js';
import { type BenchResult, judged } from './bench-result.js';
import { gatewayNamespace, machineNote, percentile, round } from './bench-support.js';
import { startTriageBaseline } from './triage-baseline-server.js';
import type { LoadPlan, LoadReport } from './triage-load-client.js';

const TEAMS = 50;
const PER_TEAM = 10;
const TARGET_ACTIONS_PER_SECOND = 5_000;
const DURATION_MS = 10_000;
/** The same load first, unmeasured: the server's JIT and first-use caches (see LoadPlan.warmupMs). */
const WARMUP_MS = 2_000;
const PASSWORD = 'bench-password-123';
/** Alerts each team acts on (the real run takes the team's first 40 delivered events). */
const ALERTS_PER_TEAM = 40;

async function http<T>(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

/** The server process over the load only (not the 500 connects before it, nor the wait after it). */
interface ServerLoad {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly loopBusy: number;
  readonly loopDelayP99Ms: number;
  /** Garbage collection on the server's main thread over the load: its pauses, and how many were major. */
  readonly gc: { readonly pauseMs: number; readonly maxPauseMs: number; readonly collections: number; readonly major: number };
}

function runClients(plan: LoadPlan, onPhase: (phase: 'load-start' | 'load-end') => void): Promise<{ report: LoadReport; server: ServerLoad }> {
  const self = fileURLToPath(import.meta.url);
  const script = join(self, '..', `triage-load-client${self.endsWith('.ts') ? '.ts' : '.js'}`);
  let start: { cpu: NodeJS.CpuUsage; loop: ReturnType<typeof performance.eventLoopUtilization>; wallMs: number } | null = null;
  let server: ServerLoad | null = null;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  const gc = { pauseMs: 0, maxPauseMs: 0, collections: 0, major: 0 };
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.pauseMs += entry.duration;
      gc.maxPauseMs = Math.max(gc.maxPauseMs, entry.duration);
      gc.collections++;
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.major++;
    }
  });
  return new Promise((resolve, reject) => {
    const child = fork(script, [], { env: { ...process.env, SOC_DRILL_TRIAGE_LOAD_CLIENT: '1' }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message: { phase?: 'load-start' | 'load-end'; report?: LoadReport; error?: string }) => {
      if (message.phase !== undefined) onPhase(message.phase);
      if (message.phase === 'load-start') {
        start = { cpu: process.cpuUsage(), loop: performance.eventLoopUtilization(), wallMs: performance.now() };
        loopDelay.enable();
        gcObserver.observe({ entryTypes: ['gc'] });
      } else if (message.phase === 'load-end' && start !== null) {
        loopDelay.disable();
        gcObserver.disconnect();
        const cpu = process.cpuUsage(start.cpu);
        server = { cpuMs: (cpu.user + cpu.system) / 1000, wallMs: performance.now() - start.wallMs, loopBusy: performance.eventLoopUtilization(start.loop).utilization, loopDelayP99Ms: loopDelay.percentile(99) / 1e6, gc };
      } else if (message.report) {
        if (server === null) reject(new Error('the load client did not report the load phases'));
        else resolve({ report: message.report, server });
      } else reject(new Error(message.error));
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`load client exited with ${code}`));
    });
    child.send(plan);
  });
}

/** Where the tail comes from: p99 of the acks of each second of the measured load. */
function p99sBySecond(report: LoadReport): number[] {
  const bySecond: number[][] = [];
  report.sentAtMs.forEach((at, i) => (bySecond[Math.floor(at / 1000)] ??= []).push(report.latenciesMs[i]!));
  return bySecond.map((xs) => Math.round(percentile([...xs].sort((a, b) => a - b), 99)));
}

interface BaselineFigures {
  readonly p99: number;
  readonly cpuPerActionUs: number;
  readonly server: ServerLoad;
  readonly notes: string;
}

/** Server CPU (all its threads) per action acked in the measured load. */
function cpuPerActionUs(server: ServerLoad, report: LoadReport): number {
  return round((server.cpuMs * 1000) / Math.max(1, report.latenciesMs.length), 1);
}

function gcNote({ gc }: ServerLoad): string {
  return `${gc.collections} collections (${gc.major} major), longest pause ${round(gc.maxPauseMs, 1)} ms`;
}

/** The load of the real run against triage-baseline-server.ts: what socket.io and this machine cost alone. */
async function runBaseline(load: Pick<LoadPlan, 'actionsPerSecond' | 'durationMs' | 'warmupMs' | 'client'>): Promise<BaselineFigures> {
  const server = await startTriageBaseline(TEAMS, PER_TEAM, ALERTS_PER_TEAM);
  try {
    const { report, server: cpu } = await runClients({ ...load, baseUrl: server.baseUrl, exerciseId: 'baseline', clients: server.clients }, () => undefined);
    const latencies = [...report.latenciesMs].sort((a, b) => a - b);
    const errors = Object.values(report.errors).reduce((a, b) => a + b, 0);
    const secondP99s = p99sBySecond(report);
    if (report.acked !== report.sent || errors > 0) throw new Error(`the baseline server acked ${report.acked} of ${report.sent} actions, ${errors} with errors`);
    return {
      p99: round(percentile(latencies, 99)),
      cpuPerActionUs: cpuPerActionUs(cpu, report),
      server: cpu,
      notes: `bare socket.io (the gateway's transport options and packet parser; no auth, validation, state, storage or scoring) under the same load clients, run just before the real server: p50 ${round(percentile(latencies, 50))} ms, max ${round(latencies[latencies.length - 1] ?? Number.NaN)} ms, ${Math.round(report.latenciesMs.length / (report.elapsedMs / 1000))} actions/s, ${report.broadcastsReceived} teammate receipts, ${Math.round(report.receivedChars / 1e6)} M characters received; p99 of each second's acks: ${secondP99s.join(', ')} ms; server CPU ${Math.round((cpu.cpuMs / cpu.wallMs) * 100)} % (event loop busy ${Math.round(cpu.loopBusy * 100)} %, loop delay p99 ${Math.round(cpu.loopDelayP99Ms)} ms), clients ${Math.round((report.clientCpuMs / report.elapsedMs) * 100)} % of one core`,
    };
  } finally {
    await server.close();
  }
}

/**
 * 50 teams × 10 trainees on the flagship scenario, 500 real socket.io clients (in a forked process)
 * sending 5,000 cheap actions per second (notes and severities on delivered alerts) for 10 s to the
 * real server (in this process, temp SQLite). Every client has joined its team stream, so each
 * action is also broadcast to 10 sockets. Then the log is counted: nothing lost, nothing doubled.
 */
export async function benchTriageActions(root: string): Promise<BenchResult[]> {
  // The offered load can be lowered (e.g. TRIAGE_BENCH_RATE=2000) to find the sustainable rate.
  const ACTIONS_PER_SECOND = Number(process.env.TRIAGE_BENCH_RATE ?? TARGET_ACTIONS_PER_SECOND);
  // TRIAGE_BENCH_CLIENT=socket.io runs full socket.io clients instead of wire-protocol ones (see LoadPlan.client).
  const CLIENT = process.env.TRIAGE_BENCH_CLIENT === 'socket.io' ? 'socket.io' : 'wire';
  // The floor first, before the real server exists: the same clients and load on bare socket.io.
  const baseline = await runBaseline({ actionsPerSecond: ACTIONS_PER_SECOND, durationMs: DURATION_MS, warmupMs: WARMUP_MS, client: CLIENT });
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-bench-triage-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOAD_BUNDLED_SCENARIOS: 'false', LOG_LEVEL: 'error', PASSWORD_SCRYPT_LOG2N: '10' });
  const app = await createApp(config, { logger: false });
  try {
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    const auth = app.get(AuthService);
    const identity = app.get(IdentityService);
    const client = (i: number) => ({ ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, userAgent: 'bench' });
    const instructor = (await auth.login('instructor', config.DEMO_PASSWORD, client(0))).accessToken;
    const unitId = (await identity.findByUsername('instructor'))!.unitId;

    const users: Array<{ id: string; username: string }> = [];
    for (let i = 0; i < TEAMS * PER_TEAM; i++) {
      const username = `bench-${String(i).padStart(4, '0')}`;
      const view = await identity.createUser(null, { username, displayName: username, password: PASSWORD, unitId, roles: ['trainee'] });
      users.push({ id: view.id, username });
    }
    const tokens: string[] = [];
    for (const [i, user] of users.entries()) tokens.push((await auth.login(user.username, PASSWORD, client(i + 1))).accessToken);

    const source = readFileSync(join(root, 'scenarios', 'portal-defacement.yaml'), 'utf8');
    const { versionId } = await http<{ versionId: string }>(baseUrl, instructor, 'POST', '/scenarios', { source });
    const exercise = await http<{ id: string; teams: Array<{ id: string }> }>(baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: Array.from({ length: TEAMS }, (_, t) => ({ name: `Đội ${t + 1}`, memberIds: users.slice(t * PER_TEAM, (t + 1) * PER_TEAM).map((u) => u.id) })),
      speed: 1,
      seed: 2025,
    });
    await http(baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`);
    await http(baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 30 * 60_000 });
    const alertsOf = new Map<string, string[]>();
    for (const team of exercise.teams) {
      const { events } = await http<{ events: Array<{ eventId: string }> }>(baseUrl, instructor, 'GET', `/exercises/${exercise.id}/events?teamId=${team.id}&limit=${ALERTS_PER_TEAM}`);
      alertsOf.set(team.id, events.map((e) => e.eventId));
    }
    const plan: LoadPlan = {
      baseUrl,
      exerciseId: exercise.id,
      clients: tokens.map((token, i) => ({ token, alertIds: alertsOf.get(exercise.teams[Math.floor(i / PER_TEAM)]!.id)! })),
      actionsPerSecond: ACTIONS_PER_SECOND,
      durationMs: DURATION_MS,
      warmupMs: WARMUP_MS,
      client: CLIENT,
    };
    // How long the server held each measured action, from socket.io handing it over to the ack
    // being written: the part of the client's figure that is the server's own work and queueing
    // (not the kernel's socket buffers, nor the load clients' event loop).
    const serverHeldMs: number[] = [];
    let timing = false;
    const namespace = gatewayNamespace(app);
    namespace.on('connection', (socket) =>
      socket.use((packet, next) => {
        const ack = packet[packet.length - 1] as unknown;
        if (timing && packet[0] === 'triage:act' && typeof ack === 'function') {
          const received = performance.now();
          packet[packet.length - 1] = (...args: unknown[]) => {
            serverHeldMs.push(performance.now() - received);
            (ack as (...args: unknown[]) => void)(...args);
          };
        }
        next();
      }),
    );
    const { report, server } = await runClients(plan, (phase) => (timing = phase === 'load-start'));

    const dataSource = app.get(DataSource);
    const rows = (await dataSource.query('SELECT action_id AS id FROM exercise_journal WHERE exercise_id = ? AND detail IS NOT NULL', [exercise.id])) as Array<{ id: string }>;
    const stored = new Set(rows.map((r) => r.id));
    // Lost = acknowledged as applied but not in the log. Acks still missing at the end are counted apart.
    const lost = report.appliedIds.filter((id) => !stored.has(id)).length;
    const unacked = report.sent - report.acked;
    const duplicated = rows.length - stored.size;
    const latencies = [...report.latenciesMs].sort((a, b) => a - b);
    const warmupLatencies = [...report.warmupLatenciesMs].sort((a, b) => a - b);
    const held = serverHeldMs.sort((a, b) => a - b);
    const secondP99s = p99sBySecond(report);
    const errors = Object.values(report.errors).reduce((a, b) => a + b, 0);
    const notes = `${CLIENT} clients; ${report.sent} sent, ${report.acked} acked, ${rows.length} rows, errors ${JSON.stringify(report.errors)}, ${report.broadcastsReceived} actions received by teammates in ${report.broadcastBatches} team:actions batches, ${Math.round(report.receivedChars / 1e6)} M characters received in all; CPU over the load: server ${Math.round((server.cpuMs / server.wallMs) * 100)} % (its event loop busy ${Math.round(server.loopBusy * 100)} %, loop delay p99 ${Math.round(server.loopDelayP99Ms)} ms), clients ${Math.round((report.clientCpuMs / report.elapsedMs) * 100)} % of one core (their event loop busy ${Math.round(report.clientLoopBusy * 100)} %, loop delay p99 ${Math.round(report.clientLoopDelayP99Ms)} ms)`;
    return [
      { name: 'triage.ack_latency_p50_ms', value: round(percentile(latencies, 50)), unit: 'ms' },
      judged(
        {
          name: 'triage.ack_latency_p99_ms',
          value: round(percentile(latencies, 99)),
          unit: 'ms',
          target: 25,
          baseline: baseline.p99,
          ratio: round(percentile(latencies, 99) / Math.max(0.01, baseline.p99)),
          notes: `${notes}; p99 of each second's acks: ${secondP99s.join(', ')} ms; ${machineNote()} (the load clients count too)`,
        },
        false,
      ),
      { name: 'triage.baseline_ack_latency_p99_ms', value: baseline.p99, unit: 'ms', notes: baseline.notes },
      {
        name: 'triage.server_hold_p99_ms',
        value: round(percentile(held, 99)),
        unit: 'ms',
        notes: `${held.length} measured actions, from socket.io handing the action to the gateway to its ack being written (the client's figure less the sockets and the load clients' own event loop): p50 ${round(percentile(held, 50))} ms, max ${round(held[held.length - 1] ?? Number.NaN)} ms`,
      },
      {
        name: 'triage.server_cpu_per_action_us',
        value: cpuPerActionUs(server, report),
        unit: 'µs',
        baseline: baseline.cpuPerActionUs,
        ratio: round(cpuPerActionUs(server, report) / Math.max(0.1, baseline.cpuPerActionUs)),
        notes: 'process CPU (every thread: socket.io, triage, SQLite, scoring workers, GC) over the measured load, per acked action; the baseline is bare socket.io carrying the same messages',
      },
      {
        name: 'triage.server_gc_pause_ms',
        value: round(server.gc.pauseMs, 1),
        unit: 'ms',
        baseline: round(baseline.server.gc.pauseMs, 1),
        notes: `main-thread garbage-collection pauses over the ${DURATION_MS / 1000} s measured load: ${gcNote(server)} (baseline: ${gcNote(baseline.server)})`,
      },
      { name: 'triage.ack_latency_max_ms', value: round(latencies[latencies.length - 1] ?? Number.NaN), unit: 'ms' },
      {
        name: 'triage.warmup_ack_latency_p99_ms',
        value: round(percentile(warmupLatencies, 99)),
        unit: 'ms',
        notes: `the ${warmupLatencies.length} actions of the first ${WARMUP_MS / 1000} s (not in the figures above; counted in lost/duplicated): p50 ${round(percentile(warmupLatencies, 50))} ms, max ${round(warmupLatencies[warmupLatencies.length - 1] ?? Number.NaN)} ms`,
      },
      judged({ name: 'triage.throughput', value: Math.round(report.latenciesMs.length / (report.elapsedMs / 1000)), unit: 'actions/s', target: TARGET_ACTIONS_PER_SECOND * 0.95, notes: `offered ${ACTIONS_PER_SECOND}/s` }, true),
      judged({ name: 'triage.lost_actions', value: lost, unit: 'actions', target: 0 }, false),
      judged({ name: 'triage.unacknowledged_actions', value: unacked, unit: 'actions', target: 0, notes: 'no ack within 20 s after the load ended' }, false),
      judged({ name: 'triage.duplicated_actions', value: duplicated, unit: 'actions', target: 0 }, false),
      judged({ name: 'triage.refused_actions', value: errors, unit: 'actions', target: 0 }, false),
      // Every applied action goes to the ten sockets of its team's room (the sender's included).
      judged({ name: 'triage.teammate_receipts_missing', value: report.appliedIds.length * PER_TEAM - report.broadcastsReceived, unit: 'receipts', target: 0 }, false),
    ];
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
