import { parse, type ExpressionToken, type ParserAst, type TagToken } from 'liqe';
import { TEXT_FIELD, tokenize, type Bitset, type CorpusIndex } from './corpus-index.js';

/**
 * The search language: Lucene/KQL-style queries parsed by liqe (field:value, "phrases", wildcards
 * * and ?, ranges [a TO b] and :>=, /regex/, AND/OR/NOT, -term, parentheses, free text). One pre-pass
 * quotes the values analysts type bare that liqe's grammar cannot read (IP addresses, paths,
 * URLs), so `source.ip:10.0.0.5` and `url.path:/wp-admin/*` work as they do in Kibana.
 */

export class LogQueryError extends Error {
  constructor(
    message: string,
    /** Offset in the query (0-based) where it went wrong. */
    readonly position: number,
  ) {
    super(message);
  }
}

export interface ParsedLogQuery {
  readonly text: string;
  readonly ast: ParserAst;
  /** Start offsets (in the rewritten text) of values the pre-pass quoted: they keep wildcards. */
  readonly autoQuoted: ReadonlySet<number>;
  /** Field names the query names. */
  readonly fields: readonly string[];
}

export const MAX_QUERY_LENGTH = 2_000;
const MAX_TAGS = 64;

const FIELD_PREFIX = /^-?([A-Za-z_@][A-Za-z0-9_.@]*)(:[<>]?=?)/;
const NEEDS_QUOTES = /[/\\:]|^\d+\.\d+\.[\d.*?]*$/;
const REGEX_VALUE = /^\/.+\/[a-z]*$/;

