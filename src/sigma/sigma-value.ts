import { SigmaError, unsupported } from './sigma-error.js';

/**
 * Compiles one Sigma field entry (`Field|mod1|mod2: value or list`) into a predicate over an
 * event field, following the Sigma specification's modifier appendix (v2.1.0). Matching is
 * case-insensitive except for `re` and `cased`, as the specification says.
 */

/** What an event says about one field. `present` is false when the field is missing. */
export interface FieldLookup {
  readonly present: boolean;
  readonly value: unknown;
}

export const ABSENT: FieldLookup = { present: false, value: undefined };

export type FieldTest = (lookup: FieldLookup) => boolean;
export type KeywordTest = (strings: readonly string[]) => boolean;

const SUPPORTED_MODIFIERS = [
  'contains',
  'startswith',
  'endswith',
  'all',
  're',
  'i',
  'm',
  's',
  'cidr',
  'windash',
  'base64',
  'base64offset',
  'utf16le',
  'utf16be',
  'utf16',
  'wide',
  'cased',
  'exists',
  'lt',
  'lte',
  'gt',
  'gte',
] as const;
type Modifier = (typeof SUPPORTED_MODIFIERS)[number];

/** Defined by the specification but refused here, each with the reason shown to the user. */
const REFUSED_MODIFIERS: Readonly<Record<string, string>> = {
  expand: 'needs placeholder values from a processing pipeline, which this evaluator does not have',
  fieldref: 'compares two fields of one event, which this evaluator does not implement',
  neq: 'is not implemented by this evaluator',
  minute: '(time modifiers) is not implemented by this evaluator',
  hour: '(time modifiers) is not implemented by this evaluator',
  day: '(time modifiers) is not implemented by this evaluator',
  week: '(time modifiers) is not implemented by this evaluator',
  month: '(time modifiers) is not implemented by this evaluator',
  year: '(time modifiers) is not implemented by this evaluator',
};

type Operator = 'equals' | 'contains' | 'startswith' | 'endswith' | 're' | 'cidr' | 'exists' | 'lt' | 'lte' | 'gt' | 'gte';
type Encoding = 'utf8' | 'utf16le' | 'utf16be' | 'utf16';

interface ModifierPlan {
  operator: Operator;
  all: boolean;
  cased: boolean;
  windash: boolean;
  encoding: Encoding;
  base64: 'none' | 'base64' | 'base64offset';
  regexFlags: string;
}

function invalid(message: string): SigmaError {
  return new SigmaError('SIGMA_INVALID_MODIFIER', message);
}

/** Splits `Field|mod1|mod2` into the field name (empty for keywords) and a checked modifier plan. */
export function parseFieldKey(key: string): { field: string; plan: ModifierPlan; modifiers: readonly string[] } {
  const [field = '', ...modifiers] = key.split('|');
  const plan: ModifierPlan = { operator: 'equals', all: false, cased: false, windash: false, encoding: 'utf8', base64: 'none', regexFlags: '' };
  const setOperator = (op: Operator): void => {
    if (plan.operator !== 'equals') throw invalid(`"${key}": modifiers ${plan.operator} and ${op} cannot be combined`);
    plan.operator = op;
  };
  for (const name of modifiers) {
    if (name in REFUSED_MODIFIERS) throw unsupported(`modifier ${name}`, REFUSED_MODIFIERS[name]);
    if (!(SUPPORTED_MODIFIERS as readonly string[]).includes(name)) {
      throw new SigmaError('SIGMA_UNKNOWN_MODIFIER', `"${key}": the Sigma specification defines no modifier "${name}"`);
    }
    const modifier = name as Modifier;
    switch (modifier) {
      case 'contains':
      case 'startswith':
      case 'endswith':
      case 're':
      case 'cidr':
      case 'exists':
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte':
        setOperator(modifier);
        break;
      case 'i':
      case 'm':
      case 's':
        if (plan.operator !== 're') throw invalid(`"${key}": ${modifier} is a sub-modifier of re and must follow it`);
        plan.regexFlags += modifier;
        break;
      case 'all':
        plan.all = true;
        break;
      case 'cased':
        plan.cased = true;
        break;
      case 'windash':
        plan.windash = true;
        break;
      case 'utf16le':
      case 'wide':
        plan.encoding = 'utf16le';
        break;
      case 'utf16be':
        plan.encoding = 'utf16be';
        break;
      case 'utf16':
        plan.encoding = 'utf16';
        break;
      case 'base64':
      case 'base64offset':
        if (plan.base64 !== 'none') throw invalid(`"${key}": base64 and base64offset cannot be combined`);
        plan.base64 = modifier;
        break;
      default: {
        const exhaustive: never = modifier;
        throw invalid(`unhandled modifier ${String(exhaustive)}`);
      }
    }
  }
  const stringOperator = ['equals', 'contains', 'startswith', 'endswith'].includes(plan.operator);
  if (plan.encoding !== 'utf8' && plan.base64 === 'none') throw invalid(`"${key}": ${plan.encoding} is only used before base64 or base64offset`);
  if (plan.base64 !== 'none' && !stringOperator) throw invalid(`"${key}": ${plan.base64} cannot be combined with ${plan.operator}`);
  if (plan.windash && !stringOperator) throw invalid(`"${key}": windash cannot be combined with ${plan.operator}`);
  if (plan.windash && plan.base64 !== 'none') throw invalid(`"${key}": windash cannot be combined with ${plan.base64}`);
  if (plan.cased && !stringOperator) throw invalid(`"${key}": cased cannot be combined with ${plan.operator}`);
  return { field, plan, modifiers };
}

