import type { Condition, ReportKind, TimeRef, Verdict } from '../contracts/scenario.schema.js';
import type { Severity } from '../contracts/common.schema.js';
import {
  AGENDA_CHECK,
  AGENDA_EVENT,
  compareAgenda,
  ceilToSecond,
  secondsToMs,
  type AgendaItem,
  type CompiledScenario,
  type DependencyKey,
} from './compiled-scenario.js';
import { normalizeTarget, type EngineAction } from './engine-action.js';
import { EngineError } from './engine-error.js';
import { MinHeap } from './min-heap.js';
import type { TraineeAlert } from './trainee-alert.js';

export type EventOrigin = 'timeline' | 'noise' | 'inject';

export interface DeliveredEvent {
  /** Per team: 1, 2, 3, ... in delivery order. */
  readonly seq: number;
  readonly eventId: string;
  /** When the event was due (for injects: when it was injected). */
  readonly virtualMs: number;
  /** Virtual time the team actually received it: later than virtualMs only for catch-up. */
  readonly deliveredAtMs: number;
  /** Delivered late in a burst (seek forward or recovery after a crash), not at its own time. */
  readonly catchUp: boolean;
  readonly origin: EventOrigin;
  /** For injects taken from the scenario's inject library: the library id (answer key lookup). */
  readonly injectId?: string;
  readonly alert: TraineeAlert;
}

export interface FiredTrigger {
  readonly triggerId: string;
  readonly virtualMs: number;
  /** Pending or waiting events dropped by this firing, in event order. */
  readonly cancelled: readonly string[];
  readonly scheduled: readonly { readonly eventId: string; readonly dueMs: number }[];
}

export interface StepResult {
  readonly events: DeliveredEvent[];
  readonly fired: FiredTrigger[];
}

export interface RouteRecord {
  readonly actionId: string;
  readonly virtualMs: number;
  readonly to: string;
  readonly alertId?: string;
  readonly incidentId?: string;
}

export interface ReportRecord {
  readonly actionId: string;
  readonly virtualMs: number;
  readonly kind: ReportKind;
  readonly recipients: readonly string[];
  readonly incidentId?: string;
  readonly content?: readonly string[];
}

const WAITING = 0; // conditional, trigger not fired yet
const SCHEDULED = 1;
const DELIVERED = 2;
const CANCELLED = 3;

const SEP = '\u0000';

export interface TeamStreamOptions {
  /** Events numbered above this seq are flagged catch-up (used when rebuilding after a crash). */
  readonly catchUpAfterSeq?: number;
}

/**
 * One team's view of the exercise: what is pending, what was delivered (with seq), what the team
 * did, and which triggers fired. Time only moves forward, through advanceTo / applyAction.
 *
 * Ordering at equal virtual time: time checks (deadlines) before events, events by scenario order,
 * and anything due at time T before an action taken at T. Replay relies on that last rule.
 */
export class TeamStream {
  private nowMs = 0;
  private baseCursor = 0;
  private readonly dynamic = new MinHeap<AgendaItem>(compareAgenda);
  private readonly eventState: Uint8Array;
  private readonly dynamicDue = new Map<number, number>();
  private readonly fired: Uint8Array;
  private seq = 0;
  private catchUpAfterSeq: number;

  private readonly takenEarliest = new Map<string, number>();
  private readonly reportedEarliest = new Map<string, number>();
  private readonly deliveredAt = new Map<string, number>();
  private readonly currentVerdicts = new Map<string, Verdict>();
  private readonly currentSeverities = new Map<string, Severity>();
  private readonly routedTo = new Set<string>();
  private readonly routes: RouteRecord[] = [];
  private readonly reports: ReportRecord[] = [];
  private readonly deliveredLog: DeliveredEvent[] = [];
  private readonly actionLog: EngineAction[] = [];
  private readonly firedLog: FiredTrigger[] = [];

  private out: { events: DeliveredEvent[]; fired: FiredTrigger[] } = { events: [], fired: [] };

