import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ExerciseList, ExerciseResults, Trends, UnitTrend, Weaknesses } from '../../src/contracts/results.schema';
import type { AfterActionReview, TeamScore } from '../../src/contracts/scoring.schema';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { CSV_COLUMNS } from '../../src/results/results-csv';
import { ExerciseScoresService } from '../../src/scoring/exercise-scores.service';
import type { ExerciseScores } from '../../src/scoring/score-calculator.service';
import { api, createAccount, login } from '../support/api';
import { alertRefsOf, startTestApp, type TestApp } from '../support/test-app';
import { hasPoppler, inkShare, parseCsv, play, SCENARIOS_DIR, solverActions, startExercise } from './results-support';
import { htmlText, vietnameseProblems } from '../support/vietnamese-text';

/**
 * Results for provincial leadership, end to end: two drills played through the real API with the
 * headless solvers' perfect and naive action logs (and an idle team), finished, then read back
 * through /api/results/* as the organisation's reviewer. Every figure must equal ExerciseScoresService's;
 * the CSV and both PDF reports must carry them; the other province's reviewer sees nothing.
 */

const PNG_DIR = process.env.RESULTS_PNG_DIR ?? join(__dirname, '..', 'output', 'results');
const TRICKY_TEAM = 'Đội Y tế, "Phản ứng nhanh" <b>&amp;</b>';

interface Unit {
  id: string;
  code: string;
  name: string;
}

