import type { $ZodIssue, $ZodType } from 'zod/v4/core';
import { ScenarioSchema } from '../contracts/scenario.schema.js';

export type PathSegment = string | number;

/** Finds where a path sits in the file as written, and how a scalar there was written. */
export interface Locator {
  /** At the value of `path`; at the key `preferKey` under it; at `needle` inside the value when given and found. */
  locate(path: readonly PathSegment[], preferKey?: string, needle?: string): { line: number; column: number };
  /** The scalar at `path` exactly as written in the file (e.g. `1.0` where YAML read the number 1). */
  writtenAt(path: readonly PathSegment[]): string | undefined;
}

/** One problem as the validator reports it; every code is SCENARIO_* (see docs/scenario-authoring.md). */
export interface LocatedProblem {
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly code: string;
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'an empty value (null)';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'number':
      return `the number ${value}`;
    case 'boolean':
      return `the boolean ${value}`;
    case 'string':
      return `the text ${JSON.stringify(value)}`;
    case 'object':
      return 'a mapping';
    default:
      return 'nothing';
  }
}

const EXPECTED_WORDS: Record<string, string> = {
  string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', object: 'a mapping (key: value lines)',
  array: 'a list (lines starting with "- ")', null: 'null', undefined: 'nothing',
};

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** The hint an author needs when YAML read a scalar as a number, boolean or null where text was meant. */
function quoteHint(key: PathSegment | undefined, written: string | undefined, raw: unknown): string {
  const text = written ?? String(raw);
  const example = key === 'version' && /^\d+(\.\d+)?$/.test(text) ? `${text.includes('.') ? text : `${text}.0`}.0` : text;
  const lead = typeof key === 'string' ? `${key}: ` : '';
  return `YAML read ${text} as ${raw === null ? 'an empty value' : typeof raw === 'boolean' ? 'a boolean' : 'a number'}; put it in quotes: ${lead}"${example}"`;
}

interface Context {
  readonly locator: Locator;
  readonly input: unknown;
}

function problem(path: readonly PathSegment[], code: string, message: string, ctx: Context, preferKey?: string): LocatedProblem {
  return { path: (preferKey === undefined ? path : [...path, preferKey]).join('.'), ...ctx.locator.locate(path, preferKey), message, code };
}

function typeMessage(expected: string, path: readonly PathSegment[], ctx: Context): string {
  const raw = valueAt(ctx.input, path);
  const want = EXPECTED_WORDS[expected] ?? expected;
  if (expected === 'string' && (typeof raw === 'number' || typeof raw === 'boolean' || raw === null)) {
    return `expected text, got ${describe(raw)}: ${quoteHint(path[path.length - 1], ctx.locator.writtenAt(path), raw)}`;
  }
  return `expected ${want}, got ${describe(raw)}`;
}

function valuesMessage(values: readonly unknown[], path: readonly PathSegment[], ctx: Context): string {
  const raw = valueAt(ctx.input, path);
  const allowed = values.map(show).join(', ');
  const base = `must be one of ${allowed} (got ${describe(raw)})`;
  if ((typeof raw === 'number' || typeof raw === 'boolean') && values.some((v) => v === String(raw))) {
    return `${base}: ${quoteHint(path[path.length - 1], ctx.locator.writtenAt(path), raw)}`;
  }
  return base;
}

function sizeMessage(issue: Extract<$ZodIssue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const limit = Number(small ? issue.minimum : issue.maximum);
  switch (issue.origin) {
    case 'string':
      return small ? (limit <= 1 ? 'must not be empty' : `must be at least ${limit} characters`) : `must be at most ${limit} characters`;
    case 'array':
    case 'set':
      return small ? `needs at least ${limit} item(s)` : `allows at most ${limit} item(s)`;
    default:
      return small ? `must be at least ${limit}` : `must be at most ${limit}`;
  }
}

