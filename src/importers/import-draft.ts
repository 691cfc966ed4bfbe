import { Document } from 'yaml';
import { formatDuration, type Severity } from '../contracts/common.schema.js';
import type { RawEventInput } from '../contracts/raw-event.schema.js';
import { SENSORS, type ScenarioInput, type Sensor } from '../contracts/scenario.schema.js';
import type { ImportFormat } from './import-formats.js';
import type { ImportMapping } from './import-mapping.js';
import type { ImportedAlert, ImportResult } from './importer.js';

/** Where the draft's raw events go: a sibling NDJSON file (the CLI) or inline under `logs.events` (an upload). */
export type EventPlacement = { readonly kind: 'file'; readonly path: string } | { readonly kind: 'inline' };

export interface DraftOptions {
  readonly id: string;
  readonly title?: string;
  readonly mapping: ImportMapping;
  readonly events: EventPlacement;
  /** The input files' names, for the draft's notes. */
  readonly inputNames: readonly string[];
}

export interface Draft {
  /** The scenario as written (durations as text), ready to validate. */
  readonly scenario: ScenarioInput;
  /** The YAML text with the author's to-do notes as comments. */
  readonly yaml: string;
  /** The raw events as NDJSON (one RawEventInput a line), for placement `file`; empty otherwise. */
  readonly eventsNdjson: string;
}

const FORMAT_NAMES: Record<ImportFormat, string> = {
  'suricata-eve': 'Suricata EVE',
  wazuh: 'Wazuh',
  ecs: 'ECS',
  zeek: 'Zeek',
  sysmon: 'Sysmon',
};

const SENSOR_VI: Partial<Record<Sensor, string>> = {
  ids: 'IDS',
  siem: 'SIEM',
  edr: 'EDR',
  fim: 'giám sát toàn vẹn tệp',
  waf: 'WAF',
  'auth-log': 'nhật ký xác thực',
  firewall: 'tường lửa',
  netflow: 'giám sát luồng mạng',
};

const MAX_ASSETS = 300;
const MAX_PHASES = 40;
const TZ_OFFSET_MS = 7 * 3_600_000; // the logs' clock is UTC+7 (logs.start)

function slug(text: string, fallback: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/đ/g, 'd')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return s === '' ? fallback : s;
}

