import {
  SCORE_COMPONENTS,
  type BreakdownRow,
  type ComponentScore,
  type LineItem,
  type MemberContribution,
  type ScoreComponentId,
  type ScoreMetrics,
  type TeamScore,
} from '../../contracts/scoring.schema.js';
import { AnswerKey } from '../answer-key.js';
import { scoreCoordination } from './coordination-score.js';
import { scoreDetection } from './detection-score.js';
import { hintItems } from './hint-penalties.js';
import { scoreIncidents } from './incident-score.js';
import { applicableKeyIncidents, matchIncidents } from './incident-matching.js';
import { scoreResponse } from './response-score.js';
import { buildContext } from './score-context.js';
import { clamp, evidence, round2, round4 } from './score-helpers.js';
import type { DetectionTally, MetricsAcc, RawComponent, RawItem, RawPart, ScoreInput } from './score-types.js';

/** Assembly: runs the components, applies weights and rescaling, builds breakdowns, metrics and members. */

/** Integer weights summing to `total`: not-applicable components give theirs to the others, by largest remainder. */
export function redistribute(
  weights: Readonly<Record<ScoreComponentId, number>>,
  applicable: ReadonlySet<ScoreComponentId>,
  total: number,
): Record<ScoreComponentId, number> {
  const out = { detection: 0, response: 0, coordination: 0, incident: 0 };
  const ids = SCORE_COMPONENTS.filter((id) => applicable.has(id));
  const sum = ids.reduce((s, id) => s + weights[id], 0);
  if (sum === 0) return out;
  const exact = ids.map((id) => ({ id, value: (weights[id] * total) / sum }));
  let left = total;
  for (const e of exact) {
    out[e.id] = Math.floor(e.value);
    left -= out[e.id];
  }
  const order = exact.map((e, index) => ({ ...e, index, rest: e.value - Math.floor(e.value) })).sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (let i = 0; i < left; i++) out[order[i % order.length].id] += 1;
  return out;
}

function partIsApplicable(part: RawPart): boolean {
  if (part.notApplicableReason !== undefined) return false;
  return part.items.some((i) => i.scaled && i.rawMax > 0);
}

