import { z } from 'zod';
import { LayerSchema, SeveritySchema, TextSchema } from './common.schema.js';
import { REPORT_KINDS, RESPONSE_ACTIONS } from './scenario.schema.js';

/**
 * The instructor's picture of a scenario, drawn by the console's editor beside the YAML: every time
 * in seconds from the start, every item with the line it is written on. It shows the answer key
 * (verdicts, expected responses, report obligations), so only instructors and admins receive it.
 */

const SecondsSchema = z.number().int().min(0);
const LineSchema = z.number().int().min(1).meta({ description: 'The line of the file where the item is written (1-based).' });

/**
 * What decides when a trigger fires: a point in time (`time`), an alert's delivery (`delivery`), the
 * team not acting by a time (`inaction`), or the team doing something (`action`: then `from`–`until`
 * is the span in which it can).
 */
export const TriggerBasisSchema = z.enum(['time', 'delivery', 'inaction', 'action']);
export type TriggerBasis = z.infer<typeof TriggerBasisSchema>;

export const TimelineAlertSchema = z
  .object({
    id: z.string(),
    line: LineSchema,
    layer: LayerSchema,
    at: SecondsSchema.nullable().meta({
      description: 'When it is due (each delivery adds its own 0–59 s); null when it can never be placed (a trigger waiting on itself).',
    }),
    title: TextSchema,
    sensor: z.string(),
    severity: SeveritySchema,
    verdict: z.enum(['true-positive', 'false-positive', 'benign']).meta({ description: 'The answer key.' }),
    phase: z.string().nullable(),
    releasedBy: z.string().nullable().meta({ description: 'The trigger whose firing releases it (`after`), or null for an alert `at` a fixed time.' }),
    estimated: z.boolean().meta({ description: 'Its time depends on what the team does: `at` is the earliest it can come.' }),
    cancelledBy: z.array(z.string()).meta({ description: 'Triggers that cancel it if they fire first.' }),
  })
  .meta({ id: 'TimelineAlert' });
export type TimelineAlert = z.infer<typeof TimelineAlertSchema>;

/** Many timeline alerts of one layer in one slice of time, when a file has too many to draw one by one. */
export const TimelineClusterSchema = z
  .object({
    layer: LayerSchema,
    from: SecondsSchema,
    to: SecondsSchema,
    count: z.number().int().min(1),
    truePositives: z.number().int().min(0),
    line: LineSchema.meta({ description: 'The line of the first alert in the cluster.' }),
  })
  .meta({ id: 'TimelineCluster' });
export type TimelineCluster = z.infer<typeof TimelineClusterSchema>;

export const TimelineNoiseSchema = z
  .object({
    id: z.string(),
    line: LineSchema,
    layer: LayerSchema,
    from: SecondsSchema,
    to: SecondsSchema,
    count: z.number().int().min(1),
    title: TextSchema,
    verdict: z.enum(['true-positive', 'false-positive', 'benign']),
  })
  .meta({ id: 'TimelineNoise', description: 'A noise generator: `count` alerts spread over `from`–`to` (seeded per exercise), drawn as one band.' });
export type TimelineNoise = z.infer<typeof TimelineNoiseSchema>;

export const TimelineTriggerSchema = z
  .object({
    id: z.string(),
    line: LineSchema,
    description: TextSchema,
    from: SecondsSchema.nullable().meta({ description: 'The earliest it can fire; null when that cannot be placed.' }),
    until: SecondsSchema.nullable().meta({ description: 'The latest it can fire (null: until the end).' }),
    basis: z.array(TriggerBasisSchema),
    releases: z.array(z.string()).meta({ description: 'Alerts it releases (`after`), at most 200 listed.' }),
    releaseCount: z.number().int().min(0),
    cancels: z.array(z.string()).meta({ description: 'Alerts it cancels (`cancel`, and by `cancelPhases`), at most 200 listed.' }),
    cancelCount: z.number().int().min(0),
    cancelPhases: z.array(z.string()),
  })
  .meta({ id: 'TimelineTrigger' });
export type TimelineTrigger = z.infer<typeof TimelineTriggerSchema>;

export const TimelineResponseSchema = z
  .object({
    id: z.string(),
    line: LineSchema,
    action: z.enum(RESPONSE_ACTIONS),
    target: z.string().nullable(),
    from: SecondsSchema.nullable().meta({ description: 'The window opens; null when it cannot be placed.' }),
    until: SecondsSchema.nullable().meta({ description: 'The window closes; null when it cannot be placed.' }),
    required: z.boolean(),
    points: z.number().int(),
    description: TextSchema,
    estimated: z.boolean().meta({ description: 'The window hangs on an alert whose time depends on what the team does.' }),
  })
  .meta({ id: 'TimelineResponse' });
export type TimelineResponse = z.infer<typeof TimelineResponseSchema>;

export const TimelineReportSchema = z
  .object({
    id: z.string(),
    line: LineSchema,
    kind: z.enum(REPORT_KINDS),
    from: SecondsSchema.nullable().meta({ description: "The deadline's clock starts; null when it cannot be placed." }),
    until: SecondsSchema.nullable().meta({ description: 'The report is due (`from` + `deadline`).' }),
    recipients: z.array(z.string()),
    points: z.number().int(),
    estimated: z.boolean(),
  })
  .meta({ id: 'TimelineReport' });
export type TimelineReport = z.infer<typeof TimelineReportSchema>;

export const ScenarioTimelineSchema = z
  .object({
    durationSeconds: SecondsSchema,
    wallClockStart: z.string().nullable(),
    phases: z.array(z.object({ id: z.string(), name: TextSchema })),
    alerts: z
      .array(TimelineAlertSchema)
      .meta({ description: 'Every timeline alert, unless the file has more than can be drawn one by one: then `clusters` instead.' }),
    clusters: z.array(TimelineClusterSchema),
    noise: z.array(TimelineNoiseSchema),
    triggers: z.array(TimelineTriggerSchema),
    responses: z.array(TimelineResponseSchema),
    reports: z.array(TimelineReportSchema),
  })
  .meta({
    id: 'ScenarioTimeline',
    description:
      "The instructor's timeline of a valid scenario (answer key included): alerts by layer over virtual time, noise as bands, triggers with what they release and cancel, response windows and report deadlines; every item with its line in the file.",
  });
export type ScenarioTimeline = z.infer<typeof ScenarioTimelineSchema>;
