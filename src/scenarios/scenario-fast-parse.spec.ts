import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ScenarioSchema } from '../contracts/scenario.schema.js';
import { generateScenario } from '../bench/generated-scenario.js';
import { FAST_FALLBACK, fastParseScenario } from './scenario-fast-parse.js';
import { compileFastParser, type ZodNode } from './zod-fast-compiler.js';

const root = join(__dirname, '..', '..');
const validDir = join(root, 'tests', 'fixtures', 'scenarios', 'valid');
const invalidDir = join(root, 'tests', 'fixtures', 'scenarios', 'invalid');
const validFiles = [
  ...readdirSync(validDir).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(validDir, f)),
  ...readdirSync(join(root, 'scenarios')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(root, 'scenarios', f)),
];
const minimalYaml = readFileSync(join(validDir, 'minimal.yaml'), 'utf8');
const generated = (events: number): unknown => JSON.parse(JSON.stringify(generateScenario(minimalYaml, events)));

/** The fast path's verdict and output must be zod's, for any input. */
function expectSameAsZod(value: unknown, label: string): boolean {
  const zod = ScenarioSchema.safeParse(value);
  const fast = fastParseScenario(value);
  const accepted = fast !== FAST_FALLBACK;
  if (accepted !== zod.success) throw new Error(`${label}: fast path ${accepted ? 'accepted' : 'refused'}, zod ${zod.success ? 'accepted' : 'refused'}`);
  if (accepted && !isDeepStrictEqual(fast, zod.data)) {
    expect({ label, fast }).toEqual({ label, fast: zod.data });
  }
  return accepted;
}

describe('fast scenario parser: valid scenarios', () => {
  it.each(validFiles)('%s gives exactly ScenarioSchema.parse output', (file) => {
    const value: unknown = parseYaml(readFileSync(file, 'utf8'));
    expect(expectSameAsZod(value, file)).toBe(true);
  });

  it('gives exactly ScenarioSchema.parse output for the generated bench scenario', () => {
    expect(expectSameAsZod(generated(500), 'generated')).toBe(true);
  });
});

describe('fast scenario parser: invalid fixtures', () => {
  const files = readdirSync(invalidDir).filter((f) => f !== 'expected.json');
  it.each(files)('%s: fast path agrees with zod (and never accepts a shape zod refuses)', (file) => {
    const text = readFileSync(join(invalidDir, file));
    let value: unknown;
    try {
      value = file.endsWith('.json') ? JSON.parse(text.toString('utf8')) : parseYaml(text.toString('utf8'), { maxAliasCount: 100 });
    } catch {
      return; // refused before validation; nothing reaches the fast path
    }
    expectSameAsZod(value, file);
  });
});

// ---------------------------------------------------------------------------------------------
// Property-style: random, seeded mutations of valid scenarios
// ---------------------------------------------------------------------------------------------

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Container = Record<string, unknown> | unknown[];
interface Site {
  readonly parent: Container;
  readonly key: string | number;
}

function sites(value: unknown, into: Site[] = []): Site[] {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      into.push({ parent: value, key: i });
      sites(item, into);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.push({ parent: value as Record<string, unknown>, key });
      sites(item, into);
    }
  }
  return into;
}

const STRANGE_VALUES: readonly unknown[] = [
  0, -1, 1.5, 3, 1001, 1_000_001, 366 * 86_400 + 1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, true, false, null,
  '', 'x', 'Not A Slug', 'web-01', 'T1190', 'T123', 'T1505.003', '90s', '1h20m', '5x', 's', '0', '1.0.0', '1.0', 'high',
  'true-positive', 'duplicate', 'operator', 'ip', '2025', 'pre-2025', '__proto__', 'constructor', '😀', '😀'.repeat(60), 'a'.repeat(61),
  'a'.repeat(501), [], [1], ['x'], {}, { vi: 'a', en: 'b' }, { vi: '' , en: 'b' }, { event: 'a-exploit' }, { event: 'a-exploit', plus: '5m' },
  { at: 5 }, { taken: { action: 'patch' } }, { delivered: 'a-exploit' }, { all: [] }, { not: { time: 5 } },
];
const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'toString', 'Source.IP', 'source.ip', '1', '@timestamp', 'x_y'];

