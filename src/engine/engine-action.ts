import type { ReportKind, ResponseAction, Verdict } from '../contracts/scenario.schema.js';
import type { Severity } from '../contracts/common.schema.js';

interface ActionBase {
  /** Unique per exercise; the runtime's id for the persisted action. */
  readonly actionId: string;
  /** Virtual time the action was taken (integer ms). */
  readonly virtualMs: number;
}

export interface ResponseEngineAction extends ActionBase {
  readonly type: 'response';
  readonly action: ResponseAction;
  /** Asset id, account, IP, domain or party id depending on the action. */
  readonly target?: string;
}

export interface VerdictEngineAction extends ActionBase {
  readonly type: 'verdict';
  readonly alertId: string;
  readonly verdict: Verdict;
  readonly duplicateOf?: string;
}

export interface SeverityEngineAction extends ActionBase {
  readonly type: 'severity';
  readonly alertId: string;
  readonly severity: Severity;
}

export interface RouteEngineAction extends ActionBase {
  readonly type: 'route';
  readonly alertId?: string;
  readonly incidentId?: string;
  /** Party ids. */
  readonly to: readonly string[];
}

export interface ReportEngineAction extends ActionBase {
  readonly type: 'report';
  readonly kind: ReportKind;
  readonly recipients: readonly string[];
  readonly incidentId?: string;
  /** Report content fields the team filled in (scoring checks them; triggers do not). */
  readonly content?: readonly string[];
}

/** Anything else the team does (note, acknowledge, incident ops, hint): logged, never matched by triggers. */
export interface OtherEngineAction extends ActionBase {
  readonly type: 'other';
  readonly kind: string;
  readonly data?: Readonly<Record<string, unknown>>;
}

export type EngineAction = ResponseEngineAction | VerdictEngineAction | SeverityEngineAction | RouteEngineAction | ReportEngineAction | OtherEngineAction;

export type EngineActionType = EngineAction['type'];

/** An action as the trainee submits it; the engine stamps the virtual time. */
export type UnstampedAction = EngineAction extends infer A ? (A extends EngineAction ? Omit<A, 'virtualMs'> : never) : never;

/** The action at `virtualMs` (the journal's JSON keeps the submitted key order, then `virtualMs`). */
export function stampAction(action: UnstampedAction, virtualMs: number): EngineAction {
  return { ...action, virtualMs };
}

/** Targets compare case-insensitively: domains and Windows account names are. */
export function normalizeTarget(target: string): string {
  return target.trim().toLowerCase();
}
