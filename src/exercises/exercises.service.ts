import { randomInt, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import type { ClockStateDto, CreateExercise, ExerciseDto, ExerciseKind } from '../contracts/exercise.schema.js';
import type { VirtualClockSnapshot } from '../engine/index.js';
import { UserEntity } from '../identity/user.entity.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { AlertRefService } from './alert-ref.service.js';
import { newAlertSalt, type OutgoingStreamEvent } from './alert-refs.js';
import { ExerciseRuntime } from './exercise-runtime.service.js';
import { ExerciseEntity, ExerciseMemberEntity, ExerciseTeamEntity, ExerciseTransitionEntity } from './exercise.entity.js';
import { RosterService } from './roster.service.js';

/** What a user may do with one exercise; decided here for REST and sockets alike. */
export interface ExerciseAccess {
  readonly exercise: ExerciseEntity;
  readonly canControl: boolean;
  /** The user's team in this exercise, if they play in it. */
  readonly teamId: string | null;
  readonly teamIds: readonly string[];
  /** A practice run's owner: they control its clock and take its practice hints. */
  readonly practiceOwner: boolean;
}

/** The clock operations a practice run's owner may perform on their own run (never inject, abort or overtime). */
const PRACTICE_OWNER_OPS: ReadonlySet<string> = new Set(['start', 'pause', 'resume', 'speed', 'seek', 'finish']);

@Injectable()
export class ExercisesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
    @Inject(RosterService) private readonly rosters: RosterService,
  ) {}

  async create(user: AuthenticatedUser, input: CreateExercise, kind: ExerciseKind = 'graded'): Promise<ExerciseDto> {
    // Only a version of the user's organisation or of the shared library; a foreign one answers as a missing one.
    const { row: version, scenario } = await this.catalogue.visibleVersion(user, input.scenarioVersionId);
    const era = input.era ?? scenario.era;
    if (!scenario.eras.includes(era)) {
      throw new AppError('VALIDATION_FAILED', `Scenario does not support era ${era}`, [{ path: 'era', message: `must be one of ${scenario.eras.join(', ')}` }]);
    }
    const memberIds = input.teams.flatMap((t) => t.memberIds);
    const duplicates = memberIds.filter((id, i) => memberIds.indexOf(id) !== i);
    if (duplicates.length > 0) {
      throw new AppError('VALIDATION_FAILED', 'A user can play in only one team of an exercise', [
        { path: 'teams', message: `duplicate member ${duplicates[0]}` },
      ]);
    }
    const names = input.teams.map((t) => t.name.toLowerCase());
    if (new Set(names).size !== names.length)
      throw new AppError('VALIDATION_FAILED', 'Team names must differ', [{ path: 'teams', message: 'duplicate team name' }]);
    if (memberIds.length > 0) {
      const users = await this.dataSource.getRepository(UserEntity).find({ where: { id: In(memberIds) } });
      const found = new Set(users.filter((u) => u.orgId === user.orgId || user.roles.includes('admin')).map((u) => u.id));
      const missing = memberIds.filter((id) => !found.has(id));
      if (missing.length > 0)
        throw new AppError(
          'VALIDATION_FAILED',
          'Unknown team member(s)',
          missing.map((id) => ({ path: 'teams', message: `unknown user ${id}` })),
        );
    }
    const id = randomUUID();
    const speed = input.speed;
    const clock: VirtualClockSnapshot = { status: 'draft', anchorWallMs: Date.now(), anchorVirtualMs: 0, speed };
    const exercise: ExerciseEntity = {
      id,
      scenarioVersionId: version.id,
      title: input.title ?? scenario.title.vi,
      status: 'draft',
      era,
      seed: input.seed ?? String(randomInt(1, 2 ** 31 - 1)),
      startMode: input.startMode,
      scheduledAt: input.scheduledAt ?? null,
      scoreVisibility: input.scoreVisibility,
      allowOvertime: input.allowOvertime,
      endReason: null,
      clockJson: JSON.stringify(clock),
      alertSalt: newAlertSalt(),
      orgId: user.orgId,
      createdBy: user.id,
      createdAt: new Date().toISOString(),
      kind,
      lastActivityAt: kind === 'practice' ? new Date().toISOString() : null,
    };
    await serialTransaction(this.dataSource, async (manager) => {
      await manager.insert(ExerciseEntity, exercise);
      for (const [ordinal, team] of input.teams.entries()) {
        const teamId = randomUUID();
        await manager.insert(ExerciseTeamEntity, { id: teamId, exerciseId: id, name: team.name, ordinal });
        for (const userId of team.memberIds) await manager.insert(ExerciseMemberEntity, { teamId, userId, exerciseId: id });
      }
      await this.audit.record(
        {
          actor: user,
          action: 'exercise.create',
          targetType: 'exercise',
          targetId: id,
          after: { scenarioVersionId: version.id, kind, teams: input.teams, speed, era, seed: exercise.seed, allowOvertime: input.allowOvertime },
        },
        manager,
      );
    });
    return this.view(user, id);
  }

  /** Decides what `user` may see and do in the exercise; unknown and foreign exercises look the same. */
  async access(user: AuthenticatedUser, exerciseId: string): Promise<ExerciseAccess> {
    const exercise = await this.dataSource.getRepository(ExerciseEntity).findOne({ where: { id: exerciseId } });
    if (!exercise) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
    const roster = await this.rosters.of(exerciseId);
    const teamId = roster.teamOf.get(user.id) ?? null;
    const sameOrg = exercise.orgId === user.orgId;
    const canControl = user.roles.includes('admin') || (user.roles.includes('instructor') && sameOrg);
    const canReview = user.roles.includes('reviewer') && sameOrg;
    if (!canControl && !canReview && teamId === null) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
    const practiceOwner = exercise.kind === 'practice' && exercise.createdBy === user.id && teamId !== null;
    return { exercise, canControl, teamId, teamIds: roster.teamIds, practiceOwner };
  }

  /** The clock as clients see it, without loading the roster (joins call this once per socket). */
  async clockOf(exercise: ExerciseEntity): Promise<ClockStateDto> {
    const live = this.runtime.scenarioOf(exercise.id);
    const durationS = live ? live.duration : (await this.catalogue.byVersionId(exercise.scenarioVersionId)).scenario.duration;
    return this.runtime.clockOf(exercise, durationS * 1000);
  }

  /** The exercise row as it is now (a join reads it again after its replay: the exercise may have ended meanwhile). */
  async reload(exercise: ExerciseEntity): Promise<ExerciseEntity> {
    return (await this.dataSource.getRepository(ExerciseEntity).findOne({ where: { id: exercise.id } })) ?? exercise;
  }

  async requireControl(user: AuthenticatedUser, exerciseId: string): Promise<ExerciseAccess> {
    const access = await this.access(user, exerciseId);
    if (!access.canControl) throw new AppError('FORBIDDEN', 'Only the instructors of this exercise may do that');
    return access;
  }

  /**
   * Clock control: the exercise's instructors, or the owner of a practice run on their own run
   * (start, pause, resume, speed, seek, finish). A trainee never moves a graded drill's clock.
   */
  async requireClockControl(user: AuthenticatedUser, exerciseId: string, op: string): Promise<ExerciseAccess> {
    const access = await this.access(user, exerciseId);
    if (access.canControl || (access.practiceOwner && PRACTICE_OWNER_OPS.has(op))) return access;
    throw new AppError('FORBIDDEN', 'Only the instructors of this exercise may do that');
  }

  async list(user: AuthenticatedUser): Promise<ExerciseDto[]> {
    const repository = this.dataSource.getRepository(ExerciseEntity);
    let rows: ExerciseEntity[];
    if (user.roles.includes('admin')) rows = await repository.find({ order: { createdAt: 'DESC' } });
    else {
      const memberships = await this.dataSource.getRepository(ExerciseMemberEntity).find({ where: { userId: user.id } });
      const mine = memberships.map((m) => m.exerciseId);
      const orgWide = user.roles.includes('instructor') || user.roles.includes('reviewer');
      rows = await repository.find({
        where: orgWide ? [{ orgId: user.orgId }, ...(mine.length ? [{ id: In(mine) }] : [])] : mine.length ? [{ id: In(mine) }] : [{ id: In([]) }],
        order: { createdAt: 'DESC' },
      });
    }
    return Promise.all(rows.map((row) => this.toDto(row, user)));
  }

  async view(user: AuthenticatedUser, exerciseId: string): Promise<ExerciseDto> {
    const { exercise } = await this.access(user, exerciseId);
    return this.toDto(exercise, user);
  }

  async transitions(user: AuthenticatedUser, exerciseId: string) {
    await this.requireControl(user, exerciseId);
    const rows = await this.dataSource.getRepository(ExerciseTransitionEntity).find({ where: { exerciseId }, order: { id: 'ASC' } });
    return rows.map((r) => ({ from: r.fromStatus, to: r.toStatus, byUserId: r.byUserId, atWall: r.atWall, atVirtualMs: Number(r.atVirtualMs) }));
  }

  /**
   * Events already delivered to a team, alerts named by their opaque references. A trainee reads only
   * their own team's; the organisation's instructors and reviewers who do not play in it read any team's.
   */
  async events(
    user: AuthenticatedUser,
    exerciseId: string,
    teamId: string | undefined,
    afterSeq: number,
    limit: number,
  ): Promise<{ teamId: string; events: OutgoingStreamEvent[] }> {
    const access = await this.access(user, exerciseId);
    const team = teamId ?? access.teamId ?? undefined;
    if (!team || !access.teamIds.includes(team))
      throw new AppError('VALIDATION_FAILED', 'Give the teamId of a team of this exercise', [{ path: 'teamId', message: 'unknown team' }]);
    // access() lets a non-member through only as a controller or a reviewer of the organisation.
    if (!access.canControl && access.teamId !== null && access.teamId !== team)
      throw new AppError('NOT_TEAM_MEMBER', "You can only read your own team's stream");
    const namer = await this.alertRefs.namer(exerciseId);
    const events = await this.runtime.eventsAfter(exerciseId, team, afterSeq, limit);
    return { teamId: team, events: events.map((e) => namer.outgoingEvent(e)) };
  }

  private async toDto(exercise: ExerciseEntity, user: AuthenticatedUser): Promise<ExerciseDto> {
    const { row: version, scenario } = await this.catalogue.byVersionId(exercise.scenarioVersionId);
    const roster = await this.rosters.of(exercise.id);
    const memberIds = [...roster.teamOf.keys()];
    // Names and display names are read fresh: only who plays where is fixed.
    const users = memberIds.length ? await this.dataSource.getRepository(UserEntity).find({ where: { id: In(memberIds) } }) : [];
    const byId = new Map(users.map((u) => [u.id, u]));
    // The seed decides the noise and the delivery instants: staff of the exercise's organisation only.
    const staff = user.roles.includes('admin') || ((user.roles.includes('instructor') || user.roles.includes('reviewer')) && exercise.orgId === user.orgId);
    return {
      id: exercise.id,
      title: exercise.title,
      scenarioId: version.scenarioId,
      scenarioVersionId: version.id,
      scenarioVersion: version.version,
      scenarioTitle: scenario.title,
      status: exercise.status,
      kind: exercise.kind,
      practiceOwner: exercise.kind === 'practice' && exercise.createdBy === user.id && roster.teamOf.has(user.id),
      era: exercise.era,
      ...(staff ? { seed: exercise.seed } : {}),
      startMode: exercise.startMode,
      scheduledAt: exercise.scheduledAt,
      scoreVisibility: exercise.scoreVisibility,
      createdAt: exercise.createdAt,
      createdBy: exercise.createdBy,
      clock: this.runtime.clockOf(exercise, scenario.duration * 1000),
      teams: roster.teams.map((t) => ({
        id: t.id,
        name: t.name,
        members: t.memberIds
          .map((id) => byId.get(id))
          .filter((u): u is UserEntity => u !== undefined)
          .map((u) => ({ id: u.id, username: u.username, displayName: u.displayName }))
          .sort((a, b) => a.username.localeCompare(b.username)),
      })),
      myTeamId: roster.teamOf.get(user.id) ?? null,
    };
  }
}
