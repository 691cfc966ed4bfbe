import type { ClockStateDto } from '@contracts/exercise.schema.js';
import type { ExerciseEndedMessage } from '@contracts/realtime.schema.js';

export type EndReason = ExerciseEndedMessage['reason'];

export interface ExerciseEnd {
  readonly reason: EndReason;
  readonly virtualMs: number;
}

/**
 * Whether and why the exercise is over: from `exercise:ended` when it came, else from the latest
 * clock (every `exercise:clock` carries the status, so views lock without waiting for the end event).
 */
export function exerciseEnd(clock: ClockStateDto | null, ended: ExerciseEndedMessage | null): ExerciseEnd | null {
  if (ended) return { reason: ended.reason, virtualMs: ended.virtualMs };
  if (!clock || (clock.status !== 'finished' && clock.status !== 'aborted')) return null;
  // A server without end reasons sends none: the status alone still tells finished from aborted.
  return { reason: clock.endReason ?? (clock.status === 'aborted' ? 'aborted' : 'finished'), virtualMs: clock.virtualMs };
}

/** The exercise runs (or is paused) past its duration because overtime is allowed. */
export function inOvertime(clock: ClockStateDto | null, virtualMs: number): boolean {
  return (
    clock !== null &&
    clock.allowOvertime === true &&
    clock.durationMs > 0 &&
    virtualMs > clock.durationMs &&
    (clock.status === 'running' || clock.status === 'paused')
  );
}
