import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { ReportGradeVerdict, ScoreComponentId } from '../contracts/scoring.schema.js';

/**
 * Stored final scores of finished exercises, one row per team and score version. A re-score adds a
 * new version (and moves `current` to it); rows are never updated otherwise and never deleted, so
 * every earlier result stays readable with the reason it was replaced.
 */
@Entity({ name: 'exercise_scores' })
@Index(['exerciseId', 'versionNo', 'teamId'], { unique: true })
export class ExerciseScoreEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ name: 'team_id', type: 'varchar', length: 36 })
  teamId!: string;

  @Column({ name: 'scenario_version_id', type: 'varchar', length: 36 })
  scenarioVersionId!: string;

  @Column({ name: 'version_no', type: 'integer' })
  versionNo!: number;

  @Column({ type: 'real' })
  total!: number;

  @Column({ name: 'score_index', type: 'real' })
  index!: number;

  @Column({ type: 'integer' })
  rank!: number;

  /**
   * The full TeamScore (line items and evidence) as JSON, in versions stored before `scoreInputs`;
   * empty since: a full score is recomputed from the finished exercise's log on demand.
   */
  @Column({ name: 'score_json', type: 'text' })
  scoreJson!: string;

  /** What the full score is recomputed from besides the log (member ids, adjustments, end instant, phase) as JSON; null in older versions. */
  @Column({ name: 'score_inputs', type: 'text', nullable: true })
  scoreInputs!: string | null;

  /** The same score with detail 'totals' (no line items): what boards and dashboards read. */
  @Column({ name: 'summary_json', type: 'text' })
  summaryJson!: string;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'computed_at', type: 'varchar', length: 32 })
  computedAt!: string;

  /** Null when the system computed it (the exercise finished). */
  @Column({ name: 'computed_by', type: 'varchar', length: 36, nullable: true })
  computedBy!: string | null;

  @Column({ type: 'boolean' })
  current!: boolean;
}

/** A judge's manual adjustment (cộng/trừ điểm thủ công): listed apart in the breakdown, never folded into a component silently. */
@Entity({ name: 'exercise_score_adjustments' })
@Index(['exerciseId', 'teamId'])
export class ScoreAdjustmentEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ name: 'team_id', type: 'varchar', length: 36 })
  teamId!: string;

  @Column({ type: 'varchar', length: 16 })
  component!: ScoreComponentId;

  @Column({ type: 'real' })
  points!: number;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ name: 'by_user_id', type: 'varchar', length: 36 })
  byUserId!: string;

  @Column({ name: 'by_username', type: 'varchar', length: 100 })
  byUsername!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}

/** The instructor's scoreboard controls: freeze state and the board trainees keep seeing while frozen. */
@Entity({ name: 'exercise_scoreboards' })
export class ScoreboardStateEntity {
  @PrimaryColumn({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ type: 'boolean' })
  frozen!: boolean;

  @Column({ name: 'frozen_at', type: 'varchar', length: 32, nullable: true })
  frozenAt!: string | null;

  /** ScoreboardRow[] (totals of every team) as they were at the freeze. */
  @Column({ name: 'frozen_rows_json', type: 'text', nullable: true })
  frozenRowsJson!: string | null;

  @Column({ name: 'updated_by', type: 'varchar', length: 36, nullable: true })
  updatedBy!: string | null;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}

/** An instructor's grade of a filed report's content; the latest per report stands, every one is kept. */
@Entity({ name: 'exercise_report_grades' })
@Index(['exerciseId', 'teamId'])
export class ReportGradeEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'exercise_id', type: 'varchar', length: 36 })
  exerciseId!: string;

  @Column({ name: 'team_id', type: 'varchar', length: 36 })
  teamId!: string;

  @Column({ name: 'report_id', type: 'varchar', length: 64 })
  reportId!: string;

  /** 1, 2, 3 … per report: the order of its grades (several may share a millisecond). */
  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'varchar', length: 24 })
  verdict!: ReportGradeVerdict;

  @Column({ type: 'text' })
  comment!: string;

  @Column({ type: 'integer' })
  points!: number;

  @Column({ name: 'adjustment_id', type: 'varchar', length: 36, nullable: true })
  adjustmentId!: string | null;

  @Column({ name: 'by_user_id', type: 'varchar', length: 36 })
  byUserId!: string;

  @Column({ name: 'by_username', type: 'varchar', length: 100 })
  byUsername!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