describe('results for reviewers (e2e)', () => {
  let t: TestApp;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  let units: Record<string, Unit>;
  let scoring: ExerciseScoresService;
  let exA: ExerciseDto;
  let exB: ExerciseDto;
  let draft: ExerciseDto;
  const refused: string[] = [];
  const get = <T>(token: string, path: string) => api<T>(t.baseUrl, token, 'GET', path);
  const raw = (token: string, path: string) => fetch(`${t.baseUrl}/api${path}`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR, PASSWORD_SCRYPT_LOG2N: '10', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    scoring = t.app.get(ExerciseScoresService);
    const admin = await login(t.baseUrl, 'admin');
    const orgs = (await api<Array<{ code: string; units: Unit[] }>>(t.baseUrl, admin, 'GET', '/orgs')).body;
    units = Object.fromEntries(orgs.find((o) => o.code === 'lam-son')!.units.map((u) => [u.code, u]));
    // More players, so teams span units (a team's unit is its members' majority unit).
    for (const [username, unit] of [
      ['ca2', 'cong-an'],
      ['ca3', 'cong-an'],
      ['ca4', 'cong-an'],
      ['tt2', 'so-tttt'],
      ['tt3', 'so-tttt'],
      ['tt4', 'so-tttt'],
      ['tt5', 'so-tttt'],
    ] as const) {
      const created = await createAccount(t.baseUrl, admin, {
        username,
        displayName: `Học viên ${username} – ${units[unit]!.name}`,
        password: 'socdrill-demo',
        unitId: units[unit]!.id,
        roles: ['trainee'],
      });
      expect(created.status).toBe(201);
    }
    const users = (await api<{ items: Array<{ id: string; username: string }> }>(t.baseUrl, admin, 'GET', '/users?limit=100')).body.items;
    ids = Object.fromEntries(users.map((u) => [u.username, u.id]));
    tokens = Object.fromEntries(
      await Promise.all(
        ['instructor', 'reviewer', 'reviewer2', 'trainee1', 'trainee2', 'trainee4', 'ca2', 'ca3', 'ca4', 'tt2', 'tt3', 'tt4', 'tt5'].map(
          async (u) => [u, await login(t.baseUrl, u)] as const,
        ),
      ),
    );
    const scenarios = (await get<Array<{ scenarioId: string; versionId: string }>>(tokens.instructor!, '/scenarios')).body;
    const version = (id: string) => scenarios.find((s) => s.scenarioId === id)!.versionId;
    const create = async (scenarioId: string, seed: number, title: string, teams: Array<{ name: string; memberIds: string[] }>) => {
      const response = await api<ExerciseDto>(t.baseUrl, tokens.instructor!, 'POST', '/exercises', {
        scenarioVersionId: version(scenarioId),
        title,
        teams,
        seed,
        speed: 0.25,
      });
      expect(response.status).toBe(201);
      return response.body;
    };

    // A: DDoS drill — Công an perfect (2 of 3 members from Công an), Sở TT&TT naive, Sở Y tế idle.
    exA = await create('ddos-public-service', 1, 'Diễn tập DDoS Cổng DVC – đợt 1', [
      { name: 'Đội Công an tỉnh', memberIds: [ids.trainee1!, ids.ca2!, ids.tt3!] },
      { name: 'Đội Sở TT&TT', memberIds: [ids.trainee2!, ids.tt2!] },
      { name: TRICKY_TEAM, memberIds: [ids.trainee4!] },
    ]);
    // B: ransomware drill — the roles swap: Công an naive, Sở TT&TT perfect (other players, so both drills run at once).
    exB = await create('ransomware-email', 2, 'Diễn tập mã độc mã hóa dữ liệu – đợt 2', [
      { name: 'Công an (đợt 2)', memberIds: [ids.ca3!, ids.ca4!] },
      { name: 'Sở TT&TT (đợt 2)', memberIds: [ids.tt4!, ids.tt5!] },
    ]);
    const perfectA = solverActions('ddos-public-service', 'perfect', 1);
    const naiveA = solverActions('ddos-public-service', 'naive', 1);
    const perfectB = solverActions('ransomware-email', 'perfect', 2);
    const naiveB = solverActions('ransomware-email', 'naive', 2);
    await startExercise(t.baseUrl, tokens.instructor!, exA);
    await startExercise(t.baseUrl, tokens.instructor!, exB);
    const played = await Promise.all([
      play(
        t.baseUrl,
        tokens.instructor!,
        exA,
        [
          { teamId: exA.teams[0]!.id, tokens: [tokens.trainee1!, tokens.ca2!, tokens.tt3!], actions: perfectA.actions },
          { teamId: exA.teams[1]!.id, tokens: [tokens.trainee2!, tokens.tt2!], actions: naiveA.actions },
        ],
        perfectA.durationMs,
        await alertRefsOf(t, exA.id),
      ),
      play(
        t.baseUrl,
        tokens.instructor!,
        exB,
        [
          { teamId: exB.teams[0]!.id, tokens: [tokens.ca3!, tokens.ca4!], actions: naiveB.actions },
          { teamId: exB.teams[1]!.id, tokens: [tokens.tt4!, tokens.tt5!], actions: perfectB.actions },
        ],
        perfectB.durationMs,
        await alertRefsOf(t, exB.id),
      ),
    ]);
    refused.push(...played.flatMap((p) => p.refused));

    // C: a draft, never started.
    draft = await create('seo-gambling-injection', 3, 'Diễn tập SEO cờ bạc (chưa tổ chức)', [{ name: 'Đội dự bị', memberIds: [ids.trainee4!] }]);
  }, 90_000);

  afterAll(async () => {
    await t?.close();
  });

  const figures = (score: TeamScore) => ({
    total: score.total,
    index: score.index,
    maxScore: score.maxScore,
    components: Object.fromEntries(Object.entries(score.components).map(([k, c]) => [k, { score: c.score, max: c.effectiveWeight }])),
    metrics: score.metrics,
  });

  it("every solver action was accepted by the real API, and the solvers' teams score as expected", async () => {
    expect(refused).toEqual([]);
    const a = await scoring.exerciseScores(exA.id);
    const byName = new Map(a.teams.map((x) => [x.teamName, x.score.total]));
    expect(byName.get('Đội Công an tỉnh')).toBeGreaterThan(950);
    expect(byName.get('Đội Sở TT&TT')).toBeLessThan(500);
    expect(byName.get(TRICKY_TEAM)).toBeLessThan(50);
  });

  it('the exercise list shows every exercise over time with status, scenario and units; drafts have no scores', async () => {
    const list = await get<ExerciseList>(tokens.reviewer!, '/results/exercises');
    expect(list.status).toBe(200);
    expect(list.body.exercises.map((e) => e.id)).toEqual([exA.id, exB.id, draft.id]);
    const [a, b, c] = list.body.exercises;
    expect(a!.status).toBe('finished');
    expect(a!.scenarioId).toBe('ddos-public-service');
    expect(a!.units.map((u) => u.code).sort()).toEqual(['cong-an', 'so-tttt', 'so-y-te']);
    expect(b!.units.map((u) => u.code).sort()).toEqual(['cong-an', 'so-tttt']);
    expect(c!.status).toBe('draft');
    expect(c!.scores).toBeNull();
    const scoresA = await scoring.exerciseScores(exA.id, { detail: 'totals' });
    expect(a!.scores!.teams.map((x) => [x.teamId, x.rank, x.total, x.index])).toEqual(
      scoresA.teams.map((x) => [x.teamId, x.rank, x.score.total, x.score.index]),
    );
    // The period filter works on the date the exercise was held.
    expect((await get<ExerciseList>(tokens.reviewer!, '/results/exercises?to=2000-01-01')).body.exercises).toEqual([]);
    // Instructors of the organisation read the same; trainees may not.
    expect((await get<ExerciseList>(tokens.instructor!, '/results/exercises')).body.exercises.length).toBe(3);
    expect((await get<{ error: { code: string } }>(tokens.trainee1!, '/results/exercises')).body.error.code).toBe('FORBIDDEN');
  });

  it("the exercise ranking shows exactly ExerciseScoresService's figures, the team's majority unit and review links that work", async () => {
    for (const exercise of [exA, exB]) {
      const results = await get<ExerciseResults>(tokens.reviewer!, `/results/exercises/${exercise.id}`);
      expect(results.status).toBe(200);
      const expected: ExerciseScores = await scoring.exerciseScores(exercise.id);
      expect(results.body.teams.map((x) => x.teamId)).toEqual(expected.teams.map((x) => x.teamId));
      for (const team of results.body.teams) {
        const truth = expected.teams.find((x) => x.teamId === team.teamId)!;
        expect(team.rank).toBe(truth.rank);
        expect({
          total: team.total,
          index: team.index,
          maxScore: team.maxScore,
          components: Object.fromEntries(Object.entries(team.components).map(([k, c]) => [k, { score: c.score, max: c.max }])),
          metrics: team.metrics,
        }).toEqual(figures(truth.score));
        for (const [k, c] of Object.entries(team.components)) {
          const comp = truth.score.components[k as keyof TeamScore['components']];
          expect(c.index).toBe(comp.applicable && comp.effectiveWeight > 0 ? Math.round((comp.score / comp.effectiveWeight) * 10_000) / 10_000 : null);
        }
        expect(team.links.review).toBe(`/api/exercises/${exercise.id}/teams/${team.teamId}/review`);
      }
    }
    const a = (await get<ExerciseResults>(tokens.reviewer!, `/results/exercises/${exA.id}`)).body;
    const unitOf = (name: string) => a.teams.find((x) => x.teamName === name)!.unit?.code;
    expect(unitOf('Đội Công an tỉnh')).toBe('cong-an'); // 2 of 3 members
    expect(unitOf('Đội Sở TT&TT')).toBe('so-tttt');
    expect(unitOf(TRICKY_TEAM)).toBe('so-y-te');
    expect(a.teams.find((x) => x.teamName === 'Đội Công an tỉnh')!.units.map((u) => [u.code, u.members])).toEqual([
      ['cong-an', 2],
      ['so-tttt', 1],
    ]);
    // Drill-down: the review and the full score behind the numbers.
    const top = a.teams[0]!;
    const review = await raw(tokens.reviewer!, top.links.review.replace(/^\/api/, ''));
    expect(review.status).toBe(200);
    const full = await get<TeamScore>(tokens.reviewer!, top.links.score.replace(/^\/api/, ''));
    expect(full.status).toBe(200);
    expect(full.body).toEqual(await scoring.teamScore(exA.id, top.teamId, { detail: 'full' }));
    expect(full.body.components.detection.items.length).toBeGreaterThan(0);
    // A draft has no results yet.
    expect((await get<{ error: { code: string } }>(tokens.reviewer!, `/results/exercises/${draft.id}`)).body.error.code).toBe('EXERCISE_INVALID_STATE');
  });

  it("trends per unit follow the unit's teams across exercises (index and each component index)", async () => {
    const trends = await get<Trends>(tokens.reviewer!, '/results/trends');
    expect(trends.status).toBe(200);
    const byCode = new Map(trends.body.units.map((u) => [u.unit.code, u]));
    const a = await scoring.exerciseScores(exA.id, { detail: 'totals' });
    const b = await scoring.exerciseScores(exB.id, { detail: 'totals' });
    const congAn = byCode.get('cong-an')!;
    expect(congAn.points.map((p) => p.exerciseId)).toEqual([exA.id, exB.id]);
    expect(congAn.points.map((p) => p.index)).toEqual([
      a.teams.find((x) => x.teamId === exA.teams[0]!.id)!.score.index,
      b.teams.find((x) => x.teamId === exB.teams[0]!.id)!.score.index,
    ]);
    const detection = a.teams.find((x) => x.teamId === exA.teams[0]!.id)!.score.components.detection;
    expect(congAn.points[0]!.components.detection).toBe(Math.round((detection.score / detection.effectiveWeight) * 10_000) / 10_000);
    expect(congAn.points[0]!.index).toBeGreaterThan(congAn.points[1]!.index); // perfect, then naive
    const soTttt = byCode.get('so-tttt')!;
    expect(soTttt.points[0]!.index).toBeLessThan(soTttt.points[1]!.index); // naive, then perfect
    expect(byCode.get('so-y-te')!.points).toHaveLength(1);
    expect(byCode.get('so-khcn')!.points).toHaveLength(0);
    const one = await get<UnitTrend>(tokens.reviewer!, `/results/units/${units['cong-an']!.id}/trend`);
    expect(one.body).toEqual(congAn);
    const filtered = await get<Trends>(tokens.reviewer!, `/results/trends?unitIds=${units['so-y-te']!.id}`);
    expect(filtered.body.units.map((u) => u.unit.code)).toEqual(['so-y-te']);
  });

  it("weaknesses sum the teams' breakdowns per layer, phase and technique, and every cell drills down to its teams and alerts", async () => {
    const w = await get<Weaknesses>(tokens.reviewer!, `/results/weaknesses?exerciseIds=${exA.id},${exB.id}&by=team`);
    expect(w.status).toBe(200);
    const scores = [...(await scoring.exerciseScores(exA.id)).teams, ...(await scoring.exerciseScores(exB.id)).teams];
    const round2 = (v: number) => Math.round(v * 100) / 100;
    for (const row of w.body.layers) {
      const rows = scores.map((s) => s.score.breakdowns.layers.find((r) => r.key === row.key)).filter((r) => r !== undefined);
      expect(row.points).toBe(round2(rows.reduce((sum, r) => sum + r.points, 0)));
      expect(row.truePositives).toBe(rows.reduce((sum, r) => sum + r.truePositives, 0));
      expect(row.missed).toBe(rows.reduce((sum, r) => sum + r.missed, 0));
      for (const cell of row.teams) {
        const truth = scores.find((s) => s.teamId === cell.teamId)!.score.breakdowns.layers.find((r) => r.key === row.key)!;
        expect([cell.points, cell.maxPoints, cell.detected, cell.missed, cell.falsePositivesRaised]).toEqual([
          truth.points,
          truth.maxPoints,
          truth.detected,
          truth.missed,
          truth.falsePositivesRaised,
        ]);
        // The alerts behind the cell account for its counts.
        expect(cell.alertRefs.filter((r) => r.outcome === 'detected')).toHaveLength(truth.detected);
        expect(cell.alertRefs.filter((r) => r.outcome === 'missed')).toHaveLength(truth.missed);
        expect(cell.alertRefs.filter((r) => r.outcome === 'false-alarm')).toHaveLength(truth.falsePositivesRaised);
        expect(cell.reviewHref).toBe(`/api/exercises/${cell.exerciseId}/teams/${cell.teamId}/review`);
      }
    }
    expect(w.body.layers.map((r) => r.key)).toEqual(expect.arrayContaining(['1', '2']));
    expect(w.body.phases.some((p) => p.key === 'ddos-public-service:volumetric')).toBe(true);
    // Heat map: technique × team, each cell the team's own technique row.
    expect(w.body.heatmap.by).toBe('team');
    expect(w.body.heatmap.columns).toHaveLength(5);
    for (const cell of w.body.heatmap.cells) {
      const [exerciseId, teamId] = cell.column.split(':');
      const truth = scores.find((s) => s.teamId === teamId)!.score.breakdowns.techniques.find((r) => r.key === cell.technique)!;
      expect([cell.detected, cell.truePositives, cell.points]).toEqual([truth.detected, truth.truePositives, truth.points]);
      expect(cell.teams.map((x) => [x.exerciseId, x.teamId])).toEqual([[exerciseId, teamId]]);
    }
    expect(w.body.weakest.layer).not.toBeNull();
    expect(w.body.weakest.technique).toMatch(/^T\d{4}/);
    // By unit (default), over every finished exercise.
    const byUnit = await get<Weaknesses>(tokens.reviewer!, '/results/weaknesses');
    expect(byUnit.body.exerciseIds.sort()).toEqual([exA.id, exB.id].sort());
    expect(byUnit.body.heatmap.columns.map((c) => c.key).sort()).toEqual([units['cong-an']!.id, units['so-tttt']!.id, units['so-y-te']!.id].sort());
    expect((await get(tokens.reviewer!, '/results/weaknesses?exerciseIds=not-a-uuid')).status).toBe(400);
  });

  it('the CSV has a BOM, every metric per team per exercise, Vietnamese text intact and proper quoting', async () => {
    const response = await raw(tokens.reviewer!, '/results/export.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text).toContain('\r\n');
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(CSV_COLUMNS.map((c) => c.vi));
    expect(rows[0]).toEqual(
      expect.arrayContaining([
        'Chỉ số (0–1)',
        'MTTA – tiếp nhận TB (giây)',
        'MTTC – ngăn chặn TB (giây)',
        'Tỉ lệ phát hiện',
        'Tỉ lệ cảnh báo nhầm',
        'Báo cáo đúng hạn',
      ]),
    );
    const data = rows.slice(1);
    expect(data).toHaveLength(5); // 3 teams of A + 2 of B; the draft has no scores
    const col = (name: string) => CSV_COLUMNS.findIndex((c) => c.id === name);
    expect(text).toContain('"Đội Y tế, ""Phản ứng nhanh"" <b>&amp;</b>"');
    expect(data.map((r) => r[col('team_name')])).toEqual(expect.arrayContaining([TRICKY_TEAM, 'Đội Công an tỉnh', 'Sở TT&TT (đợt 2)']));
    expect(data.map((r) => r[col('exercise_title')])).toContain('Diễn tập DDoS Cổng DVC – đợt 1');
    expect(data.map((r) => r[col('unit_name')])).toContain('Công an tỉnh Lâm Sơn');
    for (const row of data) {
      const exerciseId = row[col('exercise_id')]!;
      const truth = (await scoring.exerciseScores(exerciseId)).teams.find((x) => x.teamId === row[col('team_id')])!;
      const m = truth.score.metrics;
      const asText = (v: number | null) => (v === null ? '' : String(v));
      expect(row[col('rank')]).toBe(String(truth.rank));
      expect(row[col('total')]).toBe(String(truth.score.total));
      expect(row[col('index')]).toBe(String(truth.score.index));
      for (const c of ['detection', 'response', 'coordination', 'incident'] as const) expect(row[col(c)]).toBe(String(truth.score.components[c].score));
      expect(row[col('mtta_s')]).toBe(asText(m.meanTimeToAcknowledgeMs === null ? null : m.meanTimeToAcknowledgeMs / 1000));
      expect(row[col('mttc_s')]).toBe(asText(m.meanTimeToContainMs === null ? null : m.meanTimeToContainMs / 1000));
      expect(row[col('detection_rate')]).toBe(asText(m.detectionRate));
      expect(row[col('false_positive_rate')]).toBe(asText(m.falsePositiveRate));
      expect(row[col('reports_on_time')]).toBe(String(m.reportsOnTime));
      expect(row[col('responses_in_window')]).toBe(String(m.responsesInWindow));
    }
    const english = parseCsv((await (await raw(tokens.reviewer!, `/results/export.csv?lang=en&exerciseIds=${exB.id}`)).text()).replace(/^\uFEFF/, ''));
    expect(english[0]).toEqual(CSV_COLUMNS.map((c) => c.en));
    expect(english).toHaveLength(3);
  });

  it('the reviewer of another province sees nothing of this one (same answers as for unknown ids)', async () => {
    const other = tokens.reviewer2!;
    expect((await get<ExerciseList>(other, '/results/exercises')).body.exercises).toEqual([]);
    const notFound = await get<{ error: { code: string } }>(other, `/results/exercises/${exA.id}`);
    const unknown = await get<{ error: { code: string } }>(other, '/results/exercises/00000000-0000-4000-8000-000000000000');
    expect([notFound.status, notFound.body.error.code]).toEqual([404, 'EXERCISE_NOT_FOUND']);
    expect([unknown.status, unknown.body]).toEqual([notFound.status, notFound.body]);
    expect((await get(other, `/results/exercises/${exA.id}/teams/${exA.teams[0]!.id}`)).status).toBe(404);
    expect((await raw(other, `/results/exercises/${exA.id}/report.pdf`)).status).toBe(404);
    expect((await get<{ error: { code: string } }>(other, `/results/units/${units['cong-an']!.id}/trend`)).body.error.code).toBe('UNIT_NOT_FOUND');
    const w = await get<Weaknesses>(other, `/results/weaknesses?exerciseIds=${exA.id}`);
    expect([w.body.exerciseIds, w.body.layers, w.body.heatmap.cells]).toEqual([[], [], []]);
    const trends = await get<Trends>(other, '/results/trends');
    expect(trends.body.units.every((u) => u.points.length === 0)).toBe(true);
    expect(trends.body.units.map((u) => u.unit.name).join(' ')).not.toContain('Lâm Sơn');
    const csv = parseCsv((await (await raw(other, `/results/export.csv?exerciseIds=${exA.id}`)).text()).replace(/^\uFEFF/, ''));
    expect(csv).toHaveLength(1);
    const pdf = await raw(other, '/results/report.pdf?lang=en');
    expect(pdf.status).toBe(200);
    if (hasPoppler()) {
      const dir = mkdtempSync(join(tmpdir(), 'results-pdf-'));
      writeFileSync(join(dir, 'r.pdf'), Buffer.from(await pdf.arrayBuffer()));
      const text = execFileSync('pdftotext', [join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
      expect(text).toContain('No finished exercise in this period.');
      expect(text).not.toContain('DDoS');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('renders every output in Vietnamese for the played drills (perfect, naive, idle) without scorer English, internal ids or "leo thang" for escalation', async () => {
    const scenarios = ['ddos-public-service', 'ransomware-email'].map((name) => {
      const parsed = parseScenario(readFileSync(join(SCENARIOS_DIR, `${name}.yaml`), 'utf8'));
      if (!parsed.ok) throw new Error(`${name} does not parse`);
      return parsed.scenario;
    });
    const users = (await api<{ items: Array<{ displayName: string }> }>(t.baseUrl, await login(t.baseUrl, 'admin'), 'GET', '/users?limit=100')).body.items;
    const allowed = [
      ...[exA, exB].flatMap((e) => [e.title, ...e.teams.map((team) => team.name)]),
      ...Object.values(units).map((u) => u.name),
      ...users.map((u) => u.displayName),
      'Tỉnh Lâm Sơn',
    ];
    const problems: string[] = [];
    const check = (where: string, text: string) => problems.push(...vietnameseProblems(text, scenarios, allowed).map((p) => `${where}: ${p}`));

    // The review of every team: its sentences (JSON) and the printable page in Vietnamese.
    for (const exercise of [exA, exB]) {
      for (const team of exercise.teams) {
        const review = await get<AfterActionReview>(tokens.reviewer!, `/exercises/${exercise.id}/teams/${team.id}/review`);
        expect(review.status).toBe(200);
        check(`review ${team.name}`, [...review.body.annotations.map((a) => a.text.vi), ...review.body.timeline.map((e) => e.label.vi)].join('\n'));
        const page = await raw(tokens.reviewer!, `/exercises/${exercise.id}/teams/${team.id}/review?format=html&lang=vi`);
        expect(page.status).toBe(200);
        check(`review page ${team.name}`, htmlText(await page.text()));
      }
    }

    // The CSV, in both variants: prose columns only (ids and the link are for machines and clicks).
    const machine = new Set(['exercise_id', 'scenario_id', 'scenario_version', 'team_id', 'unit_code', 'review_url']);
    for (const variant of ['rfc4180', 'excel-vi'] as const) {
      const rows = parseCsv(
        (await (await raw(tokens.reviewer!, `/results/export.csv?lang=vi&variant=${variant}`)).text()).replace(/^\uFEFF/, ''),
        variant === 'excel-vi' ? ';' : ',',
      );
      expect(rows[0]).toHaveLength(CSV_COLUMNS.length);
      check(`CSV ${variant}`, rows.map((row) => row.filter((_c, i) => !machine.has(CSV_COLUMNS[i]!.id)).join(' | ')).join('\n'));
      const col = (id: string) => CSV_COLUMNS.findIndex((c) => c.id === id);
      for (const row of rows.slice(1)) {
        expect(row).toHaveLength(CSV_COLUMNS.length);
        expect(row[col('status')]).toBe('Đã kết thúc');
        expect(row[col('held_at')]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+07:00$/);
        expect(row[col('review_url')]).toBe(`${t.baseUrl}/exercises/${row[col('exercise_id')]}/teams/${row[col('team_id')]}/review`);
        if (variant === 'excel-vi') expect(row[col('index')]).not.toContain('.');
      }
      expect(rows.map((r) => r[col('team_name')])).toContain(TRICKY_TEAM);
    }

    // Both printed reports in Vietnamese: the text, a one-page leadership summary, no near-empty page before the last.
    if (hasPoppler()) {
      const dir = mkdtempSync(join(tmpdir(), 'results-vi-'));
      for (const [name, path] of [
        ['exercise', `/results/exercises/${exA.id}/report.pdf?lang=vi`],
        ['period', '/results/report.pdf?lang=vi'],
      ] as const) {
        const response = await raw(tokens.reviewer!, path);
        expect(response.status).toBe(200);
        const file = join(dir, `${name}.pdf`);
        writeFileSync(file, Buffer.from(await response.arrayBuffer()));
        const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
        // Review links are addresses to click, not prose.
        check(`PDF ${name}`, text.replace(/https?:\/\/\S+/g, ' ').replace(/\s+/g, ' '));
        const pages = text.split('\f').filter((page, i, all) => i < all.length - 1 || page.trim() !== '');
        expect(pages[0]).toContain('Tóm tắt cho lãnh đạo');
        expect(pages[0]).not.toContain('Chi tiết cho bộ phận kỹ thuật');
        expect(pages[1]).toContain('Chi tiết cho bộ phận kỹ thuật');
        for (const page of pages.slice(0, -1)) expect(page.split('\n').filter((line) => line.trim() !== '').length).toBeGreaterThan(15);
      }
      rmSync(dir, { recursive: true, force: true });
    }
    expect(problems).toEqual([]);
  });

  describe('printed reports (PDF by headless Chromium)', () => {
    const poppler = hasPoppler();
    const cases = [
      {
        name: 'exercise-vi',
        path: () => `/results/exercises/${exA.id}/report.pdf?lang=vi`,
        expect: [
          'Báo cáo kết quả diễn tập',
          'Tóm tắt cho lãnh đạo',
          'Chi tiết cho bộ phận kỹ thuật',
          'Đội Công an tỉnh',
          'Phản ứng nhanh" <b>&amp;</b>',
          'Lớp yếu nhất',
          'Công an tỉnh Lâm Sơn',
        ],
      },
      {
        name: 'exercise-en',
        path: () => `/results/exercises/${exA.id}/report.pdf?lang=en`,
        expect: ['Exercise results report', 'Summary for leadership', 'Details for the technical team', 'Weakest layer', 'Đội Công an tỉnh'],
      },
      {
        name: 'period-vi',
        path: () => '/results/report.pdf?lang=vi',
        expect: [
          'Báo cáo tổng hợp kết quả diễn tập theo kỳ',
          'Xếp hạng đơn vị trong kỳ',
          'Diễn tập mã độc mã hóa dữ liệu – đợt 2',
          'Sở Thông tin và Truyền thông',
        ],
      },
      {
        name: 'period-en',
        path: () => '/results/report.pdf?lang=en',
        expect: ['Drill results report for the period', 'Unit ranking for the period', 'Trend per unit'],
      },
    ];
    if (!poppler) {
      it.skip('pdftoppm/pdftotext (poppler-utils) are not installed: install poppler-utils to check the PDFs', () => undefined);
    }
    it.each(cases)('$name renders, carries its text and is not blank', async (c) => {
      const response = await raw(tokens.reviewer!, c.path());
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      const pdf = Buffer.from(await response.arrayBuffer());
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      if (!poppler) return;
      mkdirSync(PNG_DIR, { recursive: true });
      const file = join(PNG_DIR, `${c.name}.pdf`);
      writeFileSync(file, pdf);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      for (const expected of c.expect) expect(text.replace(/\s+/g, ' ')).toContain(expected);
      // Page 1 as PNG (to look at) and as grey PGM (to count ink).
      execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '60', '-png', '-singlefile', file, join(PNG_DIR, `${c.name}-p1`)]);
      execFileSync('pdftoppm', ['-f', '1', '-l', '1', '-r', '30', '-gray', '-singlefile', file, join(PNG_DIR, `${c.name}-p1`)]);
      const ink = inkShare(readFileSync(join(PNG_DIR, `${c.name}-p1.pgm`)));
      expect(ink).toBeGreaterThan(0.02);
    });
  });
});
