import type { RawEventSource } from '../contracts/raw-event.schema.js';
import { xmlEventData } from '../sigma/sigma-event.js';
import { field, type ImportFormat } from './import-formats.js';

type Scalar = string | number | boolean;
type Json = Record<string, unknown>;

const FIELD_NAME = /^[a-z@][a-z0-9_.@]*$/;
const MAX_FIELDS = 80;

/** ECS names for the fields each format calls otherwise (first candidate present wins). */
const ALIASES: Record<ImportFormat, ReadonlyArray<readonly [string, readonly string[]]>> = {
  'suricata-eve': [
    ['source.ip', ['src_ip']],
    ['source.port', ['src_port']],
    ['destination.ip', ['dest_ip']],
    ['destination.port', ['dest_port']],
    ['network.transport', ['proto']],
    ['network.protocol', ['app_proto']],
    ['event.action', ['event_type']],
    ['url.domain', ['http.hostname', 'tls.sni']],
    ['url.original', ['http.url']],
    ['http.request.method', ['http.http_method']],
    ['http.response.status_code', ['http.status']],
    ['user_agent.original', ['http.http_user_agent']],
    ['dns.question.name', ['dns.rrname', 'dns.queries.0.rrname']],
    ['tls.server.subject', ['tls.subject']],
    ['file.name', ['fileinfo.filename']],
  ],
  zeek: [
    ['source.ip', ['id.orig_h', 'id_orig_h']],
    ['source.port', ['id.orig_p', 'id_orig_p']],
    ['destination.ip', ['id.resp_h', 'id_resp_h']],
    ['destination.port', ['id.resp_p', 'id_resp_p']],
    ['network.transport', ['proto']],
    ['network.protocol', ['service']],
    ['event.id', ['uid']],
    ['dns.question.name', ['query']],
    ['url.domain', ['host', 'server_name']],
    ['url.path', ['uri']],
    ['http.request.method', ['method']],
    ['http.response.status_code', ['status_code']],
    ['user_agent.original', ['user_agent']],
    ['file.name', ['filename', 'name']],
    ['file.mime_type', ['mime_type']],
    ['file.hash.sha256', ['sha256']],
    ['file.hash.md5', ['md5']],
  ],
  sysmon: [
    ['event.code', ['EventID']],
    ['host.name', ['Hostname', 'Computer']],
    ['process.executable', ['Image', 'EventData.Image']],
    ['process.command_line', ['CommandLine', 'EventData.CommandLine']],
    ['process.parent.executable', ['ParentImage', 'EventData.ParentImage']],
    ['process.parent.command_line', ['ParentCommandLine', 'EventData.ParentCommandLine']],
    ['process.pid', ['ProcessId', 'EventData.ProcessId']],
    ['user.name', ['User', 'EventData.User', 'TargetUserName', 'SubjectUserName']],
    ['file.path', ['TargetFilename', 'EventData.TargetFilename']],
    ['source.ip', ['SourceIp', 'EventData.SourceIp', 'IpAddress']],
    ['source.port', ['SourcePort', 'EventData.SourcePort']],
    ['destination.ip', ['DestinationIp', 'EventData.DestinationIp']],
    ['destination.port', ['DestinationPort', 'EventData.DestinationPort']],
    ['dns.question.name', ['QueryName', 'EventData.QueryName']],
    ['registry.path', ['TargetObject', 'EventData.TargetObject']],
    ['event.provider', ['SourceName', 'Provider']],
  ],
  ecs: [],
  wazuh: [
    ['host.name', ['agent.name']],
    ['source.ip', ['data.srcip']],
    ['rule.name', ['rule.description']],
  ],
};

function scalar(value: unknown): Scalar | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value.slice(0, 10_000);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  return undefined;
}

/** OTRF's Azure export keeps EventData as a JSON string: read it as the object it is. */
function expanded(record: Json): Json {
  const message = record['SyslogMessage'];
  // Sysmon for Linux: the event's data is XML inside the syslog message.
  if (typeof message === 'string' && message.trimStart().startsWith('<Event')) {
    const { SyslogMessage: _xml, ...rest } = record;
    return { ...rest, EventData: xmlEventData(message) };
  }
  const data = record['EventData'];
  if (typeof data === 'string' && data.startsWith('{')) {
    try {
      const parsed = JSON.parse(data) as unknown;
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) return { ...record, EventData: parsed };
    } catch {
      return record;
    }
  }
  return record;
}

/** Flat ECS-style fields of a raw event: the ECS names first, then the record's own scalars, dotted and lower-cased. */
export function rawEventFields(format: ImportFormat, record: Json): Record<string, Scalar> {
  const source = expanded(record);
  const out: Record<string, Scalar> = {};
  for (const [name, candidates] of ALIASES[format]) {
    for (const candidate of candidates) {
      const value = scalar(field(source, candidate));
      if (value !== undefined) {
        out[name] = value;
        break;
      }
    }
  }
  const image = out['process.executable'];
  if (typeof image === 'string') out['process.name'] = image.split(/[\\/]/).pop()!;
  const walk = (value: unknown, prefix: string): void => {
    if (Object.keys(out).length >= MAX_FIELDS) return;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, item] of Object.entries(value)) walk(item, prefix === '' ? key : `${prefix}.${key}`);
      return;
    }
    const v = scalar(value);
    if (v === undefined) return;
    const name = prefix
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .replace(/[^a-z0-9_.@]+/g, '_')
      .replace(/^[^a-z@]+/, '');
    if (name === '' || !FIELD_NAME.test(name) || name.length > 200 || Object.hasOwn(out, name) || name === 'constructor' || name === 'prototype') return;
    out[name] = v;
  };
  walk(source, '');
  return out;
}

/** Which log source the corpus files a record under. */
export function rawEventSource(format: ImportFormat, kind: string): RawEventSource {
  const [family, sub] = kind.split(':') as [string, string | undefined];
  switch (format) {
    case 'suricata-eve':
      return sub === 'dns' ? 'dns' : sub === 'flow' || sub === 'netflow' ? 'flow' : 'ids';
    case 'zeek':
      return sub === 'dns' ? 'dns' : sub === 'notice' || sub === 'weird' ? 'ids' : 'flow';
    case 'sysmon':
      return family === 'sysmon' ? 'sysmon' : family === 'security' ? 'windows-security' : family.includes('audit') ? 'auditd' : 'other';
    case 'wazuh':
      return 'edr';
    case 'ecs':
      return sub?.includes('dns')
        ? 'dns'
        : sub?.includes('sysmon')
          ? 'sysmon'
          : sub?.includes('access')
            ? 'web-access'
            : sub?.includes('auth')
              ? 'auth'
              : 'other';
    default: {
      const never: never = format;
      throw new Error(`unknown format ${String(never)}`);
    }
  }
}
