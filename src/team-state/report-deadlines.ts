import type { ReportObligation } from '../contracts/scenario.schema.js';
import type { ReportDeadline, TeamState } from '../contracts/triage.schema.js';

/**
 * The report deadlines a team's console shows, one per reporting obligation of the scenario.
 *
 * The answer key starts most clocks at a hidden alert (`from: {event: ...}`: "the first alert
 * revealing the incident"). Counting down from that alert would tell the team which alert is the
 * real one, so the console's clock starts from what the TEAM knows instead: `detectedAtMs`, the
 * moment it first created an incident, set a true-positive verdict or filed a report. Obligations
 * with a fixed drill time (`from: "60m"`) are a published schedule; they are shown once the team
 * has recognised an incident, with their own window. Scoring keeps using the answer key.
 *
 * The answer key's obligation ids are not shown either (they name what the author expects, e.g.
 * "rep-webshell-isolated"): each deadline is named by its position, `deadline-1`, `deadline-2` …
 */
export function reportDeadlines(state: TeamState, obligations: readonly ReportObligation[], nowMs: number): ReportDeadline[] {
  const detectedAt = state.detectedAtMs ?? null;
  const used = new Set<string>();
  return obligations.map((obligation, index) => {
    const allowedMs = Math.round(obligation.deadline * 1000);
    const startsFrom: ReportDeadline['startsFrom'] = typeof obligation.from === 'number' ? 'schedule' : 'detection';
    const base = {
      obligationId: `deadline-${index + 1}`,
      kind: obligation.kind,
      legalBasis: { vi: obligation.legalBasis.vi, en: obligation.legalBasis.en },
      // Who must receive it and what it must say are the law; the incident it is for and the
      // recipients the scenario marks inappropriate are the answer key and stay hidden.
      recipients: [...obligation.recipients],
      requiredContent: [...obligation.requiredContent],
      allowedMs,
      startsFrom,
    };
    if (detectedAt === null) {
      return { ...base, status: 'not-started', startsAtMs: null, dueAtMs: null, remainingMs: null, filedReportId: null, filedAtMs: null };
    }
    const startsAtMs = typeof obligation.from === 'number' ? Math.round(obligation.from * 1000) : detectedAt;
    const dueAtMs = startsAtMs + allowedMs;
    // A report counts for the first obligation of its kind it can serve; an early scheduled
    // report (before its window) does not, the window is what the drill checks.
    const filed = state.reports.find(
      (r) => r.kind === obligation.kind && r.correctsReportId === null && !used.has(r.id) && (startsFrom === 'detection' || r.virtualMs >= startsAtMs),
    );
    if (filed) {
      used.add(filed.id);
      return {
        ...base,
        status: filed.virtualMs <= dueAtMs ? 'met' : 'late',
        startsAtMs,
        dueAtMs,
        remainingMs: null,
        filedReportId: filed.id,
        filedAtMs: filed.virtualMs,
      };
    }
    const status = nowMs < startsAtMs ? 'upcoming' : nowMs <= dueAtMs ? 'open' : 'overdue';
    return {
      ...base,
      status,
      startsAtMs,
      dueAtMs,
      remainingMs: status === 'overdue' ? null : dueAtMs - Math.max(nowMs, startsAtMs),
      filedReportId: null,
      filedAtMs: null,
    };
  });
}
