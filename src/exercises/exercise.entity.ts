import { Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Era } from '../contracts/common.schema.js';
import type { ClockStateDto, ExerciseKind, ExerciseStatus } from '../contracts/exercise.schema.js';

export type ExerciseEndReason = NonNullable<ClockStateDto['endReason']>;

@Entity({ name: 'exercises' })
export class ExerciseEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'scenario_version_id', type: 'varchar', length: 36 })
  scenarioVersionId!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: ExerciseStatus;

  @Column({ type: 'varchar', length: 16 })
  era!: Era;

  @Column({ type: 'varchar', length: 64 })
  seed!: string;

  @Column({ name: 'start_mode', type: 'varchar', length: 16 })
  startMode!: 'manual' | 'scheduled';

  @Column({ name: 'scheduled_at', type: 'varchar', length: 32, nullable: true })
  scheduledAt!: string | null;

  @Column({ name: 'score_visibility', type: 'varchar', length: 8 })
  scoreVisibility!: 'none' | 'own' | 'rank' | 'full';

  /** The virtual clock's anchor (wall time, virtual time, speed, status): enough to resume after a crash. */
  @Column({ name: 'clock_json', type: 'text' })
  clockJson!: string;

  /** Secret key of the exercise's opaque alert references (see alert-refs.ts); never sent to clients. */
  @Column({ name: 'alert_salt', type: 'varchar', length: 64 })
  alertSalt!: string;

  /** Keep running past the scenario's duration until an instructor finishes it (otherwise it ends there by itself). */
  @Column({ name: 'allow_overtime', type: 'boolean', default: false })
  allowOvertime!: boolean;

  /** Why a finished or aborted exercise ended; null while it has not. */
  @Column({ name: 'end_reason', type: 'varchar', length: 16, nullable: true })
  endReason!: ExerciseEndReason | null;

  @Column({ name: 'org_id', type: 'varchar', length: 36, nullable: true })
  orgId!: string | null;

  @Column({ name: 'created_by', type: 'varchar', length: 36, nullable: true })
  createdBy!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  /** A graded drill run by instructors, or a trainee's solo practice run (kept out of graded results). */
  @Column({ type: 'varchar', length: 16, default: 'graded' })
  kind!: ExerciseKind;

  /** Practice runs: the last time the owner acted or moved the clock (the idle timeout counts from it). */
  @Column({ name: 'last_activity_at', type: 'varchar', length: 32, nullable: true })
  lastActivityAt!: string | null;
}

@Entity({ name: 'exercise_teams' })
@Index(['exerciseId', 'ordinal'], { unique: true })
export class ExerciseTeamEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'integer' })
  ordinal!: number;
}

@Entity({ name: 'exercise_members' })
@Index(['exerciseId', 'userId'], { unique: true })
export class ExerciseMemberEntity {
  @PrimaryColumn({ name: 'team_id', type: 'varchar', length: 36 })
  teamId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;
}

/** Every state change of an exercise, with who and when (wall and virtual time). */
@Entity({ name: 'exercise_transitions' })
export class ExerciseTransitionEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ name: 'from_status', type: 'varchar', length: 16 })
  fromStatus!: ExerciseStatus;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus!: ExerciseStatus;

  @Column({ name: 'by_user_id', type: 'varchar', length: 36, nullable: true })
  byUserId!: string | null;

  @Column({ name: 'at_wall', type: 'varchar', length: 32 })
  atWall!: string;

  @Column({ name: 'at_virtual_ms', type: 'bigint' })
  atVirtualMs!: string;
}

/** A scenario version an organisation has opened for its trainees' self-paced practice. */
@Entity({ name: 'practice_openings' })
export class PracticeOpeningEntity {
  @PrimaryColumn({ name: 'org_id', type: 'varchar', length: 36 })
  orgId!: string;

  @PrimaryColumn({ name: 'scenario_version_id', type: 'varchar', length: 36 })
  scenarioVersionId!: string;

  @Column({ name: 'opened_by', type: 'varchar', length: 36 })
  openedBy!: string;

  @Column({ name: 'opened_at', type: 'varchar', length: 32 })
  openedAt!: string;
}

/** A practice hint a trainee took during a practice run (listed in the debrief). */
@Entity({ name: 'practice_hints_taken' })
export class PracticeHintTakenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ name: 'team_id', type: 'varchar', length: 36 })
  teamId!: string;

  @Column({ name: 'hint_id', type: 'varchar', length: 80 })
  hintId!: string;

  /** The alert reference the trainee asked about (as their console names it); null for a phase hint. */
  @Column({ name: 'alert_ref', type: 'varchar', length: 64, nullable: true })
  alertRef!: string | null;

  @Column({ name: 'phase_id', type: 'varchar', length: 80, nullable: true })
  phaseId!: string | null;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'at_wall', type: 'varchar', length: 32 })
  atWall!: string;

  @Column({ name: 'at_virtual_ms', type: 'bigint' })
  atVirtualMs!: string;
}
