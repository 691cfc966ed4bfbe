import type { Severity } from '../contracts/common.schema.js';
import type { ExportLang, Tlp } from '../contracts/export.schema.js';
import type { Scenario, Verdict } from '../contracts/scenario.schema.js';
import { isCve, normalisedValue, observableKey, observableLabel, stixObservables, stixPattern, type ObservableInput, type Sco } from './stix-patterns.js';
import { stixId, stixTime } from './stix-ids.js';

/**
 * STIX 2.1 bundles (pure): a team's incidents as it would attach them to its report to the national
 * centre (Lớp 4), and a scenario's ground truth for instructors. Every id and timestamp comes from
 * stable inputs, so the same export twice is byte-identical.
 */

export type StixObject = Readonly<Record<string, unknown>> & { readonly id: string; readonly type: string };
export interface Bundle {
  readonly type: 'bundle';
  readonly id: string;
  readonly objects: StixObject[];
}

/** The OASIS TLP 2.0 extension and its published marking definitions (cti-stix-common-objects). */
export const TLP2_EXTENSION_ID = 'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d';
export const TLP2_MARKING_IDS: Readonly<Record<Tlp, string>> = {
  clear: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
  green: 'marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb',
  amber: 'marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421',
  'amber+strict': 'marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003',
  red: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1',
};

export function tlpMarkingDefinition(tlp: Tlp): StixObject {
  return {
    type: 'marking-definition',
    spec_version: '2.1',
    id: TLP2_MARKING_IDS[tlp],
    created: '2022-10-01T00:00:00.000Z',
    name: `TLP:${tlp.toUpperCase()}`,
    extensions: { [TLP2_EXTENSION_ID]: { extension_type: 'property-extension', tlp_2_0: tlp } },
  };
}

