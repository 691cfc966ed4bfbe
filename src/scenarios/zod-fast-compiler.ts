import { regexes, util } from 'zod/v4/core';

/**
 * Compiles a zod v4 schema into a straight-line validator+normalizer, the way zod's own object JIT
 * and Ajv do (`new Function`). The compiler reads the schema's internals (`_zod.def`), so the zod
 * schema stays the single source of truth: nothing here restates a field, a limit or a pattern.
 *
 * The compiled function returns exactly what `schema.parse` would return for input zod accepts, and
 * FAST_FALLBACK for anything zod would refuse, so the caller can run zod to get the located issues.
 * Constructs the compiler does not know (or only partly knows) are not guessed at: that node is
 * handed to zod's own `_zod.run` for just that subtree, which is exact by construction.
 */

/** Returned instead of a value when the input is invalid; run zod to learn why. */
export const FAST_FALLBACK: unique symbol = Symbol('fast-fallback');
export type FastParser<T> = (input: unknown) => T | typeof FAST_FALLBACK;

interface ZodPayload {
  value: unknown;
  issues: unknown[];
}

interface ZodDef {
  readonly type: string;
  readonly checks?: readonly ZodNode[];
  readonly [key: string]: unknown;
}

interface ZodInternals {
  readonly def: ZodDef;
  readonly traits: ReadonlySet<string>;
  readonly optin?: 'optional' | 'defaulted';
  readonly optout?: 'optional';
  readonly values?: ReadonlySet<unknown>;
  readonly innerType?: ZodNode;
  run(payload: ZodPayload, ctx: { async: false }): ZodPayload | Promise<ZodPayload>;
  check?(payload: ZodPayload): unknown;
}

/** The part of a zod schema (or check) the compiler reads. */
export interface ZodNode {
  readonly _zod: ZodInternals;
}

const LEAF_TYPES = new Set(['string', 'number', 'boolean', 'enum', 'literal']);

/** Inline-able checks; every other check is run through its own `_zod.check`. */
function knownCheck(check: ZodNode, valueType: string): boolean {
  const def = check._zod.def;
  switch (def.check) {
    case 'min_length':
    case 'max_length':
      return valueType === 'string' || valueType === 'array';
    case 'string_format':
      return valueType === 'string' && def.format === 'regex' && def.pattern instanceof RegExp && !check._zod.traits.has('$ZodType');
    case 'greater_than':
    case 'less_than':
      return valueType === 'number' && typeof def.value === 'number';
    case 'number_format':
      return valueType === 'number' && def.format === 'safeint';
    default:
      return false;
  }
}

class Compiler {
  private readonly constants: unknown[] = [];
  private readonly functions: string[] = [];
  private readonly names = new Map<ZodNode, string>();
  private temp = 0;

  constant(value: unknown): string {
    let index = this.constants.indexOf(value);
    if (index < 0) {
      index = this.constants.length;
      this.constants.push(value);
    }
    return `c[${index}]`;
  }

  private fresh(prefix: string): string {
    return `${prefix}${this.temp++}`;
  }

  /** A leaf validates without changing the value: its failure test is a single expression. */
  private isLeaf(node: ZodNode): boolean {
    const z = node._zod;
    const def = z.def;
    if (!LEAF_TYPES.has(def.type) || def.coerce || z.traits.has('$ZodCheck')) return false;
    return (def.checks ?? []).every((check) => knownCheck(check, def.type));
  }

