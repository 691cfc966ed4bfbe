import { z } from 'zod';
import { EraSchema, SeveritySchema, TextSchema } from './common.schema.js';
import { ObservableSchema, SensorSchema } from './scenario.schema.js';

export const EXERCISE_STATUSES = ['draft', 'running', 'paused', 'finished', 'aborted'] as const;
export const ExerciseStatusSchema = z.enum(EXERCISE_STATUSES);
export type ExerciseStatus = z.infer<typeof ExerciseStatusSchema>;

export const EXERCISE_KINDS = ['graded', 'practice'] as const;
export const ExerciseKindSchema = z.enum(EXERCISE_KINDS).meta({
  description: "A graded drill run by instructors, or a trainee's self-paced solo practice run (luyện tập), kept apart in results.",
});
export type ExerciseKind = z.infer<typeof ExerciseKindSchema>;

export const SCORE_VISIBILITY = ['none', 'own', 'rank', 'full'] as const;
export const ScoreVisibilitySchema = z.enum(SCORE_VISIBILITY).meta({
  description: 'What trainees see of scores during the run: nothing, their own score, their rank, the full board.',
});

export const MIN_SPEED = 0.25;
export const MAX_SPEED = 100;
export const SpeedSchema = z.number().min(MIN_SPEED).max(MAX_SPEED).meta({ description: 'Virtual seconds per wall second (0.25–100).' });

const UuidSchema = z.uuid();

export const TeamInputSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    memberIds: z.array(UuidSchema).max(50).default([]),
  })
  .strict();

export const CreateExerciseSchema = z
  .object({
    scenarioVersionId: UuidSchema,
    title: z.string().trim().min(1).max(200).optional(),
    teams: z.array(TeamInputSchema).min(1).max(200),
    speed: SpeedSchema.default(1),
    seed: z
      .union([z.string().min(1).max(64), z.number().int()])
      .transform(String)
      .optional(),
    era: EraSchema.optional(),
    startMode: z.enum(['manual', 'scheduled']).default('manual'),
    scheduledAt: z.iso.datetime().optional(),
    scoreVisibility: ScoreVisibilitySchema.default('none'),
    /** Off by default: the exercise ends by itself at the scenario's duration. */
    allowOvertime: z.boolean().default(false).meta({ description: 'Keep running past the scenario duration until an instructor finishes it.' }),
  })
  .strict()
  .refine((v) => v.startMode === 'manual' || v.scheduledAt !== undefined, {
    message: 'scheduledAt is required when startMode is "scheduled"',
    path: ['scheduledAt'],
  })
  .meta({ id: 'CreateExercise' });
export type CreateExercise = z.output<typeof CreateExerciseSchema>;

export const ClockStateSchema = z
  .object({
    status: ExerciseStatusSchema,
    speed: z.number(),
    /** Virtual milliseconds since the scenario start, at `wallMs`. */
    virtualMs: z.number().int(),
    wallMs: z.number().int(),
    durationMs: z.number().int(),
    /** True when the exercise keeps running past `durationMs` until an instructor finishes it. */
    allowOvertime: z.boolean(),
    /** Why a finished or aborted exercise ended; null while it has not. */
    endReason: z.enum(['duration', 'finished', 'aborted']).nullable(),
  })
  .meta({ id: 'ClockState' });
export type ClockStateDto = z.infer<typeof ClockStateSchema>;

export const TeamSchema = z.object({
  id: z.string(),
  name: z.string(),
  members: z.array(z.object({ id: z.string(), username: z.string(), displayName: z.string() })),
});

export const ExerciseSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    scenarioId: z.string(),
    scenarioVersionId: z.string(),
    scenarioVersion: z.string(),
    scenarioTitle: TextSchema,
    status: ExerciseStatusSchema,
    kind: ExerciseKindSchema,
    /** Practice runs: true for the trainee who owns the run (they control its clock and may take practice hints). */
    practiceOwner: z.boolean(),
    era: EraSchema,
    /** Instructors and reviewers only: trainees never learn the seed of the noise and the delivery jitter. */
    seed: z.string().optional(),
    startMode: z.enum(['manual', 'scheduled']),
    scheduledAt: z.string().nullable(),
    scoreVisibility: ScoreVisibilitySchema,
    createdAt: z.string(),
    createdBy: z.string().nullable(),
    clock: ClockStateSchema,
    teams: z.array(TeamSchema),
    /** For a trainee: the team they play in. */
    myTeamId: z.string().nullable(),
  })
  .meta({ id: 'Exercise' });
export type ExerciseDto = z.infer<typeof ExerciseSchema>;

export const ExerciseTransitionSchema = z.object({
  from: ExerciseStatusSchema,
  to: ExerciseStatusSchema,
  byUserId: z.string().nullable(),
  atWall: z.string(),
  atVirtualMs: z.number().int(),
});

export const SetOvertimeSchema = z.object({ allowOvertime: z.boolean() }).strict().meta({ id: 'SetOvertime' });

export const SetSpeedSchema = z.object({ speed: SpeedSchema }).strict().meta({ id: 'SetSpeed' });
export const SeekSchema = z
  .union([z.object({ virtualMs: z.number().int().min(0) }).strict(), z.object({ phase: z.string().min(1).max(80) }).strict()])
  .meta({ id: 'Seek', description: 'Seek forward to a virtual time (ms) or to the first pending event of a kill-chain phase.' });
export type SeekInput = z.infer<typeof SeekSchema>;

const AdHocAlertSchema = z
  .object({
    layer: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
    sensor: SensorSchema,
    severity: SeveritySchema,
    title: TextSchema,
    description: TextSchema,
    asset: z.string().max(80).optional(),
    observables: z.array(ObservableSchema).max(50).default([]),
    raw: z.string().max(20_000).optional(),
  })
  .strict();

export const InjectSchema = z
  .object({
    teamIds: z.array(z.string().min(1).max(64)).min(1).max(200).optional().meta({ description: 'Default: every team.' }),
    injectId: z.string().min(1).max(80).optional(),
    alert: AdHocAlertSchema.optional(),
  })
  .strict()
  .refine((v) => (v.injectId === undefined) !== (v.alert === undefined), { message: 'give exactly one of injectId or alert' })
  .meta({ id: 'Inject' });
export type InjectInput = z.output<typeof InjectSchema>;

/**
 * One alert as a team receives it: never the answer key. `eventId` (and `alert.id`) is an opaque
 * per-exercise reference, not the scenario's event id, and nothing says whether it came from the
 * timeline, the noise generators or an inject: any of those would give the verdict away.
 */
export const StreamEventSchema = z
  .object({
    seq: z.number().int().min(1),
    eventId: z.string().meta({ description: 'Opaque alert reference (AL-…), the id to use in triage actions.' }),
    virtualMs: z.number().int(),
    deliveredVirtualMs: z.number().int(),
    /** Wall time at which the event was scheduled to be delivered (epoch ms). */
    scheduledWallMs: z.number().int(),
    catchUp: z.boolean(),
    alert: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'StreamEvent' });
export type StreamEvent = z.infer<typeof StreamEventSchema>;

export const StreamBatchSchema = z.object({
  exerciseId: z.string(),
  teamId: z.string(),
  events: z.array(StreamEventSchema),
  replay: z.boolean(),
});
export type StreamBatch = z.infer<typeof StreamBatchSchema>;

export const EventsQuerySchema = z
  .object({
    teamId: z.string().min(1).max(64).optional(),
    afterSeq: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict();
