import { createHmac, randomBytes } from 'node:crypto';
import type { StreamEvent } from '../contracts/exercise.schema.js';
import type { AlertState, IncidentState, RecordedAction, TeamState, TriageAction } from '../contracts/triage.schema.js';
import type { LoggedEvent } from './exercise-views.js';

/**
 * Opaque per-exercise alert references. Scenario event ids are the author's names
 * (`ng-internet-scanners-2`, `a-webshell`, `inject-1`) and give the verdict away, so nothing
 * sent to clients carries them: an alert is named by a keyed hash of its id under a secret salt
 * of the exercise. Without the salt a trainee can neither recognise nor forge a reference.
 *
 * This file is the one list of where alert ids sit in what goes out (events, triage states,
 * recorded actions) and in what comes in (triage actions); AlertRefService owns the per-exercise
 * namers and the reverse lookup. Everything inside (reducer, journal, engine, scoring) uses the
 * scenario's event ids.
 */

const REF_PREFIX = 'AL-';
const REF_HEX_CHARS = 12;

/** The alert reference clients see for an internal event id. */
export function alertRef(salt: string, eventId: string): string {
  return REF_PREFIX + createHmac('sha256', salt).update(eventId).digest('hex').slice(0, REF_HEX_CHARS);
}

/** A fresh secret salt for a new exercise. */
export function newAlertSalt(): string {
  return randomBytes(32).toString('hex');
}

/** A stream event as clients receive it: the alert named by its reference, without its origin. */
export type OutgoingStreamEvent = StreamEvent;

/** Translates internal event ids of one exercise to references, memoised (replays repeat them). */
export class AlertRefNamer {
  private readonly memo = new Map<string, string>();
  private readonly refOfFn = (eventId: string): string => this.refOf(eventId);

  constructor(private readonly salt: string) {}

  refOf(eventId: string): string {
    let ref = this.memo.get(eventId);
    if (ref === undefined) {
      ref = alertRef(this.salt, eventId);
      this.memo.set(eventId, ref);
    }
    return ref;
  }

  /**
   * The client view of a delivered event. Built field by field (never by spreading) so that
   * whatever the engine adds to events later (origin, injectId, ...) stays inside unless named here.
   */
  outgoingEvent(event: LoggedEvent): OutgoingStreamEvent {
    const ref = this.refOf(event.eventId);
    return {
      seq: event.seq,
      eventId: ref,
      virtualMs: event.virtualMs,
      deliveredVirtualMs: event.deliveredVirtualMs,
      scheduledWallMs: event.scheduledWallMs,
      catchUp: event.catchUp,
      alert: { ...event.alert, id: ref },
    };
  }

  /** The client views of triage data (see the functions below). */
  alertState(alert: AlertState): AlertState {
    return alertStateWithRefs(alert, this.refOfFn);
  }

  incidentState(incident: IncidentState): IncidentState {
    return incidentStateWithRefs(incident, this.refOfFn);
  }

  teamState(state: TeamState): TeamState {
    return teamStateWithRefs(state, this.refOfFn);
  }

  recordedAction(recorded: RecordedAction): RecordedAction {
    return recordedActionWithRefs(recorded, this.refOfFn);
  }
}

/**
 * Reverse lookup for one team: reference → internal event id, for the events delivered to that
 * team only (a reference of another team's alert is as unknown as a made-up one).
 */
export class TeamAlertRefIndex {
  private readonly byRef = new Map<string, string>();
  /** Highest delivered seq already indexed. */
  private indexedSeq = 0;

  constructor(private readonly namer: AlertRefNamer) {}

  get lastSeq(): number {
    return this.indexedSeq;
  }

  /** Adds delivered events (in any order; seqs at or below the last indexed one are skipped). */
  add(events: ReadonlyArray<{ readonly seq: number; readonly eventId: string }>): void {
    for (const event of events) {
      this.byRef.set(this.namer.refOf(event.eventId), event.eventId);
      if (event.seq > this.indexedSeq) this.indexedSeq = event.seq;
    }
  }

  eventIdOf(ref: string): string | undefined {
    return this.byRef.get(ref);
  }
}

// Alert ids inside triage payloads: incoming actions are renamed ref → id before anything else
// looks at them, states and recorded actions id → ref on the way out.

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
    case 'incident.playbook':
    case 'incident.task-add':
    case 'incident.task':
    case 'incident.note':
    case 'team.message':
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
  return {
    ...recorded,
    action: renameActionAlertIds(action, (id) => refOf(id)) as unknown as Record<string, unknown>,
    ...(result === undefined ? {} : { result }),
  };
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