  /** A JavaScript expression that is true when `x` fails the leaf schema. */
  private leafInvalid(node: ZodNode, x: string): string {
    const def = node._zod.def;
    const parts: string[] = [];
    switch (def.type) {
      case 'string':
        parts.push(`typeof ${x} !== "string"`);
        break;
      case 'number':
        parts.push(`typeof ${x} !== "number"`, `!Number.isFinite(${x})`);
        break;
      case 'boolean':
        parts.push(`typeof ${x} !== "boolean"`);
        break;
      case 'enum':
      case 'literal': {
        const values = [...(node._zod.values ?? [])];
        const simple = values.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean' || v === null);
        if (simple && values.length <= 8) {
          parts.push(values.length === 0 ? 'true' : `(${values.map((v) => `${x} !== ${JSON.stringify(v)}`).join(' && ')})`);
        } else {
          parts.push(`!${this.constant(node._zod.values)}.has(${x})`);
        }
        break;
      }
      default:
        throw new Error(`not a leaf: ${def.type}`);
    }
    for (const check of def.checks ?? []) {
      if (!knownCheck(check, def.type)) continue;
      const c = check._zod.def;
      switch (c.check) {
        case 'min_length': {
          // zod measures strings in code points: only lengths between min and 2·min are in doubt.
          const min = Number(c.minimum);
          parts.push(`(${x}.length < ${2 * min} && (${x}.length < ${min} || cpl(${x}) < ${min}))`);
          break;
        }
        case 'max_length': {
          const max = Number(c.maximum);
          parts.push(`(${x}.length > ${max} && cpl(${x}) > ${max})`);
          break;
        }
        case 'string_format': {
          const pattern = c.pattern as RegExp;
          const ref = this.constant(pattern);
          parts.push(pattern.global || pattern.sticky ? `(${ref}.lastIndex = 0, !${ref}.test(${x}))` : `!${ref}.test(${x})`);
          break;
        }
        case 'greater_than':
          parts.push(c.inclusive ? `${x} < ${Number(c.value)}` : `${x} <= ${Number(c.value)}`);
          break;
        case 'less_than':
          parts.push(c.inclusive ? `${x} > ${Number(c.value)}` : `${x} >= ${Number(c.value)}`);
          break;
        case 'number_format':
          parts.push(`!Number.isSafeInteger(${x})`);
          break;
        default:
          throw new Error(`unexpected check ${String(c.check)}`);
      }
    }
    return parts.join(' || ');
  }

  /** Statements that run the checks zod has no inline form for, on the value in `out`. */
  private genericChecks(node: ZodNode, out: string, skip: (check: ZodNode) => boolean): string {
    let code = '';
    for (const check of node._zod.def.checks ?? []) {
      if (skip(check)) continue;
      code += `if (!chk(${this.constant(check)}, ${out})) return F;\n`;
    }
    return code;
  }

  /**
   * Statements that validate `x` against `node` and leave the output in `out` (declared by the
   * caller), or `return F` from the enclosing function. Anything needing local failure handling
   * (unions, tuples, optional keys) is its own function.
   */
  emit(node: ZodNode, x: string, out: string): string {
    const z = node._zod;
    const def = z.def;
    if (this.isLeaf(node)) return `if (${this.leafInvalid(node, x)}) return F;\n${out} = ${x};\n`;
    if (!def.checks?.length && !z.traits.has('$ZodCheck')) {
      switch (def.type) {
        case 'optional': {
          const inner = def.innerType as ZodNode;
          if (inner._zod.optin === 'defaulted') break;
          return `if (${x} === undefined) ${out} = undefined;\nelse {\n${this.emit(inner, x, out)}}\n`;
        }
        case 'nullable':
          return `if (${x} === null) ${out} = null;\nelse {\n${this.emit(def.innerType as ZodNode, x, out)}}\n`;
        case 'default': {
          // The default is not validated (zod does not either); the getter returns a fresh copy.
          const ref = this.constant(def);
          return `if (${x} === undefined) ${out} = ${ref}.defaultValue;\nelse {\n${this.emit(def.innerType as ZodNode, x, out)}if (${out} === undefined) ${out} = ${ref}.defaultValue;\n}\n`;
        }
        case 'pipe': {
          const mid = this.fresh('m');
          return `let ${mid};\n${this.emit(def.in as ZodNode, x, mid)}${this.emit(def.out as ZodNode, mid, out)}`;
        }
        case 'transform': {
          // The transform is the schema's own function, run exactly as zod runs it.
          const q = this.fresh('q');
          return `const ${q} = ${this.constant(node)}._zod.run({ value: ${x}, issues: [] }, CTX);\nif (${q} instanceof Promise || ${q}.issues.length !== 0) return F;\n${out} = ${q}.value;\n`;
        }
        default:
          break;
      }
    }
    return `${out} = ${this.fn(node)}(${x});\nif (${out} === F) return F;\n`;
  }

  /** The name of a function `(v) => output | F` for `node`, generated once per schema node. */
  fn(node: ZodNode): string {
    const known = this.names.get(node);
    if (known) return known;
    const name = `f${this.names.size}`;
    this.names.set(node, name);
    this.functions.push(`function ${name}(v) {\n${this.body(node)}}\n`);
    return name;
  }

  private delegate(node: ZodNode): string {
    return `const q = ${this.constant(node)}._zod.run({ value: v, issues: [] }, CTX);\nif (q instanceof Promise || q.issues.length !== 0) return F;\nreturn q.value;\n`;
  }

