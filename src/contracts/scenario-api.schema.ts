import { z } from 'zod';
import { LayerSchema, TextSchema } from './common.schema.js';
import { ASSET_KINDS, BriefingSchema, PARTY_KINDS, RESPONSE_ACTIONS, RESPONSE_TARGET_KINDS } from './scenario.schema.js';
import { ScenarioTimelineSchema } from './scenario-timeline.schema.js';

export const ScenarioProblemSchema = z
  .object({
    path: z.string(),
    line: z.number().int(),
    column: z.number().int(),
    message: z.string(),
    code: z.string(),
  })
  .meta({ id: 'ScenarioProblem' });
export type ScenarioProblemDto = z.infer<typeof ScenarioProblemSchema>;

/** Upload as JSON: the scenario file's text (YAML or JSON), exactly as written (an empty one is answered "the file is empty"). */
export const ScenarioSourceSchema = z
  .object({ source: z.string().max(64 * 1024 * 1024) })
  .strict()
  .meta({ id: 'ScenarioSource' });
export type ScenarioSource = z.infer<typeof ScenarioSourceSchema>;

export const ScenarioValidationResultSchema = z
  .object({
    valid: z.boolean(),
    problems: z.array(ScenarioProblemSchema),
    /** Allowed but probably a mistake, e.g. `SCENARIO_MISSING_BRIEFING`: the file is still valid. */
    warnings: z.array(ScenarioProblemSchema),
    scenarioId: z.string().optional(),
    version: z.string().optional(),
    eventCount: z.number().int().optional(),
    timeline: ScenarioTimelineSchema.optional().meta({
      description: 'With `?timeline=true`, for a valid file: its timeline as the editor draws it (answer key included).',
    }),
  })
  .meta({ id: 'ScenarioValidationResult' });
export type ScenarioValidationResult = z.infer<typeof ScenarioValidationResultSchema>;

/** `timeline=true`: a valid file's answer also carries its timeline (the console's editor asks for it on every check). */
export const ScenarioValidateQuerySchema = z
  .object({ timeline: z.enum(['true', 'false']).optional().meta({ description: 'true: answer a valid file with its timeline too.' }) })
  .strict()
  .meta({ id: 'ScenarioValidateQuery' });
export type ScenarioValidateQuery = z.infer<typeof ScenarioValidateQuerySchema>;

/**
 * Whose a scenario is, as the caller sees it: the shared, read-only library (bundled drills and
 * published copies) or the caller's own organisation. Other organisations' scenarios never show.
 */
export const ScenarioLibrarySchema = z.enum(['shared', 'own']);
export type ScenarioLibrary = z.infer<typeof ScenarioLibrarySchema>;

export const ScenarioSummarySchema = z
  .object({
    versionId: z.string(),
    scenarioId: z.string(),
    version: z.string(),
    contentHash: z.string(),
    title: TextSchema,
    description: TextSchema,
    difficulty: z.string(),
    durationSeconds: z.number().int(),
    tags: z.array(z.string()),
    techniques: z.array(z.string()),
    eventCount: z.number().int(),
    origin: z.enum(['bundled', 'upload', 'copy', 'published']),
    createdAt: z.string(),
    library: ScenarioLibrarySchema,
    publishedBy: z.string().nullable().meta({ description: 'The organisation that published this shared scenario; null for bundled and own ones.' }),
    copiedFrom: z.string().nullable().meta({ description: '`<scenarioId>@<version>` a copy was made from; null otherwise.' }),
  })
  .meta({ id: 'ScenarioSummary' });
export type ScenarioSummary = z.infer<typeof ScenarioSummarySchema>;

/**
 * What a trainee may know before and during a run: the organisers' briefing, the target, the assets
 * and the parties. Never the instructor's description, the kill-chain phases, the techniques, the
 * timeline or its size, the answer key or the triggers.
 */
export const ScenarioBriefingSchema = z
  .object({
    versionId: z.string(),
    scenarioId: z.string(),
    version: z.string(),
    title: TextSchema,
    difficulty: z.string(),
    durationSeconds: z.number().int(),
    /** The time of day at T+0 in the raw logs ("08:00"), null when the scenario gives none. */
    wallClockStart: z.string().nullable(),
    /** Null when the scenario has none (the validator warns about it). */
    briefing: BriefingSchema.nullable(),
    target: z.object({ name: TextSchema, securityLevel: z.number().int() }),
    assets: z.array(
      z.object({
        id: z.string(),
        kind: z.enum(ASSET_KINDS),
        name: TextSchema,
        hostname: z.string().optional(),
        addresses: z.array(z.string()),
        role: TextSchema.optional(),
        os: z.string().optional(),
        securityLevel: z.number().int().optional(),
        services: z.array(z.string()),
      }),
    ),
    parties: z.array(
      z.object({ id: z.string(), kind: z.enum(PARTY_KINDS), layer: LayerSchema.nullable(), name: TextSchema, description: TextSchema.optional() }),
    ),
    /** The response playbooks a team may apply to its incidents (never which incident calls for which). */
    playbooks: z
      .array(
        z.object({
          id: z.string(),
          title: TextSchema,
          tasks: z.array(z.object({ id: z.string(), title: TextSchema, description: TextSchema.optional() })),
        }),
      )
      .default([]),
    /** The response targets the console offers (scenario `responseTargets`), null when targets are typed freely. */
    responseTargets: z
      .object({
        choices: z.array(z.object({ kind: z.enum(RESPONSE_TARGET_KINDS), value: z.string(), label: TextSchema.optional() })),
        freeText: z.array(z.enum(RESPONSE_ACTIONS)),
      })
      .nullable(),
  })
  .meta({ id: 'ScenarioBriefing' });
export type ScenarioBriefing = z.infer<typeof ScenarioBriefingSchema>;

/** The instructor's view: everything, including the answer key and the file as written. */
export const ScenarioDetailSchema = ScenarioSummarySchema.extend({
  format: z.enum(['yaml', 'json']),
  source: z.string(),
  scenario: z.record(z.string(), z.unknown()).meta({ description: 'The parsed, normalised scenario (see scenarios/scenario.schema.json).' }),
}).meta({ id: 'ScenarioDetail' });

export const ScenarioIdParamSchema = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,79}$/, 'must be a scenario id');

/**
 * Which scenario an id names. Ids are unique per owner, so an organisation's own scenario and a
 * shared one may share an id; without `library` the own one wins.
 */
export const ScenarioLibraryQuerySchema = z.object({ library: ScenarioLibrarySchema.optional() }).strict().meta({ id: 'ScenarioLibraryQuery' });
export type ScenarioLibraryQuery = z.infer<typeof ScenarioLibraryQuerySchema>;

/** Copy a visible version into the caller's organisation, under the same id unless another is chosen. */
export const CopyScenarioSchema = z.object({ scenarioId: ScenarioIdParamSchema.optional() }).strict().meta({ id: 'CopyScenario' });
export type CopyScenario = z.infer<typeof CopyScenarioSchema>;
export const VersionIdParamSchema = z.uuid();