// ---------------------------------------------------------------------------------------------
// String patterns: wildcards, escapes, windash
// ---------------------------------------------------------------------------------------------

type PatternPart = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'any' } | { readonly kind: 'one' } | { readonly kind: 'dash' };

// pySigma's windash rule: a `-` or `/` that starts a word (a command-line flag).
const WINDASH_POSITION = /\B[-/]\b/g;
const WINDASH_CLASS = '[-/\\u2013\\u2014\\u2015]';

/**
 * Parses a Sigma string: `*` and `?` are wildcards; a backslash escapes `*`, `?` and itself;
 * a backslash before any other character is a plain backslash (specification, "Escaping").
 */
export function parseSigmaString(value: string, windash = false): PatternPart[] {
  const dashes = new Set<number>();
  if (windash) for (const match of value.matchAll(WINDASH_POSITION)) dashes.add(match.index);
  const parts: PatternPart[] = [];
  let text = '';
  const flush = (): void => {
    if (text) parts.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\') {
      const next = value[i + 1];
      if (next === '*' || next === '?' || next === '\\') {
        text += next;
        i++;
      } else text += '\\';
    } else if (c === '*' || c === '?') {
      flush();
      parts.push({ kind: c === '*' ? 'any' : 'one' });
    } else if (dashes.has(i)) {
      flush();
      parts.push({ kind: 'dash' });
    } else text += c;
  }
  flush();
  return parts;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function patternSource(parts: readonly PatternPart[]): string {
  return parts
    .map((part) => {
      switch (part.kind) {
        case 'text':
          return escapeRegExp(part.text);
        case 'any':
          return '[\\s\\S]*';
        case 'one':
          return '[\\s\\S]';
        case 'dash':
          return WINDASH_CLASS;
        default: {
          const exhaustive: never = part;
          return String(exhaustive);
        }
      }
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------
// Encodings (base64, base64offset, utf16)
// ---------------------------------------------------------------------------------------------

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Plain base64 of bytes; written here to keep the domain module free of Node's Buffer. */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += BASE64_ALPHABET[a >> 2];
    out += BASE64_ALPHABET[((a & 3) << 4) | ((b ?? 0) >> 4)];
    out += b === undefined ? '=' : BASE64_ALPHABET[((b & 15) << 2) | ((c ?? 0) >> 6)];
    out += c === undefined ? '=' : BASE64_ALPHABET[c & 63];
  }
  return out;
}

export function encodeText(text: string, encoding: Encoding): Uint8Array {
  if (encoding === 'utf8') return new TextEncoder().encode(text);
  const bytes: number[] = encoding === 'utf16' ? [0xff, 0xfe] : [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (encoding === 'utf16be') bytes.push(unit >> 8, unit & 0xff);
    else bytes.push(unit & 0xff, unit >> 8);
  }
  return Uint8Array.from(bytes);
}

/**
 * The three base64 forms of a value that sits at byte offset 0, 1 or 2 of a longer encoded text,
 * each cut to the characters that do not depend on the neighbouring bytes (pySigma's algorithm).
 */
export function base64OffsetVariants(bytes: Uint8Array): string[] {
  const startCut = [0, 2, 3];
  const endCut = [0, 3, 2];
  const variants: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const shifted = new Uint8Array(shift + bytes.length);
    shifted.fill(0x20, 0, shift);
    shifted.set(bytes, shift);
    const encoded = base64Encode(shifted);
    const cut = endCut[(bytes.length + shift) % 3]!;
    const variant = encoded.slice(startCut[shift]!, encoded.length - cut);
    // A one-byte value leaves an empty variant, which would match every text: it is dropped.
    if (variant !== '') variants.push(variant);
  }
  return variants;
}

