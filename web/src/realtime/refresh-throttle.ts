/** Time as the throttle sees it (tests drive it by hand). */
export interface ThrottleClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * Fires at most once per `intervalMs`: a request after a quiet interval fires at once, requests
 * within an interval of the last fire become one fire at its end. `now()` fires at once whatever
 * the interval (the user's own action must show without waiting).
 */
export class RefreshThrottle {
  private lastFiredAt = Number.NEGATIVE_INFINITY;
  private timer: unknown = null;

  constructor(
    private readonly intervalMs: number,
    private readonly fire: () => void,
    private readonly clock: ThrottleClock = SYSTEM_CLOCK,
  ) {}

  request(): void {
    if (this.timer !== null) return;
    const wait = this.lastFiredAt + this.intervalMs - this.clock.now();
    if (wait <= 0) {
      this.fireNow();
      return;
    }
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.fireNow();
    }, wait);
  }

  now(): void {
    this.cancel();
    this.fireNow();
  }

  cancel(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private fireNow(): void {
    this.lastFiredAt = this.clock.now();
    this.fire();
  }
}
