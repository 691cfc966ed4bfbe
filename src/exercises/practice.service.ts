import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/app-config.js';
import type { ExerciseDto, ExerciseStatus } from '../contracts/exercise.schema.js';
import type { PracticeCatalogue, PracticeHints, PracticeHintTaken, PracticeOpening, StartPractice } from '../contracts/practice.schema.js';
import { UserEntity } from '../identity/user.entity.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { AlertRefService } from './alert-ref.service.js';
import { ExerciseBus } from './exercise-bus.js';
import { ExerciseRuntime } from './exercise-runtime.service.js';
import { ExerciseEntity, PracticeHintTakenEntity, PracticeOpeningEntity } from './exercise.entity.js';
import { ExercisesService } from './exercises.service.js';
import { nextPracticeHint } from './practice-hints.js';

/** A practice run in one of these states is "open": a trainee may have only one. */
const OPEN_STATUSES: readonly ExerciseStatus[] = ['draft', 'running', 'paused'];
/** How often open practice runs are checked against the idle timeout. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Self-paced practice (luyện tập): which scenario versions an organisation has opened, the trainees'
 * solo runs (ordinary exercises of kind `practice`, one team of one, owned by the trainee), their
 * practice hints, and the idle timeout that ends forgotten runs.
 */
@Injectable()
export class PracticeService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(PracticeService.name);
  /** Last activity (wall ms) of open practice runs seen since start-up; persisted by the sweep. */
  private readonly activity = new Map<string, number>();
  /** Trainees whose start is in flight: a second start waits for nothing and is refused. */
  private readonly starting = new Set<string>();
  private sweepTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    // Only runs already known to be open practice runs are tracked, so the map stays small.
    this.unsubscribe = this.bus.subscribe((message) => {
      if ((message.type === 'action' || message.type === 'clock') && this.activity.has(message.exerciseId)) this.activity.set(message.exerciseId, Date.now());
    });
    this.sweepTimer = setInterval(() => {
      this.sweepIdle(Date.now()).catch((error: unknown) =>
        this.logger.error(`Practice idle sweep failed: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  onModuleDestroy(): void {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.unsubscribe?.();
  }

  get idleTimeoutMs(): number {
    return this.config.PRACTICE_IDLE_MINUTES * 60_000;
  }

  // ---- openings (instructors, admins) ----

  async openings(user: AuthenticatedUser): Promise<PracticeOpening[]> {
    const rows = await this.dataSource.getRepository(PracticeOpeningEntity).find({ where: { orgId: user.orgId }, order: { openedAt: 'ASC' } });
    const out: PracticeOpening[] = [];
    for (const row of rows) {
      const stored = await this.catalogue.byVersionId(row.scenarioVersionId).catch(() => null);
      if (!stored) continue;
      out.push({
        scenarioVersionId: row.scenarioVersionId,
        scenarioId: stored.row.scenarioId,
        version: stored.row.version,
        title: stored.scenario.title,
        openedAt: row.openedAt,
        openedBy: row.openedBy,
      });
    }
    return out;
  }

  /** Opens a version the organisation can see (its own or the shared library's) for its trainees' practice. */
  async open(user: AuthenticatedUser, scenarioVersionId: string): Promise<PracticeOpening[]> {
    const { row } = await this.catalogue.visibleVersion(user, scenarioVersionId);
    await serialTransaction(this.dataSource, async (manager) => {
      const existing = await manager.findOne(PracticeOpeningEntity, { where: { orgId: user.orgId, scenarioVersionId: row.id } });
      if (existing) return;
      await manager.insert(PracticeOpeningEntity, { orgId: user.orgId, scenarioVersionId: row.id, openedBy: user.id, openedAt: new Date().toISOString() });
      await this.audit.record(
        { actor: user, action: 'practice.open', targetType: 'scenario', targetId: row.id, after: { scenarioId: row.scenarioId, version: row.version } },
        manager,
      );
    });
    return this.openings(user);
  }

  /** Closes a version for practice: no new run starts from it; runs already open go on to their end. */
  async close(user: AuthenticatedUser, scenarioVersionId: string): Promise<PracticeOpening[]> {
    // Another organisation's version answers as a missing one, as on every route that takes a version id.
    await this.catalogue.visibleVersion(user, scenarioVersionId);
    await serialTransaction(this.dataSource, async (manager) => {
      const existing = await manager.findOne(PracticeOpeningEntity, { where: { orgId: user.orgId, scenarioVersionId } });
      if (!existing) throw new AppError('PRACTICE_NOT_OPEN', 'This scenario version is not open for practice');
      await manager.delete(PracticeOpeningEntity, { orgId: user.orgId, scenarioVersionId });
      await this.audit.record(
        { actor: user, action: 'practice.close', targetType: 'scenario', targetId: scenarioVersionId, before: { openedAt: existing.openedAt } },
        manager,
      );
    });
    return this.openings(user);
  }

  // ---- the trainee's side ----

  async catalogueFor(user: AuthenticatedUser): Promise<PracticeCatalogue> {
    const rows = await this.dataSource.getRepository(PracticeOpeningEntity).find({ where: { orgId: user.orgId }, order: { openedAt: 'ASC' } });
    const scenarios: PracticeCatalogue['scenarios'] = [];
    for (const row of rows) {
      const stored = await this.catalogue.byVersionId(row.scenarioVersionId).catch(() => null);
      if (!stored) continue;
      const { scenario } = stored;
      scenarios.push({
        scenarioVersionId: row.scenarioVersionId,
        scenarioId: stored.row.scenarioId,
        version: stored.row.version,
        title: scenario.title,
        difficulty: scenario.difficulty,
        durationS: scenario.duration,
        era: scenario.era,
        hasPracticeHints: (scenario.practiceHints ?? []).length > 0,
      });
    }
    const active = await this.openRunOf(user.id);
    return { scenarios, activeExerciseId: active?.id ?? null, idleTimeoutMinutes: this.config.PRACTICE_IDLE_MINUTES };
  }

  /**
   * Starts a solo run through the normal exercise path (so the engine, scoring and the debrief
   * work unchanged): one team of one, owned by the trainee, score visible to them, started at once.
   */
  async start(user: AuthenticatedUser, input: StartPractice): Promise<ExerciseDto> {
    const opening = await this.dataSource
      .getRepository(PracticeOpeningEntity)
      .findOne({ where: { orgId: user.orgId, scenarioVersionId: input.scenarioVersionId } });
    if (!opening) throw new AppError('PRACTICE_NOT_OPEN', 'Your organisation has not opened this scenario for practice');
    if (this.starting.has(user.id)) throw new AppError('PRACTICE_ALREADY_RUNNING', 'You already have a practice run open: finish it first');
    this.starting.add(user.id);
    try {
      const active = await this.openRunOf(user.id);
      if (active)
        throw new AppError('PRACTICE_ALREADY_RUNNING', 'You already have a practice run open: finish it first', [{ path: 'exerciseId', message: active.id }]);
      const { scenario } = await this.catalogue.byVersionId(input.scenarioVersionId);
      // The team of one is named after its trainee, as the results list it.
      const account = await this.dataSource.getRepository(UserEntity).findOne({ where: { id: user.id }, select: { id: true, displayName: true } });
      const created = await this.exercises.create(
        user,
        {
          scenarioVersionId: input.scenarioVersionId,
          title: `${scenario.title.vi} (luyện tập)`,
          teams: [{ name: (account?.displayName || user.username).slice(0, 100), memberIds: [user.id] }],
          speed: input.speed,
          ...(input.era ? { era: input.era } : {}),
          startMode: 'manual',
          scoreVisibility: 'own',
          allowOvertime: false,
        },
        'practice',
      );
      this.activity.set(created.id, Date.now());
      try {
        await this.runtime.control(created.id, { op: 'start' }, user);
      } catch (error) {
        await this.runtime.control(created.id, { op: 'abort' }, user).catch(() => undefined);
        throw error;
      }
      return this.exercises.view(user, created.id);
    } finally {
      this.starting.delete(user.id);
    }
  }

  /** Anything the owner does through the practice routes keeps the run alive. */
  touch(exerciseId: string): void {
    this.activity.set(exerciseId, Date.now());
  }

  /**
   * Ends open practice runs idle for longer than the timeout: a running or paused one is finished
   * (final score stored, debrief available), one that never started is aborted.
   */
  async sweepIdle(nowMs: number): Promise<string[]> {
    const rows = await this.dataSource.getRepository(ExerciseEntity).find({
      where: { kind: 'practice', status: In([...OPEN_STATUSES]) },
      select: { id: true, status: true, createdAt: true, lastActivityAt: true },
    });
    const ended: string[] = [];
    for (const row of rows) {
      const stored = Math.max(Date.parse(row.createdAt), row.lastActivityAt ? Date.parse(row.lastActivityAt) : 0);
      const seen = this.activity.get(row.id);
      const last = Math.max(stored, seen ?? 0);
      if (seen === undefined) this.activity.set(row.id, stored);
      if (nowMs - last <= this.idleTimeoutMs) {
        if (seen !== undefined && seen > stored) {
          await this.dataSource.getRepository(ExerciseEntity).update({ id: row.id }, { lastActivityAt: new Date(seen).toISOString() });
        }
        continue;
      }
      try {
        await this.runtime.control(row.id, { op: row.status === 'draft' ? 'abort' : 'finish' }, null);
        ended.push(row.id);
      } catch (error) {
        // It may have ended meanwhile (its duration, or its owner finished it).
        this.logger.warn(`Practice run ${row.id} idle but not ended: ${error instanceof Error ? error.message : String(error)}`);
      }
      this.activity.delete(row.id);
    }
    return ended;
  }

  // ---- practice hints ----

  /** The practice hints a team took (its trainee, or the organisation's staff); refused for a graded drill. */
  async hints(user: AuthenticatedUser, exerciseId: string, teamId?: string): Promise<PracticeHints> {
    const access = await this.exercises.access(user, exerciseId);
    if (access.exercise.kind !== 'practice') throw new AppError('PRACTICE_ONLY', 'Practice hints exist only in practice runs');
    const team = access.teamId ?? teamId ?? access.teamIds[0];
    if (team === undefined || !access.teamIds.includes(team))
      throw new AppError('VALIDATION_FAILED', 'Give the teamId of a team of this run', [{ path: 'teamId', message: 'unknown team' }]);
    const rows = await this.dataSource.getRepository(PracticeHintTakenEntity).find({ where: { exerciseId, teamId: team }, order: { atWall: 'ASC' } });
    const { scenario } = await this.catalogue.byVersionId(access.exercise.scenarioVersionId);
    const byId = new Map((scenario.practiceHints ?? []).map((h) => [h.id, h]));
    const hints: PracticeHintTaken[] = [];
    for (const row of rows) {
      const hint = byId.get(row.hintId);
      if (!hint) continue;
      hints.push(this.takenView(row, hint.text, scenario.phases));
    }
    return { teamId: team, hints };
  }

  /**
   * The next practice hint for a delivered alert: first the alert's own hints, then its attack
   * stage's, in the scenario's order. Only the run's own trainee, only in a practice run: a graded
   * drill answers PRACTICE_ONLY before anything about the alert is looked at.
   */
  async takeHint(user: AuthenticatedUser, exerciseId: string, alertRef: string): Promise<PracticeHintTaken> {
    const access = await this.exercises.access(user, exerciseId);
    if (access.exercise.kind !== 'practice') throw new AppError('PRACTICE_ONLY', 'Practice hints exist only in practice runs');
    if (access.teamId === null) throw new AppError('NOT_TEAM_MEMBER', 'Only the trainee of this practice run may take its hints');
    const exercise = access.exercise;
    if (exercise.status === 'finished' || exercise.status === 'aborted') throw new AppError('EXERCISE_FINISHED', 'This practice run has ended');
    const teamId = access.teamId;
    const eventId = await this.alertRefs.eventIdOf(exerciseId, teamId, alertRef);
    if (eventId === undefined) throw new AppError('ALERT_NOT_DELIVERED', 'No such alert in your queue');
    const { scenario } = await this.catalogue.byVersionId(exercise.scenarioVersionId);
    const clock = await this.exercises.clockOf(exercise);
    // Chosen and recorded in one serial transaction: two quick clicks never take the same hint twice.
    const { row, hint } = await serialTransaction(this.dataSource, async (manager) => {
      const taken = await manager.find(PracticeHintTakenEntity, { where: { exerciseId, teamId }, select: { hintId: true } });
      const next = nextPracticeHint(scenario, eventId, new Set(taken.map((t) => t.hintId)));
      if (!next) throw new AppError('NO_HINT', 'No more practice hints for this alert');
      const entry: PracticeHintTakenEntity = {
        id: randomUUID(),
        exerciseId,
        teamId,
        hintId: next.id,
        alertRef,
        phaseId: 'phase' in next.for ? next.for.phase : null,
        userId: user.id,
        atWall: new Date().toISOString(),
        atVirtualMs: String(clock.virtualMs),
      };
      await manager.insert(PracticeHintTakenEntity, entry);
      return { row: entry, hint: next };
    });
    this.touch(exerciseId);
    return this.takenView(row, hint.text, scenario.phases);
  }

  private takenView(
    row: PracticeHintTakenEntity,
    text: PracticeHintTaken['text'],
    phases: ReadonlyArray<{ readonly id: string; readonly name: PracticeHintTaken['text'] }>,
  ): PracticeHintTaken {
    const phase = row.phaseId === null ? undefined : phases.find((p) => p.id === row.phaseId);
    return { alertId: row.alertRef, phaseName: phase?.name ?? null, text, userId: row.userId, atWall: row.atWall, virtualMs: Number(row.atVirtualMs) };
  }

  private async openRunOf(userId: string): Promise<ExerciseEntity | null> {
    return this.dataSource.getRepository(ExerciseEntity).findOne({ where: { kind: 'practice', createdBy: userId, status: In([...OPEN_STATUSES]) } });
  }
}
