import { Controller, Get, Inject, Param, Query, Req, StreamableFile } from '@nestjs/common';
import type { Request } from 'express';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import {
  ExerciseListSchema,
  ExerciseReportQuerySchema,
  ExerciseResultsSchema,
  PeriodReportQuerySchema,
  ResultsExportQuerySchema,
  ResultsPeriodQuerySchema,
  ResultsTrendQuerySchema,
  ResultsWeaknessQuerySchema,
  TrendsSchema,
  UnitTrendSchema,
  WeaknessesSchema,
  type ExerciseList,
  type ExerciseReportQuery,
  type ExerciseResults,
  type PeriodReportQuery,
  type ResultsExportQuery,
  type ResultsPeriodQuery,
  type ResultsTrendQuery,
  type ResultsWeaknessQuery,
  type Trends,
  type UnitTrend,
  type Weaknesses,
} from '../contracts/results.schema.js';
import { TeamScoreSchema, type TeamScore } from '../contracts/scoring.schema.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { ResultsReportsService } from './results-reports.service.js';
import { ResultsService } from './results.service.js';

const RESULT_READERS = ['reviewer', 'instructor', 'admin'] as const;
const UuidSchema = z.uuid();
const TAGS = ['results'];
const SCOPE =
  "Only exercises of the caller's own organisation exist for this API: another organisation's exercise answers EXERCISE_NOT_FOUND, exactly like an unknown id.";
const PDF_ERRORS = [
  'EXERCISE_NOT_FOUND',
  'EXERCISE_INVALID_STATE',
  'REPORT_RENDERER_UNAVAILABLE (503: Chromium missing at CHROMIUM_PATH or not starting)',
  'RATE_LIMITED (429: one print at a time per user, a few at once for everyone)',
  'JOB_TIMEOUT (a print past the heavy-job time limit)',
  'SCENARIO_TOO_COMPLEX (a page past the heavy-job memory limit)',
];

function attachment(content: Buffer | string, type: string, filename: string): StreamableFile {
  return new StreamableFile(typeof content === 'string' ? Buffer.from(content, 'utf8') : content, { type, disposition: `attachment; filename="${filename}"` });
}

/**
 * Results for leadership: read-only, for the organisation's reviewers, instructors and
 * administrators. Figures come from ExerciseScoresService; see docs in ResultsService.
 */
