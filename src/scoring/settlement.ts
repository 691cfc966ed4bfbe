import type { Scenario } from '../contracts/scenario.schema.js';
import type { TriageAction } from '../contracts/triage.schema.js';
import type { AlertJudgement, ScoringDeliveredEvent } from './scorer/score-types.js';

/**
 * Settled judgement (docs/scoring.md, "Settled judgement"): an alert's verdict and severity count
 * as the team left them at its settle instant, its delivery plus one triage window (the same for
 * every alert), or the end of the exercise if that comes first. Whatever a team does to an alert
 * afterwards changes no score, so acting and re-reading a score cannot reveal the key.
 */

/** When the team received an event: when it was due, or later for a catch-up (a seek, a recovery). */
export function receivedAt(event: ScoringDeliveredEvent): number {
  return Math.max(event.virtualMs, event.deliveredAtMs ?? event.virtualMs);
}

/** One delivered event as the scorer reads it from a log; `deliveredAtMs` only when it was received after it was due. */
export function deliveredEvent(
  eventId: string,
  virtualMs: number,
  origin: ScoringDeliveredEvent['origin'],
  injectId: string | undefined,
  deliveredAtMs: number,
): ScoringDeliveredEvent {
  const late = Number.isFinite(deliveredAtMs) && deliveredAtMs > virtualMs;
  if (injectId === undefined) return late ? { eventId, virtualMs, origin, deliveredAtMs } : { eventId, virtualMs, origin };
  return late ? { eventId, virtualMs, origin, injectId, deliveredAtMs } : { eventId, virtualMs, origin, injectId };
}

/** The default triage window (scenario `scoring.triageWindow`): 30 minutes of drill time. */
export const DEFAULT_TRIAGE_WINDOW_S = 30 * 60;

/** The scenario's triage window in ms. */
export function triageWindowMs(scenario: Pick<Scenario, 'scoring'>): number {
  return Math.round((scenario.scoring.triageWindow ?? DEFAULT_TRIAGE_WINDOW_S) * 1000);
}

/**
 * When an alert delivered at `deliveredMs` settles in a score taken at `endMs`: `null` while it is
 * pending (a live score, before delivery + window); a final score settles everything by its end.
 */
export function settleInstant(deliveredMs: number, windowMs: number, endMs: number, phase: 'live' | 'final'): number | null {
  const due = deliveredMs + windowMs;
  if (due <= endMs) return due;
  return phase === 'final' ? endMs : null;
}

/**
 * The last checkpoint at or before `virtualMs`: what trainees see during the run moves only on this
 * fixed grid (T+0, T+W, T+2W …), whatever any team does.
 */
export function checkpointAt(virtualMs: number, windowMs: number): number {
  if (!(windowMs > 0)) return virtualMs;
  return Math.floor(Math.max(0, virtualMs) / windowMs) * windowMs;
}

/** One alert's triage fields as the team had set them at some instant. */
export const NO_JUDGEMENT: AlertJudgement = Object.freeze({
  verdict: null,
  verdictReason: null,
  duplicateOf: null,
  verdictAtMs: null,
  severity: null,
  severityAtMs: null,
});

interface LoggedAction {
  readonly virtualMs: number;
  readonly action: TriageAction;
}

/**
 * Each alert's verdict and severity at its own instant `at(alertId)` (null: not judged here), from
 * a log of accepted actions in seq order. Verdict and severity change only through `alert.verdict`
 * and `alert.severity` (the reducer's rules), so only those are replayed; a duplicate verdict naming
 * an alert not delivered is skipped as the fold skips it. Alerts never judged by then are absent.
 */
export function judgementsAt(
  actions: readonly LoggedAction[],
  at: (alertId: string) => number | null,
  delivered: (alertId: string) => boolean,
): Map<string, AlertJudgement> {
  const out = new Map<string, AlertJudgement>();
  for (const recorded of actions) {
    const action = recorded.action;
    if (action.type !== 'alert.verdict' && action.type !== 'alert.severity') continue;
    const limit = at(action.alertId);
    if (limit === null || recorded.virtualMs > limit) continue;
    const before = out.get(action.alertId) ?? NO_JUDGEMENT;
    if (action.type === 'alert.severity') {
      out.set(action.alertId, { ...before, severity: action.severity, severityAtMs: recorded.virtualMs });
      continue;
    }
    let duplicateOf: string | null = null;
    if (action.verdict === 'duplicate') {
      const original = action.duplicateOf;
      if (original === undefined || original === action.alertId || !delivered(original)) continue;
      duplicateOf = original;
    } else if (action.duplicateOf !== undefined) continue;
    out.set(action.alertId, { ...before, verdict: action.verdict, verdictReason: action.reason ?? null, duplicateOf, verdictAtMs: recorded.virtualMs });
  }
  return out;
}
