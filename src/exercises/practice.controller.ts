import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import { ExerciseSchema, type ExerciseDto } from '../contracts/exercise.schema.js';
import {
  OpenPracticeSchema,
  PracticeCatalogueSchema,
  PracticeHintRequestSchema,
  PracticeHintsSchema,
  PracticeHintTakenSchema,
  PracticeOpeningSchema,
  StartPracticeSchema,
  type PracticeCatalogue,
  type PracticeHints,
  type PracticeHintTaken,
  type PracticeOpening,
  type StartPractice,
} from '../contracts/practice.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { PracticeService } from './practice.service.js';

const INSTRUCTORS = ['instructor', 'admin'] as const;
const UuidSchema = z.uuid();
const HintsQuerySchema = z.object({ teamId: z.string().min(1).max(64).optional() }).strict();

/** Self-paced practice (luyện tập): organisations open scenario versions, trainees run them alone. */
@Controller()
export class PracticeController {
  constructor(@Inject(PracticeService) private readonly practice: PracticeService) {}

  @Get('practice/openings')
  @Access(INSTRUCTORS)
  @ApiDoc({ summary: 'Scenario versions my organisation has opened for practice', tags: ['practice'], response: z.array(PracticeOpeningSchema) })
  openings(@CurrentUser() user: AuthenticatedUser): Promise<PracticeOpening[]> {
    return this.practice.openings(user);
  }

  @Post('practice/openings')
  @HttpCode(200)
  @Access(INSTRUCTORS)
  @ApiDoc({
    summary: "Open a scenario version (the organisation's or the shared library's) for the organisation's trainees to practise alone (audited)",
    tags: ['practice'],
    response: z.array(PracticeOpeningSchema),
    errors: ['SCENARIO_NOT_FOUND'],
  })
  open(@CurrentUser() user: AuthenticatedUser, @Body({ schema: OpenPracticeSchema }) body: { scenarioVersionId: string }): Promise<PracticeOpening[]> {
    return this.practice.open(user, body.scenarioVersionId);
  }

  @Delete('practice/openings/:versionId')
  @Access(INSTRUCTORS)
  @ApiDoc({
    summary: 'Close a scenario version for practice (audited); runs already open go on to their end',
    tags: ['practice'],
    response: z.array(PracticeOpeningSchema),
    errors: ['PRACTICE_NOT_OPEN', 'SCENARIO_NOT_FOUND'],
  })
  close(@CurrentUser() user: AuthenticatedUser, @Param('versionId', { schema: UuidSchema }) versionId: string): Promise<PracticeOpening[]> {
    return this.practice.close(user, versionId);
  }

  @Get('practice')
  @Access(['trainee'])
  @ApiDoc({
    summary: 'The practice catalogue: scenarios my organisation opened for practice, and my open run',
    tags: ['practice'],
    response: PracticeCatalogueSchema,
  })
  catalogue(@CurrentUser() user: AuthenticatedUser): Promise<PracticeCatalogue> {
    return this.practice.catalogueFor(user);
  }

  @Post('practice/runs')
  @Access(['trainee'])
  @ApiDoc({
    summary: 'Start a solo practice run (one team of one, started at once); one open run per trainee',
    tags: ['practice'],
    response: ExerciseSchema,
    errors: ['PRACTICE_NOT_OPEN', 'PRACTICE_ALREADY_RUNNING'],
  })
  start(@CurrentUser() user: AuthenticatedUser, @Body({ schema: StartPracticeSchema }) body: StartPractice): Promise<ExerciseDto> {
    return this.practice.start(user, body);
  }

  @Get('exercises/:exerciseId/practice-hints')
  @Access('authenticated')
  @ApiDoc({
    summary: 'Practice hints taken in a practice run (its trainee; staff: any team)',
    tags: ['practice'],
    response: PracticeHintsSchema,
    errors: ['PRACTICE_ONLY', 'EXERCISE_NOT_FOUND'],
  })
  hints(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: UuidSchema }) exerciseId: string,
    @Query({ schema: HintsQuerySchema }) query: z.output<typeof HintsQuerySchema>,
  ): Promise<PracticeHints> {
    return this.practice.hints(user, exerciseId, query.teamId);
  }

  @Post('exercises/:exerciseId/practice-hints')
  @Access('authenticated')
  @ApiDoc({
    summary: "Take the next practice hint for a delivered alert (the run's trainee, practice runs only)",
    tags: ['practice'],
    response: PracticeHintTakenSchema,
    errors: ['PRACTICE_ONLY', 'NOT_TEAM_MEMBER', 'ALERT_NOT_DELIVERED', 'NO_HINT', 'EXERCISE_FINISHED', 'EXERCISE_NOT_FOUND'],
  })
  takeHint(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: UuidSchema }) exerciseId: string,
    @Body({ schema: PracticeHintRequestSchema }) body: { alertId: string },
  ): Promise<PracticeHintTaken> {
    return this.practice.takeHint(user, exerciseId, body.alertId);
  }
}
