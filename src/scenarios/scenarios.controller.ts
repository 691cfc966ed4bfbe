import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../auth/access.decorator.js';
import {
  ScenarioBriefingSchema,
  ScenarioDetailSchema,
  ScenarioIdParamSchema,
  ScenarioSourceSchema,
  ScenarioSummarySchema,
  ScenarioValidationResultSchema,
  VersionIdParamSchema,
  type ScenarioBriefing,
  type ScenarioSummary,
  type ScenarioValidationResult,
} from '../contracts/scenario-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { ScenarioCatalogueService } from './scenario-catalogue.service.js';

/** A scenario file arrives as JSON `{ source }` or as the raw YAML/JSON text (Content-Type text/yaml). */
const UploadSchema = z.union([ScenarioSourceSchema, z.string().min(1)]).transform((body) => (typeof body === 'string' ? body : body.source));

interface RequestWithUser {
  user?: { id: string };
}

@Controller('scenarios')
export class ScenariosController {
  constructor(@Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService) {}

  // Summaries carry the instructor's description and the timeline size: not for trainees, who read
  // the briefing of the exercise they play in.
  @Get()
  @Access(['instructor', 'admin', 'reviewer'])
  @ApiDoc({ summary: 'List scenarios (latest version of each)', tags: ['scenarios'], response: z.array(ScenarioSummarySchema) })
  list(): Promise<ScenarioSummary[]> {
    return this.catalogue.listLatest();
  }

  @Post('validate')
  @HttpCode(200)
  @Access(['instructor', 'admin'])
  @ApiDoc({ summary: 'Validate a scenario file without saving it', tags: ['scenarios'], response: ScenarioValidationResultSchema })
  validate(@Body({ schema: UploadSchema }) source: string): ScenarioValidationResult {
    return this.catalogue.validate(source);
  }

  @Post()
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: 'Upload a new scenario or a new version of one',
    description: 'Body: `{ "source": "<YAML or JSON text>" }`, or the raw text with Content-Type text/yaml. Problems come back as `error.details`: `{path, line, column, message, code}`.',
    tags: ['scenarios'],
    response: ScenarioSummarySchema,
    errors: ['SCENARIO_INVALID', 'SCENARIO_VERSION_EXISTS', 'SCENARIO_TOO_LARGE'],
  })
  async upload(@Body({ schema: UploadSchema }) source: string, @Req() request: RequestWithUser): Promise<ScenarioSummary> {
    const { summary } = await this.catalogue.save(source, { origin: 'upload', userId: request.user?.id ?? null });
    return summary;
  }

  @Put(':scenarioId')
  @Access(['instructor', 'admin'])
  @ApiDoc({ summary: 'Publish a new version of an existing scenario', tags: ['scenarios'], response: ScenarioSummarySchema, errors: ['SCENARIO_INVALID', 'SCENARIO_VERSION_EXISTS'] })
  async update(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Body({ schema: UploadSchema }) source: string,
    @Req() request: RequestWithUser,
  ): Promise<ScenarioSummary> {
    await this.catalogue.listVersions(scenarioId);
    const { summary } = await this.catalogue.save(source, { origin: 'upload', userId: request.user?.id ?? null, expectScenarioId: scenarioId });
    return summary;
  }

  @Get(':scenarioId')
  @Access('authenticated')
  @ApiDoc({ summary: 'Trainee briefing of the latest version: briefing, target, assets, parties (no description, no timeline, no answer key)', tags: ['scenarios'], response: ScenarioBriefingSchema })
  async briefing(@Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string): Promise<ScenarioBriefing> {
    return this.catalogue.briefing(await this.catalogue.latest(scenarioId));
  }

  @Get(':scenarioId/versions')
  @Access(['instructor', 'admin'])
  @ApiDoc({ summary: 'All stored versions of a scenario', tags: ['scenarios'], response: z.array(ScenarioSummarySchema) })
  versions(@Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string): Promise<ScenarioSummary[]> {
    return this.catalogue.listVersions(scenarioId);
  }

  @Get(':scenarioId/versions/:versionId')
  @Access(['instructor', 'admin'])
  @ApiDoc({ summary: 'One version in full, with its answer key and source text', tags: ['scenarios'], response: ScenarioDetailSchema })
  async detail(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Param('versionId', { schema: VersionIdParamSchema }) versionId: string,
  ): Promise<z.infer<typeof ScenarioDetailSchema>> {
    const stored = await this.catalogue.byVersionId(versionId);
    if (stored.row.scenarioId !== scenarioId) await this.catalogue.byVersionId('00000000-0000-0000-0000-000000000000');
    return { ...this.catalogue.summarize(stored.row, stored.scenario), format: stored.row.format, source: stored.row.sourceText, scenario: stored.scenario as unknown as Record<string, unknown> };
  }
}
