import type { Language, Text } from '../contracts/common.schema.js';
import type { ExerciseResults, ExerciseSummary, HeatCell, TeamResult, UnitTrend, WeaknessRow, Weaknesses } from '../contracts/results.schema.js';
import { SCORE_COMPONENTS, type LineItem, type TeamScore } from '../contracts/scoring.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import { findingSubject, findingText, ScenarioNames } from '../scoring/review-findings.js';
import { formatIndex } from '../scoring/review-vocabulary.js';
import { reportStrings, type ReportStrings } from './report-i18n.js';

/**
 * Server-rendered, script-free HTML for the printed reports (Chromium prints it to PDF). Every
 * text that comes from a scenario, a user or the database goes through esc(); charts are inline
 * SVG built here. A summary for leadership comes first, the technical details after a page break.
 */

export function esc(value: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- report cells are primitives; an object would print as such, still escaped
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const locale = (lang: Language) => (lang === 'en' ? 'en-GB' : 'vi-VN');

function num(value: number | null | undefined, lang: Language, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString(locale(lang), { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function idx(value: number | null | undefined, lang: Language): string {
  if (value === null || value === undefined) return '–';
  return formatIndex(value, lang);
}

function pct(value: number | null | undefined, lang: Language): string {
  if (value === null || value === undefined) return '–';
  return (value * 100).toLocaleString(locale(lang), { maximumFractionDigits: 1 }) + ' %';
}

/** A date and time in the organisation's time zone: "15:20 07/12/2026". */
function date(iso: string | null, lang: Language, zone: string): string {
  if (iso === null) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale(lang), {
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone: zone,
  });
}

function minutes(ms: number | null, s: ReportStrings): string {
  return ms === null ? '–' : s.duration(ms);
}

const pick = (text: Text, lang: Language) => (lang === 'en' ? text.en : text.vi);

/** Red (0) → amber (0.5) → green (1); grey when there is no ratio. */
export function ratioColor(ratio: number | null): string {
  if (ratio === null) return '#eeeeee';
  const r = Math.max(0, Math.min(1, ratio));
  const stops: Array<[number, [number, number, number]]> = [
    [0, [215, 48, 39]],
    [0.5, [254, 224, 139]],
    [1, [26, 152, 80]],
  ];
  const [a, b] = r <= 0.5 ? [stops[0]!, stops[1]!] : [stops[1]!, stops[2]!];
  const t = (r - a[0]) / (b[0] - a[0]);
  const c = a[1].map((v, i) => Math.round(v + (b[1][i]! - v) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** The same colours as the console's charts (web/src/lib/component-colors.ts). */
const COMPONENT_COLORS: Record<(typeof SCORE_COMPONENTS)[number], string> = {
  detection: '#1c7ed6',
  response: '#2f9e44',
  coordination: '#f08c00',
  incident: '#ae3ec9',
};
const SERIES_COLORS = ['#1c7ed6', '#e8590c', '#2f9e44', '#ae3ec9', '#f03e3e', '#0c8599', '#5c940d', '#862e9c', '#495057', '#d6336c'];

// ---- charts (inline SVG) ----

/** Stacked horizontal bars: each team's four components on the 1,000-point scale. */
export function rankingChart(teams: readonly TeamResult[], lang: Language, s: ReportStrings): string {
  if (teams.length === 0) return '';
  const rowH = 22;
  const labelW = 190;
  const barW = 430;
  const height = teams.length * rowH + 46;
  const width = labelW + barW + 70;
  const rows = teams
    .map((t, i) => {
      const y = 8 + i * rowH;
      let x = labelW;
      const segments = SCORE_COMPONENTS.map((c) => {
        const w = (Math.max(0, t.components[c].score) / t.maxScore) * barW;
        const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 7}" fill="${COMPONENT_COLORS[c]}"/>`;
        x += w;
        return rect;
      }).join('');
      return `<text x="${labelW - 6}" y="${y + 11}" text-anchor="end" font-size="10">${esc(truncate(`${t.rank}. ${t.teamName}`, 34))}</text>${segments}<text x="${(x + 5).toFixed(1)}" y="${y + 11}" font-size="10" font-weight="700">${esc(idx(t.index, lang))}</text>`;
    })
    .join('');
  const axisY = 8 + teams.length * rowH;
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<line x1="${labelW + v * barW}" y1="4" x2="${labelW + v * barW}" y2="${axisY}" stroke="#ccc" stroke-width="0.5"/><text x="${labelW + v * barW}" y="${axisY + 11}" font-size="8" text-anchor="middle">${esc(num(v, lang))}</text>`,
    )
    .join('');
  const legend = SCORE_COMPONENTS.map(
    (c, i) =>
      `<rect x="${labelW + i * 125}" y="${axisY + 20}" width="9" height="9" fill="${COMPONENT_COLORS[c]}"/><text x="${labelW + i * 125 + 13}" y="${axisY + 28}" font-size="9">${esc(s.components[c])}</text>`,
  ).join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(s.ranking)}">${ticks}${rows}${legend}</svg>`;
}

/** Horizontal bars of a ratio per row (0–1), colour-coded. */
export function ratioBars(rows: ReadonlyArray<{ label: string; ratio: number | null }>, lang: Language, title: string): string {
  if (rows.length === 0) return '';
  const rowH = 18;
  const labelW = 250;
  const barW = 360;
  const height = rows.length * rowH + 18;
  const width = labelW + barW + 60;
  const body = rows
    .map((r, i) => {
      const y = 4 + i * rowH;
      const w = (r.ratio ?? 0) * barW;
      return `<text x="${labelW - 6}" y="${y + 10}" text-anchor="end" font-size="9">${esc(truncate(r.label, 48))}</text><rect x="${labelW}" y="${y}" width="${barW}" height="${rowH - 6}" fill="#f1f3f5"/><rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${ratioColor(r.ratio)}"/><text x="${labelW + barW + 5}" y="${y + 10}" font-size="9">${esc(r.ratio === null ? '–' : pct(r.ratio, lang))}</text>`;
    })
    .join('');
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(title)}">${body}</svg>`;
}

/** Index (0–1) of each unit across exercises in time order; one line per unit. */
export function trendChart(trends: readonly UnitTrend[], lang: Language, s: ReportStrings, zone: string): string {
  const series = trends.filter((t) => t.points.length > 0);
  if (series.length === 0) return `<p class="muted">${esc(s.noTrend)}</p>`;
  const exercises = [...new Map(series.flatMap((t) => t.points.map((p) => [p.exerciseId, p] as const))).values()].sort((a, b) =>
    a.heldAt < b.heldAt ? -1 : a.heldAt > b.heldAt ? 1 : 0,
  );
  const order = new Map(exercises.map((p, i) => [p.exerciseId, i]));
  const left = 40;
  const top = 10;
  const plotW = 520;
  const plotH = 120;
  const step = exercises.length > 1 ? plotW / (exercises.length - 1) : 0;
  const xOf = (id: string) => left + (exercises.length > 1 ? order.get(id)! * step : plotW / 2);
  const yOf = (v: number) => top + (1 - v) * plotH;
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map(
      (v) =>
        `<line x1="${left}" y1="${yOf(v)}" x2="${left + plotW}" y2="${yOf(v)}" stroke="#ddd" stroke-width="0.5"/><text x="${left - 5}" y="${yOf(v) + 3}" font-size="8" text-anchor="end">${esc(num(v, lang))}</text>`,
    )
    .join('');
  const xLabels = exercises
    .map(
      (p) =>
        `<text x="${xOf(p.exerciseId)}" y="${top + plotH + 12}" font-size="7.5" text-anchor="middle">${esc(new Date(p.heldAt).toLocaleDateString(locale(lang), { timeZone: zone }))}</text>`,
    )
    .join('');
  const lines = series
    .map((t, i) => {
      const color = SERIES_COLORS[i % SERIES_COLORS.length]!;
      const pts = t.points.map((p) => `${xOf(p.exerciseId).toFixed(1)},${yOf(p.index).toFixed(1)}`);
      const dots = t.points.map((p) => `<circle cx="${xOf(p.exerciseId).toFixed(1)}" cy="${yOf(p.index).toFixed(1)}" r="2.5" fill="${color}"/>`).join('');
      return `${pts.length > 1 ? `<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="1.6"/>` : ''}${dots}`;
    })
    .join('');
  const legendTop = top + plotH + 24;
  const legend = series
    .map((t, i) => {
      const col = i % 2;
      const row = Math.floor(i / 2);
      const x = left + col * 280;
      const y = legendTop + row * 13;
      return `<rect x="${x}" y="${y}" width="9" height="9" fill="${SERIES_COLORS[i % SERIES_COLORS.length]}"/><text x="${x + 13}" y="${y + 8}" font-size="9">${esc(truncate(t.unit.name, 44))}</text>`;
    })
    .join('');
  const height = legendTop + Math.ceil(series.length / 2) * 13 + 6;
  const width = left + plotW + 20;
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${esc(s.trend)}">${grid}${xLabels}${lines}${legend}</svg><p class="muted">${esc(s.trendNote)}</p>`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// ---- tables ----

function rankingTable(teams: readonly TeamResult[], lang: Language, s: ReportStrings): string {
  const head = `<tr><th>${esc(s.rank)}</th><th>${esc(s.team)}</th><th>${esc(s.unit)}</th><th class="n">${esc(s.index)}</th><th class="n">${esc(s.total)}</th>${SCORE_COMPONENTS.map((c) => `<th class="n">${esc(s.components[c])}</th>`).join('')}</tr>`;
  const rows = teams
    .map(
      (t) =>
        `<tr><td class="n">${t.rank}</td><td>${esc(t.teamName)}</td><td>${esc(t.unit?.name ?? '–')}</td><td class="n strong">${esc(idx(t.index, lang))}</td><td class="n">${esc(num(t.total, lang))}</td>${SCORE_COMPONENTS.map(
          (c) =>
            `<td class="n">${t.components[c].applicable ? `${esc(num(t.components[c].score, lang))}<span class="muted">/${t.components[c].max}</span>` : `<span class="muted">${esc(s.notApplicable)}</span>`}</td>`,
        ).join('')}</tr>`,
    )
    .join('');
  return `<table><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

function metricsTable(teams: readonly TeamResult[], lang: Language, s: ReportStrings): string {
  const head = `<tr><th>${esc(s.team)}</th><th class="n">${esc(s.alertsDelivered)}</th><th class="n">${esc(s.mtta)}</th><th class="n">${esc(s.mttv)}</th><th class="n">${esc(s.mttc)}</th><th class="n">${esc(s.detectionRate)}</th><th class="n">${esc(s.fpRate)}</th><th class="n">${esc(s.reportsOnTime)}</th><th class="n">${esc(s.responsesInWindow)}</th><th class="n">${esc(s.harmful)}</th><th class="n">${esc(s.hints)}</th></tr>`;
  const rows = teams
    .map((t) => {
      const m = t.metrics;
      return `<tr><td>${esc(t.teamName)}</td><td class="n">${m.alertsDelivered}</td><td class="n">${esc(minutes(m.meanTimeToAcknowledgeMs, s))}</td><td class="n">${esc(minutes(m.meanTimeToVerdictMs, s))}</td><td class="n">${esc(minutes(m.meanTimeToContainMs, s))}</td><td class="n">${esc(pct(m.detectionRate, lang))}</td><td class="n">${esc(pct(m.falsePositiveRate, lang))}</td><td class="n">${m.reportsOnTime}/${m.reportsDue}</td><td class="n">${m.responsesInWindow}/${m.responsesDue}</td><td class="n">${m.harmfulActions}</td><td class="n">${m.hintsUsed}</td></tr>`;
    })
    .join('');
  return `<table class="small"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

/** Rows of a weakness view with the summed figures and, per column (team or unit), its ratio. */
function weaknessTable(
  rows: readonly WeaknessRow[],
  columns: ReadonlyArray<{ key: string; label: string; of: (row: WeaknessRow) => { points: number; maxPoints: number } | null }>,
  lang: Language,
  s: ReportStrings,
  scenarioTitles?: ReadonlyMap<string, Text>,
): string {
  const head = `<tr><th>${esc(s.slice)}</th><th class="n">${esc(s.truePositives)}</th><th class="n">${esc(s.detected)}</th><th class="n">${esc(s.missed)}</th><th class="n">${esc(s.falseAlarms)}</th><th class="n">${esc(s.points)}</th><th class="n">${esc(s.ratio)}</th>${columns.map((c) => `<th class="n">${esc(truncate(c.label, 22))}</th>`).join('')}</tr>`;
  let scenario: string | null = null;
  const body = rows
    .map((r) => {
      let group = '';
      if (scenarioTitles && r.scenarioId !== null && r.scenarioId !== scenario) {
        scenario = r.scenarioId;
        const title = scenarioTitles.get(r.scenarioId);
        group = `<tr class="group"><td colspan="${7 + columns.length}">${esc(title ? pick(title, lang) : r.scenarioId)}</td></tr>`;
      }
      const cols = columns
        .map((c) => {
          const v = c.of(r);
          const ratio = v === null || v.maxPoints <= 0 ? null : Math.max(0, v.points) / v.maxPoints;
          return `<td class="n heat" style="background:${ratioColor(ratio)}">${esc(ratio === null ? '–' : pct(ratio, lang))}</td>`;
        })
        .join('');
      return `${group}<tr><td>${esc(pick(r.label, lang))}</td><td class="n">${r.truePositives}</td><td class="n">${r.detected}</td><td class="n">${r.missed}</td><td class="n">${r.falsePositivesRaised}</td><td class="n">${esc(num(r.points, lang))}/${esc(num(r.maxPoints, lang))}</td><td class="n heat" style="background:${ratioColor(r.ratio)}">${esc(pct(r.ratio, lang))}</td>${cols}</tr>`;
    })
    .join('');
  return `<table class="small"><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function heatmapTable(w: Weaknesses, lang: Language, s: ReportStrings): string {
  if (w.heatmap.techniques.length === 0) return `<p class="muted">${esc(s.nothingWeak)}</p>`;
  const cells = new Map<string, HeatCell>(w.heatmap.cells.map((c) => [`${c.technique}\u0000${c.column}`, c]));
  const head = `<tr><th>ATT&amp;CK</th>${w.heatmap.columns.map((c) => `<th class="n">${esc(truncate(c.label, 24))}</th>`).join('')}</tr>`;
  const body = w.heatmap.techniques
    .map((tech) => {
      const tds = w.heatmap.columns
        .map((col) => {
          const cell = cells.get(`${tech}\u0000${col.key}`);
          if (!cell) return '<td class="n heat" style="background:#fff"></td>';
          const label = cell.detectionRatio === null ? '–' : `${cell.detected}/${cell.truePositives}`;
          return `<td class="n heat" style="background:${ratioColor(cell.detectionRatio)}">${esc(label)}</td>`;
        })
        .join('');
      return `<tr><td class="mono">${esc(tech)}</td>${tds}</tr>`;
    })
    .join('');
  return `<table class="small heatmap"><thead>${head}</thead><tbody>${body}</tbody></table><p class="muted">${esc(s.heatmapNote)}</p>`;
}

function weakestBlock(w: Weaknesses, lang: Language, s: ReportStrings): string {
  const find = (rows: readonly WeaknessRow[], key: string | null) => (key === null ? undefined : rows.find((r) => r.key === key));
  const line = (label: string, row: WeaknessRow | undefined, extra = '') =>
    `<li><b>${esc(label)}:</b> ${row ? `${esc(pick(row.label, lang))}${extra} — ${esc(s.ratio.toLowerCase())} ${esc(pct(row.ratio, lang))}, ${esc(s.missed.toLowerCase())} ${row.missed}/${row.truePositives}, ${esc(s.falseAlarms.toLowerCase())} ${row.falsePositivesRaised}` : esc(s.nothingWeak)}</li>`;
  const technique = find(w.techniques, w.weakest.technique);
  return `<ul class="weak">${line(s.weakestLayer, find(w.layers, w.weakest.layer))}${line(s.weakestPhase, find(w.phases, w.weakest.phase))}${line(s.weakestTechnique, technique)}</ul>`;
}

function lostItems(score: TeamScore, limit: number): LineItem[] {
  const items = SCORE_COMPONENTS.flatMap((c) => score.components[c].items).filter(
    (i) => i.status !== 'not-applicable' && i.status !== 'info' && i.points < i.maxPoints,
  );
  return items.sort((a, b) => b.maxPoints - b.points - (a.maxPoints - a.points) || (a.id < b.id ? -1 : 1)).slice(0, limit);
}

function lostTable(team: TeamResult, score: TeamScore | undefined, names: ScenarioNames, reviewLink: string, lang: Language, s: ReportStrings): string {
  if (!score) return '';
  const rows = lostItems(score, 8)
    .map(
      (i) =>
        `<tr><td>${esc(s.components[i.component])}</td><td>${esc(pick(findingSubject(i, names), lang))}</td><td class="n">${esc(num(i.points, lang))}/${esc(num(i.maxPoints, lang))}</td><td class="note">${esc(pick(findingText(i, { names }), lang))}</td></tr>`,
    )
    .join('');
  if (rows === '') return '';
  // Not kept in one piece: a team's table may be taller than what is left of a page (rows never split).
  return `<h4>${esc(team.teamName)} — ${esc(s.pointsLost)}</h4><table class="small lost"><colgroup><col style="width:15%"><col style="width:25%"><col style="width:9%"><col></colgroup><thead><tr><th>${esc(s.component)}</th><th>${esc(s.subject)}</th><th class="n">${esc(s.points)}</th><th>${esc(s.note)}</th></tr></thead><tbody>${rows}</tbody></table><p class="muted">${esc(s.reviewLink)}: <a href="${esc(reviewLink)}">${esc(reviewLink)}</a></p>`;
}

// ---- documents ----

/** What the one-page leadership summary shows at most; the technical details list everything. */
const SUMMARY_ROWS = 10;
const SUMMARY_SERIES = 8;

const CSS = `
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: 'Be Vietnam Pro', 'DejaVu Sans', 'Liberation Sans', sans-serif; font-size: 9.5pt; color: #1a1b1e; margin: 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; color: #1864ab; }
h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1.5px solid #1864ab; padding-bottom: 1mm; color: #1864ab; }
h3 { font-size: 11pt; margin: 5mm 0 2mm; }
h4 { font-size: 10pt; margin: 4mm 0 1.5mm; }
.meta { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 4mm; margin: 2mm 0 3mm; }
.meta dt { color: #555; } .meta dd { margin: 0; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; }
th, td { border: 0.5px solid #adb5bd; padding: 1.2mm 1.6mm; vertical-align: top; text-align: left; }
th { background: #e7f5ff; font-weight: 700; }
thead { display: table-header-group; }
tr { page-break-inside: avoid; }
td.n { text-align: right; white-space: nowrap; } th.n { text-align: right; }
th { hyphens: auto; }
.small { font-size: 8pt; } .small th, .small td { padding: 0.8mm 1.2mm; }
.heat { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
.heatmap td.n { text-align: center; }
.strong { font-weight: 700; }
.muted { color: #666; font-size: 8pt; }
.mono { font-family: 'DejaVu Sans Mono', monospace; font-size: 7.5pt; }
.note { font-size: 7.5pt; }
.weak li { margin-bottom: 1mm; }
.chart { display: block; margin: 2mm 0; max-width: 100%; height: auto; }
.break { page-break-before: always; }
h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
.summary { break-after: page; page-break-after: always; }
.lost { table-layout: fixed; }
.keep { break-inside: avoid; page-break-inside: avoid; }
tr.group td { background: #f1f3f5; font-weight: 700; }
.callout { background: #f8f9fa; border-left: 3px solid #1864ab; padding: 2mm 3mm; margin: 2mm 0; }
`;

function documentHtml(lang: Language, title: string, fontFaces: string, body: string): string {
  return `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:"><title>${esc(title)}</title><style>${fontFaces}${CSS}</style></head><body>${body}</body></html>`;
}

function meta(rows: ReadonlyArray<[string, string]>): string {
  return `<dl class="meta">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

export interface ExerciseReportModel {
  readonly lang: Language;
  readonly orgName: string;
  readonly generatedAt: string;
  readonly results: ExerciseResults;
  /** This exercise's weaknesses with heat-map columns per team. */
  readonly weaknesses: Weaknesses;
  /** Trend of the participating units (finished exercises up to this one). */
  readonly trends: readonly UnitTrend[];
  /** Full scores (line items) per team id, for the technical details. */
  readonly fullScores: ReadonlyMap<string, TeamScore>;
  /** The exercise's scenario: findings are named by its titles. */
  readonly scenario: Scenario;
  /** Where a reader opens a team's review in the console. */
  readonly reviewLink: (exerciseId: string, teamId: string) => string;
  /** The organisation's time zone (IANA). */
  readonly timeZone: string;
  readonly fontFaces: string;
}

export function exerciseReportHtml(model: ExerciseReportModel): string {
  const { lang, results, weaknesses } = model;
  const zone = model.timeZone;
  const names = new ScenarioNames(model.scenario);
  const s = reportStrings(lang);
  const e = results.exercise;
  const teamColumns = weaknesses.heatmap.columns.map((c) => ({
    key: c.key,
    label: c.label,
    of: (row: WeaknessRow) => {
      const t = row.teams.find((x) => `${x.exerciseId}:${x.teamId}` === c.key);
      return t ? { points: t.points, maxPoints: t.maxPoints } : null;
    },
  }));
  const body = [
    `<h1>${esc(s.exerciseReportTitle)}</h1>`,
    `<h3 style="margin-top:0">${esc(e.title)}</h3>`,
    meta([
      [s.organisation, model.orgName],
      [s.scenario, `${pick(e.scenarioTitle, lang)} (${e.scenarioId} v${e.scenarioVersion})`],
      [s.status, s.statuses[e.status] ?? e.status],
      [s.heldAt, date(e.heldAt, lang, zone)],
      [s.teams, String(e.teamCount)],
      [s.generatedAt, date(model.generatedAt, lang, zone)],
    ]),
    `<section class="summary"><h2>${esc(s.leadershipSummary)}</h2>`,
    `<p class="callout">${esc(s.scaleNote)} ${esc(s.unitRule)}</p>`,
    `<h3>${esc(s.ranking)}</h3>`,
    // The chart carries rank, name, index and the four components; the table with units and maxima is in part II.
    rankingChart(results.teams.slice(0, SUMMARY_ROWS), lang, s),
    results.teams.length > SUMMARY_ROWS ? `<p class="muted">${esc(s.moreInDetails(results.teams.length - SUMMARY_ROWS))}</p>` : '',
    `<h3>${esc(s.weakest)}</h3>`,
    weakestBlock(weaknesses, lang, s),
    ratioBars(
      weaknesses.layers.map((r) => ({ label: pick(r.label, lang), ratio: r.ratio })),
      lang,
      s.perLayer,
    ),
    `<h3>${esc(s.trend)}</h3>`,
    trendChart(model.trends.slice(0, SUMMARY_SERIES), lang, s, zone),
    `</section><h2>${esc(s.technicalDetails)}</h2>`,
    `<h3>${esc(s.ranking)}</h3>`,
    rankingTable(results.teams, lang, s),
    `<h3>${esc(s.metrics)}</h3>`,
    metricsTable(results.teams, lang, s),
    `<h3>${esc(s.perLayer)}</h3>`,
    weaknessTable(weaknesses.layers, teamColumns, lang, s),
    `<h3>${esc(s.perPhase)}</h3>`,
    weaknessTable(weaknesses.phases, teamColumns, lang, s),
    `<h3>${esc(s.heatmap)}</h3>`,
    heatmapTable(weaknesses, lang, s),
    ...results.teams.map((t) => lostTable(t, model.fullScores.get(t.teamId), names, model.reviewLink(e.id, t.teamId), lang, s)),
  ].join('\n');
  return documentHtml(lang, `${s.exerciseReportTitle} — ${e.title}`, model.fontFaces, body);
}

export interface PeriodReportModel {
  readonly lang: Language;
  readonly orgName: string;
  readonly generatedAt: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly exercises: readonly ExerciseResults[];
  readonly trends: readonly UnitTrend[];
  /** Weaknesses over the period with heat-map columns per unit. */
  readonly weaknesses: Weaknesses;
  /** Practice runs (luyện tập) held in the period: only counted, never part of the figures. */
  readonly practiceRuns?: number;
  /** The organisation's time zone (IANA). */
  readonly timeZone: string;
  readonly fontFaces: string;
}

function exercisesTable(list: readonly ExerciseSummary[], lang: Language, s: ReportStrings, zone: string): string {
  const rows = list
    .map(
      (e) =>
        `<tr><td>${esc(date(e.heldAt, lang, zone))}</td><td>${esc(e.title)}</td><td>${esc(pick(e.scenarioTitle, lang))}</td><td class="n">${e.teamCount}</td><td>${esc(e.units.map((u) => u.name).join(', '))}</td><td class="n">${esc(idx(e.scores?.bestIndex ?? null, lang))}</td><td class="n">${esc(idx(e.scores?.meanIndex ?? null, lang))}</td></tr>`,
    )
    .join('');
  return `<table class="small"><thead><tr><th>${esc(s.heldAt)}</th><th>${esc(s.exercise)}</th><th>${esc(s.scenario)}</th><th class="n">${esc(s.teams)}</th><th>${esc(s.unit)}</th><th class="n">${esc(s.bestIndex)}</th><th class="n">${esc(s.meanIndex)}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function unitRankingTable(trends: readonly UnitTrend[], lang: Language, s: ReportStrings, limit = Number.POSITIVE_INFINITY): string {
  const rows = trends
    .filter((t) => t.points.length > 0)
    .map((t) => {
      const values = t.points.map((p) => p.index);
      const meanIndex = values.reduce((a, b) => a + b, 0) / values.length;
      const change = values.length > 1 ? values[values.length - 1]! - values[0]! : null;
      return { t, meanIndex, last: values[values.length - 1]!, change };
    })
    .sort((a, b) => b.meanIndex - a.meanIndex);
  if (rows.length === 0) return `<p class="muted">${esc(s.noTrend)}</p>`;
  const more = rows.length > limit ? `<p class="muted">${esc(s.moreInDetails(rows.length - limit))}</p>` : '';
  const body = rows
    .slice(0, limit)
    .map(
      (r, i) =>
        `<tr><td class="n">${i + 1}</td><td>${esc(r.t.unit.name)}</td><td class="n">${r.t.points.length}</td><td class="n strong">${esc(idx(Math.round(r.meanIndex * 10_000) / 10_000, lang))}</td><td class="n">${esc(idx(r.last, lang))}</td><td class="n">${r.change === null ? '–' : `${r.change >= 0 ? '+' : '−'}${esc(idx(Math.abs(Math.round(r.change * 10_000) / 10_000), lang))}`}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>${esc(s.rank)}</th><th>${esc(s.unit)}</th><th class="n">${esc(s.exercises)}</th><th class="n">${esc(s.meanIndex)}</th><th class="n">${esc(s.latestIndex)}</th><th class="n">${esc(s.change)}</th></tr></thead><tbody>${body}</tbody></table>${more}`;
}

export function periodReportHtml(model: PeriodReportModel): string {
  const { lang, weaknesses } = model;
  const zone = model.timeZone;
  const s = reportStrings(lang);
  const periodText = model.from === null && model.to === null ? s.allTime : `${model.from ?? '…'} → ${model.to ?? '…'}`;
  const unitColumns = weaknesses.heatmap.columns.map((c) => ({
    key: c.key,
    label: c.label,
    of: (row: WeaknessRow) => {
      const mine = row.teams.filter((t) => (t.unitId ?? '(none)') === c.key);
      return mine.length === 0 ? null : { points: mine.reduce((a, t) => a + t.points, 0), maxPoints: mine.reduce((a, t) => a + t.maxPoints, 0) };
    },
  }));
  const header = [
    `<h1>${esc(s.periodReportTitle)}</h1>`,
    meta([
      [s.organisation, model.orgName],
      [s.period, periodText],
      [s.exercises, String(model.exercises.length)],
      ...(model.practiceRuns ? [[s.practiceRuns, String(model.practiceRuns)] as [string, string]] : []),
      [s.generatedAt, date(model.generatedAt, lang, zone)],
    ]),
  ];
  if (model.exercises.length === 0)
    return documentHtml(lang, s.periodReportTitle, model.fontFaces, [...header, `<p class="callout">${esc(s.noExercises)}</p>`].join('\n'));
  const body = [
    ...header,
    `<section class="summary"><h2>${esc(s.leadershipSummary)}</h2>`,
    `<p class="callout">${esc(s.scaleNote)} ${esc(s.unitRule)}</p>`,
    `<h3>${esc(s.unitRanking)}</h3>`,
    unitRankingTable(model.trends, lang, s, SUMMARY_ROWS),
    `<h3>${esc(s.trend)}</h3>`,
    trendChart(model.trends.slice(0, SUMMARY_SERIES), lang, s, zone),
    `<h3>${esc(s.weakest)}</h3>`,
    weakestBlock(weaknesses, lang, s),
    ratioBars(
      weaknesses.layers.map((r) => ({ label: pick(r.label, lang), ratio: r.ratio })),
      lang,
      s.perLayer,
    ),
    `</section><h2>${esc(s.technicalDetails)}</h2>`,
    `<h3>${esc(s.exercises)}</h3>`,
    exercisesTable(
      model.exercises.map((e) => e.exercise),
      lang,
      s,
      zone,
    ),
    model.trends.filter((t) => t.points.length > 0).length > SUMMARY_ROWS ? `<h3>${esc(s.unitRanking)}</h3>${unitRankingTable(model.trends, lang, s)}` : '',
    `<h3>${esc(s.perLayer)}</h3>`,
    weaknessTable(weaknesses.layers, unitColumns, lang, s),
    `<h3>${esc(s.perPhase)}</h3>`,
    weaknessTable(weaknesses.phases, unitColumns, lang, s, new Map(model.exercises.map((r) => [r.exercise.scenarioId, r.exercise.scenarioTitle]))),
    `<h3>${esc(s.heatmap)}</h3>`,
    heatmapTable(weaknesses, lang, s),
    ...model.exercises.map(
      (r) =>
        `<h3>${esc(r.exercise.title)} — ${esc(date(r.exercise.heldAt, lang, zone))}</h3>${rankingTable(r.teams, lang, s)}${metricsTable(r.teams, lang, s)}`,
    ),
  ].join('\n');
  return documentHtml(lang, s.periodReportTitle, model.fontFaces, body);
}
