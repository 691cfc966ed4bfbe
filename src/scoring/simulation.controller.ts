import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../auth/access.decorator.js';
import type { AuthenticatedUser } from '../auth/authenticated-user.js';
import { CurrentUser } from '../auth/current-user.decorator.js';
import { AppError } from '../common/app-error.js';
import { ScenarioIdParamSchema, VersionIdParamSchema } from '../contracts/scenario-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { simulate, simulationSummary, SolverError, SOLVERS } from './solver.js';

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
  constructor(@Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService) {}

  @Post(':scenarioId/versions/:versionId/simulate')
  @HttpCode(200)
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: 'Run the headless solver (perfect, naive or idle) on a scenario version and score it',
    description: 'A consistent answer key gives perfect = maxScore, idle ≤ 5 % and naive ≤ half of perfect.',
    tags: ['scenarios'],
    response: SimulateResultSchema,
    errors: ['SCENARIO_NOT_FOUND', 'VALIDATION_FAILED'],
  })
  async simulate(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Param('versionId', { schema: VersionIdParamSchema }) versionId: string,
    @Body({ schema: SimulateRequestSchema }) body: z.infer<typeof SimulateRequestSchema>,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<Record<string, unknown>> {
    const stored = await this.catalogue.visibleVersion(user, versionId, scenarioId);
    try {
      return simulationSummary(simulate({ scenario: stored.scenario, solver: body.solver, ...(body.seed === undefined ? {} : { seed: body.seed }) }));
    } catch (error) {
      // The perfect solver is refused only when the answer key asks for something the rules forbid.
      if (error instanceof SolverError) throw new AppError('VALIDATION_FAILED', `The ${body.solver} solver could not play this scenario: ${error.message}`);
      throw error;
    }
  }
}
