import { Injectable } from '@nestjs/common';
import { parse } from 'yaml';
import { AppError } from '../common/app-error.js';
import { parseDuration } from '../contracts/common.schema.js';
import type { ImportPreview, ImportRequest } from '../contracts/import-api.schema.js';
import { buildDraft } from '../importers/import-draft.js';
import { ImportError } from '../importers/import-error.js';
import { ImportMappingSchema, type ImportMapping } from '../importers/import-mapping.js';
import { importRecords } from '../importers/importer.js';
import { parseScenario } from './scenario-parser.js';

/** An upload must stay under the scenario size limit with its raw events inline: fewer than the CLI keeps. */
const UI_MAX_ALERTS = 500;
const UI_MAX_EVENTS = 2_000;

/**
 * The console's import (`POST /api/scenarios/import`): the same reading, renaming and draft as
 * `soc-drill import`, with the raw events inline so that the draft saves through the ordinary
 * upload routes. Nothing is stored here: the instructor previews, then saves.
 */
@Injectable()
export class ScenarioImportService {
  async preview(request: ImportRequest): Promise<ImportPreview> {
    const mapping = this.mapping(request.mapping);
    const fit = request.fit === undefined ? undefined : parseDuration(request.fit);
    if (fit === null || (fit !== undefined && fit < 60)) throw new AppError('VALIDATION_FAILED', 'fit must be a duration of at least a minute, such as 2h');
    const encoder = new TextEncoder();
    let result;
    try {
      result = await importRecords(
        request.files.map((file) => ({ name: file.name, chunks: [encoder.encode(file.content)] })),
        { format: request.format, mapping, speed: request.speed ?? 1, maxAlerts: UI_MAX_ALERTS, maxEvents: UI_MAX_EVENTS, ...(fit === undefined ? {} : { fitSeconds: fit }) },
      );
    } catch (error) {
      if (error instanceof ImportError) throw new AppError(error.code, error.message);
      throw error;
    }
    const first = request.files[0]!.name.replace(/\.[a-z0-9]+$/i, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
    const draft = buildDraft(result, {
      id: request.scenarioId ?? (/^[a-z0-9]/.test(first) ? `imported-${first}`.replace(/-+$/, '') : 'imported-drill'),
      ...(request.title === undefined ? {} : { title: request.title }),
      mapping,
      events: { kind: 'inline' },
      inputNames: request.files.map((f) => f.name),
    });
    const yaml = request.version === undefined ? draft.yaml : draft.yaml.replace(/^version: 1\.0\.0$/m, `version: ${request.version}`);
    const parsed = parseScenario(yaml);
    return {
      draft: yaml,
      summary: result.summary,
      valid: parsed.ok,
      problems: parsed.ok ? [] : [...parsed.problems],
      warnings: parsed.ok ? [...parsed.warnings] : [],
    };
  }

  private mapping(text: string | undefined): ImportMapping {
    if (text === undefined || text.trim() === '') return ImportMappingSchema.parse({});
    let value: unknown;
    try {
      value = parse(text) ?? {};
    } catch (error) {
      throw new AppError('IMPORT_INVALID_MAPPING', `the mapping is not YAML: ${error instanceof Error ? error.message.split('\n')[0]! : 'unreadable'}`);
    }
    const parsed = ImportMappingSchema.safeParse(value);
    if (!parsed.success) {
      throw new AppError(
        'IMPORT_INVALID_MAPPING',
        'the mapping does not fit its format',
        parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      );
    }
    return parsed.data;
  }
}
