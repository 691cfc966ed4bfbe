import type { LoggedEvent } from './exercise-views.js';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditService, type AuditActor } from '../audit/audit.service.js';
import { ClockLeases } from '../cluster/clock-leases.js';
import { ClusterNode } from '../cluster/cluster-node.js';
import { ClusterTopics } from '../cluster/cluster-topics.js';
import { NotClockOwnerError, OwnerRouter } from '../cluster/owner-router.js';
import { AppError } from '../common/app-error.js';
import type { ClockStateDto, InjectInput, SeekInput } from '../contracts/exercise.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import {
  EngineError,
  ExerciseEngine,
  ExerciseScheduler,
  rebuildEngine,
  SystemClock,
  SystemTimer,
  type ClockOpResult,
  type ClockPort,
  type TeamBatches,
  type UnstampedAction,
  VirtualClock,
  type VirtualClockSnapshot,
  stampAction,
} from '../engine/index.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { AlertRefService } from './alert-ref.service.js';
import { ExerciseBus } from './exercise-bus.js';
import { ExerciseEndTimer } from './exercise-end-timer.js';
import { ExerciseLogRepository, journalVirtualMs } from '../exercise-log/exercise-log.repository.js';
import { type ClockEnd, clockView, scheduledWallMs, toStreamEvent } from './exercise-views.js';
import { type ExerciseEndReason, ExerciseEntity, ExerciseTeamEntity, ExerciseTransitionEntity } from './exercise.entity.js';

export type ClockOperation =
  | { readonly op: 'start' }
  | { readonly op: 'pause' }
  | { readonly op: 'resume' }
  | { readonly op: 'finish' }
  | { readonly op: 'abort' }
  | { readonly op: 'speed'; readonly speed: number }
  | { readonly op: 'seek'; readonly target: SeekInput };

interface LiveExercise {
  readonly id: string;
  readonly engine: ExerciseEngine;
  readonly scheduler: ExerciseScheduler;
  readonly teamIds: readonly string[];
  readonly durationMs: number;
  /** Keeps running past `durationMs` until finished; otherwise the exercise ends there by itself. */
  allowOvertime: boolean;
  /** The scheduler's timer, which also fires the end at the duration. */
  readonly timer: ExerciseEndTimer;
  /** Wall ms at which the clock reaches the duration (null: it does not end by itself); see refreshEnd(). */
  endWallMs: number | null;
  /** Set once the exercise is ending: its clock is final, the commit may still be under way. */
  ending: { readonly reason: ExerciseEndReason; readonly done: Promise<ClockStateDto> } | null;
  /** Engine journal entries already written to exercise_journal. */
  journalPersisted: number;
  /** Delivered events not yet written (filled by the scheduler's callback). */
  outbox: Array<{ teamId: string; events: LoggedEvent[] }>;
  /** Who took each not-yet-written action, and what the triage log keeps beside it. */
  readonly actionRecords: Map<string, ActionRecord>;
  /** The queued transaction that has not started yet: later flushes join it (group commit). */
  pendingFlush: PendingFlush | null;
}

interface ActionRecord {
  readonly userId: string;
  readonly teamSeq?: number;
  readonly detail?: string;
}

interface PendingFlush {
  readonly extras: Array<(manager: EntityManager) => Promise<void>>;
  promise: Promise<void>;
}

/** What a trainee action's `prepare` step learns once the exercise accepted it for this instant. */
export interface ActGate {
  /** Virtual time the action is stamped with. */
  readonly virtualMs: number;
  readonly wallMs: number;
  /** Whether an alert (scenario event or inject id) has been delivered to the team. */
  isDelivered: (alertId: string) => boolean;
}

export interface PreparedAction {
  readonly action: UnstampedAction;
  /** Per-team triage seq and the recorded action JSON, stored in the same journal row. */
  readonly teamSeq?: number;
  readonly detail?: string;
}

/** How often a node looks for running exercises that no node owns (a dead owner's, after its lease lapsed). */
const TAKEOVER_POLL_MS = 500;
/** Topic on which a node leaving names the exercises it has just given up. */
const HANDOVER_TOPIC = 'clock-handover';
/** The owner named while this node is leaving: no node has that id, so the router waits for the next owner. */
const LEAVING = 'leaving';

/** A live exercise, opaque outside the runtime. */
export type LiveExerciseHandle = { readonly id: string };

/** Engine errors to API codes, in one place. */
function toAppError(error: unknown): unknown {
  if (!(error instanceof EngineError)) return error;
  switch (error.code) {
    case 'SEEK_BACKWARDS':
      return new AppError('SEEK_BACKWARDS', error.message);
    case 'INVALID_SPEED':
      return new AppError('INVALID_SPEED', error.message);
    case 'UNKNOWN_PHASE':
    case 'PHASE_NOT_PENDING':
    case 'UNKNOWN_INJECT':
    case 'UNKNOWN_TEAM':
      return new AppError('VALIDATION_FAILED', error.message);
    case 'EXERCISE_NOT_RUNNING':
      return new AppError('EXERCISE_PAUSED', error.message);
    default:
      return new AppError('EXERCISE_INVALID_STATE', error.message);
  }
}

