import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import {
  AdjustmentInputSchema,
  AfterActionReviewSchema,
  ExerciseScoresSchema,
  ReportGradeInputSchema,
  ReportGradeSchema,
  ReportGradesQuerySchema,
  ReportGradesSchema,
  RescoreSchema,
  ReviewQuerySchema,
  ScoreAdjustmentSchema,
  ScoreboardControlSchema,
  ScoreboardViewSchema,
  ScoreDetailQuerySchema,
  ScoreHistorySchema,
  TeamScoreSchema,
  type AdjustmentInput,
  type AfterActionReview,
  type ReportGrade,
  type ReportGradeInput,
  type ReportGrades,
  type RescoreInput,
  type ScoreAdjustment,
  type ScoreboardControl,
  type ScoreboardView,
  type ScoreHistory,
  type TeamScore,
} from '../contracts/scoring.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { renderReviewHtml, REVIEW_CSP } from './review-html.js';
import { LiveScoreboardService } from './live-scoreboard.service.js';
import type { ExerciseScores } from './score-calculator.service.js';
import { ReportGradesService } from './report-grades.service.js';
import { ScoreCorrectionsService } from './score-corrections.service.js';
import { ScoreReadsService } from './score-reads.service.js';

const ExerciseIdSchema = z.uuid();
const TeamIdSchema = z.string().min(1).max(64);
const ReportIdSchema = z.string().min(1).max(64);
const INSTRUCTORS = ['instructor', 'admin'] as const;
const READ_ERRORS = ['EXERCISE_NOT_FOUND', 'NOT_TEAM_MEMBER', 'FORBIDDEN', 'VALIDATION_FAILED'];

@Controller('exercises')
export class ScoringController {
  constructor(
    @Inject(LiveScoreboardService) private readonly board: LiveScoreboardService,
    @Inject(ScoreReadsService) private readonly reads: ScoreReadsService,
    @Inject(ScoreCorrectionsService) private readonly corrections: ScoreCorrectionsService,
    @Inject(ReportGradesService) private readonly grades: ReportGradesService,
  ) {}

  @Get(':exerciseId/scoreboard')
  @Access('authenticated')
  @ApiDoc({
    summary: "The scoreboard as the caller may see it: instructors every team live; trainees per the exercise's score visibility (frozen board while frozen)",
    tags: ['scoring'],
    response: ScoreboardViewSchema,
    errors: ['EXERCISE_NOT_FOUND'],
  })
  scoreboard(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string): Promise<ScoreboardView> {
    return this.board.scoreboardFor(user, exerciseId);
  }

  @Post(':exerciseId/scoreboard')
  @HttpCode(200)
  @Access(INSTRUCTORS)
  @ApiDoc({
    summary: "Change the trainees' score visibility and/or freeze their board (instructors keep seeing live)",
    tags: ['scoring'],
    response: ScoreboardViewSchema,
    errors: ['EXERCISE_NOT_FOUND', 'FORBIDDEN'],
  })
  control(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Body({ schema: ScoreboardControlSchema }) body: ScoreboardControl,
  ): Promise<ScoreboardView> {
    return this.board.controlScoreboard(user, exerciseId, body);
  }

