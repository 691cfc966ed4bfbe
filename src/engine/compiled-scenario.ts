import type { Era } from '../contracts/common.schema.js';
import type { AlertAnswer, Condition, Scenario, TimeRef } from '../contracts/scenario.schema.js';
import { fillAlert, hasDeliveryPlaceholders, placeholderContext } from './delivery-placeholders.js';
import { EngineError } from './engine-error.js';
import { generateNoise } from './noise-generator.js';
import { Prng } from './prng.js';
import { toTraineeAlert, type TraineeAlert } from './trainee-alert.js';

export type ScheduledOrigin = 'timeline' | 'noise';

export interface CompiledEvent {
  /** Position in the combined (timeline, then noise) list: the deterministic tie-break. */
  readonly index: number;
  readonly id: string;
  readonly origin: ScheduledOrigin;
  /** `at` in ms (timeline: plus its delivery jitter), or null for purely conditional alerts. */
  readonly atMs: number | null;
  readonly after: { readonly triggerIndex: number; readonly delayMs: number } | null;
  /** Whole seconds added to a timeline alert's due time (see deliveryJitterMs); 0 for noise. */
  readonly jitterMs: number;
  readonly phase: string | undefined;
  readonly asset: string | undefined;
  readonly alert: TraineeAlert;
  readonly answer: AlertAnswer;
}

export interface CompiledTrigger {
  readonly index: number;
  readonly id: string;
  readonly when: Condition;
  readonly cancel: readonly number[];
  readonly cancelPhases: readonly string[];
  readonly cancelAssets: ReadonlySet<string> | null;
  /** Events whose `after.trigger` is this trigger. */
  readonly schedules: readonly number[];
}

export interface CompiledInject {
  readonly id: string;
  readonly alert: TraineeAlert;
  readonly answer: AlertAnswer;
}

/** Time checks sort before events due at the same ms so a deadline can still cancel them. */
export const AGENDA_CHECK = 0;
export const AGENDA_EVENT = 1;
export type AgendaKind = typeof AGENDA_CHECK | typeof AGENDA_EVENT;

export interface AgendaItem {
  readonly dueMs: number;
  readonly kind: AgendaKind;
  /** Event index for events, trigger index for checks. */
  readonly ref: number;
}

export function compareAgenda(a: AgendaItem, b: AgendaItem): number {
  return a.dueMs - b.dueMs || a.kind - b.kind || a.ref - b.ref;
}

export interface EventRefCheck {
  readonly triggerIndex: number;
  readonly plusMs: number;
}

/**
 * Everything about a (scenario, seed) pair that is the same for every team, computed once per
 * exercise: noise expanded, the unconditional agenda sorted, triggers indexed by what they read.
 */
export interface CompiledScenario {
  readonly scenario: Scenario;
  readonly seed: string;
  /** Whether scheduled alerts get their delivery jitter (always, outside scheduling-rule unit tests). */
  readonly deliveryJitter: boolean;
  readonly events: readonly CompiledEvent[];
  readonly eventIndexById: ReadonlyMap<string, number>;
  readonly triggers: readonly CompiledTrigger[];
  readonly triggerIndexById: ReadonlyMap<string, number>;
  readonly injects: ReadonlyMap<string, CompiledInject>;
  /** Unconditional events plus absolute time checks, sorted by compareAgenda. Shared, read-only. */
  readonly baseAgenda: readonly AgendaItem[];
  readonly phaseEvents: ReadonlyMap<string, readonly number[]>;
  /** Dependency key (see dependencyKey) → trigger indices, ascending. */
  readonly dependents: ReadonlyMap<string, readonly number[]>;
  /** Event id → checks to schedule relative to its delivery (TimeRefs `{event, plus}`). */
  readonly eventRefChecks: ReadonlyMap<string, readonly EventRefCheck[]>;
  /** Ids whose delivery time conditions read (delivered / TimeRef events). */
  readonly watchedIds: ReadonlySet<string>;
  /** The alert as delivered at `virtualMs`: `{{now}}` and `{{party.<id>}}` filled (the same object when it has none). */
  readonly deliveredAlert: (alert: TraineeAlert, virtualMs: number) => TraineeAlert;
}

export type DependencyKey = `action:${string}` | `verdict:${string}` | `routed:${string}` | `reported:${string}` | `delivered:${string}`;

export function secondsToMs(seconds: number): number {
  return Math.round(seconds * 1000);
}

