import type { Text } from '../contracts/common.schema.js';
import type { CellTeam, ComponentFigures, DrillAlert, HeatCell, TrendPoint, UnitRef, UnitTrend, WeaknessRow, Weaknesses } from '../contracts/results.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import { SCORE_COMPONENTS, type BreakdownRow, type ScoreComponentId, type TeamScore } from '../contracts/scoring.schema.js';
import { AnswerKey } from '../scoring/answer-key.js';

/**
 * Pure assembly of the results views from TeamScores. Nothing is scored here: every figure is a
 * TeamScore field or a plain sum of TeamScore breakdown rows over teams; ratios of sums are the
 * only derived numbers (rounded like the scorer: 0.0001).
 */

export const NO_KEY = '(none)';

export function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

export function reviewHref(exerciseId: string, teamId: string): string {
  return `/api/exercises/${encodeURIComponent(exerciseId)}/teams/${encodeURIComponent(teamId)}/review`;
}

/** Where a reader opens a team's review in the console (the `/api` link needs a token a spreadsheet does not have). */
export function consoleReviewLink(origin: string, exerciseId: string, teamId: string): string {
  return `${origin.replace(/\/+$/, '')}/exercises/${encodeURIComponent(exerciseId)}/teams/${encodeURIComponent(teamId)}/review`;
}

export function teamScoreHref(exerciseId: string, teamId: string): string {
  return `/api/results/exercises/${encodeURIComponent(exerciseId)}/teams/${encodeURIComponent(teamId)}`;
}

export interface MemberUnit {
  readonly unitId: string | null;
}

/**
 * A team's unit is the unit most of its members belong to (their current unit); a tie goes to the
 * unit whose code sorts first, so the answer never depends on row order. No members: no unit.
 */
export function teamUnits(
  members: readonly MemberUnit[],
  units: ReadonlyMap<string, UnitRef>,
): { unit: UnitRef | null; units: Array<UnitRef & { members: number }> } {
  const counts = new Map<string, number>();
  for (const m of members) if (m.unitId !== null && units.has(m.unitId)) counts.set(m.unitId, (counts.get(m.unitId) ?? 0) + 1);
  const list = [...counts.entries()]
    .map(([id, n]) => ({ ...units.get(id)!, members: n }))
    .sort((a, b) => b.members - a.members || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0) || (a.id < b.id ? -1 : 1));
  const first = list[0];
  return { unit: first === undefined ? null : { id: first.id, code: first.code, name: first.name }, units: list };
}

export function componentFigures(score: TeamScore): ComponentFigures {
  const figure = (id: ScoreComponentId) => {
    const c = score.components[id];
    return {
      score: c.score,
      max: c.effectiveWeight,
      index: c.applicable && c.effectiveWeight > 0 ? round4(c.score / c.effectiveWeight) : null,
      applicable: c.applicable,
    };
  };
  return { detection: figure('detection'), response: figure('response'), coordination: figure('coordination'), incident: figure('incident') };
}

// ---- trends ----

export interface TrendInput {
  readonly exerciseId: string;
  readonly exerciseTitle: string;
  readonly scenarioId: string;
  readonly heldAt: string;
  readonly teamId: string;
  readonly teamName: string;
  readonly rank: number;
  readonly unitId: string | null;
  readonly score: TeamScore;
}

function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((s, v) => s + v, 0) / values.length;
}

