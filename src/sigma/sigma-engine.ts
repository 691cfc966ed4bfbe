import { SigmaError } from './sigma-error.js';
import { toSigmaEvent } from './sigma-event.js';
import type { CompiledSigmaRule } from './sigma-rule.js';

/** One rule matching one event. `author` is always carried: DRL-1.1 requires it wherever a match is shown. */
export interface SigmaMatch {
  readonly rule: string | null;
  readonly title: string;
  readonly level: string | null;
  readonly author: string | null;
  /** Position of the event in the input, from 0 (blank lines are not events). */
  readonly event: number;
}

/** Runs every rule on every event, in event order then rule order. */
export function runSigmaRules(rules: readonly CompiledSigmaRule[], events: readonly Record<string, unknown>[]): SigmaMatch[] {
  const matches: SigmaMatch[] = [];
  events.forEach((raw, index) => {
    const event = toSigmaEvent(raw);
    for (const rule of rules) {
      if (rule.matches(event)) matches.push({ rule: rule.id, title: rule.title, level: rule.level, author: rule.author, event: index });
    }
  });
  return matches;
}

/** Parses newline-delimited JSON: one object per non-blank line. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  const events: Record<string, unknown>[] = [];
  // A byte-order mark is not part of the first event.
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split('\n');
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new SigmaError('SIGMA_EVENT_INVALID', `line ${i + 1}: not JSON`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new SigmaError('SIGMA_EVENT_INVALID', `line ${i + 1}: not a JSON object`);
    events.push(value as Record<string, unknown>);
  });
  return events;
}