@Controller('results')
export class ResultsController {
  constructor(
    @Inject(ResultsService) private readonly results: ResultsService,
    @Inject(ResultsReportsService) private readonly reports: ResultsReportsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Where readers open the console: PUBLIC_URL, else the address this request came to. */
  private origin(request: Request): string {
    return this.config.PUBLIC_URL ?? `${request.protocol}://${request.get('host') ?? 'localhost'}`;
  }

  @Get('exercises')
  @Access(RESULT_READERS)
  @ApiDoc({
    summary: 'Exercises over time (oldest first) with status, scenario, participating units and headline indices',
    description: `An exercise is dated by its first start, else its schedule, else its creation ("heldAt"); from/to filter on that date. ${SCOPE}`,
    tags: TAGS,
    response: ExerciseListSchema,
  })
  list(@CurrentUser() user: AuthenticatedUser, @Query({ schema: ResultsPeriodQuerySchema }) query: ResultsPeriodQuery): Promise<ExerciseList> {
    return this.results.listExercises(user, query);
  }

  @Get('exercises/:exerciseId')
  @Access(RESULT_READERS)
  @ApiDoc({
    summary:
      "Ranking of an exercise's teams: index (0–1), total, the four components, metrics (MTTA, MTTC, detection and false-positive rates, reports on time), units and after-action review links",
    description: `A team's unit is the unit most of its members belong to (their current unit; a tie goes to the unit code that sorts first). ${SCOPE}`,
    tags: TAGS,
    response: ExerciseResultsSchema,
    errors: ['EXERCISE_NOT_FOUND', 'EXERCISE_INVALID_STATE'],
  })
  exercise(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: UuidSchema }) exerciseId: string): Promise<ExerciseResults> {
    return this.results.exerciseResults(user, exerciseId);
  }

  @Get('exercises/:exerciseId/teams/:teamId')
  @Access(RESULT_READERS)
  @ApiDoc({
    summary: "One team's full score (every line item with its evidence), as the scoring module computes it",
    description: SCOPE,
    tags: TAGS,
    response: TeamScoreSchema,
    errors: ['EXERCISE_NOT_FOUND', 'NOT_FOUND', 'EXERCISE_INVALID_STATE'],
  })
  teamScore(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: UuidSchema }) exerciseId: string,
    @Param('teamId', { schema: UuidSchema }) teamId: string,
  ): Promise<TeamScore> {
    return this.results.teamScore(user, exerciseId, teamId);
  }

  @Get('trends')
  @Access(RESULT_READERS)
  @ApiDoc({
    summary: 'Per unit over time: index and each component index (score / component maximum) across finished exercises',
    description:
      'One point per (unit, finished exercise); a unit that fielded several teams in one exercise gets their mean, listing each team. Default: every unit of the organisation.',
    tags: TAGS,
    response: TrendsSchema,
    errors: ['VALIDATION_FAILED'],
  })
  trends(@CurrentUser() user: AuthenticatedUser, @Query({ schema: ResultsTrendQuerySchema }) query: ResultsTrendQuery): Promise<Trends> {
    return this.results.trends(user, query);
  }

  @Get('units/:unitId/trend')
  @Access(RESULT_READERS)
  @ApiDoc({ summary: 'One unit over time (same figures as /results/trends)', tags: TAGS, response: UnitTrendSchema, errors: ['UNIT_NOT_FOUND'] })
  unitTrend(
    @CurrentUser() user: AuthenticatedUser,
    @Param('unitId', { schema: UuidSchema }) unitId: string,
    @Query({ schema: ResultsPeriodQuerySchema }) query: ResultsPeriodQuery,
  ): Promise<UnitTrend> {
    return this.results.unitTrend(user, unitId, query);
  }

  @Get('weaknesses')
  @Access(RESULT_READERS)
  @ApiDoc({
    summary:
      'Weaknesses over the selected exercises: per layer (Lớp 1–4), per kill-chain phase, per ATT&CK technique, and a technique × unit (or × team) heat map, each cell with its teams and alerts',
    description:
      "Figures are the teams' detection breakdowns (TeamScore.breakdowns) summed; ratios are of the sums. Alerts behind a cell: true positives (detected or missed) and false alarms, from the line items. Ids of exercises that are not visible are ignored.",
    tags: TAGS,
    response: WeaknessesSchema,
    errors: ['VALIDATION_FAILED'],
  })
  weaknesses(@CurrentUser() user: AuthenticatedUser, @Query({ schema: ResultsWeaknessQuerySchema }) query: ResultsWeaknessQuery): Promise<Weaknesses> {
    return this.results.weaknesses(user, query);
  }

  @Get('export.csv')
  @Access(RESULT_READERS)
  @ApiDoc({
    summary: 'CSV (UTF-8 with BOM, CRLF, RFC 4180 quoting): every figure per team per exercise',
    description:
      "Answers text/csv. Columns: exercise, scenario, team, unit, rank, index, total, the four components with their maxima, every metric (durations in seconds) and a link that opens the team's after-action review in the console. Headers, statuses and titles in ?lang; times in the organisation's time zone with their offset; ?variant=excel-vi for ';' between cells and ',' decimals.",
    tags: TAGS,
    errors: ['VALIDATION_FAILED'],
  })
  async exportCsv(
    @CurrentUser() user: AuthenticatedUser,
    @Query({ schema: ResultsExportQuerySchema }) query: ResultsExportQuery,
    @Req() request: Request,
  ): Promise<StreamableFile> {
    const csv = await this.results.csv(user, query, { origin: this.origin(request), timeZone: this.config.ORG_TIME_ZONE });
    return attachment(csv, 'text/csv; charset=utf-8', 'soc-drill-results.csv');
  }

  @Get('exercises/:exerciseId/report.pdf')
  @Access(RESULT_READERS)
  @ApiDoc({
    summary: 'Printable report of one exercise (PDF, Vietnamese or English): leadership summary, then technical details',
    description: `Answers application/pdf, printed server-side by headless Chromium. ${SCOPE}`,
    tags: TAGS,
    errors: PDF_ERRORS,
  })
  async exerciseReport(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: UuidSchema }) exerciseId: string,
    @Query({ schema: ExerciseReportQuerySchema }) query: ExerciseReportQuery,
    @Req() request: Request,
  ): Promise<StreamableFile> {
    const pdf = await this.reports.exerciseReportPdf(user, exerciseId, query.lang, { origin: this.origin(request), timeZone: this.config.ORG_TIME_ZONE });
    return attachment(pdf, 'application/pdf', `soc-drill-exercise-${exerciseId.slice(0, 8)}-${query.lang}.pdf`);
  }

  @Get('report.pdf')
  @Access(RESULT_READERS)
  @ApiDoc({
    summary: 'Printable period report (PDF, Vietnamese or English): unit ranking, trends, weaknesses and every finished exercise of the period',
    description: 'Answers application/pdf. Without from/to: all time.',
    tags: TAGS,
    errors: ['VALIDATION_FAILED', 'REPORT_RENDERER_UNAVAILABLE (503)'],
  })
  async periodReport(
    @CurrentUser() user: AuthenticatedUser,
    @Query({ schema: PeriodReportQuerySchema }) query: PeriodReportQuery,
    @Req() request: Request,
  ): Promise<StreamableFile> {
    const period = { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) };
    const pdf = await this.reports.periodReportPdf(user, period, query.lang, { origin: this.origin(request), timeZone: this.config.ORG_TIME_ZONE });
    return attachment(pdf, 'application/pdf', `soc-drill-report-${query.lang}.pdf`);
  }
}
