import { ABSENT, type FieldLookup } from './sigma-value.js';

/**
 * Turns one raw JSON event into what a Sigma rule sees: the log source it belongs to (so a
 * process-creation rule only looks at process creations) and its fields under Sigma's names.
 * Shapes understood:
 * - Windows event logs as JSON: flat (OTRF, NXLog: `EventID`, `Channel`, fields at the top), with
 *   `EventData` as an object, a JSON string or an XML string (Azure Log Analytics export), the
 *   evtx-dump form (`Event.System`, `Event.EventData`), and Winlogbeat (`winlog.event_data`);
 * - Sysmon for Linux inside syslog (`SyslogMessage` holding the `<Event>` XML);
 * - web-server access logs with W3C field names (`cs-method`, `cs-uri-query`, `sc-status`, …);
 * - Elastic Common Schema (ECS) events, whose fields are mapped from Sigma's names.
 */

export interface SigmaLogsource {
  readonly product?: string;
  readonly category?: string;
  readonly service?: string;
}

export interface SigmaEvent {
  readonly shape: 'windows' | 'linux-sysmon' | 'webserver' | 'ecs' | 'unknown';
  readonly logsource: SigmaLogsource;
  lookup(field: string): FieldLookup;
  /** Every string (and number) in the event, for keyword search. */
  strings(): readonly string[];
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function own(object: JsonObject, key: string): FieldLookup {
  return Object.prototype.hasOwnProperty.call(object, key) ? { present: true, value: object[key] } : ABSENT;
}

/** `a.b.c` as nested objects, or as a literal dotted key at any level (flattened exports). */
export function pathLookup(object: JsonObject, path: string): FieldLookup {
  const direct = own(object, path);
  if (direct.present) return direct;
  const dot = path.indexOf('.');
  if (dot < 0) return ABSENT;
  for (let i = dot; i >= 0; i = path.indexOf('.', i + 1)) {
    const head = own(object, path.slice(0, i));
    if (head.present && isObject(head.value)) {
      const rest = pathLookup(head.value, path.slice(i + 1));
      if (rest.present) return rest;
    }
  }
  return ABSENT;
}

function collectStrings(value: unknown, into: string[], depth = 0): void {
  if (depth > 32) return;
  if (typeof value === 'string') into.push(value);
  else if (typeof value === 'number' || typeof value === 'boolean') into.push(String(value));
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into, depth + 1);
  else if (isObject(value)) for (const item of Object.values(value)) collectStrings(item, into, depth + 1);
}

// ---------------------------------------------------------------------------------------------
// Windows and Sysmon
// ---------------------------------------------------------------------------------------------

/** Sysmon event IDs by Sigma category (the SigmaHQ Sysmon log-source guide). */
export const SYSMON_CATEGORIES: Readonly<Record<number, string>> = {
  1: 'process_creation',
  3: 'network_connection',
  5: 'process_termination',
  6: 'driver_load',
  7: 'image_load',
  8: 'create_remote_thread',
  9: 'raw_access_thread',
  10: 'process_access',
  11: 'file_event',
  12: 'registry_add',
  13: 'registry_set',
  14: 'registry_rename',
  15: 'create_stream_hash',
  17: 'pipe_created',
  18: 'pipe_created',
  19: 'wmi_event',
  20: 'wmi_event',
  21: 'wmi_event',
  22: 'dns_query',
  23: 'file_delete',
  24: 'clipboard_capture',
  25: 'process_tampering',
  26: 'file_delete',
  27: 'file_block_executable',
  28: 'file_block_shredding',
  29: 'file_executable_detected',
};

/** Windows channels by Sigma `service`. */
const WINDOWS_SERVICES: Readonly<Record<string, string>> = {
  'microsoft-windows-sysmon/operational': 'sysmon',
  security: 'security',
  system: 'system',
  application: 'application',
  'windows powershell': 'powershell-classic',
  'microsoft-windows-powershell/operational': 'powershell',
};

const XML_ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (whole, entity: string) => {
    const lower = entity.toLowerCase();
    if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
    if (lower.startsWith('#')) return String.fromCodePoint(parseInt(lower.slice(1), 10));
    return XML_ENTITIES[lower] ?? whole;
  });
}

/**
 * The `<Data Name="…">value</Data>` pairs of an event's XML. Windows and Sysmon write this fixed,
 * flat form; a full XML parser (none is a dependency) would add nothing for it.
 */
export function xmlEventData(xml: string): JsonObject {
  const data: JsonObject = {};
  for (const match of xml.matchAll(/<Data Name="([^"]+)"\s*(?:\/>|>([\s\S]*?)<\/Data>)/g)) {
    data[decodeXml(match[1]!)] = decodeXml(match[2] ?? '');
  }
  return data;
}

