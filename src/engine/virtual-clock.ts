import { EngineError } from './engine-error.js';

export const CLOCK_STATUSES = ['draft', 'running', 'paused', 'finished', 'aborted'] as const;
export type ClockStatus = (typeof CLOCK_STATUSES)[number];

export const MIN_SPEED = 0.25;
export const MAX_SPEED = 100;

/** What must be persisted so a restarted server continues the same exercise clock. */
export interface VirtualClockSnapshot {
  readonly status: ClockStatus;
  /** Wall time (epoch ms) at which `anchorVirtualMs` was (or, when not running, is) the virtual time. */
  readonly anchorWallMs: number;
  readonly anchorVirtualMs: number;
  readonly speed: number;
}

/** What the realtime layer broadcasts after an instructor clock operation. */
export interface ClockState extends VirtualClockSnapshot {
  /** Virtual time at the wall time the state was taken. */
  readonly virtualMs: number;
  readonly wallMs: number;
}

export function isValidSpeed(speed: number): boolean {
  return Number.isFinite(speed) && speed >= MIN_SPEED && speed <= MAX_SPEED;
}

function assertWall(wallMs: number): void {
  if (!Number.isFinite(wallMs)) throw new EngineError('INVALID_TIME', `wall time must be finite, got ${wallMs}`);
}

/**
 * The exercise clock. Virtual time is a linear function of wall time while running, stored as an
 * anchor instead of a ticking counter: after a crash the virtual time is recomputed from the
 * persisted anchor and the current wall time, so downtime counts as elapsed exercise time.
 */
export class VirtualClock {
  private state: VirtualClockSnapshot;

  constructor(speed = 1) {
    if (!isValidSpeed(speed)) throw new EngineError('INVALID_SPEED', `speed must be between ${MIN_SPEED} and ${MAX_SPEED}, got ${speed}`);
    this.state = { status: 'draft', anchorWallMs: 0, anchorVirtualMs: 0, speed };
  }

  static restore(snapshot: VirtualClockSnapshot): VirtualClock {
    const clock = new VirtualClock();
    clock.restore(snapshot);
    return clock;
  }

  get status(): ClockStatus {
    return this.state.status;
  }

  get speed(): number {
    return this.state.speed;
  }

  get isRunning(): boolean {
    return this.state.status === 'running';
  }

  snapshot(): VirtualClockSnapshot {
    return { ...this.state };
  }

  restore(snapshot: VirtualClockSnapshot): void {
    const { status, anchorWallMs, anchorVirtualMs, speed } = snapshot;
    if (
      !(CLOCK_STATUSES as readonly string[]).includes(status) ||
      !Number.isFinite(anchorWallMs) ||
      !Number.isInteger(anchorVirtualMs) ||
      anchorVirtualMs < 0 ||
      !isValidSpeed(speed)
    ) {
      throw new EngineError('INVALID_SNAPSHOT', `invalid clock snapshot ${JSON.stringify(snapshot)}`);
    }
    this.state = { status, anchorWallMs, anchorVirtualMs, speed };
  }

  stateAt(wallMs: number): ClockState {
    return { ...this.state, virtualMs: this.virtualAt(wallMs), wallMs };
  }

  /** Virtual time (integer ms) at a wall time; frozen unless running, never before the anchor. */
  virtualAt(wallMs: number): number {
    assertWall(wallMs);
    const { status, anchorWallMs, anchorVirtualMs, speed } = this.state;
    if (status !== 'running' || wallMs <= anchorWallMs) return anchorVirtualMs;
    return anchorVirtualMs + Math.floor((wallMs - anchorWallMs) * speed);
  }

