import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditService, type AuditActor } from '../audit/audit.service.js';
import { AppError } from '../common/app-error.js';
import type { ClockStateDto, InjectInput, SeekInput, StreamEvent } from '../contracts/exercise.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import {
  EngineError,
  ExerciseEngine,
  ExerciseScheduler,
  rebuildEngine,
  SystemClock,
  SystemTimer,
  type ClockPort,
  type EngineAction,
  type JournalEntry,
  type TeamBatches,
  type VirtualClockSnapshot,
} from '../engine/index.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { ExerciseBus } from './exercise-bus.js';
import { clockView, eventRow, rowToStreamEvent, scheduledWallMs, toStreamEvent } from './exercise-views.js';
import {
  ExerciseEntity,
  ExerciseEventEntity,
  ExerciseJournalEntity,
  ExerciseTeamEntity,
  ExerciseTransitionEntity,
} from './exercise.entity.js';

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
  /** Engine journal entries already written to exercise_journal. */
  journalPersisted: number;
  /** Delivered events not yet written (filled by the scheduler's callback). */
  outbox: Array<{ teamId: string; events: StreamEvent[] }>;
}

const INSERT_CHUNK = 400;

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
export class ExerciseRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ExerciseRuntime.name);
  private readonly live = new Map<string, LiveExercise>();
  private readonly loading = new Map<string, Promise<LiveExercise>>();
  private readonly clock: ClockPort = new SystemClock();
  private lastFlush: Promise<void> = Promise.resolve();
  private shuttingDown = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const active = await this.dataSource.getRepository(ExerciseEntity).find({ where: { status: In(['running', 'paused']) } });
    for (const exercise of active) {
      try {
        await this.ensureLive(exercise.id);
        this.logger.log(`Resumed exercise ${exercise.id} (${exercise.status}) from its log`);
      } catch (error) {
        this.logger.error(`Could not resume exercise ${exercise.id}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const live of this.live.values()) live.scheduler.dispose();
    await this.lastFlush;
    this.live.clear();
  }

  /** Clock state of any exercise (live or not), for views. */
  clockOf(exercise: ExerciseEntity, durationMs: number): ClockStateDto {
    const live = this.live.get(exercise.id);
    const snapshot = live ? live.engine.clockSnapshot() : (JSON.parse(exercise.clockJson) as VirtualClockSnapshot);
    return clockView(snapshot, this.clock.now(), durationMs);
  }

  async control(exerciseId: string, operation: ClockOperation, actor: AuditActor): Promise<ClockStateDto> {
    const live = await this.ensureLive(exerciseId);
    const before = live.engine.clockSnapshot();
    try {
      switch (operation.op) {
        case 'start':
          live.scheduler.start();
          break;
        case 'pause':
          live.scheduler.pause();
          break;
        case 'resume':
          live.scheduler.resume();
          break;
        case 'finish':
          live.scheduler.finish();
          break;
        case 'abort':
          live.scheduler.abort();
          break;
        case 'speed':
          live.scheduler.setSpeed(operation.speed);
          break;
        case 'seek':
          if ('virtualMs' in operation.target) live.scheduler.seekTo(operation.target.virtualMs);
          else live.scheduler.seekToPhase(operation.target.phase);
          break;
        default: {
          const never: never = operation;
          throw new Error(`unknown operation ${String(never)}`);
        }
      }
    } catch (error) {
      throw toAppError(error);
    }
    const after = live.engine.clockSnapshot();
    const wallMs = this.clock.now();
    const clock = clockView(after, wallMs, live.durationMs);
    await this.flush(live, async (manager) => {
      await manager.update(ExerciseEntity, { id: exerciseId }, { status: after.status, clockJson: JSON.stringify(after) });
      if (before.status !== after.status) {
        await manager.insert(ExerciseTransitionEntity, {
          exerciseId,
          fromStatus: before.status,
          toStatus: after.status,
          byUserId: actor.id,
          atWall: new Date(wallMs).toISOString(),
          atVirtualMs: String(clock.virtualMs),
        });
      }
      await this.audit.record(
        {
          actor,
          action: `exercise.${operation.op}`,
          targetType: 'exercise',
          targetId: exerciseId,
          before: { status: before.status, speed: before.speed, virtualMs: clockView(before, wallMs, live.durationMs).virtualMs },
          after: { status: after.status, speed: after.speed, virtualMs: clock.virtualMs, ...(operation.op === 'seek' ? { target: operation.target } : {}) },
        },
        manager,
      );
    });
    this.bus.publish({ type: 'clock', exerciseId, clock });
    if (after.status === 'finished' || after.status === 'aborted') this.retire(live);
    return clock;
  }

  async inject(exerciseId: string, input: InjectInput, actor: AuditActor): Promise<{ eventId: string; teamIds: string[] }> {
    const live = await this.ensureLive(exerciseId);
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
      this.audit.record({ actor, action: 'exercise.inject', targetType: 'exercise', targetId: exerciseId, after: { eventId: result.eventId, teamIds, injectId: input.injectId, alert: input.alert } }, manager),
    );
    return { eventId: result.eventId, teamIds };
  }

  /**
   * Applies a trainee action: journaled and committed before the promise resolves, so the caller
   * acknowledges only what is durable. Triggers react within the same scheduler tick.
   */
  async act(exerciseId: string, teamId: string, action: Omit<EngineAction, 'virtualMs'>, userId: string): Promise<{ virtualMs: number }> {
    const live = await this.ensureLive(exerciseId);
    let result;
    try {
      result = live.scheduler.act(teamId, action as Parameters<ExerciseScheduler['act']>[1]);
    } catch (error) {
      throw toAppError(error);
    }
    await this.flush(live, undefined, userId);
    return { virtualMs: result.action.virtualMs };
  }

  async eventsAfter(exerciseId: string, teamId: string, afterSeq: number, limit: number): Promise<StreamEvent[]> {
    const rows = await this.dataSource
      .getRepository(ExerciseEventEntity)
      .createQueryBuilder('e')
      .where('e.team_id = :teamId AND e.exercise_id = :exerciseId AND e.seq > :afterSeq', { teamId, exerciseId, afterSeq })
      .orderBy('e.seq', 'ASC')
      .limit(limit)
      .getMany();
    return rows.map(rowToStreamEvent);
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
    const exercise = await this.dataSource.getRepository(ExerciseEntity).findOne({ where: { id: exerciseId } });
    if (!exercise) throw new AppError('EXERCISE_NOT_FOUND', `No exercise ${exerciseId}`);
    if (exercise.status === 'finished' || exercise.status === 'aborted') {
      throw new AppError('EXERCISE_FINISHED', `Exercise is ${exercise.status}; it is read-only`);
    }
    const { scenario } = await this.catalogue.byVersionId(exercise.scenarioVersionId);
    const teams = await this.dataSource.getRepository(ExerciseTeamEntity).find({ where: { exerciseId }, order: { ordinal: 'ASC' } });
    const teamIds = teams.map((t) => t.id);
    const snapshot = JSON.parse(exercise.clockJson) as VirtualClockSnapshot;
    const journalRows = await this.dataSource.getRepository(ExerciseJournalEntity).find({ where: { exerciseId }, order: { ordinal: 'ASC' } });
    const journal = journalRows.map((row) => JSON.parse(row.payload) as JournalEntry);

    let engine: ExerciseEngine;
    let recovered: TeamBatches | null = null;
    if (exercise.status === 'draft') {
      engine = new ExerciseEngine({ scenario, seed: exercise.seed, teamIds, clock: snapshot });
    } else {
      const counts = await this.deliveredCounts(exerciseId);
      const upTo = clockView(snapshot, this.clock.now(), scenario.duration * 1000).virtualMs;
      const rebuilt = rebuildEngine({ scenario, seed: exercise.seed, teamIds, journal, upToVirtualMs: upTo, clock: snapshot, deliveredCounts: counts });
      engine = rebuilt.engine;
      recovered = filterNew(rebuilt.batches, counts);
    }
    const live: LiveExercise = {
      id: exerciseId,
      engine,
      teamIds,
      durationMs: scenario.duration * 1000,
      journalPersisted: journal.length,
      outbox: [],
      scheduler: undefined as unknown as ExerciseScheduler,
    };
    (live as { scheduler: ExerciseScheduler }).scheduler = new ExerciseScheduler(engine, this.clock, new SystemTimer(), (batches) => {
      this.collect(live, batches);
      if (!this.shuttingDown) void this.flush(live);
    });
    this.live.set(exerciseId, live);
    if (recovered) {
      this.collect(live, recovered);
      await this.flush(live);
    }
    live.scheduler.rearm();
    return live;
  }

  private async deliveredCounts(exerciseId: string): Promise<Record<string, number>> {
    const rows = await this.dataSource
      .getRepository(ExerciseEventEntity)
      .createQueryBuilder('e')
      .select('e.team_id', 'teamId')
      .addSelect('MAX(e.seq)', 'maxSeq')
      .where('e.exercise_id = :exerciseId', { exerciseId })
      .groupBy('e.team_id')
      .getRawMany<{ teamId: string; maxSeq: number | string }>();
    return Object.fromEntries(rows.map((r) => [r.teamId, Number(r.maxSeq)]));
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
   */
  private flush(live: LiveExercise, extra?: (manager: EntityManager) => Promise<void>, userId?: string): Promise<void> {
    const batches = live.outbox.splice(0);
    const journal = live.engine.journal().slice(live.journalPersisted);
    const firstOrdinal = live.journalPersisted;
    live.journalPersisted += journal.length;
    const wallMs = this.clock.now();
    const job = serialTransaction(this.dataSource, async (manager) => {
      if (journal.length > 0) {
        await manager.insert(
          ExerciseJournalEntity,
          journal.map((entry, i) => ({
            exerciseId: live.id,
            ordinal: firstOrdinal + i,
            type: entry.type,
            teamId: entry.type === 'action' ? entry.teamId : null,
            actionId: entry.type === 'action' ? entry.action.actionId : null,
            userId: entry.type === 'action' ? (userId ?? null) : null,
            virtualMs: String(entry.type === 'seek' ? entry.toVirtualMs : entry.type === 'action' ? entry.action.virtualMs : entry.virtualMs),
            wallMs: String(wallMs),
            payload: JSON.stringify(entry),
          })),
        );
      }
      const rows = batches.flatMap((b) => b.events.map((e) => eventRow(live.id, b.teamId, e)));
      for (let i = 0; i < rows.length; i += INSERT_CHUNK) await manager.insert(ExerciseEventEntity, rows.slice(i, i + INSERT_CHUNK));
      if (extra) await extra(manager);
    });
    const published = job.then(() => {
      for (const batch of batches) this.bus.publish({ type: 'events', exerciseId: live.id, teamId: batch.teamId, events: batch.events });
    });
    this.lastFlush = published.catch((error: unknown) => {
      this.logger.error(`Exercise ${live.id}: could not persist deliveries: ${error instanceof Error ? error.message : String(error)}`);
    });
    return published;
  }

  private retire(live: LiveExercise): void {
    live.scheduler.dispose();
    this.live.delete(live.id);
  }

  /** The scenario of a live exercise, for services that need the answer key (scoring, triage). */
  scenarioOf(exerciseId: string): Scenario | null {
    return this.live.get(exerciseId)?.engine.compiled.scenario ?? null;
  }
}

function filterNew(batches: TeamBatches, counts: Readonly<Record<string, number>>): TeamBatches {
  const result = new Map<string, { teamId: string; events: TeamBatches extends ReadonlyMap<string, infer B> ? B extends { events: infer E } ? E : never : never; fired: [] }>();
  for (const [teamId, batch] of batches) {
    result.set(teamId, { teamId, events: batch.events.filter((e) => e.seq > (counts[teamId] ?? 0)), fired: [] });
  }
  return result as unknown as TeamBatches;
}
