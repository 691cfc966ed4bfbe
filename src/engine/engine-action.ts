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

export type EngineAction =
  | ResponseEngineAction
  | VerdictEngineAction
  | SeverityEngineAction
  | RouteEngineAction
  | ReportEngineAction
  | OtherEngineAction;

export type EngineActionType = EngineAction['type'];

/** An action as the trainee submits it; the engine stamps the virtual time. */
export type UnstampedAction = EngineAction extends infer A ? (A extends EngineAction ? Omit<A, 'virtualMs'> : never) : never;

/**
 * The action at `virtualMs`, built as one literal per type. Not `{ ...action, virtualMs }`: after
 * the first dozen or so copies (even of a single shape), Node 20's V8 gives each copy a spread
 * makes and then extends a hidden class of its own. The engine keeps every action of the
 * exercise, so each one kept its own class too: ~250 bytes more per action, and a heap that grew
 * by 15 MB for 60,000 actions and took longer to mark at every major collection.
 * Optional fields are set only when present, and the keys keep the order of the spread (the
 * order toEngineAction builds them in), so the journal's JSON is the same as before.
 */
export function stampAction(action: UnstampedAction, virtualMs: number): EngineAction {
  const { actionId } = action;
  switch (action.type) {
    case 'response':
      return action.target === undefined
        ? { type: 'response', actionId, action: action.action, virtualMs }
        : { type: 'response', actionId, action: action.action, target: action.target, virtualMs };
    case 'verdict':
      return action.duplicateOf === undefined
        ? { type: 'verdict', actionId, alertId: action.alertId, verdict: action.verdict, virtualMs }
        : { type: 'verdict', actionId, alertId: action.alertId, verdict: action.verdict, duplicateOf: action.duplicateOf, virtualMs };
    case 'severity':
      return { type: 'severity', actionId, alertId: action.alertId, severity: action.severity, virtualMs };
    case 'route': {
      const { alertId, incidentId, to } = action;
      if (alertId !== undefined && incidentId !== undefined) return { type: 'route', actionId, alertId, incidentId, to, virtualMs };
      if (alertId !== undefined) return { type: 'route', actionId, alertId, to, virtualMs };
      if (incidentId !== undefined) return { type: 'route', actionId, incidentId, to, virtualMs };
      return { type: 'route', actionId, to, virtualMs };
    }
    case 'report': {
      const { kind, recipients, incidentId, content } = action;
      if (incidentId !== undefined && content !== undefined) return { type: 'report', actionId, kind, recipients, incidentId, content, virtualMs };
      if (incidentId !== undefined) return { type: 'report', actionId, kind, recipients, incidentId, virtualMs };
      if (content !== undefined) return { type: 'report', actionId, kind, recipients, content, virtualMs };
      return { type: 'report', actionId, kind, recipients, virtualMs };
    }
    case 'other':
      return action.data === undefined ? { type: 'other', actionId, kind: action.kind, virtualMs } : { type: 'other', actionId, kind: action.kind, data: action.data, virtualMs };
    default: {
      const never: never = action;
      throw new Error(`unknown engine action ${JSON.stringify(never)}`);
    }
  }
}

/** Targets compare case-insensitively: domains and Windows account names are. */
export function normalizeTarget(target: string): string {
  return target.trim().toLowerCase();
}
