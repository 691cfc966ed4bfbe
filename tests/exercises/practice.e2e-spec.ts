import type { ClockStateDto, ExerciseDto } from '../../src/contracts/exercise.schema';
import type { PracticeCatalogue, PracticeHints, PracticeHintTaken, PracticeOpening } from '../../src/contracts/practice.schema';
import type { ExerciseList } from '../../src/contracts/results.schema';
import { PracticeService } from '../../src/exercises/practice.service';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { createSecondOrganisation, SECOND_ORG_PASSWORD, SECOND_ORG_TRAINEE } from '../scenarios/second-organisation';

type ErrorBody = { error: { code: string } };
const MINUTE = 60_000;

/** Self-paced practice: openings per organisation, solo runs, owner clock control, practice hints, results kept apart, idle timeout. */
describe('self-paced practice', () => {
  let t: TestApp;
  let admin: string;
  let instructor: string;
  let reviewer: string;
  let trainee1: string;
  let trainee2: string;
  let foreignTrainee: string;
  let ids: Record<string, string>;
  let versionId: string;
  let run: ExerciseDto;

  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true' });
    admin = await login(t.baseUrl, 'admin');
    instructor = await login(t.baseUrl, 'instructor');
    reviewer = await login(t.baseUrl, 'reviewer');
    trainee1 = await login(t.baseUrl, 'trainee1');
    trainee2 = await login(t.baseUrl, 'trainee2');
    await createSecondOrganisation(t.baseUrl, admin);
    foreignTrainee = await login(t.baseUrl, SECOND_ORG_TRAINEE, SECOND_ORG_PASSWORD);
    ids = await userIds(t.baseUrl, admin);
    const list = await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios');
    versionId = list.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId;
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  it('offers nothing until an instructor opens a version for the organisation; opening is audited and staff-only', async () => {
    expect((await api<PracticeCatalogue>(t.baseUrl, trainee1, 'GET', '/practice')).body.scenarios).toEqual([]);
    const early = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', '/practice/runs', { scenarioVersionId: versionId });
    expect([early.status, early.body.error.code]).toEqual([404, 'PRACTICE_NOT_OPEN']);
    const byTrainee = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', '/practice/openings', { scenarioVersionId: versionId });
    expect([byTrainee.status, byTrainee.body.error.code]).toEqual([403, 'FORBIDDEN']);

    const opened = await api<PracticeOpening[]>(t.baseUrl, instructor, 'POST', '/practice/openings', { scenarioVersionId: versionId });
    expect(opened.status).toBe(200);
    expect(opened.body.map((o) => [o.scenarioId, o.scenarioVersionId])).toEqual([['portal-defacement', versionId]]);
    const audit = await api<{ items: Array<{ action: string; targetId: string | null }> }>(t.baseUrl, instructor, 'GET', '/audit?action=practice.open');
    expect(audit.body.items.map((i) => i.targetId)).toEqual([versionId]);

    const catalogue = await api<PracticeCatalogue>(t.baseUrl, trainee1, 'GET', '/practice');
    expect(catalogue.body.scenarios.map((s) => [s.scenarioId, s.hasPracticeHints])).toEqual([['portal-defacement', true]]);
    expect(catalogue.body.activeExerciseId).toBeNull();
    expect(catalogue.body.idleTimeoutMinutes).toBe(30);
  });

  it("practice is only for scenarios opened to the trainee's own organisation", async () => {
    expect((await api<PracticeCatalogue>(t.baseUrl, foreignTrainee, 'GET', '/practice')).body.scenarios).toEqual([]);
    const refused = await api<ErrorBody>(t.baseUrl, foreignTrainee, 'POST', '/practice/runs', { scenarioVersionId: versionId });
    expect([refused.status, refused.body.error.code]).toEqual([404, 'PRACTICE_NOT_OPEN']);
  });

  it('starts a solo run through the normal exercise path, running at once; one open run per trainee', async () => {
    const started = await api<ExerciseDto>(t.baseUrl, trainee1, 'POST', '/practice/runs', { scenarioVersionId: versionId, speed: 20 });
    expect(started.status).toBe(201);
    run = started.body;
    expect(run.kind).toBe('practice');
    expect(run.practiceOwner).toBe(true);
    expect(run.clock.status).toBe('running');
    expect(run.clock.speed).toBe(20);
    expect(run.teams).toHaveLength(1);
    expect(run.teams[0]!.members.map((m) => m.id)).toEqual([ids.trainee1]);
    expect(run.myTeamId).toBe(run.teams[0]!.id);
    expect(run.seed).toBeUndefined();

    const second = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', '/practice/runs', { scenarioVersionId: versionId });
    expect([second.status, second.body.error.code]).toEqual([409, 'PRACTICE_ALREADY_RUNNING']);
    expect((await api<PracticeCatalogue>(t.baseUrl, trainee1, 'GET', '/practice')).body.activeExerciseId).toBe(run.id);
    // The instructors of the organisation see it, marked as practice.
    const listed = await api<ExerciseDto[]>(t.baseUrl, instructor, 'GET', '/exercises');
    expect(listed.body.find((e) => e.id === run.id)?.kind).toBe('practice');
  });

  it('lets the owner pause, resume, change the speed and seek forward; never inject or abort', async () => {
    const paused = await api<ClockStateDto>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/pause`);
    expect([paused.status, paused.body.status]).toEqual([200, 'paused']);
    const speed = await api<ClockStateDto>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/speed`, { speed: 5 });
    expect([speed.status, speed.body.speed]).toEqual([200, 5]);
    const resumed = await api<ClockStateDto>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/resume`);
    expect([resumed.status, resumed.body.status]).toEqual([200, 'running']);
    const seek = await api<ClockStateDto>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/seek`, { virtualMs: 20 * MINUTE });
    expect(seek.status).toBe(200);
    expect(seek.body.virtualMs).toBeGreaterThanOrEqual(20 * MINUTE);

    const inject = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/injects`, { injectId: 'x' });
    expect([inject.status, inject.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const abort = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/abort`);
    expect([abort.status, abort.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const overtime = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/overtime`, { allowOvertime: true });
    expect([overtime.status, overtime.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('another trainee cannot see, control, act in or take hints in my run', async () => {
    const ref = await alertRefsOf(t, run.id);
    for (const [method, path, body] of [
      ['GET', `/exercises/${run.id}`, undefined],
      ['POST', `/exercises/${run.id}/pause`, undefined],
      ['POST', `/exercises/${run.id}/seek`, { virtualMs: 60 * MINUTE }],
      ['POST', `/exercises/${run.id}/finish`, undefined],
      ['GET', `/exercises/${run.id}/practice-hints`, undefined],
      ['POST', `/exercises/${run.id}/practice-hints`, { alertId: ref('ex-waf-upload-phtml') }],
    ] as const) {
      for (const token of [trainee2, foreignTrainee]) {
        const response = await api<ErrorBody>(t.baseUrl, token, method, path, body);
        expect([method, path, response.status, response.body.error.code]).toEqual([method, path, 404, 'EXERCISE_NOT_FOUND']);
      }
    }
    const clock = await api<ExerciseDto>(t.baseUrl, trainee1, 'GET', `/exercises/${run.id}`);
    expect(clock.body.clock.status).toBe('running');
  });

  it("gives practice hints on request for delivered alerts (the alert's, then its stage's), recorded for the debrief", async () => {
    const ref = await alertRefsOf(t, run.id);
    await expectEventually(async () => {
      const events = await api<{ events: Array<{ eventId: string }> }>(t.baseUrl, trainee1, 'GET', `/exercises/${run.id}/events`);
      expect(events.body.events.map((e) => e.eventId)).toEqual(expect.arrayContaining([ref('ex-waf-upload-phtml'), ref('ws-fim-new-phtml')]));
    }, 20_000);

    const first = await api<PracticeHintTaken>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/practice-hints`, { alertId: ref('ex-waf-upload-phtml') });
    expect(first.status).toBe(201);
    expect(first.body.text.vi).toContain('DetectionOnly');
    expect(first.body.alertId).toBe(ref('ex-waf-upload-phtml'));
    expect(first.body.phaseName).toBeNull();
    expect(JSON.stringify(first.body)).not.toContain('coach-upload');
    const none = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/practice-hints`, { alertId: ref('ex-waf-upload-phtml') });
    expect([none.status, none.body.error.code]).toEqual([404, 'NO_HINT']);

    const stage = await api<PracticeHintTaken>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/practice-hints`, { alertId: ref('ws-fim-new-phtml') });
    expect(stage.status).toBe(201);
    expect(stage.body.phaseName?.vi).toBeTruthy();
    expect(stage.body.text.en).toContain('web shell');

    const later = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/practice-hints`, { alertId: ref('cr-edr-pwnkit') });
    expect([later.status, later.body.error.code]).toEqual([404, 'ALERT_NOT_DELIVERED']);

    const taken = await api<PracticeHints>(t.baseUrl, trainee1, 'GET', `/exercises/${run.id}/practice-hints`);
    expect(taken.body.hints.map((h) => h.alertId)).toEqual([ref('ex-waf-upload-phtml'), ref('ws-fim-new-phtml')]);
    const staff = await api<PracticeHints>(t.baseUrl, instructor, 'GET', `/exercises/${run.id}/practice-hints?teamId=${run.teams[0]!.id}`);
    expect(staff.body.hints).toHaveLength(2);
  });

  it("a trainee cannot move a graded drill's clock, and a graded drill has no practice hints", async () => {
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] }],
      speed: 50,
    });
    expect(created.status).toBe(201);
    const drill = created.body;
    expect(drill.kind).toBe('graded');
    expect(drill.practiceOwner).toBe(false);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${drill.id}/start`)).status).toBe(200);
    for (const [op, body] of [
      ['pause', undefined],
      ['resume', undefined],
      ['speed', { speed: 100 }],
      ['seek', { virtualMs: 60 * MINUTE }],
      ['finish', undefined],
      ['start', undefined],
    ] as const) {
      const refused = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', `/exercises/${drill.id}/${op}`, body);
      expect([op, refused.status, refused.body.error.code]).toEqual([op, 403, 'FORBIDDEN']);
    }
    const after = await api<ExerciseDto>(t.baseUrl, trainee1, 'GET', `/exercises/${drill.id}`);
    expect([after.body.clock.status, after.body.clock.speed]).toEqual(['running', 50]);

    const ref = await alertRefsOf(t, drill.id);
    await expectEventually(async () => {
      const events = await api<{ events: Array<{ eventId: string }> }>(t.baseUrl, trainee1, 'GET', `/exercises/${drill.id}/events`);
      expect(events.body.events.map((e) => e.eventId)).toContain(ref('ex-waf-upload-phtml'));
    }, 30_000);
    const hint = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', `/exercises/${drill.id}/practice-hints`, { alertId: ref('ex-waf-upload-phtml') });
    expect([hint.status, hint.body.error.code]).toEqual([403, 'PRACTICE_ONLY']);
    expect((await api<ErrorBody>(t.baseUrl, trainee1, 'GET', `/exercises/${drill.id}/practice-hints`)).body.error.code).toBe('PRACTICE_ONLY');
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${drill.id}/finish`)).status).toBe(200);
  }, 60_000);

  it('ends with the same debrief, and the results keep practice apart from graded drills', async () => {
    const finished = await api<ClockStateDto>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/finish`);
    expect([finished.status, finished.body.status]).toEqual([200, 'finished']);
    const teamId = run.teams[0]!.id;
    await expectEventually(async () => {
      const review = await api<{ teamId?: string }>(t.baseUrl, trainee1, 'GET', `/exercises/${run.id}/teams/${teamId}/review`);
      expect(review.status).toBe(200);
    }, 20_000);
    const late = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', `/exercises/${run.id}/practice-hints`, { alertId: 'AL-000000000000' });
    expect(late.body.error.code).toBe('EXERCISE_FINISHED');

    const list = await api<ExerciseList>(t.baseUrl, reviewer, 'GET', '/results/exercises');
    expect(list.body.practice.map((e) => [e.id, e.kind])).toEqual([[run.id, 'practice']]);
    expect(list.body.exercises.every((e) => e.kind === 'graded')).toBe(true);
    expect(list.body.exercises.some((e) => e.id === run.id)).toBe(false);
    const trends = await api<{ units: Array<{ points: Array<{ exerciseId: string }> }> }>(t.baseUrl, reviewer, 'GET', '/results/trends');
    expect(trends.body.units.flatMap((u) => u.points.map((p) => p.exerciseId))).not.toContain(run.id);

    const csv = await fetch(`${t.baseUrl}/api/results/export.csv`, { headers: { authorization: `Bearer ${reviewer}` } });
    const lines = (await csv.text()).split('\r\n').filter((l) => l.includes(run.id));
    expect(lines.length).toBe(1);
    expect(lines[0]!.endsWith('luyện tập')).toBe(true);

    // The run is over: a new one may start.
    expect((await api<PracticeCatalogue>(t.baseUrl, trainee1, 'GET', '/practice')).body.activeExerciseId).toBeNull();
  }, 60_000);

  it('finishes a run left idle past the timeout (its debrief stays), and leaves an active one alone', async () => {
    const started = await api<ExerciseDto>(t.baseUrl, trainee1, 'POST', '/practice/runs', { scenarioVersionId: versionId, speed: 1 });
    expect(started.status).toBe(201);
    const practice = t.app.get(PracticeService);
    expect(await practice.sweepIdle(Date.now())).toEqual([]);
    expect(await practice.sweepIdle(Date.now() + 31 * MINUTE)).toEqual([started.body.id]);
    const after = await api<ExerciseDto>(t.baseUrl, trainee1, 'GET', `/exercises/${started.body.id}`);
    expect([after.body.status, after.body.clock.endReason]).toEqual(['finished', 'finished']);
  }, 60_000);

  it('closing a version (audited) removes it from the catalogue; runs cannot start from it', async () => {
    const closed = await api<PracticeOpening[]>(t.baseUrl, instructor, 'DELETE', `/practice/openings/${versionId}`);
    expect([closed.status, closed.body]).toEqual([200, []]);
    expect((await api<PracticeCatalogue>(t.baseUrl, trainee1, 'GET', '/practice')).body.scenarios).toEqual([]);
    const refused = await api<ErrorBody>(t.baseUrl, trainee1, 'POST', '/practice/runs', { scenarioVersionId: versionId });
    expect(refused.body.error.code).toBe('PRACTICE_NOT_OPEN');
    const again = await api<ErrorBody>(t.baseUrl, instructor, 'DELETE', `/practice/openings/${versionId}`);
    expect([again.status, again.body.error.code]).toEqual([404, 'PRACTICE_NOT_OPEN']);
    const audit = await api<{ items: Array<{ targetId: string | null }> }>(t.baseUrl, instructor, 'GET', '/audit?action=practice.close');
    expect(audit.body.items.map((i) => i.targetId)).toEqual([versionId]);
  });
});