// ---------------------------------------------------------------------------------------------
// IP networks (cidr)
// ---------------------------------------------------------------------------------------------

interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4) return undefined;
  let value = 0n;
  for (const octet of octets) {
    if (!/^\d{1,3}$/.test(octet) || Number(octet) > 255) return undefined;
    value = (value << 8n) | BigInt(Number(octet));
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  const zoneless = text.split('%')[0]!;
  const halves = zoneless.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string): string[] => (part === '' ? [] : part.split(':'));
  let head = groupsOf(halves[0]!);
  let tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  // An embedded IPv4 tail (::ffff:10.0.0.1) counts as two groups.
  const expandV4 = (groups: string[]): string[] | undefined => {
    const last = groups[groups.length - 1];
    if (last === undefined || !last.includes('.')) return groups;
    const v4 = parseIpv4(last);
    if (v4 === undefined) return undefined;
    return [...groups.slice(0, -1), (v4 >> 16n).toString(16), (v4 & 0xffffn).toString(16)];
  };
  if (halves.length === 2) {
    const t = expandV4(tail);
    if (!t) return undefined;
    tail = t;
  } else {
    const h = expandV4(head);
    if (!h) return undefined;
    head = h;
  }
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return value;
}

export function parseIp(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const v6 = parseIpv6(trimmed.replace(/^\[|\]$/g, ''));
    return v6 === undefined ? undefined : { family: 6, value: v6 };
  }
  const v4 = parseIpv4(trimmed);
  return v4 === undefined ? undefined : { family: 4, value: v4 };
}

function compileCidr(text: string, key: string): (ip: IpAddress) => boolean {
  const [address = '', prefixText, ...rest] = text.split('/');
  const ip = parseIp(address);
  const bits = ip?.family === 6 ? 128 : 32;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (!ip || rest.length > 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > bits || (prefixText !== undefined && !/^\d+$/.test(prefixText))) {
    throw invalid(`"${key}": "${text}" is not an IP network in CIDR notation`);
  }
  const shift = BigInt(bits - prefix);
  const network = ip.value >> shift;
  return (candidate) => candidate.family === ip.family && candidate.value >> shift === network;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

type ScalarTest = (value: unknown) => boolean;

/** Event values are compared as strings; a list (e.g. ECS `event.category`) matches when one item does. */
function eventStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return [String(value)];
  if (Array.isArray(value)) return value.flatMap((item) => (Array.isArray(item) ? [] : eventStrings(item)));
  return [];
}

function eventNumbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return [Number(value)];
  if (Array.isArray(value)) return value.flatMap((item) => (Array.isArray(item) ? [] : eventNumbers(item)));
  return [];
}

const INLINE_FLAGS = /^\(\?([ims]+)\)/;

function compileRegex(source: string, flags: string, key: string): RegExp {
  let body = source;
  let allFlags = flags;
  // PCRE rules often start with an inline flag group, which JavaScript only has as a flag.
  const inline = INLINE_FLAGS.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    allFlags += inline[1];
  }
  try {
    return new RegExp(body, [...new Set(allFlags)].join(''));
  } catch (error) {
    throw new SigmaError('SIGMA_INVALID_REGEX', `"${key}": ${source} is not a regular expression this evaluator understands (${(error as Error).message})`);
  }
}

function stringPatterns(item: string | number | boolean, plan: ModifierPlan, key: string): RegExp[] {
  const text = String(item);
  let bodies: string[];
  if (plan.base64 !== 'none') {
    const parts = parseSigmaString(text);
    if (parts.some((part) => part.kind !== 'text')) throw invalid(`"${key}": ${plan.base64} cannot encode a value with wildcards ("${text}")`);
    const plain = parts.map((part) => (part.kind === 'text' ? part.text : '')).join('');
    const bytes = encodeText(plain, plan.encoding);
    const encoded = plan.base64 === 'base64' ? [base64Encode(bytes)] : base64OffsetVariants(bytes);
    bodies = encoded.map(escapeRegExp);
  } else {
    bodies = [patternSource(parseSigmaString(text, plan.windash))];
  }
  const flags = plan.cased ? '' : 'i';
  return bodies.map((body) => {
    switch (plan.operator) {
      case 'contains':
        return new RegExp(`^[\\s\\S]*${body}[\\s\\S]*$`, flags);
      case 'startswith':
        return new RegExp(`^${body}[\\s\\S]*$`, flags);
      case 'endswith':
        return new RegExp(`^[\\s\\S]*${body}$`, flags);
      default:
        return new RegExp(`^${body}$`, flags);
    }
  });
}

type ValueItem = string | number | boolean | null;

