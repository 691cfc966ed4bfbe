import type { Evidence, LineItemStatus } from '../../contracts/scoring.schema.js';
import type { ExpectedResponse } from '../../contracts/scenario.schema.js';
import { onlyIfHolds } from './fired-triggers.js';
import { describeRef, resolveRef } from './score-context.js';
import { at, evidence, normalizeTarget, span } from './score-helpers.js';
import type { Context, MetricsAcc, RawComponent, RawItem } from './score-types.js';
import { SCORING_RULES } from './scoring-rules.js';

/** Response: the expected responses, taken in their window and how fast, and harmful actions. */

export function scoreResponse(ctx: Context, metrics: MetricsAcc): RawComponent {
  const items: RawItem[] = [];
  const unscaled: RawItem[] = [];
  const responses = [...ctx.state.responses].sort((a, b) => a.virtualMs - b.virtualMs || (a.actionId < b.actionId ? -1 : a.actionId > b.actionId ? 1 : 0));
  const R = SCORING_RULES;
  const firstMatch = (expected: ExpectedResponse) =>
    responses.find((r) => r.action === expected.action && (expected.target === undefined || normalizeTarget(r.target) === normalizeTarget(expected.target)));
  const expectedById = new Map(ctx.scenario.responses.map((r) => [r.id, r]));
  /** Ordering (`takenAfter`): the prerequisites that applied to this team and were not taken before `match`. */
  const outOfOrder = (expected: ExpectedResponse, match: (typeof responses)[number]): string[] => {
    const position = responses.indexOf(match);
    return (expected.takenAfter ?? []).filter((id) => {
      const before = expectedById.get(id);
      if (before === undefined || !onlyIfHolds(before.onlyIf, ctx.fired).holds) return false;
      const taken = firstMatch(before);
      return taken === undefined || responses.indexOf(taken) > position;
    });
  };
  for (const expected of ctx.scenario.responses) {
    const label = `${expected.action}${expected.target ? ` ${expected.target}` : ''}`;
    const base = { id: `response:${expected.id}`, kind: 'response', subject: expected.id, scaled: true } as const;
    const match = firstMatch(expected);
    const condition = onlyIfHolds(expected.onlyIf, ctx.fired);
    if (!condition.holds) {
      items.push({
        ...base,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        code: 'RESPONSE_CONDITION_NOT_MET',
        note: `${label}: not applicable — it ${condition.why}.`,
        evidence: evidence({ actionIds: match ? [match.actionId] : [], userIds: match ? [match.userId] : [] }),
      });
      continue;
    }
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
        items.push({
          ...base,
          status: 'not-applicable',
          raw: 0,
          rawMax: 0,
          code: 'RESPONSE_OPTIONAL_NOT_TAKEN',
          note: `${label}: optional, not taken.`,
          evidence: matchEvidence(times),
        });
        continue;
      }
      metrics.responsesDue += 1;
      items.push({
        ...base,
        status: 'missed',
        raw: 0,
        rawMax: P,
        code: 'RESPONSE_MISSED',
        note: `${label} never taken; ${windowText}.`,
        evidence: matchEvidence(times),
      });
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
      note =
        t < start
          ? `${label} taken at ${at(t)}, before its window opened (${describeRef(expected.from)}): full credit.`
          : `${label} taken at ${at(t)}, as soon as its window opened; ${windowText}.`;
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
    const skipped = raw > 0 ? outOfOrder(expected, match) : [];
    if (skipped.length > 0) {
      raw = 0;
      status = 'missed';
      code = 'RESPONSE_OUT_OF_ORDER';
      note = `${label} taken at ${at(t)} before ${skipped.join(', ')}, which must come first: no credit.`;
    }
    if (expected.required) {
      metrics.responsesDue += 1;
      if (status !== 'late') metrics.responsesInWindow += 1;
      items.push({ ...base, status, raw, rawMax: P, code, note, evidence: matchEvidence(times), actedAtMs: raw > 0 ? t : undefined });
    } else {
      items.push({
        ...base,
        status: raw > 0 ? 'bonus' : status,
        raw,
        rawMax: 0,
        code,
        note: `${note} (optional: bonus)`,
        evidence: matchEvidence(times),
        actedAtMs: raw > 0 ? t : undefined,
      });
    }
  }
  for (const harmful of ctx.scenario.harmful) {
    const matches = responses.filter(
      (r) => r.action === harmful.action && (harmful.target === undefined || normalizeTarget(r.target) === normalizeTarget(harmful.target)),
    );
    if (matches.length === 0 || !onlyIfHolds(harmful.onlyIf, ctx.fired).holds) continue;
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
