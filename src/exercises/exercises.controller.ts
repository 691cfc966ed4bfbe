import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import {
  ClockStateSchema,
  CreateExerciseSchema,
  EventsQuerySchema,
  ExerciseSchema,
  ExerciseTransitionSchema,
  InjectSchema,
  SeekSchema,
  SetOvertimeSchema,
  SetSpeedSchema,
  StreamEventSchema,
  type ClockStateDto,
  type CreateExercise,
  type ExerciseDto,
  type InjectInput,
  type SeekInput,
} from '../contracts/exercise.schema.js';
import { OwnerRouter } from '../cluster/owner-router.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { AlertRefService } from './alert-ref.service.js';
import { type ClockOperation, ExerciseRuntime } from './exercise-runtime.service.js';
import { ExercisesService } from './exercises.service.js';

const ExerciseIdSchema = z.uuid();
const INSTRUCTORS = ['instructor', 'admin'] as const;
/** Clock routes a practice run's owner may use on their own run; the service checks the rest. */
const CLOCK_USERS = ['instructor', 'admin', 'trainee'] as const;
const CLOCK_ERRORS = ['EXERCISE_NOT_FOUND', 'EXERCISE_INVALID_STATE', 'EXERCISE_FINISHED', 'FORBIDDEN'];

@Controller('exercises')
export class ExercisesController {
  constructor(
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
    @Inject(OwnerRouter) private readonly router: OwnerRouter,
  ) {}

  @Post()
  @Access(INSTRUCTORS)
  @ApiDoc({ summary: 'Create an exercise from a scenario version (draft)', tags: ['exercises'], response: ExerciseSchema })
  create(@CurrentUser() user: AuthenticatedUser, @Body({ schema: CreateExerciseSchema }) body: CreateExercise): Promise<ExerciseDto> {
    return this.exercises.create(user, body);
  }

  @Get()
  @Access('authenticated')
  @ApiDoc({
    summary: "Exercises I can see: the ones I play in, or my organisation's as instructor/reviewer",
    tags: ['exercises'],
    response: z.array(ExerciseSchema),
  })
  list(@CurrentUser() user: AuthenticatedUser): Promise<ExerciseDto[]> {
    return this.exercises.list(user);
  }

  @Get(':exerciseId')
  @Access('authenticated')
  @ApiDoc({ summary: 'One exercise with its teams and clock', tags: ['exercises'], response: ExerciseSchema, errors: ['EXERCISE_NOT_FOUND'] })
  view(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string): Promise<ExerciseDto> {
    return this.exercises.view(user, exerciseId);
  }

  @Get(':exerciseId/transitions')
  @Access(INSTRUCTORS)
  @ApiDoc({ summary: 'State changes of the exercise: who and when', tags: ['exercises'], response: z.array(ExerciseTransitionSchema) })
  transitions(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string) {
    return this.exercises.transitions(user, exerciseId);
  }