/** A union none of whose forms fits: explain with the allowed values or forms, or follow the form that got furthest. */
function unionProblems(issue: Extract<$ZodIssue, { code: 'invalid_union' }>, path: PathSegment[], ctx: Context): LocatedProblem[] {
  const branches = issue.errors;
  const raw = valueAt(ctx.input, path);
  // Literal unions (layer: 1 | 2 | 3 | 4): list every allowed value.
  if (branches.length > 0 && branches.every((b) => b.length === 1 && b[0]!.code === 'invalid_value' && b[0]!.path.length === 0)) {
    const values = branches.flatMap((b) => (b[0]!.code === 'invalid_value' ? b[0]!.values : []));
    return [problem(path, 'SCENARIO_INVALID_VALUE', valuesMessage(values, path, ctx), ctx)];
  }
  // Forms that fail only because the value has another type drop out (a duration is a number or a text).
  const rootTypeOnly = (b: readonly $ZodIssue[]) => b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0;
  const fitting = branches.filter((b) => !rootTypeOnly(b));
  if (fitting.length === 0) {
    const expected = [...new Set(branches.map((b) => (b[0]?.code === 'invalid_type' ? (EXPECTED_WORDS[b[0].expected] ?? b[0].expected) : '?')))];
    return [problem(path, 'SCENARIO_INVALID_TYPE', `expected ${expected.join(' or ')}, got ${describe(raw)}`, ctx)];
  }
  if (fitting.length === 1) return fitting[0]!.flatMap((inner) => issueToProblems({ ...inner, path: [...issue.path, ...inner.path] } as $ZodIssue, ctx));
  // Mapping forms ({ taken: … } | { notTaken: … } | …): the form whose key the author wrote, else list the forms.
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    // A form's key is the field it misses; a form whose fields are all there is the one the author wrote.
    const misses = (i: $ZodIssue) => i.path.length === 1 && i.code !== 'unrecognized_keys' && valueAt(raw, i.path as PathSegment[]) === undefined;
    const formKey = (b: readonly $ZodIssue[]): string | undefined => {
      const missing = b.find(misses);
      return missing ? String(missing.path[0]) : undefined;
    };
    const written = fitting.filter((b) => !b.some(misses));
    if (written.length >= 1) {
      const best = written.reduce((a, b) => (b.length < a.length ? b : a));
      return best.flatMap((inner) => issueToProblems({ ...inner, path: [...issue.path, ...inner.path] } as $ZodIssue, ctx));
    }
    const forms = fitting.map(formKey).filter((k): k is string => k !== undefined);
    if (forms.length > 0) {
      const keys = Object.keys(raw);
      return [problem(path, 'SCENARIO_INVALID_VALUE', `expected one of the forms ${forms.map((f) => `{ ${f}: … }`).join(', ')}; got a mapping with ${keys.length === 0 ? 'no keys' : keys.map((k) => `"${k}"`).join(', ')}`, ctx)];
    }
  }
  const best = fitting.reduce((a, b) => ((b[0]?.path.length ?? 0) > (a[0]?.path.length ?? 0) ? b : a));
  return best.flatMap((inner) => issueToProblems({ ...inner, path: [...issue.path, ...inner.path] } as $ZodIssue, ctx));
}

/** The schema without its wrappers (optional, default, lazy, a transform's input). */
function unwrap(schema: $ZodType): $ZodType {
  let current = schema;
  for (let i = 0; i < 20; i++) {
    const def = current._zod.def as { type: string; innerType?: $ZodType; getter?: () => $ZodType; in?: $ZodType };
    if (def.innerType) current = def.innerType;
    else if (def.getter) current = def.getter();
    else if (def.type === 'pipe' && def.in) current = def.in;
    else break;
  }
  return current;
}

