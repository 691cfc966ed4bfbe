import { isUtf8 } from 'node:buffer';
import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, type Document } from 'yaml';
import type { $ZodIssue } from 'zod/v4/core';
import { type Scenario, ScenarioSchema } from '../contracts/scenario.schema.js';
import { checkScenarioSemantics, scenarioWarnings, type SemanticProblem } from './scenario-semantics.js';

/** One problem in a scenario file, located at the YAML/JSON node that caused it. */
export interface ScenarioProblem {
  /** Dotted path to the field, e.g. `timeline.3.answer.routing.0` (empty for file-level problems). */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** Stable code: SCENARIO_* for file-level refusals, zod issue codes for shape, kebab-case for meaning. */
  readonly code: string;
}

export type ScenarioFormat = 'yaml' | 'json';

export type ScenarioParseResult =
  | {
      readonly ok: true;
      readonly scenario: Scenario;
      readonly format: ScenarioFormat;
      readonly text: string;
      /** Allowed but probably a mistake (e.g. `missing-briefing`); the scenario is valid. */
      readonly warnings: readonly ScenarioProblem[];
    }
  | { readonly ok: false; readonly problems: readonly ScenarioProblem[]; readonly format?: ScenarioFormat };

export interface ScenarioParseOptions {
  /** Files above this many bytes are refused before parsing. */
  readonly maxBytes?: number;
  /** Deepest nesting accepted; real scenarios need about 8. */
  readonly maxDepth?: number;
  /** YAML aliases are expanded at most this many times (alias bombs). */
  readonly maxAliases?: number;
  /** Cap on reported problems so a garbage file cannot produce a huge answer. */
  readonly maxProblems?: number;
}

export const DEFAULT_SCENARIO_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 32;
const DEFAULT_MAX_ALIASES = 100;
const DEFAULT_MAX_PROBLEMS = 200;

type PathSegment = string | number;

function fileProblem(code: string, message: string, line = 1, column = 1): ScenarioParseResult {
  return { ok: false, problems: [{ path: '', line, column, message, code }] };
}

function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lastBreak = -1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return { line, column: offset - lastBreak };
}

/** Where the first byte that is not valid UTF-8 sits, for a precise message. */
function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let low = 0;
  let high = bytes.length;
  // Binary search on prefixes: a valid prefix decodes (allowing a cut multi-byte tail via stream mode).
  while (high - low > 1) {
    const mid = (low + high) >>> 1;
    try {
      decoder.decode(bytes.subarray(0, mid), { stream: true });
      decoder.decode(); // reset
      low = mid;
    } catch {
      high = mid;
    }
  }
  return low;
}

/**
 * Nesting depth of JSON/YAML flow brackets, ignoring quoted strings. Checked before parsing
 * because the parsers recurse and a hostile file could otherwise exhaust the stack.
 */
function bracketDepthExceeds(text: string, limit: number): number | null {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === '\\' && quote === '"') i++;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (ch === '[' || ch === '{') {
      if (++depth > limit) return i;
    } else if (ch === ']' || ch === '}') depth = Math.max(0, depth - 1);
  }
  return null;
}

/**
 * Iterative walk over the parsed value: depth limit and dangerous keys (prototype pollution).
 * Paths are only built when something is wrong, so the common case allocates nothing per node.
 */
