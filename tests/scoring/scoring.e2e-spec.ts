import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { AfterActionReview, ScoreAdjustment, ScoreboardView, ScoreHistory, TeamScore } from '../../src/contracts/scoring.schema';
import { alertRef } from '../../src/exercises/alert-refs';
import { ExerciseScoresService } from '../../src/scoring/exercise-scores.service';
import { ScoreCalculator, type ComputedScores, type ExerciseScores } from '../../src/scoring/score-calculator.service';
import { api, login, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { TriageClient } from '../triage/triage-support';
import { sql } from '../support/test-database';

const EVIL = '<script>alert(1)</script><img src=x onerror=alert(2)>';

/**
 * The stream-test fixture as a scoring scenario: one expected response (isolate web-01 within 2m
 * of s-001), a title and an alert title carrying markup (scenario text is untrusted), and a
 * corrected version whose key calls s-002 a true positive.
 */
function scenarioSource(version: '1.0.0' | '1.0.1', id = 'fixture-scoring'): string {
  let source = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'stream-test.yaml'), 'utf8');
  source = source.replace('id: fixture-stream', `id: ${id}`).replace('version: 1.0.0', `version: ${version}`);
  source = source.replace(
    'title: { vi: Luồng cảnh báo kiểm thử, en: Test alert stream }',
    `title: { vi: ${JSON.stringify(`Chấm điểm ${EVIL}`)}, en: ${JSON.stringify(`Scoring ${EVIL}`)} }`,
  );
  source = source.replace(
    'title: { vi: "Cảnh báo 1", en: "Alert 1" }',
    `title: { vi: ${JSON.stringify(`Webshell ${EVIL}`)}, en: ${JSON.stringify(`Web shell ${EVIL}`)} }`,
  );
  source = source.replace(
    'scoring:\n',
    [
      'responses:',
      '  - id: r-isolate-web',
      '    action: isolate-host',
      '    target: web-01',
      '    incident: inc-1',
      '    from: { event: s-001 }',
      '    deadline: { event: s-001, plus: 2m }',
      '    points: 50',
      '    description: { vi: Cô lập máy chủ web, en: Isolate the web server }',
      'scoring:',
      // Trainees' figures move every 3 minutes of drill time, counting alerts settled 3 minutes after delivery.
      '  triageWindow: 3m',
      '',
    ].join('\n'),
  );
  if (version === '1.0.1') {
    const block = source.indexOf('id: s-002');
    const old = 'answer: { verdict: false-positive, severity: low, routing: [], incident: null }';
    const at = source.indexOf(old, block);
    source = `${source.slice(0, at)}answer: { verdict: true-positive, severity: low, routing: [operator], incident: inc-1 }${source.slice(at + old.length)}`;
  }
  return source;
}

class ScoreClient extends TriageClient {
  readonly boards: ScoreboardView[] = [];

  constructor(baseUrl: string, token: string, exerciseId: string) {
    super(baseUrl, token, exerciseId);
    this.socket.on('exercise:scores', (view) => this.boards.push(view));
  }

  get board(): ScoreboardView | undefined {
    return this.boards[this.boards.length - 1];
  }
}

