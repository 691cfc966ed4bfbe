import { formatDuration, SEVERITY_RANK, type Layer, type Severity } from '../contracts/common.schema.js';
import type { REPORT_CONTENT_FIELDS, Scenario, TimeRef } from '../contracts/scenario.schema.js';
import {
  SCORE_COMPONENTS,
  type BreakdownRow,
  type ComponentScore,
  type Evidence,
  type LineItem,
  type LineItemStatus,
  type ManualAdjustment,
  type MemberContribution,
  type ScoreComponentId,
  type ScoreMetrics,
  type TeamScore,
} from '../contracts/scoring.schema.js';
import type { IncidentState, ReportRecord, TeamState, TriageAction } from '../contracts/triage.schema.js';
import { AnswerKey, type KeyAlert } from './answer-key.js';
import { judgementsAt, NO_JUDGEMENT, receivedAt, settleInstant, triageWindowMs, type AlertJudgement } from './settlement.js';

type ReportContentField = (typeof REPORT_CONTENT_FIELDS)[number];

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

/** One event the team was shown (from the engine's delivered log). */
export interface ScoringDeliveredEvent {
  readonly eventId: string;
  readonly virtualMs: number;
  /** When the team received it, if later than `virtualMs` (a seek's or a recovery's catch-up): its triage window starts then. */
  readonly deliveredAtMs?: number;
  readonly origin: 'timeline' | 'noise' | 'inject';
  /** Library inject id (the answer key of an inject); absent for ad-hoc injects. */
  readonly injectId?: string;
}

/** A recorded trainee action; only used to trace points to members. */
export interface ScoringAction {
  readonly actionId: string;
  readonly userId: string;
  readonly virtualMs: number;
  readonly seq: number;
  readonly action: TriageAction;
}

export interface ScoreInput {
  readonly scenario: Scenario;
  readonly seed?: string | number;
  readonly teamId?: string;
  readonly delivered: readonly ScoringDeliveredEvent[];
  /** The team's state folded from its action log. */
  readonly state: TeamState;
  readonly actions?: readonly ScoringAction[];
  /** Virtual time the score is taken at; default: the scenario's duration. */
  readonly endMs?: number;
  /**
   * 'final' (default): every delivered alert settles at its delivery + the triage window, or at
   * `endMs` if that comes first. 'live': an alert whose window has not passed by `endMs` is pending
   * (not applicable, neither in the maximum nor missed). Either way an alert's verdict and severity
   * count as they were at its settle instant (from `actions`; a caller giving only a state vouches
   * that nothing changed after settlement).
   */
  readonly phase?: 'live' | 'final';
  readonly adjustments?: readonly ManualAdjustment[];
  /** Reuse one index of the answer key across teams. */
  readonly key?: AnswerKey;
  /**
   * 'full' (default) lists every line item; 'totals' computes the same scores, breakdowns and
   * metrics but leaves `items` empty and `members` without points (for a live scoreboard that
   * re-scores every team on each change; the after-action review asks for 'full').
   */
  readonly detail?: 'full' | 'totals';
}

// ---------------------------------------------------------------------------------------------
// Rules (documented in docs/scoring.md; change both together)
// ---------------------------------------------------------------------------------------------

export const SCORING_RULES = {
  /**
   * Detection parts: true positives and noise are judged separately so that a drill with a hundred
   * low-severity noise alerts still makes a missed critical alert expensive.
   */
  detectionShares: { 'true-positives': 0.65, noise: 0.35 },
  /** Detection: share of a true positive's weight for the verdict, the rest for the severity. */
  tpVerdictShare: 0.6,
  tpSeverityShare: 0.4,
  /** A true positive closed as noise or never triaged additionally costs this share of its weight. */
  missedPenaltyShare: 0.5,
  /** A noise alert called a true positive costs this share of its weight. */
  falseAlarmPenaltyShare: 0.25,
  /** Noise closed with the other non-TP verdict (benign vs false positive). */
  otherNoiseVerdictShare: 0.75,
  /** Noise closed without a reason. */
  noReasonShare: 0.5,
  /** Severity one step off earns this share of the severity part. */
  severityOneOffShare: 0.5,
  /** Response: share earned for being inside the window; the rest scales with speed. */
  responseOnTimeShare: 0.5,
  /** Report: shares for timeliness, recipients and content; a late report keeps this factor of the last two. */
  reportTimelyShare: 0.4,
  reportRecipientsShare: 0.3,
  reportContentShare: 0.3,
  lateReportFactor: 0.5,
  /** Coordination parts. */
  coordinationShares: { routing: 0.4, reporting: 0.45, 'legal-class': 0.15 },
  /** Incident handling, per key incident. */
  incidentShares: { grouping: 0.4, severity: 0.1, phases: 0.3, closed: 0.2 },
  /** An incident matching no key incident counts as this many incidents scoring zero. */
  spuriousIncidentWeight: 0.5,
} as const;

/** Response actions that contain (for mean time to contain). */
const CONTAINMENT_ACTIONS = new Set(['isolate-host', 'block-ip', 'block-domain', 'maintenance-page', 'disable-account', 'rate-limit']);

// ---------------------------------------------------------------------------------------------
// Internal shapes
// ---------------------------------------------------------------------------------------------

interface RawItem {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  readonly status: LineItemStatus;
  /** Scaled items: points in the part's own units (converted with the part weight). Unscaled: final points. */
  readonly raw: number;
  readonly rawMax: number;
  readonly scaled: boolean;
  readonly code: string;
  readonly note: string;
  readonly evidence: Evidence;
  /** Virtual time of the action that earned the item (for the tie-break); set to undefined rather than left out, so items keep one shape. */
  readonly actedAtMs?: number | undefined;
}

interface RawPart {
  readonly id: string;
  readonly share: number;
  readonly items: RawItem[];
  /** Forces the part out even if it has items with a maximum (e.g. nothing was expected). */
  notApplicableReason?: string;
}

interface RawComponent {
  readonly id: ScoreComponentId;
  readonly parts: RawPart[];
  /** Penalties, hints and adjustments in final points. */
  readonly unscaled: RawItem[];
}

interface DeliveredInfo {
  readonly eventId: string;
  readonly virtualMs: number;
  readonly key: KeyAlert | undefined;
  /** When its verdict and severity were settled; null while pending (live scores only). */
  readonly settleMs: number | null;
}

