import { Controller, Get, Inject, Param, StreamableFile, Query } from '@nestjs/common';
import { z } from 'zod';
import { Access } from '../common/access.decorator.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { CurrentUser } from '../common/current-user.decorator.js';
import {
  AlertQueueExportQuerySchema,
  GroundTruthStixQuerySchema,
  OcsfFindingsSchema,
  StixBundleSchema,
  TeamStixQuerySchema,
  type AlertQueueExportQuery,
  type GroundTruthStixQuery,
  type TeamStixQuery,
} from '../contracts/export.schema.js';
import { ScenarioIdParamSchema, VersionIdParamSchema } from '../contracts/scenario-api.schema.js';
import { ApiDoc } from '../openapi/api-doc.decorator.js';
import { ExportsService } from './exports.service.js';

const ExerciseIdSchema = z.uuid();
const TAGS = ['exports'];
const TEAM_ERRORS = ['VALIDATION_FAILED', 'EXERCISE_NOT_FOUND', 'NOT_TEAM_MEMBER'];

/** A download: the browser saves it under this name. */
function attachment(content: string, type: string, filename: string): StreamableFile {
  return new StreamableFile(Buffer.from(content, 'utf8'), { type, disposition: `attachment; filename="${filename}"` });
}

/** STIX, OCSF and ECS exports (see docs/exports.md). */
@Controller()
export class ExportsController {
  constructor(@Inject(ExportsService) private readonly exports: ExportsService) {}

  @Get('exercises/:exerciseId/export/stix')
  @Access('authenticated')
  @ApiDoc({
    summary:
      "A team's incidents as a STIX 2.1 bundle for its report to the national centre (Lớp 4): IOCs as indicators, the alerts it saw, sightings, a report",
    description:
      'Answers application/stix+json;version=2.1 as a download. Trainees: their own team; staff: any team (?teamId). Only what the team recorded and the alerts delivered to it; ids are deterministic, so the same export twice is identical. TLP 2.0 marking (?tlp, default amber).',
    tags: TAGS,
    response: StixBundleSchema,
    errors: [...TEAM_ERRORS, 'INCIDENT_NOT_FOUND', 'INCIDENT_MERGED', 'EXPORT_EMPTY'],
  })
  async teamStix(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: TeamStixQuerySchema }) query: TeamStixQuery,
  ): Promise<StreamableFile> {
    const bundle = await this.exports.teamStix(user, exerciseId, query);
    const scope = query.incidentId === undefined ? 'incidents' : query.incidentId.toLowerCase();
    return attachment(JSON.stringify(bundle, null, 2), 'application/stix+json;version=2.1', `soc-drill-${exerciseId.slice(0, 8)}-${scope}.stix.json`);
  }

  @Get('exercises/:exerciseId/export/ocsf')
  @Access('authenticated')
  @ApiDoc({
    summary: "A team's alert queue with its verdicts as OCSF Detection Findings (class 2004), one per delivered alert",
    description: 'Answers a JSON array as a download. Trainees: their own team; staff: any team (?teamId). status_id: New, In Progress, Suppressed, Resolved.',
    tags: TAGS,
    response: OcsfFindingsSchema,
    errors: TEAM_ERRORS,
  })
  async teamOcsf(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: AlertQueueExportQuerySchema }) query: AlertQueueExportQuery,
  ): Promise<StreamableFile> {
    const findings = await this.exports.teamOcsf(user, exerciseId, query);
    return attachment(JSON.stringify(findings, null, 2), 'application/json; charset=utf-8', `soc-drill-${exerciseId.slice(0, 8)}-alerts.ocsf.json`);
  }

  @Get('exercises/:exerciseId/export/ecs')
  @Access('authenticated')
  @ApiDoc({
    summary: "A team's alert queue with its verdicts as ECS documents (NDJSON, event.kind alert), one per delivered alert",
    description:
      "Answers application/x-ndjson as a download. Trainees: their own team; staff: any team (?teamId). @timestamp in the organisation's time zone with its offset; the triage status and verdict in soc_drill.alert.*.",
    tags: TAGS,
    errors: TEAM_ERRORS,
  })
  async teamEcs(
    @CurrentUser() user: AuthenticatedUser,
    @Param('exerciseId', { schema: ExerciseIdSchema }) exerciseId: string,
    @Query({ schema: AlertQueueExportQuerySchema }) query: AlertQueueExportQuery,
  ): Promise<StreamableFile> {
    const ndjson = await this.exports.teamEcs(user, exerciseId, query);
    return attachment(ndjson, 'application/x-ndjson; charset=utf-8', `soc-drill-${exerciseId.slice(0, 8)}-alerts.ecs.ndjson`);
  }

  @Get('scenarios/:scenarioId/versions/:versionId/export/stix')
  @Access(['instructor', 'admin'])
  @ApiDoc({
    summary: "A scenario version's answer key as a STIX 2.1 bundle (instructors only): the attacker's indicators, CVEs and ATT&CK techniques per incident",
    description:
      'Answers application/stix+json;version=2.1 as a download. The ground truth never reaches trainees: this route admits instructors and admins only.',
    tags: TAGS,
    response: StixBundleSchema,
    errors: ['VALIDATION_FAILED', 'SCENARIO_NOT_FOUND', 'EXPORT_EMPTY'],
  })
  async groundTruthStix(
    @CurrentUser() user: AuthenticatedUser,
    @Param('scenarioId', { schema: ScenarioIdParamSchema }) scenarioId: string,
    @Param('versionId', { schema: VersionIdParamSchema }) versionId: string,
    @Query({ schema: GroundTruthStixQuerySchema }) query: GroundTruthStixQuery,
  ): Promise<StreamableFile> {
    const bundle = await this.exports.groundTruthStix(user, scenarioId, versionId, query);
    return attachment(JSON.stringify(bundle, null, 2), 'application/stix+json;version=2.1', `soc-drill-${scenarioId}-answer-key.stix.json`);
  }
}
