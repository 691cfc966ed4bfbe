import { createHash } from 'node:crypto';

/** Deterministic identifiers and canonical forms for the STIX exports (no framework, no I/O). */

/** The namespace STIX 2.1 (§2.9) fixes for the UUIDv5 ids of cyber-observable objects. */
export const STIX_SCO_NAMESPACE = '00abedb4-aa42-466c-9c01-fed23315a9b7';
/** SOC Drill's own namespace for the ids of the objects it creates (a fixed random UUID). */
export const SOC_DRILL_NAMESPACE = '5d0c3e1a-8f4b-4c2e-9a61-2b7f0d9e4c35';

/** RFC 4122 version-5 UUID (SHA-1 of the namespace bytes and the name). */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * JSON with object keys sorted at every level (RFC 8785 for what we hash: strings, objects,
 * arrays); JSON.stringify escapes strings as that RFC asks.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** An SDO/SRO id from stable inputs: the same inputs always give the same id. */
export function stixId(type: string, ...parts: readonly string[]): string {
  return `${type}--${uuidV5(SOC_DRILL_NAMESPACE, [type, ...parts].join('\u001f'))}`;
}

/** An SCO id as STIX 2.1 defines it: UUIDv5 of the canonical JSON of its id-contributing properties. */
export function scoId(type: string, contributing: Readonly<Record<string, unknown>>): string {
  return `${type}--${uuidV5(STIX_SCO_NAMESPACE, canonicalJson(contributing))}`;
}

/** STIX timestamps: UTC with millisecond precision. */
export function stixTime(ms: number): string {
  return new Date(ms).toISOString();
}
