import type { Layer, Severity } from '../contracts/common.schema.js';
import type { Sensor } from '../contracts/scenario.schema.js';

export const IMPORT_FORMATS = ['suricata-eve', 'wazuh', 'ecs', 'zeek', 'sysmon'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export function isImportFormat(text: string): text is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(text);
}

/** What an alert record says, in the scenario's terms (texts in English; the draft adds Vietnamese). */
export interface AlertFacts {
  readonly title: string;
  readonly severity: Severity;
  readonly sensor: Sensor;
  readonly layer: Layer;
  /** The sensor's own grouping (Suricata category, Wazuh group, Zeek notice): the draft's phases. */
  readonly category: string;
  readonly technique?: string;
  readonly rule?: { readonly name: string; readonly id?: string; readonly author?: string };
  readonly source?: string;
  readonly destination?: string;
  /** ECS-like flat fields shown with the alert. */
  readonly fields: Readonly<Record<string, string | number | boolean>>;
  readonly observables: ReadonlyArray<{
    readonly type: 'ip' | 'domain' | 'url' | 'user-agent' | 'file-path' | 'process' | 'account' | 'hash-sha256' | 'hash-md5';
    readonly value: string;
  }>;
  /** What happened, one line (English). */
  readonly summary: string;
}

/** A record as the import reads it: its time, and what it says if it is an alert. */
export type Interpreted =
  { readonly ok: true; readonly time: number; readonly alert?: AlertFacts; readonly source: string } | { readonly ok: false; readonly reason: string };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A field by dotted path, as nested objects (`a.b`) or as a flat dotted key (`"a.b"`). */
