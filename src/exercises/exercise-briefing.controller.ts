import { Controller, Get, Inject, Param } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import { ScenarioBriefingSchema, type ScenarioBriefing } from '../contracts/scenario-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { ExercisesService } from './exercises.service.js';

/**
 * The briefing of the scenario version an exercise actually runs, with parties named for the
 * exercise's era (e.g. NCSC before 2025, Trung tâm An ninh mạng quốc gia after). Trainee-safe:
 * the same projection as the catalogue's briefing, never the answer key.
 */
@Controller('exercises')
export class ExerciseBriefingController {
  constructor(
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
  ) {}

  @Get(':exerciseId/briefing')
  @Access('authenticated')
  @ApiDoc({
    summary: "Briefing of the exercise's scenario version, with party names for its era",
    tags: ['exercises'],
    response: ScenarioBriefingSchema,
    errors: ['EXERCISE_NOT_FOUND'],
  })
  async briefing(@CurrentUser() user: AuthenticatedUser, @Param('exerciseId', { schema: z.uuid() }) exerciseId: string): Promise<ScenarioBriefing> {
    const { exercise } = await this.exercises.access(user, exerciseId);
    const stored = await this.catalogue.byVersionId(exercise.scenarioVersionId);
    const briefing = this.catalogue.briefing(stored);
    const byId = new Map(stored.scenario.parties.map((p) => [p.id, p]));
    return {
      ...briefing,
      parties: briefing.parties.map((party) => ({ ...party, name: byId.get(party.id)?.eraNames?.[exercise.era] ?? party.name })),
    };
  }
}
