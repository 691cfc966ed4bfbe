import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { call, expectOk, login, uploadSource } from './support/api.js';
import type { BenchResult } from './support/bench-result.js';
import { Child } from './support/child.js';
import type { HealthWatchIn, HealthWatchOut } from './support/health-watch-child.js';
import { generateScenario } from './support/generated-scenario.js';
import { ROOT, startServer } from './support/server.js';
import { machineNote, round, sleep, summarize } from './support/stats.js';

const WARMUP = 5;
const RUNS = 21;
/** Bytes of JSON per generated alert (measured on the generator's output). */
const BYTES_PER_ALERT = 620;

async function validate(baseUrl: string, token: string, source: string, query = ''): Promise<{ valid: boolean; ms: number; timeline: boolean }> {
  const started = performance.now();
  const body = await expectOk(call<{ valid: boolean; timeline?: unknown }>(baseUrl, token, 'POST', `/scenarios/validate${query}`, { source }), 'validate');
  return { valid: body.valid, ms: performance.now() - started, timeline: body.timeline !== undefined };
}

const isStarted = (m: HealthWatchOut): m is Extract<HealthWatchOut, { type: 'started' }> => m.type === 'started';
const isStopped = (m: HealthWatchOut): m is Extract<HealthWatchOut, { type: 'stopped' }> => m.type === 'stopped';

/** Health polling in its own process, so this process's own work on the 10 MB bodies never delays a poll. */
async function watchApart(
  watcher: Child<HealthWatchIn, HealthWatchOut>,
  baseUrl: string,
): Promise<{ stop(): Promise<{ latencies: number[]; errors: number }> }> {
  await watcher.ask({ type: 'start', baseUrl, everyMs: 20 }, isStarted);
  return { stop: async () => watcher.ask({ type: 'stop' }, isStopped) };
}

/**
 * Scenario work over REST. The flagship's validation (`POST /api/scenarios/validate`, warm: after a
 * few runs; the median), and a 10 MB scenario validated and simulated while /api/health is polled
 * every 20 ms: heavy jobs run in worker threads and must not stall the server.
 */
export async function benchScenario(): Promise<BenchResult[]> {
  const server = await startServer({ env: { SCENARIO_MAX_BYTES: String(16 * 1024 * 1024), BODY_LIMIT_BYTES: String(24 * 1024 * 1024) } });
  const watcher = new Child<HealthWatchIn, HealthWatchOut>(join(ROOT, 'bench', 'support', 'health-watch-child.ts'));
  try {
    const { baseUrl } = server;
    const instructor = await login(baseUrl, 'instructor');
    const admin = await login(baseUrl, 'admin');
    const flagship = readFileSync(join(ROOT, 'scenarios', 'portal-defacement.yaml'), 'utf8');
    const timings: number[] = [];
    for (let run = 0; run < WARMUP + RUNS; run++) {
      const result = await validate(baseUrl, instructor, flagship);
      if (!result.valid) throw new Error('the flagship scenario is invalid');
      if (run >= WARMUP) timings.push(result.ms);
    }
    const flagshipMs = summarize(timings);
    // The console editor's check as the author types: the same validation with the timeline projected too.
    const editorTimings: number[] = [];
    for (let run = 0; run < WARMUP + RUNS; run++) {
      const result = await validate(baseUrl, instructor, flagship, '?timeline=true');
      if (!result.valid || !result.timeline) throw new Error('the flagship scenario has no timeline');
      if (run >= WARMUP) editorTimings.push(result.ms);
    }
    const editorMs = summarize(editorTimings);

    const minimal = readFileSync(join(ROOT, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');
    const large = JSON.stringify({ ...generateScenario(minimal, Math.round(10_000_000 / BYTES_PER_ALERT)), id: 'bench-large' });
    const upload = await uploadSource(baseUrl, instructor, large);

    const idle = await watchApart(watcher, baseUrl);
    await sleep(3000);
    const idleHealth = summarize((await idle.stop()).latencies);
    const health = await watchApart(watcher, baseUrl);
    const started = performance.now();
    const [simulated, checked] = await Promise.all([
      (async () => {
        await expectOk(
          call(baseUrl, instructor, 'POST', `/scenarios/${upload.scenarioId}/versions/${upload.versionId}/simulate`, { solver: 'idle', seed: 1 }),
          'simulate',
        );
        return performance.now() - started;
      })(),
      validate(baseUrl, admin, large),
    ]);
    const watched = await health.stop();
    const during = summarize(watched.latencies);
    if (!checked.valid) throw new Error('the generated scenario is invalid');
    const note = machineNote();
    return [
      {
        name: 'scenario.flagship_validate_ms',
        value: round(flagshipMs.p50, 1),
        unit: 'ms',
        target: 150,
        ok: flagshipMs.p50 <= 150,
        notes: `POST /api/scenarios/validate of portal-defacement.yaml (${Math.round(flagship.length / 1024)} KB YAML), request → answer, median of ${RUNS} warm runs (min ${round(Math.min(...timings), 1)}, max ${round(flagshipMs.max, 1)} ms); ${note}`,
      },
      {
        name: 'scenario.flagship_editor_check_ms',
        value: round(editorMs.p50, 1),
        unit: 'ms',
        target: 150,
        ok: editorMs.p50 <= 150,
        baseline: round(flagshipMs.p50, 1),
        ratio: round(editorMs.p50 / Math.max(0.01, flagshipMs.p50)),
        notes: `POST /api/scenarios/validate?timeline=true of portal-defacement.yaml, as the console editor checks it while the author types: request → answer with the timeline, median of ${RUNS} warm runs (min ${round(Math.min(...editorTimings), 1)}, max ${round(editorMs.max, 1)} ms); baseline = the plain validation above; ${note}`,
      },
      {
        name: 'scenario.health_p99_ms_during_heavy',
        value: round(during.p99),
        unit: 'ms',
        target: 50,
        ok: during.p99 <= 50,
        baseline: round(idleHealth.p99),
        ratio: round(during.p99 / Math.max(0.01, idleHealth.p99)),
        notes: `GET /api/health every 20 ms while a ${round(large.length / 1e6, 1)} MB scenario (${upload.eventCount} alerts) is simulated (idle solver, ${Math.round(simulated)} ms) and validated by another user (${Math.round(checked.ms)} ms) at once: p50 ${round(during.p50)} ms, max ${round(during.max)} ms over ${during.n} polls (${watched.errors} failed); baseline = the same polling for 3 s before, idle`,
      },
    ];
  } finally {
    await watcher.stop();
    await server.dispose();
  }
}
