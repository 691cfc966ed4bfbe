import { z } from 'zod';
import type { ErrorCode } from './error-codes.js';
import type { Role } from './auth.schema.js';
import { ClockStateSchema, InjectSchema, SeekSchema, SpeedSchema, type ClockStateDto, type StreamBatch } from './exercise.schema.js';
import { SocketScoreboardControlSchema, SocketScoreboardSchema, type ScoreboardView } from './scoring.schema.js';
import {
  AlertStateSchema,
  IncidentStateSchema,
  RecordedActionSchema,
  TriageActionSchema,
  type ActionAck,
  type TriageActionInput,
} from './triage.schema.js';

/** socket.io namespace of the exercise stream. */
export const EXERCISE_NAMESPACE = '/exercises';

const ExerciseIdSchema = z.uuid();

export const JoinExerciseSchema = z
  .object({
    exerciseId: ExerciseIdSchema,
    /** Last sequence number the client already has, per team (or one number for a trainee's own team). */
    lastSeq: z.union([z.number().int().min(0), z.record(z.string().max(64), z.number().int().min(0))]).default(0),
    /**
     * Last team action seq (`RecordedAction.teamSeq`) the client already has, per team or one number;
     * committed actions after it are replayed as `team:actions` before live ones. Omitted: none replayed.
     */
    lastActionSeq: z.union([z.number().int().min(0), z.record(z.string().max(64), z.number().int().min(0))]).optional(),
  })
  .strict();
export type JoinExercise = z.output<typeof JoinExerciseSchema>;

export const JoinResultSchema = z.object({
  exerciseId: z.string(),
  clock: ClockStateSchema,
  teams: z.array(z.object({ teamId: z.string(), replayedFromSeq: z.number().int(), replayedToSeq: z.number().int() })),
  role: z.enum(['trainee', 'instructor', 'reviewer']),
});
export type JoinResult = z.infer<typeof JoinResultSchema>;

export const LeaveExerciseSchema = z.object({ exerciseId: ExerciseIdSchema }).strict();

export const ControlSchema = z.discriminatedUnion('op', [
  z.object({ exerciseId: ExerciseIdSchema, op: z.literal('start') }).strict(),
  z.object({ exerciseId: ExerciseIdSchema, op: z.literal('pause') }).strict(),
  z.object({ exerciseId: ExerciseIdSchema, op: z.literal('resume') }).strict(),
  z.object({ exerciseId: ExerciseIdSchema, op: z.literal('finish') }).strict(),
  z.object({ exerciseId: ExerciseIdSchema, op: z.literal('abort') }).strict(),
  z.object({ exerciseId: ExerciseIdSchema, op: z.literal('speed'), speed: SpeedSchema }).strict(),
  z.object({ exerciseId: ExerciseIdSchema, op: z.literal('seek'), target: SeekSchema }).strict(),
]);
export type ControlInput = z.infer<typeof ControlSchema>;

export const SocketInjectSchema = z.object({ exerciseId: ExerciseIdSchema, inject: InjectSchema }).strict();

/** Every ack is one of these two shapes. */
export type Ack<T> = { data: T } | { error: { code: ErrorCode; message: string; details?: Array<{ path: string; message: string }> } };

/** Events a client may send, with their payload schema and who may send them (deny by default). */
export const CLIENT_EVENTS = {
  'exercise:join': { schema: JoinExerciseSchema, access: 'authenticated' },
  'exercise:leave': { schema: LeaveExerciseSchema, access: 'authenticated' },
  'exercise:control': { schema: ControlSchema, access: ['instructor', 'admin'] },
  'exercise:inject': { schema: SocketInjectSchema, access: ['instructor', 'admin'] },
  /** A trainee action (payload = TriageAction); only members of the exercise's teams may act. */
  'triage:act': { schema: TriageActionSchema, access: 'authenticated' },
  /** The scoreboard as the caller may see it (same rules as GET /exercises/:id/scoreboard). */
  'scoreboard:get': { schema: SocketScoreboardSchema, access: 'authenticated' },
  /** Instructor: change the trainees' score visibility and/or freeze their board. */
  'scoreboard:control': { schema: SocketScoreboardControlSchema, access: ['instructor', 'admin'] },
} as const satisfies Record<string, { schema: z.ZodType; access: 'authenticated' | readonly Role[] }>;
export type ClientEventName = keyof typeof CLIENT_EVENTS;

/**
 * Sent to the acting team's room (teammates and the instructor cockpit) after an action is
 * committed: the recorded action plus the alerts and incidents it changed, as they are now.
 */
export const TeamActionMessageSchema = z
  .object({
    exerciseId: z.string(),
    teamId: z.string(),
    action: RecordedActionSchema,
    alerts: z.array(AlertStateSchema),
    incidents: z.array(IncidentStateSchema),
  })
  .meta({ id: 'TeamActionMessage' });
export type TeamActionMessage = z.infer<typeof TeamActionMessageSchema>;

/**
 * Teammates' actions are sent in batches, in commit order: a quiet team's within ~25 ms, a busy
 * team's at most every 500 ms. At thousands of actions a second, one message per action per
 * teammate would cost the server more than the actions themselves. Within a batch, an alert or
 * incident that several actions changed is sent once, with the last of them, as it is after that
 * action: apply a batch's messages in order and the result is the same.
 */
export const TeamActionsMessageSchema = z.array(TeamActionMessageSchema).meta({ id: 'TeamActionsMessage' });

export const ExerciseEndedMessageSchema = z
  .object({
    exerciseId: z.string(),
    reason: z.enum(['duration', 'finished', 'aborted']),
    virtualMs: z.number().int(),
    clock: ClockStateSchema,
  })
  .meta({ id: 'ExerciseEndedMessage' });
export type ExerciseEndedMessage = z.infer<typeof ExerciseEndedMessageSchema>;

/** Events the server sends. */
export interface ServerToClientEvents {
  /** Actions of one team committed since the last batch, oldest first (see TeamActionsMessageSchema). */
  'team:actions': (messages: TeamActionMessage[]) => void;
  'exercise:events': (batch: StreamBatch) => void;
  'exercise:clock': (message: { exerciseId: string; clock: ClockStateDto }) => void;
  'session:expired': (message: { code: ErrorCode; message: string }) => void;
  /**
   * The exercise has ended (at its duration, finished or aborted). Sent once to every room when it
   * happens, and again after the replay to anyone who joins an ended exercise.
   */
  'exercise:ended': (message: ExerciseEndedMessage) => void;
  /** The scoreboard changed: instructors get every team live, trainees what the score visibility allows. */
  'exercise:scores': (view: ScoreboardView) => void;
}

export interface ClientToServerEvents {
  'exercise:join': (payload: z.input<typeof JoinExerciseSchema>, ack: (result: Ack<JoinResult>) => void) => void;
  'exercise:leave': (payload: z.input<typeof LeaveExerciseSchema>, ack: (result: Ack<{ left: true }>) => void) => void;
  'exercise:control': (payload: ControlInput, ack: (result: Ack<ClockStateDto>) => void) => void;
  'exercise:inject': (payload: z.input<typeof SocketInjectSchema>, ack: (result: Ack<{ eventId: string; teamIds: string[] }>) => void) => void;
  'triage:act': (payload: TriageActionInput, ack: (result: Ack<ActionAck>) => void) => void;
  'scoreboard:get': (payload: z.input<typeof SocketScoreboardSchema>, ack: (result: Ack<ScoreboardView>) => void) => void;
  'scoreboard:control': (payload: z.input<typeof SocketScoreboardControlSchema>, ack: (result: Ack<ScoreboardView>) => void) => void;
}
