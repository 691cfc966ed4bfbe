import { isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, type Document } from 'yaml';
import { type Scenario, ScenarioSchema } from '../contracts/scenario.schema.js';
import { issueToProblems, type Locator, type PathSegment } from './scenario-issues.js';
import { checkScenarioSemantics, scenarioWarnings, type SemanticProblem } from './scenario-semantics.js';
import { parseRawEventNdjson } from './scenario-logs.js';
import { decodeScenarioSource, lineColumnAt } from './scenario-source.js';
import { aliasExpansion, yamlSyntaxProblem } from './scenario-yaml.js';

/** One problem in a scenario file, located at the YAML/JSON node that caused it. */
export interface ScenarioProblem {
  /** Dotted path to the field, e.g. `timeline.3.answer.routing.0` (empty for file-level problems). */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  /** Stable SCENARIO_* code (listed in docs/scenario-authoring.md). */
  readonly code: string;
  /** Set when the problem is in a sibling NDJSON file of raw events (`line` is then that file's). */
  readonly file?: string;
}

export type ScenarioFormat = 'yaml' | 'json';

export type ScenarioParseResult =
  | {
      readonly ok: true;
      readonly scenario: Scenario;
      readonly format: ScenarioFormat;
      readonly text: string;
      /** Allowed but probably a mistake (e.g. SCENARIO_MISSING_BRIEFING); the scenario is valid. */
      readonly warnings: readonly ScenarioProblem[];
    }
  | { readonly ok: false; readonly problems: readonly ScenarioProblem[]; readonly format?: ScenarioFormat };

export interface ScenarioParseOptions {
  /** Files above this many bytes are refused before parsing. */
  readonly maxBytes?: number;
  /** Deepest nesting accepted; real scenarios need about 8. */
  readonly maxDepth?: number;
  /** Nodes YAML aliases may add when expanded (alias bombs are refused, reuse of an anchor is not). */
  readonly maxAliasNodes?: number;
  /** Cap on reported problems so a garbage file cannot produce a huge answer. */
  readonly maxProblems?: number;
  /**
   * Reads a sibling NDJSON file named by `logs.files` (relative to the scenario file); null when it
   * does not exist. Without a reader (an upload over REST) naming a file is a problem: upload the
   * events inline instead.
   */
  readonly readLogFile?: (path: string) => Uint8Array | null;
}

export const DEFAULT_SCENARIO_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_DEPTH = 32;
const DEFAULT_MAX_ALIAS_NODES = 100_000;
const DEFAULT_MAX_PROBLEMS = 200;

function fileProblem(code: string, message: string, line = 1, column = 1, format?: ScenarioFormat): ScenarioParseResult {
  return { ok: false, ...(format === undefined ? {} : { format }), problems: [{ path: '', line, column, message, code }] };
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
      return { path: pathOf(frame), code: 'SCENARIO_TOO_DEEP', message: `the nesting is deeper than ${maxDepth} levels` };
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
          return { path: [...pathOf(frame), key], code: 'SCENARIO_FORBIDDEN_KEY', message: `the key "${key}" is not allowed` };
        }
        const item = (value as Record<string, unknown>)[key];
        if (item !== null && typeof item === 'object') stack.push({ value: item, depth: frame.depth + 1, parent: frame, key });
      }
    }
  }
  return null;
}

/**
 * Block nesting by indentation (and "- " items), skipping block scalars. Checked before parsing
 * for the same reason as brackets; it undercounts a little, so the limit given is generous and
 * the exact depth is checked on the parsed value.
 */