/** Quotes bare values liqe cannot read; returns the new text and where the inserted characters are. */
function quoteBareValues(query: string): { text: string; inserted: number[]; autoQuoted: Set<number> } {
  let out = '';
  const inserted: number[] = [];
  const autoQuoted = new Set<number>();
  let i = 0;
  while (i < query.length) {
    const ch = query[i]!;
    if (ch === '"' || ch === "'") {
      // Copy a quoted string as written.
      let j = i + 1;
      while (j < query.length && query[j] !== ch) j += query[j] === '\\' ? 2 : 1;
      out += query.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/[\s()]/.test(ch)) {
      out += ch;
      i += 1;
      continue;
    }
    let j = i;
    while (j < query.length && !/[\s()"']/.test(query[j]!)) j += 1;
    const word = query.slice(i, j);
    const prefix = FIELD_PREFIX.exec(word);
    const head = prefix ? prefix[0] : word.startsWith('-') ? '-' : '';
    const value = word.slice(head.length);
    const rangeOrGroup = value.startsWith('[') || value.startsWith('{');
    if (value !== '' && !rangeOrGroup && !REGEX_VALUE.test(value) && NEEDS_QUOTES.test(value) && !/^(AND|OR|NOT)$/.test(value)) {
      out += head;
      autoQuoted.add(out.length);
      inserted.push(out.length);
      out += `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      // Every backslash doubled and the closing quote are insertions too.
      for (let k = 0; k < (value.match(/\\/g)?.length ?? 0); k += 1) inserted.push(out.length - 1);
      inserted.push(out.length - 1);
    } else out += word;
    i = j;
  }
  return { text: out, inserted, autoQuoted };
}

function originalOffset(offset: number, inserted: readonly number[]): number {
  let shift = 0;
  for (const at of inserted) if (at < offset) shift += 1;
  return Math.max(0, offset - shift);
}

function collectFields(ast: ParserAst, out: Set<string>, count: { tags: number }): void {
  switch (ast.type) {
    case 'Tag':
      count.tags += 1;
      if (ast.field.type === 'Field') out.add(ast.field.name);
      return;
    case 'LogicalExpression':
      collectFields(ast.left, out, count);
      collectFields(ast.right, out, count);
      return;
    case 'ParenthesizedExpression':
      collectFields(ast.expression, out, count);
      return;
    case 'UnaryOperator':
      collectFields(ast.operand, out, count);
      return;
    case 'EmptyExpression':
      return;
    default: {
      const _never: never = ast;
      return _never;
    }
  }
}

const parsedCache = new Map<string, ParsedLogQuery>();
const PARSED_CACHE_SIZE = 256;

/** Parses a query (the same text again is answered from a small cache: teams of a drill often ask alike). */
export function parseLogQuery(query: string): ParsedLogQuery {
  const cached = parsedCache.get(query);
  if (cached !== undefined) return cached;
  const parsed = parseUncached(query);
  if (parsedCache.size >= PARSED_CACHE_SIZE) parsedCache.delete(parsedCache.keys().next().value!);
  parsedCache.set(query, parsed);
  return parsed;
}

function parseUncached(query: string): ParsedLogQuery {
  if (query.length > MAX_QUERY_LENGTH) throw new LogQueryError(`the query is longer than ${MAX_QUERY_LENGTH} characters`, MAX_QUERY_LENGTH);
  const trimmed = query.trim();
  if (trimmed === '' || trimmed === '*')
    return { text: '', ast: { type: 'EmptyExpression', location: { start: 0, end: 0 } }, autoQuoted: new Set(), fields: [] };
  const { text, inserted, autoQuoted } = quoteBareValues(query);
  let ast: ParserAst;
  try {
    ast = parse(text);
  } catch (error) {
    const offset = typeof (error as { offset?: unknown }).offset === 'number' ? (error as { offset: number }).offset : text.length;
    const position = Math.min(query.length, originalOffset(offset, inserted));
    const message =
      typeof (error as { offset?: unknown }).offset === 'number'
        ? `syntax error at character ${position + 1}`
        : 'the query ends too early (an operator, a bracket or a range is not finished)';
    throw new LogQueryError(message, position);
  }
  const fields = new Set<string>();
  const count = { tags: 0 };
  collectFields(ast, fields, count);
  if (count.tags > MAX_TAGS) throw new LogQueryError(`the query has more than ${MAX_TAGS} terms`, 0);
  return { text, ast, autoQuoted, fields: [...fields] };
}

/** What evaluation needs of a segment besides its index: the lower-cased raw line and field values for phrase checks. */
export interface SearchableSegment {
  readonly index: CorpusIndex;
  lowerRaw(i: number): string;
  fieldText(i: number, field: string): string | undefined;
}

const FIELD_ALIASES: Readonly<Record<string, string>> = { raw: TEXT_FIELD, message: TEXT_FIELD, 'event.original': TEXT_FIELD };

function wildcardRegex(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

function literalValue(expression: ExpressionToken): string | null {
  if (expression.type !== 'LiteralExpression') return null;
  return expression.value === null ? 'null' : String(expression.value);
}

/** Every event of the segment the query matches, as a bitset. */
export function evaluateLogQuery(query: ParsedLogQuery, segment: SearchableSegment): Bitset {
  const index = segment.index;
  const tag = (node: TagToken): Bitset => {
    const field = node.field.type === 'ImplicitField' ? TEXT_FIELD : (FIELD_ALIASES[node.field.name] ?? node.field.name);
    const operator = (node.operator as TagToken['operator'] | undefined)?.operator ?? ':';
    const expression = node.expression;
    const position = 'location' in expression ? expression.location.start : 0;
    if (expression.type === 'EmptyExpression') return index.exists(field);
    if (expression.type === 'RangeExpression') {
      const { min, max, minInclusive, maxInclusive } = expression.range;
      return index.range(field, min, minInclusive, max, maxInclusive);
    }
    if (expression.type === 'RegexExpression') {
      const match = /^\/(.*)\/([a-z]*)$/s.exec(expression.value);
      let re: RegExp;
      try {
        re = new RegExp(match?.[1] ?? expression.value, (match?.[2] ?? '').replace(/[^ims]/g, '') || 'i');
      } catch {
        throw new LogQueryError('the regular expression is not valid', position);
      }
      return index.termsMatching(field, (term) => re.test(term));
    }
    const value = literalValue(expression)!;
    if (operator !== ':' && operator !== ':=') {
      const number = Number(value);
      if (!Number.isFinite(number) || value.trim() === '')
        throw new LogQueryError(`"${operator.slice(1)}" compares numbers; "${value}" is not a number`, position);
      switch (operator) {
        case ':<':
          return index.range(field, -Infinity, true, number, false);
        case ':<=':
          return index.range(field, -Infinity, true, number, true);
        case ':>':
          return index.range(field, number, false, Infinity, true);
        case ':>=':
          return index.range(field, number, true, Infinity, true);
        default: {
          const _never: never = operator;
          return _never;
        }
      }
    }
    const lower = value.toLowerCase();
    const quoted = expression.type === 'LiteralExpression' && expression.quoted && !query.autoQuoted.has(expression.location.start);
    if (!quoted && (lower.includes('*') || lower.includes('?'))) {
      if (lower === '*') return index.exists(field);
      const re = wildcardRegex(lower);
      return index.termsMatching(field, (term) => re.test(term));
    }
    const out = index.term(field, lower);
    if (operator === ':=') return out;
    // A value of several words matches where all of them are present, in this order (a phrase).
    // A value that is itself one indexed word (an address, a domain, a file name) needs no more.
    const tokens = tokenize(lower);
    const words = [...tokens];
    if (!tokens.has(lower) && words.length > 0) {
      let candidates: Bitset | null = null;
      for (const word of words) {
        const hits = index.term(field, word);
        if (candidates === null) candidates = hits;
        else for (let i = 0; i < candidates.length; i += 1) candidates[i] &= hits[i]!;
      }
      if (candidates !== null) {
        for (let i = 0; i < candidates.length; i += 1) {
          if (candidates[i] === 0 || out[i] === 1) continue;
          const text = field === TEXT_FIELD ? segment.lowerRaw(i) : segment.fieldText(i, field)?.toLowerCase();
          if (text !== undefined && text.includes(lower)) out[i] = 1;
        }
      }
    }
    return out;
  };
  const walk = (node: ParserAst): Bitset => {
    switch (node.type) {
      case 'EmptyExpression':
        return index.all();
      case 'Tag':
        return tag(node);
      case 'ParenthesizedExpression':
        return walk(node.expression);
      case 'UnaryOperator': {
        const inner = walk(node.operand);
        for (let i = 0; i < inner.length; i += 1) inner[i] ^= 1;
        return inner;
      }
      case 'LogicalExpression': {
        const left = walk(node.left);
        const right = walk(node.right);
        if (node.operator.operator === 'OR') for (let i = 0; i < left.length; i += 1) left[i] |= right[i]!;
        else for (let i = 0; i < left.length; i += 1) left[i] &= right[i]!;
        return left;
      }
      default: {
        const _never: never = node;
        return _never;
      }
    }
  };
  return walk(query.ast);
}