function mutate(root: unknown, random: () => number): void {
  const all = sites(root);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const site = pick(all);
  const current = (site.parent as Record<string | number, unknown>)[site.key];
  const op = Math.floor(random() * 7);
  const set = (v: unknown) => {
    (site.parent as Record<string | number, unknown>)[site.key] = structuredClone(v);
  };
  switch (op) {
    case 0: // remove a field / an item
      if (Array.isArray(site.parent)) site.parent.splice(site.key as number, 1);
      else delete site.parent[site.key as string];
      break;
    case 1: // wrong or strange value
      set(pick(STRANGE_VALUES));
      break;
    case 2: // extra key on an object (JSON.parse makes __proto__ an own key, like an attacker's file)
      if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
        Object.defineProperty(current, pick(EXTRA_KEYS), { value: pick(STRANGE_VALUES), enumerable: true, writable: true, configurable: true });
      } else set(pick(STRANGE_VALUES));
      break;
    case 3: // numbers out of range
      if (typeof current === 'number') set(pick([current + 1, current - 1, -current - 1, current * 1000, current + 0.5, 1_000_000_000]));
      else set(pick(STRANGE_VALUES));
      break;
    case 4: // strings that break a pattern or a length
      if (typeof current === 'string') set(pick([`${current} `, current.toUpperCase(), `${current}x`, current.slice(1), '', current.repeat(400), `${current}😀`]));
      else set(pick(STRANGE_VALUES));
      break;
    case 5: // arrays too long or with an odd element
      if (Array.isArray(current)) set(random() < 0.5 ? [...current, ...current, ...current, ...current].concat(current.length ? Array(120).fill(current[0]) : []) : [...current, pick(STRANGE_VALUES)]);
      else set(pick(STRANGE_VALUES));
      break;
    default: {
      // a value borrowed from elsewhere in the file (right type at the wrong place)
      const donor = pick(all);
      set((donor.parent as Record<string | number, unknown>)[donor.key]);
      break;
    }
  }
}

describe('fast scenario parser: seeded random mutations agree with zod', () => {
  // 1 500 + 1 000 + 4 × 300 = 3 700 mutated scenarios (the bundled drills are large, so fewer each).
  const bases: Array<[string, number, () => unknown]> = [
    ['minimal', 1500, () => parseYaml(minimalYaml)],
    ['generated', 1000, () => generated(12)],
    ...validFiles.filter((f) => !f.endsWith('minimal.yaml')).map((f): [string, number, () => unknown] => {
      const text = readFileSync(f, 'utf8');
      return [f, 300, () => parseYaml(text)];
    }),
  ];

  it.each(bases)('%s: %d mutated variants (one to three mutations each)', (name, variants, load) => {
    const random = prng(name.length * 7919 + variants);
    const pristine = load();
    let accepted = 0;
    for (let n = 0; n < variants; n++) {
      const value = structuredClone(pristine);
      const count = 1 + Math.floor(random() * 3);
      for (let m = 0; m < count; m++) mutate(value, random);
      if (expectSameAsZod(value, `${name} #${n}`)) accepted++;
    }
    // Both verdicts must occur, or the mutations test nothing.
    expect(accepted).toBeGreaterThan(variants / 50);
    expect(accepted).toBeLessThan(variants * 0.98);
  });
});

describe('schema compiler: constructs the scenario contract does not use yet', () => {
  const cases: Array<[string, z.ZodType, unknown[]]> = [
    ['loose object', z.looseObject({ a: z.string() }), [{ a: 'x', b: 1 }, { b: 1 }]],
    ['strip object', z.object({ a: z.string() }), [{ a: 'x', b: 1 }, { a: 1 }, {}]],
    ['optional default', z.object({ a: z.number().default(3).optional() }), [{}, { a: undefined }, { a: 'x' }, { a: 1 }]],
    ['record numeric keys', z.record(z.number(), z.string()), [{ 1: 'a' }, { x: 'a' }]],
    ['record enum keys', z.record(z.enum(['a', 'b']), z.number()), [{ a: 1, b: 2 }, { a: 1 }, { c: 1, a: 1, b: 1 }]],
    ['tuple optional tail', z.tuple([z.string(), z.number().optional()]), [['a'], ['a', 1], ['a', 1, 2], []]],
    ['tuple rest', z.tuple([z.string()], z.number()), [['a', 1, 2], ['a', 'b']]],
    ['refined object', z.object({ a: z.number() }).refine((o) => o.a > 1), [{ a: 2 }, { a: 1 }]],
    ['trimmed string', z.string().trim().min(2), [' ab ', ' a ']],
    ['email', z.email(), ['a@b.co', 'nope']],
    ['coerced number', z.coerce.number().int(), ['12', 'x']],
    ['nullable transform', z.string().transform((s) => s.length).nullable(), ['abc', null, 1]],
    ['code points', z.string().min(2).max(3), ['😀', '😀😀', '😀😀😀😀', 'ab']],
    ['literal union', z.union([z.literal(1), z.literal('1'), z.null()]), [1, '1', null, undefined, 2]],
  ];
  it.each(cases)('%s', (_name, schema, inputs) => {
    const fast = compileFastParser(schema as unknown as ZodNode);
    for (const input of inputs) {
      const zod = schema.safeParse(input);
      const out = fast(input);
      expect({ input, accepted: out !== FAST_FALLBACK }).toEqual({ input, accepted: zod.success });
      if (zod.success) expect(out).toStrictEqual(zod.data);
    }
  });
});
