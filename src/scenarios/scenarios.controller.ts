import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import { AppError } from '../common/app-error.js';
import {
  CopyScenarioSchema,
  ScenarioBriefingSchema,
  ScenarioDetailSchema,
  ScenarioIdParamSchema,
  ScenarioLibraryQuerySchema,
  ScenarioSourceSchema,
  ScenarioSummarySchema,
  ScenarioValidateQuerySchema,
  ScenarioValidationResultSchema,
  VersionIdParamSchema,
  type CopyScenario,
  type ScenarioBriefing,
  type ScenarioLibraryQuery,
  type ScenarioSummary,
  type ScenarioValidateQuery,
  type ScenarioValidationResult,
} from '../contracts/scenario-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import type { UploadBody } from './scenario-body.js';
import { ScenarioCatalogueService } from './scenario-catalogue.service.js';
import { ScenarioUploadBody } from './scenario-upload-body.decorator.js';
import { ImportPreviewSchema, ImportRequestSchema, type ImportPreview, type ImportRequest } from '../contracts/import-api.schema.js';
import { ScenarioImportService } from './scenario-import.service.js';

/** How the upload routes document their body (read as bytes, decoded and checked in a worker: see scenario-body.ts). */
const UPLOAD_BODY_DOC = {
  contentType: 'application/json',
  schema: ScenarioSourceSchema,
  description: 'A scenario file as JSON `{ "source": "<YAML or JSON text>" }`, or the raw text with Content-Type text/yaml (or application/yaml, text/plain).',
};

/**
 * The scenario library. Every scenario belongs to one organisation or to the shared, read-only
 * library; a caller sees their organisation's and the shared ones, and anything else answers
 * SCENARIO_NOT_FOUND exactly as a missing one does. Admins act within their organisation too.
 */
@Controller('scenarios')
export class ScenariosController {
  constructor(
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(ScenarioImportService) private readonly importer: ScenarioImportService,
  ) {}

  // Summaries carry the instructor's description and the timeline size: not for trainees, who read
  // the briefing of the exercise they play in.
  @Get()
  @Access(['instructor', 'admin', 'reviewer'])
  @ApiDoc({ summary: 'List the scenarios of your organisation and of the shared library (latest version of each)', tags: ['scenarios'], response: z.array(ScenarioSummarySchema) })
  list(@CurrentUser() user: AuthenticatedUser): Promise<ScenarioSummary[]> {
    return this.catalogue.listLatest(user);
  }

