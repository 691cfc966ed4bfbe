import type { ClockStateDto } from '../../src/contracts/exercise.schema';
import type { ExerciseEndedMessage } from '../../src/contracts/realtime.schema';
import { exerciseEnd, inOvertime } from '../../web/src/realtime/exercise-end';

const clock = (patch: Partial<ClockStateDto>): ClockStateDto => ({
  status: 'running',
  speed: 1,
  virtualMs: 60_000,
  wallMs: 0,
  durationMs: 7_200_000,
  allowOvertime: false,
  endReason: null,
  ...patch,
});

describe('exerciseEnd (what locks the console and the cockpit)', () => {
  it('is null while the exercise is a draft, running or paused', () => {
    for (const status of ['draft', 'running', 'paused'] as const) expect(exerciseEnd(clock({ status }), null)).toBeNull();
    expect(exerciseEnd(null, null)).toBeNull();
  });

  it('reads the reason from the clock, or from the status when the server sends none', () => {
    expect(exerciseEnd(clock({ status: 'finished', endReason: 'duration', virtualMs: 7_200_000 }), null)).toEqual({ reason: 'duration', virtualMs: 7_200_000 });
    expect(exerciseEnd(clock({ status: 'finished' }), null)).toEqual({ reason: 'finished', virtualMs: 60_000 });
    expect(exerciseEnd(clock({ status: 'aborted' }), null)).toEqual({ reason: 'aborted', virtualMs: 60_000 });
  });

  it('prefers exercise:ended, even over a stale running clock', () => {
    const ended: ExerciseEndedMessage = {
      exerciseId: 'x',
      reason: 'duration',
      virtualMs: 7_200_000,
      clock: clock({ status: 'finished', endReason: 'duration' }),
    };
    expect(exerciseEnd(clock({ status: 'running' }), ended)).toEqual({ reason: 'duration', virtualMs: 7_200_000 });
  });
});

describe('inOvertime ("Quá giờ")', () => {
  it('only past the duration, with overtime allowed, while running or paused', () => {
    expect(inOvertime(clock({ allowOvertime: true }), 7_200_001)).toBe(true);
    expect(inOvertime(clock({ allowOvertime: true, status: 'paused' }), 7_300_000)).toBe(true);
    expect(inOvertime(clock({ allowOvertime: true }), 7_200_000)).toBe(false);
    expect(inOvertime(clock({ allowOvertime: false }), 7_300_000)).toBe(false);
    expect(inOvertime(clock({ allowOvertime: true, status: 'finished' }), 7_300_000)).toBe(false);
    expect(inOvertime(null, 7_300_000)).toBe(false);
  });
});
