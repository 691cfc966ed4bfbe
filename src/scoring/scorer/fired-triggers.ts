import type { OnlyIf, Scenario } from '../../contracts/scenario.schema.js';
import { compileScenario, deliveredEventsFor, stampAction, type CompiledScenario, type EngineAction } from '../../engine/index.js';
import { toEngineAction } from '../../team-state/engine-mapping.js';
import type { ScoreInput } from './score-types.js';

/**
 * Which triggers fired for a team, for the conditional key (`onlyIf`). The log keeps what the team
 * was shown and did, not the engine's firings; the engine is deterministic, so replaying the team's
 * actions over the same (scenario, seed) gives the firings the live run had.
 */

export function usesOnlyIf(scenario: Scenario): boolean {
  return scenario.responses.some((r) => r.onlyIf) || scenario.harmful.some((h) => h.onlyIf) || scenario.reporting.some((o) => o.onlyIf);
}

// One compilation per (scenario version, seed): every team and every re-score reuse it.
const compiledCache = new WeakMap<Scenario, Map<string, CompiledScenario>>();

function compiledFor(scenario: Scenario, seed: string): CompiledScenario {
  let bySeed = compiledCache.get(scenario);
  if (bySeed === undefined) {
    bySeed = new Map();
    compiledCache.set(scenario, bySeed);
  }
  let compiled = bySeed.get(seed);
  if (compiled === undefined) {
    compiled = compileScenario(scenario, seed);
    if (bySeed.size > 16) bySeed.clear();
    bySeed.set(seed, compiled);
  }
  return compiled;
}

export function firedTriggersOf(input: ScoreInput, endMs: number): ReadonlySet<string> {
  if (input.firedTriggers !== undefined) return new Set(input.firedTriggers);
  const seed = `${input.seed ?? 0}`;
  const actions: EngineAction[] = [];
  const ordered = [...(input.actions ?? [])].sort((a, b) => a.seq - b.seq);
  for (const recorded of ordered) {
    if (recorded.virtualMs > endMs) continue;
    actions.push(stampAction(toEngineAction(recorded.action), recorded.virtualMs));
  }
  const { fired } = deliveredEventsFor({ scenario: input.scenario, seed, actions, upToVirtualMs: endMs, compiled: compiledFor(input.scenario, seed) });
  return new Set(fired.filter((f) => f.virtualMs <= endMs).map((f) => f.triggerId));
}

/** Whether an answer-key entry applies to a team with these firings; the text says why not. */
export function onlyIfHolds(onlyIf: OnlyIf | undefined, fired: ReadonlySet<string> | null): { holds: boolean; why: string } {
  if (onlyIf === undefined || fired === null) return { holds: true, why: '' };
  if ('fired' in onlyIf) return { holds: fired.has(onlyIf.fired), why: `counts only if trigger "${onlyIf.fired}" fired, and it did not for this team` };
  return { holds: !fired.has(onlyIf.notFired), why: `counts only if trigger "${onlyIf.notFired}" never fired, and it fired for this team` };
}
