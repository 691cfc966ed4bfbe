import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import { AppError } from '../common/app-error.js';
import { ScenarioIdParamSchema, VersionIdParamSchema } from '../contracts/scenario-api.schema.js';
import { HeavyJobsService } from '../heavy-jobs/heavy-jobs.service.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { SIMULATE_JOB, type SimulateJob, type SimulateOutcome } from './simulation-jobs.js';
import { SOLVERS } from './solver.js';

const SimulateRequestSchema = z
  .object({
    solver: z.enum(SOLVERS),
    seed: z.union([z.string().min(1).max(64), z.number().int()]).optional(),
  })
  .strict()
  .meta({ id: 'SimulateRequest' });

const SimulateResultSchema = z
  .object({
    scenario: z.string(),
    solver: z.enum(SOLVERS),
    seed: z.string(),
    score: z.number(),
    maxScore: z.number(),
    index: z.number(),
    components: z.object({ detection: z.number(), response: z.number(), coordination: z.number(), incident: z.number() }),
    alertsDelivered: z.number().int(),
    actions: z.number().int(),
    triggersFired: z.array(z.string()),
  })
  .loose()
  .meta({ id: 'SimulateResult' });

/**
 * The headless solver (the same as `soc-drill simulate`) for the instructor's scenario library:
 * plays a scenario version through the real engine and scoring, without an exercise.
 */
@Controller('scenarios')
export class SimulationController {
  constructor(
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(HeavyJobsService) private readonly heavyJobs: HeavyJobsService,
  ) {}

  @Post(':scenarioId/versions/:versionId/simulate')
  @HttpCode(200)
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: 'Run the headless solver (perfect, naive or idle) on a scenario version and score it',
    description:
      'A consistent answer key gives perfect = maxScore, idle ≤ 5 % and naive ≤ half of perfect. Played in a worker thread, one simulation at a time per user (RATE_LIMITED with Retry-After beyond), within the heavy-job time and memory limits.',
    tags: ['scenarios'],
    response: SimulateResultSchema,
    errors: ['SCENARIO_NOT_FOUND', 'VALIDATION_FAILED', 'RATE_LIMITED', 'JOB_TIMEOUT', 'SCENARIO_TOO_COMPLEX'],
  })
  async simulate(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Param('versionId', { schema: VersionIdParamSchema }) versionId: string,
    @Body({ schema: SimulateRequestSchema }) body: z.infer<typeof SimulateRequestSchema>,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<Record<string, unknown>> {
    // Seconds of CPU for a large scenario: played in a worker thread, one at a time per user.
    const outcome = await this.heavyJobs.run<SimulateJob, SimulateOutcome>(user.id, SIMULATE_JOB, async () => ({
      scenarioJson: await this.catalogue.visibleScenarioJson(user, versionId, scenarioId),
      solver: body.solver,
      ...(body.seed === undefined ? {} : { seed: body.seed }),
    }));
    if (!outcome.ok) throw new AppError('VALIDATION_FAILED', `The ${body.solver} solver could not play this scenario: ${outcome.solverError}`);
    return outcome.summary;
  }
}
