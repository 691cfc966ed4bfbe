import type { AlertState, IncidentState, RecordedAction, TeamState, TriageAction } from '../contracts/triage.schema.js';

/**
 * Renames the alert ids inside triage payloads. Clients name alerts by opaque references
 * (see exercises/alert-refs.ts); everything inside (reducer, journal, engine, scoring) uses the
 * scenario's event ids. These functions are the one list of where alert ids sit in triage data:
 * incoming actions are renamed ref → id before anything else looks at them, and states and
 * recorded actions id → ref on the way out.
 */

/** Renames one alert id; `path` is where it sits in the action (for error details). */
export type AlertIdRename = (id: string, path: string) => string;

/** Every alert id an action names, with its path. */
export function alertIdsOf(action: TriageAction): Array<{ readonly id: string; readonly path: string }> {
  const found: Array<{ id: string; path: string }> = [];
  renameActionAlertIds(action, (id, path) => {
    found.push({ id, path });
    return id;
  });
  return found;
}

/** A copy of the action with every alert id renamed (nothing else is touched). */
export function renameActionAlertIds(action: TriageAction, rename: AlertIdRename): TriageAction {
  const many = (ids: readonly string[]) => ids.map((id, i) => rename(id, `alertIds.${i}`));
  switch (action.type) {
    case 'alert.acknowledge':
    case 'alert.release':
    case 'alert.request-takeover':
    case 'alert.assign':
    case 'alert.severity':
    case 'alert.note':
      return { ...action, alertId: rename(action.alertId, 'alertId') };
    case 'alert.verdict':
      return {
        ...action,
        alertId: rename(action.alertId, 'alertId'),
        ...(action.duplicateOf === undefined ? {} : { duplicateOf: rename(action.duplicateOf, 'duplicateOf') }),
      };
    case 'route':
      return 'alertId' in action.target ? { ...action, target: { alertId: rename(action.target.alertId, 'target.alertId') } } : action;
    case 'incident.create':
    case 'incident.link':
    case 'incident.unlink':
      return { ...action, alertIds: many(action.alertIds) };
    case 'hint.request':
      return 'alertId' in action.for ? { ...action, for: { alertId: rename(action.for.alertId, 'for.alertId') } } : action;
    case 'incident.merge':
    case 'incident.update':
    case 'incident.observable':
    case 'response':
    case 'report.file':
      return action;
    default: {
      const _never: never = action;
      throw new Error(`unknown triage action ${JSON.stringify(_never)}`);
    }
  }
}

export function alertStateWithRefs(alert: AlertState, refOf: (id: string) => string): AlertState {
  return { ...alert, alertId: refOf(alert.alertId), duplicateOf: alert.duplicateOf === null ? null : refOf(alert.duplicateOf) };
}

export function incidentStateWithRefs(incident: IncidentState, refOf: (id: string) => string): IncidentState {
  return { ...incident, alertIds: incident.alertIds.map(refOf) };
}

export function teamStateWithRefs(state: TeamState, refOf: (id: string) => string): TeamState {
  return {
    ...state,
    alerts: Object.fromEntries(Object.values(state.alerts).map((alert) => [refOf(alert.alertId), alertStateWithRefs(alert, refOf)])),
    incidents: Object.fromEntries(Object.entries(state.incidents).map(([id, incident]) => [id, incidentStateWithRefs(incident, refOf)])),
    // Hint ids are the author's names ("hint-authorised-scanner") and can give the verdict away.
    hints: state.hints.map((hint) => ({ ...hint, hintId: null, ...('alertId' in hint.for ? { for: { alertId: refOf(hint.for.alertId) } } : {}) })),
  };
}

/** An action's result as clients see it: without the scenario author's hint id. */
export function clientResult(result: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> | undefined {
  if (result === undefined || !('hintId' in result)) return result;
  const { hintId: _hidden, ...rest } = result;
  return rest;
}

/** The recorded action as clients see it: its action's alert ids as references. */
export function recordedActionWithRefs(recorded: RecordedAction, refOf: (id: string) => string): RecordedAction {
  // The log keeps the validated TriageAction as JSON.
  const action = recorded.action as unknown as TriageAction;
  const result = clientResult(recorded.result);
  return { ...recorded, action: renameActionAlertIds(action, (id) => refOf(id)) as unknown as Record<string, unknown>, ...(result === undefined ? {} : { result }) };
}

/**
 * Replaces internal alert ids in a refusal's text with the references the client used (the
 * reducer's messages name the alert, e.g. "Alert <id> is owned by a teammate").
 */
export function withRefsInText(text: string, pairs: ReadonlyArray<{ readonly id: string; readonly ref: string }>): string {
  let out = text;
  for (const { id, ref } of pairs) {
    // Whole ids only: `x-1` must not match inside `x-10` or a word.
    const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, 'g'), ref);
  }
  return out;
}
