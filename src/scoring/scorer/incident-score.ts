import { liveIncidents, teamIncidentFor } from './incident-matching.js';
import { at, evidence, f1, lcs, normalizeTarget, pct, severityCredit } from './score-helpers.js';
import type { Context, KeyIncidentInfo, MetricsAcc, RawComponent, RawItem, RawPart } from './score-types.js';
import { CONTAINMENT_ACTIONS, SCORING_RULES } from './scoring-rules.js';

/** Incident handling, per key incident: grouping, severity, phases followed, closure; spurious incidents dilute. */

export function scoreIncidents(ctx: Context, keyIncidents: readonly KeyIncidentInfo[], metrics: MetricsAcc): RawComponent {
  const items: RawItem[] = [];
  const S = SCORING_RULES.incidentShares;
  for (const k of keyIncidents) {
    const keyIncident = ctx.scenario.incidents.find((i) => i.id === k.id);
    if (keyIncident === undefined) continue;
    const team = teamIncidentFor(ctx, k.id);
    const actors = team ? [...(ctx.incidentActors.get(team.id) ?? [])] : [];
    const base = (part: string) => ({ id: `incident-${part}:${k.id}`, kind: `incident-${part}`, subject: k.id, scaled: true });
    if (team === undefined) {
      items.push({
        ...base('grouping'),
        status: 'missed',
        raw: 0,
        rawMax: 1,
        code: 'INCIDENT_NOT_OPENED',
        note: `No team incident groups any alert of ${k.id} (${k.alerts.length} of its alerts were delivered).`,
        evidence: evidence({ alertIds: [...k.alerts], times: { firstAlert: k.firstDeliveredMs } }),
      });
      continue;
    }
    const keySet = new Set(k.alerts);
    const overlap = team.alertIds.filter((id) => keySet.has(id)).length;
    const grouping = f1(overlap, team.alertIds.length, k.alerts.length);
    const strays = team.alertIds.filter((id) => !keySet.has(id));
    const teamSet = new Set(team.alertIds);
    const missingAlerts = k.alerts.filter((id) => !teamSet.has(id));
    items.push({
      ...base('grouping'),
      status: grouping.f1 >= 1 ? 'earned' : grouping.f1 > 0 ? 'partial' : 'missed',
      raw: S.grouping * grouping.f1,
      rawMax: S.grouping,
      code: 'INCIDENT_GROUPING',
      note: `Incident ${team.id} groups ${overlap} of the ${k.alerts.length} delivered alerts of ${k.id}${strays.length ? ` plus ${strays.length} that do not belong (${strays.slice(0, 5).join(', ')}${strays.length > 5 ? ', …' : ''})` : ''}${missingAlerts.length ? `; not linked: ${missingAlerts.slice(0, 5).join(', ')}${missingAlerts.length > 5 ? ', …' : ''}` : ''} (F1 ${pct(grouping.f1)}).`,
      evidence: evidence({ alertIds: team.alertIds, userIds: actors, times: { created: team.createdAtMs } }),
      actedAtMs: team.createdAtMs,
    });
    const sev = severityCredit(team.severity, keyIncident.severity);
    items.push({
      ...base('severity'),
      status: sev.share === 1 ? 'earned' : sev.share > 0 ? 'partial' : 'missed',
      raw: S.severity * sev.share,
      rawMax: S.severity,
      code: `INCIDENT_${sev.code}`,
      note:
        team.severity === null
          ? `Incident ${team.id} has no severity (key: ${keyIncident.severity}).`
          : `Incident ${team.id} severity ${team.severity} (key: ${keyIncident.severity}).`,
      evidence: evidence({ userIds: actors }),
    });
    const walked = team.phaseHistory.length > 0 ? team.phaseHistory.map((p) => p.phase) : [team.phase];
    const followed = lcs(walked, keyIncident.phases);
    const phaseTimes: Record<string, number> = {};
    for (const p of team.phaseHistory) if (phaseTimes[p.phase] === undefined) phaseTimes[p.phase] = p.virtualMs;
    items.push({
      ...base('phases'),
      status: followed === keyIncident.phases.length ? 'earned' : followed > 0 ? 'partial' : 'missed',
      raw: keyIncident.phases.length === 0 ? S.phases : (S.phases * followed) / keyIncident.phases.length,
      rawMax: S.phases,
      code: 'INCIDENT_PHASES',
      note: `Incident ${team.id} went through ${walked.join(' → ')}; ${followed} of the ${keyIncident.phases.length} expected phases (${keyIncident.phases.join(' → ')}) in order.`,
      evidence: evidence({ userIds: actors, times: phaseTimes }),
    });
    const closed = team.phase === 'closed';
    items.push({
      ...base('closed'),
      status: closed ? 'earned' : 'missed',
      raw: closed ? S.closed : 0,
      rawMax: S.closed,
      code: closed ? 'INCIDENT_CLOSED' : 'INCIDENT_OPEN',
      note: closed
        ? `Incident ${team.id} closed at ${at(phaseTimes.closed ?? team.createdAtMs)}.`
        : `Incident ${team.id} was not closed (phase ${team.phase}).`,
      evidence: evidence({ userIds: actors, times: phaseTimes }),
      actedAtMs: closed ? phaseTimes.closed : undefined,
    });
    // Mean time to contain: first containing action expected for this incident, from its first alert.
    const containing = ctx.scenario.responses.filter((r) => r.incident === k.id && CONTAINMENT_ACTIONS.has(r.action));
    let containedAt: number | undefined;
    for (const response of ctx.state.responses) {
      const hit = containing.some(
        (r) => r.action === response.action && (r.target === undefined || normalizeTarget(r.target) === normalizeTarget(response.target)),
      );
      if (hit && (containedAt === undefined || response.virtualMs < containedAt)) containedAt = response.virtualMs;
    }
    if (containedAt !== undefined) {
      metrics.containCount += 1;
      metrics.containSum += Math.max(0, containedAt - k.firstDeliveredMs);
    }
  }
  for (const team of liveIncidents(ctx.state)) {
    if (ctx.incidentMatch.has(team.id)) continue;
    items.push({
      id: `incident-spurious:${team.id}`,
      kind: 'incident-spurious',
      subject: team.id,
      status: 'missed',
      raw: 0,
      rawMax: SCORING_RULES.spuriousIncidentWeight,
      scaled: true,
      code: 'INCIDENT_SPURIOUS',
      note: `Incident ${team.id} ("${team.title}") matches no incident of the key${team.alertIds.length ? ` (its ${team.alertIds.length} alerts belong elsewhere or are noise)` : ' and has no alerts'}: it dilutes the incident score.`,
      evidence: evidence({ alertIds: team.alertIds, userIds: [...(ctx.incidentActors.get(team.id) ?? [])], times: { created: team.createdAtMs } }),
    });
  }
  const part: RawPart = { id: 'incidents', share: 1, items };
  if (items.length === 0) part.notApplicableReason = 'no incident of the key was revealed to this team and it opened none';
  return { id: 'incident', parts: [part], unscaled: [] };
}
