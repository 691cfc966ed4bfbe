import type { TimeRef } from '../../contracts/scenario.schema.js';
import type { TeamState } from '../../contracts/triage.schema.js';
import type { AnswerKey, KeyAlert } from '../answer-key.js';
import { judgementsAt, receivedAt, settleInstant, triageWindowMs } from '../settlement.js';
import { firedTriggersOf, usesOnlyIf } from './fired-triggers.js';
import { at, span } from './score-helpers.js';
import type { AlertJudgement, Context, DeliveredInfo, ScoreInput, ScoringAction } from './score-types.js';

/** What every component reads: the delivered alerts with their key and settle instant, who judged what, time references. */

export function buildContext(input: ScoreInput, key: AnswerKey): Context {
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
  const judgements =
    input.actions !== undefined ? judgementsAt(ordered, settleOf, (alertId) => deliveredById.has(alertId)) : judgementsOfState(input.state, delivered);
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
    fired: usesOnlyIf(input.scenario) ? firedTriggersOf(input, endMs) : null,
  };
}

/** Without an action log: the state as it stands, for every settled alert (see ScoreInput.phase). */
export function judgementsOfState(state: TeamState, delivered: readonly DeliveredInfo[]): Map<string, AlertJudgement> {
  const out = new Map<string, AlertJudgement>();
  for (const d of delivered) {
    const st = state.alerts[d.eventId];
    if (d.settleMs === null || st === undefined) continue;
    out.set(d.eventId, {
      verdict: st.verdict,
      verdictReason: st.verdictReason,
      duplicateOf: st.duplicateOf,
      verdictAtMs: st.verdictAtMs,
      severity: st.severity,
      severityAtMs: null,
    });
  }
  return out;
}

export function resolveRef(ctx: Context, ref: TimeRef): number | null {
  if (typeof ref === 'number') return ref * 1000;
  const base = ctx.deliveredAt.get(ref.event);
  return base === undefined ? null : base + (ref.plus ?? 0) * 1000;
}

export function describeRef(ref: TimeRef | undefined): string {
  if (ref === undefined) return 'the start';
  if (typeof ref === 'number') return at(ref * 1000);
  return ref.plus ? `delivery of ${ref.event} + ${span(ref.plus * 1000)}` : `delivery of ${ref.event}`;
}

/** Root of a duplicate chain by the key (the team names delivered event ids). */
export function rootOf(ctx: Context, alertId: string): string {
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
export function keyFor(ctx: Context, key: AnswerKey, alertId: string): KeyAlert | undefined {
  return ctx.deliveredById.get(alertId)?.key ?? key.alert(alertId);
}