  constructor(
    readonly teamId: string,
    private readonly compiled: CompiledScenario,
    options: TeamStreamOptions = {},
  ) {
    this.eventState = new Uint8Array(compiled.events.length);
    for (const event of compiled.events) this.eventState[event.index] = event.after === null ? SCHEDULED : WAITING;
    this.fired = new Uint8Array(compiled.triggers.length);
    this.catchUpAfterSeq = options.catchUpAfterSeq ?? Number.POSITIVE_INFINITY;
  }

  get now(): number {
    return this.nowMs;
  }

  get lastSeq(): number {
    return this.seq;
  }

  setCatchUpAfterSeq(seq: number | null): void {
    this.catchUpAfterSeq = seq ?? Number.POSITIVE_INFINITY;
  }

  /** Copies: the stream keeps appending to its own logs. */
  delivered(): DeliveredEvent[] {
    return this.deliveredLog.slice();
  }

  /** Events with seq above `seq` (what a client that has seen up to `seq` is missing). */
  deliveredAfter(seq: number): DeliveredEvent[] {
    return this.deliveredLog.slice(Math.max(0, Math.min(seq, this.deliveredLog.length)));
  }

  actions(): EngineAction[] {
    return this.actionLog.slice();
  }

  firedTriggers(): FiredTrigger[] {
    return this.firedLog.slice();
  }

  routings(): RouteRecord[] {
    return this.routes.slice();
  }

  reportsFiled(): ReportRecord[] {
    return this.reports.slice();
  }

  verdicts(): ReadonlyMap<string, Verdict> {
    return this.currentVerdicts;
  }

  severities(): ReadonlyMap<string, Severity> {
    return this.currentSeverities;
  }

  hasFired(triggerId: string): boolean {
    const index = this.compiled.triggerIndexById.get(triggerId);
    return index !== undefined && this.fired[index] === 1;
  }

  /** State of a scheduled (timeline/noise) event for this team. */
  eventStatus(eventId: string): 'waiting' | 'scheduled' | 'delivered' | 'cancelled' | 'unknown' {
    const index = this.compiled.eventIndexById.get(eventId);
    if (index === undefined) return 'unknown';
    const state = this.eventState[index];
    return state === WAITING ? 'waiting' : state === SCHEDULED ? 'scheduled' : state === DELIVERED ? 'delivered' : 'cancelled';
  }

  /** Virtual time of the next thing that can change this team's state, or null if nothing is pending. */
  nextDueMs(): number | null {
    return this.peek()?.dueMs ?? null;
  }

  /** Earliest due time of a scheduled, undelivered event of the phase (conditional events count once scheduled). */
  earliestPendingOfPhase(phase: string): number | null {
    let best: number | null = null;
    for (const index of this.compiled.phaseEvents.get(phase) ?? []) {
      if (this.eventState[index] !== SCHEDULED) continue;
      const due = this.dynamicDue.get(index) ?? this.compiled.events[index].atMs;
      if (due !== null && (best === null || due < best)) best = due;
    }
    return best;
  }

  /**
   * Delivers everything due at or before `virtualMs`, evaluating deadlines at their exact times in
   * between. With catchUp, events due strictly before `virtualMs` are flagged as catch-up (events
   * due exactly at the target arrive on time).
   */
  advanceTo(virtualMs: number, options: { readonly catchUp?: boolean } = {}): StepResult {
    this.assertTime(virtualMs);
    if (virtualMs < this.nowMs) throw new EngineError('TIME_BACKWARDS', `team ${this.teamId} is at ${this.nowMs} ms, cannot go back to ${virtualMs} ms`);
    return this.step(() => this.drain(virtualMs, options.catchUp === true ? virtualMs : Number.NEGATIVE_INFINITY));
  }

