import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ScoreboardView, TeamScore } from '../../src/contracts/scoring.schema';
import type { ReportDeadlines } from '../../src/contracts/triage.schema';
import { alertRef } from '../../src/exercises/alert-refs';
import type { ExerciseScores } from '../../src/scoring/score-calculator.service';
import { api, login, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { TriageClient } from '../triage/triage-support';
import { sql } from '../support/test-database';

/**
 * A trainee must not learn an alert's key by acting and re-reading what they may see. The
 * stream-test fixture with a 2-minute triage window (checkpoints every 2 minutes of drill time), a
 * report obligation started by a true positive, and three teams that differ only in one alert, X
 * (s-005, a true positive):
 * - A sets X true positive before it settles, flips it before and after it settles;
 * - B sets X true positive before it settles and leaves it;
 * - C never judges X.
 * Every trainee-visible figure (own score, scoreboard REST, pushed
 * exercise:scores, report deadlines) is read after each flip and must not move; X's verdict shows
 * at the first checkpoint after it settled, and never a flip made after that.
 */

const WINDOW = 120_000;
const X = 's-005';

function scenarioSource(): string {
  let source = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'stream-test.yaml'), 'utf8');
  source = source.replace('id: fixture-stream', 'id: fixture-oracle');
  source = source.replace(
    'scoring:\n  weights:',
    [
      'reporting:',
      '  - id: rep-secret-notify',
      '    kind: notification',
      `    from: { event: ${X} }`,
      '    deadline: 5m',
      '    recipients: [operator]',
      '    legalBasis: { vi: Quy định thử, en: Test rule }',
      '    points: 20',
      'scoring:',
      '  triageWindow: 2m',
      '  weights:',
    ].join('\n'),
  );
  return source;
}

class ScoreClient extends TriageClient {
  readonly boards: ScoreboardView[] = [];

  constructor(baseUrl: string, token: string, exerciseId: string) {
    super(baseUrl, token, exerciseId);
    this.socket.on('exercise:scores', (view) => this.boards.push(view));
  }
}

type Visibility = 'none' | 'own' | 'rank' | 'full';

interface Figures {
  readonly score: unknown;
  readonly board: unknown;
  readonly pushed: unknown;
  readonly deadlines: unknown;
}

