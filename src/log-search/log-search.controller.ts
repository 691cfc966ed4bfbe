import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import {
  AlertContextQuerySchema,
  AlertContextResultSchema,
  LogPivotQuerySchema,
  LogPivotResultSchema,
  LogSearchBodySchema,
  LogSearchResultSchema,
  SavedLogQueryBodySchema,
  SavedLogQuerySchema,
  type AlertContextQuery,
  type AlertContextResult,
  type LogPivotQuery,
  type LogPivotResult,
  type LogSearchBody,
  type LogSearchResult,
  type SavedLogQuery,
  type SavedLogQueryBody,
} from '../contracts/log-search.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { LogSearchService } from './log-search.service.js';

const ExerciseIdSchema = z.uuid();
const TAGS = ['log search'];
const TEAM_ERRORS = ['VALIDATION_FAILED', 'EXERCISE_NOT_FOUND', 'NOT_TEAM_MEMBER'];
const GATES =
  "Only the team's own view: events whose virtual time has passed for it (never after `nowMs`), and of the events that depend on what teams do, only those its own actions produced. Trainees search their own team; staff any team (teamId).";

/** Searching a team's raw logs (Tra cứu nhật ký), pivots, and saved searches (see docs/log-search.md). */
@Controller()
export class LogSearchController {
  constructor(@Inject(LogSearchService) private readonly logs: LogSearchService) {}

  @Post('exercises/:exerciseId/logs/search')
  @HttpCode(200)
  @Access('authenticated')
  @ApiDoc({
    summary: "Search a team's raw logs with a Lucene/KQL-style query over a virtual-time range",
    description: `${GATES} Newest first; with a histogram over the range. A query that cannot be read answers LOG_QUERY_INVALID with the column of the error in details[0].column.`,
    tags: TAGS,
    response: LogSearchResultSchema,
    errors: [...TEAM_ERRORS, 'LOG_QUERY_INVALID'],
  })
  search(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Body({ schema: LogSearchBodySchema }) body: LogSearchBody,
  ): Promise<LogSearchResult> {
    return this.logs.search(user, exerciseId, body);
  }

  @Get('exercises/:exerciseId/logs/pivot')
  @Access('authenticated')
  @ApiDoc({
    summary: 'Pivot on an indicator: every event and delivered alert that carries it, and the incidents that list it as an IOC',
    description: `${GATES} The answer's \`query\` is the search that finds the events, to refine in the search.`,
    tags: TAGS,
    response: LogPivotResultSchema,
    errors: TEAM_ERRORS,
  })
  pivot(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: LogPivotQuerySchema }) query: LogPivotQuery,
  ): Promise<LogPivotResult> {
    return this.logs.pivot(user, exerciseId, query);
  }

  @Get('exercises/:exerciseId/logs/around/:alertRef')
  @Access('authenticated')
  @ApiDoc({
    summary: "The events on an alert's host around its time",
    description: `${GATES} The host is the alert's asset, or its IP addresses when it names no asset.`,
    tags: TAGS,
    response: AlertContextResultSchema,
    errors: [...TEAM_ERRORS, 'ALERT_NOT_DELIVERED'],
  })
  around(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Param('alertRef', { schema: z.string().min(1).max(64) }) alertRef: string,
    @Query({ schema: AlertContextQuerySchema }) query: AlertContextQuery,
  ): Promise<AlertContextResult> {
    return this.logs.alertContext(user, exerciseId, alertRef, query);
  }

  @Get('log-queries')
  @Access('authenticated')
  @ApiDoc({ summary: 'Your saved log searches', tags: TAGS, response: z.array(SavedLogQuerySchema) })
  saved(@CurrentUser() user: AuthenticatedUser): Promise<SavedLogQuery[]> {
    return this.logs.savedQueries(user);
  }

  @Post('log-queries')
  @Access('authenticated')
  @ApiDoc({
    summary: 'Save a log search (private to you, usable in every exercise)',
    tags: TAGS,
    response: SavedLogQuerySchema,
    responseStatus: 201,
    errors: ['VALIDATION_FAILED', 'LOG_QUERY_INVALID', 'SAVED_QUERY_LIMIT'],
  })
  save(@CurrentUser() user: AuthenticatedUser, @Body({ schema: SavedLogQueryBodySchema }) body: SavedLogQueryBody): Promise<SavedLogQuery> {
    return this.logs.saveQuery(user, body);
  }

  @Delete('log-queries/:id')
  @HttpCode(204)
  @Access('authenticated')
  @ApiDoc({ summary: 'Delete one of your saved log searches', tags: TAGS, responseStatus: 204, errors: ['NOT_FOUND'] })
  async remove(@CurrentUser() user: AuthenticatedUser, @Param('id', { schema: z.uuid() }) id: string): Promise<void> {
    await this.logs.deleteQuery(user, id);
  }
}
