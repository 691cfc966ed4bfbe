import type { LoggedEvent } from './exercise-views.js';
import { Injectable, Logger } from '@nestjs/common';
import { ListenerSet } from '../common/listener-set.js';
import type { ClockStateDto } from '../contracts/exercise.schema.js';
import type { ScoreboardView } from '../contracts/scoring.schema.js';
import type { AlertState, IncidentState, RecordedAction } from '../contracts/triage.schema.js';

/** What the runtime publishes after it has been committed; the realtime gateway fans it out. */
export type ExerciseMessage =
  | { readonly type: 'events'; readonly exerciseId: string; readonly teamId: string; readonly events: readonly LoggedEvent[] }
  | { readonly type: 'clock'; readonly exerciseId: string; readonly clock: ClockStateDto }
  | {
      readonly type: 'action';
      readonly exerciseId: string;
      readonly teamId: string;
      readonly action: RecordedAction;
      /** The alerts and incidents the action changed, as they are now. */
      readonly alerts: readonly AlertState[];
      readonly incidents: readonly IncidentState[];
    }
  | {
      /** The scoreboard changed (published by the scoring module): one view per audience. */
      readonly type: 'scores';
      readonly exerciseId: string;
      /** For the exercise's instructors: every team, live. */
      readonly instructor: ScoreboardView;
      /** For each team's trainees, only the teams that should receive something (visibility 'none' sends nothing). */
      readonly teams: ReadonlyArray<{ readonly teamId: string; readonly view: ScoreboardView }>;
    };

export type ExerciseListener = (message: ExerciseMessage) => void;

/**
 * In-process channel from the runtime to the realtime layer. Keeps socket.io out of the runtime
 * and gives a scale-out adapter one place to forward messages to other nodes.
 */
@Injectable()
export class ExerciseBus {
  private readonly logger = new Logger(ExerciseBus.name);
  private readonly listeners = new ListenerSet<ExerciseMessage>((error, message) =>
    this.logger.error(`Listener failed on ${message.type} of ${message.exerciseId}: ${error instanceof Error ? error.message : String(error)}`),
  );

  subscribe(listener: ExerciseListener): () => void {
    return this.listeners.subscribe(listener);
  }

  publish(message: ExerciseMessage): void {
    this.listeners.publish(message);
  }
}