const SEVERITY_TEXT: Readonly<Record<ExportLang, Readonly<Record<Severity, string>>>> = {
  vi: { low: 'Thấp', medium: 'Trung bình', high: 'Cao', critical: 'Nghiêm trọng' },
  en: { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' },
};

/** Collects objects once per id, in first-seen order. */
class ObjectSet {
  private readonly byId = new Map<string, StixObject>();
  add(object: StixObject): string {
    if (!this.byId.has(object.id)) this.byId.set(object.id, object);
    return object.id;
  }
  list(): StixObject[] {
    return [...this.byId.values()];
  }
}

function vulnerability(cve: string, idParts: readonly string[], common: Readonly<Record<string, unknown>>): StixObject {
  return {
    type: 'vulnerability',
    spec_version: '2.1',
    id: stixId('vulnerability', ...idParts, cve),
    ...common,
    name: cve,
    external_references: [{ source_name: 'cve', external_id: cve }],
  };
}

// ---------------------------------------------------------------------------------------------
// A team's incidents
// ---------------------------------------------------------------------------------------------

export interface TeamIoc extends ObservableInput {
  /** When the team first recorded it (epoch ms): on the incident, or in a report about it. */
  readonly recordedMs: number;
}

export interface SeenAlert {
  /** The alert's reference as the team knows it (AL-…). */
  readonly ref: string;
  readonly title: string;
  readonly deliveredMs: number;
  readonly observables: readonly ObservableInput[];
  readonly verdict: Verdict | null;
}

export interface TeamIncident {
  readonly id: string;
  readonly title: string;
  readonly severity: Severity | null;
  readonly legalClass: 'ordinary' | 'serious' | null;
  readonly phase: string;
  readonly createdMs: number;
  readonly iocs: readonly TeamIoc[];
  /** The delivered alerts the team linked to the incident. */
  readonly alerts: readonly SeenAlert[];
}

export interface TeamBundleInput {
  readonly exercise: { readonly id: string; readonly title: string };
  readonly org: { readonly id: string; readonly name: string };
  readonly team: { readonly id: string; readonly name: string };
  /** When the exercise was created: the team identity's timestamp. */
  readonly createdMs: number;
  readonly tlp: Tlp;
  readonly lang: ExportLang;
  /** What the bundle covers ("all" or an incident id): part of the bundle id. */
  readonly scope: string;
  readonly incidents: readonly TeamIncident[];
}

/** Alerts the team closed as not malicious are not evidence of the incident. */
function counts(alert: SeenAlert): boolean {
  return alert.verdict !== 'false-positive' && alert.verdict !== 'benign';
}

/**
 * The team's incidents as a bundle: the team's identity; one indicator per IOC the team recorded
 * (with its pattern), one vulnerability per CVE; one observed-data per alert it linked (what it
 * saw), a sighting of each indicator found in those alerts, and one report per incident tying them,
 * everything under the chosen TLP marking. Null when there is nothing to share.
 */
export function teamIncidentBundle(input: TeamBundleInput): Bundle | null {
  const base = [input.exercise.id, input.team.id];
  const marking = TLP2_MARKING_IDS[input.tlp];
  const set = new ObjectSet();
  const identity: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: stixId('identity', ...base),
    created: stixTime(input.createdMs),
    modified: stixTime(input.createdMs),
    name: `${input.team.name} — ${input.org.name}`,
    description:
      input.lang === 'vi'
        ? `Đội ứng cứu sự cố trong bài diễn tập «${input.exercise.title}» (SOC Drill)`
        : `Incident response team in the drill "${input.exercise.title}" (SOC Drill)`,
    identity_class: 'group',
    sectors: ['government-regional'],
  };
  const markings = { created_by_ref: identity.id, object_marking_refs: [marking] };

  // An IOC named in two incidents is one indicator, dated by its first recording.
  const firstRecorded = new Map<string, number>();
  for (const incident of input.incidents)
    for (const ioc of incident.iocs) firstRecorded.set(observableKey(ioc), Math.min(firstRecorded.get(observableKey(ioc)) ?? Infinity, ioc.recordedMs));

  const reports: StixObject[] = [];
  for (const incident of input.incidents) {
    const refs: string[] = [];
    const refer = (id: string) => {
      if (!refs.includes(id)) refs.push(id);
    };
    const indicatorOf = new Map<string, string>();
    for (const ioc of incident.iocs) {
      const key = observableKey(ioc);
      const at = stixTime(firstRecorded.get(key)!);
      if (isCve(ioc)) {
        refer(set.add(vulnerability(normalisedValue(ioc), base, { created: at, modified: at, ...markings })));
        continue;
      }
      const pattern = stixPattern(ioc);
      if (pattern === null) continue;
      const id = set.add({
        type: 'indicator',
        spec_version: '2.1',
        id: stixId('indicator', ...base, key),
        created: at,
        modified: at,
        ...markings,
        name: observableLabel(ioc),
        indicator_types: ['malicious-activity'],
        pattern,
        pattern_type: 'stix',
        pattern_version: '2.1',
        valid_from: at,
      });
      indicatorOf.set(key, id);
      refer(id);
    }

    const evidence = incident.alerts.filter(counts).sort((a, b) => a.deliveredMs - b.deliveredMs || (a.ref < b.ref ? -1 : 1));
    const sightings = new Map<string, { observed: string[]; first: number; last: number }>();
    for (const alert of evidence) {
      const scos: Sco[] = alert.observables.flatMap(stixObservables);
      if (scos.length === 0) continue;
      for (const sco of scos) set.add(sco);
      const at = stixTime(alert.deliveredMs);
      const observedId = set.add({
        type: 'observed-data',
        spec_version: '2.1',
        id: stixId('observed-data', ...base, alert.ref),
        created: at,
        modified: at,
        ...markings,
        first_observed: at,
        last_observed: at,
        number_observed: 1,
        object_refs: [...new Set(scos.map((s) => s.id))],
        external_references: [{ source_name: 'soc-drill-alert', external_id: alert.ref, description: alert.title }],
      });
      refer(observedId);
      for (const observable of alert.observables) {
        const indicator = indicatorOf.get(observableKey(observable));
        if (indicator === undefined) continue;
        const seen = sightings.get(indicator) ?? { observed: [], first: alert.deliveredMs, last: alert.deliveredMs };
        if (!seen.observed.includes(observedId)) seen.observed.push(observedId);
        seen.first = Math.min(seen.first, alert.deliveredMs);
        seen.last = Math.max(seen.last, alert.deliveredMs);
        sightings.set(indicator, seen);
      }
    }
    for (const [indicator, seen] of sightings) {
      const at = stixTime(seen.last);
      refer(
        set.add({
          type: 'sighting',
          spec_version: '2.1',
          id: stixId('sighting', ...base, incident.id, indicator),
          created: at,
          modified: at,
          ...markings,
          sighting_of_ref: indicator,
          first_seen: stixTime(seen.first),
          last_seen: at,
          count: seen.observed.length,
          observed_data_refs: seen.observed,
          where_sighted_refs: [identity.id],
        }),
      );
    }
    if (refs.length === 0) continue;
    const times = [incident.createdMs, ...incident.iocs.map((i) => i.recordedMs), ...evidence.map((a) => a.deliveredMs)];
    const published = stixTime(Math.max(...times));
    const severity = incident.severity === null ? null : SEVERITY_TEXT[input.lang][incident.severity];
    const facts =
      input.lang === 'vi'
        ? [
            `Sự cố ${incident.id}`,
            severity && `mức độ ${severity}`,
            incident.legalClass && (incident.legalClass === 'serious' ? 'sự cố nghiêm trọng' : 'sự cố thông thường'),
            `bài diễn tập «${input.exercise.title}»`,
          ]
        : [
            `Incident ${incident.id}`,
            severity && `severity ${severity}`,
            incident.legalClass && (incident.legalClass === 'serious' ? 'serious incident' : 'ordinary incident'),
            `drill "${input.exercise.title}"`,
          ];
    reports.push({
      type: 'report',
      spec_version: '2.1',
      id: stixId('report', ...base, incident.id),
      created: stixTime(incident.createdMs),
      modified: published,
      ...markings,
      name: incident.title,
      description: facts.filter((f): f is string => typeof f === 'string' && f !== '').join('; '),
      report_types: ['threat-report'],
      published,
      object_refs: refs,
      external_references: [{ source_name: 'soc-drill-incident', external_id: incident.id }],
    });
  }
  if (reports.length === 0) return null;
  const objects = [tlpMarkingDefinition(input.tlp), identity, ...set.list(), ...reports];
  return { type: 'bundle', id: stixId('bundle', ...base, input.scope, input.tlp, input.lang), objects };
}

