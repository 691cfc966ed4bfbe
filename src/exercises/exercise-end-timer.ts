import type { TimerPort } from '../engine/index.js';

/**
 * The scheduler's one timer, with the exercise's end folded in: whatever the scheduler arms, the
 * timer never waits past the wall instant at which the clock reaches the end (when there is one),
 * and fires `onEnd` there instead. Nothing due after the end is delivered by the timer, and an
 * exercise with nothing left to deliver still ends on time.
 */
export class ExerciseEndTimer implements TimerPort {
  private stopped = false;

  /**
   * @param endWallMs the wall ms at which the exercise ends under its current clock, or null when
   *   it does not end by itself (overtime, paused, not running); read at every (re)arm.
   */
  constructor(
    private readonly inner: TimerPort,
    private readonly endWallMs: () => number | null,
    private readonly onEnd: () => void,
  ) {}

  arm(atWallMs: number, callback: () => void): void {
    if (this.stopped) return;
    const end = this.endWallMs();
    if (end !== null && end <= atWallMs) this.inner.arm(end, this.onEnd);
    else this.inner.arm(atWallMs, callback);
  }

  disarm(): void {
    const end = this.stopped ? null : this.endWallMs();
    if (end !== null) this.inner.arm(end, this.onEnd);
    else this.inner.disarm();
  }

  /** For good: the exercise is retired. */
  stop(): void {
    this.stopped = true;
    this.inner.disarm();
  }
}