  @Post('validate')
  @HttpCode(200)
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: 'Validate a scenario file without saving it',
    requestBody: UPLOAD_BODY_DOC,
    description:
      'Checked in a worker thread, at most two files at a time per user (RATE_LIMITED with Retry-After beyond), within the heavy-job time and memory limits. ' +
      'With `?timeline=true` a valid file is answered with its `timeline` too: alerts by layer over virtual time, noise bands, triggers with what they release and cancel, response windows and report deadlines, each with its line in the file. ' +
      'It shows the answer key, as the rest of this route does for instructors and admins only; the console editor asks for it on every check.',
    tags: ['scenarios'],
    response: ScenarioValidationResultSchema,
    errors: ['RATE_LIMITED', 'JOB_TIMEOUT', 'SCENARIO_TOO_COMPLEX'],
  })
  validate(
    @ScenarioUploadBody() source: string | UploadBody,
    @Query({ schema: ScenarioValidateQuerySchema }) query: ScenarioValidateQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ScenarioValidationResult> {
    return this.catalogue.validate(source, user.id, { timeline: query.timeline === 'true' });
  }

  @Post('import')
  @HttpCode(200)
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: 'Turn a SOC export (Suricata EVE, Wazuh, ECS, Zeek, Sysmon) into a scenario draft to preview; nothing is saved',
    description:
      'The same import as `soc-drill import`: alert records become timeline alerts, the others raw events (inline under logs.events), addresses and names renamed. ' +
      'Save the returned draft with POST /api/scenarios (a new scenario) or PUT /api/scenarios/:id (a new version). See docs/import.md.',
    tags: ['scenarios'],
    requestBody: { contentType: 'application/json', schema: ImportRequestSchema },
    response: ImportPreviewSchema,
    errors: ['VALIDATION_FAILED', 'IMPORT_BINARY', 'IMPORT_WRONG_FORMAT', 'IMPORT_EMPTY', 'IMPORT_INVALID_MAPPING', 'PAYLOAD_TOO_LARGE'],
  })
  importDraft(@Body({ schema: ImportRequestSchema }) request: ImportRequest): Promise<ImportPreview> {
    return this.importer.preview(request);
  }

  @Post()
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: 'Upload a new scenario, owned by your organisation',
    requestBody: UPLOAD_BODY_DOC,
    description:
      'Body: `{ "source": "<YAML or JSON text>" }`, or the raw text with Content-Type text/yaml. Problems come back as `error.details`: `{path, line, column, message, code}`. ' +
      'An id your organisation already has is refused (SCENARIO_EXISTS): publish a new version with PUT instead. The same file again returns the stored version.',
    tags: ['scenarios'],
    response: ScenarioSummarySchema,
    errors: ['SCENARIO_INVALID', 'SCENARIO_EXISTS', 'SCENARIO_TOO_LARGE', 'RATE_LIMITED', 'JOB_TIMEOUT', 'SCENARIO_TOO_COMPLEX'],
  })
  async upload(@ScenarioUploadBody() source: string | UploadBody, @CurrentUser() user: AuthenticatedUser): Promise<ScenarioSummary> {
    const { summary } = await this.catalogue.save(source, { owner: user.orgId, mode: 'create', userId: user.id });
    return summary;
  }

  @Put(':scenarioId')
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: "Publish a new version of one of your organisation's scenarios",
    requestBody: UPLOAD_BODY_DOC,
    description: 'The version number must be above the latest one (SCENARIO_VERSION_NOT_NEWER); shared scenarios are read-only (SCENARIO_READ_ONLY): copy them first.',
    tags: ['scenarios'],
    response: ScenarioSummarySchema,
    errors: ['SCENARIO_INVALID', 'SCENARIO_NOT_FOUND', 'SCENARIO_VERSION_NOT_NEWER', 'SCENARIO_READ_ONLY'],
  })
  async update(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @ScenarioUploadBody() source: string | UploadBody,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ScenarioSummary> {
    if (!(await this.catalogue.isOwn(user, scenarioId))) throw new AppError('SCENARIO_READ_ONLY', `"${scenarioId}" is in the shared library: copy it to your organisation to change it`);
    const { summary } = await this.catalogue.save(source, { owner: user.orgId, mode: 'version', userId: user.id, expectScenarioId: scenarioId });
    return summary;
  }

  @Get(':scenarioId')
  @Access('authenticated')
  @ApiDoc({ summary: 'Trainee briefing of the latest version: briefing, target, assets, parties (no description, no timeline, no answer key)', tags: ['scenarios'], response: ScenarioBriefingSchema, errors: ['SCENARIO_NOT_FOUND'] })
  async briefing(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Query({ schema: ScenarioLibraryQuerySchema }) query: ScenarioLibraryQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ScenarioBriefing> {
    return this.catalogue.briefing(await this.catalogue.latest(user, scenarioId, query.library));
  }

  @Get(':scenarioId/versions')
  @Access(['instructor', 'admin'])
  @ApiDoc({ summary: 'All stored versions of a scenario, highest version number first', tags: ['scenarios'], response: z.array(ScenarioSummarySchema), errors: ['SCENARIO_NOT_FOUND'] })
  versions(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Query({ schema: ScenarioLibraryQuerySchema }) query: ScenarioLibraryQuery,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ScenarioSummary[]> {
    return this.catalogue.listVersions(user, scenarioId, query.library);
  }

  @Get(':scenarioId/versions/:versionId')
  @Access(['instructor', 'admin'])
  @ApiDoc({ summary: 'One version in full, with its answer key and source text', tags: ['scenarios'], response: ScenarioDetailSchema, errors: ['SCENARIO_NOT_FOUND'] })
  async detail(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Param('versionId', { schema: VersionIdParamSchema }) versionId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<z.infer<typeof ScenarioDetailSchema>> {
    const stored = await this.catalogue.visibleVersion(user, versionId, scenarioId);
    return { ...this.catalogue.summarize(stored.row, stored.scenario), format: stored.row.format, source: stored.row.sourceText, scenario: stored.scenario as unknown as Record<string, unknown> };
  }

  @Post(':scenarioId/versions/:versionId/copy')
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: 'Copy a version (typically from the shared library) into your organisation as a new scenario',
    description: 'Keeps the file as written (authors, sources, licences) under the same id, or under `scenarioId` when given. Audited as scenario.copy.',
    tags: ['scenarios'],
    response: ScenarioSummarySchema,
    errors: ['SCENARIO_NOT_FOUND', 'SCENARIO_EXISTS'],
  })
  copy(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Param('versionId', { schema: VersionIdParamSchema }) versionId: string,
    @Body({ schema: CopyScenarioSchema }) body: CopyScenario,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ScenarioSummary> {
    return this.catalogue.copy(user, scenarioId, versionId, body.scenarioId);
  }

  @Post(':scenarioId/versions/:versionId/publish')
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: "Publish a version of your organisation's scenario to the shared library (a read-only copy every organisation can run or copy)",
    description:
      'Keeps the author and the file as written. Only the organisation that first published an id may publish newer versions of it (SCENARIO_EXISTS otherwise), each above the last (SCENARIO_VERSION_NOT_NEWER). Audited as scenario.publish.',
    tags: ['scenarios'],
    response: ScenarioSummarySchema,
    errors: ['SCENARIO_NOT_FOUND', 'SCENARIO_EXISTS', 'SCENARIO_VERSION_NOT_NEWER', 'SCENARIO_READ_ONLY'],
  })
  async publish(
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Param('versionId', { schema: VersionIdParamSchema }) versionId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ScenarioSummary> {
    const { summary } = await this.catalogue.publish(user, scenarioId, versionId);
    return summary;
  }
}