// ---------------------------------------------------------------------------------------------
// A scenario's ground truth (instructors only)
// ---------------------------------------------------------------------------------------------

export interface GroundTruthInput {
  readonly scenario: Scenario;
  readonly versionId: string;
  /** When the version was stored: every object's timestamp. */
  readonly createdMs: number;
  readonly org: { readonly id: string; readonly name: string };
  readonly tlp: Tlp;
  readonly lang: ExportLang;
}

/** Roles of the answer key whose observables are the attacker's, hence indicators. */
const IOC_ROLES: ReadonlySet<string> = new Set(['attacker', 'artifact']);

/**
 * The answer key as a bundle: the organisation's identity; per incident of the key (and one for the
 * scenario's true positives outside any incident) a report of the attacker's indicators, the CVEs
 * exploited and the ATT&CK techniques used. Null when the key has no true positive with an IOC.
 */
export function groundTruthBundle(input: GroundTruthInput): Bundle | null {
  const { scenario, lang } = input;
  const base = [input.org.id, scenario.id, scenario.version];
  const at = stixTime(input.createdMs);
  const identity: StixObject = {
    type: 'identity',
    spec_version: '2.1',
    id: stixId('identity', input.org.id),
    created: at,
    modified: at,
    name: input.org.name,
    identity_class: 'organization',
    sectors: ['government-regional'],
  };
  const common = { created: at, modified: at, created_by_ref: identity.id, object_marking_refs: [TLP2_MARKING_IDS[input.tlp]] };
  const set = new ObjectSet();
  const groups = new Map<string, string[]>();
  for (const alert of scenario.timeline) {
    if (alert.answer.verdict !== 'true-positive') continue;
    const group = alert.answer.incident ?? '';
    const refs = groups.get(group) ?? [];
    groups.set(group, refs);
    const refer = (id: string) => {
      if (!refs.includes(id)) refs.push(id);
    };
    for (const observable of alert.observables) {
      if (isCve(observable)) {
        refer(set.add(vulnerability(normalisedValue(observable), base, common)));
        continue;
      }
      if (!IOC_ROLES.has(observable.role ?? '')) continue;
      const pattern = stixPattern(observable);
      if (pattern === null) continue;
      refer(
        set.add({
          type: 'indicator',
          spec_version: '2.1',
          id: stixId('indicator', ...base, observableKey(observable)),
          ...common,
          name: observableLabel(observable),
          description: alert.title[lang],
          indicator_types: ['malicious-activity'],
          pattern,
          pattern_type: 'stix',
          pattern_version: '2.1',
          valid_from: at,
        }),
      );
    }
    if (alert.technique !== undefined && refs.length > 0) {
      refer(
        set.add({
          type: 'attack-pattern',
          spec_version: '2.1',
          id: stixId('attack-pattern', ...base, alert.technique),
          ...common,
          name: alert.technique,
          external_references: [{ source_name: 'mitre-attack', external_id: alert.technique }],
        }),
      );
    }
  }
  const reports: StixObject[] = [];
  const incidentTitle = new Map(scenario.incidents.map((i) => [i.id, i]));
  for (const [group, refs] of groups) {
    if (refs.length === 0) continue;
    const incident = group === '' ? undefined : incidentTitle.get(group);
    reports.push({
      type: 'report',
      spec_version: '2.1',
      id: stixId('report', ...base, group),
      ...common,
      name: incident ? incident.title[lang] : scenario.title[lang],
      description:
        lang === 'vi'
          ? `Đáp án của kịch bản ${scenario.id} ${scenario.version} (SOC Drill) — chỉ dành cho Ban tổ chức`
          : `Answer key of scenario ${scenario.id} ${scenario.version} (SOC Drill) — organisers only`,
      report_types: ['threat-report'],
      published: at,
      object_refs: refs,
      external_references: [{ source_name: 'soc-drill-scenario', external_id: `${scenario.id}@${scenario.version}`, description: input.versionId }],
    });
  }
  if (reports.length === 0) return null;
  return {
    type: 'bundle',
    id: stixId('bundle', ...base, 'ground-truth', input.tlp, lang),
    objects: [tlpMarkingDefinition(input.tlp), identity, ...set.list(), ...reports],
  };
}
