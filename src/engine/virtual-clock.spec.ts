import { EngineError } from './engine-error.js';
import { VirtualClock } from './virtual-clock.js';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof EngineError) return error.code;
    throw error;
  }
  return undefined;
}

describe('VirtualClock', () => {
  it('stays at 0 in draft and runs linearly once started', () => {
    const clock = new VirtualClock();
    expect(clock.virtualAt(5_000)).toBe(0);
    expect(clock.wallAt(10)).toBeNull();
    clock.start(1_000);
    expect(clock.virtualAt(1_000)).toBe(0);
    expect(clock.virtualAt(61_000)).toBe(60_000);
    expect(clock.virtualAt(500)).toBe(0);
  });

  it('keeps virtual time continuous across speed changes', () => {
    const clock = new VirtualClock();
    clock.start(0);
    clock.setSpeed(10, 60_000);
    expect(clock.virtualAt(60_000)).toBe(60_000);
    expect(clock.virtualAt(66_000)).toBe(120_000);
    clock.setSpeed(0.25, 66_000);
    expect(clock.virtualAt(66_000)).toBe(120_000);
    expect(clock.virtualAt(70_000)).toBe(121_000);
  });

  it('freezes while paused and resumes from the frozen time', () => {
    const clock = new VirtualClock(2);
    clock.start(0);
    clock.pause(10_000);
    expect(clock.virtualAt(10_000)).toBe(20_000);
    expect(clock.virtualAt(99_000)).toBe(20_000);
    expect(clock.wallAt(30_000)).toBeNull();
    clock.resume(100_000);
    expect(clock.virtualAt(105_000)).toBe(30_000);
  });

  it('computes the exact earliest wall time for a virtual time at odd speeds', () => {
    for (const speed of [0.25, 1, 3, 7, 33.3, 100]) {
      const clock = new VirtualClock(speed);
      clock.start(1_000_003);
      for (const target of [1, 999, 60_000, 2_400_000, 7_199_999]) {
        const wall = clock.wallAt(target);
        expect(wall).not.toBeNull();
        expect(clock.virtualAt(wall as number)).toBeGreaterThanOrEqual(target);
        expect(clock.virtualAt((wall as number) - 1)).toBeLessThan(target);
      }
    }
  });

  it('seeks forward only', () => {
    const clock = new VirtualClock();
    clock.start(0);
    clock.seekTo(600_000, 1_000);
    expect(clock.virtualAt(1_000)).toBe(600_000);
    expect(clock.virtualAt(2_000)).toBe(601_000);
    expect(code(() => clock.seekTo(500_000, 2_000))).toBe('SEEK_BACKWARDS');
    expect(code(() => clock.seekTo(1.5, 2_000))).toBe('INVALID_TIME');
  });

  it('validates speed and transitions with coded errors', () => {
    expect(code(() => new VirtualClock(0))).toBe('INVALID_SPEED');
    const clock = new VirtualClock();
    expect(code(() => clock.pause(0))).toBe('INVALID_TRANSITION');
    expect(code(() => clock.seekTo(10, 0))).toBe('INVALID_TRANSITION');
    clock.start(0);
    expect(code(() => clock.start(0))).toBe('INVALID_TRANSITION');
    expect(code(() => clock.resume(0))).toBe('INVALID_TRANSITION');
    expect(code(() => clock.setSpeed(0.2, 0))).toBe('INVALID_SPEED');
    expect(code(() => clock.setSpeed(101, 0))).toBe('INVALID_SPEED');
    expect(code(() => clock.setSpeed(Number.NaN, 0))).toBe('INVALID_SPEED');
    clock.finish(10_000);
    expect(clock.status).toBe('finished');
    expect(clock.virtualAt(50_000)).toBe(10_000);
    expect(code(() => clock.resume(0))).toBe('INVALID_TRANSITION');
    expect(code(() => clock.abort(0))).toBe('INVALID_TRANSITION');
  });

  it('continues from a persisted anchor after a restart, counting the downtime', () => {
    const clock = new VirtualClock(4);
    clock.start(1_000);
    clock.setSpeed(2, 11_000); // 40 s virtual
    const snapshot = JSON.parse(JSON.stringify(clock.snapshot()));
    const restored = VirtualClock.restore(snapshot);
    expect(restored.virtualAt(31_000)).toBe(80_000);
    expect(restored.virtualAt(31_000)).toBe(clock.virtualAt(31_000));
    expect(code(() => VirtualClock.restore({ ...snapshot, speed: 1000 }))).toBe('INVALID_SNAPSHOT');
    expect(code(() => VirtualClock.restore({ ...snapshot, status: 'bogus' }))).toBe('INVALID_SNAPSHOT');
  });

  it('reports its state for broadcasting', () => {
    const clock = new VirtualClock();
    clock.start(0);
    expect(clock.stateAt(5_000)).toEqual({ status: 'running', anchorWallMs: 0, anchorVirtualMs: 0, speed: 1, virtualMs: 5_000, wallMs: 5_000 });
  });
});