describe('scoring wired into the platform', () => {
  let t: TestApp;
  let instructor: string;
  let tokens: Record<string, string>;
  let exercise: ExerciseDto;
  let teamA: string;
  let teamB: string;
  let versionV1: string;
  let versionV2: string;
  let cockpit: ScoreClient;
  let a1: ScoreClient;
  let b1: ScoreClient;
  /** Trainees name alerts by opaque per-exercise references. */
  let ref: (eventId: string) => string;
  const clients: ScoreClient[] = [];
  const client = async (token: string) => {
    const c = new ScoreClient(t.baseUrl, token, exercise.id);
    clients.push(c);
    await c.connected();
    await c.join();
    return c;
  };
  /** A new scenario (POST), or with `newVersionOf` a new version of it (PUT): a plain create never adds a version. */
  const upload = async (source: string, newVersionOf?: string) => {
    const response = await api<{ versionId: string }>(
      t.baseUrl,
      instructor,
      newVersionOf ? 'PUT' : 'POST',
      newVersionOf ? `/scenarios/${newVersionOf}` : '/scenarios',
      { source },
    );
    if (response.status !== (newVersionOf ? 200 : 201)) throw new Error(`upload: ${response.status} ${JSON.stringify(response.body).slice(0, 400)}`);
    return response.body.versionId;
  };
  const board = (token: string) => api<ScoreboardView>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/scoreboard`);
  const control = (body: unknown) => api<ScoreboardView>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/scoreboard`, body);
  const totalOf = (view: ScoreboardView | undefined, teamId: string) => view?.rows.find((r) => r.teamId === teamId)?.total;

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    const admin = await login(t.baseUrl, 'admin');
    tokens = Object.fromEntries(await Promise.all(['trainee1', 'trainee2', 'trainee3'].map(async (u) => [u, await login(t.baseUrl, u)])));
    const ids = await userIds(t.baseUrl, admin);
    versionV1 = await upload(scenarioSource('1.0.0'));
    versionV2 = await upload(scenarioSource('1.0.1'), 'fixture-scoring');
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionV1,
      teams: [
        { name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] },
        { name: 'Đội Đỏ', memberIds: [ids.trainee3] },
      ],
      speed: 1,
      seed: 5,
      scoreVisibility: 'own',
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    [teamA, teamB] = exercise.teams.map((x) => x.id) as [string, string];
    const [{ alert_salt: salt }] = (await sql(t.app.get(DataSource), 'SELECT alert_salt FROM exercises WHERE id = ?', [exercise.id])) as Array<{
      alert_salt: string;
    }>;
    ref = (eventId) => alertRef(salt, eventId);
    cockpit = await client(instructor);
    a1 = await client(tokens.trainee1!);
    b1 = await client(tokens.trainee3!);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    // s-001 … s-004 are due by T+1m plus up to 59 s of delivery jitter; none has settled (3 minutes) yet.
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 125_000 })).status).toBe(200);
    await expectEventually(() => expect(a1.deliveredIds(teamA)).toEqual(expect.arrayContaining(['s-001', 's-002', 's-003', 's-004'].map(ref))));
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('pushes the live board to the instructor socket after a trainee action', async () => {
    expect((await a1.act({ type: 'alert.verdict', alertId: ref('s-001'), verdict: 'true-positive' })).data?.applied).toBe(true);
    expect((await a1.act({ type: 'alert.verdict', alertId: ref('s-002'), verdict: 'false-positive', reason: 'known scanner' })).data?.applied).toBe(true);
    // The verdicts are pending until their alerts settle; the route counts at once on the instructors' live board.
    expect((await a1.act({ type: 'route', target: { alertId: ref('s-001') }, to: ['operator'], escalate: true })).data?.applied).toBe(true);
    await expectEventually(() => expect(totalOf(cockpit.board, teamA)).toBeGreaterThan(0));
    const view = cockpit.board!;
    expect(view).toMatchObject({ audience: 'instructor', source: 'live', teamCount: 2, visibility: 'own' });
    expect(view.rows[0]).toMatchObject({ rank: 1, teamId: teamA, teamName: 'Đội Xanh' });
    expect(totalOf(view, teamB)).toBe(0);
  });

  it('shows trainees their own total only under visibility "own", on the socket and over REST', async () => {
    // Nothing has settled by the checkpoint trainees see (T+0): their figures have not moved.
    expect((await board(tokens.trainee1!)).body.own).toMatchObject({ teamId: teamA, total: 0 });
    // At T+6m (checkpoint) s-001 and s-002 have settled with the verdicts given before.
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 365_000 })).status).toBe(200);
    await expectEventually(() => expect(a1.board?.own?.total).toBeGreaterThan(0));
    expect(a1.board).toMatchObject({ audience: 'trainee', visibility: 'own', rows: [], own: { teamId: teamA, rank: null } });
    expect(a1.board!.own!.components).toEqual(expect.objectContaining({ detection: expect.any(Number) }));
    expect(b1.board?.own).toMatchObject({ teamId: teamB, total: 0 });
    const rest = await board(tokens.trainee1!);
    expect(rest.status).toBe(200);
    expect(rest.body).toMatchObject({ audience: 'trainee', rows: [], own: { teamId: teamA, rank: null } });
    expect(rest.body.own).toEqual(a1.board!.own);
    // The own team's score (totals only while running) is readable under "own".
    const own = await api<TeamScore>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/teams/${teamA}/score`);
    expect(own.status).toBe(200);
    // Redacted while running: nothing that would reveal the answer key.
    expect(own.body.components.detection.items).toEqual([]);
    expect(own.body.components.detection.parts).toEqual([]);
    expect(own.body.breakdowns.phases).toEqual([]);
    expect(own.body.metrics.truePositivesDelivered).toBe(0);
    expect(JSON.stringify(own.body)).not.toContain('s-001');
    expect((await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/teams/${teamB}/score`)).body.error.code).toBe(
      'NOT_TEAM_MEMBER',
    );
  });

  it('applies visibility none / rank / full to trainee sockets and REST; trainees cannot change it', async () => {
    expect(
      (await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee1!, 'POST', `/exercises/${exercise.id}/scoreboard`, { visibility: 'full' })).body.error
        .code,
    ).toBe('FORBIDDEN');

    expect((await control({ visibility: 'none' })).status).toBe(200);
    await expectEventually(() => expect(a1.board?.visibility).toBe('none'));
    expect(a1.board).toMatchObject({ rows: [], own: null, teamCount: 0 });
    expect((await board(tokens.trainee1!)).body).toMatchObject({ visibility: 'none', rows: [], own: null });
    expect((await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/teams/${teamA}/score`)).body.error.code).toBe(
      'FORBIDDEN',
    );
    // Instructors still see everything.
    expect((await board(instructor)).body.rows).toHaveLength(2);

    expect((await control({ visibility: 'rank' })).status).toBe(200);
    await expectEventually(() => expect(a1.board?.visibility).toBe('rank'));
    expect(a1.board).toMatchObject({ rows: [], teamCount: 2, own: { teamId: teamA, rank: 1, total: null, components: null } });
    expect(b1.board).toMatchObject({ own: { teamId: teamB, rank: 2, total: null } });
    expect((await board(tokens.trainee3!)).body).toMatchObject({ teamCount: 2, own: { rank: 2, total: null } });

    expect((await control({ visibility: 'full' })).status).toBe(200);
    await expectEventually(() => expect(a1.board?.visibility).toBe('full'));
    expect(a1.board!.rows.map((r) => r.teamId)).toEqual([teamA, teamB]);
    expect((await board(tokens.trainee3!)).body.rows).toHaveLength(2);
    const exerciseView = await api<ExerciseDto>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}`);
    expect(exerciseView.body.scoreVisibility).toBe('full');
  });

  it("freezes the trainees' board while instructors keep seeing live", async () => {
    const before = totalOf((await board(tokens.trainee1!)).body, teamA)!;
    const liveBefore = totalOf(cockpit.board, teamA)!;
    const frozen = await api<ScoreboardView>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/scoreboard`, { frozen: true });
    expect(frozen.body).toMatchObject({ frozen: true, audience: 'instructor' });
    await expectEventually(() => expect(a1.board?.frozen).toBe(true));
    const seenByTrainee = a1.boards.length;
    expect(
      (await a1.act({ type: 'incident.create', title: 'Web shell', alertIds: [ref('s-001')], severity: 'high', legalClass: 'ordinary' })).data?.applied,
    ).toBe(true);
    await expectEventually(() => expect(totalOf(cockpit.board, teamA)).toBeGreaterThan(liveBefore));
    const trainee = await board(tokens.trainee1!);
    expect(trainee.body).toMatchObject({ frozen: true, source: 'frozen' });
    expect(totalOf(trainee.body, teamA)).toBe(before);
    // No live update reached the trainee socket while frozen.
    expect(a1.boards.length).toBe(seenByTrainee);

    // Unfreeze over REST.
    const unfrozen = await api<ScoreboardView>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/scoreboard`, { frozen: false });
    expect(unfrozen.body).toMatchObject({ frozen: false });
    // The incident came after the trainees' checkpoint (T+6m): it shows at the next one (T+9m).
    await expectEventually(() => expect(a1.board?.frozen).toBe(false));
    expect(totalOf(a1.board, teamA)).toBe(before);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 545_000 })).status).toBe(200);
    await expectEventually(() => expect(totalOf(a1.board, teamA)).toBeGreaterThan(before));
    expect((await board(tokens.trainee1!)).body).toMatchObject({ audience: 'trainee', frozen: false, source: 'live' });
  });

  it('scores a late containment, and shows an adjustment apart from the components', async () => {
    // s-001 arrived by T+1m14s; the window closed 2 minutes later, long before now (T+9m).
    expect((await a1.act({ type: 'response', action: 'isolate-host', target: 'web-01' })).data?.applied).toBe(true);
    const adjusted = await api<ScoreAdjustment>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/teams/${teamB}/adjustments`, {
      component: 'detection',
      points: 10,
      reason: 'Phát hiện qua điện thoại',
    });
    expect(adjusted.status).toBe(201);
    expect(
      (
        await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee3!, 'POST', `/exercises/${exercise.id}/teams/${teamB}/adjustments`, {
          component: 'detection',
          points: 10,
          reason: 'self-service',
        })
      ).body.error.code,
    ).toBe('FORBIDDEN');
    // Applied before clamping (docs/scoring.md): team B's detection is below zero unclamped, so it shows in the row and the items.
    await expectEventually(() => expect(cockpit.board?.rows.find((r) => r.teamId === teamB)).toMatchObject({ adjustments: 10 }));
    const scoreB = await api<TeamScore>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/teams/${teamB}/score`);
    const items = scoreB.body.components.detection.items.filter((i) => i.kind === 'manual-adjustment');
    expect(items).toEqual([expect.objectContaining({ part: 'adjustments', status: 'adjustment', points: 10, code: 'MANUAL_ADJUSTMENT' })]);
    const scoreA = await api<TeamScore>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/teams/${teamA}/score`);
    expect(scoreA.body.components.response.items.find((i) => i.subject === 'r-isolate-web')).toMatchObject({ status: 'late', code: 'RESPONSE_LATE' });
  });

  it('stores the final score when the exercise finishes', async () => {
    // Team A triages what it was shown the way the key says (s-002 is noise in version 1.0.0).
    const byRef = new Map(Array.from({ length: 40 }, (_, i) => `s-${String(i + 1).padStart(3, '0')}`).map((id) => [ref(id), id]));
    for (const alertId of a1.deliveredIds(teamA)) {
      const id = byRef.get(alertId);
      if (id === undefined || id === 's-001' || id === 's-002') continue;
      const tp = ['s-005', 's-009', 's-013'].includes(id);
      const ack = await a1.act(
        tp
          ? { type: 'alert.verdict', alertId, verdict: 'true-positive' }
          : { type: 'alert.verdict', alertId, verdict: 'false-positive', reason: 'scanner noise' },
      );
      expect(ack.data?.applied).toBe(true);
    }
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/finish`)).status).toBe(200);
    const history = async () => (await api<ScoreHistory>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/score-history`)).body;
    await expectEventually(async () => expect((await history()).versions).toHaveLength(1));
    // Scored from the live board's copy of the logs, which was the whole log.
    expect(t.app.get(ScoreCalculator).lastTiming).toMatchObject({ place: 'server thread', logsAtHand: true, teams: 2 });
    const [first] = (await history()).versions;
    expect(first).toMatchObject({ versionNo: 1, reason: 'exercise finished', current: true, computedBy: null, scenarioVersionId: versionV1 });
    const rows = await sql(t.app.get(DataSource), 'SELECT team_id, version_no, current FROM exercise_scores WHERE exercise_id = ?', [exercise.id]);
    expect(rows).toHaveLength(2);
    const scores = await api<ExerciseScores>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/scores?detail=totals`);
    expect(scores.body).toMatchObject({ status: 'finished', scenarioVersionId: versionV1 });
    expect(scores.body.teams.map((x) => x.score.total)).toEqual(first!.teams.map((x) => x.total));
    // What was stored from the board's copy is what the exercise log's rows give, byte for byte.
    const fromRows = await t.app.get(ExerciseScoresService).scoresFromLogs(exercise.id, { detail: 'totals' });
    expect(JSON.stringify(scores.body.teams.map((x) => [x.teamId, x.rank, x.score]))).toBe(
      JSON.stringify(fromRows.teams.map((x) => [x.teamId, x.rank, x.score])),
    );
    await expectEventually(() => expect(cockpit.board).toMatchObject({ status: 'finished', source: 'final' }));
    // After the finish a trainee reads their own team's full score.
    const own = await api<TeamScore>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/teams/${teamA}/score`);
    expect(own.status).toBe(200);
    expect(own.body.components.detection.items.length).toBeGreaterThan(0);
  });

  it('re-scores against a corrected version, keeping old and new with the reason and an audit entry', async () => {
    const foreign = await upload(scenarioSource('1.0.0', 'fixture-other'));
    const wrong = await api<{ error: { code: string } }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/rescore`, {
      scenarioVersionId: foreign,
      reason: 'wrong scenario',
    });
    expect(wrong.body.error.code).toBe('VALIDATION_FAILED');
    expect(
      (
        await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee1!, 'POST', `/exercises/${exercise.id}/rescore`, {
          scenarioVersionId: versionV2,
          reason: 'x'.repeat(5),
        })
      ).body.error.code,
    ).toBe('FORBIDDEN');

    const rescored = await api<ScoreHistory>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/rescore`, {
      scenarioVersionId: versionV2,
      reason: 'Đáp án s-002 sai: đây là tấn công thật',
    });
    expect(rescored.status).toBe(200);
    const [v1, v2] = rescored.body.versions;
    expect(v1).toMatchObject({ versionNo: 1, current: false, scenarioVersionId: versionV1, reason: 'exercise finished' });
    expect(v2).toMatchObject({
      versionNo: 2,
      current: true,
      scenarioVersionId: versionV2,
      scenarioVersion: '1.0.1',
      reason: 'Đáp án s-002 sai: đây là tấn công thật',
    });
    const totalA = (v: typeof v1) => v!.teams.find((x) => x.teamId === teamA)!.total;
    expect(totalA(v2)).toBeLessThan(totalA(v1));
    const scoreA = await api<TeamScore>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/teams/${teamA}/score`);
    expect(scoreA.body.scenarioVersion).toBe('1.0.1');
    expect(scoreA.body.components.detection.items.find((i) => i.id === 'alert-verdict:s-002')).toMatchObject({ code: 'TP_MISSED_CLOSED' });
    const audit = (await sql(t.app.get(DataSource), "SELECT before_json, after_json FROM audit_log WHERE action = 'exercise.rescore' AND target_id = ?", [
      exercise.id,
    ])) as unknown[];
    expect(audit).toHaveLength(1);
    const text = JSON.stringify(audit[0]);
    expect(text).toContain(String(totalA(v1)));
    expect(text).toContain(String(totalA(v2)));

    // An adjustment after the finish stores a new version too; nothing is overwritten.
    expect(
      (
        await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/teams/${teamA}/adjustments`, {
          component: 'coordination',
          points: -5,
          reason: 'Báo cáo qua kênh không chính thức',
        })
      ).status,
    ).toBe(201);
    const history = (await api<ScoreHistory>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/score-history`)).body;
    expect(history.versions.map((v) => [v.versionNo, v.current])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(history.versions[2]!.scenarioVersionId).toBe(versionV2);
    expect(history.adjustments.map((a) => a.points)).toEqual([10, -5]);
  });

  it('serves the after-action review as JSON (with the late containment) and as an inert printable page', async () => {
    const review = await api<AfterActionReview>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/teams/${teamA}/review`);
    expect(review.status).toBe(200);
    const late = review.body.annotations.find((a) => a.id === 'response:r-isolate-web');
    expect(late).toMatchObject({ code: 'RESPONSE_LATE', tone: 'warning' });
    expect(late!.text.en).toMatch(/^Isolate host: .+ at T\+09:\d\d, (\d+ min|\d+ s) after the «.+» alert; window was 2 min — too late/);
    expect(late!.text.vi).toMatch(/^Cô lập máy chủ: .+ lúc T\+09:\d\d, .+ sau cảnh báo «.+»; thời hạn là 2 phút — quá hạn/);
    expect(review.body.adjustments).toEqual([expect.objectContaining({ component: 'coordination', points: -5 })]);
    // Alerts carry the reference the team's console showed, to cross-reference the debrief.
    expect(review.body.timeline.find((e) => e.kind === 'alert' && e.id === 's-001')?.ref).toBe(ref('s-001'));
    expect(
      (await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee3!, 'GET', `/exercises/${exercise.id}/teams/${teamA}/review`)).body.error.code,
    ).toBe('NOT_TEAM_MEMBER');

    const html = await fetch(`${t.baseUrl}/api/exercises/${exercise.id}/teams/${teamA}/review?format=html&download=1`, {
      headers: { authorization: `Bearer ${instructor}` },
    });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = html.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/script-src/);
    expect(html.headers.get('content-disposition')).toMatch(/^attachment; filename="aar-.*\.html"$/);
    const body = await html.text();
    expect(body).not.toMatch(/<script/i);
    expect(body).not.toMatch(/<img/i);
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');

    const json = await fetch(`${t.baseUrl}/api/exercises/${exercise.id}/teams/${teamA}/review?download=1`, {
      headers: { authorization: `Bearer ${instructor}` },
    });
    expect(json.headers.get('content-disposition')).toMatch(/^attachment; filename="aar-.*\.json"$/);
    expect(((await json.json()) as AfterActionReview).teamId).toBe(teamA);
  });

  it('stores a version scored from the log rows exactly as a fresh computation from them', async () => {
    const db = t.app.get(DataSource);
    const scoring = t.app.get(ExerciseScoresService);
    const calculator = t.app.get(ScoreCalculator);
    // Against the exercise's own version (the current one is the corrected key of the re-score above).
    const version = await scoring.storeFinal(exercise.id, { scenarioVersionId: versionV1, reason: 'e2e: scored from the rows', actor: null });
    // Read from the journal and event rows through the exercise log, every action of both teams.
    expect(calculator.lastTiming?.rows.actions).toBeGreaterThanOrEqual(5);
    const stored = (await sql(db, 'SELECT team_id, score_json, score_inputs, summary_json FROM exercise_scores WHERE exercise_id = ? AND version_no = ?', [
      exercise.id,
      version.versionNo,
    ])) as Array<{ team_id: string; score_json: string; score_inputs: string | null; summary_json: string }>;
    expect(stored.map((r) => r.team_id).sort()).toEqual([teamA, teamB].sort());
    // No line items are stored, only what they are recomputed from; read back, they are a fresh computation's bytes.
    expect(stored.every((r) => r.score_json === '' && r.score_inputs !== null)).toBe(true);
    const fromRows = (await scoring.scoresFromLogs(exercise.id, { detail: 'full' })).teams;
    const read = (await scoring.exerciseScores(exercise.id, { detail: 'full' })).teams;
    expect(Object.fromEntries(read.map((x) => [x.teamId, JSON.stringify(x.score)]))).toEqual(
      Object.fromEntries(fromRows.map((x) => [x.teamId, JSON.stringify(x.score)])),
    );
    expect(read[0]!.score.components.detection.items.length).toBeGreaterThan(0);
    // Totals from the rows are the stored summaries.
    const totals = (await scoring.scoresFromLogs(exercise.id, { detail: 'totals' })).teams;
    expect(Object.fromEntries(stored.map((r) => [r.team_id, JSON.parse(r.summary_json) as TeamScore]))).toEqual(
      Object.fromEntries(totals.map((x) => [x.teamId, x.score])),
    );
  });

  it('stores from a copy of the logs only when it is the whole log', async () => {
    const scoring = t.app.get(ExerciseScoresService);
    const calculator = t.app.get(ScoreCalculator);
    const whole = (await calculator.teamLogs(exercise.id, [teamA, teamB], true)).teams;
    expect(whole.get(teamA)!.actions.length).toBeGreaterThan(0);
    await scoring.storeFinal(exercise.id, { scenarioVersionId: versionV1, reason: 'e2e: whole copy', actor: null, logs: whole });
    expect(calculator.lastTiming).toMatchObject({ logsAtHand: true });
    // A copy that lacks the last action of a team is not used: the log is read again.
    const short = new Map(whole);
    short.set(teamA, { delivered: whole.get(teamA)!.delivered, actions: whole.get(teamA)!.actions.slice(0, -1) });
    await scoring.storeFinal(exercise.id, { scenarioVersionId: versionV1, reason: 'e2e: short copy', actor: null, logs: short });
    expect(calculator.lastTiming).toMatchObject({ logsAtHand: false });
    const versions = (await scoring.versions(exercise.id)).slice(-2);
    expect(versions.map((v) => v.teams.map((x) => x.total))).toEqual([versions[0]!.teams.map((x) => x.total), versions[0]!.teams.map((x) => x.total)]);
  });
});

describe('the live board', () => {
  let t: TestApp;
  let instructor: string;
  let exercise: ExerciseDto;
  let teamA: string;
  let teamB: string;
  let cockpit: ScoreClient;
  let a1: ScoreClient;
  let b1: ScoreClient;
  let ref: (eventId: string) => string;
  const clients: ScoreClient[] = [];
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called later with the spied instance as `this`
  const computeFromLogs = ScoreCalculator.prototype.computeFromLogs;
  const compute = jest.spyOn(ScoreCalculator.prototype, 'computeFromLogs');
  /** The live recomputations (they yield to sockets as they go), not REST reads. */
  const liveCalls = (from: number) =>
    compute.mock.calls.map((call, i) => ({ call, i })).filter(({ call, i }) => i >= from && call[2].yieldEveryMs !== undefined);

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    const upload = await api<{ versionId: string }>(t.baseUrl, instructor, 'POST', '/scenarios', { source: scenarioSource('1.0.0', 'fixture-live-board') });
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: upload.body.versionId,
      teams: [
        { name: 'Đội Xanh', memberIds: [ids.trainee1] },
        { name: 'Đội Đỏ', memberIds: [ids.trainee3] },
      ],
      speed: 1,
      seed: 11,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    [teamA, teamB] = exercise.teams.map((x) => x.id) as [string, string];
    const [{ alert_salt: salt }] = (await sql(t.app.get(DataSource), 'SELECT alert_salt FROM exercises WHERE id = ?', [exercise.id])) as Array<{
      alert_salt: string;
    }>;
    ref = (eventId) => alertRef(salt, eventId);
    for (const token of [instructor, await login(t.baseUrl, 'trainee1'), await login(t.baseUrl, 'trainee3')]) {
      const c = new ScoreClient(t.baseUrl, token, exercise.id);
      clients.push(c);
      await c.connected();
      await c.join();
    }
    [cockpit, a1, b1] = clients as [ScoreClient, ScoreClient, ScoreClient];
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 95_000 })).status).toBe(200);
    await expectEventually(() => expect(b1.deliveredIds(teamB)).toEqual(expect.arrayContaining(['s-001', 's-002'].map(ref))));
  }, 60_000);

  afterAll(async () => {
    compute.mockRestore();
    for (const c of clients) c.close();
    await t.close();
  });

  const teamScore = async (teamId: string) => (await api<TeamScore>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/teams/${teamId}/score`)).body;
  const adjust = async (teamId: string, points: number) =>
    expect(
      (
        await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/teams/${teamId}/adjustments`, {
          component: 'detection',
          points,
          reason: 'Điều chỉnh kiểm thử',
        })
      ).status,
    ).toBe(201);
  const pointsOf = (score: TeamScore) => ({
    total: score.total,
    ...Object.fromEntries(Object.entries(score.components).map(([name, c]) => [name, [c.score, c.unclamped]])),
  });
  /** The last score the live board computed for each team in its recomputations from call `from` on. */
  const liveScores = async (from: number) => {
    const scores = new Map<string, TeamScore>();
    for (const { i } of liveCalls(from)) {
      const result = compute.mock.results[i];
      if (result?.type === 'return') for (const [teamId, score] of (await (result.value as Promise<ComputedScores>)).scores) scores.set(teamId, score);
    }
    return scores;
  };

  it('equals the scores computed from the logs for a REST read', async () => {
    expect((await a1.act({ type: 'alert.verdict', alertId: ref('s-001'), verdict: 'true-positive' })).data?.applied).toBe(true);
    expect((await a1.act({ type: 'response', action: 'isolate-host', target: 'web-01' })).data?.applied).toBe(true);
    expect((await b1.act({ type: 'alert.verdict', alertId: ref('s-001'), verdict: 'false-positive', reason: 'Nhầm' })).data?.applied).toBe(true);
    await expectEventually(() => expect(cockpit.board?.rows.find((r) => r.teamId === teamB)).toBeDefined());
    // Paused, both teams' scores stand still: an adjustment per team makes the live board score them
    // at the virtual time the REST reads (scored from the rows) use.
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`)).status).toBe(200);
    const from = compute.mock.calls.length;
    await adjust(teamA, 5);
    await adjust(teamB, 5);
    await expectEventually(async () => expect([...(await liveScores(from)).keys()].sort()).toEqual([teamA, teamB].sort()), 10_000);
    const scores = await liveScores(from);
    for (const teamId of [teamA, teamB]) expect(pointsOf(scores.get(teamId)!)).toEqual(pointsOf(await teamScore(teamId)));
    // The two teams played differently, so equal totals would prove nothing.
    expect(scores.get(teamA)!.total).toBeGreaterThan(scores.get(teamB)!.total);
    // And the board shows what the live recomputation computed.
    await expectEventually(() =>
      expect(cockpit.board?.rows.find((r) => r.teamId === teamA)).toMatchObject({ adjustments: 5, total: scores.get(teamA)!.total }),
    );
  });

  it('scores again a team that changed while the board was being scored', async () => {
    let during: Promise<void> | undefined;
    compute.mockImplementation(async function (this: ScoreCalculator, ...args: Parameters<ScoreCalculator['computeFromLogs']>) {
      // Team B gets an adjustment while this live recomputation (team A's) runs.
      if (during === undefined && args[2].yieldEveryMs !== undefined) {
        during = adjust(teamB, 3);
        await during;
      }
      return computeFromLogs.apply(this, args);
    });
    try {
      const from = compute.mock.calls.length;
      await adjust(teamA, 1);
      await expectEventually(() => expect(during).toBeDefined(), 10_000);
      await during;
      const expected = (await teamScore(teamB)).total;
      const first = liveCalls(from)[0]!.i;
      await expectEventually(async () => expect((await liveScores(first + 1)).get(teamB)?.total).toBe(expected), 10_000);
    } finally {
      compute.mockImplementation(computeFromLogs);
    }
  });
});
