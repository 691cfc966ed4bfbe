import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { ASSET_KINDS, SourceSchema } from '../contracts/scenario.schema.js';
import { IdSchema } from '../contracts/common.schema.js';

const Ipv4CidrSchema = z.string().regex(/^(?:\d{1,3}\.){3}\d{1,3}\/(?:1[6-9]|2\d|30)$/, 'an IPv4 block from /16 to /30, e.g. 10.20.0.0/16');

/** The author's `--map` file: named assets, explicit renames, what to keep, the data's sources. */
export const ImportMappingSchema = z
  .object({
    internalRange: Ipv4CidrSchema.optional().meta({ description: 'Where private addresses are renamed to (default 10.20.0.0/16).' }),
    assets: z
      .array(
        z
          .object({
            address: z.string().refine((a) => isIPv4(a) || isIPv6(a), 'an IP address'),
            asset: IdSchema,
            newAddress: z
              .string()
              .refine((a) => isIPv4(a) || isIPv6(a), 'an IP address')
              .optional(),
            name: z.string().min(1).max(200).optional(),
            kind: z.enum(ASSET_KINDS).optional(),
            hostname: z.string().max(253).optional(),
          })
          .strict(),
      )
      .max(1_000)
      .default([]),
    addresses: z.record(z.string(), z.string()).default({}).meta({ description: 'Address → new address, or "keep".' }),
    domains: z.record(z.string(), z.string()).default({}).meta({ description: 'Domain → new domain, or "keep".' }),
    names: z
      .record(z.string().min(2), z.string())
      .default({})
      .meta({ description: 'Any other literal (host name, account) → replacement, exact and case-sensitive.' }),
    target: IdSchema.optional().meta({ description: 'The asset id of the target system (default: the asset with the most alerts).' }),
    sources: z.array(SourceSchema).max(40).default([]).meta({ description: 'Where the data comes from, with its licence: copied into the draft.' }),
  })
  .strict();
export type ImportMapping = z.output<typeof ImportMappingSchema>;

/** One renamed value, for the report. */
export interface Remapped {
  readonly kind: 'private-address' | 'public-address' | 'domain' | 'name';
  readonly from: string;
  readonly to: string;
  /** The asset a private address became (or was mapped to). */
  readonly asset?: string;
  /** Records whose text contained it. */
  readonly records: number;
}

const DOC_V4 = ['192.0.2.0', '198.51.100.0', '203.0.113.0'];
/** Kept as they are: they name nothing real. */
const KEEP_DOMAINS = /(^|\.)(example|test|invalid|localhost)$|(^|\.)example\.(com|net|org)$/i;
/**
 * Top-level domains recognised in free text. File extensions that are also country codes
 * (.sh, .py, .pl, .rs, .md, .so, .ps, .cc, .js?) are left out: `cmd.sh` is a file far more often.
 */
const TLDS = [
  'com',
  'net',
  'org',
  'edu',
  'gov',
  'mil',
  'int',
  'info',
  'biz',
  'io',
  'co',
  'us',
  'uk',
  'de',
  'fr',
  'ru',
  'cn',
  'jp',
  'kr',
  'vn',
  'in',
  'br',
  'au',
  'ca',
  'nl',
  'eu',
  'me',
  'tv',
  'xyz',
  'top',
  'online',
  'site',
  'club',
  'app',
  'dev',
  'cloud',
  'local',
  'lan',
  'corp',
  'internal',
  'home',
  'intranet',
];
// A value may follow a URL-encoded character (%2F192.0.2.1, %2fwww.example.com): that counts as a boundary.
const DOMAIN_PATTERN = new RegExp(
  `(?<=^|[^\\w.-]|%[0-9a-f]{2})(?<!%|%[0-9a-f])((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS.join('|')}))(?![\\w-]|\\.[a-z0-9])`,
  'gi',
);
const IPV4_PATTERN = /(?<=^|[^\w.]|%[0-9a-f]{2})(?<!%|%[0-9a-f])(\d{1,3}(?:\.\d{1,3}){3})(?![\w]|\.\d)/gi;
/** Loose candidates; node:net decides (timestamps such as 08:54:06 are not addresses). */
const IPV6_PATTERN = /(?<![\w:.])((?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4})(?![\w:])/gi;
const COMMON_LABELS = new Set(
  'www mail smtp imap pop webmail owa autodiscover api cdn static img images ns ns1 ns2 dns vpn portal m mx ftp remote login sso admin update updates download intranet dc dc01 ad ldap proxy gw gateway secure shop blog news app apps dev test'.split(
    ' ',
  ),
);
/** Second levels under a country code that are not the registrant's name (portal.gov.vn → gov.vn). */
const SECOND_LEVELS = new Set(['com', 'gov', 'edu', 'org', 'net', 'ac', 'co', 'or', 'ne', 'go', 'mil', 'int', 'health', 'info']);

function v4Number(address: string): number {
  return address.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}
