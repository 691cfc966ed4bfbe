import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExerciseResults, TeamResult } from '../../src/contracts/results.schema';
import type { RecordedAction } from '../../src/contracts/triage.schema';
import { exerciseReportHtml } from '../../src/results/report-html';
import { aggregateWeaknesses, componentFigures, consoleReviewLink } from '../../src/results/results-aggregate';
import { CSV_COLUMNS, resultsCsv } from '../../src/results/results-csv';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { buildAfterActionReview } from '../../src/scoring/after-action-review';
import { renderReviewHtml } from '../../src/scoring/review-html';
import { simulate, SOLVERS } from '../../src/scoring/solver';
import { parseCsv } from './results-support';
import { htmlText, vietnameseProblems } from '../support/vietnamese-text';

/**
 * Every output a reader gets, rendered in Vietnamese for played drills (perfect, naive and idle
 * teams on every bundled scenario): the review (its sentences and its printable page), the
 * exercise report's HTML (what Chromium prints) and the CSV in both variants. None may carry the
 * scorer's English words, an internal id, or "leo thang" for escalation. The PDF itself and the
 * API are checked the same way by tests/results/results.e2e-spec.ts.
 */

const root = join(__dirname, '..', '..');

/** Every string in a scenario (its titles, names, versions, technique ids). */
function scenarioStrings(value: unknown): string[] {
  if (typeof value === 'string') return value.length > 2 ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(scenarioStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(scenarioStrings);
  return [];
}
const files = readdirSync(join(root, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const ORIGIN = 'https://soc.example.gov.vn';
const TEAM_NAMES: Record<string, string> = { perfect: 'Đội Công an tỉnh', naive: 'Đội Sở Thông tin', idle: 'Đội Y tế' };
/** Columns that carry ids and codes for machines, by design. */
const ID_COLUMNS = new Set(['exercise_id', 'scenario_id', 'scenario_version', 'team_id', 'unit_code', 'review_url']);

describe.each(files)('%s, rendered in Vietnamese', (file) => {
  const parsed = parseScenario(readFileSync(join(root, 'scenarios', file)));
  if (!parsed.ok) throw new Error(`${file} does not parse`);
  const scenario = parsed.scenario;
  const runs = SOLVERS.map((solver) => ({ solver, result: simulate({ scenario, solver, seed: 7 }) }));
  const reviews = runs.map(({ solver, result }) =>
    buildAfterActionReview({
      exerciseId: 'e-1',
      teamId: `t-${solver}`,
      teamName: TEAM_NAMES[solver]!,
      scenario,
      score: result.score,
      delivered: result.delivered,
      actions: result.actions as unknown as RecordedAction[],
      adjustments: [],
      refOf: (eventId) => `AL-${Buffer.from(eventId).toString('hex').slice(0, 8)}`,
    }),
  );
  const totals = runs.map(({ result }) => result.score.total).sort((a, b) => b - a);
  const teams: TeamResult[] = runs.map(({ solver, result }) => ({
    rank: totals.indexOf(result.score.total) + 1,
    teamId: `t-${solver}`,
    teamName: TEAM_NAMES[solver]!,
    members: [],
    unit: null,
    units: [],
    maxScore: result.score.maxScore,
    total: result.score.total,
    index: result.score.index,
    components: componentFigures(result.score),
    metrics: result.score.metrics,
    links: { review: `/api/exercises/e-1/teams/t-${solver}/review`, score: `/api/results/exercises/e-1/teams/t-${solver}` },
  }));
  const results: ExerciseResults = {
    computedAt: '2026-12-07T08:00:00Z',
    exercise: {
      id: 'e-1',
      title: 'Diễn tập thực chiến đợt 1',
      scenarioId: scenario.id,
      scenarioVersionId: 'v-1',
      scenarioVersion: scenario.version,
      kind: 'graded',
      scenarioTitle: scenario.title,
      status: 'finished',
      createdAt: '2026-12-07T01:00:00Z',
      startedAt: '2026-12-07T01:00:00Z',
      endedAt: '2026-12-07T05:00:00Z',
      heldAt: '2026-12-07T01:00:00Z',
      units: [],
      teamCount: teams.length,
      scores: null,
      links: { results: '/api/results/exercises/e-1', reportPdf: '/api/results/exercises/e-1/report.pdf' },
    },
    teams,
  };
  const allowed = [...Object.values(TEAM_NAMES), 'Sở TT&TT Lâm Sơn', results.exercise.title];

  it.each(SOLVERS.map((s, i) => [s, i] as const))("the %s team's review: every sentence and the printable page", (_solver, i) => {
    const review = reviews[i]!;
    const sentences = [...review.annotations.map((a) => a.text.vi), ...review.timeline.map((e) => e.label.vi)].join('\n');
    expect(vietnameseProblems(sentences, [scenario], allowed)).toEqual([]);
    expect(vietnameseProblems(htmlText(renderReviewHtml(review, 'vi')), [scenario], allowed)).toEqual([]);
  });

  it('the exercise report (leadership summary and technical details)', () => {
    const html = exerciseReportHtml({
      lang: 'vi',
      orgName: 'Sở TT&TT Lâm Sơn',
      generatedAt: '2026-12-07T08:00:00Z',
      results,
      weaknesses: aggregateWeaknesses(
        runs.map(({ solver, result }) => ({
          exerciseId: 'e-1',
          teamId: `t-${solver}`,
          teamName: TEAM_NAMES[solver]!,
          unitId: null,
          scenario,
          score: result.score,
        })),
        'team',
        (input) => ({ key: `${input.exerciseId}:${input.teamId}`, label: input.teamName }),
        ['e-1'],
      ),
      trends: [],
      fullScores: new Map(runs.map(({ solver, result }) => [`t-${solver}`, result.score])),
      scenario,
      reviewLink: (e, t) => consoleReviewLink(ORIGIN, e, t),
      timeZone: 'Asia/Ho_Chi_Minh',
      fontFaces: '',
    });
    // Links are for clicking; their text is an address, not prose.
    const text = htmlText(html).replace(/https:\/\/soc\.example\.gov\.vn\/\S+/g, ' ');
    expect(vietnameseProblems(text, [scenario], allowed)).toEqual([]);
    // Numbers follow the locale: once the scenario's own texts (versions, addresses, ATT&CK ids) are set
    // aside, no decimal point is left between digits; "1.000" is the Vietnamese thousands separator.
    let ours = text;
    for (const piece of scenarioStrings(scenario).sort((a, b) => b.length - a.length)) ours = ours.split(piece).join(' ');
    expect(ours.replace(/\b\d{1,3}(\.\d{3})+(?!\d)/g, ' ')).not.toMatch(/\d\.\d/);
  });

  it.each(['rfc4180', 'excel-vi'] as const)('the CSV (%s)', (variant) => {
    const csv = resultsCsv(
      teams.map((team) => ({ exercise: results.exercise, team })),
      { lang: 'vi', variant, timeZone: 'Asia/Ho_Chi_Minh', reviewLink: (e, t) => consoleReviewLink(ORIGIN, e, t) },
    );
    const rows = parseCsv(csv.slice(1), variant === 'excel-vi' ? ';' : ',');
    expect(rows[0]).toHaveLength(CSV_COLUMNS.length);
    const prose = rows.map((row) => row.filter((_cell, i) => !ID_COLUMNS.has(CSV_COLUMNS[i]!.id)).join(' | ')).join('\n');
    expect(vietnameseProblems(prose, [scenario], allowed)).toEqual([]);
    const held = rows[1]![CSV_COLUMNS.findIndex((c) => c.id === 'held_at')]!;
    expect(held).toBe('2026-12-07 08:00:00 +07:00');
    for (const row of rows.slice(1))
      expect(row[CSV_COLUMNS.findIndex((c) => c.id === 'review_url')]).toMatch(/^https:\/\/soc\.example\.gov\.vn\/exercises\/e-1\/teams\/t-\w+\/review$/);
    if (variant === 'excel-vi')
      expect(rows.slice(1).map((r) => r[CSV_COLUMNS.findIndex((c) => c.id === 'index')])).toEqual(teams.map((t) => String(t.index).replace('.', ',')));
  });
});
