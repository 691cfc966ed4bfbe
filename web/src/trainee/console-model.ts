import type { Text } from '@contracts/common.schema.js';
import type { Severity } from '@contracts/common.schema.js';
import type { ExerciseDto, StreamEvent } from '@contracts/exercise.schema.js';
import type { ScenarioBriefing } from '@contracts/scenario-api.schema.js';
import type { Sensor } from '@contracts/scenario.schema.js';
import type { AlertState, TeamState } from '@contracts/triage.schema.js';
import { pick } from '../lib/format.js';

/** The alert body a team receives (no answer key). Every text in it is untrusted and shown as text. */
export interface TraineeAlert {
  id: string;
  layer: 1 | 2 | 3 | 4;
  sensor: Sensor;
  severity: Severity;
  title: Text;
  description: Text;
  technique?: string;
  asset?: string;
  observables: Array<{ type: string; value: string }>;
  raw?: string;
  fields?: Record<string, string | number | boolean | Array<string | number | boolean>>;
  rule?: { name: string; id?: string; author?: string };
}

export type AlertStatus = 'new' | 'acknowledged' | 'closed';

export interface AlertRow {
  id: string;
  seq: number;
  event: StreamEvent;
  alert: TraineeAlert;
  state: AlertState | null;
  deliveredMs: number;
  /** The alert's own scheduled virtual time (a seek delivers skipped alerts late, each keeps its time). */
  virtualMs: number;
  severity: Severity;
  severityRank: number;
  title: string;
  layer: number;
  sensor: string;
  status: AlertStatus;
  owner: string;
}

export type BriefingParty = ScenarioBriefing['parties'][number] & { eraNames?: Partial<Record<'pre-2025' | '2025', Text>> };

export const SEVERITIES: Severity[] = ['low', 'medium', 'high', 'critical'];
const RANK: Record<Severity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

export function toAlert(event: StreamEvent): TraineeAlert {
  const a = event.alert as unknown as TraineeAlert;
  return { ...a, id: typeof a.id === 'string' ? a.id : event.eventId, observables: Array.isArray(a.observables) ? a.observables : [] };
}

export function buildRows(events: readonly StreamEvent[], state: TeamState | null, memberNames: ReadonlyMap<string, string>, unowned: string): AlertRow[] {
  return events.map((event) => {
    const alert = toAlert(event);
    const s = state?.alerts[alert.id] ?? null;
    const severity = s?.severity ?? alert.severity;
    const status: AlertStatus = s?.verdict ? 'closed' : s?.ownerId || s?.acknowledgedAtMs != null ? 'acknowledged' : 'new';
    return {
      id: alert.id,
      seq: event.seq,
      event,
      alert,
      state: s,
      deliveredMs: event.deliveredVirtualMs,
      virtualMs: event.virtualMs,
      severity,
      severityRank: RANK[severity] ?? 0,
      title: pick(alert.title),
      layer: alert.layer,
      sensor: alert.sensor,
      status,
      owner: s?.ownerId ? (memberNames.get(s.ownerId) ?? s.ownerId.slice(0, 8)) : unowned,
    };
  });
}

export function partyName(party: BriefingParty, era: ExerciseDto['era'] | undefined): string {
  const eraName = era ? party.eraNames?.[era] : undefined;
  return pick(eraName ?? party.name);
}

export function partyLabel(party: BriefingParty, era: ExerciseDto['era'] | undefined, layerShort: (n: number) => string): string {
  return party.layer ? `${layerShort(party.layer)} · ${partyName(party, era)}` : partyName(party, era);
}

export type TargetKind = NonNullable<ScenarioBriefing['responseTargets']>['choices'][number]['kind'];
export const TARGET_KIND_ORDER: readonly TargetKind[] = ['asset', 'file', 'account', 'address', 'domain'];

/**
 * The targets a drill offers for one response action, grouped by kind for the searchable picker
 * (scenario `responseTargets`): the declared choices of the action's kinds, and every asset for host
 * actions when the drill declares no asset choice. Null when the drill lets targets be typed freely.
 */
export function offeredTargets(
  kinds: readonly TargetKind[],
  responseTargets: ScenarioBriefing['responseTargets'],
  assets: ScenarioBriefing['assets'],
  text: (t: Text) => string,
): Array<{ kind: TargetKind; items: Array<{ value: string; label: string }> }> | null {
  if (responseTargets === null || responseTargets === undefined) return null;
  const groups = new Map<TargetKind, Array<{ value: string; label: string }>>();
  const add = (kind: TargetKind, value: string, label?: string) => {
    const list = groups.get(kind) ?? [];
    if (!list.some((i) => i.value.toLowerCase() === value.toLowerCase())) list.push({ value, label: label ? `${value} — ${label}` : value });
    groups.set(kind, list);
  };
  const assetName = new Map(assets.map((a) => [a.id, text(a.name)]));
  for (const choice of responseTargets.choices) {
    if (!kinds.includes(choice.kind)) continue;
    add(choice.kind, choice.value, choice.label ? text(choice.label) : choice.kind === 'asset' ? assetName.get(choice.value) : undefined);
  }
  if (kinds.includes('asset') && !responseTargets.choices.some((c) => c.kind === 'asset')) for (const a of assets) add('asset', a.id, text(a.name));
  return TARGET_KIND_ORDER.filter((k) => groups.has(k)).map((kind) => ({ kind, items: groups.get(kind)! }));
}
