import type { AlertState, TeamState, TriageAction } from '../contracts/triage.schema.js';
import { applyAction, emptyTeamState, newAlert, TriageError, type RecordedActionInput, type TriageContext } from '../triage/team-state.reducer.js';

/** Actions that read and write only the one alert they name (and the team-wide scalars). */
const ALERT_SCOPED = new Set<string>(['alert.acknowledge', 'alert.release', 'alert.request-takeover', 'alert.assign', 'alert.verdict', 'alert.severity', 'alert.note']);

/** The alerts an action may read or write (for the reducer's view of the state). */
function alertsTouched(action: TriageAction, state: TeamState): readonly string[] {
  if (ALERT_SCOPED.has(action.type)) return [(action as { alertId: string }).alertId];
  switch (action.type) {
    case 'route':
      return 'alertId' in action.target ? [action.target.alertId] : [];
    case 'incident.create':
    case 'incident.link':
    case 'incident.unlink':
      return action.alertIds;
    case 'incident.merge': {
      const ids: string[] = [];
      for (const id of [action.incidentId, ...action.sourceIncidentIds]) {
        const incident = Object.hasOwn(state.incidents, id) ? state.incidents[id] : undefined;
        if (incident) ids.push(...incident.alertIds);
      }
      return ids;
    }
    default:
      return [];
  }
}

/**
 * The same fold as `deriveTeamState` over a log the reducer accepted, in linear time.
 *
 * The reducer is immutable: every action copies the team's alert map, so folding a thousand-alert
 * log is quadratic, and a 200-team re-score spent seconds copying maps and building closures. Here:
 * - the five actions that make up nearly all of a log (acknowledge, verdict, severity, note and
 *   route of an alert) are applied in place with the reducer's rules (ownership lock, duplicate
 *   rules, known parties; a refused entry is skipped, as `deriveTeamState` skips it);
 * - every other action goes through the reducer itself, shown only the alerts it may touch, and
 *   its result is written back into one map this function owns.
 * `team-state-fold.spec.ts` checks the result equals `deriveTeamState` (flagship solver runs and a
 * log with refusals, merges and unlinks); change both together when the reducer's rules change.
 */
export function foldTeamState(actions: readonly RecordedActionInput[], ctx: TriageContext, ids: { exerciseId: string; teamId: string }): TeamState {
  let rest: TeamState = emptyTeamState(ids.exerciseId, ids.teamId);
  const alerts: Record<string, AlertState> = {};
  let lastActionSeq = 0;
  let detectedAtMs: number | null = null;
  const alertOf = (alertId: string): AlertState => {
    let alert = Object.hasOwn(alerts, alertId) ? alerts[alertId] : undefined;
    if (alert === undefined) {
      alert = newAlert(alertId);
      alerts[alertId] = alert;
    }
    return alert;
  };
  const free = (alertId: string, userId: string): boolean => {
    const alert = Object.hasOwn(alerts, alertId) ? alerts[alertId] : undefined;
    return alert === undefined || alert.ownerId === null || alert.ownerId === userId;
  };

  for (const recorded of actions) {
    const { action, userId, virtualMs: at } = recorded;
    lastActionSeq = recorded.seq;
    switch (action.type) {
      case 'alert.acknowledge': {
        if (!ctx.delivered(action.alertId) || !free(action.alertId, userId)) continue;
        const alert = alertOf(action.alertId);
        if (alert.ownerId !== userId) alert.takeoverRequests = [];
        alert.ownerId = userId;
        alert.acknowledgedAtMs ??= at;
        continue;
      }
      case 'alert.verdict': {
        if (!ctx.delivered(action.alertId) || !free(action.alertId, userId)) continue;
        let duplicateOf: string | null = null;
        if (action.verdict === 'duplicate') {
          const original = action.duplicateOf;
          if (original === undefined || original === action.alertId || !ctx.delivered(original)) continue;
          duplicateOf = original;
        } else if (action.duplicateOf !== undefined) continue;
        const alert = alertOf(action.alertId);
        alert.verdict = action.verdict;
        alert.verdictReason = action.reason ?? null;
        alert.duplicateOf = duplicateOf;
        alert.verdictAtMs = at;
        alert.firstVerdictAtMs ??= at;
        if (action.verdict === 'true-positive' && detectedAtMs === null) detectedAtMs = at;
        continue;
      }
      case 'alert.severity': {
        if (!ctx.delivered(action.alertId) || !free(action.alertId, userId)) continue;
        alertOf(action.alertId).severity = action.severity;
        continue;
      }
      case 'alert.note': {
        if (!ctx.delivered(action.alertId) || !free(action.alertId, userId)) continue;
        // The reducer copies the alert and its notes for each note: quadratic in an alert's notes.
        alertOf(action.alertId).notes.push({ userId, text: action.text, virtualMs: at });
        continue;
      }
      case 'route': {
        if (!('alertId' in action.target)) break;
        const alertId = action.target.alertId;
        if (action.to.some((p) => !ctx.scenario.parties.has(p)) || !ctx.delivered(alertId)) continue;
        const alert = alertOf(alertId);
        // Same entry as the reducer's, without its per-route Set and object spread (one route per true positive).
        const to = action.to.length === 1 ? [action.to[0]] : [...new Set(action.to)];
        alert.routes.push(
          action.message
            ? { actionId: action.actionId, to, escalate: action.escalate, message: action.message, userId, virtualMs: at }
            : { actionId: action.actionId, to, escalate: action.escalate, userId, virtualMs: at },
        );
        continue;
      }
      default:
        break;
    }
    // Everything else: the reducer itself, shown only the alerts this action may touch.
    const view: Record<string, AlertState> = {};
    for (const alertId of alertsTouched(action, rest)) if (Object.hasOwn(alerts, alertId)) view[alertId] = alerts[alertId];
    try {
      const next = applyAction({ ...rest, alerts: view, lastActionSeq: recorded.seq - 1, detectedAtMs }, recorded, ctx).state;
      for (const alertId in next.alerts) alerts[alertId] = next.alerts[alertId];
      rest = next;
      detectedAtMs = next.detectedAtMs ?? null;
    } catch (error) {
      if (!(error instanceof TriageError)) throw error;
    }
  }
  return { ...rest, alerts, lastActionSeq, detectedAtMs };
}
