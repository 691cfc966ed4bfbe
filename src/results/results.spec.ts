import type { AppConfig } from '../config/app-config.js';
import type { UnitRef } from '../contracts/results.schema.js';
import { computeScore } from '../scoring/score.js';
import { deliveredAll, idealTriage, MIN, play, scoringScenario } from '../scoring/scoring-fixtures.js';
import { exerciseReportHtml, esc, periodReportHtml, ratioColor } from './report-html.js';
import { ReportRenderer } from './report-renderer.service.js';
import { aggregateWeaknesses, componentFigures, drillAlerts, teamUnits, unitTrends } from './results-aggregate.js';
import { csvCell, resultsCsv, UTF8_BOM, CSV_COLUMNS, zonedTime, type CsvOptions, type CsvVariant } from './results-csv.js';
import { consoleReviewLink } from './results-aggregate.js';
import type { ExerciseSummary, TeamResult } from '../contracts/results.schema.js';
import { AppError } from '../common/app-error.js';

const scenario = scoringScenario();
const delivered = deliveredAll(scenario);
const good = (() => {
  const { state, actions } = play(scenario, delivered, idealTriage());
  return computeScore({ scenario, teamId: 'good', delivered, state, actions, endMs: 30 * MIN });
})();
const naive = (() => {
  const steps = delivered.flatMap((d) => [
    { atMs: d.virtualMs, action: { type: 'alert.verdict' as const, alertId: d.eventId, verdict: 'true-positive' as const, reason: 'looks bad' } },
  ]);
  const { state, actions } = play(scenario, delivered, steps);
  return computeScore({ scenario, teamId: 'naive', delivered, state, actions, endMs: 30 * MIN });
})();

const csvOptions = (lang: 'vi' | 'en', variant: CsvVariant): CsvOptions => ({
  lang,
  variant,
  timeZone: 'Asia/Ho_Chi_Minh',
  reviewLink: (e, t) => consoleReviewLink('https://soc.example.gov.vn/', e, t),
});

const exerciseSummary: ExerciseSummary = {
  id: 'e',
  title: 'Diễn tập',
  scenarioId: scenario.id,
  scenarioVersionId: 'v',
  scenarioVersion: '1',
  scenarioTitle: scenario.title,
  status: 'finished',
  kind: 'graded',
  createdAt: '2025-01-01T00:00:00Z',
  startedAt: null,
  endedAt: null,
  heldAt: '2025-01-01T00:00:00Z',
  units: [],
  teamCount: 1,
  scores: null,
  links: { results: '', reportPdf: '' },
};

function teamRow(teamName: string): TeamResult {
  return {
    rank: 1,
    teamId: 't',
    teamName,
    members: [],
    unit: null,
    units: [],
    maxScore: 1000,
    total: good.total,
    index: good.index,
    components: componentFigures(good),
    metrics: good.metrics,
    links: { review: '/api/exercises/e/teams/t/review', score: '/api/results/exercises/e/teams/t' },
  };
}