  /** Records an action at its virtual time (after everything due by then) and fires what it triggers. */
  applyAction(action: EngineAction): StepResult {
    this.assertTime(action.virtualMs);
    if (action.virtualMs < this.nowMs) {
      throw new EngineError('ACTION_IN_PAST', `action ${action.actionId} at ${action.virtualMs} ms is before team ${this.teamId}'s time ${this.nowMs} ms`);
    }
    return this.step(() => {
      this.drain(action.virtualMs, Number.NEGATIVE_INFINITY);
      this.actionLog.push(action);
      this.evaluateDependents(this.record(action));
      // Zero-delay consequences are due now.
      this.drain(this.nowMs, Number.NEGATIVE_INFINITY);
    });
  }

  /** Delivers an ad-hoc alert at `virtualMs` (after everything due by then). */
  deliverInject(eventId: string, injectId: string | undefined, alert: TraineeAlert, virtualMs: number): StepResult {
    this.assertTime(virtualMs);
    if (virtualMs < this.nowMs) throw new EngineError('TIME_BACKWARDS', `team ${this.teamId} is at ${this.nowMs} ms, cannot inject at ${virtualMs} ms`);
    return this.step(() => {
      this.drain(virtualMs, Number.NEGATIVE_INFINITY);
      this.emit(eventId, 'inject', alert, virtualMs, false, virtualMs, injectId);
      this.drain(this.nowMs, Number.NEGATIVE_INFINITY);
    });
  }

  private step(body: () => void): StepResult {
    const out: StepResult = { events: [], fired: [] };
    this.out = out;
    body();
    return out;
  }

  private assertTime(virtualMs: number): void {
    if (!Number.isInteger(virtualMs) || virtualMs < 0)
      throw new EngineError('INVALID_TIME', `virtual time must be a non-negative integer ms, got ${virtualMs}`);
  }

  private isLive(item: AgendaItem): boolean {
    return item.kind === AGENDA_EVENT ? this.eventState[item.ref] === SCHEDULED : this.fired[item.ref] === 0;
  }

  /** Next live agenda item across the shared base agenda and this team's dynamic heap; drops stale ones. */
  private peek(): AgendaItem | undefined {
    const base = this.compiled.baseAgenda;
    while (this.baseCursor < base.length && !this.isLive(base[this.baseCursor])) this.baseCursor += 1;
    let top = this.dynamic.peek();
    while (top !== undefined && !this.isLive(top)) {
      this.dynamic.pop();
      top = this.dynamic.peek();
    }
    const fromBase = base[this.baseCursor];
    if (fromBase === undefined) return top;
    if (top === undefined || compareAgenda(fromBase, top) <= 0) return fromBase;
    return top;
  }

  private take(item: AgendaItem): void {
    if (this.compiled.baseAgenda[this.baseCursor] === item) this.baseCursor += 1;
    else this.dynamic.pop();
  }

  private drain(untilMs: number, catchUpBefore: number): void {
    for (;;) {
      const item = this.peek();
      if (item === undefined || item.dueMs > untilMs) break;
      this.take(item);
      if (item.dueMs > this.nowMs) this.nowMs = item.dueMs;
      if (item.kind === AGENDA_CHECK) {
        this.evaluate(item.ref);
      } else {
        const event = this.compiled.events[item.ref];
        this.eventState[item.ref] = DELIVERED;
        this.dynamicDue.delete(item.ref);
        const catchUp = item.dueMs < catchUpBefore;
        this.emit(event.id, event.origin, event.alert, item.dueMs, catchUp, untilMs);
      }
    }
    if (untilMs > this.nowMs) this.nowMs = untilMs;
  }

