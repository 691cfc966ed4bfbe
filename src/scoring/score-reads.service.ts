import { Inject, Injectable } from '@nestjs/common';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import type { AfterActionReview, TeamScore } from '../contracts/scoring.schema.js';
import { AlertRefService } from '../exercises/alert-ref.service.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { buildAfterActionReview } from './after-action-review.js';
import { ExerciseScoresService } from './exercise-scores.service.js';
import { LiveScoreboardService } from './live-scoreboard.service.js';
import { ReportGradesService } from './report-grades.service.js';
import { ScoreCalculator, type ExerciseScores, type ScoreDetail } from './score-calculator.service.js';

/**
 * Scores as a user may read them (each method checks access): a team's score, every team's
 * scores, and the after-action review of a team.
 */
@Injectable()
export class ScoreReadsService {
  constructor(
    @Inject(ScoreCalculator) private readonly calculator: ScoreCalculator,
    @Inject(ExerciseScoresService) private readonly scores: ExerciseScoresService,
    @Inject(LiveScoreboardService) private readonly board: LiveScoreboardService,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
    @Inject(ReportGradesService) private readonly grades: ReportGradesService,
  ) {}

  /** Instructors and reviewers: any team, full detail. Trainees: their own team after the finish, or during the run if the visibility is own/full. */
  async teamScoreFor(user: AuthenticatedUser, exerciseId: string, teamId: string): Promise<TeamScore> {
    const access = await this.exercises.access(user, exerciseId);
    requireTeam(access.teamIds, teamId);
    if (!access.canControl && access.teamId !== null) {
      if (access.teamId !== teamId) throw new AppError('NOT_TEAM_MEMBER', "You can only read your own team's score");
      const status = access.exercise.status;
      const visibility = access.exercise.scoreVisibility;
      if (status !== 'finished') {
        if (!(visibility === 'own' || visibility === 'full')) throw new AppError('FORBIDDEN', 'Scores are not visible to trainees during this exercise');
        if ((await this.board.frozenRows(exerciseId)) !== null) throw new AppError('FORBIDDEN', 'The scoreboard is frozen');
        // Line items, parts, breakdowns and key-derived metrics would tell trainees the answer key
        // (which alerts are real, how many responses are expected) while the drill still runs; and
        // the figures are the checkpoint board's, which no action moves before the next checkpoint.
        const board = await this.board.traineeBoard(access.exercise);
        const score = board.scores.get(teamId);
        if (score === undefined) throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
        return redactForTrainee(score);
      }
    }
    await this.scores.awaitFinal(exerciseId);
    return this.scores.teamScore(exerciseId, teamId, { detail: 'full' });
  }

  /** Exercise scores for instructors and reviewers of the exercise (REST). */
  async exerciseScoresFor(user: AuthenticatedUser, exerciseId: string, detail: ScoreDetail): Promise<ExerciseScores> {
    const access = await this.exercises.access(user, exerciseId);
    if (!access.canControl && access.teamId !== null) throw new AppError('FORBIDDEN', "Only instructors and reviewers read every team's score");
    await this.scores.awaitFinal(exerciseId);
    return this.scores.exerciseScores(exerciseId, { detail });
  }

  /** The after-action review of one team (instructors/reviewers: any team; trainees: their own, after the finish). */
  async reviewFor(user: AuthenticatedUser, exerciseId: string, teamId: string): Promise<AfterActionReview> {
    const access = await this.exercises.access(user, exerciseId);
    requireTeam(access.teamIds, teamId);
    if (!access.canControl && access.teamId !== null) {
      if (access.teamId !== teamId) throw new AppError('NOT_TEAM_MEMBER', "You can only read your own team's review");
      if (access.exercise.status !== 'finished') throw new AppError('EXERCISE_INVALID_STATE', 'The review opens when the exercise is finished');
    }
    await this.scores.awaitFinal(exerciseId);
    return this.review(exerciseId, teamId);
  }

  /** Builds the review from the team's (stored or live) full score, the scenario and the team's logs. */
  private async review(exerciseId: string, teamId: string): Promise<AfterActionReview> {
    const exercise = await this.calculator.exercise(exerciseId);
    const roster = await this.calculator.roster(exerciseId);
    const stored = exercise.status === 'finished' ? await this.scores.storedCurrent(exercise, teamId, 'full') : null;
    const scenario = await this.calculator.scenario(stored?.scenarioVersionId ?? exercise.scenarioVersionId);
    const log = await this.calculator.teamLog(exerciseId, teamId);
    const score =
      (stored === null ? undefined : (await this.scores.storedScores(exercise, stored, 'full')).get(teamId)) ??
      (await this.scores.teamScore(exerciseId, teamId, { detail: 'full' }));
    const adjustments = (await this.calculator.adjustmentsByTeam(exerciseId)).get(teamId) ?? [];
    const namer = await this.alertRefs.namer(exerciseId);
    return buildAfterActionReview({
      refOf: (eventId) => namer.refOf(eventId),
      exerciseId,
      teamId,
      teamName: roster.names.get(teamId) ?? teamId,
      scenario: scenario.scenario,
      score,
      delivered: log.delivered,
      actions: log.actions,
      adjustments,
      reportGrades: await this.grades.teamGrades(exerciseId, teamId),
    });
  }
}

function requireTeam(teamIds: readonly string[], teamId: string): void {
  if (!teamIds.includes(teamId)) throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
}

/**
 * A running team's own score as a trainee may see it: the total and the component scores, plus
 * the metrics that only count what the team did; nothing derived from the answer key.
 */
function redactForTrainee(score: TeamScore): TeamScore {
  const component = (c: TeamScore['components']['detection']) => ({ ...c, items: [], parts: [], unclamped: c.score });
  const m = score.metrics;
  return {
    ...score,
    // The seed decides noise and delivery instants: not for trainees while the run goes on.
    seed: null,
    components: {
      detection: component(score.components.detection),
      response: component(score.components.response),
      coordination: component(score.components.coordination),
      incident: component(score.components.incident),
    },
    breakdowns: { layers: [], phases: [], techniques: [] },
    members: [],
    // When it last earned points would date the settled verdict that counted.
    lastScoringActionMs: null,
    metrics: {
      alertsDelivered: m.alertsDelivered,
      alertsAcknowledged: m.alertsAcknowledged,
      meanTimeToAcknowledgeMs: m.meanTimeToAcknowledgeMs,
      meanTimeToVerdictMs: m.meanTimeToVerdictMs,
      meanTimeToContainMs: null,
      truePositivesDelivered: 0,
      truePositivesDetected: 0,
      detectionRate: null,
      falsePositiveRate: null,
      reportsDue: 0,
      reportsOnTime: 0,
      responsesDue: 0,
      responsesInWindow: 0,
      harmfulActions: 0,
      hintsUsed: m.hintsUsed,
    },
  };
}
