import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateScenario } from '../../bench/support/generated-scenario';
import { HeavyJobsService } from '../../src/heavy-jobs/heavy-jobs.service';
import { api, login, userIds, type ApiResponse } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { onPostgres } from '../support/test-database';
import { p99, watchHealth } from '../support/watch-health';

type ErrorBody = { error: { code: string } };

const minimalYaml = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');

/** The generated bench scenario as JSON text of about `megabytes` MB (~620 bytes an alert). */
function generatedJson(megabytes: number, id: string): string {
  return JSON.stringify({ ...generateScenario(minimalYaml, Math.round((megabytes * 1_000_000) / 620)), id });
}

/** The generated scenario with every alert's severity wrong: thousands of problems, seconds of checking. */
function invalidJson(megabytes: number): string {
  const scenario = generateScenario(minimalYaml, Math.round((megabytes * 1_000_000) / 620)) as unknown as { timeline: Array<Record<string, unknown>> };
  for (const event of scenario.timeline) event.severity = 'severe';
  return JSON.stringify(scenario);
}

describe('heavy requests run off the event loop', () => {
  let t: TestApp;
  let instructor: string;
  let admin: string;

  beforeAll(async () => {
    t = await startTestApp({ SCENARIO_MAX_BYTES: String(16 * 1024 * 1024), BODY_LIMIT_BYTES: String(24 * 1024 * 1024), HEAVY_JOB_WORKERS: '1' });
    instructor = await login(t.baseUrl, 'instructor');
    admin = await login(t.baseUrl, 'admin');
  });
  afterAll(async () => {
    await t.close();
  });

  it('keeps /api/health answering while a 10 MB scenario is simulated and a 4 MB invalid file is checked; one simulation and two checks per user', async () => {
    const large = generatedJson(10, 'large-generated');
    expect(large.length).toBeGreaterThan(9_500_000);
    const invalid = invalidJson(4);
    expect(invalid.length).toBeGreaterThan(3_800_000);
    const upload = await api<{ versionId: string; eventCount: number }>(t.baseUrl, instructor, 'POST', '/scenarios', { source: large });
    expect(upload.status).toBe(201);
    const simulatePath = `/scenarios/large-generated/versions/${upload.body.versionId}/simulate`;
    const small = await api<{ versionId: string }>(t.baseUrl, instructor, 'POST', '/scenarios', { source: minimalYaml });
    expect(small.status).toBe(201);

    const heavyJobs = t.app.get(HeavyJobsService);
    const instructorId = (await userIds(t.baseUrl, admin)).instructor!;
    const inFlight = async (expected: { simulate: number; parse: number }) =>
      expectEventually(() => expect({ simulate: heavyJobs.inFlightOf(instructorId, 'simulate'), parse: heavyJobs.inFlightOf(instructorId, 'parse') }).toEqual(expected), 10_000);

    // The machine's own jitter (other processes on the same cores), measured with nothing heavy running.
    const idle = watchHealth(t.baseUrl);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const idleP99 = p99(await idle.stop());

    const health = watchHealth(t.baseUrl);
    const simulation = api<{ alertsDelivered: number }>(t.baseUrl, instructor, 'POST', simulatePath, { solver: 'idle', seed: 1 });
    await inFlight({ simulate: 1, parse: 0 });
    // Sent as the raw text: the test's client shares the event loop it measures, and would spend it encoding a JSON body.
    const check = fetch(`${t.baseUrl}/api/scenarios/validate`, { method: 'POST', headers: { authorization: `Bearer ${instructor}`, 'content-type': 'text/yaml' }, body: invalid }).then(async (r) => ({ status: r.status, body: (await r.json()) as { valid: boolean; problems: unknown[] } }));
    await inFlight({ simulate: 1, parse: 1 });
    // The worker is busy: a second check of the same user waits for it, a third is refused.
    const second = api<{ valid: boolean }>(t.baseUrl, instructor, 'POST', '/scenarios/validate', { source: minimalYaml });
    await inFlight({ simulate: 1, parse: 2 });
    const third = await fetch(`${t.baseUrl}/api/scenarios/validate`, { method: 'POST', headers: { authorization: `Bearer ${instructor}`, 'content-type': 'application/json' }, body: JSON.stringify({ source: minimalYaml }) });
    expect(third.status).toBe(429);
    expect(((await third.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    const secondSimulation = await api<ErrorBody>(t.baseUrl, instructor, 'POST', simulatePath, { solver: 'idle' });
    expect(secondSimulation.status).toBe(429);
    expect(secondSimulation.body.error.code).toBe('RATE_LIMITED');
    // Another user's simulation is not refused: it waits for a free worker.
    const other = api<{ score: number }>(t.baseUrl, admin, 'POST', `/scenarios/fixture-minimal/versions/${small.body.versionId}/simulate`, { solver: 'idle' });

    const results: Array<ApiResponse<unknown>> = await Promise.all([simulation, check, second, other]);
    const latencies = await health.stop();
    const [simulated, checked, secondChecked, otherSimulated] = results as [ApiResponse<{ alertsDelivered: number }>, ApiResponse<{ valid: boolean; problems: unknown[] }>, ApiResponse<{ valid: boolean }>, ApiResponse<{ score: number }>];
    expect(simulated.status).toBe(200);
    expect(simulated.body.alertsDelivered).toBeGreaterThanOrEqual(upload.body.eventCount);
    expect(checked.status).toBe(200);
    expect(checked.body.valid).toBe(false);
    expect(checked.body.problems.length).toBeGreaterThan(0);
    expect(secondChecked.body.valid).toBe(true);
    expect(otherSimulated.status).toBe(200);
    console.log(`health during heavy requests: ${latencies.length} polls, p99 ${p99(latencies).toFixed(1)} ms, max ${Math.max(...latencies).toFixed(1)} ms (idle p99 ${idleP99.toFixed(1)} ms)`);
    // Enough polls to see the loop during the jobs (a second of them); the jobs now end sooner than
    // two seconds on a free machine, so more would measure the machine's speed.
    expect(latencies.length).toBeGreaterThanOrEqual(50);
    // Not a speed figure (the bench measures that): the job must not hold the event loop. Held, the
    // loop answered in seconds (p99 8.2 s for this run before the jobs moved to workers); free, it
    // answers in tens of ms, and up to a few hundred while CI runs a browser suite on the same two cores.
    expect(p99(latencies)).toBeLessThan(1000);
    // Once they are done, the same user may start another.
    expect((await api(t.baseUrl, instructor, 'POST', '/scenarios/validate', { source: minimalYaml })).status).toBe(200);
  }, 180_000);
});

// The limits stop a worker thread whatever the database: checked once, on the embedded file (not
// registered on PostgreSQL rather than skipped there).
if (!onPostgres) describe('heavy-job limits', () => {
  it('stops a job past HEAVY_JOB_TIMEOUT_MS with JOB_TIMEOUT, replaces its worker, and the next job runs', async () => {
    const t = await startTestApp({ HEAVY_JOB_TIMEOUT_MS: '1000', HEAVY_JOB_WORKERS: '1' });
    try {
      const instructor = await login(t.baseUrl, 'instructor');
      const started = Date.now();
      const stopped = await api<ErrorBody>(t.baseUrl, instructor, 'POST', '/scenarios/validate', { source: invalidJson(4) });
      expect(stopped.status).toBe(422);
      expect(stopped.body.error.code).toBe('JOB_TIMEOUT');
      expect(Date.now() - started).toBeLessThan(8000);
      const next = await api<{ valid: boolean }>(t.baseUrl, instructor, 'POST', '/scenarios/validate', { source: minimalYaml });
      expect(next.status).toBe(200);
      expect(next.body.valid).toBe(true);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('stops a job past HEAVY_JOB_MEMORY_MB with SCENARIO_TOO_COMPLEX, replaces its worker, and the next job runs', async () => {
    const t = await startTestApp({ HEAVY_JOB_MEMORY_MB: '40', SCENARIO_MAX_BYTES: String(16 * 1024 * 1024), BODY_LIMIT_BYTES: String(24 * 1024 * 1024), HEAVY_JOB_WORKERS: '1' });
    try {
      const instructor = await login(t.baseUrl, 'instructor');
      const stopped = await api<ErrorBody>(t.baseUrl, instructor, 'POST', '/scenarios/validate', { source: generatedJson(10, 'too-big-for-the-limit') });
      expect(stopped.status).toBe(422);
      expect(stopped.body.error.code).toBe('SCENARIO_TOO_COMPLEX');
      const next = await api<{ valid: boolean }>(t.baseUrl, instructor, 'POST', '/scenarios/validate', { source: minimalYaml });
      expect(next.status).toBe(200);
      expect(next.body.valid).toBe(true);
    } finally {
      await t.close();
    }
  }, 120_000);
});