  private emit(
    eventId: string,
    origin: DeliveredEvent['origin'],
    alert: TraineeAlert,
    virtualMs: number,
    catchUp: boolean,
    /** Where the current drain is heading: a late event is received there, not at its due time. */
    drainTargetMs: number,
    injectId?: string,
  ): void {
    this.seq += 1;
    const late = catchUp || this.seq > this.catchUpAfterSeq;
    const delivered: DeliveredEvent = {
      seq: this.seq,
      eventId,
      virtualMs,
      deliveredAtMs: late ? Math.max(drainTargetMs, virtualMs) : virtualMs,
      catchUp: late,
      origin,
      ...(injectId === undefined ? {} : { injectId }),
      alert: this.compiled.deliveredAlert(alert, virtualMs),
    };
    this.deliveredLog.push(delivered);
    this.out.events.push(delivered);
    const ids = injectId === undefined || injectId === eventId ? [eventId] : [eventId, injectId];
    const keys: DependencyKey[] = [];
    for (const id of ids) {
      if (this.compiled.watchedIds.has(id) && !this.deliveredAt.has(id)) this.deliveredAt.set(id, virtualMs);
      for (const check of this.compiled.eventRefChecks.get(id) ?? []) {
        if (this.fired[check.triggerIndex] === 0) this.dynamic.push({ dueMs: virtualMs + check.plusMs, kind: AGENDA_CHECK, ref: check.triggerIndex });
      }
      keys.push(`delivered:${id}`);
    }
    this.evaluateDependents(keys);
  }

  /** Updates the team state for an action; returns the dependency keys whose triggers must be re-evaluated. */
  private record(action: EngineAction): DependencyKey[] {
    const at = action.virtualMs;
    switch (action.type) {
      case 'response': {
        const anyKey = action.action;
        if (!this.takenEarliest.has(anyKey)) this.takenEarliest.set(anyKey, at);
        if (action.target !== undefined) {
          const key = `${action.action}${SEP}${normalizeTarget(action.target)}`;
          if (!this.takenEarliest.has(key)) this.takenEarliest.set(key, at);
        }
        return [`action:${action.action}`];
      }
      case 'verdict':
        this.currentVerdicts.set(action.alertId, action.verdict);
        return [`verdict:${action.alertId}`];
      case 'severity':
        this.currentSeverities.set(action.alertId, action.severity);
        return [];
      case 'route': {
        const keys: DependencyKey[] = [];
        for (const to of action.to) {
          this.routes.push({
            actionId: action.actionId,
            virtualMs: at,
            to,
            ...(action.alertId === undefined ? {} : { alertId: action.alertId }),
            ...(action.incidentId === undefined ? {} : { incidentId: action.incidentId }),
          });
          this.routedTo.add(to);
          if (action.alertId !== undefined) this.routedTo.add(`${to}${SEP}${action.alertId}`);
          keys.push(`routed:${to}`);
        }
        return keys;
      }
      case 'report':
        this.reports.push({
          actionId: action.actionId,
          virtualMs: at,
          kind: action.kind,
          recipients: action.recipients,
          ...(action.incidentId === undefined ? {} : { incidentId: action.incidentId }),
          ...(action.content === undefined ? {} : { content: action.content }),
        });
        if (!this.reportedEarliest.has(action.kind)) this.reportedEarliest.set(action.kind, at);
        return [`reported:${action.kind}`];
      case 'other':
        return [];
      default: {
        const _never: never = action;
        throw new EngineError('INVALID_ARGUMENT', `unknown action ${JSON.stringify(_never)}`);
      }
    }
  }

  private evaluateDependents(keys: readonly DependencyKey[]): void {
    if (keys.length === 0) return;
    if (keys.length === 1) {
      for (const index of this.compiled.dependents.get(keys[0]) ?? []) this.evaluate(index);
      return;
    }
    const indices = new Set<number>();
    for (const key of keys) for (const index of this.compiled.dependents.get(key) ?? []) indices.add(index);
    for (const index of [...indices].sort((a, b) => a - b)) this.evaluate(index);
  }