/**
 * A timeline alert arrives a seeded 0–59 whole seconds after its authored time (and a
 * trigger-scheduled one on the next whole second plus that much), never after the drill's end:
 * generated noise falls on uniformly random whole seconds, so authored alerts on whole minutes
 * would otherwise tell themselves apart from noise by their delivery instant alone.
 */
export function deliveryJitterMs(seed: string | number, eventId: string): number {
  return new Prng(`${seed}\u0000delivery\u0000${eventId}`).int(0, 59) * 1000;
}

/** The next whole second at or after `ms` (trigger-scheduled alerts are due on whole seconds, as noise is). */
export function ceilToSecond(ms: number): number {
  return Math.ceil(ms / 1000) * 1000;
}

interface ConditionIndex {
  dependencies: Set<DependencyKey>;
  absoluteChecks: Set<number>;
  eventChecks: Map<string, Set<number>>;
  watched: Set<string>;
}

function indexTimeRef(ref: TimeRef, index: ConditionIndex, schedulesCheck: boolean): void {
  if (typeof ref === 'number') {
    if (schedulesCheck) index.absoluteChecks.add(secondsToMs(ref));
    return;
  }
  index.watched.add(ref.event);
  if (!schedulesCheck) return;
  const plus = secondsToMs(ref.plus ?? 0);
  const set = index.eventChecks.get(ref.event) ?? new Set<number>();
  set.add(plus);
  index.eventChecks.set(ref.event, set);
}

/**
 * Records when a condition's value can change: on which team actions/deliveries, and at which
 * time points. `taken`/`reported` with `by` only change on actions (an action after `by` comes
 * later than `by`), so only `notTaken.by` and `time` need time checks.
 */
function indexCondition(condition: Condition, index: ConditionIndex): void {
  if ('taken' in condition) {
    index.dependencies.add(`action:${condition.taken.action}`);
    if (condition.taken.by !== undefined) indexTimeRef(condition.taken.by, index, false);
  } else if ('notTaken' in condition) {
    indexTimeRef(condition.notTaken.by, index, true);
  } else if ('verdict' in condition) {
    index.dependencies.add(`verdict:${condition.verdict.alert}`);
  } else if ('routed' in condition) {
    index.dependencies.add(`routed:${condition.routed.to}`);
  } else if ('reported' in condition) {
    index.dependencies.add(`reported:${condition.reported.kind}`);
    if (condition.reported.by !== undefined) indexTimeRef(condition.reported.by, index, false);
  } else if ('delivered' in condition) {
    index.dependencies.add(`delivered:${condition.delivered}`);
    index.watched.add(condition.delivered);
  } else if ('time' in condition) {
    indexTimeRef(condition.time, index, true);
  } else if ('all' in condition) {
    for (const c of condition.all) indexCondition(c, index);
  } else if ('any' in condition) {
    for (const c of condition.any) indexCondition(c, index);
  } else if ('not' in condition) {
    indexCondition(condition.not, index);
  } else {
    const _never: never = condition;
    throw new EngineError('INVALID_ARGUMENT', `unknown condition ${JSON.stringify(_never)}`);
  }
}

export interface CompileOptions {
  /** Default true. Off only for unit tests of scheduling rules that read authored times as written. */
  readonly deliveryJitter?: boolean;
  /** The exercise's era, for `{{party.<id>}}` placeholders (default: the scenario's era). */
  readonly era?: Era;
}