/** RFC 4180 reading of one line, as a spreadsheet does it. */
function splitCsvLine(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

const unit = (id: string, code: string): UnitRef => ({ id, code, name: `Đơn vị ${code}` });

describe('team unit rule', () => {
  const units = new Map([unit('u-a', 'b-unit'), unit('u-b', 'a-unit'), unit('u-c', 'c-unit')].map((u) => [u.id, u]));

  it('is the unit most members belong to', () => {
    const result = teamUnits([{ unitId: 'u-a' }, { unitId: 'u-c' }, { unitId: 'u-c' }], units);
    expect(result.unit?.id).toBe('u-c');
    expect(result.units.map((u) => [u.id, u.members])).toEqual([
      ['u-c', 2],
      ['u-a', 1],
    ]);
  });

  it('breaks a tie by the unit code that sorts first, whatever the member order', () => {
    expect(teamUnits([{ unitId: 'u-a' }, { unitId: 'u-b' }], units).unit?.id).toBe('u-b');
    expect(teamUnits([{ unitId: 'u-b' }, { unitId: 'u-a' }], units).unit?.id).toBe('u-b');
  });

  it('has no unit without members (or with members of unknown units)', () => {
    expect(teamUnits([], units).unit).toBeNull();
    expect(teamUnits([{ unitId: 'elsewhere' }, { unitId: null }], units).unit).toBeNull();
  });
});

describe('figures taken from TeamScore', () => {
  it('component index = score / effective weight, null when not applicable', () => {
    const figures = componentFigures(good);
    expect(figures.detection.score).toBe(good.components.detection.score);
    expect(figures.detection.max).toBe(good.components.detection.effectiveWeight);
    expect(figures.detection.index).toBe(Math.round((good.components.detection.score / good.components.detection.effectiveWeight) * 10_000) / 10_000);
  });

  it("trends: one point per (unit, exercise) in time order, the mean over the unit's teams", () => {
    const u = unit('u-a', 'a');
    const base = { exerciseTitle: 'E', scenarioId: 's', rank: 1, unitId: 'u-a' };
    const [trend] = unitTrends(
      [u],
      [
        { ...base, exerciseId: 'e2', heldAt: '2025-02-01T00:00:00Z', teamId: 't2', teamName: 'B', score: good },
        { ...base, exerciseId: 'e1', heldAt: '2025-01-01T00:00:00Z', teamId: 't1', teamName: 'A', score: good },
        { ...base, exerciseId: 'e1', heldAt: '2025-01-01T00:00:00Z', teamId: 't3', teamName: 'C', score: naive },
      ],
    );
    expect(trend!.points.map((p) => p.exerciseId)).toEqual(['e1', 'e2']);
    expect(trend!.points[0]!.index).toBe(Math.round(((good.index + naive.index) / 2) * 10_000) / 10_000);
    expect(trend!.points[0]!.teams.map((t) => t.teamId)).toEqual(['t1', 't3']);
    expect(trend!.points[1]!.index).toBe(good.index);
  });

  it('weaknesses sum breakdown rows over teams and list the alerts behind each cell', () => {
    const inputs = [
      { exerciseId: 'e1', teamId: 'good', teamName: 'Good', unitId: 'u-a', scenario, score: good },
      { exerciseId: 'e1', teamId: 'naive', teamName: 'Naive', unitId: 'u-b', scenario, score: naive },
    ];
    const w = aggregateWeaknesses(inputs, 'team', (i) => ({ key: i.teamId, label: i.teamName }), ['e1']);
    for (const row of w.layers) {
      const parts = [good, naive].map((s) => s.breakdowns.layers.find((r) => r.key === row.key)).filter((r) => r !== undefined);
      expect(row.points).toBe(Math.round(parts.reduce((a, r) => a + r.points, 0) * 100) / 100);
      expect(row.falsePositivesRaised).toBe(parts.reduce((a, r) => a + r.falsePositivesRaised, 0));
      for (const cell of row.teams) {
        const truth = (cell.teamId === 'good' ? good : naive).breakdowns.layers.find((r) => r.key === row.key)!;
        expect(cell.alertRefs.filter((a) => a.outcome === 'false-alarm')).toHaveLength(truth.falsePositivesRaised);
        expect(cell.alertRefs.filter((a) => a.outcome === 'missed')).toHaveLength(truth.missed);
        expect(cell.alertRefs.filter((a) => a.outcome === 'detected')).toHaveLength(truth.detected);
      }
    }
    // The naive team raised false alarms on both noise alerts; the good team none.
    expect(
      drillAlerts(scenario, naive)
        .filter((a) => a.outcome === 'false-alarm')
        .map((a) => a.alertId)
        .sort(),
    ).toEqual(['n-benign', 'n-fp']);
    expect(drillAlerts(scenario, good).filter((a) => a.outcome === 'false-alarm')).toEqual([]);
    expect(w.heatmap.cells.every((c) => c.technique !== '(none)')).toBe(true);
    expect(w.weakest.layer).not.toBeNull();
  });
});

describe('CSV', () => {
  it('quotes per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvCell('Đội "Phản ứng", nhanh')).toBe('"Đội ""Phản ứng"", nhanh"');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+84 123')).toBe('"\'+84 123"');
    expect(csvCell(-3.5)).toBe('-3.5');
    expect(csvCell(null)).toBe('');
    expect(csvCell('Công an tỉnh')).toBe('Công an tỉnh');
  });

  it('starts with a BOM and the header row, ends lines with CRLF', () => {
    const text = resultsCsv([], csvOptions('vi', 'rfc4180'));
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    expect(text).toBe(`${UTF8_BOM}${CSV_COLUMNS.map((c) => csvCell(c.vi)).join(',')}\r\n`);
    expect(new Set(CSV_COLUMNS.map((c) => c.id)).size).toBe(CSV_COLUMNS.length);
  });

  it('keeps a cell holding the separator in use as one inert cell (";" in the Vietnamese-spreadsheet variant)', () => {
    expect(csvCell('x;=1+1', 'excel-vi')).toBe('"x;=1+1"');
    expect(csvCell('x;=1+1', 'rfc4180')).toBe('"x;=1+1"');
    expect(csvCell('=1+1', 'excel-vi')).toBe(`"'=1+1"`);
    expect(csvCell('a,b', 'excel-vi')).toBe('"a,b"');
    const line = resultsCsv([{ exercise: exerciseSummary, team: teamRow('x;=1+1') }], csvOptions('vi', 'excel-vi'))
      .slice(1)
      .split('\r\n')[1]!;
    const cells = splitCsvLine(line, ';');
    expect(cells).toHaveLength(CSV_COLUMNS.length);
    expect(cells[CSV_COLUMNS.findIndex((c) => c.id === 'team_name')]).toBe('x;=1+1');
    expect(cells.every((c) => !/^[=+@]/.test(c))).toBe(true);
  });

  it("writes statuses and titles in the file's language, times in the organisation's zone with the offset, decimals per variant, and a console link", () => {
    const header = (lang: 'vi' | 'en', variant: 'rfc4180' | 'excel-vi') =>
      resultsCsv([{ exercise: exerciseSummary, team: teamRow('Đội A') }], csvOptions(lang, variant))
        .slice(1)
        .split('\r\n');
    const col = (id: string) => CSV_COLUMNS.findIndex((c) => c.id === id);
    const vi = splitCsvLine(header('vi', 'excel-vi')[1]!, ';');
    expect(vi[col('status')]).toBe('Đã kết thúc');
    expect(vi[col('held_at')]).toBe('2025-01-01 07:00:00 +07:00');
    expect(vi[col('scenario_title')]).toBe(scenario.title.vi);
    expect(vi[col('index')]).toBe(String(good.index).replace('.', ','));
    expect(vi[col('review_url')]).toBe('https://soc.example.gov.vn/exercises/e/teams/t/review');
    expect(vi[col('kind')]).toBe('diễn tập');
    const en = splitCsvLine(header('en', 'rfc4180')[1]!, ',');
    expect(en[col('status')]).toBe('Finished');
    expect(en[col('index')]).toBe(String(good.index));
    expect(en[col('scenario_title')]).toBe(scenario.title.en);
    expect(zonedTime('2025-06-30T18:30:00Z', 'UTC')).toBe('2025-06-30 18:30:00 +00:00');
  });
});