function blockDepthExceeds(text: string, limit: number): number | null {
  const indents: number[] = [];
  let scalarIndent = -1; // inside a `|` or `>` block scalar: lines indented deeper than this
  let lineNo = 0;
  for (const rawLine of text.split('\n')) {
    lineNo++;
    const line = rawLine.replace(/\r$/, '');
    const content = line.trimStart();
    const indent = line.length - content.length;
    if (content === '' || content.startsWith('#')) continue;
    if (scalarIndent >= 0) {
      if (indent > scalarIndent) continue;
      scalarIndent = -1;
    }
    while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
    indents.push(indent);
    const dashes = /^(?:-\s+)*/.exec(content)![0].split('-').length - 1;
    if (indents.length + dashes > limit) return lineNo;
    if (/(?:^|:\s+|-\s+)[|>][-+0-9]*\s*(?:#.*)?$/.test(content)) scalarIndent = indent;
  }
  return null;
}

function documentLocator(doc: Document, counter: LineCounter, text: string): Locator {
  const at = (offset: number) => {
    const pos = counter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  const nodeAt = (path: readonly PathSegment[]): { node: unknown; key?: Node; offset: number } => {
    let node: unknown = doc.contents;
    let offset = (doc.contents as Node | null)?.range?.[0] ?? 0;
    let key: Node | undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
        if (!pair) return { node: undefined, key, offset };
        key = pair.key as Node;
        node = pair.value;
        offset = (node as Node | null)?.range?.[0] ?? key.range?.[0] ?? offset;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (!item) return { node: undefined, key, offset };
        node = item;
        key = undefined;
        offset = (item as Node).range?.[0] ?? offset;
      } else return { node: undefined, key, offset };
    }
    return { node, key, offset };
  };
  return {
    locate(path, preferKey, needle) {
      if (preferKey !== undefined) {
        // Point at the key for a missing/unknown field.
        const found = nodeAt(path);
        if (isMap(found.node)) {
          const pair = found.node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === preferKey);
          if (pair) return at((pair.key as Node).range?.[0] ?? found.offset);
        }
        return at(found.offset);
      }
      const found = nodeAt(path);
      const range = (found.node as Node | null | undefined)?.range;
      if (needle !== undefined && range) {
        const inside = text.indexOf(needle, range[0]);
        if (inside >= 0 && inside < range[1]) return at(inside);
      }
      return at(found.offset);
    },
    writtenAt(path) {
      const found = nodeAt(path);
      const range = isScalar(found.node) ? found.node.range : undefined;
      return range ? text.slice(range[0], range[1]).trim() : undefined;
    },
  };
}

function semanticToProblem(problem: SemanticProblem, locator: Locator): ScenarioProblem {
  return { path: problem.path.join('.'), ...locator.locate(problem.path, undefined, problem.needle), message: problem.message, code: problem.code };
}

/**
 * Turns untrusted bytes or text into a validated scenario, or into a list of located problems.
 * Every door (CLI, REST, the console editor) calls this: hostile input (huge, binary, invalid
 * UTF-8, alias bombs, deep nesting) is refused with a SCENARIO_* code, never by crashing.
 */