interface Context {
  readonly scenario: Scenario;
  readonly state: TeamState;
  readonly endMs: number;
  readonly delivered: readonly DeliveredInfo[];
  readonly deliveredById: ReadonlyMap<string, DeliveredInfo>;
  /** First delivery time per event id and per library inject id (what TimeRefs read). */
  readonly deliveredAt: ReadonlyMap<string, number>;
  readonly verdictBy: ReadonlyMap<string, ScoringAction>;
  readonly severityBy: ReadonlyMap<string, ScoringAction>;
  /** Verdict and severity of each settled alert at its settle instant (absent: never judged by then). */
  readonly judgements: ReadonlyMap<string, AlertJudgement>;
  readonly incidentActors: ReadonlyMap<string, readonly string[]>;
  /** Team incident id → key incident id, after matching. */
  incidentMatch: Map<string, string>;
  /**
   * 'totals' detail: the per-alert evidence and the zero-point routing details are dropped
   * before they are built (most of the scorer's allocations), never anything that carries points.
   */
  readonly lean: boolean;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

export function round2(value: number): number {
  const r = Math.round(value * 100) / 100;
  return r === 0 ? 0 : r;
}

function round4(value: number): number {
  const r = Math.round(value * 10_000) / 10_000;
  return r === 0 ? 0 : r;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** "T+13m" for a virtual time. */
export function at(ms: number): string {
  return `T+${formatDuration(Math.round(ms / 1000))}`;
}

/** "14m", "2m30s" for a span. */
export function span(ms: number): string {
  return ms < 0 ? `-${formatDuration(Math.round(-ms / 1000))}` : formatDuration(Math.round(ms / 1000));
}

function normalizeTarget(target: string): string {
  return target.trim().toLowerCase();
}

/** Order-preserving de-duplication; most lists here have 0–2 entries, so no Set for them. */
function unique(values: readonly string[] | undefined): string[] {
  if (values === undefined || values.length === 0) return [];
  if (values.length === 1) return [values[0]];
  if (values.length === 2) return values[0] === values[1] ? [values[0]] : [values[0], values[1]];
  return [...new Set(values)];
}

const NO_EVIDENCE: Evidence = Object.freeze({ actionIds: [], alertIds: [], userIds: [], times: {} }) as Evidence;

function evidence(parts: Partial<Evidence> = {}): Evidence {
  const userIds = unique(parts.userIds);
  if (userIds.length > 1) userIds.sort();
  return { actionIds: unique(parts.actionIds), alertIds: unique(parts.alertIds), userIds, times: parts.times ?? {} };
}

function f1(hits: number, predicted: number, expected: number): { precision: number | null; recall: number | null; f1: number } {
  const precision = predicted === 0 ? null : hits / predicted;
  const recall = expected === 0 ? null : hits / expected;
  const p = precision ?? (expected === 0 ? 1 : 0);
  const r = recall ?? (predicted === 0 ? 1 : 0);
  return { precision, recall, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

function pct(value: number | null): string {
  return value === null ? 'n/a' : `${Math.round(value * 100)}%`;
}

/** Longest common subsequence length: phases followed in order, whatever else happened between. */
function lcs(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.length];
}

function severityCredit(given: Severity | null, expected: Severity): { share: number; code: string } {
  if (given === null) return { share: 0, code: 'SEVERITY_NOT_SET' };
  const diff = Math.abs(SEVERITY_RANK[given] - SEVERITY_RANK[expected]);
  if (diff === 0) return { share: 1, code: 'SEVERITY_RIGHT' };
  if (diff === 1) return { share: SCORING_RULES.severityOneOffShare, code: 'SEVERITY_ONE_OFF' };
  return { share: 0, code: 'SEVERITY_WRONG' };
}

function contentFields(content: ReportRecord['content'], expectedLevel: number): { present: Set<ReportContentField>; wrongLevel: number | null } {
  const present = new Set<ReportContentField>();
  if (content.whatHappened.trim().length > 0) present.add('what-happened');
  if (content.detectedAt !== undefined && content.detectedAt.trim().length > 0) present.add('detected-at');
  if (content.affectedSystems.length > 0) present.add('affected-systems');
  let wrongLevel: number | null = null;
  if (content.securityLevel !== undefined) {
    if (content.securityLevel === expectedLevel) present.add('security-level');
    else wrongLevel = content.securityLevel;
  }
  if (content.impact !== undefined && content.impact.trim().length > 0) present.add('impact');
  if (content.actionsTaken !== undefined && content.actionsTaken.trim().length > 0) present.add('actions-taken');
  if (content.iocs.length > 0) present.add('iocs');
  if (content.supportRequest !== undefined && content.supportRequest.trim().length > 0) present.add('support-request');
  return { present, wrongLevel };
}

// ---------------------------------------------------------------------------------------------
// Context
// ---------------------------------------------------------------------------------------------

function buildContext(input: ScoreInput, key: AnswerKey): Context {
  const delivered: DeliveredInfo[] = [];
  const deliveredById = new Map<string, DeliveredInfo>();
  const deliveredAt = new Map<string, number>();
  const endMs = input.endMs ?? input.scenario.duration * 1000;
  const windowMs = triageWindowMs(input.scenario);
  const phase = input.phase ?? 'final';
  for (const event of input.delivered) {
    if (deliveredById.has(event.eventId)) continue;
    const info: DeliveredInfo = {
      eventId: event.eventId,
      virtualMs: event.virtualMs,
      key: key.alert(event.eventId, event.injectId),
      settleMs: settleInstant(receivedAt(event), windowMs, endMs, phase),
    };
    delivered.push(info);
    deliveredById.set(event.eventId, info);
    if (!deliveredAt.has(event.eventId)) deliveredAt.set(event.eventId, event.virtualMs);
    if (event.injectId !== undefined && !deliveredAt.has(event.injectId)) deliveredAt.set(event.injectId, event.virtualMs);
  }
  const verdictBy = new Map<string, ScoringAction>();
  const severityBy = new Map<string, ScoringAction>();
  const incidentActors = new Map<string, string[]>();
  const addActor = (incidentId: string, userId: string) => {
    const list = incidentActors.get(incidentId) ?? [];
    if (!list.includes(userId)) list.push(userId);
    incidentActors.set(incidentId, list);
  };
  const actions = input.actions ?? [];
  // Logs come in seq order; a copy and a sort of a few thousand actions per team is only for the odd one that does not.
  let sorted = true;
  for (let i = 1; i < actions.length && sorted; i++) sorted = actions[i - 1].seq <= actions[i].seq;
  const ordered = sorted ? actions : [...actions].sort((a, b) => a.seq - b.seq);
  // Who set the verdict or severity that counts: the last such action by the alert's settle instant.
  const counts = (alertId: string, atMs: number): boolean => {
    const limit = deliveredById.get(alertId)?.settleMs ?? null;
    return limit !== null && atMs <= limit;
  };
  for (const recorded of ordered) {
    const action = recorded.action;
    switch (action.type) {
      case 'alert.verdict':
        if (counts(action.alertId, recorded.virtualMs)) verdictBy.set(action.alertId, recorded);
        break;
      case 'alert.severity':
        if (counts(action.alertId, recorded.virtualMs)) severityBy.set(action.alertId, recorded);
        break;
      case 'incident.link':
      case 'incident.unlink':
      case 'incident.update':
      case 'incident.observable':
      case 'incident.merge':
        addActor(action.incidentId, recorded.userId);
        break;
      default:
        break;
    }
  }
  for (const incident of Object.values(input.state.incidents)) addActor(incident.id, incident.createdBy);
  const settleOf = (alertId: string): number | null => deliveredById.get(alertId)?.settleMs ?? null;
  const judgements = input.actions !== undefined ? judgementsAt(ordered, settleOf, (alertId) => deliveredById.has(alertId)) : judgementsOfState(input.state, delivered);
  return {
    scenario: input.scenario,
    state: input.state,
    endMs,
    delivered,
    deliveredById,
    deliveredAt,
    verdictBy,
    severityBy,
    judgements,
    incidentActors,
    incidentMatch: new Map(),
    lean: input.detail === 'totals',
  };
}

/** Without an action log: the state as it stands, for every settled alert (see ScoreInput.phase). */
function judgementsOfState(state: TeamState, delivered: readonly DeliveredInfo[]): Map<string, AlertJudgement> {
  const out = new Map<string, AlertJudgement>();
  for (const d of delivered) {
    const st = state.alerts[d.eventId];
    if (d.settleMs === null || st === undefined) continue;
    out.set(d.eventId, { verdict: st.verdict, verdictReason: st.verdictReason, duplicateOf: st.duplicateOf, verdictAtMs: st.verdictAtMs, severity: st.severity, severityAtMs: null });
  }
  return out;
}

function resolveRef(ctx: Context, ref: TimeRef): number | null {
  if (typeof ref === 'number') return ref * 1000;
  const base = ctx.deliveredAt.get(ref.event);
  return base === undefined ? null : base + (ref.plus ?? 0) * 1000;
}

function describeRef(ref: TimeRef | undefined): string {
  if (ref === undefined) return 'the start';
  if (typeof ref === 'number') return at(ref * 1000);
  return ref.plus ? `delivery of ${ref.event} + ${span(ref.plus * 1000)}` : `delivery of ${ref.event}`;
}

/** Root of a duplicate chain by the key (the team names delivered event ids). */
function rootOf(ctx: Context, alertId: string): string {
  let current = alertId;
  const seen = new Set<string>();
  for (;;) {
    const next = ctx.deliveredById.get(current)?.key?.answer.duplicateOf;
    if (next === undefined || seen.has(next)) return current;
    seen.add(current);
    current = next;
  }
}

/** The key entry of any alert id the team may name (delivered or not). */
function keyFor(ctx: Context, key: AnswerKey, alertId: string): KeyAlert | undefined {
  return ctx.deliveredById.get(alertId)?.key ?? key.alert(alertId);
}

// ---------------------------------------------------------------------------------------------
// Detection & triage
// ---------------------------------------------------------------------------------------------

interface DetectionTally {
  part: 'true-positives' | 'noise';
  layer: string;
  phase: string;
  technique: string;
  tp: boolean;
  detected: boolean;
  missed: boolean;
  falseAlarm: boolean;
  raw: number;
  rawMax: number;
}

const LAYER_KEYS: Readonly<Record<Layer, string>> = { 1: '1', 2: '2', 3: '3', 4: '4' };

function scoreDetection(ctx: Context, key: AnswerKey, tallies: DetectionTally[], metrics: MetricsAcc): RawComponent {
  const tpItems: RawItem[] = [];
  const noiseItems: RawItem[] = [];
  const R = SCORING_RULES;
  // Totals never show a line item's note: building 200 teams' worth of them was a third of the scorer's allocations.
  const lean = ctx.lean;
  for (const delivered of ctx.delivered) {
    const alertId = delivered.eventId;
    const k = delivered.key;
    if (k === undefined) {
      noiseItems.push({
        id: `alert:${alertId}`,
        kind: 'alert-verdict',
        subject: alertId,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        scaled: true,
        code: 'ALERT_NO_KEY',
        note: lean ? '' : `${alertId} is an ad-hoc inject without an answer key: not scored.`,
        evidence: evidence({ alertIds: [alertId], times: { delivered: delivered.virtualMs } }),
      });
      continue;
    }
    const st = ctx.state.alerts[alertId];
    // What counts is the team's judgement at the settle instant, not its current one.
    const jd = ctx.judgements.get(alertId) ?? NO_JUDGEMENT;
    const verdict = jd.verdict;
    const w = SEVERITY_RANK[k.answer.severity];
    const verdictAction = ctx.verdictBy.get(alertId);
    const severityAction = ctx.severityBy.get(alertId);
    const ev = (user: ScoringAction | undefined): Evidence => {
      if (ctx.lean) return NO_EVIDENCE;
      const times: Record<string, number> = { delivered: delivered.virtualMs };
      if (st?.acknowledgedAtMs !== null && st?.acknowledgedAtMs !== undefined) times.acknowledged = st.acknowledgedAtMs;
      if (jd.verdictAtMs !== null) times.verdict = jd.verdictAtMs;
      if (delivered.settleMs !== null) times.settled = delivered.settleMs;
      return evidence({
        alertIds: jd.duplicateOf ? [alertId, jd.duplicateOf] : [alertId],
        actionIds: user ? [user.actionId] : [],
        userIds: user ? [user.userId] : [],
        times,
      });
    };
    const items = k.answer.verdict === 'true-positive' ? tpItems : noiseItems;
    const tally: DetectionTally = {
      part: k.answer.verdict === 'true-positive' ? 'true-positives' : 'noise',
      layer: LAYER_KEYS[k.layer],
      phase: k.phase ?? '',
      technique: k.technique ?? '',
      tp: k.answer.verdict === 'true-positive',
      detected: false,
      missed: false,
      falseAlarm: false,
      raw: 0,
      rawMax: w,
    };
    metrics.delivered += 1;
    if (st?.acknowledgedAtMs !== null && st?.acknowledgedAtMs !== undefined) {
      metrics.acknowledged += 1;
      metrics.ackSum += Math.max(0, st.acknowledgedAtMs - delivered.virtualMs);
    }
    if (st?.firstVerdictAtMs !== null && st?.firstVerdictAtMs !== undefined) {
      metrics.verdicts += 1;
      metrics.verdictSum += Math.max(0, st.firstVerdictAtMs - delivered.virtualMs);
    }
    if (delivered.settleMs === null) {
      // Pending: its triage window is still open, so it is neither judged nor missed yet.
      items.push({
        id: `alert-verdict:${alertId}`,
        kind: 'alert-verdict',
        subject: alertId,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        scaled: true,
        code: 'ALERT_PENDING',
        note: lean ? '' : `${alertId} is still within its triage window: pending, not judged yet.`,
        evidence: ev(undefined),
      });
      continue;
    }
    if (verdict === 'true-positive') metrics.tpVerdicts += 1;
    const sevLabel = `${k.answer.severity}`;
    const verdictAt = jd.verdictAtMs ?? undefined;

    if (k.answer.verdict === 'true-positive') {
      metrics.tpDelivered += 1;
      const vMax = w * R.tpVerdictShare;
      const sMax = w * R.tpSeverityShare;
      let vRaw = 0;
      let vStatus: LineItemStatus = 'missed';
      let vCode = 'TP_MISSED_UNTRIAGED';
      let vNote = lean ? '' : `${alertId} (true positive, ${sevLabel}) was never given a verdict: missed.`;
      let duplicateAccepted = false;
      if (verdict === 'true-positive') {
        vRaw = vMax;
        vStatus = 'earned';
        vCode = 'TP_CONFIRMED';
        vNote = lean ? '' : `${alertId} confirmed as a true positive ${span((verdictAt ?? delivered.virtualMs) - delivered.virtualMs)} after delivery.`;
      } else if (verdict === 'duplicate') {
        const named = jd.duplicateOf;
        const namedKey = named === null ? undefined : keyFor(ctx, key, named);
        if (named !== null && k.answer.duplicateOf !== undefined && rootOf(ctx, named) === rootOf(ctx, alertId)) {
          vRaw = vMax;
          vStatus = 'earned';
          vCode = 'DUPLICATE_ACCEPTED';
          vNote = lean ? '' : `${alertId} closed as a duplicate of ${named}, which the key accepts (original ${rootOf(ctx, alertId)}).`;
          duplicateAccepted = true;
        } else if (namedKey !== undefined && namedKey.answer.verdict === 'true-positive') {
          vRaw = vMax * 0.5;
          vStatus = 'partial';
          vCode = 'DUPLICATE_WRONG_ORIGINAL';
          vNote = lean ? '' : `${alertId} closed as a duplicate of ${named}: it is a true positive but not a repeat of that alert (half credit).`;
        } else {
          vCode = 'TP_MISSED_AS_DUPLICATE';
          vNote = lean ? '' : `${alertId} (true positive, ${sevLabel}) closed as a duplicate of ${named ?? 'nothing'}, which is not a true positive: missed.`;
        }
      } else if (verdict === 'false-positive' || verdict === 'benign') {
        vCode = 'TP_MISSED_CLOSED';
        vNote = lean ? '' : `${alertId} (true positive, ${sevLabel}) was closed as ${verdict}: missed.`;
      }
      const detected = vRaw > 0;
      tally.detected = detected;
      tally.missed = !detected;
      if (detected) metrics.tpDetected += 1;
      items.push({
        id: `alert-verdict:${alertId}`,
        kind: 'alert-verdict',
        subject: alertId,
        status: vStatus,
        raw: vRaw,
        rawMax: vMax,
        scaled: true,
        code: vCode,
        note: vNote,
        evidence: ev(verdictAction),
        actedAtMs: verdictAt,
      });
      tally.raw += vRaw;
      if (!detected) {
        const penalty = w * R.missedPenaltyShare;
        items.push({
          id: `alert-missed:${alertId}`,
          kind: 'alert-missed',
          subject: alertId,
          status: 'penalty',
          raw: -penalty,
          rawMax: 0,
          scaled: true,
          code: 'TP_MISSED_PENALTY',
          note: lean ? '' : `Missed true positive ${alertId} (${sevLabel}, layer ${k.layer}${k.phase ? `, phase ${k.phase}` : ''}) costs extra.`,
          evidence: ev(verdictAction),
        });
        tally.raw -= penalty;
      }
      // Severity: judged only once the alert is recognised; an accepted duplicate inherits the original's.
      let sRaw = 0;
      let sStatus: LineItemStatus = 'missed';
      let sCode = 'SEVERITY_NOT_JUDGED';
      let sNote = lean ? '' : `Severity of ${alertId} not judged: the alert was not recognised as a true positive.`;
      if (detected) {
        const given = jd.severity;
        if (duplicateAccepted && (given === null || given === k.answer.severity)) {
          sRaw = sMax;
          sStatus = 'earned';
          sCode = 'SEVERITY_FROM_ORIGINAL';
          sNote = lean ? '' : `Severity of ${alertId} follows its original (${sevLabel}).`;
        } else {
          const credit = severityCredit(given, k.answer.severity);
          sRaw = sMax * credit.share;
          sStatus = credit.share === 1 ? 'earned' : credit.share > 0 ? 'partial' : 'missed';
          sCode = credit.code;
          sNote = lean ? '' : given === null ? `Severity of ${alertId} never set (key: ${sevLabel}).` : `Severity of ${alertId} set to ${given} (key: ${sevLabel}).`;
        }
      }
      items.push({
        id: `alert-severity:${alertId}`,
        kind: 'alert-severity',
        subject: alertId,
        status: sStatus,
        raw: sRaw,
        rawMax: sMax,
        scaled: true,
        code: sCode,
        note: sNote,
        evidence: ev(severityAction),
        actedAtMs: sRaw > 0 && severityAction ? severityAction.virtualMs : undefined,
      });
      tally.raw += sRaw;
    } else {
      // Noise (false positive / benign): closing it with a reason is the skill.
      const reason = jd.verdictReason;
      const hasReason = reason !== null && reason.trim().length >= 3;
      let raw = 0;
      let status: LineItemStatus = 'missed';
      let code = 'NOISE_LEFT_OPEN';
      let note = lean ? '' : `${alertId} (${k.answer.verdict}) was left open.`;
      if (verdict === k.answer.verdict) {
        raw = hasReason ? w : w * R.noReasonShare;
        status = hasReason ? 'earned' : 'partial';
        code = hasReason ? 'NOISE_CLOSED' : 'NOISE_CLOSED_NO_REASON';
        note = lean ? '' : hasReason ? `${alertId} closed as ${verdict} with a reason.` : `${alertId} closed as ${verdict} without a reason (half credit).`;
      } else if (verdict === 'false-positive' || verdict === 'benign') {
        raw = w * R.otherNoiseVerdictShare * (hasReason ? 1 : R.noReasonShare);
        status = 'partial';
        code = 'NOISE_OTHER_VERDICT';
        note = lean ? '' : `${alertId} closed as ${verdict}; the key says ${k.answer.verdict} (partial credit).`;
      } else if (verdict === 'duplicate') {
        const named = jd.duplicateOf;
        const namedKey = named === null ? undefined : keyFor(ctx, key, named);
        if (named !== null && k.answer.duplicateOf !== undefined && rootOf(ctx, named) === rootOf(ctx, alertId)) {
          raw = w;
          status = 'earned';
          code = 'DUPLICATE_ACCEPTED';
          note = lean ? '' : `${alertId} closed as a duplicate of ${named}, which the key accepts.`;
        } else if (namedKey !== undefined && namedKey.answer.verdict !== 'true-positive') {
          raw = w * R.noReasonShare;
          status = 'partial';
          code = 'NOISE_DUPLICATE_OF_NOISE';
          note = lean ? '' : `${alertId} closed as a duplicate of ${named} (also noise): half credit.`;
        } else {
          code = 'NOISE_DUPLICATE_OF_TP';
          note = lean ? '' : `${alertId} (${k.answer.verdict}) closed as a duplicate of ${named ?? 'nothing'}, a true positive: no credit.`;
        }
      } else if (verdict === 'true-positive') {
        code = 'FALSE_ALARM';
        note = lean ? '' : `${alertId} is ${k.answer.verdict} but was called a true positive.`;
        metrics.wrongTpVerdicts += 1;
        tally.falseAlarm = true;
      }
      items.push({
        id: `alert-verdict:${alertId}`,
        kind: 'alert-verdict',
        subject: alertId,
        status,
        raw,
        rawMax: w,
        scaled: true,
        code,
        note,
        evidence: ev(verdictAction),
        actedAtMs: raw > 0 ? verdictAt : undefined,
      });
      tally.raw += raw;
      if (verdict === 'true-positive') {
        const penalty = w * R.falseAlarmPenaltyShare;
        items.push({
          id: `alert-false-alarm:${alertId}`,
          kind: 'alert-false-alarm',
          subject: alertId,
          status: 'penalty',
          raw: -penalty,
          rawMax: 0,
          scaled: true,
          code: 'FALSE_ALARM_PENALTY',
          note: lean ? '' : `False alarm on ${alertId} costs extra (wasted escalation).`,
          evidence: ev(verdictAction),
        });
        tally.raw -= penalty;
      }
    }
    tallies.push(tally);
  }
  return {
    id: 'detection',
    parts: [
      { id: 'true-positives', share: R.detectionShares['true-positives'], items: tpItems },
      { id: 'noise', share: R.detectionShares.noise, items: noiseItems },
    ],
    unscaled: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Response
// ---------------------------------------------------------------------------------------------

function scoreResponse(ctx: Context, metrics: MetricsAcc): RawComponent {
  const items: RawItem[] = [];
  const unscaled: RawItem[] = [];
  const responses = [...ctx.state.responses].sort((a, b) => a.virtualMs - b.virtualMs || (a.actionId < b.actionId ? -1 : a.actionId > b.actionId ? 1 : 0));
  const R = SCORING_RULES;
  for (const expected of ctx.scenario.responses) {
    const label = `${expected.action}${expected.target ? ` ${expected.target}` : ''}`;
    const base = { id: `response:${expected.id}`, kind: 'response', subject: expected.id, scaled: true } as const;
    const match = responses.find((r) => r.action === expected.action && (expected.target === undefined || normalizeTarget(r.target) === normalizeTarget(expected.target)));
    const start = expected.from === undefined ? 0 : resolveRef(ctx, expected.from);
    const matchEvidence = (times: Record<string, number>): Evidence =>
      evidence({
        actionIds: match ? [match.actionId] : [],
        userIds: match ? [match.userId] : [],
        alertIds: expected.from !== undefined && typeof expected.from !== 'number' ? [expected.from.event] : [],
        times: match ? { ...times, taken: match.virtualMs } : times,
      });
    if (start === null) {
      items.push({
        ...base,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        code: 'RESPONSE_WINDOW_NEVER_OPENED',
        note: `${label}: not applicable — its window opens at ${describeRef(expected.from)}, which never happened for this team.`,
        evidence: matchEvidence({}),
      });
      continue;
    }
    if (start > ctx.endMs) {
      items.push({
        ...base,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        code: 'RESPONSE_WINDOW_AFTER_END',
        note: `${label}: not applicable — its window opens at ${at(start)}, after the exercise ended (${at(ctx.endMs)}).`,
        evidence: matchEvidence({ windowStart: start }),
      });
      continue;
    }
    const resolvedDeadline = resolveRef(ctx, expected.deadline);
    const deadline = resolvedDeadline ?? ctx.endMs;
    const deadlineNote = resolvedDeadline === null ? ` (deadline ${describeRef(expected.deadline)} never arrived; the exercise end counts)` : '';
    if (deadline <= start) {
      items.push({
        ...base,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        code: 'RESPONSE_WINDOW_EMPTY',
        note: `${label}: not applicable — its window (${at(start)} to ${at(deadline)}) is empty.`,
        evidence: matchEvidence({ windowStart: start, deadline }),
      });
      continue;
    }
    const times = { windowStart: start, deadline };
    const windowText = `window was ${span(deadline - start)} from ${describeRef(expected.from)}${deadlineNote}`;
    const P = expected.points;
    if (match === undefined) {
      if (!expected.required) {
        items.push({ ...base, status: 'not-applicable', raw: 0, rawMax: 0, code: 'RESPONSE_OPTIONAL_NOT_TAKEN', note: `${label}: optional, not taken.`, evidence: matchEvidence(times) });
        continue;
      }
      metrics.responsesDue += 1;
      items.push({ ...base, status: 'missed', raw: 0, rawMax: P, code: 'RESPONSE_MISSED', note: `${label} never taken; ${windowText}.`, evidence: matchEvidence(times) });
      continue;
    }
    const t = match.virtualMs;
    let raw: number;
    let status: LineItemStatus;
    let code: string;
    let note: string;
    if (t <= start) {
      raw = P;
      status = 'earned';
      code = t < start ? 'RESPONSE_PROACTIVE' : 'RESPONSE_AT_START';
      note = t < start ? `${label} taken at ${at(t)}, before its window opened (${describeRef(expected.from)}): full credit.` : `${label} taken at ${at(t)}, as soon as its window opened; ${windowText}.`;
    } else if (t <= deadline) {
      const speed = (deadline - t) / (deadline - start);
      raw = P * (R.responseOnTimeShare + (1 - R.responseOnTimeShare) * speed);
      status = raw >= P ? 'earned' : 'partial';
      code = 'RESPONSE_IN_WINDOW';
      note = `${label} taken at ${at(t)}, ${span(t - start)} after ${describeRef(expected.from)}; ${windowText} (speed ${Math.round(speed * 100)}%).`;
    } else {
      raw = 0;
      status = 'late';
      code = 'RESPONSE_LATE';
      note = `${label} taken at ${at(t)}, ${span(t - start)} after ${describeRef(expected.from)}; ${windowText}: too late.`;
    }
    if (expected.required) {
      metrics.responsesDue += 1;
      if (status !== 'late') metrics.responsesInWindow += 1;
      items.push({ ...base, status, raw, rawMax: P, code, note, evidence: matchEvidence(times), actedAtMs: raw > 0 ? t : undefined });
    } else {
      items.push({ ...base, status: raw > 0 ? 'bonus' : status, raw, rawMax: 0, code, note: `${note} (optional: bonus)`, evidence: matchEvidence(times), actedAtMs: raw > 0 ? t : undefined });
    }
  }
  for (const harmful of ctx.scenario.harmful) {
    const matches = responses.filter((r) => r.action === harmful.action && (harmful.target === undefined || normalizeTarget(r.target) === normalizeTarget(harmful.target)));
    if (matches.length === 0) continue;
    const first = matches[0];
    metrics.harmful += 1;
    unscaled.push({
      id: `harmful:${harmful.id}`,
      kind: 'harmful',
      subject: harmful.id,
      status: 'penalty',
      raw: -harmful.penalty,
      rawMax: 0,
      scaled: false,
      code: 'HARMFUL_ACTION',
      note: `${harmful.action} ${first.target} at ${at(first.virtualMs)} is harmful: ${harmful.reason.en}${matches.length > 1 ? ` (taken ${matches.length} times, charged once)` : ''}`,
      evidence: evidence({ actionIds: matches.map((m) => m.actionId), userIds: matches.map((m) => m.userId), times: { taken: first.virtualMs } }),
    });
  }
  return { id: 'response', parts: [{ id: 'expected-responses', share: 1, items }], unscaled };
}

// ---------------------------------------------------------------------------------------------
// Incident matching (used by coordination and incident handling)
// ---------------------------------------------------------------------------------------------

interface KeyIncidentInfo {
  readonly id: string;
  readonly alerts: readonly string[];
  readonly firstDeliveredMs: number;
}

function applicableKeyIncidents(ctx: Context): KeyIncidentInfo[] {
  const byIncident = new Map<string, string[]>();
  const first = new Map<string, number>();
  for (const d of ctx.delivered) {
    const incident = d.key?.answer.incident ?? null;
    if (incident === null || d.key?.answer.verdict !== 'true-positive') continue;
    const list = byIncident.get(incident) ?? [];
    list.push(d.eventId);
    byIncident.set(incident, list);
    if (!first.has(incident)) first.set(incident, d.virtualMs);
  }
  return ctx.scenario.incidents.flatMap((k) => {
    const alerts = byIncident.get(k.id);
    return alerts === undefined ? [] : [{ id: k.id, alerts, firstDeliveredMs: first.get(k.id) ?? 0 }];
  });
}

function liveIncidents(state: TeamState): IncidentState[] {
  return Object.values(state.incidents)
    .filter((i) => i.mergedInto === null)
    .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Greedy one-to-one matching by overlap of linked alerts (largest first; earlier incidents win ties). */
function matchIncidents(ctx: Context, keyIncidents: readonly KeyIncidentInfo[]): Map<string, string> {
  const team = liveIncidents(ctx.state);
  const pairs: { teamId: string; keyId: string; overlap: number; teamIndex: number; keyIndex: number }[] = [];
  keyIncidents.forEach((k, keyIndex) => {
    const set = new Set(k.alerts);
    team.forEach((t, teamIndex) => {
      const overlap = t.alertIds.filter((id) => set.has(id)).length;
      if (overlap > 0) pairs.push({ teamId: t.id, keyId: k.id, overlap, teamIndex, keyIndex });
    });
  });
  pairs.sort((a, b) => b.overlap - a.overlap || a.teamIndex - b.teamIndex || a.keyIndex - b.keyIndex);
  const match = new Map<string, string>();
  const usedKeys = new Set<string>();
  for (const pair of pairs) {
    if (match.has(pair.teamId) || usedKeys.has(pair.keyId)) continue;
    match.set(pair.teamId, pair.keyId);
    usedKeys.add(pair.keyId);
  }
  return match;
}

function teamIncidentFor(ctx: Context, keyId: string): IncidentState | undefined {
  for (const [teamId, matched] of ctx.incidentMatch) if (matched === keyId) return ctx.state.incidents[teamId];
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Coordination & reporting
// ---------------------------------------------------------------------------------------------

function scoreCoordination(ctx: Context, keyIncidents: readonly KeyIncidentInfo[], metrics: MetricsAcc): RawComponent {
  const shares = SCORING_RULES.coordinationShares;

  // Routing: (alert, party) pairs against answer.routing; a team incident's routes count for its alerts.
  const routingItems: RawItem[] = [];
  const incidentsOf = new Map<string, IncidentState[]>();
  const live = liveIncidents(ctx.state);
  for (const incident of live) {
    for (const alertId of incident.alertIds) {
      const list = incidentsOf.get(alertId) ?? [];
      list.push(incident);
      incidentsOf.set(alertId, list);
    }
  }
  let expectedPairs = 0;
  let routedPairs = 0;
  let correctRouted = 0;
  let coveredExpected = 0;
  const rightUsers: string[] = [];
  const rightActions: string[] = [];
  let lastRightMs: number | undefined;
  for (const d of ctx.delivered) {
    if (d.key === undefined) continue;
    const st = ctx.state.alerts[d.eventId];
    // Most alerts are noise nobody routed: skip them before allocating anything.
    if (d.key.answer.routing.length === 0 && (st === undefined || st.routes.length === 0)) continue;
    const expected = new Set(d.key.answer.routing);
    const direct = new Map<string, { userId: string; actionId: string; virtualMs: number }>();
    for (const route of st?.routes ?? []) for (const to of route.to) if (!direct.has(to)) direct.set(to, route);
    const viaIncident = new Set<string>();
    for (const incident of incidentsOf.get(d.eventId) ?? []) for (const route of incident.routes) for (const to of route.to) viaIncident.add(to);
    if (expected.size === 0 && direct.size === 0) continue;
    expectedPairs += expected.size;
    routedPairs += direct.size;
    const missing: string[] = [];
    const extra: string[] = [];
    for (const [to, route] of direct) {
      if (expected.has(to)) {
        correctRouted += 1;
        rightUsers.push(route.userId);
        rightActions.push(route.actionId);
        lastRightMs = Math.max(lastRightMs ?? 0, route.virtualMs);
      } else extra.push(to);
    }
    for (const to of expected) {
      if (direct.has(to) || viaIncident.has(to)) coveredExpected += 1;
      else missing.push(to);
    }
    // Per-alert routing details carry no points (the F1 summary does): only the full detail lists them.
    if (ctx.lean) continue;
    const ok = missing.length === 0 && extra.length === 0;
    routingItems.push({
      id: `routing:${d.eventId}`,
      kind: 'routing-detail',
      subject: d.eventId,
      status: 'info',
      raw: 0,
      rawMax: 0,
      scaled: true,
      code: ok ? 'ROUTING_RIGHT' : 'ROUTING_DIFFERS',
      note: ok
        ? `${d.eventId} routed to ${[...expected].join(', ') || 'nobody'} as expected.`
        : `${d.eventId}: expected [${[...expected].join(', ')}]${missing.length ? `, missing [${missing.join(', ')}]` : ''}${extra.length ? `, not needed [${extra.join(', ')}]` : ''}.`,
      evidence: evidence({ alertIds: [d.eventId], actionIds: [...direct.values()].map((r) => r.actionId), userIds: [...direct.values()].map((r) => r.userId), times: { delivered: d.virtualMs } }),
    });
  }
  // Incident-level routes: right when the party is expected for some alert linked to the incident.
  for (const incident of live) {
    const expected = new Set<string>();
    for (const alertId of incident.alertIds) for (const to of ctx.deliveredById.get(alertId)?.key?.answer.routing ?? []) expected.add(to);
    const seen = new Set<string>();
    for (const route of incident.routes) {
      for (const to of route.to) {
        if (seen.has(to)) continue;
        seen.add(to);
        routedPairs += 1;
        if (expected.has(to)) {
          correctRouted += 1;
          rightUsers.push(route.userId);
          rightActions.push(route.actionId);
          lastRightMs = Math.max(lastRightMs ?? 0, route.virtualMs);
        }
      }
    }
  }
  const routing = f1Counts(correctRouted, routedPairs, coveredExpected, expectedPairs);
  const routingPart: RawPart = { id: 'routing', share: shares.routing, items: [] };
  if (expectedPairs === 0 && routedPairs === 0) {
    routingPart.notApplicableReason = 'no delivered alert needed routing and the team routed nothing';
  } else {
    routingPart.items.push({
      id: 'routing:summary',
      kind: 'routing',
      subject: 'routing',
      status: routing.f1 >= 1 ? 'earned' : routing.f1 > 0 ? 'partial' : 'missed',
      raw: routing.f1,
      rawMax: 1,
      scaled: true,
      code: 'ROUTING_F1',
      note: `Routing precision ${pct(routing.precision)} (${correctRouted} of ${routedPairs} routes needed), recall ${pct(routing.recall)} (${coveredExpected} of ${expectedPairs} required routes made): F1 ${pct(routing.f1)}.`,
      evidence: evidence({ actionIds: rightActions, userIds: rightUsers }),
      actedAtMs: lastRightMs,
    });
  }
  routingPart.items.push(...routingItems);

  // Reporting obligations.
  const reportItems: RawItem[] = [];
  const used = new Set<string>();
  const R = SCORING_RULES;
  const obligations = ctx.scenario.reporting
    .map((o, index) => ({ o, index, from: resolveRef(ctx, o.from) }))
    .sort((a, b) => (a.from ?? Number.POSITIVE_INFINITY) - (b.from ?? Number.POSITIVE_INFINITY) || a.index - b.index);
  const expectedLevel = ctx.scenario.target.securityLevel;
  for (const { o, from } of obligations) {
    const base = { id: `report:${o.id}`, kind: 'report', subject: o.id, scaled: true } as const;
    if (from === null) {
      reportItems.push({ ...base, status: 'not-applicable', raw: 0, rawMax: 0, code: 'REPORT_NEVER_DUE', note: `${o.kind} report: not applicable — its clock starts at ${describeRef(o.from)}, which never happened for this team.`, evidence: evidence() });
      continue;
    }
    if (from > ctx.endMs) {
      reportItems.push({ ...base, status: 'not-applicable', raw: 0, rawMax: 0, code: 'REPORT_DUE_AFTER_END', note: `${o.kind} report: not applicable — its clock starts at ${at(from)}, after the exercise ended.`, evidence: evidence({ times: { from } }) });
      continue;
    }
    metrics.reportsDue += 1;
    const deadline = from + o.deadline * 1000;
    // A fixed drill time (`from: "60m"`) is a published schedule: a report filed before it is an
    // earlier report, not this one (as the console's deadline list counts it). A clock started by
    // an alert counts any report: the team may know before the key's revealing alert arrives.
    const scheduled = typeof o.from === 'number';
    const candidates = ctx.state.reports.filter((r) => {
      if (r.kind !== o.kind || used.has(r.id)) return false;
      if (scheduled && r.virtualMs < from) return false;
      if (o.incident === undefined || r.incidentId === null) return true;
      const matched = ctx.incidentMatch.get(r.incidentId);
      return matched === undefined || matched === o.incident;
    });
    let best: { report: ReportRecord; fraction: number; onTime: boolean; missing: string[]; recipients: ReturnType<typeof f1Counts>; wrongLevel: number | null } | undefined;
    for (const report of candidates) {
      const onTime = report.virtualMs <= deadline;
      const required = new Set(o.recipients);
      const given = new Set(report.recipients);
      const hits = [...given].filter((p) => required.has(p)).length;
      const recipients = f1Counts(hits, given.size, hits, required.size);
      const { present, wrongLevel } = contentFields(report.content, expectedLevel);
      const missing = o.requiredContent.filter((f) => !present.has(f));
      const content = o.requiredContent.length === 0 ? 1 : (o.requiredContent.length - missing.length) / o.requiredContent.length;
      const rest = R.reportRecipientsShare * recipients.f1 + R.reportContentShare * content;
      const fraction = onTime ? R.reportTimelyShare + rest : rest * R.lateReportFactor;
      if (best === undefined || fraction > best.fraction + 1e-12) best = { report, fraction, onTime, missing, recipients, wrongLevel };
    }
    const times = { from, deadline };
    if (best === undefined) {
      reportItems.push({ ...base, status: 'missed', raw: 0, rawMax: o.points, code: 'REPORT_MISSING', note: `${o.kind} report to ${o.recipients.join(', ')} was due by ${at(deadline)} (${span(o.deadline * 1000)} after ${describeRef(o.from)}) and never filed.`, evidence: evidence({ times }) });
      continue;
    }
    // A report and its corrections are one report: none of them serves another obligation.
    const chainRoot = (report: ReportRecord): string => {
      let current = report;
      const seen = new Set<string>();
      while (current.correctsReportId !== null && !seen.has(current.id)) {
        seen.add(current.id);
        const previous = ctx.state.reports.find((r) => r.id === current.correctsReportId);
        if (previous === undefined) break;
        current = previous;
      }
      return current.id;
    };
    const root = chainRoot(best.report);
    for (const r of ctx.state.reports) if (chainRoot(r) === root) used.add(r.id);
    if (best.onTime) metrics.reportsOnTime += 1;
    const r = best.report;
    const problems: string[] = [];
    if (!best.onTime) problems.push(`late by ${span(r.virtualMs - deadline)}`);
    const missingRecipients = o.recipients.filter((p) => !r.recipients.includes(p));
    const extraRecipients = r.recipients.filter((p) => !o.recipients.includes(p));
    if (missingRecipients.length) problems.push(`missing recipients [${missingRecipients.join(', ')}]`);
    if (extraRecipients.length) problems.push(`unneeded recipients [${extraRecipients.join(', ')}]`);
    if (best.missing.length) problems.push(`missing content [${best.missing.join(', ')}]`);
    if (best.wrongLevel !== null) problems.push(`security level ${best.wrongLevel} given, ${expectedLevel} expected`);
    const status: LineItemStatus = best.fraction >= 1 - 1e-12 ? 'earned' : best.onTime ? 'partial' : 'late';
    reportItems.push({
      ...base,
      status,
      raw: o.points * Math.min(1, best.fraction),
      rawMax: o.points,
      code: !best.onTime ? 'REPORT_LATE' : problems.length ? 'REPORT_INCOMPLETE' : 'REPORT_ON_TIME',
      note: `${o.kind} report filed at ${at(r.virtualMs)} (due ${at(deadline)}, ${span(o.deadline * 1000)} after ${describeRef(o.from)})${problems.length ? `: ${problems.join('; ')}` : ' on time, to the right recipients, with the required content'}.`,
      evidence: evidence({ actionIds: [r.actionId], userIds: [r.userId], times: { ...times, filed: r.virtualMs } }),
      actedAtMs: r.virtualMs,
    });
  }
  const reportingPart: RawPart = { id: 'reporting', share: shares.reporting, items: reportItems };

  // Legal class of each incident (sự cố thông thường / nghiêm trọng).
  const legalItems: RawItem[] = [];
  for (const k of keyIncidents) {
    const keyIncident = ctx.scenario.incidents.find((i) => i.id === k.id);
    if (keyIncident === undefined) continue;
    const team = teamIncidentFor(ctx, k.id);
    const right = team !== undefined && team.legalClass === keyIncident.legalClass;
    legalItems.push({
      id: `legal-class:${k.id}`,
      kind: 'legal-class',
      subject: k.id,
      status: right ? 'earned' : 'missed',
      raw: right ? 1 : 0,
      rawMax: 1,
      scaled: true,
      code: team === undefined ? 'LEGAL_CLASS_NO_INCIDENT' : team.legalClass === null ? 'LEGAL_CLASS_NOT_SET' : right ? 'LEGAL_CLASS_RIGHT' : 'LEGAL_CLASS_WRONG',
      note:
        team === undefined
          ? `No team incident matches ${k.id}, so its legal class (${keyIncident.legalClass}) was never set.`
          : team.legalClass === null
            ? `Incident ${team.id} (${k.id}) has no legal class; the key says ${keyIncident.legalClass}.`
            : `Incident ${team.id} (${k.id}) classed ${team.legalClass}; the key says ${keyIncident.legalClass}.`,
      evidence: evidence({ userIds: team ? [...(ctx.incidentActors.get(team.id) ?? [])] : [] }),
    });
  }
  const legalPart: RawPart = { id: 'legal-class', share: shares['legal-class'], items: legalItems };
  if (legalItems.length === 0) legalPart.notApplicableReason = 'no incident of the key was revealed to this team';
  return { id: 'coordination', parts: [routingPart, reportingPart, legalPart], unscaled: [] };
}

function f1Counts(correctPredicted: number, predicted: number, coveredExpected: number, expected: number): { precision: number | null; recall: number | null; f1: number } {
  const precision = predicted === 0 ? null : correctPredicted / predicted;
  const recall = expected === 0 ? null : coveredExpected / expected;
  if (precision === null && recall === null) return { precision, recall, f1: 1 };
  const p = precision ?? 0;
  const r = recall ?? (predicted === 0 ? 1 : 0);
  const value = precision === null ? 0 : recall === null ? 0 : p + r === 0 ? 0 : (2 * p * r) / (p + r);
  return { precision, recall, f1: value };
}

// ---------------------------------------------------------------------------------------------
// Incident handling
// ---------------------------------------------------------------------------------------------

function scoreIncidents(ctx: Context, keyIncidents: readonly KeyIncidentInfo[], metrics: MetricsAcc): RawComponent {
  const items: RawItem[] = [];
  const S = SCORING_RULES.incidentShares;
  for (const k of keyIncidents) {
    const keyIncident = ctx.scenario.incidents.find((i) => i.id === k.id);
    if (keyIncident === undefined) continue;
    const team = teamIncidentFor(ctx, k.id);
    const actors = team ? [...(ctx.incidentActors.get(team.id) ?? [])] : [];
    const base = (part: string) => ({ id: `incident-${part}:${k.id}`, kind: `incident-${part}`, subject: k.id, scaled: true });
    if (team === undefined) {
      items.push({
        ...base('grouping'),
        status: 'missed',
        raw: 0,
        rawMax: 1,
        code: 'INCIDENT_NOT_OPENED',
        note: `No team incident groups any alert of ${k.id} (${k.alerts.length} of its alerts were delivered).`,
        evidence: evidence({ alertIds: [...k.alerts], times: { firstAlert: k.firstDeliveredMs } }),
      });
      continue;
    }
    const keySet = new Set(k.alerts);
    const overlap = team.alertIds.filter((id) => keySet.has(id)).length;
    const grouping = f1(overlap, team.alertIds.length, k.alerts.length);
    const strays = team.alertIds.filter((id) => !keySet.has(id));
    const teamSet = new Set(team.alertIds);
    const missingAlerts = k.alerts.filter((id) => !teamSet.has(id));
    items.push({
      ...base('grouping'),
      status: grouping.f1 >= 1 ? 'earned' : grouping.f1 > 0 ? 'partial' : 'missed',
      raw: S.grouping * grouping.f1,
      rawMax: S.grouping,
      code: 'INCIDENT_GROUPING',
      note: `Incident ${team.id} groups ${overlap} of the ${k.alerts.length} delivered alerts of ${k.id}${strays.length ? ` plus ${strays.length} that do not belong (${strays.slice(0, 5).join(', ')}${strays.length > 5 ? ', …' : ''})` : ''}${missingAlerts.length ? `; not linked: ${missingAlerts.slice(0, 5).join(', ')}${missingAlerts.length > 5 ? ', …' : ''}` : ''} (F1 ${pct(grouping.f1)}).`,
      evidence: evidence({ alertIds: team.alertIds, userIds: actors, times: { created: team.createdAtMs } }),
      actedAtMs: team.createdAtMs,
    });
    const sev = severityCredit(team.severity, keyIncident.severity);
    items.push({
      ...base('severity'),
      status: sev.share === 1 ? 'earned' : sev.share > 0 ? 'partial' : 'missed',
      raw: S.severity * sev.share,
      rawMax: S.severity,
      code: `INCIDENT_${sev.code}`,
      note: team.severity === null ? `Incident ${team.id} has no severity (key: ${keyIncident.severity}).` : `Incident ${team.id} severity ${team.severity} (key: ${keyIncident.severity}).`,
      evidence: evidence({ userIds: actors }),
    });
    const walked = team.phaseHistory.length > 0 ? team.phaseHistory.map((p) => p.phase) : [team.phase];
    const followed = lcs(walked, keyIncident.phases);
    const phaseTimes: Record<string, number> = {};
    for (const p of team.phaseHistory) if (phaseTimes[p.phase] === undefined) phaseTimes[p.phase] = p.virtualMs;
    items.push({
      ...base('phases'),
      status: followed === keyIncident.phases.length ? 'earned' : followed > 0 ? 'partial' : 'missed',
      raw: keyIncident.phases.length === 0 ? S.phases : (S.phases * followed) / keyIncident.phases.length,
      rawMax: S.phases,
      code: 'INCIDENT_PHASES',
      note: `Incident ${team.id} went through ${walked.join(' → ')}; ${followed} of the ${keyIncident.phases.length} expected phases (${keyIncident.phases.join(' → ')}) in order.`,
      evidence: evidence({ userIds: actors, times: phaseTimes }),
    });
    const closed = team.phase === 'closed';
    items.push({
      ...base('closed'),
      status: closed ? 'earned' : 'missed',
      raw: closed ? S.closed : 0,
      rawMax: S.closed,
      code: closed ? 'INCIDENT_CLOSED' : 'INCIDENT_OPEN',
      note: closed ? `Incident ${team.id} closed at ${at(phaseTimes.closed ?? team.createdAtMs)}.` : `Incident ${team.id} was not closed (phase ${team.phase}).`,
      evidence: evidence({ userIds: actors, times: phaseTimes }),
      actedAtMs: closed ? phaseTimes.closed : undefined,
    });
    // Mean time to contain: first containing action expected for this incident, from its first alert.
    const containing = ctx.scenario.responses.filter((r) => r.incident === k.id && CONTAINMENT_ACTIONS.has(r.action));
    let containedAt: number | undefined;
    for (const response of ctx.state.responses) {
      const hit = containing.some((r) => r.action === response.action && (r.target === undefined || normalizeTarget(r.target) === normalizeTarget(response.target)));
      if (hit && (containedAt === undefined || response.virtualMs < containedAt)) containedAt = response.virtualMs;
    }
    if (containedAt !== undefined) {
      metrics.containCount += 1;
      metrics.containSum += Math.max(0, containedAt - k.firstDeliveredMs);
    }
  }
  for (const team of liveIncidents(ctx.state)) {
    if (ctx.incidentMatch.has(team.id)) continue;
    items.push({
      id: `incident-spurious:${team.id}`,
      kind: 'incident-spurious',
      subject: team.id,
      status: 'missed',
      raw: 0,
      rawMax: SCORING_RULES.spuriousIncidentWeight,
      scaled: true,
      code: 'INCIDENT_SPURIOUS',
      note: `Incident ${team.id} ("${team.title}") matches no incident of the key${team.alertIds.length ? ` (its ${team.alertIds.length} alerts belong elsewhere or are noise)` : ' and has no alerts'}: it dilutes the incident score.`,
      evidence: evidence({ alertIds: team.alertIds, userIds: [...(ctx.incidentActors.get(team.id) ?? [])], times: { created: team.createdAtMs } }),
    });
  }
  const part: RawPart = { id: 'incidents', share: 1, items };
  if (items.length === 0) part.notApplicableReason = 'no incident of the key was revealed to this team and it opened none';
  return { id: 'incident', parts: [part], unscaled: [] };
}

// ---------------------------------------------------------------------------------------------
// Hints and adjustments
// ---------------------------------------------------------------------------------------------

function hintItems(ctx: Context, components: Record<ScoreComponentId, RawComponent>, metrics: MetricsAcc): void {
  const charged = new Set<string>();
  for (const hint of ctx.state.hints) {
    const declared = hint.hintId === null ? undefined : ctx.scenario.hints.find((h) => h.id === hint.hintId);
    const key = hint.hintId ?? `none:${hint.actionId}`;
    if (charged.has(key)) continue;
    charged.add(key);
    const penalty = declared?.penalty ?? hint.penalty;
    const target = 'alertId' in hint.for ? `alert ${hint.for.alertId}` : `phase ${hint.for.phase}`;
    // Alert hints help triage; phase hints help the response.
    const component: ScoreComponentId = 'alertId' in hint.for ? 'detection' : 'response';
    if (penalty > 0) metrics.hints += 1;
    components[component].unscaled.push({
      id: `hint:${key}`,
      kind: 'hint',
      subject: hint.hintId ?? target,
      status: penalty > 0 ? 'penalty' : 'info',
      raw: -penalty,
      rawMax: 0,
      scaled: false,
      code: penalty > 0 ? 'HINT_USED' : 'HINT_FREE',
      note: penalty > 0 ? `Hint ${hint.hintId} for ${target} requested at ${at(hint.virtualMs)}: −${penalty}.` : `Hint request for ${target} at ${at(hint.virtualMs)} cost nothing.`,
      evidence: evidence({ actionIds: [hint.actionId], userIds: [hint.userId], times: { requested: hint.virtualMs } }),
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------------------------

interface MetricsAcc {
  delivered: number;
  acknowledged: number;
  ackSum: number;
  verdicts: number;
  verdictSum: number;
  tpDelivered: number;
  tpDetected: number;
  tpVerdicts: number;
  wrongTpVerdicts: number;
  reportsDue: number;
  reportsOnTime: number;
  responsesDue: number;
  responsesInWindow: number;
  harmful: number;
  hints: number;
  containCount: number;
  containSum: number;
}

/** Integer weights summing to `total`: not-applicable components give theirs to the others, by largest remainder. */
export function redistribute(weights: Readonly<Record<ScoreComponentId, number>>, applicable: ReadonlySet<ScoreComponentId>, total: number): Record<ScoreComponentId, number> {
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
    delivered: 0, acknowledged: 0, ackSum: 0, verdicts: 0, verdictSum: 0, tpDelivered: 0, tpDetected: 0, tpVerdicts: 0,
    wrongTpVerdicts: 0, reportsDue: 0, reportsOnTime: 0, responsesDue: 0, responsesInWindow: 0, harmful: 0, hints: 0, containCount: 0, containSum: 0,
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
        if (points > 0 && it.actedAtMs !== undefined && (lastScoringActionMs === null || it.actedAtMs > lastScoringActionMs)) lastScoringActionMs = it.actedAtMs;
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
      ...(isApplicable ? {} : { notApplicableReason: `nothing in this component applied to this team; its ${weights[id]} points were shared among the others` }),
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
    layers: breakdown((t) => t.layer, (k) => `Lớp ${k}`),
    phases: breakdown((t) => t.phase, (k) => (k === '' ? 'No kill-chain phase (noise, context)' : (phaseNames.get(k) ?? k)), (k) => (k === '' ? 1e9 : (phaseOrder.get(k) ?? 1e8))),
    techniques: breakdown((t) => t.technique, (k) => (k === '' ? 'No ATT&CK technique' : k)),
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
