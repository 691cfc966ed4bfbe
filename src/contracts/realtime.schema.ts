import { z } from 'zod';
import type { ErrorCode } from './error-codes.js';
import type { Role } from './auth.schema.js';
import { ClockStateSchema, type ClockStateDto, type StreamBatch } from './exercise.schema.js';
import type { ScoreboardView } from './scoring.schema.js';
import { AlertStateSchema, IncidentStateSchema, RecordedActionSchema } from './triage.schema.js';

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
export type LeaveExercise = z.output<typeof LeaveExerciseSchema>;

/** Every ack is one of these two shapes. */
export type Ack<T> = { data: T } | { error: { code: ErrorCode; message: string; details?: Array<{ path: string; message: string }> } };

/** One client event; `access` stays typed wide so the gateway's role check holds for any event added later. */
function clientEvent<S extends z.ZodType>(schema: S, access: 'authenticated' | readonly Role[]) {
  return { schema, access };
}

/**
 * Events a client may send, with their payload schema and who may send them (deny by default).
 * The socket only pushes: every command (trainee actions, clock control, injects, scoreboard
 * settings, overtime) is a REST call; any other event is answered ROUTE_NOT_FOUND.
 */
export const CLIENT_EVENTS = {
  'exercise:join': clientEvent(JoinExerciseSchema, 'authenticated'),
  'exercise:leave': clientEvent(LeaveExerciseSchema, 'authenticated'),
} as const;
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
 * Teammates' committed actions, in commit order: live, one message per commit; on a rejoin with
 * `lastActionSeq`, the missed ones in pages. Within a message, an alert or incident that several
 * actions changed is sent once, with the last of them, as it is after that action: apply a
 * message's entries in order and the result is the same.
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
  /** Committed actions of one team, oldest first (see TeamActionsMessageSchema). */
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
}
