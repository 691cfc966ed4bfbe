import type { ClockPort, TimerPort } from './clock-port.js';
import type { EngineAction, UnstampedAction } from './engine-action.js';
import {
  countEvents,
  type ActionResult,
  type ClockOpResult,
  type ExerciseEngine,
  type InjectResult,
  type InjectSource,
  type TeamBatches,
  type TickResult,
} from './exercise-engine.js';

export type DeliveryCause = 'timer' | 'clock' | 'action' | 'inject' | 'tick';

/** Receives every delivery the scheduler causes, whatever caused it (one channel to broadcast from). */
export type DeliveryListener = (batches: TeamBatches, cause: DeliveryCause, virtualMs: number) => void;

/**
 * Drives an ExerciseEngine with ONE absolute timer: after every tick or clock change the timer is
 * re-armed at the engine's next wake-up wall time. Absolute wake-ups keep delivery on time across
 * speed changes and pauses; relative chained timers would drift.
 */
export class ExerciseScheduler {
  private disposed = false;

  constructor(
    readonly engine: ExerciseEngine,
    private readonly clock: ClockPort,
    private readonly timer: TimerPort,
    private readonly onDeliver: DeliveryListener = () => undefined,
  ) {}

  /** Ticks now (e.g. after restoring an engine) and re-arms. */
  tick(): TickResult {
    return this.run('tick', () => this.engine.tick(this.clock.now()));
  }

  start(): ClockOpResult {
    return this.run('clock', () => this.engine.start(this.clock.now()));
  }

  pause(): ClockOpResult {
    return this.run('clock', () => this.engine.pause(this.clock.now()));
  }

  resume(): ClockOpResult {
    return this.run('clock', () => this.engine.resume(this.clock.now()));
  }

  setSpeed(speed: number): ClockOpResult {
    return this.run('clock', () => this.engine.setSpeed(speed, this.clock.now()));
  }

  seekTo(virtualMs: number): ClockOpResult {
    return this.run('clock', () => this.engine.seekTo(virtualMs, this.clock.now()));
  }

  seekToPhase(phaseId: string): ClockOpResult {
    return this.run('clock', () => this.engine.seekToPhase(phaseId, this.clock.now()));
  }

  finish(): ClockOpResult {
    return this.run('clock', () => this.engine.finish(this.clock.now()));
  }

  abort(): ClockOpResult {
    return this.run('clock', () => this.engine.abort(this.clock.now()));
  }

  inject(teamIds: readonly string[], source: InjectSource): InjectResult {
    return this.run('inject', () => this.engine.inject(teamIds, source, this.clock.now()));
  }

  /** Stamps the action with the current virtual time and applies it. */
  act(teamId: string, action: UnstampedAction): ActionResult {
    return this.runAction(() => this.engine.act(teamId, action, this.clock.now()));
  }

  applyAction(teamId: string, action: EngineAction): ActionResult {
    return this.runAction(() => this.engine.applyAction(teamId, action, this.clock.now()));
  }

  /** Arms the single timer at the next wake-up, or disarms it when nothing can fall due. */
  rearm(): void {
    if (this.disposed) return;
    const at = this.engine.nextWakeWallMs();
    if (at === null) this.timer.disarm();
    else this.timer.arm(at, () => this.onTimer());
  }

  dispose(): void {
    this.disposed = true;
    this.timer.disarm();
  }

  private onTimer(): void {
    if (this.disposed) return;
    this.run('timer', () => this.engine.tick(this.clock.now()));
  }

  private run<T extends TickResult>(cause: DeliveryCause, operation: () => T): T {
    try {
      const result = operation();
      if (countEvents(result.batches) > 0 || hasFired(result.batches)) this.onDeliver(result.batches, cause, result.virtualMs);
      return result;
    } finally {
      this.rearm();
    }
  }

  private runAction(operation: () => ActionResult): ActionResult {
    try {
      const result = operation();
      if (result.events.length > 0 || result.fired.length > 0) {
        const batch = { teamId: result.teamId, events: result.events, fired: result.fired };
        this.onDeliver(new Map([[result.teamId, batch]]), 'action', result.action.virtualMs);
      }
      return result;
    } finally {
      this.rearm();
    }
  }
}

function hasFired(batches: TeamBatches): boolean {
  for (const batch of batches.values()) if (batch.fired.length > 0) return true;
  return false;
}