  /**
   * The earliest wall ms at which virtualAt() reaches `virtualMs` at the current speed, or null
   * when the clock is not running (paused time never reaches anything).
   */
  wallAt(virtualMs: number): number | null {
    const { status, anchorWallMs, anchorVirtualMs, speed } = this.state;
    if (status !== 'running') return null;
    if (virtualMs <= anchorVirtualMs) return anchorWallMs;
    let wall = anchorWallMs + Math.ceil((virtualMs - anchorVirtualMs) / speed);
    // Float rounding can put the estimate one ms off either way; settle on the exact earliest ms.
    while (this.virtualAt(wall) < virtualMs) wall += 1;
    while (wall - 1 > anchorWallMs && this.virtualAt(wall - 1) >= virtualMs) wall -= 1;
    return wall;
  }

  start(wallMs: number): void {
    this.expect('start', ['draft']);
    assertWall(wallMs);
    this.state = { ...this.state, status: 'running', anchorWallMs: wallMs, anchorVirtualMs: 0 };
  }

  pause(wallMs: number): void {
    this.expect('pause', ['running']);
    this.reanchor(wallMs, 'paused');
  }

  resume(wallMs: number): void {
    this.expect('resume', ['paused']);
    assertWall(wallMs);
    this.state = { ...this.state, status: 'running', anchorWallMs: wallMs };
  }

  /** Virtual time stays continuous across the change: re-anchor at the old speed, then switch. */
  setSpeed(speed: number, wallMs: number): void {
    this.expect('setSpeed', ['draft', 'running', 'paused']);
    if (!isValidSpeed(speed)) throw new EngineError('INVALID_SPEED', `speed must be between ${MIN_SPEED} and ${MAX_SPEED}, got ${speed}`);
    this.reanchor(wallMs, this.state.status);
    this.state = { ...this.state, speed };
  }

  seekTo(virtualMs: number, wallMs: number): void {
    this.expect('seek', ['running', 'paused']);
    if (!Number.isInteger(virtualMs) || virtualMs < 0) throw new EngineError('INVALID_TIME', `seek target must be a non-negative integer ms, got ${virtualMs}`);
    const current = this.virtualAt(wallMs);
    if (virtualMs < current) throw new EngineError('SEEK_BACKWARDS', `cannot seek back from ${current} ms to ${virtualMs} ms`);
    this.state = { ...this.state, anchorWallMs: wallMs, anchorVirtualMs: virtualMs };
  }

  finish(wallMs: number): void {
    this.expect('finish', ['running', 'paused']);
    this.reanchor(wallMs, 'finished');
  }

  /**
   * Finishes at a virtual time the clock has already reached (the scenario's duration), however late
   * the call comes: the clock stops exactly there, anchored at the wall instant it got there.
   */
  finishAt(virtualMs: number, wallMs: number): void {
    this.expect('finish', ['running', 'paused']);
    assertWall(wallMs);
    const reached = this.virtualAt(wallMs);
    if (!Number.isInteger(virtualMs) || virtualMs < this.state.anchorVirtualMs || virtualMs > reached) {
      throw new EngineError('INVALID_TIME', `cannot finish at ${virtualMs} ms: the clock is between ${this.state.anchorVirtualMs} and ${reached} ms`);
    }
    const reachedAtWallMs = this.state.status === 'running' ? Math.min(this.wallAt(virtualMs) ?? wallMs, wallMs) : this.state.anchorWallMs;
    this.state = { ...this.state, status: 'finished', anchorVirtualMs: virtualMs, anchorWallMs: reachedAtWallMs };
  }

  abort(wallMs: number): void {
    this.expect('abort', ['draft', 'running', 'paused']);
    this.reanchor(wallMs, 'aborted');
  }

  private reanchor(wallMs: number, status: ClockStatus): void {
    assertWall(wallMs);
    this.state = { ...this.state, status, anchorVirtualMs: this.virtualAt(wallMs), anchorWallMs: wallMs };
  }

  private expect(operation: string, allowed: readonly ClockStatus[]): void {
    if (!allowed.includes(this.state.status)) {
      throw new EngineError('INVALID_TRANSITION', `cannot ${operation} a clock that is ${this.state.status}`);
    }
  }
}
