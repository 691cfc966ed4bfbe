import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { AfterActionReview, ReportGrade, ReportGrades, ScoreHistory, TeamScore } from '../../src/contracts/scoring.schema';
import { api, login, userIds } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { actOverRest } from '../triage/triage-support';

type ErrorBody = { error: { code: string; details?: Array<{ path: string }> } };

/** An instructor grades a filed report by hand: accepted or a revision requested, audited, its points a separate adjustment. */
describe('manual grading of filed reports', () => {
  let t: TestApp;
  let instructor: string;
  let reviewer: string;
  let trainee1: string;
  let trainee3: string;
  let exercise: ExerciseDto;
  let teamA: string;
  let teamB: string;
  const gradesPath = (suffix = '') => `/exercises/${exercise.id}/report-grades${suffix}`;
  const gradePath = (teamId: string, reportId: string) => `/exercises/${exercise.id}/teams/${teamId}/reports/${reportId}/grades`;

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    reviewer = await login(t.baseUrl, 'reviewer');
    trainee1 = await login(t.baseUrl, 'trainee1');
    trainee3 = await login(t.baseUrl, 'trainee3');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    const source = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'stream-test.yaml'), 'utf8').replace(
      'id: fixture-stream',
      'id: fixture-report-grades',
    );
    const uploaded = await api<{ versionId: string }>(t.baseUrl, instructor, 'POST', '/scenarios', { source });
    expect(uploaded.status).toBe(201);
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: uploaded.body.versionId,
      teams: [
        { name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] },
        { name: 'Đội Đỏ', memberIds: [ids.trainee3] },
      ],
      speed: 1,
      seed: 3,
      scoreVisibility: 'own',
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    [teamA, teamB] = exercise.teams.map((x) => x.id) as [string, string];
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    const filed = await actOverRest(t.baseUrl, trainee1, exercise.id, {
      actionId: randomUUID(),
      exerciseId: exercise.id,
      type: 'report.file',
      kind: 'initial',
      recipients: ['operator'],
      content: { whatHappened: 'Phát hiện tệp lạ trên máy chủ web', affectedSystems: [], iocs: [] },
    });
    expect(filed.data?.result).toEqual({ reportId: 'RPT-1' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('refuses trainees and reviewers (FORBIDDEN), unknown reports (REPORT_NOT_FOUND) and a revision request without a comment', async () => {
    const body = { verdict: 'accepted' };
    expect((await api<ErrorBody>(t.baseUrl, trainee1, 'POST', gradePath(teamA, 'RPT-1'), body)).body.error.code).toBe('FORBIDDEN');
    expect((await api<ErrorBody>(t.baseUrl, reviewer, 'POST', gradePath(teamA, 'RPT-1'), body)).body.error.code).toBe('FORBIDDEN');
    const unknown = await api<ErrorBody>(t.baseUrl, instructor, 'POST', gradePath(teamB, 'RPT-1'), body);
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'REPORT_NOT_FOUND']);
    const noTeam = await api<ErrorBody>(t.baseUrl, instructor, 'POST', gradePath('no-such-team', 'RPT-1'), body);
    expect(noTeam.body.error.code).toBe('VALIDATION_FAILED');
    const bare = await api<ErrorBody>(t.baseUrl, instructor, 'POST', gradePath(teamA, 'RPT-1'), { verdict: 'revision-requested', comment: ' ' });
    expect([bare.status, bare.body.error.code, bare.body.error.details?.[0]?.path]).toEqual([400, 'VALIDATION_FAILED', 'comment']);
    expect((await api<ErrorBody>(t.baseUrl, instructor, 'POST', gradePath(teamA, 'RPT-1'), { verdict: 'maybe' })).body.error.code).toBe('VALIDATION_FAILED');
  });

  it('a revision request with points, then an acceptance: each audited, the adjustments add up to the latest grade', async () => {
    const revision = await api<ReportGrade>(t.baseUrl, instructor, 'POST', gradePath(teamA, 'RPT-1'), {
      verdict: 'revision-requested',
      comment: 'Thiếu cấp độ hệ thống và dấu hiệu nhận biết (IoC).',
      points: -10,
    });
    expect(revision.status).toBe(201);
    expect(revision.body).toMatchObject({ teamId: teamA, reportId: 'RPT-1', verdict: 'revision-requested', points: -10, adjustmentId: expect.any(String) });
    const accepted = await api<ReportGrade>(t.baseUrl, instructor, 'POST', gradePath(teamA, 'RPT-1'), {
      verdict: 'accepted',
      comment: 'Đã bổ sung đủ.',
      points: 5,
    });
    expect(accepted.body).toMatchObject({ verdict: 'accepted', points: 5, adjustmentId: expect.any(String) });
    // Same points again: nothing more to adjust.
    const again = await api<ReportGrade>(t.baseUrl, instructor, 'POST', gradePath(teamA, 'RPT-1'), { verdict: 'accepted', points: 5 });
    expect(again.body.adjustmentId).toBeNull();

    const history = await api<ScoreHistory>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/score-history`);
    const mine = history.body.adjustments.filter((a) => a.teamId === teamA);
    expect(mine.map((a) => [a.component, a.points])).toEqual([
      ['coordination', -10],
      ['coordination', 15],
    ]);
    expect(mine[0]!.reason).toContain('RPT-1 (initial) graded revision-requested: Thiếu cấp độ hệ thống');
    const score = await api<TeamScore>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/teams/${teamA}/score`);
    const items = score.body.components.coordination.items.filter((i) => i.kind === 'manual-adjustment');
    // Shown apart in the breakdown, with the grade in its note (this fixture's coordination has nothing else, so they charge 0 there).
    expect(items.map((i) => [i.part, i.note])).toEqual([
      ['adjustments', expect.stringContaining('RPT-1 (initial) graded revision-requested')],
      ['adjustments', expect.stringContaining('RPT-1 (initial) graded accepted')],
    ]);

    const audit = await api<{
      items: Array<{ action: string; targetId: string; after: Record<string, unknown> | null; before: Record<string, unknown> | null }>;
    }>(t.baseUrl, instructor, 'GET', `/audit?action=exercise.report-grade&targetId=${exercise.id}`);
    expect(audit.body.items.map((e) => [e.after?.verdict, e.after?.points, e.before?.verdict ?? null])).toEqual([
      ['accepted', 5, 'accepted'],
      ['accepted', 5, 'revision-requested'],
      ['revision-requested', -10, null],
    ]);
  });

  it('the team reads its own grades, never another team’s; staff read every team', async () => {
    const own = await api<ReportGrades>(t.baseUrl, trainee1, 'GET', gradesPath());
    expect(own.body.grades.map((g) => [g.reportId, g.verdict])).toEqual([
      ['RPT-1', 'revision-requested'],
      ['RPT-1', 'accepted'],
      ['RPT-1', 'accepted'],
    ]);
    expect(own.body.grades[0]!.comment).toContain('Thiếu cấp độ');
    expect((await api<ErrorBody>(t.baseUrl, trainee1, 'GET', gradesPath(`?teamId=${teamB}`))).body.error.code).toBe('NOT_TEAM_MEMBER');
    expect((await api<ReportGrades>(t.baseUrl, trainee3, 'GET', gradesPath())).body.grades).toEqual([]);
    expect((await api<ReportGrades>(t.baseUrl, reviewer, 'GET', gradesPath())).body.grades).toHaveLength(3);
    expect((await api<ReportGrades>(t.baseUrl, instructor, 'GET', gradesPath(`?teamId=${teamB}`))).body.grades).toEqual([]);
  });

  it('the after-action review shows the latest grade of each report to the team once finished', async () => {
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/finish`)).status).toBe(200);
    const review = await api<AfterActionReview>(t.baseUrl, trainee1, 'GET', `/exercises/${exercise.id}/teams/${teamA}/review`);
    expect(review.status).toBe(200);
    expect(review.body.reportGrades).toEqual([expect.objectContaining({ reportId: 'RPT-1', verdict: 'accepted', points: 5, comment: '' })]);
  });
});
