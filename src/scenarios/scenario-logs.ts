import { MAX_CORPUS_EVENTS, RawEventInputSchema, type RawEvent } from '../contracts/raw-event.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import { issueToProblems } from './scenario-issues.js';
import type { ScenarioProblem } from './scenario-parser.js';
import type { SemanticProblem } from './scenario-semantics.js';

type Ids = ReadonlyMap<string, number>;

/** How many background events a generator makes (perHour over its range). */
function generated(g: NonNullable<Scenario['logs']>['background'][number], duration: number): number {
  const [from, to] = g.between ?? [0, duration];
  return Math.round((g.perHour * Math.abs(to - from)) / 3600);
}

/**
 * What the schema cannot check of the raw-event corpus: references to assets, phases and triggers,
 * unique ids, `cancelLogs` names, times inside the drill, and the corpus size.
 */
export function checkScenarioLogs(scenario: Scenario, ids: { assets: Ids; phases: Ids; triggers: Ids }): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const logs = scenario.logs;
  const names = new Set<string>();
  if (logs) {
    const seen = new Map<string, number>();
    const durationMs = scenario.duration * 1000;
    logs.events.forEach((event, i) => {
      const path = ['logs', 'events', i];
      if (event.id !== undefined) {
        const first = seen.get(event.id);
        if (first !== undefined) problems.push({ path: [...path, 'id'], code: 'SCENARIO_DUPLICATE_ID', message: `duplicate raw event id "${event.id}" (first defined at logs.events.${first}.id)` });
        else seen.set(event.id, i);
        names.add(event.id);
      }
      if (event.group !== undefined) names.add(event.group);
      if (event.at === undefined && event.after === undefined) {
        problems.push({ path, code: 'SCENARIO_MISSING_SCHEDULE', message: 'a raw event needs `at` (a time) or `after` (a trigger)' });
      }
      if (event.at !== undefined && event.at * 1000 > durationMs) {
        problems.push({ path: [...path, 'at'], code: 'SCENARIO_BEYOND_DURATION', message: `the event happens after the end of the drill (${scenario.duration} s)` });
      }
      if (event.asset !== undefined && !ids.assets.has(event.asset)) problems.push({ path: [...path, 'asset'], code: 'SCENARIO_UNKNOWN_REFERENCE', message: `unknown asset "${event.asset}"` });
      if (event.phase !== undefined && !ids.phases.has(event.phase)) problems.push({ path: [...path, 'phase'], code: 'SCENARIO_UNKNOWN_REFERENCE', message: `unknown phase "${event.phase}"` });
      if (event.after !== undefined && !ids.triggers.has(event.after.trigger)) {
        problems.push({ path: [...path, 'after', 'trigger'], code: 'SCENARIO_UNKNOWN_REFERENCE', message: `unknown trigger "${event.after.trigger}"` });
      }
    });
    const generators = new Map<string, number>();
    let total = logs.events.length;
    logs.background.forEach((g, i) => {
      const path = ['logs', 'background', i];
      const first = generators.get(g.id);
      if (first !== undefined) problems.push({ path: [...path, 'id'], code: 'SCENARIO_DUPLICATE_ID', message: `duplicate background generator id "${g.id}" (first defined at logs.background.${first}.id)` });
      else generators.set(g.id, i);
      if (g.asset !== undefined && !ids.assets.has(g.asset)) problems.push({ path: [...path, 'asset'], code: 'SCENARIO_UNKNOWN_REFERENCE', message: `unknown asset "${g.asset}"` });
      const [from, to] = g.between ?? [0, scenario.duration];
      if (Math.max(from, to) > scenario.duration) {
        problems.push({ path: [...path, 'between'], code: 'SCENARIO_BEYOND_DURATION', message: `the range ends after the end of the drill (${scenario.duration} s)` });
      }
      // Every {{name}} must be a variable or a time placeholder: a typo would show in every line.
      const texts = [g.raw, ...Object.values(g.fields).filter((v): v is string => typeof v === 'string')];
      for (const text of texts) {
        for (const match of text.matchAll(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*\}\}/g)) {
          const name = match[1]!;
          if (!Object.hasOwn(g.vars, name) && !name.startsWith('time.')) {
            problems.push({ path: [...path, text === g.raw ? 'raw' : 'fields'], code: 'SCENARIO_UNKNOWN_VARIABLE', message: `{{${name}}} names no variable of this generator`, needle: match[0] });
          }
        }
      }
      total += generated(g, scenario.duration);
    });
    if (total > MAX_CORPUS_EVENTS) {
      problems.push({ path: ['logs'], code: 'SCENARIO_TOO_COMPLEX', message: `the raw-event corpus would hold ${total} events; the limit is ${MAX_CORPUS_EVENTS}` });
    }
  }
  scenario.triggers.forEach((trigger, i) => {
    trigger.cancelLogs.forEach((name, j) => {
      if (!names.has(name)) {
        problems.push({ path: ['triggers', i, 'cancelLogs', j], code: 'SCENARIO_UNKNOWN_REFERENCE', message: `no raw event has the id or group "${name}"` });
      }
    });
  });
  return problems;
}

export interface NdjsonEvents {
  readonly events: RawEvent[];
  readonly problems: ScenarioProblem[];
}

/**
 * Reads one NDJSON file of raw events: one JSON object per line, blank lines ignored. Problems name
 * the file's path, the line and (for JSON syntax) the column.
 */
export function parseRawEventNdjson(text: string, file: string, maxProblems = 200): NdjsonEvents {
  const events: RawEvent[] = [];
  const problems: ScenarioProblem[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length && problems.length < maxProblems; n += 1) {
    const line = lines[n]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const at = /position (\d+)/.exec(error instanceof Error ? error.message : '');
      problems.push({ path: '', line: n + 1, column: at ? Number(at[1]) + 1 : 1, message: 'the line is not a JSON object', code: 'SCENARIO_SYNTAX', file });
      continue;
    }
    const parsed = RawEventInputSchema.safeParse(value);
    if (!parsed.success) {
      const located = parsed.error.issues.flatMap((issue) =>
        issueToProblems(issue, { locator: { locate: () => ({ line: n + 1, column: 1 }), writtenAt: () => undefined }, input: value }),
      );
      for (const p of located) problems.push({ ...p, file });
      continue;
    }
    events.push(parsed.data);
  }
  return { events, problems };
}