export function compileScenario(scenario: Scenario, seed: string | number, options: CompileOptions = {}): CompiledScenario {
  const triggerIndexById = new Map<string, number>();
  scenario.triggers.forEach((trigger, i) => triggerIndexById.set(trigger.id, i));

  const events: CompiledEvent[] = [];
  const eventIndexById = new Map<string, number>();
  const addEvent = (event: Omit<CompiledEvent, 'index'>): void => {
    if (eventIndexById.has(event.id)) throw new EngineError('DUPLICATE_EVENT_ID', `event id "${event.id}" is used twice`);
    eventIndexById.set(event.id, events.length);
    events.push({ ...event, index: events.length });
  };

  for (const item of scenario.timeline) {
    if (item.at === undefined && item.after === undefined) {
      throw new EngineError('UNSCHEDULED_EVENT', `timeline alert "${item.id}" has neither at nor after`);
    }
    let after: CompiledEvent['after'] = null;
    if (item.after !== undefined) {
      const triggerIndex = triggerIndexById.get(item.after.trigger);
      if (triggerIndex === undefined) throw new EngineError('UNKNOWN_TRIGGER', `alert "${item.id}" waits for unknown trigger "${item.after.trigger}"`);
      after = { triggerIndex, delayMs: secondsToMs(item.after.delay) };
    }
    const jitterMs = options.deliveryJitter === false ? 0 : deliveryJitterMs(seed, item.id);
    const atMs = item.at === undefined ? null : secondsToMs(item.at);
    const endMs = secondsToMs(scenario.duration);
    addEvent({
      id: item.id,
      origin: 'timeline',
      atMs: atMs === null ? null : atMs + Math.max(0, Math.min(jitterMs, endMs - atMs)),
      after,
      jitterMs,
      phase: item.phase,
      asset: item.asset,
      alert: toTraineeAlert(item.id, item),
      answer: item.answer,
    });
  }
  for (const noise of generateNoise(scenario, seed)) {
    addEvent({
      id: noise.id,
      origin: 'noise',
      atMs: noise.dueMs,
      after: null,
      jitterMs: 0,
      phase: noise.alert.phase,
      asset: noise.alert.asset,
      alert: toTraineeAlert(noise.id, noise.alert),
      answer: noise.alert.answer,
    });
  }

  const phaseEvents = new Map<string, number[]>();
  const schedulesByTrigger: number[][] = scenario.triggers.map(() => []);
  const baseAgenda: AgendaItem[] = [];
  for (const event of events) {
    if (event.phase !== undefined) {
      const list = phaseEvents.get(event.phase) ?? [];
      list.push(event.index);
      phaseEvents.set(event.phase, list);
    }
    if (event.after !== null) schedulesByTrigger[event.after.triggerIndex].push(event.index);
    else if (event.atMs !== null) baseAgenda.push({ dueMs: event.atMs, kind: AGENDA_EVENT, ref: event.index });
  }

  const dependents = new Map<string, number[]>();
  const eventRefChecks = new Map<string, EventRefCheck[]>();
  const watchedIds = new Set<string>();
  const triggers: CompiledTrigger[] = scenario.triggers.map((trigger, index) => {
    const conditionIndex: ConditionIndex = { dependencies: new Set(), absoluteChecks: new Set(), eventChecks: new Map(), watched: watchedIds };
    indexCondition(trigger.when, conditionIndex);
    for (const key of conditionIndex.dependencies) {
      const list = dependents.get(key) ?? [];
      list.push(index);
      dependents.set(key, list);
    }
    // Every trigger is checked once at 0: a `not ...` condition can be true from the start.
    baseAgenda.push({ dueMs: 0, kind: AGENDA_CHECK, ref: index });
    for (const ms of conditionIndex.absoluteChecks) if (ms > 0) baseAgenda.push({ dueMs: ms, kind: AGENDA_CHECK, ref: index });
    for (const [eventId, pluses] of conditionIndex.eventChecks) {
      const list = eventRefChecks.get(eventId) ?? [];
      for (const plusMs of pluses) list.push({ triggerIndex: index, plusMs });
      eventRefChecks.set(eventId, list);
    }
    return {
      index,
      id: trigger.id,
      when: trigger.when,
      // Unknown ids are the validator's business; here they simply cancel nothing.
      cancel: trigger.cancel.flatMap((id) => {
        const i = eventIndexById.get(id);
        return i === undefined ? [] : [i];
      }),
      cancelPhases: trigger.cancelPhases,
      cancelAssets: trigger.cancelAssets === undefined ? null : new Set(trigger.cancelAssets),
      schedules: schedulesByTrigger[index],
    };
  });
  baseAgenda.sort(compareAgenda);

  const injects = new Map<string, CompiledInject>();
  for (const inject of scenario.injects) injects.set(inject.id, { id: inject.id, alert: toTraineeAlert(inject.id, inject), answer: inject.answer });

  return {
    scenario,
    seed: `${seed}`,
    deliveryJitter: options.deliveryJitter !== false,
    events,
    eventIndexById,
    triggers,
    triggerIndexById,
    injects,
    baseAgenda,
    phaseEvents,
    dependents,
    eventRefChecks,
    watchedIds,
    deliveredAlert: deliveredAlertFiller(scenario, options.era ?? scenario.era),
  };
}

function deliveredAlertFiller(scenario: Scenario, era: Era): CompiledScenario['deliveredAlert'] {
  const ctx = placeholderContext(scenario, era);
  // Scanned once per alert object: most alerts have no placeholder and go out as compiled.
  const scanned = new WeakMap<TraineeAlert, boolean>();
  return (alert, virtualMs) => {
    let has = scanned.get(alert);
    if (has === undefined) {
      has = hasDeliveryPlaceholders(alert);
      scanned.set(alert, has);
    }
    return has ? fillAlert(alert, ctx, virtualMs) : alert;
  };
}
