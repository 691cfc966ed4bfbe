import type { Era } from '../contracts/common.schema.js';
import type { AlertTemplate, Scenario } from '../contracts/scenario.schema.js';
import { compileScenario, type CompiledScenario } from './compiled-scenario.js';
import { stampAction, type EngineAction, type UnstampedAction } from './engine-action.js';
import { EngineError } from './engine-error.js';
import { TeamStream, type DeliveredEvent, type FiredTrigger, type StepResult } from './team-stream.js';
import { toTraineeAlert, type TraineeAlert } from './trainee-alert.js';
import { VirtualClock, type ClockState, type VirtualClockSnapshot } from './virtual-clock.js';

/** What a rebuild needs besides the scenario and seed: every input that changed a team's stream. */
export type JournalEntry =
  | { readonly type: 'action'; readonly teamId: string; readonly action: EngineAction }
  | {
      readonly type: 'inject';
      readonly virtualMs: number;
      readonly eventId: string;
      readonly teamIds: readonly string[];
      /** Library inject id, or absent for an ad-hoc alert (then `alert` holds it). */
      readonly injectId?: string;
      readonly alert?: AlertTemplate;
    }
  | { readonly type: 'seek'; readonly fromVirtualMs: number; readonly toVirtualMs: number };

export interface TeamBatch {
  readonly teamId: string;
  readonly events: readonly DeliveredEvent[];
  readonly fired: readonly FiredTrigger[];
}

/** One batch per team, in the exercise's team order. */
export type TeamBatches = ReadonlyMap<string, TeamBatch>;

export interface TickResult {
  readonly virtualMs: number;
  readonly batches: TeamBatches;
}

export interface ClockOpResult extends TickResult {
  readonly clock: ClockState;
}

export interface ActionResult {
  readonly teamId: string;
  readonly action: EngineAction;
  readonly events: readonly DeliveredEvent[];
  readonly fired: readonly FiredTrigger[];
  readonly journal: JournalEntry;
}

export interface InjectResult extends TickResult {
  readonly eventId: string;
  readonly journal: JournalEntry;
}

export type InjectSource = { readonly injectId: string } | { readonly alert: AlertTemplate };

export interface ExerciseEngineOptions {
  readonly scenario: Scenario;
  readonly seed: string | number;
  readonly teamIds: readonly string[];
  readonly speed?: number;
  /** Continue an existing clock (after a restart); the streams still need rebuildEngine's replay. */
  readonly clock?: VirtualClockSnapshot;
  /** Reuse a compilation of the same (scenario, seed). */
  readonly compiled?: CompiledScenario;
  /** Default true (see deliveryJitterMs); off only in unit tests of scheduling rules. */
  readonly deliveryJitter?: boolean;
  /** The exercise's era (party names in `{{party.<id>}}` placeholders); default the scenario's. */
  readonly era?: Era;
}

/**
 * One exercise: the shared virtual clock and one TeamStream per team. Wall time is always passed
 * in, so the engine itself is pure and deterministic; ExerciseScheduler adds the single timer.
 */
export class ExerciseEngine {
  readonly compiled: CompiledScenario;
  private readonly clock: VirtualClock;
  private readonly streams = new Map<string, TeamStream>();
  /** The journal from ordinal `journalReleased` on (see releaseJournal). */
  private readonly journalEntries: JournalEntry[] = [];
  private journalReleased = 0;
  private injectCounter = 0;

  constructor(options: ExerciseEngineOptions) {
    this.compiled =
      options.compiled ??
      compileScenario(options.scenario, options.seed, {
        deliveryJitter: options.deliveryJitter ?? true,
        ...(options.era === undefined ? {} : { era: options.era }),
      });
    this.clock = options.clock === undefined ? new VirtualClock(options.speed ?? 1) : VirtualClock.restore(options.clock);
    for (const teamId of options.teamIds) {
      if (this.streams.has(teamId)) throw new EngineError('DUPLICATE_TEAM', `team "${teamId}" listed twice`);
      this.streams.set(teamId, new TeamStream(teamId, this.compiled));
    }
  }

  get teamIds(): readonly string[] {
    return [...this.streams.keys()];
  }

  team(teamId: string): TeamStream {
    const stream = this.streams.get(teamId);
    if (stream === undefined) throw new EngineError('UNKNOWN_TEAM', `no team "${teamId}" in this exercise`);
    return stream;
  }