describe('report HTML', () => {
  it('escapes every text that comes from data', () => {
    expect(esc('<script>alert("x")</script> & \'')).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;');
    const team = {
      rank: 1,
      teamId: 't',
      teamName: '<img src=x onerror=alert(1)>',
      members: [],
      unit: null,
      units: [],
      maxScore: 1000,
      total: good.total,
      index: good.index,
      components: componentFigures(good),
      metrics: good.metrics,
      links: { review: '/api/exercises/e/teams/t/review', score: '/api/results/exercises/e/teams/t' },
    };
    const html = exerciseReportHtml({
      lang: 'vi',
      orgName: 'Tỉnh <b>Lâm Sơn</b>',
      generatedAt: '2025-01-01T00:00:00Z',
      results: {
        computedAt: '2025-01-01T00:00:00Z',
        exercise: {
          id: 'e',
          title: '"><script>x()</script>',
          scenarioId: scenario.id,
          scenarioVersionId: 'v',
          scenarioVersion: '1',
          scenarioTitle: scenario.title,
          status: 'finished',
          kind: 'graded',
          createdAt: '2025-01-01T00:00:00Z',
          startedAt: null,
          endedAt: null,
          heldAt: '2025-01-01T00:00:00Z',
          units: [],
          teamCount: 1,
          scores: null,
          links: { results: '', reportPdf: '' },
        },
        teams: [team],
      },
      weaknesses: aggregateWeaknesses(
        [{ exerciseId: 'e', teamId: 't', teamName: team.teamName, unitId: null, scenario, score: good }],
        'team',
        () => ({ key: 'e:t', label: team.teamName }),
        ['e'],
      ),
      trends: [],
      fullScores: new Map([['t', good]]),
      scenario,
      reviewLink: (e, t) => consoleReviewLink('https://soc.example.gov.vn', e, t),
      timeZone: 'Asia/Ho_Chi_Minh',
      fontFaces: '',
    });
    expect(html).not.toMatch(/<script|<img|<b>Lâm/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain("default-src 'none'");
  });

  it("counts the period's practice runs apart, in words of the report's language, and only when there are some", () => {
    const base = {
      orgName: 'Tỉnh Lâm Sơn',
      generatedAt: '2025-01-01T00:00:00Z',
      from: null,
      to: null,
      exercises: [],
      trends: [],
      weaknesses: aggregateWeaknesses([], 'unit', () => ({ key: 'x', label: 'x' }), []),
      timeZone: 'Asia/Ho_Chi_Minh',
      fontFaces: '',
    };
    expect(periodReportHtml({ ...base, lang: 'vi', practiceRuns: 3 })).toMatch(/Bài luyện tập của học viên \(không tính trong báo cáo này\)<\/dt><dd>3</);
    expect(periodReportHtml({ ...base, lang: 'en', practiceRuns: 2 })).toMatch(/practice runs \(not counted in this report\)<\/dt><dd>2</);
    expect(periodReportHtml({ ...base, lang: 'vi', practiceRuns: 0 })).not.toContain('luyện tập');
  });

  it('colours ratios from red through amber to green', () => {
    expect(ratioColor(0)).toBe('rgb(215,48,39)');
    expect(ratioColor(1)).toBe('rgb(26,152,80)');
    expect(ratioColor(null)).toBe('#eeeeee');
  });
});

describe('report renderer', () => {
  it('answers a coded 503 error when Chromium is missing', async () => {
    const renderer = new ReportRenderer({ CHROMIUM_PATH: '/nonexistent/chromium' } as AppConfig);
    expect(renderer.available()).toBe(false);
    await expect(renderer.pdf('<p>x</p>')).rejects.toEqual(expect.objectContaining({ code: 'REPORT_RENDERER_UNAVAILABLE' }));
    await expect(renderer.pdf('<p>x</p>')).rejects.toBeInstanceOf(AppError);
  });
});
