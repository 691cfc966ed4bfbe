import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import type { AdjustmentInput, RescoreInput, ScoreAdjustment, ScoreHistory } from '../contracts/scoring.schema.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { HeavyJobsService } from '../heavy-jobs/heavy-jobs.service.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { ExerciseScoresService } from './exercise-scores.service.js';
import { LiveScoreboardService } from './live-scoreboard.service.js';
import { RESCORE_JOB } from './rescore-jobs.js';
import { adjustmentDto, ScoreCalculator } from './score-calculator.service.js';
import { ScoreAdjustmentEntity } from './scoring.entity.js';

/**
 * What changes a score after the fact: re-scoring a finished exercise against a corrected answer
 * key, judges' manual adjustments, and the history of both. Every change is audited.
 */
@Injectable()
export class ScoreCorrectionsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ScoreCalculator) private readonly calculator: ScoreCalculator,
    @Inject(ExerciseScoresService) private readonly scores: ExerciseScoresService,
    @Inject(LiveScoreboardService) private readonly board: LiveScoreboardService,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(HeavyJobsService) private readonly heavyJobs: HeavyJobsService,
  ) {}

  /**
   * Re-scores a finished exercise against a corrected version of the same scenario: one at a time
   * per user (RATE_LIMITED beyond), scored in a heavy-job worker within its time and memory limits.
   */
  rescore(user: AuthenticatedUser, exerciseId: string, input: RescoreInput): Promise<ScoreHistory> {
    return this.heavyJobs.withinLimits(user.id, RESCORE_JOB, () => this.rescoreNow(user, exerciseId, input));
  }

  private async rescoreNow(user: AuthenticatedUser, exerciseId: string, input: RescoreInput): Promise<ScoreHistory> {
    const access = await this.exercises.requireControl(user, exerciseId);
    if (access.exercise.status !== 'finished') throw new AppError('EXERCISE_INVALID_STATE', 'Only a finished exercise can be re-scored');
    const current = await this.calculator.scenario(access.exercise.scenarioVersionId);
    // The corrected version must be one the user may read (own organisation or shared library).
    await this.catalogue.visibleVersion(user, input.scenarioVersionId);
    const corrected = await this.calculator.scenario(input.scenarioVersionId);
    if (corrected.scenarioId !== current.scenarioId) {
      throw new AppError('VALIDATION_FAILED', `The corrected version must be of scenario "${current.scenarioId}"`, [
        { path: 'scenarioVersionId', message: `is of scenario "${corrected.scenarioId}"` },
      ]);
    }
    await this.scores.awaitFinal(exerciseId);
    await this.scores.storeFinal(exerciseId, {
      scenarioVersionId: corrected.versionId,
      reason: input.reason,
      actor: user,
      auditAction: 'exercise.rescore',
      heavyJobFor: user.id,
    });
    this.board.publishSoon(exerciseId);
    return this.historyOf(exerciseId);
  }

  async history(user: AuthenticatedUser, exerciseId: string): Promise<ScoreHistory> {
    const access = await this.exercises.access(user, exerciseId);
    if (access.teamId !== null && !access.canControl) throw new AppError('FORBIDDEN', 'Only instructors and reviewers read the score history');
    return this.historyOf(exerciseId);
  }

  /** A judge's adjustment: stored on its own, audited, shown apart in the breakdown; re-stores the final score if finished. */
  async adjust(user: AuthenticatedUser, exerciseId: string, teamId: string, input: AdjustmentInput): Promise<ScoreAdjustment> {
    const access = await this.exercises.requireControl(user, exerciseId);
    if (!access.teamIds.includes(teamId))
      throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
    const row: ScoreAdjustmentEntity = {
      id: randomUUID(),
      exerciseId,
      teamId,
      component: input.component,
      points: input.points,
      reason: input.reason,
      byUserId: user.id,
      byUsername: user.username,
      createdAt: new Date().toISOString(),
    };
    await serialTransaction(this.dataSource, async (manager) => {
      await manager.getRepository(ScoreAdjustmentEntity).insert(row);
      await this.audit.record(
        {
          actor: user,
          action: 'exercise.score-adjust',
          targetType: 'exercise',
          targetId: exerciseId,
          after: { teamId, component: input.component, points: input.points, reason: input.reason },
        },
        manager,
      );
    });
    if (access.exercise.status === 'finished') {
      await this.scores.awaitFinal(exerciseId);
      await this.scores.storeFinal(exerciseId, {
        reason: `adjustment ${row.id}: ${input.points > 0 ? '+' : ''}${input.points} ${input.component} (${input.reason})`,
        actor: user,
      });
    } else {
      this.board.changed(exerciseId, teamId);
    }
    this.board.publishSoon(exerciseId);
    return adjustmentDto(row);
  }

  private async historyOf(exerciseId: string): Promise<ScoreHistory> {
    return { exerciseId, versions: await this.scores.versions(exerciseId), adjustments: await this.calculator.adjustmentRows(exerciseId) };
  }
}