  /** The journal entries not released yet (all of them, unless releaseJournal was called). */
  journal(): readonly JournalEntry[] {
    return this.journalEntries;
  }

  /** How many entries the journal has had: the ordinal the next one gets. */
  journalLength(): number {
    return this.journalReleased + this.journalEntries.length;
  }

  /** The entries from `ordinal` on; released entries are gone. */
  journalFrom(ordinal: number): readonly JournalEntry[] {
    if (ordinal < this.journalReleased) throw new EngineError('INVALID_JOURNAL', `journal entries before ${this.journalReleased} were released`);
    return this.journalEntries.slice(ordinal - this.journalReleased);
  }

  /**
   * Forgets the entries before `ordinal`: the caller has persisted them and reads them from there.
   * Otherwise a drill's whole journal (every trainee action) stays in memory for as long as it runs.
   */
  releaseJournal(ordinal: number): void {
    const count = Math.min(ordinal, this.journalLength()) - this.journalReleased;
    if (count <= 0) return;
    this.journalEntries.splice(0, count);
    this.journalReleased += count;
  }

  clockSnapshot(): VirtualClockSnapshot {
    return this.clock.snapshot();
  }

  clockState(wallMs: number): ClockState {
    return this.clock.stateAt(wallMs);
  }

  virtualNow(wallMs: number): number {
    return this.clock.virtualAt(wallMs);
  }

  // ------------------------------------------------------------------ time

  /** Advances every team to the clock's current virtual time. Draft and aborted exercises deliver nothing. */
  tick(wallMs: number): TickResult {
    const status = this.clock.status;
    const virtualMs = this.clock.virtualAt(wallMs);
    if (status === 'draft' || status === 'aborted') return { virtualMs, batches: this.emptyBatches() };
    return { virtualMs, batches: this.advanceAll(virtualMs, false) };
  }

  /**
   * Wall time at which the earliest pending event or deadline check of any team falls due at the
   * current speed; null when the clock is not running or nothing is pending.
   */
  nextWakeWallMs(): number | null {
    if (!this.clock.isRunning) return null;
    let earliest: number | null = null;
    for (const stream of this.streams.values()) {
      const due = stream.nextDueMs();
      if (due !== null && (earliest === null || due < earliest)) earliest = due;
    }
    return earliest === null ? null : this.clock.wallAt(earliest);
  }

  start(wallMs: number): ClockOpResult {
    this.clock.start(wallMs);
    return this.afterClockChange(wallMs, this.emptyBatches());
  }

  pause(wallMs: number): ClockOpResult {
    this.clock.pause(wallMs);
    return this.afterClockChange(wallMs, this.emptyBatches());
  }

  resume(wallMs: number): ClockOpResult {
    this.clock.resume(wallMs);
    return this.afterClockChange(wallMs, this.emptyBatches());
  }

  setSpeed(speed: number, wallMs: number): ClockOpResult {
    this.clock.setSpeed(speed, wallMs);
    return this.afterClockChange(wallMs, this.emptyBatches());
  }

  finish(wallMs: number): ClockOpResult {
    this.clock.finish(wallMs);
    return this.afterClockChange(wallMs, this.emptyBatches());
  }

  /** Finishes at a virtual time already reached (see VirtualClock.finishAt); delivers what is due up to it, nothing after. */
  finishAt(virtualMs: number, wallMs: number): ClockOpResult {
    this.clock.finishAt(virtualMs, wallMs);
    return this.afterClockChange(wallMs, this.emptyBatches());
  }

  abort(wallMs: number): ClockOpResult {
    this.clock.abort(wallMs);
    return { virtualMs: this.clock.virtualAt(wallMs), batches: this.emptyBatches(), clock: this.clock.stateAt(wallMs) };
  }

  /** Jumps forward; what the jump skips is delivered at once, flagged catchUp. */
  seekTo(targetVirtualMs: number, wallMs: number): ClockOpResult {
    const fromVirtualMs = this.clock.virtualAt(wallMs);
    this.clock.seekTo(targetVirtualMs, wallMs);
    const batches = this.applySeek(fromVirtualMs, targetVirtualMs);
    this.journalEntries.push({ type: 'seek', fromVirtualMs, toVirtualMs: targetVirtualMs });
    return this.afterClockChange(wallMs, batches);
  }