describe.each<Visibility>(['none', 'own', 'rank', 'full'])('trainee-visible figures under visibility "%s"', (visibility) => {
  let t: TestApp;
  let instructor: string;
  let exercise: ExerciseDto;
  let teams: Record<'A' | 'B' | 'C', string>;
  let trainees: Record<'A' | 'B' | 'C', { token: string; client: ScoreClient }>;
  let ref: (eventId: string) => string;
  let cockpit: ScoreClient;
  let deliveredX = 0;
  const clients: ScoreClient[] = [];

  const seek = async (virtualMs: number) =>
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs })).status).toBe(200);

  /** A board without the wall time it was computed at (not a figure; it changes only when the board is recomputed). */
  const figure = (view: ScoreboardView | undefined | null): unknown => (view ? { ...view, computedAt: null } : null);

  /** Everything the trainee of `team` can read, with the clock-derived countdown fields left out. */
  const figures = async (team: 'A' | 'B' | 'C'): Promise<Figures> => {
    const { token, client } = trainees[team];
    const score = await api<TeamScore | { error: { code: string } }>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/teams/${teams[team]}/score`);
    const board = await api<ScoreboardView>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/scoreboard`);
    const deadlines = await api<ReportDeadlines>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/deadlines`);
    expect(deadlines.status).toBe(200);
    // The key's obligation id never reaches a trainee.
    expect(JSON.stringify(deadlines.body)).not.toContain('rep-secret');
    return {
      score: { status: score.status, body: score.body },
      board: figure(board.body),
      pushed: figure(client.boards[client.boards.length - 1]),
      deadlines: { ...deadlines.body, virtualMs: 0, deadlines: deadlines.body.deadlines.map((d) => ({ ...d, remainingMs: null })) },
    };
  };
  const all = async () => ({ A: await figures('A'), B: await figures('B'), C: await figures('C') });

  /** Each team's total as its trainee sees it (own/full), or null when the visibility shows none. */
  const totalOf = (f: Figures): number | null => (f.board as ScoreboardView).own?.total ?? null;
  const rankOf = (f: Figures): number | null => (f.board as ScoreboardView).own?.rank ?? null;

  /** Waits until what was pushed to each trainee is what they read (a push may still be on its way after a seek). */
  const pushesCaughtUp = async () => {
    if (visibility === 'none') return;
    await expectEventually(async () => {
      for (const team of ['A', 'B', 'C'] as const) {
        const f = await figures(team);
        expect(f.pushed).toEqual(f.board);
      }
    }, 10_000);
  };

  const verdict = (team: 'A' | 'B' | 'C', v: 'true-positive' | 'false-positive') =>
    trainees[team].client.act(
      v === 'true-positive'
        ? { type: 'alert.verdict', alertId: ref(X), verdict: v }
        : { type: 'alert.verdict', alertId: ref(X), verdict: v, reason: 'known scanner' },
    );

  const flipAndCompare = async (sequence: ReadonlyArray<'true-positive' | 'false-positive'>) => {
    await pushesCaughtUp();
    const before = await all();
    for (const v of sequence) {
      expect((await verdict('A', v)).data?.applied).toBe(true);
      // Give a live recomputation and its push time to happen, if any would.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(await all()).toEqual(before);
    }
    return before;
  };

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    const admin = await login(t.baseUrl, 'admin');
    const ids = await userIds(t.baseUrl, admin);
    const upload = await api<{ versionId: string }>(t.baseUrl, instructor, 'POST', '/scenarios', { source: scenarioSource() });
    expect(upload.status).toBe(201);
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: upload.body.versionId,
      teams: [
        { name: 'Đội A', memberIds: [ids.trainee1] },
        { name: 'Đội B', memberIds: [ids.trainee2] },
        { name: 'Đội C', memberIds: [ids.trainee3] },
      ],
      speed: 0.25,
      seed: 11,
      scoreVisibility: visibility,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    const [a, b, c] = exercise.teams.map((x) => x.id) as [string, string, string];
    teams = { A: a, B: b, C: c };
    const [{ alert_salt: salt }] = (await sql(t.app.get(DataSource), 'SELECT alert_salt FROM exercises WHERE id = ?', [exercise.id])) as Array<{
      alert_salt: string;
    }>;
    ref = (eventId) => alertRef(salt, eventId);
    const client = async (token: string) => {
      const c = new ScoreClient(t.baseUrl, token, exercise.id);
      clients.push(c);
      await c.connected();
      await c.join();
      return c;
    };
    cockpit = await client(instructor);
    const tokens = { A: await login(t.baseUrl, 'trainee1'), B: await login(t.baseUrl, 'trainee2'), C: await login(t.baseUrl, 'trainee3') };
    trainees = {
      A: { token: tokens.A, client: await client(tokens.A) },
      B: { token: tokens.B, client: await client(tokens.B) },
      C: { token: tokens.C, client: await client(tokens.C) },
    };
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    // T+2m30s: checkpoint T+2m; X (due at 75 s plus its delivery jitter) is delivered and pending.
    await seek(150_000);
    await expectEventually(() => expect(trainees.A.client.deliveredIds(teams.A)).toContain(ref(X)));
    // Caught up by the seek: its triage window runs from when the team received it.
    deliveredX = trainees.A.client.events.get(teams.A)!.find((e) => e.eventId === ref(X))!.deliveredVirtualMs;
    expect(deliveredX + WINDOW).toBeGreaterThan(150_000);
    // Every team has recognised the incident already (its deadlines run), on the same alert.
    for (const team of ['A', 'B', 'C'] as const) {
      expect((await trainees[team].client.act({ type: 'alert.verdict', alertId: ref('s-001'), verdict: 'true-positive' })).data?.applied).toBe(true);
    }
    for (const team of ['A', 'B'] as const) expect((await verdict(team, 'true-positive')).data?.applied).toBe(true);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  const settledAt = () => deliveredX + WINDOW;
  const firstCheckpointAfterSettling = () => Math.ceil(settledAt() / WINDOW) * WINDOW;

  it('no figure moves while a trainee flips a pending alert (TP → FP → TP)', async () => {
    const before = await flipAndCompare(['false-positive', 'true-positive']);
    // Nothing is settled at T+2m: the teams cannot be told apart.
    if (visibility === 'own' || visibility === 'full') {
      expect(totalOf(before.A)).toBe(totalOf(before.C));
      expect(totalOf(before.B)).toBe(totalOf(before.C));
    }
    if (visibility === 'full') expect((before.A.board as ScoreboardView).rows.every((r) => r.lastScoringActionMs === null)).toBe(true);
    if (visibility === 'none') {
      expect(before.A.board).toMatchObject({ own: null, rows: [] });
      expect(before.A.score).toMatchObject({ status: 403 });
      expect(trainees.A.client.boards).toEqual([]);
    }
    // Instructors keep the live board: X is pending there too, not missed.
    const live = await api<ExerciseScores>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/scores`);
    const teamC = live.body.teams.find((x) => x.teamId === teams.C)!.score;
    expect(teamC.components.detection.items.find((i) => i.subject === X)).toMatchObject({ status: 'not-applicable', code: 'ALERT_PENDING', maxPoints: 0 });
    expect(teamC.components.detection.items.find((i) => i.id === `alert-missed:${X}`)).toBeUndefined();
  });

  it('shows a verdict set before settlement at the first checkpoint after it settled, not before', async () => {
    const settled = settledAt();
    const checkpoint = firstCheckpointAfterSettling();
    if (checkpoint - settled > 20_000) {
      // Settled, but the next checkpoint has not come: still nothing tells A and B from C.
      await seek(settled + 5_000);
      const between = await all();
      if (visibility === 'own' || visibility === 'full') {
        expect(totalOf(between.A)).toBe(totalOf(between.C));
        expect(totalOf(between.B)).toBe(totalOf(between.C));
      }
    }
    await seek(checkpoint + 5_000);
    await expectEventually(async () => {
      const at = await all();
      if (visibility === 'own' || visibility === 'full') {
        expect(totalOf(at.A)).toBe(totalOf(at.B));
        expect(totalOf(at.A)!).toBeGreaterThan(totalOf(at.C)!);
      }
      if (visibility === 'rank' || visibility === 'full') expect(rankOf(at.C)).toBe(3);
    });
  });

  it('no figure moves while a trainee flips a settled alert, and the next checkpoint ignores the flips', async () => {
    const before = await flipAndCompare(['false-positive', 'true-positive', 'false-positive']);
    await seek(firstCheckpointAfterSettling() + WINDOW + 5_000);
    await expectEventually(async () => {
      const after = await all();
      if (visibility === 'own' || visibility === 'full') {
        // A ended on false positive after X settled as a true positive: it counts as B's does.
        expect(totalOf(after.A)).toBe(totalOf(after.B));
        expect(totalOf(after.A)!).toBeGreaterThan(totalOf(after.C)!);
      }
      if (visibility === 'rank' || visibility === 'full') {
        expect(rankOf(after.A)).toBe(rankOf(before.A));
        expect(rankOf(after.C)).toBe(3);
      }
    });
    // The instructors' live board shows the same: X counts as settled for A.
    const live = await api<ExerciseScores>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/scores`);
    const score = (team: string) => live.body.teams.find((x) => x.teamId === team)!.score;
    expect(score(teams.A).components.detection.items.find((i) => i.id === `alert-verdict:${X}`)).toMatchObject({ code: 'TP_CONFIRMED', status: 'earned' });
    expect(score(teams.A).components.detection.score).toBe(score(teams.B).components.detection.score);
    expect(cockpit.boards.length).toBeGreaterThan(0);
  });

  it('keeps the live detection rate and the detection component over the same settled alerts', async () => {
    const live = await api<ExerciseScores>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/scores`);
    for (const { score } of live.body.teams) {
      const verdicts = score.components.detection.items.filter(
        (i) => i.kind === 'alert-verdict' && i.part === 'true-positives' && i.status !== 'not-applicable',
      );
      const detected = verdicts.filter((i) => i.points > 0).length;
      expect(score.metrics.truePositivesDelivered).toBe(verdicts.length);
      expect(score.metrics.truePositivesDetected).toBe(detected);
      expect(score.metrics.detectionRate).toBe(verdicts.length === 0 ? null : Math.round((detected / verdicts.length) * 10_000) / 10_000);
      // A correct classification shows, unless settled misses or false alarms cost more than it earns.
      const penalties = score.components.detection.items.filter((i) => i.kind === 'alert-missed' || i.kind === 'alert-false-alarm');
      if (detected > 0 && penalties.length === 0) expect(score.components.detection.score).toBeGreaterThan(0);
      // Alerts still in their window are pending, never missed.
      for (const item of score.components.detection.items.filter((i) => i.code === 'ALERT_PENDING')) {
        expect(item.status).toBe('not-applicable');
        expect(score.components.detection.items.find((i) => i.id === `alert-missed:${item.subject}`)).toBeUndefined();
      }
    }
    expect(live.body.teams.some(({ score }) => score.components.detection.items.some((i) => i.code === 'ALERT_PENDING'))).toBe(true);
  });
});
