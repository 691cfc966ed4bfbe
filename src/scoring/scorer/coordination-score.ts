import type { LineItemStatus } from '../../contracts/scoring.schema.js';
import type { IncidentState, ReportRecord } from '../../contracts/triage.schema.js';
import { liveIncidents, teamIncidentFor } from './incident-matching.js';
import { onlyIfHolds } from './fired-triggers.js';
import { describeRef, resolveRef } from './score-context.js';
import { at, contentFields, evidence, pct, span } from './score-helpers.js';
import type { Context, KeyIncidentInfo, MetricsAcc, RawComponent, RawItem, RawPart } from './score-types.js';
import { SCORING_RULES } from './scoring-rules.js';

/** Coordination & reporting: routing (F1 over alert–party pairs), reporting obligations, incidents' legal class. */

export function scoreCoordination(ctx: Context, keyIncidents: readonly KeyIncidentInfo[], metrics: MetricsAcc): RawComponent {
  const shares = SCORING_RULES.coordinationShares;

  // Routing: (alert, party) pairs against answer.routing; a team incident's routes count for its alerts.
  const routingItems: RawItem[] = [];
  const incidentsOf = new Map<string, IncidentState[]>();
  const live = liveIncidents(ctx.state);
  for (const incident of live) {
    for (const alertId of incident.alertIds) {
      const list = incidentsOf.get(alertId) ?? [];
      list.push(incident);
      incidentsOf.set(alertId, list);
    }
  }
  let expectedPairs = 0;
  let routedPairs = 0;
  let correctRouted = 0;
  let coveredExpected = 0;
  const rightUsers: string[] = [];
  const rightActions: string[] = [];
  let lastRightMs: number | undefined;
  for (const d of ctx.delivered) {
    if (d.key === undefined) continue;
    const st = ctx.state.alerts[d.eventId];
    // Most alerts are noise nobody routed: skip them before allocating anything.
    if (d.key.answer.routing.length === 0 && (st === undefined || st.routes.length === 0)) continue;
    const expected = new Set(d.key.answer.routing);
    const direct = new Map<string, { userId: string; actionId: string; virtualMs: number }>();
    for (const route of st?.routes ?? []) for (const to of route.to) if (!direct.has(to)) direct.set(to, route);
    const viaIncident = new Set<string>();
    for (const incident of incidentsOf.get(d.eventId) ?? []) for (const route of incident.routes) for (const to of route.to) viaIncident.add(to);
    if (expected.size === 0 && direct.size === 0) continue;
    expectedPairs += expected.size;
    routedPairs += direct.size;
    const missing: string[] = [];
    const extra: string[] = [];
    for (const [to, route] of direct) {
      if (expected.has(to)) {
        correctRouted += 1;
        rightUsers.push(route.userId);
        rightActions.push(route.actionId);
        lastRightMs = Math.max(lastRightMs ?? 0, route.virtualMs);
      } else extra.push(to);
    }
    for (const to of expected) {
      if (direct.has(to) || viaIncident.has(to)) coveredExpected += 1;
      else missing.push(to);
    }
    // Per-alert routing details carry no points (the F1 summary does): only the full detail lists them.
    if (ctx.lean) continue;
    const ok = missing.length === 0 && extra.length === 0;
    routingItems.push({
      id: `routing:${d.eventId}`,
      kind: 'routing-detail',
      subject: d.eventId,
      status: 'info',
      raw: 0,
      rawMax: 0,
      scaled: true,
      code: ok ? 'ROUTING_RIGHT' : 'ROUTING_DIFFERS',
      note: ok
        ? `${d.eventId} routed to ${[...expected].join(', ') || 'nobody'} as expected.`
        : `${d.eventId}: expected [${[...expected].join(', ')}]${missing.length ? `, missing [${missing.join(', ')}]` : ''}${extra.length ? `, not needed [${extra.join(', ')}]` : ''}.`,
      evidence: evidence({
        alertIds: [d.eventId],
        actionIds: [...direct.values()].map((r) => r.actionId),
        userIds: [...direct.values()].map((r) => r.userId),
        times: { delivered: d.virtualMs },
      }),
    });
  }
  // Incident-level routes: right when the party is expected for some alert linked to the incident.
  for (const incident of live) {
    const expected = new Set<string>();
    for (const alertId of incident.alertIds) for (const to of ctx.deliveredById.get(alertId)?.key?.answer.routing ?? []) expected.add(to);
    const seen = new Set<string>();
    for (const route of incident.routes) {
      for (const to of route.to) {
        if (seen.has(to)) continue;
        seen.add(to);
        routedPairs += 1;
        if (expected.has(to)) {
          correctRouted += 1;
          rightUsers.push(route.userId);
          rightActions.push(route.actionId);
          lastRightMs = Math.max(lastRightMs ?? 0, route.virtualMs);
        }
      }
    }
  }
  const routing = f1Counts(correctRouted, routedPairs, coveredExpected, expectedPairs);
  const routingPart: RawPart = { id: 'routing', share: shares.routing, items: [] };
  if (expectedPairs === 0 && routedPairs === 0) {
    routingPart.notApplicableReason = 'no delivered alert needed routing and the team routed nothing';
  } else {
    routingPart.items.push({
      id: 'routing:summary',
      kind: 'routing',
      subject: 'routing',
      status: routing.f1 >= 1 ? 'earned' : routing.f1 > 0 ? 'partial' : 'missed',
      raw: routing.f1,
      rawMax: 1,
      scaled: true,
      code: 'ROUTING_F1',
      note: `Routing precision ${pct(routing.precision)} (${correctRouted} of ${routedPairs} routes needed), recall ${pct(routing.recall)} (${coveredExpected} of ${expectedPairs} required routes made): F1 ${pct(routing.f1)}.`,
      evidence: evidence({ actionIds: rightActions, userIds: rightUsers }),
      actedAtMs: lastRightMs,
    });
  }
  routingPart.items.push(...routingItems);

  // Reporting obligations.
  const reportItems: RawItem[] = [];
  const used = new Set<string>();
  const R = SCORING_RULES;
  const obligations = ctx.scenario.reporting
    .map((o, index) => ({ o, index, from: resolveRef(ctx, o.from) }))
    .sort((a, b) => (a.from ?? Number.POSITIVE_INFINITY) - (b.from ?? Number.POSITIVE_INFINITY) || a.index - b.index);
  const expectedLevel = ctx.scenario.target.securityLevel;
  for (const { o, from } of obligations) {
    const base = { id: `report:${o.id}`, kind: 'report', subject: o.id, scaled: true } as const;
    const condition = onlyIfHolds(o.onlyIf, ctx.fired);
    if (!condition.holds) {
      reportItems.push({
        ...base,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        code: 'REPORT_CONDITION_NOT_MET',
        note: `${o.kind} report: not applicable — it ${condition.why}.`,
        evidence: evidence(),
      });
      continue;
    }
    if (from === null) {
      reportItems.push({
        ...base,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        code: 'REPORT_NEVER_DUE',
        note: `${o.kind} report: not applicable — its clock starts at ${describeRef(o.from)}, which never happened for this team.`,
        evidence: evidence(),
      });
      continue;
    }
    if (from > ctx.endMs) {
      reportItems.push({
        ...base,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        code: 'REPORT_DUE_AFTER_END',
        note: `${o.kind} report: not applicable — its clock starts at ${at(from)}, after the exercise ended.`,
        evidence: evidence({ times: { from } }),
      });
      continue;
    }
    metrics.reportsDue += 1;
    const deadline = from + o.deadline * 1000;
    // A fixed drill time (`from: "60m"`) is a published schedule: a report filed before it is an
    // earlier report, not this one (as the console's deadline list counts it). A clock started by
    // an alert counts any report: the team may know before the key's revealing alert arrives.
    const scheduled = typeof o.from === 'number';
    const candidates = ctx.state.reports.filter((r) => {
      if (r.kind !== o.kind || used.has(r.id)) return false;
      if (scheduled && r.virtualMs < from) return false;
      if (o.incident === undefined || r.incidentId === null) return true;
      const matched = ctx.incidentMatch.get(r.incidentId);
      return matched === undefined || matched === o.incident;
    });
    let best: { report: ReportRecord; fraction: number; onTime: boolean; missing: string[]; wrongLevel: number | null } | undefined;
    for (const report of candidates) {
      const onTime = report.virtualMs <= deadline;
      const recipients = recipientsFraction(o.recipients, o.inappropriateRecipients, report.recipients);
      const { present, wrongLevel } = contentFields(report.content, expectedLevel);
      const missing = o.requiredContent.filter((f) => !present.has(f));
      const content = o.requiredContent.length === 0 ? 1 : (o.requiredContent.length - missing.length) / o.requiredContent.length;
      const rest = R.reportRecipientsShare * recipients + R.reportContentShare * content;
      const fraction = onTime ? R.reportTimelyShare + rest : rest * R.lateReportFactor;
      if (best === undefined || fraction > best.fraction + 1e-12) best = { report, fraction, onTime, missing, wrongLevel };
    }
    const times = { from, deadline };
    if (best === undefined) {
      reportItems.push({
        ...base,
        status: 'missed',
        raw: 0,
        rawMax: o.points,
        code: 'REPORT_MISSING',
        note: `${o.kind} report to ${o.recipients.join(', ')} was due by ${at(deadline)} (${span(o.deadline * 1000)} after ${describeRef(o.from)}) and never filed.`,
        evidence: evidence({ times }),
      });
      continue;
    }
    // A report and its corrections are one report: none of them serves another obligation.
    const chainRoot = (report: ReportRecord): string => {
      let current = report;
      const seen = new Set<string>();
      while (current.correctsReportId !== null && !seen.has(current.id)) {
        seen.add(current.id);
        const previous = ctx.state.reports.find((r) => r.id === current.correctsReportId);
        if (previous === undefined) break;
        current = previous;
      }
      return current.id;
    };
    const root = chainRoot(best.report);
    for (const r of ctx.state.reports) if (chainRoot(r) === root) used.add(r.id);
    if (best.onTime) metrics.reportsOnTime += 1;
    const r = best.report;
    const problems: string[] = [];
    if (!best.onTime) problems.push(`late by ${span(r.virtualMs - deadline)}`);
    const missingRecipients = o.recipients.filter((p) => !r.recipients.includes(p));
    const inappropriate = r.recipients.filter((p) => o.inappropriateRecipients.includes(p));
    if (missingRecipients.length) problems.push(`missing recipients [${missingRecipients.join(', ')}]`);
    if (inappropriate.length) problems.push(`sent to inappropriate recipients [${inappropriate.join(', ')}]`);
    if (best.missing.length) problems.push(`missing content [${best.missing.join(', ')}]`);
    if (best.wrongLevel !== null) problems.push(`security level ${best.wrongLevel} given, ${expectedLevel} expected`);
    const status: LineItemStatus = best.fraction >= 1 - 1e-12 ? 'earned' : best.onTime ? 'partial' : 'late';
    reportItems.push({
      ...base,
      status,
      raw: o.points * Math.min(1, best.fraction),
      rawMax: o.points,
      code: !best.onTime ? 'REPORT_LATE' : problems.length ? 'REPORT_INCOMPLETE' : 'REPORT_ON_TIME',
      note: `${o.kind} report filed at ${at(r.virtualMs)} (due ${at(deadline)}, ${span(o.deadline * 1000)} after ${describeRef(o.from)})${problems.length ? `: ${problems.join('; ')}` : ' on time, to the right recipients, with the required content'}.`,
      evidence: evidence({ actionIds: [r.actionId], userIds: [r.userId], times: { ...times, filed: r.virtualMs } }),
      actedAtMs: r.virtualMs,
    });
  }
  const reportingPart: RawPart = { id: 'reporting', share: shares.reporting, items: reportItems };

  // Legal class of each incident (sự cố thông thường / nghiêm trọng).
  const legalItems: RawItem[] = [];
  for (const k of keyIncidents) {
    const keyIncident = ctx.scenario.incidents.find((i) => i.id === k.id);
    if (keyIncident === undefined) continue;
    const team = teamIncidentFor(ctx, k.id);
    const right = team !== undefined && team.legalClass === keyIncident.legalClass;
    legalItems.push({
      id: `legal-class:${k.id}`,
      kind: 'legal-class',
      subject: k.id,
      status: right ? 'earned' : 'missed',
      raw: right ? 1 : 0,
      rawMax: 1,
      scaled: true,
      code:
        team === undefined ? 'LEGAL_CLASS_NO_INCIDENT' : team.legalClass === null ? 'LEGAL_CLASS_NOT_SET' : right ? 'LEGAL_CLASS_RIGHT' : 'LEGAL_CLASS_WRONG',
      note:
        team === undefined
          ? `No team incident matches ${k.id}, so its legal class (${keyIncident.legalClass}) was never set.`
          : team.legalClass === null
            ? `Incident ${team.id} (${k.id}) has no legal class; the key says ${keyIncident.legalClass}.`
            : `Incident ${team.id} (${k.id}) classed ${team.legalClass}; the key says ${keyIncident.legalClass}.`,
      evidence: evidence({ userIds: team ? [...(ctx.incidentActors.get(team.id) ?? [])] : [] }),
    });
  }
  const legalPart: RawPart = { id: 'legal-class', share: shares['legal-class'], items: legalItems };
  if (legalItems.length === 0) legalPart.notApplicableReason = 'no incident of the key was revealed to this team';
  return { id: 'coordination', parts: [routingPart, reportingPart, legalPart], unscaled: [] };
}

