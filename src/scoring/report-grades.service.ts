import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import type { ReportGrade, ReportGradeInput, ReportGrades } from '../contracts/scoring.schema.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { TriageService } from '../triage/triage.service.js';
import { ExerciseScoresService } from './exercise-scores.service.js';
import { LiveScoreboardService } from './live-scoreboard.service.js';
import { ReportGradeEntity, ScoreAdjustmentEntity } from './scoring.entity.js';

/**
 * An instructor grades a filed report's content by hand: accepted, or a revision requested with a
 * comment, optionally with points. The grade's points reach the score as a separate coordination
 * adjustment (the change from the report's previous grade, so a report's adjustments always add
 * up to its latest grade's points); every grade is audited and kept.
 */
@Injectable()
export class ReportGradesService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(TriageService) private readonly triage: TriageService,
    @Inject(ExerciseScoresService) private readonly scores: ExerciseScoresService,
    @Inject(LiveScoreboardService) private readonly board: LiveScoreboardService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async grade(user: AuthenticatedUser, exerciseId: string, teamId: string, reportId: string, input: ReportGradeInput): Promise<ReportGrade> {
    const access = await this.exercises.requireControl(user, exerciseId);
    if (!access.teamIds.includes(teamId))
      throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
    const state = await this.triage.state(user, exerciseId, teamId);
    const report = state.reports.find((r) => r.id === reportId);
    if (report === undefined) throw new AppError('REPORT_NOT_FOUND', `Team ${teamId} filed no report ${reportId}`);
    const now = new Date().toISOString();
    const row: ReportGradeEntity = {
      id: randomUUID(),
      exerciseId,
      teamId,
      reportId,
      seq: 1,
      verdict: input.verdict,
      comment: input.comment,
      points: input.points,
      adjustmentId: null,
      byUserId: user.id,
      byUsername: user.username,
      createdAt: now,
    };
    let delta = 0;
    await serialTransaction(this.dataSource, async (manager) => {
      const earlier = await manager.getRepository(ReportGradeEntity).find({ where: { exerciseId, teamId, reportId }, order: { seq: 'ASC' } });
      row.seq = earlier.length + 1;
      const previous = earlier.at(-1);
      // What the report's earlier grades already added, whatever their order: the new adjustment tops it up to this grade's points.
      const linked = earlier.map((g) => g.adjustmentId).filter((id): id is string => id !== null);
      const applied = linked.length
        ? (await manager.getRepository(ScoreAdjustmentEntity).find({ where: { id: In(linked) } })).reduce((sum, a) => sum + a.points, 0)
        : 0;
      delta = input.points - applied;
      if (delta !== 0) {
        const adjustment: ScoreAdjustmentEntity = {
          id: randomUUID(),
          exerciseId,
          teamId,
          component: 'coordination',
          points: delta,
          reason: `Report ${reportId} (${report.kind}) graded ${input.verdict}${input.comment ? `: ${input.comment}` : ''}`,
          byUserId: user.id,
          byUsername: user.username,
          createdAt: now,
        };
        await manager.getRepository(ScoreAdjustmentEntity).insert(adjustment);
        row.adjustmentId = adjustment.id;
      }
      await manager.getRepository(ReportGradeEntity).insert(row);
      await this.audit.record(
        {
          actor: user,
          action: 'exercise.report-grade',
          targetType: 'exercise',
          targetId: exerciseId,
          before: previous ? { verdict: previous.verdict, comment: previous.comment, points: previous.points } : undefined,
          after: { teamId, reportId, kind: report.kind, verdict: input.verdict, comment: input.comment, points: input.points, adjustmentId: row.adjustmentId },
        },
        manager,
      );
    });
    if (delta !== 0) {
      if (access.exercise.status === 'finished') {
        await this.scores.awaitFinal(exerciseId);
        await this.scores.storeFinal(exerciseId, {
          reason: `report grade ${row.id}: ${reportId} ${input.verdict} (${delta > 0 ? '+' : ''}${delta})`,
          actor: user,
        });
      } else {
        this.board.changed(exerciseId, teamId);
      }
      this.board.publishSoon(exerciseId);
    }
    return gradeDto(row);
  }

  /** Grades a caller may read: staff any team's (or one team's with teamId); a trainee their own team's. */
  async list(user: AuthenticatedUser, exerciseId: string, teamId: string | undefined): Promise<ReportGrades> {
    const access = await this.exercises.access(user, exerciseId);
    const staff = access.teamId === null || access.canControl;
    if (!staff && teamId !== undefined && teamId !== access.teamId) throw new AppError('NOT_TEAM_MEMBER', 'You can only read your own team');
    const team = staff ? teamId : (access.teamId ?? undefined);
    if (team !== undefined && !access.teamIds.includes(team))
      throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
    return { exerciseId, grades: await this.rows(exerciseId, team) };
  }

  /** A team's grades, oldest first, for its after-action review (access checked by the caller). */
  teamGrades(exerciseId: string, teamId: string): Promise<ReportGrade[]> {
    return this.rows(exerciseId, teamId);
  }

  private async rows(exerciseId: string, teamId: string | undefined): Promise<ReportGrade[]> {
    // Insertion order: grades of one report may share a millisecond, and the latest must stand.
    const rows = await this.dataSource
      .getRepository(ReportGradeEntity)
      .createQueryBuilder('g')
      .where('g.exercise_id = :exerciseId', { exerciseId })
      .andWhere(teamId === undefined ? '1 = 1' : 'g.team_id = :teamId', { teamId })
      .orderBy('g.created_at', 'ASC')
      .addOrderBy('g.seq', 'ASC')
      .getMany();
    return rows.map(gradeDto);
  }
}

function gradeDto(r: ReportGradeEntity): ReportGrade {
  return {
    id: r.id,
    exerciseId: r.exerciseId,
    teamId: r.teamId,
    reportId: r.reportId,
    verdict: r.verdict,
    comment: r.comment,
    points: r.points,
    adjustmentId: r.adjustmentId,
    byUserId: r.byUserId,
    byUsername: r.byUsername,
    createdAt: r.createdAt,
  };
}