/** One point per (unit, exercise), in time order; a unit with several teams in one exercise gets their mean. */
export function unitTrends(units: readonly UnitRef[], teams: readonly TrendInput[]): UnitTrend[] {
  return units.map((unit) => {
    const mine = teams.filter((t) => t.unitId === unit.id);
    const byExercise = new Map<string, TrendInput[]>();
    for (const t of mine) byExercise.set(t.exerciseId, [...(byExercise.get(t.exerciseId) ?? []), t]);
    const points: TrendPoint[] = [...byExercise.values()].map((list) => {
      const first = list[0]!;
      const componentMean = (id: ScoreComponentId): number | null => {
        const values = list.map((t) => componentFigures(t.score)[id].index).filter((v): v is number => v !== null);
        const m = mean(values);
        return m === null ? null : round4(m);
      };
      return {
        exerciseId: first.exerciseId,
        exerciseTitle: first.exerciseTitle,
        scenarioId: first.scenarioId,
        heldAt: first.heldAt,
        teams: list.map((t) => ({
          teamId: t.teamId,
          teamName: t.teamName,
          rank: t.rank,
          total: t.score.total,
          index: t.score.index,
          reviewHref: reviewHref(t.exerciseId, t.teamId),
        })),
        index: round4(mean(list.map((t) => t.score.index)) ?? 0),
        total: round2(mean(list.map((t) => t.score.total)) ?? 0),
        components: {
          detection: componentMean('detection'),
          response: componentMean('response'),
          coordination: componentMean('coordination'),
          incident: componentMean('incident'),
        },
      };
    });
    points.sort((a, b) => (a.heldAt < b.heldAt ? -1 : a.heldAt > b.heldAt ? 1 : a.exerciseId < b.exerciseId ? -1 : 1));
    return { unit, points };
  });
}

// ---- weaknesses ----

export interface WeaknessInput {
  readonly exerciseId: string;
  readonly teamId: string;
  readonly teamName: string;
  readonly unitId: string | null;
  readonly scenario: Scenario;
  /** Full detail (line items) for the alert drill-down; 'totals' gives the figures without alert refs. */
  readonly score: TeamScore;
}

export const LAYER_LABELS: Record<string, Text> = {
  '1': { vi: 'Lớp 1 – Lực lượng tại chỗ', en: 'Layer 1 – On-site force' },
  '2': { vi: 'Lớp 2 – Giám sát, bảo vệ chuyên nghiệp', en: 'Layer 2 – Professional monitoring and protection' },
  '3': { vi: 'Lớp 3 – Kiểm tra, đánh giá độc lập', en: 'Layer 3 – Independent assessment' },
  '4': { vi: 'Lớp 4 – Giám sát quốc gia', en: 'Layer 4 – National monitoring' },
};

const NO_PHASE: Text = { vi: 'Ngoài chuỗi tấn công (cảnh báo nhiễu, bối cảnh)', en: 'No kill-chain phase (noise, context)' };
const NO_TECHNIQUE: Text = { vi: 'Không gắn kỹ thuật ATT&CK', en: 'No ATT&CK technique' };

interface Acc {
  alerts: number;
  truePositives: number;
  detected: number;
  missed: number;
  falsePositivesRaised: number;
  points: number;
  maxPoints: number;
  teams: CellTeam[];
}

const emptyAcc = (): Acc => ({ alerts: 0, truePositives: 0, detected: 0, missed: 0, falsePositivesRaised: 0, points: 0, maxPoints: 0, teams: [] });

function add(acc: Acc, row: BreakdownRow, team: Omit<CellTeam, keyof BreakdownFigures | 'alertRefs'>, alertRefs: DrillAlert[]): void {
  acc.alerts += row.alerts;
  acc.truePositives += row.truePositives;
  acc.detected += row.detected;
  acc.missed += row.missed;
  acc.falsePositivesRaised += row.falsePositivesRaised;
  acc.points += row.points;
  acc.maxPoints += row.maxPoints;
  acc.teams.push({
    ...team,
    alerts: row.alerts,
    truePositives: row.truePositives,
    detected: row.detected,
    missed: row.missed,
    falsePositivesRaised: row.falsePositivesRaised,
    points: row.points,
    maxPoints: row.maxPoints,
    alertRefs,
  });
}

type BreakdownFigures = Pick<BreakdownRow, 'alerts' | 'truePositives' | 'detected' | 'missed' | 'falsePositivesRaised' | 'points' | 'maxPoints'>;

function figures(acc: Acc) {
  return {
    alerts: acc.alerts,
    truePositives: acc.truePositives,
    detected: acc.detected,
    missed: acc.missed,
    falsePositivesRaised: acc.falsePositivesRaised,
    points: round2(acc.points),
    maxPoints: round2(acc.maxPoints),
    ratio: acc.maxPoints > 0 ? round4(Math.max(0, acc.points) / acc.maxPoints) : null,
    detectionRatio: acc.truePositives > 0 ? round4(acc.detected / acc.truePositives) : null,
  };
}