  private body(node: ZodNode): string {
    const z = node._zod;
    const def = z.def;
    if (this.isLeaf(node)) return `if (${this.leafInvalid(node, 'v')}) return F;\nreturn v;\n`;
    if (z.traits.has('$ZodCheck') || def.coerce) return this.delegate(node);
    const checks = def.checks ?? [];
    if (LEAF_TYPES.has(def.type) && checks.every((check) => check._zod.def.check !== 'overwrite')) {
      // Known checks inline, the rest (refinements) through zod's own check functions.
      return `if (${this.leafInvalid(node, 'v')}) return F;\n${this.genericChecks(node, 'v', (check) => knownCheck(check, def.type))}return v;\n`;
    }
    switch (def.type) {
      case 'object':
        return this.objectBody(node);
      case 'array': {
        const element = def.element as ZodNode;
        let code = 'if (!Array.isArray(v)) return F;\nconst n = v.length;\n';
        for (const check of checks) {
          const c = check._zod.def;
          if (c.check === 'min_length') code += `if (n < ${Number(c.minimum)}) return F;\n`;
          else if (c.check === 'max_length') code += `if (n > ${Number(c.maximum)}) return F;\n`;
        }
        code += `const o = new Array(n);\nfor (let i = 0; i < n; i++) {\nconst x = v[i];\nlet y;\n${this.emit(element, 'x', 'y')}o[i] = y;\n}\n`;
        code += this.genericChecks(node, 'o', (check) => knownCheck(check, 'array'));
        return `${code}return o;\n`;
      }
      case 'union': {
        let code = 'let y;\n';
        for (const option of def.options as ZodNode[]) {
          if (this.isLeaf(option)) code += `y = (${this.leafInvalid(option, 'v')}) ? F : v;\n`;
          else code += `y = ${this.fn(option)}(v);\n`;
          code += 'if (y !== F) {\n';
          code += checks.length ? `${this.genericChecks(node, 'y', () => false)}` : '';
          code += 'return y;\n}\n';
        }
        return `${code}return F;\n`;
      }
      case 'lazy': {
        const inner = z.innerType;
        if (!inner || checks.length) return this.delegate(node);
        return `return ${this.fn(inner)}(v);\n`;
      }
      case 'tuple': {
        const items = def.items as ZodNode[];
        const simple = !def.rest && items.every((item) => item._zod.optin === undefined && item._zod.optout === undefined);
        if (!simple || checks.length) return this.delegate(node);
        let code = `if (!Array.isArray(v) || v.length !== ${items.length}) return F;\n`;
        const outs: string[] = [];
        items.forEach((item, i) => {
          const y = `y${i}`;
          outs.push(y);
          code += `let ${y};\n{\nconst x = v[${i}];\n${this.emit(item, 'x', y)}}\n`;
        });
        return `${code}return [${outs.join(', ')}];\n`;
      }
      case 'record': {
        const keyType = def.keyType as ZodNode;
        // Enumerable key sets and loose records have their own rules in zod: let zod run them.
        if (keyType._zod.values || def.mode === 'loose' || checks.length) return this.delegate(node);
        const keyFn = this.fn(keyType);
        const self = this.constant(node);
        return (
          'if (!isPlainObject(v)) return F;\nconst o = {};\n' +
          'for (const k of Reflect.ownKeys(v)) {\n' +
          'if (k === "__proto__" || !Object.prototype.propertyIsEnumerable.call(v, k)) continue;\n' +
          `const kk = ${keyFn}(k);\n` +
          // zod retries a failing numeric key as a number; only zod itself knows that outcome.
          `if (kk === F) return typeof k === "string" && NUMERIC.test(k) ? whole(${self}, v) : F;\n` +
          'if (kk === "__proto__") continue;\n' +
          `const x = v[k];\nlet y;\n${this.emit(def.valueType as ZodNode, 'x', 'y')}o[kk] = y;\n}\nreturn o;\n`
        );
      }
      case 'optional':
      case 'nullable':
      case 'default':
      case 'pipe':
      case 'transform':
        if (checks.length) return this.delegate(node);
        if (def.type === 'optional' && (def.innerType as ZodNode)._zod.optin === 'defaulted') {
          // An absent value is offered to the defaulted inner schema; its failure just means undefined.
          const inner = this.fn(def.innerType as ZodNode);
          return `if (v === undefined) { const y = ${inner}(v); return y === F ? undefined : y; }\nreturn ${inner}(v);\n`;
        }
        return `let y;\n${this.emit(node, 'v', 'y')}return y;\n`;
      default:
        return this.delegate(node);
    }
  }