function v4Text(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
function inV4(address: string, base: string, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(v4Number(address) / size) === Math.floor(v4Number(base) / size);
}
export function isPrivateV4(address: string): boolean {
  return inV4(address, '10.0.0.0', 8) || inV4(address, '172.16.0.0', 12) || inV4(address, '192.168.0.0', 16) || inV4(address, '100.64.0.0', 10);
}
/** Addresses that identify nobody: loopback, link-local, multicast, broadcast, this-network, documentation. */
function neutralV4(address: string): boolean {
  return (
    inV4(address, '127.0.0.0', 8) ||
    inV4(address, '0.0.0.0', 8) ||
    inV4(address, '169.254.0.0', 16) ||
    v4Number(address) >= v4Number('224.0.0.0') ||
    DOC_V4.some((base) => inV4(address, base, 24)) ||
    inV4(address, '198.18.0.0', 15)
  );
}

/** The registrant's part of a host name: portal.gov.vn, mail.evil.com → evil.com. */
function registeredDomain(host: string): string {
  const labels = host.toLowerCase().split('.');
  if (labels.length <= 2) return labels.join('.');
  const tld = labels[labels.length - 1]!;
  const second = labels[labels.length - 2]!;
  const take = tld.length === 2 && SECOND_LEVELS.has(second) ? 3 : 2;
  return labels.slice(-take).join('.');
}

/**
 * Renames addresses and names in every string of every record, the same way everywhere: private
 * IPv4 addresses to the internal range (each becomes an asset), public ones to the RFC 5737
 * documentation ranges (then 198.18.0.0/15), IPv6 to 2001:db8::/32 and fd00:5ec::/64, domains to
 * `.example`. Values are allocated in the order first seen, so the same input maps the same way.
 */
export class Anonymiser {
  private readonly addressMap = new Map<string, string>();
  private readonly domainMap = new Map<string, string>();
  private readonly subdomains = new Map<string, string>();
  private readonly authorDomains = new Map<string, string>();
  private readonly entries = new Map<string, { kind: Remapped['kind']; from: string; to: string; asset?: string; records: number; lastRecord: number }>();
  private readonly assetOf = new Map<string, string>();
  private readonly assetOfNew = new Map<string, string>();
  private readonly reserved = new Set<string>();
  private readonly names: ReadonlyArray<readonly [string, string]>;
  private readonly namePattern: RegExp | null;
  private nextInternal: number;
  private readonly internalEnd: number;
  private nextPublic = 0;
  private nextV6 = 1;
  private nextPrivateV6 = 1;
  private nextSite = 1;
  private nextHost = 1;
  private record = 0;

  constructor(private readonly mapping: ImportMapping) {
    const [base, prefix] = (mapping.internalRange ?? '10.20.0.0/16').split('/') as [string, string];
    const size = 2 ** (32 - Number(prefix));
    const start = Math.floor(v4Number(base) / size) * size;
    this.nextInternal = start + 10;
    this.internalEnd = start + size - 1;
    for (const asset of mapping.assets) {
      this.assetOf.set(asset.address, asset.asset);
      this.assetOfNew.set(asset.newAddress ?? asset.address, asset.asset);
      if (asset.newAddress !== undefined) {
        this.addressMap.set(asset.address, asset.newAddress);
        this.reserved.add(asset.newAddress);
      }
    }
    for (const [from, to] of Object.entries(mapping.addresses)) {
      this.addressMap.set(from, to === 'keep' ? from : to);
      this.reserved.add(to);
    }
    for (const [from, to] of Object.entries(mapping.domains)) {
      this.domainMap.set(from.toLowerCase(), to === 'keep' ? from.toLowerCase() : to.toLowerCase());
      this.authorDomains.set(from.toLowerCase(), to === 'keep' ? from.toLowerCase() : to.toLowerCase());
    }
    this.names = Object.entries(mapping.names).sort((a, b) => b[0].length - a[0].length || (a[0] < b[0] ? -1 : 1));
    this.namePattern = this.names.length > 0 ? new RegExp(this.names.map(([from]) => from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g') : null;
  }

  /** Starts a new record: the report counts, per value, the records it was seen in. */
  nextRecord(): void {
    this.record++;
  }

  /** A copy of the value with every string rewritten (keys too, which Zeek and ECS rarely use for addresses). */
  value(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[this.text(key)] = this.value(item);
      return out;
    }
    return value;
  }

  text(text: string): string {
    let result = text;
    if (this.namePattern !== null)
      result = result.replace(this.namePattern, (found) => this.note('name', found, this.names.find(([from]) => from === found)![1]));
    if (/\d\.\d/.test(result)) result = result.replace(IPV4_PATTERN, (found: string) => (isIPv4(found) ? this.address(found) : found));
    if (result.includes(':'))
      result = result.replace(IPV6_PATTERN, (found: string) => (found.length > 2 && /\d/.test(found) && isIPv6(found) ? this.address(found) : found));
    if (result.includes('.')) result = result.replace(DOMAIN_PATTERN, (found: string) => this.domain(found));
    return result;
  }

  /** The new form of one address (the same every time it is asked). */
  address(address: string): string {
    const known = this.addressMap.get(address);
    if (known !== undefined) {
      const asset = this.assetOf.get(address);
      if (known !== address || asset !== undefined)
        this.note(isIPv4(address) && isPrivateV4(address) ? 'private-address' : 'public-address', address, known, asset);
      return known;
    }
    let to: string;
    let kind: Remapped['kind'];
    if (isIPv4(address)) {
      if (neutralV4(address)) return address;
      kind = isPrivateV4(address) ? 'private-address' : 'public-address';
      to = kind === 'private-address' ? this.allocateInternal() : this.allocatePublic();
    } else {
      const lower = address.toLowerCase();
      if (lower === '::' || lower === '::1' || lower.startsWith('fe80:') || lower.startsWith('ff') || lower.startsWith('2001:db8:')) return address;
      kind = /^f[cd]/.test(lower) ? 'private-address' : 'public-address';
      to = kind === 'private-address' ? `fd00:5ec::${(this.nextPrivateV6++).toString(16)}` : `2001:db8::${(this.nextV6++).toString(16)}`;
    }
    this.addressMap.set(address, to);
    let asset: string | undefined;
    if (kind === 'private-address' || this.assetOf.has(address)) {
      asset = this.assetOf.get(address) ?? `host-${this.nextHost++}`;
      this.assetOf.set(address, asset);
      this.assetOfNew.set(to, asset);
    }
    this.note(kind, address, to, asset);
    return to;
  }

  /** The asset a (original) private address belongs to, once it has been seen. */
  assetFor(originalAddress: string): string | undefined {
    return this.assetOf.get(originalAddress);
  }

  /** The asset a renamed address belongs to. */
  assetForMapped(mappedAddress: string): string | undefined {
    return this.assetOfNew.get(mappedAddress);
  }

  /** Every renamed value, in the order first seen. */
  report(): Remapped[] {
    return [...this.entries.values()].map(({ lastRecord: _last, ...entry }) => entry);
  }

  private domain(host: string): string {
    const lower = host.toLowerCase();
    const whole = this.domainMap.get(lower);
    if (whole !== undefined) return whole === lower ? host : this.note('domain', lower, whole);
    if (KEEP_DOMAINS.test(lower)) return host;
    // The author's entries name a domain and everything under it (gov.vn: keep keeps portal.gov.vn).
    for (let dot = lower.indexOf('.'); dot >= 0; dot = lower.indexOf('.', dot + 1)) {
      const parent = lower.slice(dot + 1);
      const chosen = this.authorDomains.get(parent);
      if (chosen === undefined) continue;
      if (chosen === parent) return host;
      return this.note('domain', lower, `${this.subdomain(lower.slice(0, dot))}.${chosen}`);
    }
    const registered = registeredDomain(lower);
    let replacement = this.domainMap.get(registered);
    if (replacement === undefined) {
      replacement = `site-${this.nextSite++}.example`;
      this.domainMap.set(registered, replacement);
    }
    if (replacement === registered) return host;
    const sub = lower.slice(0, Math.max(0, lower.length - registered.length - 1));
    return this.note('domain', lower, sub === '' ? replacement : `${this.subdomain(sub)}.${replacement}`);
  }

  /** Labels below the registered domain: functional ones (www, mail) stay, anything else may name someone. */
  private subdomain(sub: string): string {
    if (sub.split('.').every((label) => COMMON_LABELS.has(label))) return sub;
    let mapped = this.subdomains.get(sub);
    if (mapped === undefined) {
      mapped = `host-${this.subdomains.size + 1}`;
      this.subdomains.set(sub, mapped);
    }
    return mapped;
  }

  private allocateInternal(): string {
    while (this.nextInternal <= this.internalEnd) {
      const candidate = v4Text(this.nextInternal++);
      if (!this.reserved.has(candidate) && !candidate.endsWith('.0') && !candidate.endsWith('.255')) return candidate;
    }
    // The range is used up: the documentation range 198.18.0.0/15 still names nobody.
    return this.allocatePublic();
  }

  private allocatePublic(): string {
    for (;;) {
      const n = this.nextPublic++;
      // 3 × 254 documentation addresses, then the benchmarking block 198.18.0.0/15.
      const candidate = n < 762 ? `${DOC_V4[Math.floor(n / 254)]!.slice(0, -1)}${(n % 254) + 1}` : v4Text(v4Number('198.18.0.1') + (n - 762));
      if (!this.reserved.has(candidate)) return candidate;
    }
  }

  private note(kind: Remapped['kind'], from: string, to: string, asset?: string): string {
    const key = `${kind}\u0000${from}`;
    const entry = this.entries.get(key);
    if (entry === undefined) this.entries.set(key, { kind, from, to, ...(asset === undefined ? {} : { asset }), records: 1, lastRecord: this.record });
    else if (entry.lastRecord !== this.record) {
      entry.records++;
      entry.lastRecord = this.record;
    }
    return to;
  }
}