interface ClassifiedAlert extends DrillAlert {
  readonly layer: string;
  readonly phase: string;
  readonly technique: string;
}

function titleIndex(scenario: Scenario): Map<string, Text> {
  const titles = new Map<string, Text>();
  for (const a of scenario.timeline) titles.set(a.id, a.title);
  for (const i of scenario.injects) titles.set(i.id, i.title);
  for (const g of scenario.noise) titles.set(g.id, g.template.title);
  return titles;
}

/**
 * The alerts behind a team's detection figures, classified with the same answer key the scorer
 * used: true positives (detected or missed) and false alarms; points are the sum of the alert's
 * detection line items. Needs a 'full' score (a 'totals' score has no items, hence no refs).
 */
export function drillAlerts(scenario: Scenario, score: TeamScore): ClassifiedAlert[] {
  const key = new AnswerKey(scenario);
  const titles = titleIndex(scenario);
  const bySubject = new Map<string, { points: number; maxPoints: number; verdictCode: string; verdictPoints: number; falseAlarm: boolean }>();
  for (const item of score.components.detection.items) {
    if (!item.kind.startsWith('alert-')) continue;
    const entry = bySubject.get(item.subject) ?? { points: 0, maxPoints: 0, verdictCode: '', verdictPoints: 0, falseAlarm: false };
    entry.points += item.points;
    entry.maxPoints += item.maxPoints;
    if (item.kind === 'alert-verdict') {
      entry.verdictCode = item.code;
      entry.verdictPoints = item.points;
    }
    if (item.kind === 'alert-false-alarm') entry.falseAlarm = true;
    bySubject.set(item.subject, entry);
  }
  const out: ClassifiedAlert[] = [];
  for (const [alertId, entry] of bySubject) {
    const k = key.alert(alertId);
    if (k === undefined) continue;
    const tp = k.answer.verdict === 'true-positive';
    if (!tp && !entry.falseAlarm) continue;
    const dash = alertId.lastIndexOf('-');
    const title = titles.get(alertId) ?? (dash > 0 ? titles.get(alertId.slice(0, dash)) : undefined) ?? { vi: alertId, en: alertId };
    out.push({
      alertId,
      title,
      outcome: !tp ? 'false-alarm' : entry.verdictPoints > 0 ? 'detected' : 'missed',
      points: round2(entry.points),
      maxPoints: round2(entry.maxPoints),
      code: entry.verdictCode,
      layer: `${k.layer}`,
      phase: k.phase ?? NO_KEY,
      technique: k.technique ?? NO_KEY,
    });
  }
  return out.sort((a, b) => (a.alertId < b.alertId ? -1 : a.alertId > b.alertId ? 1 : 0));
}

const stripClass = ({ alertId, title, outcome, points, maxPoints, code }: ClassifiedAlert): DrillAlert => ({
  alertId,
  title,
  outcome,
  points,
  maxPoints,
  code,
});

function lowest(rows: readonly WeaknessRow[]): string | null {
  let best: WeaknessRow | null = null;
  for (const row of rows) {
    if (row.key.endsWith(NO_KEY) || row.ratio === null || row.maxPoints <= 0) continue;
    if (best === null || row.ratio < best.ratio! || (row.ratio === best.ratio && row.maxPoints > best.maxPoints)) best = row;
  }
  return best?.key ?? null;
}

export interface HeatColumn {
  readonly key: string;
  readonly label: string;
}

/**
 * Sums the teams' breakdown rows per layer, per (scenario, kill-chain phase) and per ATT&CK
 * technique, and builds the technique × unit (or × team) heat map; each cell lists the teams and
 * alerts behind it.
 */
