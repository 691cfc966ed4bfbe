import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import { RateLimit } from '../auth/rate-limit.guard.js';
import { AppError } from '../common/app-error.js';
import {
  ActionAckSchema,
  BulkAckSchema,
  BulkActionsSchema,
  type BulkAck,
  type BulkActions,
  RecordedActionSchema,
  ReportDeadlinesSchema,
  TeamStateSchema,
  TriageActionSchema,
  type ActionAck,
  type ReportDeadlines,
  type TeamState,
  type TriageAction,
  TeamProgressSchema,
  type TeamProgress,
} from '../contracts/triage.schema.js';
import { OwnerRouter } from '../cluster/owner-router.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { TriageService } from './triage.service.js';

const ExerciseIdSchema = z.uuid();
const TeamQuerySchema = z.object({ teamId: z.string().min(1).max(64).optional() }).strict();
const ActionsQuerySchema = z
  .object({
    teamId: z.string().min(1).max(64).optional(),
    afterSeq: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict();
const ACT_ERRORS = [
  'VALIDATION_FAILED',
  'EXERCISE_NOT_FOUND',
  'NOT_TEAM_MEMBER',
  'EXERCISE_PAUSED',
  'EXERCISE_FINISHED',
  'EXERCISE_INVALID_STATE',
  'ALERT_NOT_DELIVERED',
  'ALERT_OWNED_BY_OTHER',
  'INCIDENT_NOT_FOUND',
  'INCIDENT_MERGED',
  'INCIDENT_PHASE_ORDER',
  'REPORT_NOT_FOUND',
  'NO_HINT',
  'TARGET_NOT_OFFERED',
  'CONFLICT',
  'RATE_LIMITED',
];
const READ_ERRORS = ['VALIDATION_FAILED', 'EXERCISE_NOT_FOUND', 'NOT_TEAM_MEMBER'];

/** Trainee triage: the one path for actions (the socket only pushes them to teammates), plus team reads. */
@Controller('exercises')
export class TriageController {
  constructor(
    @Inject(TriageService) private readonly triage: TriageService,
    @Inject(OwnerRouter) private readonly router: OwnerRouter,
  ) {}

  @Post(':exerciseId/actions')
  @HttpCode(200)
  @Access('authenticated')
  @RateLimit('triage-actions')
  @ApiDoc({
    summary: 'Take a triage action as a member of a team (idempotent by actionId: a retry returns the original ack with applied:false)',
    tags: ['triage'],
    response: ActionAckSchema,
    errors: ACT_ERRORS,
  })
  act(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Body({ schema: TriageActionSchema }) body: TriageAction,
  ): Promise<ActionAck> {
    if (body.exerciseId !== exerciseId)
      throw new AppError('VALIDATION_FAILED', 'exerciseId in the body differs from the path', [{ path: 'exerciseId', message: 'must match the path' }]);
    // Applied where the exercise's clock runs (with several nodes, maybe another one); a retry is safe by actionId.
    return this.router.onOwner(exerciseId, 'triage.act', { user, input: body }, () => this.triage.act(user, body), { idempotent: true });
  }

  @Post(':exerciseId/actions/bulk')
  @HttpCode(200)
  @Access('authenticated')
  @RateLimit('triage-actions', 'triage-bulk')
  @ApiDoc({
    summary:
      'Take up to 200 triage actions at once (e.g. close a group of alerts): all are checked before any is applied, all are committed together, each is recorded and scored as its own action and stays idempotent by its actionId. Counts as one request of the per-user action limit.',
    tags: ['triage'],
    response: BulkAckSchema,
    errors: ACT_ERRORS,
  })
  async actMany(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Body({ schema: BulkActionsSchema }) body: BulkActions,
  ): Promise<BulkAck> {
    if (body.exerciseId !== exerciseId)
      throw new AppError('VALIDATION_FAILED', 'exerciseId in the body differs from the path', [{ path: 'exerciseId', message: 'must match the path' }]);
    const acks = await this.router.onOwner(
      exerciseId,
      'triage.actMany',
      { user, exerciseId, inputs: body.actions },
      () => this.triage.actMany(user, exerciseId, body.actions),
      { idempotent: true },
    );
    return { acks };
  }

  @Get(':exerciseId/state')
  @Access('authenticated')
  @ApiDoc({
    summary: "A team's triage state, derived from its action log (trainees: own team; instructors, reviewers: any)",
    tags: ['triage'],
    response: TeamStateSchema,
    errors: READ_ERRORS,
  })
  state(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: TeamQuerySchema }) query: z.output<typeof TeamQuerySchema>,
  ): Promise<TeamState> {
    return this.triage.state(user, exerciseId, query.teamId);
  }

  @Get(':exerciseId/actions')
  @Access('authenticated')
  @ApiDoc({
    summary: "A team's recorded actions after a per-team sequence number (catch-up without a socket)",
    tags: ['triage'],
    response: z.object({ teamId: z.string(), actions: z.array(RecordedActionSchema) }),
    errors: READ_ERRORS,
  })
  actions(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: ActionsQuerySchema }) query: z.output<typeof ActionsQuerySchema>,
  ) {
    return this.triage.actions(user, exerciseId, query.teamId, query.afterSeq, query.limit);
  }

  @Get(':exerciseId/deadlines')
  @Access('authenticated')
  @ApiDoc({
    summary:
      "Report deadlines for the team's console, one per reporting obligation; clocks start when the team recognised an incident, never from the answer key",
    tags: ['triage'],
    response: ReportDeadlinesSchema,
    errors: READ_ERRORS,
  })
  deadlines(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: TeamQuerySchema }) query: z.output<typeof TeamQuerySchema>,
  ): Promise<ReportDeadlines> {
    return this.triage.deadlines(user, exerciseId, query.teamId);
  }

  @Get(':exerciseId/progress')
  @Access(['instructor', 'admin', 'reviewer'])
  @ApiDoc({
    summary: "The cockpit's view of every team: kill-chain phases reached, open alerts, last action, alerts waiting longest",
    tags: ['triage'],
    response: z.array(TeamProgressSchema),
    errors: READ_ERRORS,
  })
  progress(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string): Promise<TeamProgress[]> {
    return this.triage.progress(user, exerciseId);
  }
}