export function field(record: Json, path: string): unknown {
  if (Object.hasOwn(record, path)) return record[path];
  const dot = path.indexOf('.');
  if (dot < 0) return undefined;
  for (let i = dot; i >= 0; i = path.indexOf('.', i + 1)) {
    const head = record[path.slice(0, i)];
    if (isObject(head)) {
      const found = field(head, path.slice(i + 1));
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
function text(record: Json, path: string): string | undefined {
  const value = field(record, path);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
function num(record: Json, path: string): number | undefined {
  const value = field(record, path);
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Milliseconds since the epoch of an ISO 8601 time (no zone: UTC) or of epoch seconds. */
export function parseTime(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value > 1e11 ? Math.round(value) : Math.round(value * 1000);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  if (/^\d{9,10}(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const match = ISO.exec(trimmed);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = match;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Math.floor(Number(`0${frac ?? ''}`) * 1000));
  if (!Number.isFinite(ms)) return undefined;
  if (zone === undefined || zone.toUpperCase() === 'Z') return ms;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return ms - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
}

function firstTime(record: Json, paths: readonly string[]): number | undefined {
  for (const path of paths) {
    const time = parseTime(field(record, path));
    if (time !== undefined) return time;
  }
  return undefined;
}

function compact<T extends Record<string, string | number | boolean | undefined>>(fields: T): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields))
    if (value !== undefined && value !== '') out[key] = typeof value === 'string' ? value.slice(0, 10_000) : value;
  return out;
}

function observablesOf(list: ReadonlyArray<readonly [AlertFacts['observables'][number]['type'], string | undefined]>): AlertFacts['observables'] {
  const seen = new Set<string>();
  const out: Array<AlertFacts['observables'][number]> = [];
  for (const [type, value] of list) {
    if (value === undefined || value === '' || seen.has(`${type} ${value}`)) continue;
    seen.add(`${type} ${value}`);
    out.push({ type, value: value.slice(0, 2_000) });
  }
  return out;
}

const TECHNIQUE = /^T\d{4}(?:\.\d{3})?$/;

// ---------------------------------------------------------------------------------------------
// Suricata EVE
// ---------------------------------------------------------------------------------------------

/** EVE severity 1 is the highest; rule sets use 1–3 (4 for informational). */
function suricataSeverity(severity: number | undefined): Severity {
  if (severity === 1) return 'high';
  if (severity === 2) return 'medium';
  return 'low';
}

function interpretSuricata(record: Json): Interpreted {
  const type = text(record, 'event_type');
  if (type === undefined) return { ok: false, reason: 'not an EVE record (no event_type)' };
  const time = firstTime(record, ['timestamp']);
  if (time === undefined) return { ok: false, reason: 'no readable timestamp' };
  if (type !== 'alert') return { ok: true, time, source: `suricata:${type}` };
  const signature = text(record, 'alert.signature');
  if (signature === undefined) return { ok: false, reason: 'an alert without alert.signature' };
  const category = text(record, 'alert.category') ?? 'Uncategorised';
  const src = text(record, 'src_ip');
  const dest = text(record, 'dest_ip');
  const proto = text(record, 'proto');
  const app = text(record, 'app_proto');
  const host = text(record, 'http.hostname') ?? text(record, 'tls.sni') ?? text(record, 'dns.rrname');
  const url = text(record, 'http.url');
  const srcPort = text(record, 'src_port');
  const destPort = text(record, 'dest_port');
  const from = `${src ?? '?'}${srcPort === undefined ? '' : `:${srcPort}`}`;
  const to = `${dest ?? '?'}${destPort === undefined ? '' : `:${destPort}`}`;
  return {
    ok: true,
    time,
    source: 'suricata:alert',
    alert: {
      title: signature,
      severity: suricataSeverity(num(record, 'alert.severity')),
      sensor: 'ids',
      layer: 2,
      category,
      rule: {
        name: signature,
        ...(text(record, 'alert.signature_id') === undefined
          ? {}
          : { id: `${text(record, 'alert.gid') ?? '1'}:${text(record, 'alert.signature_id')!}:${text(record, 'alert.rev') ?? '1'}` }),
      },
      ...(src === undefined ? {} : { source: src }),
      ...(dest === undefined ? {} : { destination: dest }),
      fields: compact({
        'event.kind': 'alert',
        'event.action': text(record, 'alert.action'),
        'rule.name': signature,
        'rule.id': text(record, 'alert.signature_id'),
        'rule.category': category,
        'source.ip': src,
        'source.port': num(record, 'src_port'),
        'destination.ip': dest,
        'destination.port': num(record, 'dest_port'),
        'network.transport': proto?.toLowerCase(),
        'network.protocol': app,
        'url.domain': host,
        'url.original': url,
        'http.request.method': text(record, 'http.http_method'),
        'http.response.status_code': num(record, 'http.status'),
        'user_agent.original': text(record, 'http.http_user_agent'),
      }),
      observables: observablesOf([
        ['ip', src],
        ['ip', dest],
        ['domain', host],
        ['url', url],
        ['user-agent', text(record, 'http.http_user_agent')],
      ]),
      summary: `${category}: ${from} → ${to}${proto === undefined ? '' : ` (${proto}${app === undefined ? '' : `/${app}`})`}${url === undefined ? '' : `, ${text(record, 'http.http_method') ?? 'GET'} ${url}`}`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Wazuh alerts.json
// ---------------------------------------------------------------------------------------------

/** Wazuh levels 0–15: 12 and above are high-importance events, 7 and above bad ones. */
function wazuhSeverity(level: number): Severity {
  if (level >= 12) return 'critical';
  if (level >= 8) return 'high';
  if (level >= 5) return 'medium';
  return 'low';
}

function wazuhSensor(groups: readonly string[]): Sensor {
  const has = (...names: string[]): boolean => groups.some((g) => names.includes(g.toLowerCase()));
  if (has('syscheck', 'syscheck_file', 'syscheck_entry_modified', 'syscheck_entry_added')) return 'fim';
  if (has('authentication_failed', 'authentication_success', 'authentication_failures', 'sshd', 'pam', 'win_authentication')) return 'auth-log';
  if (has('web', 'accesslog', 'attack', 'web_scan', 'sql_injection')) return 'waf';
  if (has('ids', 'suricata', 'snort')) return 'ids';
  if (has('sysmon', 'windows', 'rootcheck', 'virustotal')) return 'edr';
  if (has('firewall', 'iptables')) return 'firewall';
  return 'siem';
}

function interpretWazuh(record: Json): Interpreted {
  const description = text(record, 'rule.description');
  const level = num(record, 'rule.level');
  if (description === undefined || level === undefined) return { ok: false, reason: 'not a Wazuh alert (no rule.description or rule.level)' };
  const time = firstTime(record, ['timestamp', '@timestamp']);
  if (time === undefined) return { ok: false, reason: 'no readable timestamp' };
  const groups = (Array.isArray(field(record, 'rule.groups')) ? (field(record, 'rule.groups') as unknown[]) : []).filter(
    (g): g is string => typeof g === 'string',
  );
  const mitre = field(record, 'rule.mitre.id');
  const technique = (Array.isArray(mitre) ? mitre : [mitre]).find((t): t is string => typeof t === 'string' && TECHNIQUE.test(t));
  const src = text(record, 'data.srcip') ?? text(record, 'data.src_ip');
  const dest = text(record, 'data.dstip') ?? text(record, 'data.dest_ip') ?? text(record, 'agent.ip');
  const agent = text(record, 'agent.name');
  const user = text(record, 'data.dstuser') ?? text(record, 'data.srcuser') ?? text(record, 'data.win.eventdata.targetUserName');
  const path = text(record, 'syscheck.path');
  return {
    ok: true,
    time,
    source: 'wazuh:alert',
    alert: {
      title: description,
      severity: wazuhSeverity(level),
      sensor: wazuhSensor(groups),
      layer: 2,
      category: groups[0] ?? 'wazuh',
      ...(technique === undefined ? {} : { technique }),
      rule: { name: description, ...(text(record, 'rule.id') === undefined ? {} : { id: text(record, 'rule.id')! }) },
      ...(src === undefined ? {} : { source: src }),
      ...(dest === undefined ? {} : { destination: dest }),
      fields: compact({
        'event.kind': 'alert',
        'rule.name': description,
        'rule.id': text(record, 'rule.id'),
        'event.severity': level,
        'host.name': agent,
        'host.ip': text(record, 'agent.ip'),
        'source.ip': src,
        'user.name': user,
        'file.path': path,
        'threat.technique.id': technique,
      }),
      observables: observablesOf([
        ['ip', src],
        ['account', user],
        ['file-path', path],
        ['hash-sha256', text(record, 'syscheck.sha256_after')],
      ]),
      summary: `Wazuh rule ${text(record, 'rule.id') ?? '?'} (level ${level}) on ${agent ?? 'an agent'}${src === undefined ? '' : ` from ${src}`}${text(record, 'full_log') === undefined ? '' : `: ${text(record, 'full_log')!.slice(0, 300)}`}`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// ECS
// ---------------------------------------------------------------------------------------------

function ecsSeverity(record: Json): Severity {
  const label = (text(record, 'log.level') ?? text(record, 'event.severity_name') ?? '').toLowerCase();
  if (label === 'critical') return 'critical';
  if (label === 'high' || label === 'error') return 'high';
  if (label === 'medium' || label === 'warning') return 'medium';
  const n = num(record, 'event.severity') ?? num(record, 'event.risk_score');
  // Elastic's detection rules: risk 0–100 (21 low, 47 medium, 73 high, 99 critical).
  if (n === undefined) return 'medium';
  if (n >= 90) return 'critical';
  if (n >= 70) return 'high';
  if (n >= 40) return 'medium';
  return 'low';
}

function interpretEcs(record: Json): Interpreted {
  const time = firstTime(record, ['@timestamp', 'event.created', 'event.ingested']);
  if (time === undefined) return { ok: false, reason: 'not an ECS event (no readable @timestamp)' };
  const kind = text(record, 'event.kind');
  const dataset = text(record, 'event.dataset') ?? text(record, 'event.module') ?? 'ecs';
  if (kind !== 'alert' && kind !== 'signal') return { ok: true, time, source: `ecs:${dataset}` };
  const name = text(record, 'rule.name') ?? text(record, 'message');
  if (name === undefined) return { ok: false, reason: 'an ECS alert without rule.name or message' };
  const technique = [field(record, 'threat.technique.subtechnique.id'), field(record, 'threat.technique.id')]
    .flat()
    .find((t): t is string => typeof t === 'string' && TECHNIQUE.test(t));
  const src = text(record, 'source.ip');
  const dest = text(record, 'destination.ip') ?? text(record, 'host.ip');
  const category =
    text(record, 'threat.tactic.name') ??
    text(record, 'rule.category') ??
    (Array.isArray(field(record, 'event.category')) ? String((field(record, 'event.category') as unknown[])[0]) : text(record, 'event.category')) ??
    dataset;
  const author = field(record, 'rule.author');
  const authorText = Array.isArray(author) ? author.filter((a) => typeof a === 'string').join(', ') : typeof author === 'string' ? author : undefined;
  return {
    ok: true,
    time,
    source: `ecs:${dataset}`,
    alert: {
      title: name,
      severity: ecsSeverity(record),
      sensor: 'siem',
      layer: 2,
      category,
      ...(technique === undefined ? {} : { technique }),
      rule: { name, ...(text(record, 'rule.id') === undefined ? {} : { id: text(record, 'rule.id')! }), ...(authorText ? { author: authorText } : {}) },
      ...(src === undefined ? {} : { source: src }),
      ...(dest === undefined ? {} : { destination: dest }),
      fields: compact({
        'event.kind': 'alert',
        'rule.name': name,
        'rule.id': text(record, 'rule.id'),
        'source.ip': src,
        'destination.ip': text(record, 'destination.ip'),
        'host.name': text(record, 'host.name'),
        'user.name': text(record, 'user.name'),
        'process.command_line': text(record, 'process.command_line'),
        'url.original': text(record, 'url.original'),
        'threat.technique.id': technique,
      }),
      observables: observablesOf([
        ['ip', src],
        ['ip', text(record, 'destination.ip')],
        ['domain', text(record, 'destination.domain') ?? text(record, 'url.domain')],
        ['url', text(record, 'url.original')],
        ['account', text(record, 'user.name')],
        ['process', text(record, 'process.command_line')],
        ['hash-sha256', text(record, 'file.hash.sha256') ?? text(record, 'process.hash.sha256')],
      ]),
      summary: text(record, 'message') ?? `${name}${text(record, 'host.name') === undefined ? '' : ` on ${text(record, 'host.name')!}`}`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Zeek
// ---------------------------------------------------------------------------------------------

/** Zeek's log kind: `_path` in TSV and some JSON writers, `@stream` in OTRF's collection. */
function zeekPath(record: Json): string | undefined {
  return text(record, '_path') ?? text(record, '@stream') ?? text(record, 'path');
}

function interpretZeek(record: Json): Interpreted {
  const time = parseTime(record['ts']);
  if (time === undefined) return { ok: false, reason: 'not a Zeek record (no readable ts)' };
  const path = zeekPath(record) ?? (record['note'] !== undefined ? 'notice' : 'unknown');
  const note = text(record, 'note');
  if (path !== 'notice' || note === undefined) return { ok: true, time, source: `zeek:${path}` };
  const src = text(record, 'src') ?? text(record, 'id.orig_h') ?? text(record, 'id_orig_h');
  const dest = text(record, 'dst') ?? text(record, 'id.resp_h') ?? text(record, 'id_resp_h');
  const msg = text(record, 'msg') ?? note;
  const [group] = note.split('::');
  return {
    ok: true,
    time,
    source: 'zeek:notice',
    alert: {
      title: `${note}: ${msg}`.slice(0, 300),
      severity: /scan|invalid|self.signed|expir/i.test(note) ? 'low' : 'medium',
      sensor: 'netflow',
      layer: 2,
      category: group ?? 'notice',
      rule: { name: note },
      ...(src === undefined ? {} : { source: src }),
      ...(dest === undefined ? {} : { destination: dest }),
      fields: compact({
        'event.kind': 'alert',
        'rule.name': note,
        'source.ip': src,
        'source.port': num(record, 'id.orig_p') ?? num(record, 'id_orig_p'),
        'destination.ip': dest,
        'destination.port': num(record, 'p') ?? num(record, 'id.resp_p') ?? num(record, 'id_resp_p'),
        'network.transport': text(record, 'proto'),
        message: msg,
      }),
      observables: observablesOf([
        ['ip', src],
        ['ip', dest],
      ]),
      summary: `${msg}${src === undefined ? '' : ` (${src} → ${dest ?? '?'})`}`,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Windows and Sysmon events as OTRF collects them
// ---------------------------------------------------------------------------------------------

/** Sysmon for Linux in syslog: the Windows event XML inside `SyslogMessage`. */
function syslogXml(record: Json, element: string): string | undefined {
  const message = record['SyslogMessage'] ?? record['message'];
  if (typeof message !== 'string' || !message.trimStart().startsWith('<Event')) return undefined;
  return new RegExp(`<${element}>([^<]*)</${element}>`).exec(message)?.[1];
}

function interpretSysmon(record: Json): Interpreted {
  const xmlId = syslogXml(record, 'EventID');
  const eventId = num(record, 'EventID') ?? num(record, 'event_id') ?? num(record, 'winlog.event_id') ?? (xmlId === undefined ? undefined : Number(xmlId));
  const time = firstTime(record, ['@timestamp', 'TimeGenerated', 'TimeCreated', 'EventTime', 'UtcTime', 'timestamp']);
  if (eventId === undefined) return { ok: false, reason: 'not a Windows or Sysmon event (no EventID)' };
  if (time === undefined) return { ok: false, reason: 'no readable @timestamp, TimeGenerated or EventTime' };
  const channel = text(record, 'Channel') ?? syslogXml(record, 'Channel') ?? text(record, 'SourceName') ?? text(record, 'Provider') ?? 'windows';
  const short = /sysmon/i.test(channel) ? 'sysmon' : channel.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return { ok: true, time, source: `${short}:${eventId}` };
}

/** Reads one record in the given format: its time, and its alert if it is one. */
export function interpretRecord(format: ImportFormat, value: unknown): Interpreted {
  if (!isObject(value)) return { ok: false, reason: 'not a JSON object' };
  switch (format) {
    case 'suricata-eve':
      return interpretSuricata(value);
    case 'wazuh':
      return interpretWazuh(value);
    case 'ecs':
      return interpretEcs(value);
    case 'zeek':
      return interpretZeek(value);
    case 'sysmon':
      return interpretSysmon(value);
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}

/** Which format a record looks like, to name the right one when the records fit none of the chosen format. */
export function guessFormat(value: unknown): ImportFormat | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value['event_type'] === 'string' && value['timestamp'] !== undefined) return 'suricata-eve';
  if (isObject(value['rule']) && value['rule']['level'] !== undefined && value['agent'] !== undefined) return 'wazuh';
  if (
    value['ts'] !== undefined &&
    (value['uid'] !== undefined ||
      value['_path'] !== undefined ||
      value['@stream'] !== undefined ||
      value['id.orig_h'] !== undefined ||
      value['id_orig_h'] !== undefined)
  )
    return 'zeek';
  if (value['EventID'] !== undefined) return 'sysmon';
  if (
    value['@timestamp'] !== undefined &&
    (value['event'] !== undefined || value['event.kind'] !== undefined || value['ecs'] !== undefined || value['ecs.version'] !== undefined)
  )
    return 'ecs';
  return undefined;
}