  @Get(':exerciseId/scores')
  @Access(['instructor', 'admin', 'reviewer'])
  @ApiDoc({
    summary: "Every team's score: live from the logs while running, the stored current final score once finished",
    tags: ['scoring'],
    response: ExerciseScoresSchema,
    errors: READ_ERRORS,
  })
  scores(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: ScoreDetailQuerySchema }) query: z.output<typeof ScoreDetailQuerySchema>,
  ): Promise<ExerciseScores> {
    return this.reads.exerciseScoresFor(user, exerciseId, query.detail);
  }

  @Get(':exerciseId/teams/:teamId/score')
  @Access('authenticated')
  @ApiDoc({
    summary:
      "One team's score with its line items (instructors: any team; trainees: their own after the finish, or totals during the run if visibility is own/full)",
    tags: ['scoring'],
    response: TeamScoreSchema,
    errors: READ_ERRORS,
  })
  teamScore(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Param('teamId', { schema: TeamIdSchema }) teamId: string,
  ): Promise<TeamScore> {
    return this.reads.teamScoreFor(user, exerciseId, teamId);
  }

  @Post(':exerciseId/rescore')
  @HttpCode(200)
  @Access(INSTRUCTORS)
  @ApiDoc({
    summary: 'Re-score a finished exercise against a corrected version of the same scenario; old and new scores are kept with the reason',
    description:
      'Scored in a worker thread, one re-scoring at a time per user (RATE_LIMITED with Retry-After beyond), within the heavy-job time and memory limits (JOB_TIMEOUT, SCENARIO_TOO_COMPLEX).',
    tags: ['scoring'],
    response: ScoreHistorySchema,
    errors: [
      'EXERCISE_NOT_FOUND',
      'FORBIDDEN',
      'EXERCISE_INVALID_STATE',
      'SCENARIO_NOT_FOUND',
      'VALIDATION_FAILED',
      'RATE_LIMITED',
      'JOB_TIMEOUT',
      'SCENARIO_TOO_COMPLEX',
    ],
  })
  rescore(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Body({ schema: RescoreSchema }) body: RescoreInput,
  ): Promise<ScoreHistory> {
    return this.corrections.rescore(user, exerciseId, body);
  }

  @Get(':exerciseId/score-history')
  @Access(['instructor', 'admin', 'reviewer'])
  @ApiDoc({
    summary: 'Every stored score version (finish, re-scores, adjustments) with its reason, and the manual adjustments',
    tags: ['scoring'],
    response: ScoreHistorySchema,
    errors: READ_ERRORS,
  })
  history(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string): Promise<ScoreHistory> {
    return this.corrections.history(user, exerciseId);
  }

  @Post(':exerciseId/teams/:teamId/adjustments')
  @Access(INSTRUCTORS)
  @ApiDoc({
    summary: "A judge's manual adjustment (points ±, with a reason), shown apart in the breakdown and audited",
    tags: ['scoring'],
    response: ScoreAdjustmentSchema,
    errors: ['EXERCISE_NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED'],
  })
  adjust(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Param('teamId', { schema: TeamIdSchema }) teamId: string,
    @Body({ schema: AdjustmentInputSchema }) body: AdjustmentInput,
  ): Promise<ScoreAdjustment> {
    return this.corrections.adjust(user, exerciseId, teamId, body);
  }

  @Post(':exerciseId/teams/:teamId/reports/:reportId/grades')
  @Access(INSTRUCTORS)
  @ApiDoc({
    summary:
      "Grade a filed report's content by hand: accepted, or revision-requested with a comment; its points (if any) count as a separate, audited coordination adjustment",
    tags: ['scoring'],
    response: ReportGradeSchema,
    errors: ['EXERCISE_NOT_FOUND', 'FORBIDDEN', 'VALIDATION_FAILED', 'REPORT_NOT_FOUND'],
  })
  gradeReport(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Param('teamId', { schema: TeamIdSchema }) teamId: string,
    @Param('reportId', { schema: ReportIdSchema }) reportId: string,
    @Body({ schema: ReportGradeInputSchema }) body: ReportGradeInput,
  ): Promise<ReportGrade> {
    return this.grades.grade(user, exerciseId, teamId, reportId, body);
  }

  @Get(':exerciseId/report-grades')
  @Access('authenticated')
  @ApiDoc({
    summary: "The instructors' grades of filed reports, oldest first (staff: every team or ?teamId=; trainees: their own team's)",
    tags: ['scoring'],
    response: ReportGradesSchema,
    errors: READ_ERRORS,
  })
  reportGrades(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: ReportGradesQuerySchema }) query: z.output<typeof ReportGradesQuerySchema>,
  ): Promise<ReportGrades> {
    return this.grades.list(user, exerciseId, query.teamId);
  }

  @Get(':exerciseId/teams/:teamId/review')
  @Access('authenticated')
  @ApiDoc({
    summary: 'After-action review of a team (JSON; ?format=html for a printable page without scripts, in ?lang=vi|en; ?download=1 as an attachment)',
    description: 'Instructors and reviewers: any team; trainees: their own team once the exercise is finished.',
    tags: ['scoring'],
    response: AfterActionReviewSchema,
    errors: [...READ_ERRORS, 'EXERCISE_INVALID_STATE'],
  })
  async review(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Param('teamId', { schema: TeamIdSchema }) teamId: string,
    @Query({ schema: ReviewQuerySchema }) query: z.output<typeof ReviewQuerySchema>,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AfterActionReview | string> {
    const review = await this.reads.reviewFor(user, exerciseId, teamId);
    const name = `aar-${exerciseId.slice(0, 8)}-${teamId.replace(/[^A-Za-z0-9-]/g, '').slice(0, 36)}`;
    if (query.format === 'html') {
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.setHeader('Content-Security-Policy', REVIEW_CSP);
      response.setHeader('X-Content-Type-Options', 'nosniff');
      if (query.download === '1') response.setHeader('Content-Disposition', `attachment; filename="${name}.html"`);
      return renderReviewHtml(review, query.lang);
    }
    if (query.download === '1') response.setHeader('Content-Disposition', `attachment; filename="${name}.json"`);
    return review;
  }
}