/**
 * Owns the live exercises: one engine and one absolute-clock scheduler each. Every delivered event
 * and every journal entry is committed before it is published; after a crash, `onApplicationBootstrap`
 * rebuilds running exercises from the journal and delivers what fell due meanwhile as catch-up.
 */
@Injectable()
export class ExerciseRuntime implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(ExerciseRuntime.name);
  private readonly live = new Map<string, LiveExercise>();
  private readonly loading = new Map<string, Promise<LiveExercise>>();
  private readonly endedLogStates = new Map<string, Map<string, { gateMs: number; fired: Array<{ triggerId: string; virtualMs: number }> }>>();
  private readonly clock: ClockPort = new SystemClock();
  private lastFlush: Promise<void> = Promise.resolve();
  private shuttingDown = false;
  private takeoverTimer: NodeJS.Timeout | undefined;
  private takeoverRunning = false;
  private readonly unsubscribers: Array<() => void> = [];

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
    @Inject(ExerciseLogRepository) private readonly log: ExerciseLogRepository,
    @Inject(ClusterNode) private readonly node: ClusterNode,
    @Inject(ClockLeases) private readonly leases: ClockLeases,
    @Inject(ClusterTopics) private readonly topics: ClusterTopics,
    @Inject(OwnerRouter) private readonly router: OwnerRouter,
  ) {}

  onModuleInit(): void {
    // What other nodes forward here because this node owns the exercise's clock (see OwnerRouter).
    this.router.handle<{ exerciseId: string; operation: ClockOperation; actor: AuditActor }>('exercise.control', (p) =>
      this.control(p.exerciseId, p.operation, p.actor),
    );
    this.router.handle<{ exerciseId: string; input: InjectInput; actor: AuditActor }>('exercise.inject', (p) => this.inject(p.exerciseId, p.input, p.actor));
    this.router.handle<{ exerciseId: string; allowOvertime: boolean; actor: AuditActor }>('exercise.overtime', (p) =>
      this.setOvertime(p.exerciseId, p.allowOvertime, p.actor),
    );
    this.unsubscribers.push(
      this.leases.onLost((exerciseId) => {
        const live = this.live.get(exerciseId);
        if (live) this.retire(live, false);
      }),
      this.topics.subscribe<string[]>(HANDOVER_TOPIC, (ids) => void this.takeOver(ids)),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    const active = await this.dataSource.getRepository(ExerciseEntity).find({ where: { status: In(['running', 'paused']) } });
    for (const exercise of active) {
      try {
        await this.ensureLive(exercise.id);
        this.logger.log(`Resumed exercise ${exercise.id} (${exercise.status}) from its log`);
      } catch (error) {
        if (error instanceof NotClockOwnerError) continue;
        if (error instanceof AppError && error.code === 'EXERCISE_FINISHED') {
          this.logger.log(`Exercise ${exercise.id} reached its duration while the server was down: ended there`);
          continue;
        }
        this.logger.error(`Could not resume exercise ${exercise.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
    if (this.node.clustered) {
      this.takeoverTimer = setInterval(() => void this.takeOverOrphans(), TAKEOVER_POLL_MS);
      this.takeoverTimer.unref();
    }
  }

  /**
   * Several nodes: takes over the running and paused exercises that no node holds (their owner
   * died and its lease lapsed, or it left). Every node polls; the lease lets exactly one win.
   */
  private async takeOverOrphans(): Promise<void> {
    if (this.takeoverRunning || this.shuttingDown) return;
    this.takeoverRunning = true;
    try {
      const active = await this.dataSource.getRepository(ExerciseEntity).find({ select: { id: true }, where: { status: In(['running', 'paused']) } });
      const candidates = active.map((e) => e.id).filter((id) => !this.live.has(id) && !this.loading.has(id));
      if (candidates.length === 0) return;
      const holders = await this.leases.holders(candidates);
      await this.takeOver(candidates.filter((_id, i) => holders[i] === null));
    } catch (error) {
      this.logger.error(`Takeover check failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      this.takeoverRunning = false;
    }
  }

  private async takeOver(exerciseIds: readonly string[]): Promise<void> {
    for (const exerciseId of exerciseIds) {
      if (this.shuttingDown || this.live.has(exerciseId)) continue;
      try {
        await this.ensureLive(exerciseId);
      } catch (error) {
        if (error instanceof NotClockOwnerError) continue;
        if (error instanceof AppError && error.code === 'EXERCISE_FINISHED') continue;
        this.logger.error(`Could not take over exercise ${exerciseId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  }

  /**
   * Graceful shutdown of one node among several: stops every clock here, waits for the last
   * commit, gives the leases up and names the exercises, so another node takes them over at once
   * (the stream continues from the journal, as after a crash, without waiting out the lease).
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (!this.node.clustered) return;
    this.shuttingDown = true;
    if (this.takeoverTimer) clearInterval(this.takeoverTimer);
    for (const live of this.live.values()) {
      live.timer.stop();
      live.scheduler.dispose();
    }
    await Promise.allSettled([...this.loading.values()]);
    await this.lastFlush;
    const ids = [...this.live.keys()];
    this.live.clear();
    await Promise.allSettled(ids.map((id) => this.leases.release(id)));
    if (ids.length > 0) {
      this.topics.publish(HANDOVER_TOPIC, ids);
      this.logger.log(`Handed over ${ids.length} exercise(s) to the other nodes`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.takeoverTimer) clearInterval(this.takeoverTimer);
    for (const unsubscribe of this.unsubscribers) unsubscribe();
    for (const live of this.live.values()) {
      live.timer.stop();
      live.scheduler.dispose();
    }
    await this.lastFlush;
    this.live.clear();
  }

  /** Clock state of any exercise (live or not), for views. */
  clockOf(exercise: ExerciseEntity, durationMs: number): ClockStateDto {
    const live = this.live.get(exercise.id);
    if (live) return clockView(live.engine.clockSnapshot(), this.clock.now(), durationMs, endOf(live));
    const end: ClockEnd = { allowOvertime: Boolean(exercise.allowOvertime), endReason: exercise.endReason ?? null };
    return clockView(JSON.parse(exercise.clockJson) as VirtualClockSnapshot, this.clock.now(), durationMs, end);
  }

  async control(exerciseId: string, operation: ClockOperation, actor: AuditActor | null): Promise<ClockStateDto> {
    const live = await this.ensureLive(exerciseId);
    await this.assertOpen(live);
    const before = live.engine.clockSnapshot();
    let result: ClockOpResult;
    try {
      switch (operation.op) {
        case 'start':
          result = live.scheduler.start();
          break;
        case 'pause':
          result = live.scheduler.pause();
          break;
        case 'resume':
          result = live.scheduler.resume();
          break;
        case 'finish':
          result = live.scheduler.finish();
          break;
        case 'abort':
          result = live.scheduler.abort();
          break;
        case 'speed':
          result = live.scheduler.setSpeed(operation.speed);
          break;
        case 'seek': {
          const target = this.seekTarget(live, operation.target);
          result = typeof target === 'number' ? live.scheduler.seekTo(target) : live.scheduler.seekToPhase(target.phase);
          break;
        }
        default: {
          const never: never = operation;
          throw new Error(`unknown operation ${String(never)}`);
        }
      }
    } catch (error) {
      throw toAppError(error);
    }
    const after = live.engine.clockSnapshot();
    const endReason: ExerciseEndReason | null = operation.op === 'finish' ? 'finished' : operation.op === 'abort' ? 'aborted' : null;
    this.refreshEnd(live);
    // The instant the operation took effect: a later clock.now() would report a resume at 50×
    // as already some virtual ms past the paused time.
    const done = this.commit(live, {
      before,
      after,
      wallMs: result.clock.wallMs,
      actor,
      action: `exercise.${operation.op}`,
      endReason,
      ...(operation.op === 'seek' ? { detail: { target: operation.target } } : {}),
    });
    if (endReason !== null) live.ending = { reason: endReason, done };
    const clock = await done;
    // A seek to the duration (or to a phase past it) has reached the end: the exercise ends now.
    const ended = this.endIfDue(live);
    return ended ? ended : clock;
  }

  /**
   * Turns overtime on or off (instructors, while draft, running or paused). Off once the duration
   * has passed ends the exercise at once, at the virtual time it has reached: what was done in
   * overtime stays on the record, so the clock does not go back to the duration.
   */
  async setOvertime(exerciseId: string, allowOvertime: boolean, actor: AuditActor): Promise<ClockStateDto> {
    const live = await this.ensureLive(exerciseId);
    await this.assertOpen(live);
    const was = live.allowOvertime;
    const wallMs = this.clock.now();
    const snapshot = live.engine.clockSnapshot();
    const reachedMs = live.engine.virtualNow(wallMs);
    live.allowOvertime = allowOvertime;
    const record = async (manager: EntityManager) => {
      await manager.update(ExerciseEntity, { id: exerciseId }, { allowOvertime });
      await this.audit.record(
        {
          actor,
          action: 'exercise.overtime',
          targetType: 'exercise',
          targetId: exerciseId,
          before: { allowOvertime: was },
          after: { allowOvertime, virtualMs: reachedMs },
        },
        manager,
      );
    };
    const active = snapshot.status === 'running' || snapshot.status === 'paused';
    if (!allowOvertime && active && reachedMs >= live.durationMs) {
      void this.flush(live, record).catch(() => undefined);
      return this.end(live, wallMs, actor, reachedMs).done;
    }
    this.refreshEnd(live);
    await this.flush(live, record);
    const clock = clockView(snapshot, wallMs, live.durationMs, endOf(live));
    this.bus.publish({ type: 'clock', exerciseId, clock });
    return clock;
  }

  /** Records a clock change (exercise row, transition, audit) and publishes the clock once committed; retires an exercise that ended. */
  private async commit(
    live: LiveExercise,
    change: {
      readonly before: VirtualClockSnapshot;
      readonly after: VirtualClockSnapshot;
      readonly wallMs: number;
      readonly actor: AuditActor | null;
      readonly action: string;
      readonly endReason: ExerciseEndReason | null;
      readonly detail?: Record<string, unknown>;
    },
  ): Promise<ClockStateDto> {
    const { before, after, wallMs, actor, endReason } = change;
    const end: ClockEnd = { allowOvertime: live.allowOvertime, endReason };
    const clock = clockView(after, wallMs, live.durationMs, end);
    // An end at the duration is recorded at the instant the clock got there (earlier than now after a restart).
    const atWallMs = endReason === 'duration' ? after.anchorWallMs : wallMs;
    await this.flush(live, async (manager) => {
      await manager.update(
        ExerciseEntity,
        { id: live.id },
        { status: after.status, clockJson: JSON.stringify(after), ...(endReason === null ? {} : { endReason }) },
      );
      if (before.status !== after.status) {
        await manager.insert(ExerciseTransitionEntity, {
          exerciseId: live.id,
          fromStatus: before.status,
          toStatus: after.status,
          byUserId: actor?.id ?? null,
          atWall: new Date(atWallMs).toISOString(),
          atVirtualMs: String(clock.virtualMs),
        });
      }
      await this.audit.record(
        {
          actor,
          action: change.action,
          targetType: 'exercise',
          targetId: live.id,
          before: {
            status: before.status,
            speed: before.speed,
            virtualMs: clockView(before, wallMs, live.durationMs, { ...end, allowOvertime: true }).virtualMs,
          },
          after: { status: after.status, speed: after.speed, virtualMs: clock.virtualMs, ...(endReason === null ? {} : { endReason }), ...change.detail },
        },
        manager,
      );
    });
    this.bus.publish({ type: 'clock', exerciseId: live.id, clock });
    if (after.status === 'finished' || after.status === 'aborted') this.retire(live);
    return clock;
  }

  /** A seek never takes an exercise without overtime past its duration: it stops there (and the exercise ends). */
  private seekTarget(live: LiveExercise, target: SeekInput): number | { readonly phase: string } {
    if ('virtualMs' in target) return live.allowOvertime ? target.virtualMs : Math.min(target.virtualMs, live.durationMs);
    if (live.allowOvertime) return target;
    let earliest: number | null = null;
    for (const teamId of live.teamIds) {
      const due = live.engine.team(teamId).earliestPendingOfPhase(target.phase);
      if (due !== null && (earliest === null || due < earliest)) earliest = due;
    }
    return earliest !== null && earliest > live.durationMs ? live.durationMs : target;
  }

  /**
   * Ends an exercise without overtime whose clock has reached its duration (the end timer may not
   * have fired yet): the promise of that end, or null when it is not due. Returns the ongoing end
   * of an exercise that is already ending.
   */
  private endIfDue(live: LiveExercise): Promise<ClockStateDto> | null {
    if (live.ending) return live.ending.done;
    if (live.allowOvertime || this.live.get(live.id) !== live) return null;
    const snapshot = live.engine.clockSnapshot();
    if (snapshot.status !== 'running' && snapshot.status !== 'paused') return null;
    const wallMs = this.clock.now();
    const reachedMs = live.engine.virtualNow(wallMs);
    if (reachedMs < live.durationMs) return null;
    // Exactly the duration; only an exercise that was already past it (before ends existed) stops where it is.
    let atMs = Math.max(live.durationMs, snapshot.anchorVirtualMs);
    for (const teamId of live.teamIds) atMs = Math.max(atMs, Math.min(live.engine.team(teamId).now, reachedMs));
    return this.end(live, wallMs, null, atMs).done;
  }

  /** Ends the exercise at `atVirtualMs` (reached already) with reason 'duration'; synchronous up to the commit. */
  private end(live: LiveExercise, wallMs: number, actor: AuditActor | null, atVirtualMs: number): NonNullable<LiveExercise['ending']> {
    const before = live.engine.clockSnapshot();
    let result: ClockOpResult;
    try {
      result = live.engine.finishAt(atVirtualMs, wallMs);
    } catch (error) {
      throw toAppError(error);
    }
    this.collect(live, result.batches);
    const done = this.commit(live, { before, after: live.engine.clockSnapshot(), wallMs, actor, action: 'exercise.end', endReason: 'duration' });
    live.ending = { reason: 'duration', done };
    this.refreshEnd(live);
    return live.ending;
  }

  /** Settles a due end first; then refuses anything on an exercise that has ended (or is ending). */
  private async assertOpen(live: LiveExercise): Promise<void> {
    const due = this.endIfDue(live);
    if (due) await due.catch(() => undefined);
    if (live.ending) throw new AppError('EXERCISE_FINISHED', 'The exercise is over; it is read-only');
  }

  /** Recomputes when the clock reaches the duration (after any clock or overtime change) and re-arms the timer. */
  private refreshEnd(live: LiveExercise): void {
    const snapshot = live.engine.clockSnapshot();
    live.endWallMs = live.allowOvertime || live.ending || snapshot.status !== 'running' ? null : endWallMs(snapshot, live.durationMs);
    live.scheduler.rearm();
  }

  private onEndTimer(live: LiveExercise): void {
    if (this.shuttingDown || this.live.get(live.id) !== live) return;
    try {
      const due = this.endIfDue(live);
      if (due) {
        due.catch((error: unknown) =>
          this.logger.error(`Exercise ${live.id}: could not end at its duration: ${error instanceof Error ? error.message : String(error)}`),
        );
      } else {
        this.refreshEnd(live);
      }
    } catch (error) {
      this.logger.error(`Exercise ${live.id}: could not end at its duration: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async inject(exerciseId: string, input: InjectInput, actor: AuditActor): Promise<{ eventId: string; teamIds: string[] }> {
    const live = await this.ensureLive(exerciseId);
    await this.assertOpen(live);
    const teamIds = input.teamIds ?? [...live.teamIds];
    const unknown = teamIds.filter((id) => !live.teamIds.includes(id));
    if (unknown.length > 0) throw new AppError('VALIDATION_FAILED', `Unknown team(s): ${unknown.join(', ')}`, [{ path: 'teamIds', message: 'unknown team' }]);
    let result;
    try {
      result = live.scheduler.inject(
        teamIds,
        input.injectId !== undefined
          ? { injectId: input.injectId }
          : { alert: { ...input.alert!, answer: { verdict: 'true-positive', severity: input.alert!.severity, routing: [], incident: null } } },
      );
    } catch (error) {
      throw toAppError(error);
    }
    await this.flush(live, (manager) =>
      this.audit.record(
        {
          actor,
          action: 'exercise.inject',
          targetType: 'exercise',
          targetId: exerciseId,
          after: { eventId: result.eventId, teamIds, injectId: input.injectId, alert: input.alert },
        },
        manager,
      ),
    );
    return { eventId: result.eventId, teamIds };
  }

  /**
   * Applies a trainee action: journaled and committed before the promise resolves, so the caller
   * acknowledges only what is durable. Triggers react within the same scheduler tick. Refused
   * while paused (EXERCISE_PAUSED), before the start and after the end.
   */
  async act(exerciseId: string, teamId: string, action: UnstampedAction, userId: string): Promise<{ virtualMs: number }> {
    const live = await this.ensureLive(exerciseId);
    const { virtualMs, committed } = this.actOn(live, teamId, userId, () => ({ action }));
    await committed;
    return { virtualMs };
  }

  /** The live exercise (rebuilt from the log if needed); EXERCISE_FINISHED once it is over. */
  async liveHandle(exerciseId: string): Promise<LiveExerciseHandle> {
    return this.ensureLive(exerciseId);
  }

  /**
   * The synchronous core of a trainee action, for callers that check their own state first: with
   * no await between those checks and this call, nothing can interleave. `prepare` runs after the
   * exercise state checks, with the action's virtual time; it may throw to refuse the action
   * (nothing is changed). The action is applied to the engine at once and `committed` resolves
   * once its journal row (and what it delivered) is durable; `ordinal` is that row's ordinal.
   */
  actOn(
    handle: LiveExerciseHandle,
    teamId: string,
    userId: string,
    prepare: (gate: ActGate) => PreparedAction,
  ): { virtualMs: number; ordinal: number; committed: Promise<void> } {
    const live = handle as LiveExercise;
    if (this.live.get(live.id) !== live) {
      // Handed over while this action waited: it goes to the node that runs the exercise now.
      if (this.node.clustered && this.shuttingDown) throw new NotClockOwnerError(live.id, LEAVING);
      throw new AppError('EXERCISE_FINISHED', 'The exercise is over; it is read-only');
    }
    const status = live.engine.clockSnapshot().status;
    switch (status) {
      case 'running':
        break;
      case 'paused':
        throw new AppError('EXERCISE_PAUSED', 'The exercise is paused; actions are refused until it resumes');
      case 'draft':
        throw new AppError('EXERCISE_INVALID_STATE', 'The exercise has not started');
      case 'finished':
      case 'aborted':
        throw new AppError('EXERCISE_FINISHED', `The exercise is ${status}; it is read-only`);
      default: {
        const never: never = status;
        throw new AppError('EXERCISE_INVALID_STATE', `Unknown status ${String(never)}`);
      }
    }
    let stream;
    try {
      stream = live.engine.team(teamId);
    } catch (error) {
      throw toAppError(error);
    }
    const wallMs = this.clock.now();
    const clockMs = live.engine.virtualNow(wallMs);
    if (clockMs >= live.durationMs && !live.allowOvertime) {
      // The end timer has not run yet: the exercise is over all the same, and ends now.
      this.onEndTimer(live);
      throw new AppError('EXERCISE_FINISHED', 'The exercise has reached its duration; it is read-only');
    }
    const virtualMs = Math.max(clockMs, stream.now);
    const prepared = prepare({
      virtualMs,
      wallMs,
      isDelivered: (alertId) => {
        const state = stream.eventStatus(alertId);
        if (state !== 'unknown') return state === 'delivered';
        // Injects are not scheduled events: look them up among what was delivered.
        return alertId.startsWith('inject-') && stream.delivered().some((e) => e.eventId === alertId);
      },
    });
    try {
      live.scheduler.applyAction(teamId, stampAction(prepared.action, virtualMs));
    } catch (error) {
      throw toAppError(error);
    }
    live.actionRecords.set(prepared.action.actionId, {
      userId,
      ...(prepared.teamSeq === undefined ? {} : { teamSeq: prepared.teamSeq }),
      ...(prepared.detail === undefined ? {} : { detail: prepared.detail }),
    });
    // The engine journals an action as its last entry, and a journal entry's index is its row's ordinal.
    const ordinal = live.engine.journalLength() - 1;
    return { virtualMs, ordinal, committed: this.flush(live) };
  }

  eventsAfter(exerciseId: string, teamId: string, afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    return this.log.eventsSince(exerciseId, teamId, afterSeq, limit);
  }

  /** Ensures an engine exists for an exercise that is not over (rebuilding it from the log if needed). */
  async ensureLive(exerciseId: string): Promise<LiveExercise> {
    const existing = this.live.get(exerciseId);
    if (existing) return existing;
    let loading = this.loading.get(exerciseId);
    if (!loading) {
      loading = this.load(exerciseId).finally(() => this.loading.delete(exerciseId));
      this.loading.set(exerciseId, loading);
    }
    return loading;
  }

  private async load(exerciseId: string): Promise<LiveExercise> {
    // Several nodes: only the lease holder runs the clock; the others forward to it.
    // A node handing its exercises over takes none back: the request waits for the node that takes it.
    if (this.node.clustered && this.shuttingDown) throw new NotClockOwnerError(exerciseId, LEAVING);
    const holder = await this.leases.claim(exerciseId);
    if (holder !== null) throw new NotClockOwnerError(exerciseId, holder);
    try {
      const startedAt = Date.now();
      const live = await this.loadOwned(exerciseId);
      const status = live.engine.clockSnapshot().status;
      if (this.node.clustered && status !== 'draft')
        this.logger.log(`Took over the clock of exercise ${exerciseId} (${status}) from its journal in ${Date.now() - startedAt} ms`);
      return live;
    } catch (error) {
      if (!this.live.has(exerciseId)) await this.leases.release(exerciseId).catch(() => undefined);
      throw error;
    }
  }

  private async loadOwned(exerciseId: string): Promise<LiveExercise> {
    const exercise = await this.dataSource.getRepository(ExerciseEntity).findOne({ where: { id: exerciseId } });
    if (!exercise) throw new AppError('EXERCISE_NOT_FOUND', `No exercise ${exerciseId}`);
    if (exercise.status === 'finished' || exercise.status === 'aborted') {
      throw new AppError('EXERCISE_FINISHED', `Exercise is ${exercise.status}; it is read-only`);
    }
    // The live broadcast names alerts synchronously: have the exercise's salt at hand first.
    this.alertRefs.prime(exerciseId, exercise.alertSalt);
    const { scenario } = await this.catalogue.byVersionId(exercise.scenarioVersionId);
    const teams = await this.dataSource.getRepository(ExerciseTeamEntity).find({ where: { exerciseId }, order: { ordinal: 'ASC' } });
    const teamIds = teams.map((t) => t.id);
    const snapshot = JSON.parse(exercise.clockJson) as VirtualClockSnapshot;
    const durationMs = scenario.duration * 1000;
    const allowOvertime = Boolean(exercise.allowOvertime);
    const journal = await this.log.journal(exerciseId);

    let engine: ExerciseEngine;
    let recovered: TeamBatches | null = null;
    if (exercise.status === 'draft') {
      engine = new ExerciseEngine({ scenario, seed: exercise.seed, teamIds, clock: snapshot, era: exercise.era });
    } else {
      const counts = await this.log.lastEventSeqs(exerciseId);
      const reachedMs = clockView(snapshot, this.clock.now(), durationMs, { allowOvertime: true, endReason: null }).virtualMs;
      // Down past the duration: deliver what fell due up to it, not after (the exercise ends there below).
      const upTo = allowOvertime
        ? reachedMs
        : Math.min(
            reachedMs,
            journal.reduce((max, entry) => Math.max(max, journalVirtualMs(entry)), Math.max(durationMs, snapshot.anchorVirtualMs)),
          );
      const rebuilt = rebuildEngine({
        scenario,
        seed: exercise.seed,
        teamIds,
        journal,
        upToVirtualMs: upTo,
        clock: snapshot,
        deliveredCounts: counts,
        era: exercise.era,
      });
      engine = rebuilt.engine;
      recovered = filterNew(rebuilt.batches, counts);
    }
    const live: LiveExercise = {
      id: exerciseId,
      engine,
      teamIds,
      durationMs,
      allowOvertime,
      timer: new ExerciseEndTimer(
        new SystemTimer(),
        () => live.endWallMs,
        () => this.onEndTimer(live),
      ),
      endWallMs: null,
      ending: null,
      journalPersisted: journal.length,
      outbox: [],
      actionRecords: new Map(),
      pendingFlush: null,
      scheduler: undefined as unknown as ExerciseScheduler,
    };
    // What was replayed is in the journal's rows already.
    engine.releaseJournal(journal.length);
    (live as { scheduler: ExerciseScheduler }).scheduler = new ExerciseScheduler(engine, this.clock, live.timer, (batches) => {
      this.collect(live, batches);
      if (!this.shuttingDown) void this.flush(live);
    });
    this.live.set(exerciseId, live);
    if (recovered) {
      this.collect(live, recovered);
      await this.flush(live);
    }
    // Taken over from a node that died: it may have committed events it never published. Naming
    // each stream's last committed seq lets every node send what its sockets are missing.
    if (this.node.clustered && exercise.status !== 'draft') {
      const heads = await this.log.lastEventSeqs(exerciseId);
      this.bus.publish({ type: 'heads', exerciseId, heads: teamIds.map((teamId) => ({ teamId, seq: heads[teamId] ?? 0 })) });
    }
    this.refreshEnd(live);
    const due = this.endIfDue(live);
    if (due) {
      await due;
      throw new AppError('EXERCISE_FINISHED', 'The exercise reached its duration; it is read-only');
    }
    return live;
  }

  private collect(live: LiveExercise, batches: TeamBatches): void {
    const snapshot = live.engine.clockSnapshot();
    const wallMs = this.clock.now();
    for (const [teamId, batch] of batches) {
      if (batch.events.length === 0) continue;
      live.outbox.push({ teamId, events: batch.events.map((e) => toStreamEvent(e, scheduledWallMs(snapshot, e.virtualMs, wallMs))) });
    }
  }

  /**
   * Writes what the engine produced since the last flush (journal entries, delivered events, plus
   * `extra`) in one transaction, then publishes the events. Flushes run strictly in order.
   *
   * Group commit: what to write is collected when the transaction STARTS, and flushes requested
   * while one is still queued join it, so a burst of concurrent actions costs one transaction.
   * Every caller's promise resolves only after the transaction holding its writes committed.
   */
  private flush(live: LiveExercise, extra?: (manager: EntityManager) => Promise<void>): Promise<void> {
    let pending = live.pendingFlush;
    if (!pending) {
      const created: PendingFlush = { extras: [], promise: Promise.resolve() };
      pending = created;
      live.pendingFlush = created;
      let batches: Array<{ teamId: string; events: LoggedEvent[] }> = [];
      let committedUpTo = 0;
      // The transaction is queued after this turn's I/O: actions read from every socket in the same
      // poll phase join it (one commit of many rows instead of one commit per socket read).
      const job = nextTurn().then(() =>
        serialTransaction(this.dataSource, async (manager) => {
          if (live.pendingFlush === created) live.pendingFlush = null;
          batches = live.outbox.splice(0);
          const journal = live.engine.journalFrom(live.journalPersisted);
          const firstOrdinal = live.journalPersisted;
          live.journalPersisted += journal.length;
          committedUpTo = live.journalPersisted;
          const wallMs = this.clock.now();
          const rows = journal.map((entry, i) => {
            const record = entry.type === 'action' ? live.actionRecords.get(entry.action.actionId) : undefined;
            if (entry.type === 'action') live.actionRecords.delete(entry.action.actionId);
            return {
              ordinal: firstOrdinal + i,
              entry,
              userId: record?.userId ?? null,
              wallMs,
              teamSeq: record?.teamSeq ?? null,
              detail: record?.detail ?? null,
            };
          });
          await this.log.append(manager, live.id, { journal: rows, events: batches });
          for (const write of created.extras) await write(manager);
        }),
      );
      created.promise = job.then(
        () => {
          // Committed: the rows are the record now (a rebuild reads them from there).
          live.engine.releaseJournal(committedUpTo);
          for (const batch of batches) this.bus.publish({ type: 'events', exerciseId: live.id, teamId: batch.teamId, events: batch.events });
        },
        (error: unknown) => {
          // The engine ran ahead of the database: drop it, the next access rebuilds it from the log.
          if (this.live.get(live.id) === live) this.retire(live);
          throw error;
        },
      );
      this.lastFlush = created.promise.catch((error: unknown) => {
        this.logger.error(`Exercise ${live.id}: could not persist deliveries: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
    if (extra) pending.extras.push(extra);
    return pending.promise;
  }

  /** Stops running the exercise here; `release` frees its lease for another node (not when it was lost already). */
  private retire(live: LiveExercise, release = true): void {
    live.timer.stop();
    live.scheduler.dispose();
    if (this.live.get(live.id) !== live) return;
    this.live.delete(live.id);
    if (release) {
      this.leases.release(live.id).catch((error: unknown) => {
        this.logger.warn(`Exercise ${live.id}: could not release its clock lease: ${error instanceof Error ? error.message : String(error)}`);
      });
    }
  }

  /** How many live exercises have their clock running now (the metrics gauge reads it at each scrape). */
  runningCount(): number {
    let running = 0;
    for (const live of this.live.values()) if (live.engine.clockSnapshot().status === 'running') running++;
    return running;
  }

  /**
   * How far a team's raw logs reach: the virtual time it has reached and its trigger firings, from
   * the live engine, or (once the exercise is over) from the journal replayed up to its end. The
   * search applies both at query time, so nothing past the team's clock or off its branch is read.
   */
  async teamLogState(exerciseId: string, teamId: string): Promise<{ gateMs: number; fired: Array<{ triggerId: string; virtualMs: number }> }> {
    let live: LiveExercise | null = this.live.get(exerciseId) ?? null;
    if (!live) {
      try {
        live = await this.ensureLive(exerciseId);
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'EXERCISE_FINISHED')) throw error;
      }
    }
    if (live) {
      if (!live.teamIds.includes(teamId)) throw new AppError('NOT_TEAM_MEMBER', `No team ${teamId} in this exercise`);
      const stream = live.engine.team(teamId);
      const clockMs = Math.min(live.engine.virtualNow(this.clock.now()), live.allowOvertime ? Infinity : live.durationMs);
      const next = stream.nextDueMs();
      // Something due but not yet processed (a deadline check) may still fire a trigger: stop short of it.
      const gateMs = next !== null && next <= clockMs ? Math.max(0, next - 1) : clockMs;
      return { gateMs, fired: stream.firedTriggers().map((f) => ({ triggerId: f.triggerId, virtualMs: f.virtualMs })) };
    }
    const key = exerciseId;
    let ended = this.endedLogStates.get(key);
    if (!ended) {
      const exercise = await this.dataSource.getRepository(ExerciseEntity).findOne({ where: { id: exerciseId } });
      if (!exercise) throw new AppError('EXERCISE_NOT_FOUND', `No exercise ${exerciseId}`);
      const { scenario } = await this.catalogue.byVersionId(exercise.scenarioVersionId);
      const teams = await this.dataSource.getRepository(ExerciseTeamEntity).find({ where: { exerciseId }, order: { ordinal: 'ASC' } });
      const endMs = this.clockOf(exercise, scenario.duration * 1000).virtualMs;
      const { engine } = rebuildEngine({
        scenario,
        seed: exercise.seed,
        teamIds: teams.map((t) => t.id),
        journal: await this.log.journal(exerciseId),
        upToVirtualMs: endMs,
      });
      ended = new Map(
        teams.map((t) => [
          t.id,
          {
            gateMs: endMs,
            fired: engine
              .team(t.id)
              .firedTriggers()
              .map((f) => ({ triggerId: f.triggerId, virtualMs: f.virtualMs })),
          },
        ]),
      );
      // A finished exercise never changes: keep the answer, a few exercises at most.
      if (this.endedLogStates.size >= 16) this.endedLogStates.delete(this.endedLogStates.keys().next().value!);
      this.endedLogStates.set(key, ended);
    }
    const state = ended.get(teamId);
    if (!state) throw new AppError('NOT_TEAM_MEMBER', `No team ${teamId} in this exercise`);
    return state;
  }

  /** The scenario of a live exercise, for services that need the answer key (scoring, triage). */
  scenarioOf(exerciseId: string): Scenario | null {
    return this.live.get(exerciseId)?.engine.compiled.scenario ?? null;
  }
}

function endOf(live: LiveExercise): ClockEnd {
  return { allowOvertime: live.allowOvertime, endReason: live.ending?.reason ?? null };
}

/** The wall ms at which a running clock reaches `virtualMs` (at once when it is there already). */
function endWallMs(snapshot: VirtualClockSnapshot, virtualMs: number): number {
  if (snapshot.anchorVirtualMs >= virtualMs) return snapshot.anchorWallMs;
  return VirtualClock.restore(snapshot).wallAt(virtualMs) ?? snapshot.anchorWallMs;
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function filterNew(batches: TeamBatches, counts: Readonly<Record<string, number>>): TeamBatches {
  const result = new Map<
    string,
    { teamId: string; events: TeamBatches extends ReadonlyMap<string, infer B> ? (B extends { events: infer E } ? E : never) : never; fired: [] }
  >();
  for (const [teamId, batch] of batches) {
    result.set(teamId, { teamId, events: batch.events.filter((e) => e.seq > (counts[teamId] ?? 0)), fired: [] });
  }
  return result as unknown as TeamBatches;
}
