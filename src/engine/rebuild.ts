import type { Era } from '../contracts/common.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import { compileScenario, type CompiledScenario } from './compiled-scenario.js';
import type { EngineAction } from './engine-action.js';
import { ExerciseEngine, type JournalEntry, type TeamBatches } from './exercise-engine.js';
import { TeamStream, type DeliveredEvent, type FiredTrigger } from './team-stream.js';
import type { VirtualClockSnapshot } from './virtual-clock.js';

export interface RebuildInput {
  readonly scenario: Scenario;
  readonly seed: string | number;
  readonly teamIds: readonly string[];
  /** The persisted journal (actions, injects, seeks) in the order it was recorded. */
  readonly journal: readonly JournalEntry[];
  /** Usually the restored clock's virtual time at the current wall time. */
  readonly upToVirtualMs: number;
  readonly clock?: VirtualClockSnapshot;
  /** Per team: how many events the runtime had persisted as sent; later ones come out as catch-up. */
  readonly deliveredCounts?: Readonly<Record<string, number>>;
  readonly compiled?: CompiledScenario;
  readonly era?: Era;
}

export interface RebuildResult {
  readonly engine: ExerciseEngine;
  /** Everything delivered during the replay, per team (earlier seqs reproduce the original run). */
  readonly batches: TeamBatches;
}

/**
 * Reconstructs an exercise after a crash. Same scenario, seed and journal give the same delivered
 * events with the same seq numbers, so the runtime compares with its own log and sends only what
 * is new (seq above what it had persisted), flagged catchUp.
 */
export function rebuildEngine(input: RebuildInput): RebuildResult {
  const engine = new ExerciseEngine({
    scenario: input.scenario,
    seed: input.seed,
    teamIds: input.teamIds,
    ...(input.clock === undefined ? {} : { clock: input.clock }),
    ...(input.compiled === undefined ? {} : { compiled: input.compiled }),
    ...(input.era === undefined ? {} : { era: input.era }),
  });
  const batches = engine.replayJournal(input.journal, input.upToVirtualMs, input.deliveredCounts);
  return { engine, batches };
}

export interface ReplayTeamInput {
  readonly scenario: Scenario;
  readonly seed: string | number;
  /** The team's actions in the order taken (virtual times non-decreasing). */
  readonly actions: readonly EngineAction[];
  readonly upToVirtualMs: number;
  readonly compiled?: CompiledScenario;
}

export interface ReplayTeamResult {
  readonly delivered: DeliveredEvent[];
  readonly fired: FiredTrigger[];
  readonly stream: TeamStream;
}

/**
 * Pure single-team replay without clock or injects: what a team following these actions would have
 * been shown. Meant for scoring and solver checks.
 */
export function deliveredEventsFor(input: ReplayTeamInput): ReplayTeamResult {
  const stream = new TeamStream('replay', input.compiled ?? compileScenario(input.scenario, input.seed));
  for (const action of input.actions) stream.applyAction(action);
  stream.advanceTo(Math.max(input.upToVirtualMs, stream.now));
  return { delivered: stream.delivered(), fired: stream.firedTriggers(), stream };
}