  /** Seeks to the earliest pending event of a kill-chain phase across all teams. */
  seekToPhase(phaseId: string, wallMs: number): ClockOpResult {
    if (!this.compiled.scenario.phases.some((phase) => phase.id === phaseId)) {
      throw new EngineError('UNKNOWN_PHASE', `scenario has no phase "${phaseId}"`);
    }
    let target: number | null = null;
    for (const stream of this.streams.values()) {
      const due = stream.earliestPendingOfPhase(phaseId);
      if (due !== null && (target === null || due < target)) target = due;
    }
    if (target === null) throw new EngineError('PHASE_NOT_PENDING', `no team has a pending event of phase "${phaseId}"`);
    return this.seekTo(Math.max(target, this.clock.virtualAt(wallMs)), wallMs);
  }

  // ------------------------------------------------------------------ teams

  /**
   * Applies an action already stamped with its virtual time (not before the team's time). Pass
   * `wallMs` to also refuse actions stamped ahead of the exercise clock.
   */
  applyAction(teamId: string, action: EngineAction, wallMs?: number): ActionResult {
    this.assertActive();
    if (wallMs !== undefined && action.virtualMs > this.clock.virtualAt(wallMs)) {
      throw new EngineError('ACTION_IN_FUTURE', `action ${action.actionId} at ${action.virtualMs} ms is ahead of the clock`);
    }
    const result = this.team(teamId).applyAction(action);
    const journal: JournalEntry = { type: 'action', teamId, action };
    this.journalEntries.push(journal);
    return { teamId, action, events: result.events, fired: result.fired, journal };
  }

  /** Stamps the action with the clock's virtual time at `wallMs` and applies it. */
  act(teamId: string, action: UnstampedAction, wallMs: number): ActionResult {
    return this.applyAction(teamId, stampAction(action, this.clock.virtualAt(wallMs)), wallMs);
  }

  /** Delivers an alert now to the given teams; ids `inject-<n>` count per exercise. */
  inject(teamIds: readonly string[], source: InjectSource, wallMs: number): InjectResult {
    this.assertActive();
    for (const teamId of teamIds) this.team(teamId);
    if ('injectId' in source && !this.compiled.injects.has(source.injectId)) {
      throw new EngineError('UNKNOWN_INJECT', `scenario has no inject "${source.injectId}"`);
    }
    const virtualMs = this.clock.virtualAt(wallMs);
    const eventId = `inject-${this.injectCounter + 1}`;
    const journal: JournalEntry =
      'injectId' in source
        ? { type: 'inject', virtualMs, eventId, teamIds: [...teamIds], injectId: source.injectId }
        : { type: 'inject', virtualMs, eventId, teamIds: [...teamIds], alert: source.alert };
    const batches = this.applyInject(journal);
    this.journalEntries.push(journal);
    return { virtualMs, batches, eventId, journal };
  }

  // ------------------------------------------------------------------ rebuild

  /**
   * Replays a persisted journal into this freshly built engine (see rebuildEngine). Events with a seq
   * above `deliveredCounts[team]` were never sent before the crash and come out flagged catchUp.
   */
  replayJournal(journal: readonly JournalEntry[], upToVirtualMs: number, deliveredCounts: Readonly<Record<string, number>> = {}): TeamBatches {
    if (this.journalLength() > 0 || [...this.streams.values()].some((s) => s.lastSeq > 0 || s.now > 0)) {
      throw new EngineError('INVALID_JOURNAL', 'a journal can only be replayed into a fresh engine');
    }
    for (const [teamId, count] of Object.entries(deliveredCounts)) this.team(teamId).setCatchUpAfterSeq(count);
    const collected = new Map<string, { teamId: string; events: DeliveredEvent[]; fired: FiredTrigger[] }>();
    for (const teamId of this.streams.keys()) collected.set(teamId, { teamId, events: [], fired: [] });
    const collect = (teamId: string, step: StepResult | TeamBatch): void => {
      const into = collected.get(teamId);
      if (into === undefined) return;
      into.events.push(...step.events);
      into.fired.push(...step.fired);
    };
    try {
      for (const entry of journal) {
        switch (entry.type) {
          case 'action':
            collect(entry.teamId, this.team(entry.teamId).applyAction(entry.action));
            break;
          case 'inject': {
            const n = /^inject-(\d+)$/.exec(entry.eventId);
            if (n) this.injectCounter = Math.max(this.injectCounter, Number(n[1]) - 1);
            for (const batch of this.applyInject(entry).values()) collect(batch.teamId, batch);
            break;
          }
          case 'seek':
            for (const batch of this.applySeek(entry.fromVirtualMs, entry.toVirtualMs).values()) collect(batch.teamId, batch);
            break;
          default: {
            const _never: never = entry;
            throw new EngineError('INVALID_JOURNAL', `unknown journal entry ${JSON.stringify(_never)}`);
          }
        }
        this.journalEntries.push(entry);
      }
      for (const stream of this.streams.values()) {
        if (stream.now > upToVirtualMs) throw new EngineError('INVALID_JOURNAL', `journal reaches ${stream.now} ms, beyond upToVirtualMs ${upToVirtualMs}`);
      }
      for (const batch of this.advanceAll(upToVirtualMs, false).values()) collect(batch.teamId, batch);
    } catch (error) {
      if (error instanceof EngineError && error.code !== 'INVALID_JOURNAL') {
        throw new EngineError('INVALID_JOURNAL', `journal does not replay: ${error.code}: ${error.message}`);
      }
      throw error;
    } finally {
      for (const stream of this.streams.values()) stream.setCatchUpAfterSeq(null);
    }
    return collected;
  }

