import type { AlertState, TeamState } from '../contracts/triage.schema.js';
import { applyAction, emptyTeamState, TriageError, type RecordedActionInput, type TriageContext } from '../triage/team-state.reducer.js';

/** Actions that read and write only the one alert they name (and the team-wide scalars). */
const ALERT_SCOPED = new Set<string>(['alert.acknowledge', 'alert.release', 'alert.request-takeover', 'alert.assign', 'alert.verdict', 'alert.severity', 'alert.note']);

function scopedAlertId(recorded: RecordedActionInput): string | undefined {
  const action = recorded.action;
  if (ALERT_SCOPED.has(action.type)) return (action as { alertId: string }).alertId;
  if (action.type === 'route' && 'alertId' in action.target) return action.target.alertId;
  return undefined;
}

/**
 * The same fold as `deriveTeamState` (the triage reducer decides every rule), in linear time.
 *
 * The reducer is immutable: each action copies the team's alert map, which makes folding a
 * thousand-alert log quadratic (a 200-team re-score spent seconds copying maps). Here an action that
 * touches one alert is applied to a state holding only that alert, and the result is written back
 * into one map we own; actions spanning alerts (incidents) see the whole map, as in the reducer.
 * `team-state-fold.spec.ts` checks the result equals `deriveTeamState` on full solver runs.
 */
export function foldTeamState(actions: readonly RecordedActionInput[], ctx: TriageContext, ids: { exerciseId: string; teamId: string }): TeamState {
  let state = emptyTeamState(ids.exerciseId, ids.teamId);
  let alerts: Record<string, AlertState> = {};
  const single: Record<string, AlertState> = {};
  for (const recorded of actions) {
    const alertId = scopedAlertId(recorded);
    try {
      if (alertId !== undefined) {
        const existing = Object.hasOwn(alerts, alertId) ? alerts[alertId] : undefined;
        for (const key in single) delete single[key];
        if (existing !== undefined) single[alertId] = existing;
        const next = applyAction({ ...state, alerts: single }, recorded, ctx).state;
        const updated = next.alerts[alertId];
        if (updated !== undefined) alerts[alertId] = updated;
        state = next;
      } else {
        state = applyAction({ ...state, alerts }, recorded, ctx).state;
        // The reducer returns either our map (untouched) or a fresh copy of it: both are ours.
        alerts = state.alerts;
      }
    } catch (error) {
      if (!(error instanceof TriageError)) throw error;
      state = { ...state, lastActionSeq: recorded.seq };
    }
  }
  return { ...state, alerts };
}
