import { z } from 'zod';
import { IdSchema } from './common.schema.js';
import { ScenarioProblemSchema } from './scenario-api.schema.js';

export const IMPORT_FORMAT_NAMES = ['suricata-eve', 'wazuh', 'ecs', 'zeek', 'sysmon'] as const;

/** The console's import: the files' text, the options of `soc-drill import`; the draft comes back to preview. */
export const ImportRequestSchema = z
  .object({
    format: z.enum(IMPORT_FORMAT_NAMES),
    files: z
      .array(z.object({ name: z.string().min(1).max(255), content: z.string() }).strict())
      .min(1)
      .max(20),
    mapping: z
      .string()
      .max(256 * 1024)
      .optional()
      .meta({ description: 'The mapping file (YAML), as with --map.' }),
    speed: z.number().min(1).max(10_000).optional(),
    fit: z.string().max(20).optional().meta({ description: 'Compress time so the records fit in this duration, e.g. "2h" (instead of speed).' }),
    scenarioId: IdSchema.optional().meta({ description: "The draft's id: a new one, or one of your scenarios to add a version to." }),
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/)
      .optional()
      .meta({ description: "The draft's version (default 1.0.0): above the latest when it is a new version of an existing scenario." }),
    title: z.string().min(1).max(200).optional(),
  })
  .strict()
  .meta({ id: 'ImportRequest' });
export type ImportRequest = z.infer<typeof ImportRequestSchema>;

const CountSchema = z.number().int();

export const ImportSummarySchema = z
  .object({
    format: z.enum(IMPORT_FORMAT_NAMES),
    files: z.array(z.object({ file: z.string(), read: CountSchema, alerts: CountSchema, events: CountSchema, skipped: CountSchema, malformed: CountSchema })),
    read: CountSchema,
    imported: CountSchema,
    alerts: CountSchema,
    sigmaAlerts: CountSchema,
    events: CountSchema,
    skipped: z.array(z.object({ reason: z.string(), count: CountSchema, file: z.string(), line: CountSchema })),
    malformedCount: CountSchema,
    malformed: z.array(z.object({ file: z.string(), line: CountSchema, reason: z.string() })),
    remapped: z.array(
      z.object({
        kind: z.enum(['private-address', 'public-address', 'domain', 'name']),
        from: z.string(),
        to: z.string(),
        asset: z.string().optional(),
        records: CountSchema,
      }),
    ),
    speed: z.number(),
    firstTime: z.string().nullable(),
    lastTime: z.string().nullable(),
    spanSeconds: CountSchema,
    warnings: z.array(z.object({ code: z.enum(['IMPORT_NO_ALERTS', 'IMPORT_NO_SOURCE']), message: z.string() })),
  })
  .meta({ id: 'ImportSummary', description: 'What the import read, kept and left out (and why), and every renamed address and name.' });
export type ImportSummaryDto = z.infer<typeof ImportSummarySchema>;

export const ImportPreviewSchema = z
  .object({
    draft: z.string().meta({ description: 'The scenario draft (YAML), raw events inline under logs.events; save it with POST or PUT /api/scenarios.' }),
    summary: ImportSummarySchema,
    valid: z.boolean(),
    problems: z.array(ScenarioProblemSchema),
    warnings: z.array(ScenarioProblemSchema),
  })
  .meta({ id: 'ImportPreview' });
export type ImportPreview = z.infer<typeof ImportPreviewSchema>;