  private evaluate(triggerIndex: number): void {
    if (this.fired[triggerIndex] === 1) return;
    const trigger = this.compiled.triggers[triggerIndex];
    if (!this.holds(trigger.when)) return;
    this.fired[triggerIndex] = 1;

    const cancelled: number[] = [];
    const drop = (index: number): void => {
      const state = this.eventState[index];
      // An event this very trigger schedules is not cancelled by it.
      if ((state === WAITING || state === SCHEDULED) && this.compiled.events[index].after?.triggerIndex !== triggerIndex) {
        this.eventState[index] = CANCELLED;
        this.dynamicDue.delete(index);
        cancelled.push(index);
      }
    };
    for (const index of trigger.cancel) drop(index);
    for (const phase of trigger.cancelPhases) {
      for (const index of this.compiled.phaseEvents.get(phase) ?? []) {
        const asset = this.compiled.events[index].asset;
        if (trigger.cancelAssets === null || (asset !== undefined && trigger.cancelAssets.has(asset))) drop(index);
      }
    }

    const scheduled: { eventId: string; dueMs: number }[] = [];
    for (const index of trigger.schedules) {
      if (this.eventState[index] !== WAITING) continue;
      const event = this.compiled.events[index];
      const dueMs = Math.max(
        event.atMs ?? 0,
        this.compiled.deliveryJitter ? ceilToSecond(this.nowMs + (event.after?.delayMs ?? 0)) + event.jitterMs : this.nowMs + (event.after?.delayMs ?? 0),
      );
      this.eventState[index] = SCHEDULED;
      this.dynamicDue.set(index, dueMs);
      this.dynamic.push({ dueMs, kind: AGENDA_EVENT, ref: index });
      scheduled.push({ eventId: event.id, dueMs });
    }

    const fired: FiredTrigger = {
      triggerId: trigger.id,
      virtualMs: this.nowMs,
      cancelled: cancelled.sort((a, b) => a - b).map((i) => this.compiled.events[i].id),
      scheduled,
    };
    this.firedLog.push(fired);
    this.out.fired.push(fired);
  }

  /** A TimeRef that depends on an undelivered event has not arrived: it is +Infinity. */
  private resolve(ref: TimeRef): number {
    if (typeof ref === 'number') return secondsToMs(ref);
    const delivered = this.deliveredAt.get(ref.event);
    return delivered === undefined ? Number.POSITIVE_INFINITY : delivered + secondsToMs(ref.plus ?? 0);
  }

  private earliestTaken(action: string, target: string | undefined): number | undefined {
    return this.takenEarliest.get(target === undefined ? action : `${action}${SEP}${normalizeTarget(target)}`);
  }

  private holds(condition: Condition): boolean {
    if ('taken' in condition) {
      const { action, target, by } = condition.taken;
      const at = this.earliestTaken(action, target);
      return at !== undefined && (by === undefined || at <= this.resolve(by));
    }
    if ('notTaken' in condition) {
      const { action, target, by } = condition.notTaken;
      const deadline = this.resolve(by);
      if (this.nowMs < deadline) return false;
      const at = this.earliestTaken(action, target);
      return at === undefined || at >= deadline;
    }
    if ('verdict' in condition) return this.currentVerdicts.get(condition.verdict.alert) === condition.verdict.is;
    if ('routed' in condition) {
      const { to, alert } = condition.routed;
      return this.routedTo.has(alert === undefined ? to : `${to}${SEP}${alert}`);
    }
    if ('reported' in condition) {
      const at = this.reportedEarliest.get(condition.reported.kind);
      return at !== undefined && (condition.reported.by === undefined || at <= this.resolve(condition.reported.by));
    }
    if ('delivered' in condition) return this.deliveredAt.has(condition.delivered);
    if ('time' in condition) return this.nowMs >= this.resolve(condition.time);
    if ('all' in condition) return condition.all.every((c) => this.holds(c));
    if ('any' in condition) return condition.any.some((c) => this.holds(c));
    if ('not' in condition) return !this.holds(condition.not);
    const _never: never = condition;
    throw new EngineError('INVALID_ARGUMENT', `unknown condition ${JSON.stringify(_never)}`);
  }
}
