import type { Severity } from '../../contracts/common.schema.js';
import type { Scenario, Verdict } from '../../contracts/scenario.schema.js';
import type { Evidence, LineItemStatus, ManualAdjustment, ScoreComponentId } from '../../contracts/scoring.schema.js';
import type { TeamState, TriageAction } from '../../contracts/triage.schema.js';
import type { AnswerKey, KeyAlert } from '../answer-key.js';

/** The scorer's inputs, and the shapes its components pass to the assembly. */

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
  /** Triggers that fired for the team (the conditional key, `onlyIf`); replayed from `actions` and `seed` when absent. */
  readonly firedTriggers?: readonly string[];
}

// Internal shapes

export interface RawItem {
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

export interface RawPart {
  readonly id: string;
  readonly share: number;
  readonly items: RawItem[];
  /** Forces the part out even if it has items with a maximum (e.g. nothing was expected). */
  notApplicableReason?: string;
}

export interface RawComponent {
  readonly id: ScoreComponentId;
  readonly parts: RawPart[];
  /** Penalties, hints and adjustments in final points. */
  readonly unscaled: RawItem[];
}

export interface DeliveredInfo {
  readonly eventId: string;
  readonly virtualMs: number;
  readonly key: KeyAlert | undefined;
  /** When its verdict and severity were settled; null while pending (live scores only). */
  readonly settleMs: number | null;
}

export interface Context {
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
  /** Triggers fired for the team by the end, or null when the key has no `onlyIf` (never computed then). */
  readonly fired: ReadonlySet<string> | null;
}

export interface DetectionTally {
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

export interface KeyIncidentInfo {
  readonly id: string;
  readonly alerts: readonly string[];
  readonly firstDeliveredMs: number;
}

export interface MetricsAcc {
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

/** What a team had decided about one alert at an instant (see settlement.ts). */
export interface AlertJudgement {
  readonly verdict: Verdict | null;
  readonly verdictReason: string | null;
  readonly duplicateOf: string | null;
  readonly verdictAtMs: number | null;
  readonly severity: Severity | null;
  readonly severityAtMs: number | null;
}