/** Scores one team. Pure and deterministic: the same input gives byte-identical JSON. */
export function computeScore(input: ScoreInput): TeamScore {
  const key = input.key ?? new AnswerKey(input.scenario);
  const ctx = buildContext(input, key);
  const metrics: MetricsAcc = {
    delivered: 0,
    acknowledged: 0,
    ackSum: 0,
    verdicts: 0,
    verdictSum: 0,
    tpDelivered: 0,
    tpDetected: 0,
    tpVerdicts: 0,
    wrongTpVerdicts: 0,
    reportsDue: 0,
    reportsOnTime: 0,
    responsesDue: 0,
    responsesInWindow: 0,
    harmful: 0,
    hints: 0,
    containCount: 0,
    containSum: 0,
  };
  const keyIncidents = applicableKeyIncidents(ctx);
  ctx.incidentMatch = matchIncidents(ctx, keyIncidents);
  const tallies: DetectionTally[] = [];
  const raw: Record<ScoreComponentId, RawComponent> = {
    detection: scoreDetection(ctx, key, tallies, metrics),
    response: scoreResponse(ctx, metrics),
    coordination: scoreCoordination(ctx, keyIncidents, metrics),
    incident: scoreIncidents(ctx, keyIncidents, metrics),
  };
  hintItems(ctx, raw, metrics);
  for (const adjustment of input.adjustments ?? []) {
    raw[adjustment.component].unscaled.push({
      id: `adjustment:${adjustment.id}`,
      kind: 'manual-adjustment',
      subject: adjustment.id,
      status: 'adjustment',
      raw: adjustment.points,
      rawMax: 0,
      scaled: false,
      code: 'MANUAL_ADJUSTMENT',
      note: `Adjusted by ${adjustment.by}: ${adjustment.reason}`,
      evidence: evidence({ userIds: [] }),
    });
  }

  const weights = input.scenario.scoring.weights;
  const applicable = new Set<ScoreComponentId>(SCORE_COMPONENTS.filter((id) => raw[id].parts.some(partIsApplicable)));
  const maxScore = input.scenario.scoring.maxScore;
  const effective = redistribute(weights, applicable, maxScore);

  const components = {} as Record<ScoreComponentId, ComponentScore>;
  const detectionScales: Record<string, number> = {};
  const allItems: LineItem[] = [];
  let lastScoringActionMs: number | null = null;
  const full = input.detail !== 'totals';
  for (const id of SCORE_COMPONENTS) {
    const component = raw[id];
    const isApplicable = applicable.has(id);
    const partApplicable = component.parts.map(partIsApplicable);
    const shareSum = component.parts.reduce((s, p, i) => s + (partApplicable[i] ? p.share : 0), 0);
    const weight = effective[id];
    let unclamped = 0;
    const items: LineItem[] = [];
    const parts = component.parts.map((part, i) => {
      const ok = isApplicable && partApplicable[i] && shareSum > 0;
      const partWeight = ok ? (weight * part.share) / shareSum : 0;
      const earned = part.items.reduce((s, it) => s + (it.scaled ? it.raw : 0), 0);
      const max = part.items.reduce((s, it) => s + (it.scaled ? it.rawMax : 0), 0);
      const scale = ok && max > 0 ? partWeight / max : 0;
      if (id === 'detection') detectionScales[part.id] = scale;
      if (ok && max > 0) unclamped += partWeight * (earned / max);
      for (const it of part.items) {
        const points = ok ? round2(it.raw * scale) : 0;
        if (points > 0 && it.actedAtMs !== undefined && (lastScoringActionMs === null || it.actedAtMs > lastScoringActionMs))
          lastScoringActionMs = it.actedAtMs;
        if (full) items.push(toLineItem(id, part.id, it, points, ok ? round2(it.rawMax * scale) : 0, ok));
      }
      return {
        id: part.id,
        applicable: ok,
        weight: round2(partWeight),
        earned: round4(earned),
        max: round4(max),
        ratio: ok && max > 0 ? round4(earned / max) : null,
        ...(ok ? {} : { reason: part.notApplicableReason ?? (isApplicable ? 'nothing was expected here for this team' : 'component not applicable') }),
      };
    });
    for (const it of component.unscaled) {
      const charged = isApplicable ? it.raw : 0;
      unclamped += charged;
      if (full) items.push(toLineItem(id, it.kind === 'manual-adjustment' ? 'adjustments' : 'penalties', it, round2(charged), 0, isApplicable));
    }
    const score = round2(clamp(unclamped, 0, weight));
    components[id] = {
      id,
      weight: weights[id],
      effectiveWeight: weight,
      applicable: isApplicable,
      ...(isApplicable
        ? {}
        : { notApplicableReason: `nothing in this component applied to this team; its ${weights[id]} points were shared among the others` }),
      score,
      unclamped: round2(unclamped),
      parts,
      items,
    };
    allItems.push(...items);
  }
  const total = round2(SCORE_COMPONENTS.reduce((s, id) => s + components[id].score, 0));

  // Breakdowns from the detection tallies (points in final detection units).
  const phaseNames = new Map(input.scenario.phases.map((p) => [p.id, p.name.en]));
  const breakdown = (pick: (t: DetectionTally) => string, label: (k: string) => string, order?: (k: string) => number): BreakdownRow[] => {
    const rows = new Map<string, { alerts: number; tp: number; detected: number; missed: number; falseAlarm: number; raw: number; rawMax: number }>();
    for (const t of tallies) {
      const k = pick(t);
      const row = rows.get(k) ?? { alerts: 0, tp: 0, detected: 0, missed: 0, falseAlarm: 0, raw: 0, rawMax: 0 };
      row.alerts += 1;
      if (t.tp) row.tp += 1;
      if (t.detected) row.detected += 1;
      if (t.missed) row.missed += 1;
      if (t.falseAlarm) row.falseAlarm += 1;
      row.raw += t.raw * (detectionScales[t.part] ?? 0);
      row.rawMax += t.rawMax * (detectionScales[t.part] ?? 0);
      rows.set(k, row);
    }
    const keys = [...rows.keys()].sort((a, b) => (order ? order(a) - order(b) : 0) || (a < b ? -1 : a > b ? 1 : 0));
    return keys.map((k) => {
      const row = rows.get(k)!;
      return {
        key: k === '' ? '(none)' : k,
        label: label(k),
        alerts: row.alerts,
        truePositives: row.tp,
        detected: row.detected,
        missed: row.missed,
        falsePositivesRaised: row.falseAlarm,
        points: round2(row.raw),
        maxPoints: round2(row.rawMax),
        ratio: row.rawMax > 0 ? round4(Math.max(0, row.raw) / row.rawMax) : null,
      };
    });
  };
  const phaseOrder = new Map(input.scenario.phases.map((p, i) => [p.id, i]));
  const breakdowns = {
    layers: breakdown(
      (t) => t.layer,
      (k) => `Lớp ${k}`,
    ),
    phases: breakdown(
      (t) => t.phase,
      (k) => (k === '' ? 'No kill-chain phase (noise, context)' : (phaseNames.get(k) ?? k)),
      (k) => (k === '' ? 1e9 : (phaseOrder.get(k) ?? 1e8)),
    ),
    techniques: breakdown(
      (t) => t.technique,
      (k) => (k === '' ? 'No ATT&CK technique' : k),
    ),
  };

  const scoreMetrics: ScoreMetrics = {
    alertsDelivered: metrics.delivered,
    alertsAcknowledged: metrics.acknowledged,
    meanTimeToAcknowledgeMs: metrics.acknowledged > 0 ? Math.round(metrics.ackSum / metrics.acknowledged) : null,
    meanTimeToVerdictMs: metrics.verdicts > 0 ? Math.round(metrics.verdictSum / metrics.verdicts) : null,
    meanTimeToContainMs: metrics.containCount > 0 ? Math.round(metrics.containSum / metrics.containCount) : null,
    truePositivesDelivered: metrics.tpDelivered,
    truePositivesDetected: metrics.tpDetected,
    detectionRate: metrics.tpDelivered > 0 ? round4(metrics.tpDetected / metrics.tpDelivered) : null,
    falsePositiveRate: metrics.tpVerdicts > 0 ? round4(metrics.wrongTpVerdicts / metrics.tpVerdicts) : null,
    reportsDue: metrics.reportsDue,
    reportsOnTime: metrics.reportsOnTime,
    responsesDue: metrics.responsesDue,
    responsesInWindow: metrics.responsesInWindow,
    harmfulActions: metrics.harmful,
    hintsUsed: metrics.hints,
  };

  return {
    scenarioId: input.scenario.id,
    scenarioVersion: input.scenario.version,
    teamId: input.teamId ?? input.state.teamId ?? null,
    seed: input.seed === undefined ? null : `${input.seed}`,
    endMs: ctx.endMs,
    maxScore,
    total,
    index: round4(total / maxScore),
    components: { detection: components.detection, response: components.response, coordination: components.coordination, incident: components.incident },
    breakdowns,
    metrics: scoreMetrics,
    members: memberContributions(input, allItems),
    lastScoringActionMs,
  };
}