function xmlElement(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}(?:\\s[^>]*)?>([^<]*)</${name}>`).exec(xml);
  return match ? decodeXml(match[1]!) : undefined;
}

function windowsLogsource(channel: string | undefined, eventId: number | undefined, product: 'windows' | 'linux'): SigmaLogsource {
  const lowerChannel = channel?.toLowerCase();
  const sysmon = lowerChannel === 'microsoft-windows-sysmon/operational' || lowerChannel === 'linux-sysmon/operational';
  const service = sysmon ? 'sysmon' : lowerChannel ? (WINDOWS_SERVICES[lowerChannel] ?? lowerChannel) : undefined;
  const category = sysmon && eventId !== undefined ? SYSMON_CATEGORIES[eventId] : undefined;
  return { product, service, category };
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function makeEvent(
  shape: SigmaEvent['shape'],
  logsource: SigmaLogsource,
  layers: readonly JsonObject[],
  raw: JsonObject,
  mapping?: Readonly<Record<string, readonly string[]>>,
): SigmaEvent {
  let strings: string[] | undefined;
  return {
    shape,
    logsource,
    lookup(field) {
      for (const layer of layers) {
        const found = own(layer, field);
        if (found.present) return found;
      }
      for (const path of mapping?.[field] ?? []) {
        const mapped = pathLookup(raw, path);
        if (mapped.present) return mapped;
      }
      return field.includes('.') ? pathLookup(raw, field) : ABSENT;
    },
    strings() {
      if (!strings) {
        strings = [];
        for (const layer of layers) collectStrings(layer, strings);
      }
      return strings;
    },
  };
}

function evtxSystemFields(system: JsonObject): JsonObject {
  const fields: JsonObject = {};
  for (const [key, value] of Object.entries(system)) {
    if (isObject(value)) {
      // `<Provider Name="…"/>` becomes Provider_Name (specification, "Field Usage").
      const attributes = isObject(value['#attributes']) ? value['#attributes'] : value;
      for (const [name, attribute] of Object.entries(attributes)) if (!isObject(attribute)) fields[`${key}_${name}`] = attribute;
    } else fields[key] = value;
  }
  return fields;
}

function windowsEvent(raw: JsonObject): SigmaEvent | undefined {
  // evtx-dump JSON: {"Event": {"System": {...}, "EventData": {...}}}
  const envelope = raw['Event'];
  if (isObject(envelope) && isObject(envelope['System'])) {
    const system = evtxSystemFields(envelope['System']);
    const data = isObject(envelope['EventData']) ? envelope['EventData'] : {};
    const userData = isObject(envelope['UserData']) ? envelope['UserData'] : {};
    const eventId = numberOf(system['EventID']);
    return makeEvent('windows', windowsLogsource(stringOf(system['Channel']), eventId, 'windows'), [data, userData, system], raw);
  }
  // Winlogbeat (ECS with the Windows event under `winlog`)
  const winlog = raw['winlog'];
  if (isObject(winlog) && winlog['event_id'] !== undefined) {
    const data = isObject(winlog['event_data']) ? winlog['event_data'] : {};
    const system: JsonObject = {
      EventID: numberOf(winlog['event_id']),
      Channel: winlog['channel'],
      Provider_Name: winlog['provider_name'],
      Computer: winlog['computer_name'],
    };
    const logsource = windowsLogsource(stringOf(winlog['channel']), numberOf(winlog['event_id']), 'windows');
    return makeEvent('windows', logsource, [data, system, raw], raw, logsource.category ? ECS_MAPPINGS[logsource.category] : undefined);
  }
  // Flat exports: EventID and Channel at the top, EventData (if any) as an object or a string
  if (raw['EventID'] !== undefined && (raw['Channel'] !== undefined || raw['SourceName'] !== undefined || raw['Provider'] !== undefined)) {
    const eventData = raw['EventData'];
    let data: JsonObject = {};
    if (isObject(eventData)) data = eventData;
    else if (typeof eventData === 'string') {
      const text = eventData.trim();
      if (text.startsWith('{')) {
        try {
          const parsed: unknown = JSON.parse(text);
          if (isObject(parsed)) data = parsed;
        } catch {
          // Not JSON after all: the string stays searchable as a top-level field.
        }
      } else if (text.startsWith('<')) data = xmlEventData(text);
    }
    const eventId = numberOf(raw['EventID']);
    return makeEvent('windows', windowsLogsource(stringOf(raw['Channel']), eventId, 'windows'), [data, raw], raw);
  }
  return undefined;
}

function linuxSysmonEvent(raw: JsonObject): SigmaEvent | undefined {
  const message = raw['SyslogMessage'] ?? raw['message'];
  if (typeof message !== 'string' || !message.trimStart().startsWith('<Event')) return undefined;
  const channel = xmlElement(message, 'Channel');
  if (channel?.toLowerCase() !== 'linux-sysmon/operational') return undefined;
  const eventId = numberOf(xmlElement(message, 'EventID'));
  const data = xmlEventData(message);
  const system: JsonObject = { EventID: eventId, Channel: channel, Computer: xmlElement(message, 'Computer') };
  return makeEvent('linux-sysmon', windowsLogsource(channel, eventId, 'linux'), [data, system, raw], raw);
}

// ---------------------------------------------------------------------------------------------
// Web servers and ECS
// ---------------------------------------------------------------------------------------------

const W3C_FIELDS = ['cs-method', 'cs-uri-stem', 'cs-uri-query', 'cs-uri', 'sc-status', 'c-ip', 'cs-user-agent', 'cs-host', 'cs-referer'];

/** Sigma field names to ECS paths, per category (first path present wins), as in pySigma's ECS pipelines. */
export const ECS_MAPPINGS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  process_creation: {
    Image: ['process.executable'],
    CommandLine: ['process.command_line'],
    ParentImage: ['process.parent.executable'],
    ParentCommandLine: ['process.parent.command_line'],
    ProcessId: ['process.pid'],
    ParentProcessId: ['process.parent.pid'],
    CurrentDirectory: ['process.working_directory'],
    OriginalFileName: ['process.pe.original_file_name'],
    Description: ['process.pe.description'],
    Product: ['process.pe.product'],
    Company: ['process.pe.company'],
    User: ['user.name'],
    IntegrityLevel: ['winlog.event_data.IntegrityLevel'],
  },
  file_event: {
    TargetFilename: ['file.path'],
    Image: ['process.executable'],
    ProcessId: ['process.pid'],
    User: ['user.name'],
  },
  webserver: {
    'cs-method': ['http.request.method'],
    'cs-uri-query': ['url.query'],
    'cs-uri-stem': ['url.path'],
    'cs-uri': ['url.original'],
    'sc-status': ['http.response.status_code'],
    'c-ip': ['source.ip', 'client.ip'],
    's-ip': ['destination.ip', 'server.ip'],
    'cs-user-agent': ['user_agent.original'],
    'cs-host': ['url.domain'],
    'cs-referer': ['http.request.referrer'],
  },
};

function asList(value: unknown): string[] {
  if (typeof value === 'string') return [value.toLowerCase()];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((v) => v.toLowerCase());
  return [];
}

function ecsEvent(raw: JsonObject): SigmaEvent | undefined {
  const event = pathLookup(raw, 'event');
  const isEcs =
    pathLookup(raw, 'ecs.version').present || (isObject(event.value) && (event.value['category'] !== undefined || event.value['kind'] !== undefined));
  if (!isEcs) return undefined;
  const categories = asList(pathLookup(raw, 'event.category').value);
  const types = asList(pathLookup(raw, 'event.type').value);
  let category: string | undefined;
  if (categories.includes('process') && types.includes('start')) category = 'process_creation';
  else if (categories.includes('file') && types.includes('creation')) category = 'file_event';
  else if (categories.includes('web') || pathLookup(raw, 'http.request.method').present) category = 'webserver';
  const os = stringOf(pathLookup(raw, 'host.os.type').value) ?? stringOf(pathLookup(raw, 'host.os.family').value);
  return makeEvent('ecs', { category, product: os?.toLowerCase() }, [raw], raw, category ? ECS_MAPPINGS[category] : undefined);
}

/** The Sigma view of one raw event. */
export function toSigmaEvent(raw: JsonObject): SigmaEvent {
  const windows = windowsEvent(raw) ?? linuxSysmonEvent(raw);
  if (windows) return windows;
  if (W3C_FIELDS.some((field) => Object.prototype.hasOwnProperty.call(raw, field))) return makeEvent('webserver', { category: 'webserver' }, [raw], raw);
  return ecsEvent(raw) ?? makeEvent('unknown', {}, [raw], raw);
}

/** Categories and services this module can recognise in events, for warnings about rules it cannot feed. */
export const KNOWN_CATEGORIES: ReadonlySet<string> = new Set([...Object.values(SYSMON_CATEGORIES), 'registry_event', 'webserver']);
export const KNOWN_SERVICES: ReadonlySet<string> = new Set(['sysmon', ...Object.values(WINDOWS_SERVICES)]);

/**
 * Whether a rule's log source covers an event. Category and service must be those of the event;
 * a product is checked when the event tells it (ECS events may not).
 */
export function logsourceCovers(rule: SigmaLogsource, event: SigmaEvent): boolean {
  const source = event.logsource;
  if (rule.category !== undefined) {
    // Sysmon's registry IDs (12–14) also belong to the umbrella category `registry_event`.
    const registryUmbrella = rule.category === 'registry_event' && source.service === 'sysmon' && source.category?.startsWith('registry_') === true;
    if (rule.category !== source.category && !registryUmbrella) return false;
  }
  if (rule.service !== undefined && rule.service !== source.service) return false;
  if (rule.product !== undefined && source.product !== undefined && rule.product !== source.product) return false;
  if (rule.product !== undefined && source.product === undefined && event.shape !== 'ecs') return false;
  return true;
}
