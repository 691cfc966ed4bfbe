import { ManualClock, ManualTimer } from '../engine/index.js';
import { ExerciseEndTimer } from './exercise-end-timer.js';

function setup(end: number | null) {
  const clock = new ManualClock(0);
  const inner = new ManualTimer(clock);
  const fired: string[] = [];
  const state = { end };
  const timer = new ExerciseEndTimer(
    inner,
    () => state.end,
    () => fired.push(`end@${clock.now()}`),
  );
  return { clock, inner, fired, state, timer };
}

describe('ExerciseEndTimer', () => {
  it('passes a wake-up before the end through unchanged', () => {
    const { inner, fired, timer } = setup(1_000);
    timer.arm(400, () => fired.push('tick'));
    expect(inner.armedAt).toBe(400);
    inner.advanceTo(400);
    expect(fired).toEqual(['tick']);
  });

  it('fires the end instead of a wake-up at or after it', () => {
    const { inner, fired, timer } = setup(1_000);
    timer.arm(1_000, () => fired.push('tick'));
    expect(inner.armedAt).toBe(1_000);
    timer.arm(5_000, () => fired.push('tick'));
    inner.advanceTo(10_000);
    expect(fired).toEqual(['end@1000']);
  });

  it('still ends on time when the scheduler has nothing left to wake up for', () => {
    const { inner, fired, timer } = setup(2_000);
    timer.disarm();
    expect(inner.armedAt).toBe(2_000);
    inner.advanceTo(3_000);
    expect(fired).toEqual(['end@2000']);
  });

  it('passes everything through when the exercise does not end by itself (overtime, paused)', () => {
    const { inner, fired, timer } = setup(null);
    timer.arm(9_000, () => fired.push('tick'));
    expect(inner.armedAt).toBe(9_000);
    timer.disarm();
    expect(inner.isArmed).toBe(false);
  });

  it('reads the end at every arm, so a speed change or a seek moves it', () => {
    const { inner, state, timer } = setup(5_000);
    timer.arm(8_000, () => undefined);
    expect(inner.armedAt).toBe(5_000);
    state.end = 3_000;
    timer.arm(8_000, () => undefined);
    expect(inner.armedAt).toBe(3_000);
  });

  it('stays disarmed once stopped', () => {
    const { inner, timer } = setup(1_000);
    timer.stop();
    timer.disarm();
    timer.arm(500, () => undefined);
    expect(inner.isArmed).toBe(false);
  });
});
