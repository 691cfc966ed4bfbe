import type { AlertTemplate, EcsValue, NoiseGenerator, Scenario } from '../contracts/scenario.schema.js';
import { Prng } from './prng.js';

export type NoiseValue = string | number;

export interface NoiseAlert {
  /** `<generatorId>-<n>`, n from 1 in order of due time. */
  readonly id: string;
  readonly generatorId: string;
  readonly n: number;
  readonly dueMs: number;
  /** Template with placeholders filled; the template's answer applies unchanged. */
  readonly alert: AlertTemplate;
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g;
const WHOLE_PLACEHOLDER = /^\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}$/;

/** Replaces `{{name}}`; unknown names are left as written so authors can spot them. */
export function fillPlaceholders(text: string, values: Readonly<Record<string, NoiseValue>>): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) => (Object.hasOwn(values, name) ? String(values[name]) : whole));
}

export function drawNoiseValue(prng: Prng, variable: NoiseGenerator['vars'][string]): NoiseValue {
  if ('pick' in variable) return prng.pick(variable.pick);
  if ('ipv4In' in variable) return prng.ipv4In(variable.ipv4In);
  if ('int' in variable) return prng.int(variable.int[0], variable.int[1]);
  return prng.hex(variable.hex);
}

function fillTemplate(template: AlertTemplate, values: Readonly<Record<string, NoiseValue>>): AlertTemplate {
  const fill = (text: string): string => fillPlaceholders(text, values);
  const filled: AlertTemplate = {
    ...template,
    title: { vi: fill(template.title.vi), en: fill(template.title.en) },
    description: { vi: fill(template.description.vi), en: fill(template.description.en) },
    observables: template.observables.map((o) => ({ ...o, value: fill(o.value) })),
  };
  if (template.raw !== undefined) filled.raw = fill(template.raw);
  if (template.rule !== undefined) {
    filled.rule = { ...template.rule, name: fill(template.rule.name) };
    if (template.rule.id !== undefined) filled.rule.id = fill(template.rule.id);
    if (template.rule.author !== undefined) filled.rule.author = fill(template.rule.author);
  }
  if (template.fields !== undefined) {
    // "{{port}}" alone keeps the variable's type, so numeric ECS fields stay numbers (in lists too).
    const fillValue = (value: string | number | boolean): string | number | boolean => {
      if (typeof value !== 'string') return value;
      const whole = WHOLE_PLACEHOLDER.exec(value);
      return whole && Object.hasOwn(values, whole[1]) ? values[whole[1]] : fill(value);
    };
    const fields: Record<string, EcsValue> = {};
    for (const [key, value] of Object.entries(template.fields)) fields[key] = Array.isArray(value) ? value.map(fillValue) : fillValue(value);
    filled.fields = fields;
  }
  return filled;
}

/**
 * Expands one generator. Each generator draws from its own stream (seeded by seed and generator id),
 * so adding or editing one generator never reshuffles another's output.
 */
export function generateNoiseFor(generator: NoiseGenerator, seed: string | number): NoiseAlert[] {
  const prng = new Prng(`${seed}\u0000${generator.id}`);
  const [from, to] = generator.between;
  const low = Math.min(from, to);
  const high = Math.max(from, to);
  const seconds: number[] = new Array<number>(generator.count);
  for (let i = 0; i < generator.count; i += 1) seconds[i] = prng.int(low, high);
  seconds.sort((a, b) => a - b);
  const varNames = Object.keys(generator.vars);
  const out: NoiseAlert[] = new Array<NoiseAlert>(generator.count);
  for (let i = 0; i < generator.count; i += 1) {
    const values: Record<string, NoiseValue> = {};
    for (const name of varNames) values[name] = drawNoiseValue(prng, generator.vars[name]);
    const n = i + 1;
    out[i] = { id: `${generator.id}-${n}`, generatorId: generator.id, n, dueMs: seconds[i] * 1000, alert: fillTemplate(generator.template, values) };
  }
  return out;
}

/** All noise of a scenario, generators in scenario order, each in due-time order. */
export function generateNoise(scenario: Pick<Scenario, 'noise'>, seed: string | number): NoiseAlert[] {
  const out: NoiseAlert[] = [];
  for (const generator of scenario.noise) {
    for (const alert of generateNoiseFor(generator, seed)) out.push(alert);
  }
  return out;
}