export function parseScenario(input: string | Uint8Array, options: ScenarioParseOptions = {}): ScenarioParseResult {
  const maxBytes = options.maxBytes ?? DEFAULT_SCENARIO_MAX_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const maxAliasNodes = options.maxAliasNodes ?? DEFAULT_MAX_ALIAS_NODES;
  const maxProblems = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;

  const decoded = decodeScenarioSource(input, maxBytes);
  if (!decoded.ok) return fileProblem(decoded.problem.code, decoded.problem.message, decoded.problem.line, decoded.problem.column);
  const text = decoded.text;
  const looksJson = /^\s*[[{]/.test(text);
  const format: ScenarioFormat = looksJson ? 'json' : 'yaml';

  // JSON.parse in V8 is iterative; the YAML parser recurses, so nesting is checked first.
  if (!looksJson) {
    const deepAt = bracketDepthExceeds(text, maxDepth);
    if (deepAt !== null) {
      const { line, column } = lineColumnAt(text, deepAt);
      return fileProblem('SCENARIO_TOO_DEEP', `the nesting is deeper than ${maxDepth} levels`, line, column, format);
    }
    const deepLine = blockDepthExceeds(text, 2 * maxDepth);
    if (deepLine !== null) return fileProblem('SCENARIO_TOO_DEEP', `the nesting is deeper than ${maxDepth} levels`, deepLine, 1, format);
  }

  let value: unknown;
  let locatorCache: Locator | undefined;
  let doc: Document | undefined;
  const counter = new LineCounter();
  const parseYaml = (): ScenarioParseResult | null => {
    try {
      // `merge` lets authors reuse a block with `<<: *anchor`.
      doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, strict: true, prettyErrors: false, merge: true });
    } catch (error) {
      if (error instanceof RangeError) return fileProblem('SCENARIO_TOO_DEEP', `the nesting is too deep to read (the limit is ${maxDepth} levels)`, 1, 1, format);
      throw error;
    }
    if (doc.errors.length > 0) {
      const slip = yamlSyntaxProblem(doc.errors, text, counter, maxDepth);
      return fileProblem(slip.code, slip.message, slip.line, slip.column, format);
    }
    return null;
  };
  const locator = (): Locator => {
    if (locatorCache) return locatorCache;
    if (!doc) parseYaml();
    locatorCache = doc ? documentLocator(doc, counter, text) : { locate: () => ({ line: 1, column: 1 }), writtenAt: () => undefined };
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
      return fileProblem('SCENARIO_SYNTAX', 'the file is not valid JSON', 1, 1, format);
    }
  } else {
    const failed = parseYaml();
    if (failed) return failed;
    try {
      // Aliases are limited by what they expand to, so an anchor reused 150 times is fine and a
      // "billion laughs" is not; the expansion is counted without performing it.
      if (text.includes('*')) {
        const added = aliasExpansion(doc!);
        if (typeof added === 'object') {
          const pos = counter.linePos(added.offset);
          return fileProblem('SCENARIO_SYNTAX', `the alias *${added.unresolved} names no anchor: write &${added.unresolved} on the block to reuse, before this line`, pos.line, pos.col, format);
        }
        if (added === 'cycle' || added > maxAliasNodes) {
          const message =
            added === 'cycle'
              ? 'a YAML alias refers to the block that contains it; it would expand forever'
              : `YAML aliases here would expand to ${added > 1e12 ? 'more than a trillion' : added} nodes; the limit is ${maxAliasNodes} (an alias bomb?)`;
          return fileProblem('SCENARIO_ALIAS_LIMIT', message, 1, 1, format);
        }
      }
      value = doc!.toJS({ maxAliasCount: -1 });
    } catch (error) {
      if (error instanceof RangeError) return fileProblem('SCENARIO_TOO_DEEP', `the nesting is too deep to read (the limit is ${maxDepth} levels)`, 1, 1, format);
      if (error instanceof ReferenceError) return fileProblem('SCENARIO_SYNTAX', `a YAML alias cannot be resolved: ${error.message}`, 1, 1, format);
      // The YAML library refuses some well-formed documents only when building values (a `<<:` merge of a non-mapping).
      if (error instanceof Error) {
        const merge = /^\s*<<\s*:/m.exec(text);
        const { line, column } = merge ? lineColumnAt(text, merge.index + (merge[0].length - merge[0].trimStart().length)) : { line: 1, column: 1 };
        return fileProblem('SCENARIO_SYNTAX', /merge/i.test(error.message) ? 'a merge key (<<:) must name a mapping or an alias of one (<<: *defaults)' : error.message, line, column, format);
      }
      throw error;
    }
  }

  if (value === null || value === undefined) return fileProblem('SCENARIO_SYNTAX', 'the file has no content', 1, 1, format);
  if (typeof value !== 'object' || Array.isArray(value)) {
    const refused = inspectValue(value, maxDepth);
    if (refused) return { ok: false, format, problems: [{ path: refused.path.join('.'), line: 1, column: 1, message: refused.message, code: refused.code }] };
    return { ok: false, format, problems: [{ path: '', ...locator().locate([]), message: 'the top level must be a mapping of scenario fields (schemaVersion, id, title, …)', code: 'SCENARIO_INVALID_TYPE' }] };
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
    const ctx = { locator: locator(), input: value };
    const problems = shape.error.issues.flatMap((issue) => issueToProblems(issue, ctx));
    return { ok: false, format, problems: dedupe(problems).slice(0, maxProblems) };
  }
  if (shape.data.logs && shape.data.logs.files.length > 0) {
    const logs = shape.data.logs;
    const fileProblems: ScenarioProblem[] = [];
    logs.files.forEach((file, i) => {
      const at = () => locator().locate(['logs', 'files', i, 'path']);
      const bytes = options.readLogFile?.(file.path) ?? null;
      if (bytes === null) {
        const message = options.readLogFile
          ? `the raw-event file "${file.path}" does not exist beside the scenario`
          : `the raw-event file "${file.path}" cannot be read here (an upload is one file): put its events under logs.events`;
        fileProblems.push({ path: `logs.files.${i}.path`, ...at(), message, code: 'SCENARIO_LOG_FILE_UNAVAILABLE' });
        return;
      }
      const decoded = decodeScenarioSource(bytes, maxBytes * 4);
      if (!decoded.ok) {
        fileProblems.push({ path: '', line: decoded.problem.line, column: decoded.problem.column, message: decoded.problem.message, code: decoded.problem.code, file: file.path });
        return;
      }
      const parsed = parseRawEventNdjson(decoded.text, file.path, maxProblems);
      fileProblems.push(...parsed.problems);
      for (const event of parsed.events) logs.events.push(event);
    });
    if (fileProblems.length > 0) return { ok: false, format, problems: fileProblems.slice(0, maxProblems) };
    // The events now live in the parsed scenario: what is stored needs no file beside it.
    logs.files = [];
  }
  const meaning = checkScenarioSemantics(shape.data, value);
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

/** `file:line:column  path  message [code]`: the line format of `soc-drill validate`. */
export function formatProblem(file: string, problem: ScenarioProblem): string {
  return `${problem.file ?? file}:${problem.line}:${problem.column}  ${problem.path || '(file)'}  ${problem.message} [${problem.code}]`;
}