/** A drill long enough for its last alert plus half an hour, rounded up to a quarter of an hour. */
function durationFor(lastAt: number): number {
  return Math.min(366 * 86_400, Math.max(3_600, Math.ceil((lastAt + 1_800) / 900) * 900));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * Builds the scenario draft from what the import kept: the timeline from the alerts (each keyed as
 * a true positive of one draft incident, repeats as duplicates of their first), assets from the
 * renamed private addresses and host names, a phase per sensor category, the four layers' parties
 * and the raw events for the corpus. What only the author can know is marked TODO in comments.
 */
export function buildDraft(result: ImportResult, options: DraftOptions): Draft {
  const { summary } = result;
  const format = summary.format;
  const named = new Map(options.mapping.assets.map((a) => [a.asset, a]));

  // Assets: the renamed private addresses, in the order first seen, then Windows host names.
  const assets: NonNullable<ScenarioInput['assets']> = [];
  const assetIds = new Set<string>();
  const alertsPerAsset = new Map<string, number>();
  for (const alert of result.alerts) {
    const asset = alert.destinationAsset ?? alert.sourceAsset;
    if (asset !== undefined) alertsPerAsset.set(asset, (alertsPerAsset.get(asset) ?? 0) + 1);
  }
  for (const entry of summary.remapped) {
    if (entry.asset === undefined || assetIds.has(entry.asset) || assets.length >= MAX_ASSETS) continue;
    assetIds.add(entry.asset);
    const declared = named.get(entry.asset);
    assets.push({
      id: entry.asset,
      kind: declared?.kind ?? 'other',
      name: declared?.name !== undefined ? { vi: declared.name, en: declared.name } : { vi: `Máy ${entry.to}`, en: `Host ${entry.to}` },
      ...(declared?.hostname === undefined ? {} : { hostname: declared.hostname }),
      addresses: [entry.to],
    });
  }
  const hostAsset = new Map<string, string>();
  for (const declared of options.mapping.assets) if (declared.hostname !== undefined) hostAsset.set(declared.hostname.toLowerCase(), declared.asset);
  let hostNumber = 1;
  for (const { host } of result.events) {
    if (host === undefined || hostAsset.has(host.toLowerCase()) || assets.length >= MAX_ASSETS) continue;
    let id = `${slug(host.split('.')[0]!, 'host')}`;
    while (assetIds.has(id)) id = `${slug(host.split('.')[0]!, 'host')}-${hostNumber++}`;
    assetIds.add(id);
    hostAsset.set(host.toLowerCase(), id);
    assets.push({
      id,
      kind: /^(dc|ad)\d*$|dc\d/i.test(host) ? 'domain-controller' : /workstation|^ws|^pc/i.test(host) ? 'workstation' : 'other',
      name: { vi: `Máy ${host}`, en: `Host ${host}` },
      hostname: host,
      addresses: [],
    });
  }
  if (assets.length === 0) {
    assets.push({ id: 'target-system', kind: 'other', name: { vi: 'Hệ thống mục tiêu (cần hoàn thiện)', en: 'Target system (to complete)' }, addresses: [] });
    assetIds.add('target-system');
  }
  for (const alert of result.alerts) {
    const asset = alert.destinationAsset ?? alert.sourceAsset ?? (alert.host === undefined ? undefined : hostAsset.get(alert.host.toLowerCase()));
    if (asset !== undefined && alert.destinationAsset === undefined && alert.sourceAsset === undefined)
      alertsPerAsset.set(asset, (alertsPerAsset.get(asset) ?? 0) + 1);
  }
  const busiest = [...alertsPerAsset.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
  const targetId =
    options.mapping.target !== undefined && assetIds.has(options.mapping.target)
      ? options.mapping.target
      : busiest !== undefined && assetIds.has(busiest)
        ? busiest
        : assets[0]!.id;
  const target = assets.find((a) => a.id === targetId)!;

  // Phases: one per sensor category, in the order first seen.
  const phaseOf = new Map<string, string>();
  const phases: NonNullable<ScenarioInput['phases']> = [];
  const phaseTechniques = new Map<string, Set<string>>();
  for (const alert of result.alerts) {
    const category = alert.facts.category;
    if (phaseOf.has(category)) continue;
    if (phases.length >= MAX_PHASES) {
      phaseOf.set(category, 'other');
      continue;
    }
    let id = `phase-${slug(category, 'other')}`.slice(0, 70);
    while (phases.some((p) => p.id === id)) id = `${id}-x`;
    phaseOf.set(category, id);
    phases.push({ id, name: { vi: category, en: category } });
  }
  if ([...phaseOf.values()].includes('other') || phases.length === 0) phases.push({ id: 'other', name: { vi: 'Khác', en: 'Other' } });
  for (const alert of result.alerts) {
    if (alert.facts.technique === undefined) continue;
    const phase = phaseOf.get(alert.facts.category)!;
    if (!phaseTechniques.has(phase)) phaseTechniques.set(phase, new Set());
    phaseTechniques.get(phase)!.add(alert.facts.technique);
  }
  for (const phase of phases) {
    const techniques = phaseTechniques.get(phase.id);
    if (techniques) phase.techniques = [...techniques].sort();
  }

  // The timeline: alert-0001, …; a repeat of the same rule between the same hosts is keyed as a duplicate of the first.
  const width = Math.max(4, String(result.alerts.length).length);
  const firstOf = new Map<string, string>();
  const timeline: NonNullable<ScenarioInput['timeline']> = result.alerts.map((alert, i) => {
    const id = `alert-${String(i + 1).padStart(width, '0')}`;
    const key = JSON.stringify([alert.facts.rule?.id ?? alert.facts.title, alert.facts.source ?? null, alert.facts.destination ?? null]);
    const original = firstOf.get(key);
    if (original === undefined) firstOf.set(key, id);
    const hostAssetId = alert.host === undefined ? undefined : hostAsset.get(alert.host.toLowerCase());
    return alertEntry(alert, id, format, phaseOf.get(alert.facts.category)!, original, hostAssetId);
  });
  if (timeline.length === 0) {
    timeline.push({
      id: 'alert-placeholder',
      at: '1m',
      layer: 2,
      sensor: 'siem',
      severity: 'medium',
      title: { vi: 'Cảnh báo mẫu: thay bằng cảnh báo thật', en: 'Placeholder alert: replace with a real one' },
      description: {
        vi: `Dữ liệu ${FORMAT_NAMES[format]} đã nhập không có bản ghi cảnh báo; nhật ký thô nằm trong kho tra cứu.`,
        en: `The imported ${FORMAT_NAMES[format]} data has no alert record; the raw events are in the search corpus.`,
      },
      asset: target.id,
      phase: phases[0]!.id,
      answer: { verdict: 'true-positive', severity: 'medium', routing: ['soc'], incident: 'imported-incident' },
    });
  }

  const lastAt = Math.max(0, ...result.alerts.map((a) => a.at), ...result.events.map((e) => (typeof e.event.at === 'number' ? e.event.at : 0)));
  const duration = durationFor(lastAt);
  const startLocal = new Date(result.start + TZ_OFFSET_MS);
  const wallClockStart = `${pad(startLocal.getUTCHours())}:${pad(startLocal.getUTCMinutes())}:${pad(startLocal.getUTCSeconds())}`;
  const logsStart = startLocal.toISOString().slice(0, 10);
  const events: RawEventInput[] = result.events.map(({ event, host }) => {
    const asset = host !== undefined ? hostAsset.get(host.toLowerCase()) : assetOfFields(event.fields, result);
    return asset === undefined || !assetIds.has(asset) ? event : { ...event, asset };
  });
  const techniques = [...new Set(result.alerts.flatMap((a) => (a.facts.technique === undefined ? [] : [a.facts.technique])))].sort();
  const inputs = options.inputNames.join(', ');
  const title = options.title ?? `${FORMAT_NAMES[format]}: ${options.inputNames.map((n) => n.replace(/\.[a-z]+$/i, '')).join(', ')}`;
  const severities = result.alerts.map((a) => a.facts.severity);
  const incidentSeverity: Severity = severities.includes('critical') ? 'critical' : severities.includes('high') ? 'high' : 'medium';

  const scenario: ScenarioInput = {
    schemaVersion: 1,
    id: options.id,
    version: '1.0.0',
    title: { vi: `Diễn tập từ dữ liệu ${title}`, en: `Drill from ${title}` },
    description: {
      vi:
        `Bản nháp nhập từ ${summary.read} bản ghi ${FORMAT_NAMES[format]} (${inputs}): ${summary.alerts} cảnh báo, ${summary.events} sự kiện nhật ký thô, ` +
        `${summary.read - summary.imported} bản ghi bỏ qua. Địa chỉ và tên miền đã được thay thế. Cần hoàn thiện: đáp án từng cảnh báo, sự cố, phản ứng, báo cáo.`,
      en:
        `Draft imported from ${summary.read} ${FORMAT_NAMES[format]} records (${inputs}): ${summary.alerts} alerts, ${summary.events} raw events, ` +
        `${summary.read - summary.imported} records left out. Addresses and domains are renamed. To complete: each alert's answer, the incidents, responses and reports.`,
    },
    briefing: {
      situation: {
        vi: `Đội giám sát nhận cảnh báo và nhật ký của hệ thống ${target.name.vi} từ ${FORMAT_NAMES[format]}.`,
        en: `The monitoring team receives the alerts and logs of ${target.name.en} from ${FORMAT_NAMES[format]}.`,
      },
      role: {
        vi: 'Đội đóng vai bộ phận giám sát (Lớp 2): phân loại cảnh báo, tra cứu nhật ký, xử lý sự cố và báo cáo theo quy định.',
        en: 'The team plays the monitoring unit (Layer 2): it triages alerts, searches the logs, handles incidents and reports as the rules require.',
      },
      rulesOfEngagement: [
        {
          vi: 'Mọi thao tác chỉ thực hiện trên bảng điều khiển diễn tập; địa chỉ và tên miền trong dữ liệu đã được thay thế.',
          en: 'Act only in the drill console; the addresses and domains in the data have been renamed.',
        },
      ],
      contacts: [],
      reportingChannels: [
        {
          name: { vi: 'Thẻ Báo cáo của bảng điều khiển', en: 'The Reports tab of the console' },
          use: { vi: 'Gửi các báo cáo sự cố.', en: 'File the incident reports.' },
        },
      ],
    },
    difficulty: 'intermediate',
    duration: formatDuration(duration),
    wallClockStart,
    tags: ['imported', format],
    techniques,
    target: { asset: target.id, name: target.name, securityLevel: 3 },
    sources: [
      ...options.mapping.sources,
      ...sigmaSources(result),
      {
        title: `${FORMAT_NAMES[format]} records: ${inputs}`.slice(0, 500),
        notes:
          `Imported by soc-drill import ${format}: ${summary.read} records read, ${summary.alerts} alerts, ${summary.events} raw events; ` +
          `time shifted to T+0${summary.speed === 1 ? '' : ` and compressed ${summary.speed}×`}; ${summary.remapped.length} addresses and names renamed.`,
      },
    ],
    assets,
    parties: [
      { id: 'operator', kind: 'operator', layer: 1, name: { vi: 'Đơn vị vận hành hệ thống thông tin', en: 'System operator' } },
      { id: 'soc', kind: 'soc', layer: 2, name: { vi: 'Đơn vị giám sát, bảo vệ chuyên nghiệp (SOC)', en: 'Professional monitoring (SOC)' } },
      {
        id: 'provincial-csirt',
        kind: 'provincial-csirt',
        layer: 1,
        name: { vi: 'Đội ứng cứu sự cố an toàn thông tin mạng tỉnh', en: 'Provincial incident response team' },
      },
      {
        id: 'national-monitoring',
        kind: 'national-monitoring',
        layer: 4,
        name: { vi: 'Trung tâm An ninh mạng quốc gia', en: 'National Cybersecurity Centre' },
        eraNames: { 'pre-2025': { vi: 'Trung tâm Giám sát an toàn không gian mạng quốc gia (NCSC)', en: 'National Cyber Security Centre (NCSC)' } },
      },
    ],
    phases,
    timeline,
    incidents: [
      {
        id: 'imported-incident',
        title: { vi: 'Sự cố từ dữ liệu nhập (cần hoàn thiện)', en: 'Incident from the imported data (to complete)' },
        severity: incidentSeverity,
        legalClass: 'ordinary',
        assets: [target.id],
      },
    ],
    scoring: { weights: { detection: 600, response: 0, coordination: 200, incident: 200 } },
    ...(events.length === 0
      ? {}
      : {
          logs: options.events.kind === 'file' ? { start: logsStart, files: [{ path: options.events.path }] } : { start: logsStart, events },
        }),
  };

  const doc = new Document(scenario, { aliasDuplicateObjects: false });
  doc.commentBefore = [
    ` Draft imported by soc-drill import ${format} from ${inputs}.`,
    ` ${summary.read} records read: ${summary.alerts} alerts, ${summary.events} raw events, ${summary.read - summary.imported} left out (${summary.malformedCount} malformed).`,
    ' Addresses and domains are renamed (see the import report). TODO for the author:',
    '  - answer key: every alert is keyed a true positive of "imported-incident"; set each verdict,',
    '    severity and routing, mark noise false-positive or benign (incident: null);',
    '  - incidents, expected responses (then the response weight), reporting obligations, hints;',
    '  - assets: names, kinds and the target system; the briefing; sources and licences.',
  ].join('\n');
  const yaml = doc.toString({ lineWidth: 0 });
  const eventsNdjson = options.events.kind === 'file' ? events.map((e) => `${JSON.stringify(e)}\n`).join('') : '';
  return { scenario, yaml, eventsNdjson };
}

/** The Sigma rules that raised alerts, with their authors: DRL-1.1 asks for the attribution wherever a match is shown. */
function sigmaSources(result: ImportResult): NonNullable<ScenarioInput['sources']> {
  const rules = new Map<string, { title: string; author: string | undefined }>();
  for (const alert of result.alerts) {
    if (!alert.facts.category.startsWith('Sigma:') || alert.facts.rule === undefined) continue;
    rules.set(alert.facts.rule.id ?? alert.facts.rule.name, { title: alert.facts.rule.name, author: alert.facts.rule.author });
  }
  if (rules.size === 0) return [];
  const authors = [...new Set([...rules.values()].flatMap((r) => (r.author === undefined ? [] : [r.author])))].sort();
  return [
    {
      title: 'Sigma detection rules that raised alerts at import',
      ...(authors.length === 0 ? {} : { author: authors.join('; ').slice(0, 500) }),
      notes: [...rules.entries()]
        .map(([id, r]) => `${r.title} (${id})`)
        .join('; ')
        .slice(0, 5_000),
    },
  ];
}

function assetOfFields(fields: RawEventInput['fields'], result: ImportResult): string | undefined {
  for (const name of ['destination.ip', 'source.ip', 'host.ip']) {
    const value = fields?.[name];
    if (typeof value === 'string') {
      const asset = result.anonymiser.assetForMapped(value);
      if (asset !== undefined) return asset;
    }
  }
  return undefined;
}

function alertEntry(
  alert: ImportedAlert,
  id: string,
  format: ImportFormat,
  phase: string,
  duplicateOf: string | undefined,
  hostAssetId: string | undefined,
): NonNullable<ScenarioInput['timeline']>[number] {
  const { facts } = alert;
  const sensor: Sensor = (SENSORS as readonly string[]).includes(facts.sensor) ? facts.sensor : 'siem';
  const asset = hostAssetId ?? alert.destinationAsset ?? alert.sourceAsset;
  return {
    id,
    at: alert.at,
    layer: facts.layer,
    sensor,
    severity: facts.severity,
    title: { vi: facts.title.slice(0, 500), en: facts.title.slice(0, 500) },
    description: {
      vi: `Cảnh báo ${SENSOR_VI[sensor] ?? sensor} (${FORMAT_NAMES[format]}): ${facts.summary}`.slice(0, 5_000),
      en: `${FORMAT_NAMES[format]} alert: ${facts.summary}`.slice(0, 5_000),
    },
    ...(facts.technique === undefined ? {} : { technique: facts.technique }),
    phase,
    ...(asset === undefined ? {} : { asset }),
    observables: [...facts.observables],
    raw: alert.raw,
    fields: { ...facts.fields },
    ...(facts.rule === undefined
      ? {}
      : {
          rule: {
            name: facts.rule.name.slice(0, 500),
            ...(facts.rule.id === undefined ? {} : { id: facts.rule.id.slice(0, 200) }),
            ...(facts.rule.author === undefined ? {} : { author: facts.rule.author.slice(0, 500) }),
          },
        }),
    answer: {
      verdict: 'true-positive',
      severity: facts.severity,
      routing: ['soc'],
      incident: 'imported-incident',
      ...(duplicateOf === undefined ? {} : { duplicateOf }),
    },
  };
}
