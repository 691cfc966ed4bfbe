import { z } from 'zod';
import { EraSchema, TextSchema } from './common.schema.js';
import { SpeedSchema } from './exercise.schema.js';

/** Self-paced practice (luyện tập): what is opened, the trainee's catalogue, starting a run, practice hints. */

export const PracticeOpeningSchema = z
  .object({
    scenarioVersionId: z.string(),
    scenarioId: z.string(),
    version: z.string(),
    title: TextSchema,
    openedAt: z.string(),
    openedBy: z.string(),
  })
  .meta({ id: 'PracticeOpening', description: 'A scenario version the organisation has opened for its trainees to practise alone.' });
export type PracticeOpening = z.infer<typeof PracticeOpeningSchema>;

export const PracticeCatalogueEntrySchema = z
  .object({
    scenarioVersionId: z.string(),
    scenarioId: z.string(),
    version: z.string(),
    title: TextSchema,
    difficulty: z.string(),
    /** Virtual duration in seconds. */
    durationS: z.number().int(),
    era: EraSchema,
    /** Whether the scenario carries practice hints. */
    hasPracticeHints: z.boolean(),
  })
  .meta({ id: 'PracticeCatalogueEntry' });
export type PracticeCatalogueEntry = z.infer<typeof PracticeCatalogueEntrySchema>;

export const PracticeCatalogueSchema = z
  .object({
    scenarios: z.array(PracticeCatalogueEntrySchema),
    /** The trainee's practice run still open (draft, running or paused), if any: one at a time. */
    activeExerciseId: z.string().nullable(),
    /** Minutes without an action or a clock change after which an open practice run is finished. */
    idleTimeoutMinutes: z.number().int(),
  })
  .meta({ id: 'PracticeCatalogue' });
export type PracticeCatalogue = z.infer<typeof PracticeCatalogueSchema>;

export const OpenPracticeSchema = z.object({ scenarioVersionId: z.uuid() }).strict().meta({ id: 'OpenPractice' });

export const StartPracticeSchema = z
  .object({
    scenarioVersionId: z.uuid(),
    /** The run starts at once at this speed; the trainee may change it. */
    speed: SpeedSchema.default(10),
    era: EraSchema.optional(),
  })
  .strict()
  .meta({ id: 'StartPractice' });
export type StartPractice = z.output<typeof StartPracticeSchema>;

export const PracticeHintRequestSchema = z
  .object({ alertId: z.string().min(1).max(64).meta({ description: 'The alert reference (AL-…) the trainee asks about.' }) })
  .strict()
  .meta({ id: 'PracticeHintRequest' });

export const PracticeHintTakenSchema = z
  .object({
    /** The alert reference the trainee asked about. */
    alertId: z.string().nullable(),
    /** The attack stage's name when the hint coaches a stage rather than one alert. */
    phaseName: TextSchema.nullable(),
    text: TextSchema,
    userId: z.string(),
    atWall: z.string(),
    virtualMs: z.number().int(),
  })
  .meta({ id: 'PracticeHintTaken' });
export type PracticeHintTaken = z.infer<typeof PracticeHintTakenSchema>;

export const PracticeHintsSchema = z.object({ teamId: z.string(), hints: z.array(PracticeHintTakenSchema) }).meta({ id: 'PracticeHints' });
export type PracticeHints = z.infer<typeof PracticeHintsSchema>;
