import { isIP } from 'node:net';
import { SEVERITY_RANK, type Severity, type Text } from '../contracts/common.schema.js';
import type { ExportLang } from '../contracts/export.schema.js';
import type { Verdict } from '../contracts/scenario.schema.js';

/**
 * A team's alert queue with its verdicts, for a province's own SIEM (pure): OCSF Detection Findings
 * (class 2004) and ECS alert documents. Only alerts delivered to the team appear, with what the team
 * decided about them; nothing of the answer key.
 */

/** One alert as the team received it (the trainee copy: no answer key) and what the team made of it. */
export interface QueueAlert {
  readonly ref: string;
  readonly deliveredMs: number;
  readonly layer: number;
  readonly sensor: string;
  readonly sensorSeverity: Severity;
  readonly title: Text;
  readonly description: Text;
  readonly technique?: string;
  readonly observables: ReadonlyArray<{ readonly type: string; readonly value: string }>;
  readonly raw?: string;
  readonly rule?: { readonly name: string; readonly id?: string; readonly author?: string };
  readonly acknowledged: boolean;
  readonly verdict: Verdict | null;
  readonly verdictReason: string | null;
  readonly duplicateOf: string | null;
  readonly teamSeverity: Severity | null;
  readonly incidentId: string | null;
  /** The team closed the incident the alert belongs to. */
  readonly incidentClosed: boolean;
}

export interface QueueContext {
  readonly exercise: { readonly id: string; readonly title: string };
  readonly org: { readonly id: string; readonly name: string };
  readonly team: { readonly id: string; readonly name: string };
  /** IANA zone the times are written in (the organisation's). */
  readonly timeZone: string;
  readonly lang: ExportLang;
}

/** The triage state of an alert in the words both exports use. */
export type QueueStatus = 'new' | 'in-progress' | 'suppressed' | 'resolved';

export function queueStatus(alert: QueueAlert): QueueStatus {
  switch (alert.verdict) {
    case null:
      return alert.acknowledged ? 'in-progress' : 'new';
    case 'false-positive':
    case 'benign':
    case 'duplicate':
      return 'suppressed';
    case 'true-positive':
      // A true positive stays under work until the team closes its incident.
      return alert.incidentClosed ? 'resolved' : 'in-progress';
    default: {
      const unknown: never = alert.verdict;
      throw new Error(`unknown verdict ${String(unknown)}`);
    }
  }
}

function severityOf(alert: QueueAlert): Severity {
  return alert.teamSeverity ?? alert.sensorSeverity;
}

/** Minutes east of UTC of the zone at that instant (Asia/Ho_Chi_Minh: 420). */
export function zoneOffsetMinutes(ms: number, timeZone: string): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' })
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name ?? '');
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3] ?? '0'));
}

/** ISO 8601 with the zone's offset: 2026-12-07T18:10:33.000+07:00. */
export function isoWithOffset(ms: number, timeZone: string): string {
  const offset = zoneOffsetMinutes(ms, timeZone);
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, -1);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// OCSF
// ---------------------------------------------------------------------------------------------

/** The OCSF schema version the findings were checked against (docs/exports.md). */
export const OCSF_VERSION = '1.9.0-dev';