function inspectValue(root: unknown, maxDepth: number): { path: PathSegment[]; code: string; message: string } | null {
  interface Frame { readonly value: unknown; readonly depth: number; readonly parent: Frame | null; readonly key: PathSegment }
  const pathOf = (frame: Frame): PathSegment[] => {
    const path: PathSegment[] = [];
    for (let f: Frame | null = frame; f && f.parent; f = f.parent) path.unshift(f.key);
    return path;
  };
  const stack: Frame[] = [{ value: root, depth: 0, parent: null, key: '' }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const value = frame.value;
    if (value === null || typeof value !== 'object') continue;
    if (frame.depth >= maxDepth) {
      return { path: pathOf(frame), code: 'SCENARIO_TOO_DEEP', message: `nesting deeper than ${maxDepth} levels` };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) {
        const item: unknown = value[i];
        if (item !== null && typeof item === 'object') stack.push({ value: item, depth: frame.depth + 1, parent: frame, key: i });
      }
    } else {
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
          return { path: [...pathOf(frame), key], code: 'forbidden-key', message: `the key "${key}" is not allowed` };
        }
        const item = (value as Record<string, unknown>)[key];
        if (item !== null && typeof item === 'object') stack.push({ value: item, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return null;
}

interface Locator {
  locate(path: readonly PathSegment[], preferKey?: string): { line: number; column: number };
}

function documentLocator(doc: Document, counter: LineCounter): Locator {
  const at = (offset: number) => {
    const pos = counter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  return {
    locate(path, preferKey) {
      let node: unknown = doc.contents;
      let lastOffset = (doc.contents as Node | null)?.range?.[0] ?? 0;
      const segments = preferKey === undefined ? path : [...path, preferKey];
      for (let i = 0; i < segments.length; i++) {
        const segment = segments[i];
        const isLast = i === segments.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
          if (!pair) break;
          const key = pair.key as Node;
          // Point at the key for a missing/unknown field, at the value otherwise.
          if (isLast && preferKey !== undefined) {
            lastOffset = key.range?.[0] ?? lastOffset;
            break;
          }
          node = pair.value;
          lastOffset = (node as Node | null)?.range?.[0] ?? key.range?.[0] ?? lastOffset;
        } else if (isSeq(node) && typeof segment === 'number') {
          const item = node.items[segment];
          if (!item) break;
          node = item;
          lastOffset = (item as Node).range?.[0] ?? lastOffset;
        } else break;
      }
      return at(lastOffset);
    },
  };
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function zodIssueToProblems(issue: $ZodIssue, locator: Locator, input: unknown): ScenarioProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: [...path, key].join('.'),
      ...locator.locate(path, key),
      message: `unknown field "${key}"`,
      code: issue.code,
    }));
  }
  if (path.length > 0 && valueAt(input, path) === undefined && valueAt(input, path.slice(0, -1)) !== undefined) {
    const message =
      path[path.length - 1] === 'answer'
        ? 'alert has no answer key (answer: verdict, severity, routing, incident)'
        : `required field "${String(path[path.length - 1])}" is missing`;
    return [{ path: path.join('.'), ...locator.locate(path.slice(0, -1)), message, code: 'required' }];
  }
  if (issue.code === 'invalid_union' && 'errors' in issue && Array.isArray(issue.errors)) {
    // Report the branch that got furthest instead of "invalid input".
    const branches = issue.errors as $ZodIssue[][];
    const best = branches.reduce<$ZodIssue[] | null>(
      (acc, branch) => (acc === null || (branch[0]?.path.length ?? 0) > (acc[0]?.path.length ?? 0) ? branch : acc),
      null,
    );
    if (best && best.length > 0 && (best[0]?.path.length ?? 0) > 0) {
      return best.flatMap((inner) => zodIssueToProblems({ ...inner, path: [...issue.path, ...inner.path] } as $ZodIssue, locator, input));
    }
  }
  return [{ path: path.join('.'), ...locator.locate(path), message: issue.message, code: issue.code }];
}

function semanticToProblem(problem: SemanticProblem, locator: Locator): ScenarioProblem {
  return { path: problem.path.join('.'), ...locator.locate(problem.path), message: problem.message, code: problem.code };
}

/**
 * Turns untrusted bytes into a validated scenario, or into a list of located problems.
 * Hostile input (huge, binary, invalid UTF-8, alias bombs, deep nesting) is refused before or
 * during parsing with a SCENARIO_* code, never by crashing.
 */
