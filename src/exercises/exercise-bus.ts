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
      /**
       * The last committed seq of each team stream, from a node that has just taken the exercise
       * over: the previous owner may have died between committing events and publishing them.
       */
      readonly type: 'heads';
      readonly exerciseId: string;
      readonly heads: ReadonlyArray<{ readonly teamId: string; readonly seq: number }>;
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
 * and gives a scale-out adapter one place to forward messages to other nodes: with several nodes
 * the realtime layer relays what this node publishes to the others (setRelay) and hands in what
 * they published (receive).
 */
@Injectable()
export class ExerciseBus {
  private readonly logger = new Logger(ExerciseBus.name);
  private readonly onError = (error: unknown, message: { readonly message: ExerciseMessage }) =>
    this.logger.error(`Listener failed on ${message.message.type} of ${message.message.exerciseId}: ${error instanceof Error ? error.message : String(error)}`);
  private readonly local = new ListenerSet<{ readonly message: ExerciseMessage }>(this.onError);
  private readonly all = new ListenerSet<{ readonly message: ExerciseMessage; readonly remote: boolean }>(this.onError);
  private relay: ((message: ExerciseMessage) => void) | null = null;

  /** What this node's exercises publish (the owner's view: scoring, metrics). */
  subscribe(listener: ExerciseListener): () => void {
    return this.local.subscribe(({ message }) => listener(message));
  }

  /** What every node's exercises publish, in each node's order; `remote` for another node's. */
  subscribeAll(listener: (message: ExerciseMessage, remote: boolean) => void): () => void {
    return this.all.subscribe(({ message, remote }) => listener(message, remote));
  }

  publish(message: ExerciseMessage): void {
    this.local.publish({ message });
    this.all.publish({ message, remote: false });
    this.relay?.(message);
  }

  /** Sends what this node publishes to the other nodes too (null: stop). */
  setRelay(relay: ((message: ExerciseMessage) => void) | null): void {
    this.relay = relay;
  }

  /** A message another node published. */
  receive(message: ExerciseMessage): void {
    this.all.publish({ message, remote: true });
  }
}