const OCSF_SEVERITY: Readonly<Record<Severity, { id: number; name: string }>> = {
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

const OCSF_STATUS: Readonly<Record<QueueStatus, { id: number; name: string }>> = {
  new: { id: 1, name: 'New' },
  'in-progress': { id: 2, name: 'In Progress' },
  suppressed: { id: 3, name: 'Suppressed' },
  resolved: { id: 4, name: 'Resolved' },
};

/** OCSF observable type ids (observable.type_id). */
const OCSF_OBSERVABLE: Readonly<Record<string, { typeId: number; name: string }>> = {
  ip: { typeId: 2, name: 'ip' },
  domain: { typeId: 1, name: 'hostname' },
  url: { typeId: 6, name: 'url' },
  'hash-md5': { typeId: 8, name: 'file.hashes.md5' },
  'hash-sha1': { typeId: 8, name: 'file.hashes.sha1' },
  'hash-sha256': { typeId: 8, name: 'file.hashes.sha256' },
  'file-name': { typeId: 7, name: 'file.name' },
  'file-path': { typeId: 7, name: 'file.path' },
  account: { typeId: 4, name: 'user.name' },
  process: { typeId: 9, name: 'process.name' },
  email: { typeId: 5, name: 'email' },
};

function verdictText(alert: QueueAlert): string | null {
  if (alert.verdict === null) return null;
  const parts: string[] = [alert.verdict];
  if (alert.duplicateOf !== null) parts.push(`of ${alert.duplicateOf}`);
  if (alert.verdictReason) parts.push(`— ${alert.verdictReason}`);
  return parts.join(' ');
}

/** One Detection Finding per delivered alert, in delivery order. */
export function ocsfDetectionFindings(alerts: readonly QueueAlert[], context: QueueContext): Array<Record<string, unknown>> {
  return alerts.map((alert) => {
    const severity = OCSF_SEVERITY[severityOf(alert)];
    const status = OCSF_STATUS[queueStatus(alert)];
    const verdict = verdictText(alert);
    const findingInfo: Record<string, unknown> = {
      uid: alert.ref,
      title: alert.title[context.lang],
      desc: alert.description[context.lang],
      created_time: alert.deliveredMs,
      types: [alert.sensor],
      product: { name: 'SOC Drill', vendor_name: 'SOC Drill' },
    };
    if (alert.rule !== undefined)
      findingInfo.analytic = { name: alert.rule.name, ...(alert.rule.id === undefined ? {} : { uid: alert.rule.id }), type_id: 1, type: 'Rule' };
    if (alert.technique !== undefined) findingInfo.attacks = [{ technique: { uid: alert.technique } }];
    const observables = alert.observables
      .map((o) => ({ o, kind: OCSF_OBSERVABLE[o.type] }))
      .filter((x): x is { o: { type: string; value: string }; kind: { typeId: number; name: string } } => x.kind !== undefined)
      .map(({ o, kind }) => ({ name: kind.name, type_id: kind.typeId, value: o.value }));
    const finding: Record<string, unknown> = {
      activity_id: 1,
      activity_name: 'Create',
      category_uid: 2,
      category_name: 'Findings',
      class_uid: 2004,
      class_name: 'Detection Finding',
      type_uid: 200401,
      type_name: 'Detection Finding: Create',
      severity_id: severity.id,
      severity: severity.name,
      time: alert.deliveredMs,
      timezone_offset: zoneOffsetMinutes(alert.deliveredMs, context.timeZone),
      message: alert.title[context.lang],
      status_id: status.id,
      status: status.name,
      ...(verdict === null ? {} : { status_detail: verdict }),
      is_alert: true,
      finding_info: findingInfo,
      metadata: {
        version: OCSF_VERSION,
        product: { name: 'SOC Drill', vendor_name: 'SOC Drill' },
        uid: alert.ref,
        tenant_uid: context.org.id,
        labels: [`exercise:${context.exercise.id}`, `team:${context.team.name}`],
      },
      ...(observables.length === 0 ? {} : { observables }),
      ...(alert.raw === undefined ? {} : { raw_data: alert.raw }),
      unmapped: {
        soc_drill: {
          verdict: alert.verdict,
          layer: alert.layer,
          exercise_id: context.exercise.id,
          team_id: context.team.id,
          team: context.team.name,
          incident_id: alert.incidentId,
        },
      },
    };
    return finding;
  });
}

// ---------------------------------------------------------------------------------------------
// ECS
// ---------------------------------------------------------------------------------------------

/** The ECS version the documents were checked against (docs/exports.md). */
export const ECS_VERSION = '9.5.0-dev';

function pushUnique(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

/** One ECS document per delivered alert (`event.kind: alert`), the verdict in `soc_drill.alert.*`. */
export function ecsAlertDocuments(alerts: readonly QueueAlert[], context: QueueContext): Array<Record<string, unknown>> {
  return alerts.map((alert) => {
    const at = isoWithOffset(alert.deliveredMs, context.timeZone);
    const related = { ip: [] as string[], hosts: [] as string[], hash: [] as string[], user: [] as string[] };
    for (const o of alert.observables) {
      const value = o.value.trim();
      if (o.type === 'ip' && isIP(value) !== 0) pushUnique(related.ip, value);
      else if (o.type === 'domain') pushUnique(related.hosts, value.toLowerCase());
      else if (o.type === 'hash-md5' || o.type === 'hash-sha1' || o.type === 'hash-sha256') pushUnique(related.hash, value.toLowerCase());
      else if (o.type === 'account') pushUnique(related.user, value);
    }
    const relatedPresent = Object.fromEntries(Object.entries(related).filter(([, v]) => v.length > 0));
    const doc: Record<string, unknown> = {
      '@timestamp': at,
      ecs: { version: ECS_VERSION },
      message: alert.title[context.lang],
      event: {
        kind: 'alert',
        id: alert.ref,
        created: at,
        severity: SEVERITY_RANK[severityOf(alert)],
        dataset: 'soc_drill.alerts',
        module: 'soc_drill',
        provider: alert.sensor,
        reason: alert.description[context.lang],
        ...(alert.raw === undefined ? {} : { original: alert.raw }),
      },
      organization: { id: context.org.id, name: context.org.name },
      ...(Object.keys(relatedPresent).length === 0 ? {} : { related: relatedPresent }),
      labels: { exercise_id: context.exercise.id, team: context.team.name, layer: String(alert.layer) },
      soc_drill: {
        alert: {
          status: queueStatus(alert),
          verdict: alert.verdict,
          verdict_reason: alert.verdictReason,
          duplicate_of: alert.duplicateOf,
          severity: alert.teamSeverity,
          incident_id: alert.incidentId,
        },
        exercise: { id: context.exercise.id, title: context.exercise.title },
        team: { id: context.team.id, name: context.team.name },
      },
    };
    if (alert.rule !== undefined)
      doc.rule = {
        name: alert.rule.name,
        ...(alert.rule.id === undefined ? {} : { id: alert.rule.id }),
        ...(alert.rule.author === undefined ? {} : { author: [alert.rule.author] }),
      };
    if (alert.technique !== undefined) {
      // ECS keeps a sub-technique (T1505.003) apart from its technique (T1505).
      const technique = alert.technique.split('.')[0]!;
      const sub = alert.technique.includes('.') ? { subtechnique: { id: [alert.technique] } } : {};
      doc.threat = { framework: 'MITRE ATT&CK', technique: { id: [technique], ...sub } };
    }
    return doc;
  });
}

/** NDJSON: one document per line, a newline after each. */
export function toNdjson(documents: readonly unknown[]): string {
  return documents.map((d) => `${JSON.stringify(d)}\n`).join('');
}