  // ------------------------------------------------------------------ internals

  private assertActive(): void {
    const status = this.clock.status;
    if (status !== 'running' && status !== 'paused') {
      throw new EngineError('EXERCISE_NOT_RUNNING', `the exercise is ${status}`);
    }
  }

  private afterClockChange(wallMs: number, before: TeamBatches): ClockOpResult {
    const tick = this.tick(wallMs);
    return { virtualMs: tick.virtualMs, batches: mergeBatches(before, tick.batches), clock: this.clock.stateAt(wallMs) };
  }

  private applySeek(fromVirtualMs: number, toVirtualMs: number): TeamBatches {
    if (toVirtualMs < fromVirtualMs) throw new EngineError('SEEK_BACKWARDS', `cannot seek back from ${fromVirtualMs} ms to ${toVirtualMs} ms`);
    return mergeBatches(this.advanceAll(fromVirtualMs, false), this.advanceAll(toVirtualMs, true));
  }

  private applyInject(entry: Extract<JournalEntry, { type: 'inject' }>): TeamBatches {
    let alert: TraineeAlert;
    if (entry.injectId !== undefined) {
      const inject = this.compiled.injects.get(entry.injectId);
      if (inject === undefined) throw new EngineError('UNKNOWN_INJECT', `scenario has no inject "${entry.injectId}"`);
      alert = entry.eventId === inject.id ? inject.alert : { ...inject.alert, id: entry.eventId };
    } else if (entry.alert !== undefined) {
      alert = toTraineeAlert(entry.eventId, entry.alert);
    } else {
      throw new EngineError('INVALID_JOURNAL', `inject ${entry.eventId} has neither injectId nor alert`);
    }
    const batches = this.emptyBatches();
    for (const teamId of entry.teamIds) {
      const step = this.team(teamId).deliverInject(entry.eventId, entry.injectId, alert, entry.virtualMs);
      batches.set(teamId, { teamId, events: step.events, fired: step.fired });
    }
    this.injectCounter += 1;
    return batches;
  }

  private advanceAll(virtualMs: number, catchUp: boolean): Map<string, TeamBatch> {
    const batches = new Map<string, TeamBatch>();
    for (const [teamId, stream] of this.streams) {
      const step = virtualMs >= stream.now ? stream.advanceTo(virtualMs, { catchUp }) : { events: [], fired: [] };
      batches.set(teamId, { teamId, events: step.events, fired: step.fired });
    }
    return batches;
  }

  private emptyBatches(): Map<string, TeamBatch> {
    const batches = new Map<string, TeamBatch>();
    for (const teamId of this.streams.keys()) batches.set(teamId, { teamId, events: [], fired: [] });
    return batches;
  }
}

export function mergeBatches(first: TeamBatches, second: TeamBatches): Map<string, TeamBatch> {
  const merged = new Map<string, TeamBatch>();
  for (const [teamId, batch] of first) merged.set(teamId, batch);
  for (const [teamId, batch] of second) {
    const earlier = merged.get(teamId);
    merged.set(teamId, earlier === undefined ? batch : { teamId, events: [...earlier.events, ...batch.events], fired: [...earlier.fired, ...batch.fired] });
  }
  return merged;
}

/** Total number of delivered events in a batch set; handy for "anything to broadcast?" checks. */
export function countEvents(batches: TeamBatches): number {
  let total = 0;
  for (const batch of batches.values()) total += batch.events.length;
  return total;
}
