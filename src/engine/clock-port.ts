import type { ClockPort, TimerPort } from '../common/clock-port.js';
import { EngineError } from './engine-error.js';

// The ports live in common/ (services outside the engine take a clock too); the manual doubles stay here.
export type { ClockPort, TimerPort } from '../common/clock-port.js';

export class ManualClock implements ClockPort {
  constructor(private current = 0) {}

  now(): number {
    return this.current;
  }

  set(wallMs: number): void {
    if (!Number.isFinite(wallMs)) throw new EngineError('INVALID_TIME', `wall time must be finite, got ${wallMs}`);
    this.current = wallMs;
  }

  advance(ms: number): void {
    this.set(this.current + ms);
  }
}

/** A timer driven by a ManualClock: tests move the clock and fire what became due, in order. */
export class ManualTimer implements TimerPort {
  private armedAtMs: number | null = null;
  private callback: (() => void) | null = null;
  /** How many times arm() was called; lets tests assert the scheduler does not over-arm. */
  armCount = 0;

  constructor(private readonly clock: ManualClock) {}

  get armedAt(): number | null {
    return this.armedAtMs;
  }

  get isArmed(): boolean {
    return this.armedAtMs !== null;
  }

  arm(atWallMs: number, callback: () => void): void {
    this.armedAtMs = atWallMs;
    this.callback = callback;
    this.armCount += 1;
  }

  disarm(): void {
    this.armedAtMs = null;
    this.callback = null;
  }

  /**
   * Moves the clock forward to `wallMs`, stopping at every armed time on the way and firing it
   * (a callback may re-arm). Returns how many times the timer fired.
   */
  advanceTo(wallMs: number, maxFires = 100_000): number {
    let fires = 0;
    while (this.armedAtMs !== null && this.armedAtMs <= wallMs) {
      if (fires >= maxFires) throw new EngineError('INVALID_ARGUMENT', `timer fired more than ${maxFires} times`);
      const at = Math.max(this.armedAtMs, this.clock.now());
      const callback = this.callback;
      this.armedAtMs = null;
      this.callback = null;
      this.clock.set(at);
      fires += 1;
      callback?.();
    }
    if (wallMs > this.clock.now()) this.clock.set(wallMs);
    return fires;
  }

  advanceBy(ms: number): number {
    return this.advanceTo(this.clock.now() + ms);
  }
}
