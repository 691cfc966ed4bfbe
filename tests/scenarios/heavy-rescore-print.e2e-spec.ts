import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ScoreHistory } from '../../src/contracts/scoring.schema';
import { HeavyJobsService } from '../../src/heavy-jobs/heavy-jobs.service';
import { PRINT_JOB, PRINTS_IN_FLIGHT } from '../../src/results/report-jobs';
import { ScenarioCatalogueService } from '../../src/scenarios/scenario-catalogue.service';
import { RESCORE_JOB } from '../../src/scoring/rescore-jobs';
import { api, login, userIds } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { p99, watchHealth } from '../support/watch-health';
import { sql } from '../support/test-database';

type ErrorBody = { error: { code: string } };

const minimalYaml = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');
const hasChromium = existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium');

/** A finished exercise of the minimal scenario with two teams, and a corrected version (1.0.1) to re-score it against. */
async function finishedExercise(t: TestApp, instructor: string, admin: string): Promise<{ exerciseId: string; correctedVersionId: string }> {
  const v1 = await api<{ versionId: string }>(t.baseUrl, instructor, 'POST', '/scenarios', { source: minimalYaml });
  expect(v1.status).toBe(201);
  return exerciseOf(t, instructor, admin, v1.body.versionId, async () => {
  const v2 = await api<{ versionId: string }>(t.baseUrl, instructor, 'PUT', '/scenarios/fixture-minimal', { source: minimalYaml.replace('version: 1.0.0', 'version: 1.0.1') });
  expect(v2.status).toBe(200);
    return v2.body.versionId;
  });
}

/** A finished exercise of a stored version; `corrected` stores the version to re-score it against. */
async function exerciseOf(
  t: TestApp,
  instructor: string,
  admin: string,
  versionId: string,
  corrected: () => Promise<string>,
): Promise<{ exerciseId: string; correctedVersionId: string }> {
  const correctedVersionId = await corrected();
  const ids = await userIds(t.baseUrl, admin);
  const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
    scenarioVersionId: versionId,
    teams: [
      { name: 'Đội Xanh', memberIds: [ids.trainee1] },
      { name: 'Đội Đỏ', memberIds: [ids.trainee3] },
    ],
    speed: 1,
    seed: 3,
  });
  expect(created.status).toBe(201);
  const exerciseId = created.body.id;
  expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/start`)).status).toBe(200);
  expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/finish`)).status).toBe(200);
  // The finish-time scores may still be being stored: a re-scoring waits for them, and so do the results a print reads.
  return { exerciseId, correctedVersionId };
}

/** Holds one of `userId`'s slots of a heavy-job kind until released, as a request in flight would. */
function holdSlot(heavyJobs: HeavyJobsService, userId: string, kind: typeof RESCORE_JOB): { release(): Promise<void> } {
  let release!: () => void;
  const held = heavyJobs.withinLimits(userId, kind, () => new Promise<void>((resolve) => (release = resolve)));
  return {
    async release() {
      release();
      await held;
    },
  };
}