function toLineItem(component: ScoreComponentId, part: string, it: RawItem, points: number, maxPoints: number, applicable: boolean): LineItem {
  const notApplicable = !applicable && it.status !== 'not-applicable' && it.status !== 'info';
  return {
    id: it.id,
    component,
    part,
    kind: it.kind,
    subject: it.subject,
    status: notApplicable ? 'not-applicable' : it.status,
    points,
    maxPoints,
    code: it.code,
    note: notApplicable ? `${it.note} (not counted: this part does not apply to this team)` : it.note,
    evidence: it.evidence,
  };
}

function memberContributions(input: ScoreInput, items: readonly LineItem[]): MemberContribution[] {
  const members = new Map<string, { actions: number; byType: Map<string, number>; gained: number; lost: number }>();
  const get = (userId: string) => {
    let m = members.get(userId);
    if (m === undefined) {
      m = { actions: 0, byType: new Map(), gained: 0, lost: 0 };
      members.set(userId, m);
    }
    return m;
  };
  if (input.actions !== undefined) {
    for (const recorded of input.actions) {
      const m = get(recorded.userId);
      m.actions += 1;
      m.byType.set(recorded.action.type, (m.byType.get(recorded.action.type) ?? 0) + 1);
    }
  }
  for (const item of items) {
    if (item.points === 0 || item.evidence.userIds.length === 0) continue;
    const share = item.points / item.evidence.userIds.length;
    for (const userId of item.evidence.userIds) {
      const m = get(userId);
      if (share > 0) m.gained += share;
      else m.lost += share;
    }
  }
  return [...members.keys()].sort().map((userId) => {
    const m = members.get(userId)!;
    const actionsByType: Record<string, number> = {};
    for (const type of [...m.byType.keys()].sort()) actionsByType[type] = m.byType.get(type)!;
    return { userId, actions: m.actions, actionsByType, pointsGained: round2(m.gained), pointsLost: round2(m.lost) };
  });
}