/** The fields the format allows in the mapping at `path` (for "did you mean"), across union forms. */
function fieldsAt(path: readonly PathSegment[]): string[] {
  let candidates: $ZodType[] = [ScenarioSchema as unknown as $ZodType];
  const expand = (schemas: $ZodType[]): $ZodType[] =>
    schemas.flatMap((schema) => {
      const inner = unwrap(schema);
      const def = inner._zod.def as { type: string; options?: $ZodType[] };
      return def.type === 'union' && def.options ? expand(def.options) : [inner];
    });
  for (const segment of path) {
    candidates = expand(candidates).flatMap((schema) => {
      const def = schema._zod.def as { type: string; shape?: Record<string, $ZodType>; element?: $ZodType; valueType?: $ZodType };
      if (def.type === 'object' && def.shape && typeof segment === 'string' && def.shape[segment]) return [def.shape[segment]];
      if (def.type === 'array' && def.element && typeof segment === 'number') return [def.element];
      if (def.type === 'record' && def.valueType) return [def.valueType];
      return [];
    });
  }
  return [...new Set(expand(candidates).flatMap((schema) => Object.keys((schema._zod.def as { shape?: object }).shape ?? {})))];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

function unknownFieldMessage(key: string, path: readonly PathSegment[]): string {
  const allowed = fieldsAt(path);
  const near = allowed.filter((field) => distance(key, field) <= Math.max(1, Math.floor(field.length / 4))).sort((x, y) => distance(key, x) - distance(key, y));
  if (near.length > 0) return `unknown field "${key}": did you mean "${near[0]}"?`;
  return allowed.length > 0 && allowed.length <= 20 ? `unknown field "${key}" (allowed here: ${allowed.join(', ')})` : `unknown field "${key}"`;
}

/** One zod issue in the author's words, with a SCENARIO_* code, located in the file. */
export function issueToProblems(issue: $ZodIssue, ctx: Context): LocatedProblem[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => problem(path, 'SCENARIO_UNKNOWN_FIELD', unknownFieldMessage(key, path), ctx, key));
  }
  if (path.length > 0 && valueAt(ctx.input, path) === undefined && valueAt(ctx.input, path.slice(0, -1)) !== undefined) {
    const last = path[path.length - 1];
    const message = last === 'answer' ? 'alert has no answer key (answer: verdict, severity, routing, incident)' : `required field "${String(last)}" is missing`;
    return [{ path: path.join('.'), ...ctx.locator.locate(path.slice(0, -1)), message, code: 'SCENARIO_MISSING_FIELD' }];
  }
  switch (issue.code) {
    case 'invalid_union':
      return unionProblems(issue, path, ctx);
    case 'invalid_type':
      return [problem(path, 'SCENARIO_INVALID_TYPE', typeMessage(issue.expected, path, ctx), ctx)];
    case 'invalid_value':
      return [problem(path, 'SCENARIO_INVALID_VALUE', valuesMessage(issue.values, path, ctx), ctx)];
    case 'too_small':
    case 'too_big':
      return [problem(path, issue.code === 'too_small' ? 'SCENARIO_TOO_SMALL' : 'SCENARIO_TOO_BIG', `${sizeMessage(issue)} (got ${describe(valueAt(ctx.input, path))})`, ctx)];
    case 'invalid_format': {
      const raw = valueAt(ctx.input, path);
      return [problem(path, 'SCENARIO_INVALID_FORMAT', `${issue.message} (got ${describe(raw)})`, ctx)];
    }
    case 'invalid_key':
      return [problem(path, 'SCENARIO_INVALID_KEY', `a key here is not allowed: ${issue.issues[0]?.message ?? issue.message}`, ctx)];
    case 'invalid_element':
    case 'not_multiple_of':
    case 'custom':
      return [problem(path, 'SCENARIO_INVALID_VALUE', issue.message, ctx)];
    default: {
      const never: never = issue;
      return [problem(path, 'SCENARIO_INVALID_VALUE', (never as { message: string }).message, ctx)];
    }
  }
}