  private objectBody(node: ZodNode): string {
    const def = node._zod.def;
    const shape = def.shape as Record<string, ZodNode>;
    const catchall = def.catchall as ZodNode | undefined;
    if (catchall && catchall._zod.def.type !== 'never') return this.delegate(node);
    if (Object.getOwnPropertySymbols(shape).length > 0) return this.delegate(node);
    let code = 'if (typeof v !== "object" || v === null || Array.isArray(v)) return F;\nconst o = {};\n';
    const keys = Object.keys(shape);
    for (const key of keys) {
      if (key === '__proto__') continue;
      const field = shape[key]!;
      const k = JSON.stringify(key);
      const optin = field._zod.optin;
      const optout = field._zod.optout;
      const x = this.fresh('x');
      const y = this.fresh('y');
      code += `const ${x} = v[${k}];\nlet ${y};\n`;
      if (optin === undefined) {
        code += `if (!(${k} in v)) return F;\n${this.emit(field, x, y)}o[${k}] = ${y};\n`;
      } else if (optin === 'optional' && optout === 'optional') {
        code += `if (${k} in v) {\n${this.emit(field, x, y)}o[${k}] = ${y};\n}\n`;
      } else if (optin === 'defaulted' && optout !== 'optional') {
        code += `${this.emit(field, x, y)}o[${k}] = ${y};\n`;
      } else {
        // The remaining rungs of zod's handlePropertyResult, spelled out.
        const present = this.fresh('p');
        code += `const ${present} = ${k} in v;\n${y} = ${this.fn(field)}(${x});\n`;
        code += `if (${y} === F) { if (!${present}${optout === 'optional' ? '' : ' && false'}) {} else return F; }\n`;
        code += `else if (${y} === undefined) { if (${present}${optin === 'defaulted' && optout !== 'optional' ? ' || true' : ''}) o[${k}] = undefined; }\n`;
        code += `else o[${k}] = ${y};\n`;
      }
    }
    if (catchall) {
      const cases = keys.map((key) => `case ${JSON.stringify(key)}:`).join(' ');
      code += `for (const k in v) {\nswitch (k) { ${cases} continue; default: return F; }\n}\n`;
    }
    code += this.genericChecks(node, 'o', () => false);
    return `${code}return o;\n`;
  }

  build<T>(root: ZodNode): FastParser<T> {
    const entry = this.fn(root);
    const source = `"use strict";\n${this.functions.join('\n')}\nreturn ${entry};`;
    const factory = new Function('c', 'F', 'CTX', 'chk', 'cpl', 'isPlainObject', 'NUMERIC', 'whole', source) as (...args: unknown[]) => FastParser<T>;
    return factory(this.constants, FAST_FALLBACK, CTX, runCheck, util.codePointLength, util.isPlainObject, regexes.number, runWhole);
  }

  source(): string {
    return this.functions.join('\n');
  }
}

const CTX = { async: false } as const;

/** Runs one zod check the way zod's runner does; true when it added no issue. */
function runCheck(check: ZodNode, value: unknown): boolean {
  const payload: ZodPayload = { value, issues: [] };
  const when = check._zod.def.when as ((p: ZodPayload) => boolean) | undefined;
  if (when && !when(payload)) return true;
  const result = check._zod.check?.(payload);
  return !(result instanceof Promise) && payload.issues.length === 0;
}

/** Runs a whole node through zod (used when only zod knows the answer). */
function runWhole(node: ZodNode, value: unknown): unknown {
  const result = node._zod.run({ value, issues: [] }, CTX);
  if (result instanceof Promise || result.issues.length !== 0) return FAST_FALLBACK;
  return result.value;
}

/**
 * Compiles `schema` into a fast parser. zod's memoizer (installed by default) only changes results
 * for inputs that contain reference cycles; the compiled code expects an acyclic value (parsed
 * JSON, or YAML after the depth check) and may throw RangeError on a cyclic one.
 */
export function compileFastParser<T>(schema: ZodNode): FastParser<T> {
  return new Compiler().build<T>(schema);
}

/** The generated source, for tests and for reading what the compiler made of a schema. */
export function fastParserSource(schema: ZodNode): string {
  const compiler = new Compiler();
  compiler.fn(schema);
  return compiler.source();
}
