import { isIP } from 'node:net';
import { scoId, stixId } from './stix-ids.js';

/** How one observable of a scenario or a team (type and value) reads in STIX 2.1: a pattern and cyber-observable objects. */

export interface ObservableInput {
  readonly type: string;
  readonly value: string;
}

/** A cyber-observable object (SCO) with its deterministic id. */
export type Sco = Readonly<Record<string, unknown>> & { readonly id: string; readonly type: string };

/** A string literal of the STIX patterning language: only `\\` and `'` are escaped (STIX 2.1 §9.2). */
export function patternString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

const HASH_KEYS: Readonly<Record<string, string>> = { 'hash-md5': 'MD5', 'hash-sha1': 'SHA-1', 'hash-sha256': 'SHA-256' };

/** Object paths quote a hash name that is not a plain identifier (SHA-256), as the spec's examples do. */
function hashPath(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `file:hashes.${key}` : `file:hashes.${patternString(key)}`;
}

/** Splits a Windows or POSIX path into its directory and file name (null directory for a bare name). */
function splitPath(path: string): { directory: string | null; name: string } {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (at < 0) return { directory: null, name: path };
  return { directory: at === 0 ? path.slice(0, 1) : path.slice(0, at), name: path.slice(at + 1) };
}

/** The value as it is compared and exported: trimmed; case-folded where case carries no meaning. */
export function normalisedValue(observable: ObservableInput): string {
  const value = observable.value.trim();
  switch (observable.type) {
    case 'domain':
    case 'hash-md5':
    case 'hash-sha1':
    case 'hash-sha256':
    case 'email':
      return value.toLowerCase();
    case 'cve':
      return value.toUpperCase();
    default:
      return value;
  }
}

/** One key per distinct observable, so the same IOC named twice is exported once. */
export function observableKey(observable: ObservableInput): string {
  return `${observable.type}\u001f${normalisedValue(observable)}`;
}

/** True for a CVE id: those become vulnerability objects, not indicators. */
export function isCve(observable: ObservableInput): boolean {
  return observable.type === 'cve' && /^CVE-\d{4}-\d{4,}$/.test(normalisedValue(observable));
}

/** The STIX pattern detecting the observable, or null when it has none (a CVE, or an IP that is not one). */
export function stixPattern(observable: ObservableInput): string | null {
  const value = normalisedValue(observable);
  if (value === '') return null;
  switch (observable.type) {
    case 'ip': {
      const [address, prefix, ...rest] = value.split('/');
      const family = isIP(address ?? '');
      if (family === 0 || rest.length > 0 || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) return null;
      return `[${family === 4 ? 'ipv4-addr' : 'ipv6-addr'}:value = ${patternString(value)}]`;
    }
    case 'domain':
      return `[domain-name:value = ${patternString(value)}]`;
    case 'url':
      return `[url:value = ${patternString(value)}]`;
    case 'hash-md5':
    case 'hash-sha1':
    case 'hash-sha256':
      return `[${hashPath(HASH_KEYS[observable.type]!)} = ${patternString(value)}]`;
    case 'file-name':
      return `[file:name = ${patternString(value)}]`;
    case 'file-path': {
      const { directory, name } = splitPath(value);
      if (directory === null) return `[file:name = ${patternString(name)}]`;
      return `[file:name = ${patternString(name)} AND file:parent_directory_ref.path = ${patternString(directory)}]`;
    }
    case 'account':
      return `[user-account:account_login = ${patternString(value)}]`;
    case 'process':
      // A bare image name (w3wp.exe) or a whole command line.
      return /\s/.test(value) ? `[process:command_line = ${patternString(value)}]` : `[process:image_ref.name = ${patternString(value)}]`;
    case 'email':
      return `[email-addr:value = ${patternString(value)}]`;
    case 'user-agent':
      return `[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = ${patternString(value)}]`;
    case 'registry-key':
      return `[windows-registry-key:key = ${patternString(value)}]`;
    default:
      return null;
  }
}

/**
 * The cyber-observable objects of the observable (the first one is the observable itself; a file
 * with a path brings its directory), or none when STIX has no object for it (a user agent, a CVE).
 */
export function stixObservables(observable: ObservableInput): Sco[] {
  const value = normalisedValue(observable);
  if (value === '') return [];
  const simple = (type: string, property: string): Sco[] => [{ type, spec_version: '2.1', id: scoId(type, { [property]: value }), [property]: value }];
  switch (observable.type) {
    case 'ip': {
      const family = isIP(value.split('/')[0] ?? '');
      return family === 0 ? [] : simple(family === 4 ? 'ipv4-addr' : 'ipv6-addr', 'value');
    }
    case 'domain':
      return simple('domain-name', 'value');
    case 'url':
      return simple('url', 'value');
    case 'email':
      return simple('email-addr', 'value');
    case 'account':
      return simple('user-account', 'account_login');
    case 'registry-key':
      return simple('windows-registry-key', 'key');
    case 'hash-md5':
    case 'hash-sha1':
    case 'hash-sha256': {
      const hashes = { [HASH_KEYS[observable.type]!]: value };
      return [{ type: 'file', spec_version: '2.1', id: scoId('file', { hashes }), hashes }];
    }
    case 'file-name':
      return simple('file', 'name');
    case 'file-path': {
      const { directory, name } = splitPath(value);
      if (directory === null) return [{ type: 'file', spec_version: '2.1', id: scoId('file', { name }), name }];
      const dir: Sco = { type: 'directory', spec_version: '2.1', id: scoId('directory', { path: directory }), path: directory };
      const file: Sco = { type: 'file', spec_version: '2.1', id: scoId('file', { name, parent_directory_ref: dir.id }), name, parent_directory_ref: dir.id };
      return [file, dir];
    }
    case 'process':
      // A process has no id-contributing property (STIX would use a random UUIDv4); ours is derived from
      // the command line so the same export stays identical.
      return [{ type: 'process', spec_version: '2.1', id: stixId('process', value), command_line: value }];
    default:
      return [];
  }
}

/** A short human name for an indicator: "IPv4 203.0.113.7", "SHA-256 ab12…". */
export function observableLabel(observable: ObservableInput): string {
  const value = normalisedValue(observable);
  const kind: Readonly<Record<string, string>> = {
    ip: 'IP',
    domain: 'Domain',
    url: 'URL',
    'hash-md5': 'MD5',
    'hash-sha1': 'SHA-1',
    'hash-sha256': 'SHA-256',
    'file-path': 'File',
    'file-name': 'File',
    account: 'Account',
    process: 'Process',
    email: 'E-mail',
    cve: 'CVE',
    'user-agent': 'User-Agent',
    'registry-key': 'Registry key',
  };
  return `${kind[observable.type] ?? observable.type} ${value}`;
}