describe('re-scoring and printing run within the heavy-job limits', () => {
  let t: TestApp;
  let instructor: string;
  let admin: string;
  let instructorId: string;
  let exerciseId: string;
  let correctedVersionId: string;
  let heavyJobs: HeavyJobsService;

  beforeAll(async () => {
    t = await startTestApp({ HEAVY_JOB_WORKERS: '1' });
    instructor = await login(t.baseUrl, 'instructor');
    admin = await login(t.baseUrl, 'admin');
    instructorId = (await userIds(t.baseUrl, admin)).instructor!;
    ({ exerciseId, correctedVersionId } = await finishedExercise(t, instructor, admin));
    heavyJobs = t.app.get(HeavyJobsService);
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('re-scores in a heavy-job worker, one re-scoring at a time per user (RATE_LIMITED), while /api/health answers', async () => {
    const rescore = () => api<ScoreHistory & ErrorBody>(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/rescore`, { scenarioVersionId: correctedVersionId, reason: 'Sửa đáp án' });
    // A re-scoring of this user in flight: the next is refused, with Retry-After.
    const slot = holdSlot(heavyJobs, instructorId, RESCORE_JOB);
    const refused = await fetch(`${t.baseUrl}/api/exercises/${exerciseId}/rescore`, {
      method: 'POST',
      headers: { authorization: `Bearer ${instructor}`, 'content-type': 'application/json' },
      body: JSON.stringify({ scenarioVersionId: correctedVersionId, reason: 'Sửa đáp án' }),
    });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another user is not held up by it.
    const other = await api<ScoreHistory>(t.baseUrl, admin, 'POST', `/exercises/${exerciseId}/rescore`, { scenarioVersionId: correctedVersionId, reason: 'Quản trị chấm lại' });
    expect(other.status).toBe(200);
    await slot.release();

    const runJob = jest.spyOn(heavyJobs, 'runJob');
    const health = watchHealth(t.baseUrl);
    const rescored = await rescore();
    const latencies = await health.stop();
    expect(rescored.status).toBe(200);
    expect(rescored.body.versions.at(-1)).toMatchObject({ current: true, scenarioVersionId: correctedVersionId, reason: 'Sửa đáp án' });
    // The scoring ran as a heavy job (time and memory limits), not in the server thread.
    expect(runJob).toHaveBeenCalledWith(instructorId, RESCORE_JOB, expect.objectContaining({ exerciseId }));
    runJob.mockRestore();
    expect(latencies.length).toBeGreaterThan(0);
    expect(p99(latencies)).toBeLessThan(1000);
    expect(heavyJobs.inFlightOf(instructorId, 'rescore')).toBe(0);
  }, 60_000);

  it('prints one report at a time per user and a few for everyone (RATE_LIMITED)', async () => {
    const print = (token: string) => fetch(`${t.baseUrl}/api/results/exercises/${exerciseId}/report.pdf?lang=vi`, { headers: { authorization: `Bearer ${token}` } });
    const own = holdSlot(heavyJobs, instructorId, PRINT_JOB);
    const refused = await print(instructor);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');
    await own.release();

    // Everyone's prints in flight: another user's is refused too.
    const others = Array.from({ length: PRINTS_IN_FLIGHT }, (_, i) => holdSlot(heavyJobs, `someone-${i}`, PRINT_JOB));
    const full = await print(admin);
    expect(full.status).toBe(429);
    expect(((await full.json()) as ErrorBody).error.code).toBe('RATE_LIMITED');
    for (const slot of others) await slot.release();
  });

  (hasChromium ? it : it.skip)('prints a PDF in a heavy job while /api/health answers', async () => {
    const print = () => fetch(`${t.baseUrl}/api/results/exercises/${exerciseId}/report.pdf?lang=vi`, { headers: { authorization: `Bearer ${instructor}` } });
    // The first print loads the browser driver (a production server loads it before it listens).
    expect((await print()).status).toBe(200);
    const idle = watchHealth(t.baseUrl);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const idleP99 = p99(await idle.stop());
    const runJob = jest.spyOn(heavyJobs, 'runJob');
    const health = watchHealth(t.baseUrl);
    const printed = await print();
    const latencies = await health.stop();
    expect(printed.status).toBe(200);
    expect(printed.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await printed.arrayBuffer()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(runJob).toHaveBeenCalledWith(instructorId, PRINT_JOB, expect.objectContaining({ report: 'exercise' }), expect.any(AbortSignal));
    runJob.mockRestore();
    console.log(`health while printing: ${latencies.length} polls, p99 ${p99(latencies).toFixed(1)} ms (idle p99 ${idleP99.toFixed(1)} ms)`);
    // Not a speed figure: the print must not hold the event loop (held, health waits for the whole print).
    expect(p99(latencies)).toBeLessThan(1000);
    expect(heavyJobs.inFlightOf(instructorId, 'print')).toBe(0);
  }, 90_000);
});

describe('print time limit', () => {
  (hasChromium ? it : it.skip)('stops a print past HEAVY_JOB_TIMEOUT_MS with JOB_TIMEOUT, and frees the slot', async () => {
    // 300 ms: less than starting Chromium alone takes, so the print cannot finish in time.
    const t = await startTestApp({ HEAVY_JOB_TIMEOUT_MS: '300', HEAVY_JOB_WORKERS: '1' });
    try {
      const instructor = await login(t.baseUrl, 'instructor');
      const admin = await login(t.baseUrl, 'admin');
      const instructorId = (await userIds(t.baseUrl, admin)).instructor!;
      // Stored by the server itself: under a 300 ms limit, even a small file's check in a fresh worker may not finish on a busy machine.
      const [{ org_id: orgId }] = (await sql(t.app.get(DataSource), "SELECT org_id FROM users WHERE username = 'instructor'")) as Array<{ org_id: string }>;
      const { summary } = await t.app.get(ScenarioCatalogueService).save(minimalYaml, { owner: orgId!, mode: 'create', userId: null });
      const { exerciseId } = await exerciseOf(t, instructor, admin, summary.versionId, () => Promise.resolve(summary.versionId));
      const stopped = await api<ErrorBody>(t.baseUrl, instructor, 'GET', `/results/exercises/${exerciseId}/report.pdf?lang=en`);
      expect(stopped.status).toBe(422);
      expect(stopped.body.error.code).toBe('JOB_TIMEOUT');
      expect(t.app.get(HeavyJobsService).inFlightOf(instructorId, 'print')).toBe(0);
    } finally {
      await t.close();
    }
  }, 90_000);
});