export function aggregateWeaknesses(
  inputs: readonly WeaknessInput[],
  by: 'unit' | 'team',
  columnOf: (input: WeaknessInput) => HeatColumn,
  exerciseIds: readonly string[],
): Weaknesses {
  const layers = new Map<string, Acc>();
  const phases = new Map<string, { acc: Acc; label: Text; scenarioId: string; order: number; scenarioOrder: number }>();
  const techniques = new Map<string, Acc>();
  const cells = new Map<string, Acc>();
  const columns = new Map<string, HeatColumn>();
  const scenarioOrder = new Map<string, number>();

  for (const input of inputs) {
    if (!scenarioOrder.has(input.scenario.id)) scenarioOrder.set(input.scenario.id, scenarioOrder.size);
    const refs = drillAlerts(input.scenario, input.score);
    const team = {
      exerciseId: input.exerciseId,
      teamId: input.teamId,
      teamName: input.teamName,
      unitId: input.unitId,
      reviewHref: reviewHref(input.exerciseId, input.teamId),
    };
    const column = columnOf(input);
    columns.set(column.key, column);
    for (const row of input.score.breakdowns.layers) {
      const acc = layers.get(row.key) ?? emptyAcc();
      add(acc, row, team, refs.filter((r) => r.layer === row.key).map(stripClass));
      layers.set(row.key, acc);
    }
    const phaseIndex = new Map(input.scenario.phases.map((p, i) => [p.id, i]));
    for (const row of input.score.breakdowns.phases) {
      const key = `${input.scenario.id}:${row.key}`;
      const phase = input.scenario.phases.find((p) => p.id === row.key);
      const entry = phases.get(key) ?? {
        acc: emptyAcc(),
        label: row.key === NO_KEY ? NO_PHASE : phase ? phase.name : { vi: row.label, en: row.label },
        scenarioId: input.scenario.id,
        order: row.key === NO_KEY ? 1e9 : (phaseIndex.get(row.key) ?? 1e8),
        scenarioOrder: scenarioOrder.get(input.scenario.id)!,
      };
      add(entry.acc, row, team, refs.filter((r) => r.phase === row.key).map(stripClass));
      phases.set(key, entry);
    }
    for (const row of input.score.breakdowns.techniques) {
      const techniqueRefs = refs.filter((r) => r.technique === row.key).map(stripClass);
      const acc = techniques.get(row.key) ?? emptyAcc();
      add(acc, row, team, techniqueRefs);
      techniques.set(row.key, acc);
      if (row.key === NO_KEY) continue;
      const cellKey = `${row.key}\u0000${column.key}`;
      const cell = cells.get(cellKey) ?? emptyAcc();
      add(cell, row, team, techniqueRefs);
      cells.set(cellKey, cell);
    }
  }

  const layerRows: WeaknessRow[] = [...layers.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, acc]) => ({ key, label: LAYER_LABELS[key] ?? { vi: `Lớp ${key}`, en: `Layer ${key}` }, scenarioId: null, ...figures(acc), teams: acc.teams }));
  const phaseRows: WeaknessRow[] = [...phases.entries()]
    .sort(([, a], [, b]) => a.scenarioOrder - b.scenarioOrder || a.order - b.order)
    .map(([key, p]) => ({ key, label: p.label, scenarioId: p.scenarioId, ...figures(p.acc), teams: p.acc.teams }));
  const techniqueRows: WeaknessRow[] = [...techniques.entries()]
    .sort(([a], [b]) => (a === NO_KEY ? 1 : b === NO_KEY ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .map(([key, acc]) => ({ key, label: key === NO_KEY ? NO_TECHNIQUE : { vi: key, en: key }, scenarioId: null, ...figures(acc), teams: acc.teams }));
  const techniqueKeys = techniqueRows.map((r) => r.key).filter((k) => k !== NO_KEY);
  const heatCells: HeatCell[] = [...cells.entries()].map(([k, acc]) => {
    const [technique, column] = k.split('\u0000') as [string, string];
    return { technique, column, ...figures(acc), teams: acc.teams };
  });
  heatCells.sort((a, b) => techniqueKeys.indexOf(a.technique) - techniqueKeys.indexOf(b.technique) || (a.column < b.column ? -1 : a.column > b.column ? 1 : 0));
  return {
    exerciseIds: [...exerciseIds],
    layers: layerRows,
    phases: phaseRows,
    techniques: techniqueRows,
    heatmap: { by, columns: [...columns.values()].sort((a, b) => a.label.localeCompare(b.label, 'vi')), techniques: techniqueKeys, cells: heatCells },
    weakest: { layer: lowest(layerRows), phase: lowest(phaseRows), technique: lowest(techniqueRows) },
  };
}

export const COMPONENTS: readonly ScoreComponentId[] = SCORE_COMPONENTS;