function checkItems(raw: unknown, key: string): ValueItem[] {
  const items = Array.isArray(raw) ? raw : [raw];
  if (items.length === 0) throw new SigmaError('SIGMA_INVALID_DETECTION', `"${key}": an empty list of values matches nothing`);
  for (const item of items) {
    if (item !== null && !['string', 'number', 'boolean'].includes(typeof item)) {
      throw new SigmaError('SIGMA_INVALID_DETECTION', `"${key}": values must be strings, numbers, booleans or null`);
    }
  }
  return items as ValueItem[];
}

/** One value of a field entry, as a test on the event's value (the field is present). */
function compileItem(item: ValueItem, plan: ModifierPlan, key: string): ScalarTest {
  switch (plan.operator) {
    case 'equals':
    case 'contains':
    case 'startswith':
    case 'endswith': {
      if (item === null) {
        if (plan.operator !== 'equals' || plan.base64 !== 'none' || plan.windash) throw invalid(`"${key}": null cannot be combined with modifiers`);
        return (value) => value === null;
      }
      const patterns = stringPatterns(item, plan, key);
      return (value) => eventStrings(value).some((text) => patterns.some((pattern) => pattern.test(text)));
    }
    case 're': {
      if (typeof item !== 'string') throw invalid(`"${key}": re needs a string value`);
      const regex = compileRegex(item, plan.regexFlags, key);
      return (value) => eventStrings(value).some((text) => regex.test(text));
    }
    case 'cidr': {
      if (typeof item !== 'string') throw invalid(`"${key}": cidr needs a network such as 10.0.0.0/8`);
      const inNetwork = compileCidr(item, key);
      return (value) =>
        eventStrings(value).some((text) => {
          const ip = parseIp(text);
          return ip !== undefined && inNetwork(ip);
        });
    }
    case 'lt':
    case 'lte':
    case 'gt':
    case 'gte': {
      if (typeof item !== 'number') throw invalid(`"${key}": ${plan.operator} needs a number`);
      const op = plan.operator;
      const compare = (n: number): boolean => (op === 'lt' ? n < item : op === 'lte' ? n <= item : op === 'gt' ? n > item : n >= item);
      return (value) => eventNumbers(value).some(compare);
    }
    case 'exists':
      throw invalid(`"${key}": exists is checked on the field, not a value`);
    default: {
      const exhaustive: never = plan.operator;
      throw invalid(`unhandled operator ${String(exhaustive)}`);
    }
  }
}

/** A field entry of a detection map: `Field|mods: value or list of values`. */
export function compileFieldEntry(key: string, raw: unknown): { field: string; test: FieldTest } {
  const { field, plan } = parseFieldKey(key);
  if (field === '') throw new SigmaError('SIGMA_INVALID_DETECTION', `"${key}": a field entry needs a field name`);
  if (plan.operator === 'exists') {
    if (typeof raw !== 'boolean' || plan.all) throw invalid(`"${key}": exists takes true or false`);
    return { field, test: (lookup) => lookup.present === raw };
  }
  const items = checkItems(raw, key);
  const tests = items.map((item) => compileItem(item, plan, key));
  const test: FieldTest = (lookup) => {
    // A missing field only matches `null`; it is never compared with other values.
    const one = (t: ScalarTest, item: ValueItem): boolean => (lookup.present ? t(lookup.value) : item === null);
    return plan.all ? tests.every((t, i) => one(t, items[i]!)) : tests.some((t, i) => one(t, items[i]!));
  };
  return { field, test };
}

/**
 * Keywords: values searched in every string of the event. A plain keyword matches anywhere in a
 * string (as `contains`), the way full-text search backends treat Sigma keywords.
 */
export function compileKeywords(key: string, raw: unknown): KeywordTest {
  const { field, plan } = parseFieldKey(key);
  if (field !== '') throw new SigmaError('SIGMA_INVALID_DETECTION', `"${key}": keywords have no field name`);
  if (!['equals', 'contains', 'startswith', 'endswith', 're'].includes(plan.operator)) throw invalid(`"${key}": ${plan.operator} cannot apply to keywords`);
  const keywordPlan: ModifierPlan = plan.operator === 'equals' ? { ...plan, operator: 'contains' } : plan;
  const items = checkItems(raw, key);
  if (items.some((item) => item === null)) throw new SigmaError('SIGMA_INVALID_DETECTION', `"${key}": a keyword cannot be null`);
  const tests = items.map((item) => compileItem(item, keywordPlan, key));
  return (strings) => {
    const found = (t: ScalarTest): boolean => strings.some((s) => t(s));
    return plan.all ? tests.every(found) : tests.some(found);
  };
}