export function parseScenario(input: string | Uint8Array, options: ScenarioParseOptions = {}): ScenarioParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_SCENARIO_MAX_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAliases = options.maxAliases ?? DEFAULT_MAX_ALIASES;
  const maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;

  const byteLength = typeof input === 'string' ? Buffer.byteLength(input, 'utf8') : input.byteLength;
  if (byteLength > maxBytes) {
    return fileProblem('SCENARIO_TOO_LARGE', `file is ${byteLength} bytes; the limit is ${maxBytes} bytes`);
  }
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const nul = input.indexOf(0);
    if (nul >= 0) {
      return fileProblem('SCENARIO_BINARY', 'file contains binary data (NUL byte); scenarios are UTF-8 text', 1, nul + 1);
    }
    if (isUtf8(input)) {
      text = Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
    } else {
      const offset = firstInvalidUtf8Offset(input);
      const prefix = Buffer.from(input.subarray(0, offset)).toString('utf8');
      const { line, column } = lineColumnAt(prefix, prefix.length);
      return fileProblem('SCENARIO_NOT_UTF8', `file is not valid UTF-8 (byte ${offset + 1})`, line, column);
    }
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const looksJson = /^\s*[[{]/.test(text);
  if (!looksJson && text.includes('\u0000')) {
    return fileProblem('SCENARIO_BINARY', 'file contains binary data (NUL character); scenarios are UTF-8 text');
  }
  // Other C0 control characters (except tab, LF, CR) mean binary data, not a scenario.
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  const control = looksJson ? null : /[\u0001-\u0008\u000b\u000c\u000e-\u001f]/.exec(text);
  if (control) {
    const { line, column } = lineColumnAt(text, control.index);
    return fileProblem('SCENARIO_BINARY', 'file contains control characters; scenarios are UTF-8 text', line, column);
  }
  if (text.trim() === '') return fileProblem('SCENARIO_SYNTAX', 'file is empty');

  // JSON.parse in V8 is iterative; the YAML parser recurses, so flow nesting is checked first.
  const deepAt = looksJson ? null : bracketDepthExceeds(text, maxDepth);
  if (deepAt !== null) {
    const { line, column } = lineColumnAt(text, deepAt);
    return fileProblem('SCENARIO_TOO_DEEP', `nesting deeper than ${maxDepth} levels`, line, column);
  }

  const format: ScenarioFormat = looksJson ? 'json' : 'yaml';
  let value: unknown;
  let locatorCache: Locator | undefined;
  let doc: Document | undefined;
  const counter = new LineCounter();
  const parseYaml = (): ScenarioParseResult | null => {
    try {
      doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, strict: true, prettyErrors: false });
    } catch (error) {
      if (error instanceof RangeError) return fileProblem('SCENARIO_TOO_DEEP', 'nesting is too deep to parse');
      throw error;
    }
    if (doc.errors.length > 0) {
      return {
        ok: false,
        format,
        problems: doc.errors.slice(0, 10).map((e) => {
          const pos = counter.linePos(e.pos[0]);
          return { path: '', line: pos.line, column: pos.col, message: e.message.split('\n')[0] ?? e.message, code: 'SCENARIO_SYNTAX' };
        }),
      };
    }
    return null;
  };
  const locator = (): Locator => {
    if (locatorCache) return locatorCache;
    if (!doc) parseYaml();
    locatorCache = doc ? documentLocator(doc, counter) : { locate: () => ({ line: 1, column: 1 }) };
    return locatorCache;
  };

  if (format === 'json') {
    try {
      // Fast path: JSON.parse is an order of magnitude faster than a YAML parser; positions are
      // only computed (with the YAML parser) when there is something to report.
      value = JSON.parse(text);
    } catch {
      const failed = parseYaml();
      if (failed) return failed;
      return fileProblem('SCENARIO_SYNTAX', 'file is not valid JSON');
    }
  } else {
    const failed = parseYaml();
    if (failed) return failed;
    try {
      value = doc!.toJS({ maxAliasCount: maxAliases });
    } catch (error) {
      if (error instanceof ReferenceError || (error instanceof Error && /alias/i.test(error.message))) {
        return { ok: false, format, problems: [{ path: '', line: 1, column: 1, message: `too many YAML alias expansions (limit ${maxAliases}); alias bombs are refused`, code: 'SCENARIO_ALIAS_LIMIT' }] };
      }
      if (error instanceof RangeError) return fileProblem('SCENARIO_TOO_DEEP', 'nesting is too deep to parse');
      throw error;
    }
  }

  if (value === null || value === undefined) return { ok: false, format, problems: [{ path: '', line: 1, column: 1, message: 'file has no content', code: 'SCENARIO_SYNTAX' }] };
  if (typeof value !== 'object' || Array.isArray(value)) {
    const refused = inspectValue(value, maxDepth);
    if (refused) return { ok: false, format, problems: [{ path: refused.path.join('.'), line: 1, column: 1, message: refused.message, code: refused.code }] };
    return { ok: false, format, problems: [{ path: '', ...locator().locate([]), message: 'the top level must be a mapping of scenario fields (schemaVersion, id, title, …)', code: 'invalid_type' }] };
  }
  // For YAML the walk guards what follows; for JSON (parsed iteratively, and the schema only
  // descends into known fields) it only needs to run to explain a failure precisely.
  const hazardProblem = () => {
    const hazard = inspectValue(value, maxDepth);
    return hazard
      ? { ok: false as const, format, problems: [{ path: hazard.path.join('.'), ...locator().locate(hazard.path), message: hazard.message, code: hazard.code }] }
      : null;
  };
  if (format === 'yaml') {
    const refused = hazardProblem();
    if (refused) return refused;
  }

  const shape = ScenarioSchema.safeParse(value);
  if (!shape.success) {
    const refused = format === 'json' ? hazardProblem() : null;
    if (refused) return refused;
    const problems = shape.error.issues.flatMap((issue) => zodIssueToProblems(issue, locator(), value));
    return { ok: false, format, problems: dedupe(problems).slice(0, maxProblems) };
  }
  const meaning = checkScenarioSemantics(shape.data);
  if (meaning.length > 0) {
    return { ok: false, format, problems: meaning.slice(0, maxProblems).map((p) => semanticToProblem(p, locator())) };
  }
  // A file-level warning needs no position: locating it would re-parse a large JSON file as YAML.
  const warnings = scenarioWarnings(shape.data).map((p) =>
    p.path.length === 0 ? { path: '', line: 1, column: 1, message: p.message, code: p.code } : semanticToProblem(p, locator()),
  );
  return { ok: true, scenario: shape.data, format, text, warnings };
}

function dedupe(problems: ScenarioProblem[]): ScenarioProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function formatProblem(file: string, problem: ScenarioProblem): string {
  return `${file}:${problem.line}:${problem.column}  ${problem.path || '(file)'}  ${problem.message} [${problem.code}]`;
}