  @Get(':exerciseId/events')
  @Access('authenticated')
  @ApiDoc({
    summary: 'Events delivered to a team, after a sequence number (catch-up without a socket)',
    description: "Trainees: their own team. The organisation's instructors and reviewers who do not play in the exercise, and admins: any team (`teamId`).",
    tags: ['exercises'],
    // Alerts are named by opaque per-exercise references; the origin is never sent (it names the verdict).
    response: z.object({ teamId: z.string(), events: z.array(StreamEventSchema) }),
    errors: ['NOT_TEAM_MEMBER', 'EXERCISE_NOT_FOUND'],
  })
  events(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: EventsQuerySchema }) query: z.output<typeof EventsQuerySchema>,
  ) {
    return this.exercises.events(user, exerciseId, query.teamId, query.afterSeq, query.limit);
  }

  @Post(':exerciseId/start')
  @HttpCode(200)
  @Access(CLOCK_USERS)
  @ApiDoc({ summary: 'Start the exercise clock', tags: ['exercise control'], response: ClockStateSchema, errors: CLOCK_ERRORS })
  start(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) id: string): Promise<ClockStateDto> {
    return this.control(user, id, { op: 'start' });
  }

  @Post(':exerciseId/pause')
  @HttpCode(200)
  @Access(CLOCK_USERS)
  @ApiDoc({
    summary: 'Pause: no delivery, trainee actions refused until resumed',
    tags: ['exercise control'],
    response: ClockStateSchema,
    errors: CLOCK_ERRORS,
  })
  pause(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) id: string): Promise<ClockStateDto> {
    return this.control(user, id, { op: 'pause' });
  }

  @Post(':exerciseId/resume')
  @HttpCode(200)
  @Access(CLOCK_USERS)
  @ApiDoc({ summary: 'Resume a paused exercise', tags: ['exercise control'], response: ClockStateSchema, errors: CLOCK_ERRORS })
  resume(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) id: string): Promise<ClockStateDto> {
    return this.control(user, id, { op: 'resume' });
  }

  @Post(':exerciseId/speed')
  @HttpCode(200)
  @Access(CLOCK_USERS)
  @ApiDoc({
    summary: 'Change the speed (0.25×–100×), live',
    tags: ['exercise control'],
    response: ClockStateSchema,
    errors: [...CLOCK_ERRORS, 'INVALID_SPEED'],
  })
  speed(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) id: string,
    @Body({ schema: SetSpeedSchema }) body: { speed: number },
  ): Promise<ClockStateDto> {
    return this.control(user, id, { op: 'speed', speed: body.speed });
  }

  @Post(':exerciseId/seek')
  @HttpCode(200)
  @Access(CLOCK_USERS)
  @ApiDoc({
    summary: 'Seek forward to a virtual time or a kill-chain phase; skipped events arrive at once as catch-up',
    tags: ['exercise control'],
    response: ClockStateSchema,
    errors: [...CLOCK_ERRORS, 'SEEK_BACKWARDS'],
  })
  seek(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) id: string,
    @Body({ schema: SeekSchema }) body: SeekInput,
  ): Promise<ClockStateDto> {
    return this.control(user, id, { op: 'seek', target: body });
  }

  @Post(':exerciseId/finish')
  @HttpCode(200)
  @Access(CLOCK_USERS)
  @ApiDoc({ summary: 'End the exercise (it becomes read-only)', tags: ['exercise control'], response: ClockStateSchema, errors: CLOCK_ERRORS })
  finish(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) id: string): Promise<ClockStateDto> {
    return this.control(user, id, { op: 'finish' });
  }

  @Post(':exerciseId/abort')
  @HttpCode(200)
  @Access(INSTRUCTORS)
  @ApiDoc({ summary: 'Abort the exercise', tags: ['exercise control'], response: ClockStateSchema, errors: CLOCK_ERRORS })
  abort(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: ExerciseIdSchema }) id: string): Promise<ClockStateDto> {
    return this.control(user, id, { op: 'abort' });
  }

  @Post(':exerciseId/overtime')
  @HttpCode(200)
  @Access(INSTRUCTORS)
  @ApiDoc({
    summary: 'Allow overtime (keep running past the scenario duration until finished) or not',
    description:
      'Without overtime the exercise ends by itself when its clock reaches the duration. Turning overtime off once the duration has passed ends the exercise at once, at the virtual time it has reached.',
    tags: ['exercise control'],
    response: ClockStateSchema,
    errors: CLOCK_ERRORS,
  })
  async overtime(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) id: string,
    @Body({ schema: SetOvertimeSchema }) body: { allowOvertime: boolean },
  ): Promise<ClockStateDto> {
    await this.exercises.requireControl(user, id);
    // Clock changes run where the exercise's clock runs (another node, with several); not retried: they are not idempotent.
    return this.router.onOwner(
      id,
      'exercise.overtime',
      { exerciseId: id, allowOvertime: body.allowOvertime, actor: user },
      () => this.runtime.setOvertime(id, body.allowOvertime, user),
      { idempotent: false },
    );
  }

  @Post(':exerciseId/injects')
  @Access(INSTRUCTORS)
  @ApiDoc({
    summary: "Inject an alert now: from the scenario's inject library (injectId) or written on the spot (alert)",
    tags: ['exercise control'],
    response: z.object({ eventId: z.string(), teamIds: z.array(z.string()) }),
    errors: CLOCK_ERRORS,
  })
  async inject(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) id: string,
    @Body({ schema: InjectSchema }) body: InjectInput,
  ) {
    await this.exercises.requireControl(user, id);
    const result = await this.router.onOwner(id, 'exercise.inject', { exerciseId: id, input: body, actor: user }, () => this.runtime.inject(id, body, user), {
      idempotent: false,
    });
    // Named as the cockpit's stream names it.
    return { ...result, eventId: (await this.alertRefs.namer(id)).refOf(result.eventId) };
  }

  private async control(user: AuthenticatedUser, exerciseId: string, operation: ClockOperation): Promise<ClockStateDto> {
    await this.exercises.requireClockControl(user, exerciseId, operation.op);
    return this.router.onOwner(
      exerciseId,
      'exercise.control',
      { exerciseId, operation, actor: user },
      () => this.runtime.control(exerciseId, operation, user),
      { idempotent: false },
    );
  }
}