/**
 * The recipients share of a report: the law names who must receive it, so each required recipient
 * missing costs its share; informing anyone else (the national monitoring centre, the provincial
 * CSIRT) costs nothing, unless the scenario marks that party inappropriate for this report (the
 * press), which costs one required recipient's share each.
 */
export function recipientsFraction(required: readonly string[], inappropriate: readonly string[], given: readonly string[]): number {
  const sent = new Set(given);
  const requiredSet = new Set(required);
  if (requiredSet.size === 0) return 1;
  const hits = [...requiredSet].filter((p) => sent.has(p)).length;
  const wrong = new Set(inappropriate.filter((p) => sent.has(p) && !requiredSet.has(p))).size;
  return Math.max(0, hits - wrong) / requiredSet.size;
}

export function f1Counts(
  correctPredicted: number,
  predicted: number,
  coveredExpected: number,
  expected: number,
): { precision: number | null; recall: number | null; f1: number } {
  const precision = predicted === 0 ? null : correctPredicted / predicted;
  const recall = expected === 0 ? null : coveredExpected / expected;
  if (precision === null && recall === null) return { precision, recall, f1: 1 };
  const p = precision ?? 0;
  const r = recall ?? (predicted === 0 ? 1 : 0);
  const value = precision === null ? 0 : recall === null ? 0 : p + r === 0 ? 0 : (2 * p * r) / (p + r);
  return { precision, recall, f1: value };
}
