import type { IncidentState, TeamState } from '../../contracts/triage.schema.js';
import type { Context, KeyIncidentInfo } from './score-types.js';

/** Matches the team's incidents to the key's (used by coordination and incident handling). */

export function applicableKeyIncidents(ctx: Context): KeyIncidentInfo[] {
  const byIncident = new Map<string, string[]>();
  const first = new Map<string, number>();
  for (const d of ctx.delivered) {
    const incident = d.key?.answer.incident ?? null;
    if (incident === null || d.key?.answer.verdict !== 'true-positive') continue;
    const list = byIncident.get(incident) ?? [];
    list.push(d.eventId);
    byIncident.set(incident, list);
    if (!first.has(incident)) first.set(incident, d.virtualMs);
  }
  return ctx.scenario.incidents.flatMap((k) => {
    const alerts = byIncident.get(k.id);
    return alerts === undefined ? [] : [{ id: k.id, alerts, firstDeliveredMs: first.get(k.id) ?? 0 }];
  });
}

export function liveIncidents(state: TeamState): IncidentState[] {
  return Object.values(state.incidents)
    .filter((i) => i.mergedInto === null)
    .sort((a, b) => a.createdAtMs - b.createdAtMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Greedy one-to-one matching by overlap of linked alerts (largest first; earlier incidents win ties). */
export function matchIncidents(ctx: Context, keyIncidents: readonly KeyIncidentInfo[]): Map<string, string> {
  const team = liveIncidents(ctx.state);
  const pairs: { teamId: string; keyId: string; overlap: number; teamIndex: number; keyIndex: number }[] = [];
  keyIncidents.forEach((k, keyIndex) => {
    const set = new Set(k.alerts);
    team.forEach((t, teamIndex) => {
      const overlap = t.alertIds.filter((id) => set.has(id)).length;
      if (overlap > 0) pairs.push({ teamId: t.id, keyId: k.id, overlap, teamIndex, keyIndex });
    });
  });
  pairs.sort((a, b) => b.overlap - a.overlap || a.teamIndex - b.teamIndex || a.keyIndex - b.keyIndex);
  const match = new Map<string, string>();
  const usedKeys = new Set<string>();
  for (const pair of pairs) {
    if (match.has(pair.teamId) || usedKeys.has(pair.keyId)) continue;
    match.set(pair.teamId, pair.keyId);
    usedKeys.add(pair.keyId);
  }
  return match;
}

export function teamIncidentFor(ctx: Context, keyId: string): IncidentState | undefined {
  for (const [teamId, matched] of ctx.incidentMatch) if (matched === keyId) return ctx.state.incidents[teamId];
  return undefined;
}
