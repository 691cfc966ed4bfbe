import type { Namespace, Socket } from 'socket.io';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import type { ClockStateDto, StreamBatch } from '../contracts/exercise.schema.js';
import type { ClientToServerEvents, ExerciseEndedMessage, ServerToClientEvents, TeamActionMessage } from '../contracts/realtime.schema.js';
import type { RecordedAction } from '../contracts/triage.schema.js';
import type { AlertRefNamer, OutgoingStreamEvent } from '../exercises/alert-refs.js';
import type { ExerciseMessage } from '../exercises/exercise-bus.js';

/** What the realtime gateway and publisher share: the socket's data, room names, payload builders. */

export interface SocketData {
  user: AuthenticatedUser;
  token: string;
  expiresAtMs: number;
  /** The token's `ver` claim: the revocation sweep compares it with the user's current version. */
  tokenVersion: number;
  expiryTimer?: NodeJS.Timeout;
  /** Joins and leaves of this socket run one after the other (see the gateway's dispatch()). */
  joinQueue?: Promise<unknown>;
  /**
   * Exercises this socket is joining: an end that happens meanwhile is kept here and sent after
   * the replay, by the join (null: nothing kept).
   */
  joining?: Map<string, ExerciseEndedMessage | null>;
  /** Exercises whose `exercise:ended` this socket has had (once per join). */
  endedSent?: Set<string>;
}

/** Between the nodes of a platform (socket.io's Redis adapter): what one node's exercises publish. */
export interface ServerSideEvents {
  bus: (message: ExerciseMessage) => void;
}

export type ExerciseNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type ExerciseSocket = Socket<ClientToServerEvents, ServerToClientEvents, ServerSideEvents, SocketData>;
export type ActionMessage = Extract<ExerciseMessage, { type: 'action' }>;

export const teamRoom = (teamId: string) => `team:${teamId}`;
export const exerciseRoom = (exerciseId: string) => `exercise:${exerciseId}`;
/** The exercise's instructors (they also sit in every team room): live scoreboard. */
export const instructorRoom = (exerciseId: string) => `instructors:${exerciseId}`;

/**
 * A batch as clients receive it. The realtime contract still types events with `origin`; what is
 * sent deliberately lacks it (it names the verdict), hence the one cast here.
 */
export function streamBatch(exerciseId: string, teamId: string, events: OutgoingStreamEvent[], replay: boolean): StreamBatch {
  return { exerciseId, teamId, events, replay };
}

/**
 * Actions as clients receive them, in commit order. A snapshot a later message of the batch
 * replaces would be sent for nothing (and an alert's snapshot carries all its notes): each entity
 * goes out once, with its last change.
 */
export function teamActionsPayload(messages: readonly ActionMessage[], namer: AlertRefNamer): TeamActionMessage[] {
  const laterAlerts = new Set<string>();
  const laterIncidents = new Set<string>();
  const out: TeamActionMessage[] = new Array<TeamActionMessage>(messages.length);
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    const alerts = message.alerts.filter((a) => !laterAlerts.has(a.alertId));
    const incidents = message.incidents.filter((x) => !laterIncidents.has(x.id));
    for (const a of alerts) laterAlerts.add(a.alertId);
    for (const x of incidents) laterIncidents.add(x.id);
    out[i] = {
      exerciseId: message.exerciseId,
      teamId: message.teamId,
      action: namer.recordedAction(message.action),
      alerts: alerts.map((a) => namer.alertState(a)),
      incidents: incidents.map((x) => namer.incidentState(x)),
    };
  }
  return out;
}

/**
 * A committed action replayed from the log (already named by references). It carries no alert or
 * incident snapshot: the team's state as it is now is one read of GET …/state away.
 */
export function replayedAction(exerciseId: string, teamId: string, action: RecordedAction): TeamActionMessage {
  return { exerciseId, teamId, action, alerts: [], incidents: [] };
}

/** The end event of an exercise that is over (null while it is not). */
export function endedMessage(exerciseId: string, status: ClockStateDto['status'], clock: ClockStateDto): ExerciseEndedMessage | null {
  if (status !== 'finished' && status !== 'aborted') return null;
  return { exerciseId, reason: clock.endReason ?? (status === 'aborted' ? 'aborted' : 'finished'), virtualMs: clock.virtualMs, clock };
}

/** socket.io's emit() does not narrow a generic event name to its parameters: the one cast. */
export function emitTo<E extends keyof ServerToClientEvents>(target: { emit: unknown }, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
  (target as { emit(event: E, payload: Parameters<ServerToClientEvents[E]>[0]): boolean }).emit(event, payload);
}
