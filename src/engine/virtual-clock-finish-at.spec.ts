import { fixtureAlert, fixtureScenario } from './engine-fixtures.js';
import { ExerciseEngine } from './exercise-engine.js';
import { VirtualClock } from './virtual-clock.js';

describe('VirtualClock.finishAt', () => {
  it('stops exactly at a virtual time already passed, anchored at the wall instant it was reached', () => {
    const clock = new VirtualClock(100);
    clock.start(1_000);
    clock.seekTo(7_050, 1_000);
    // At 100× the clock jumps 100 virtual ms per wall ms: 1_030 is already past 10_000.
    expect(clock.virtualAt(1_030)).toBe(10_050);
    clock.finishAt(10_000, 1_030);
    expect(clock.snapshot()).toEqual({ status: 'finished', anchorWallMs: 1_030, anchorVirtualMs: 10_000, speed: 100 });
    expect(clock.virtualAt(5_000)).toBe(10_000);
  });

  it('records the instant the time was reached, not the late call', () => {
    const clock = new VirtualClock(1);
    clock.start(0);
    clock.finishAt(60_000, 95_000);
    expect(clock.snapshot()).toMatchObject({ status: 'finished', anchorWallMs: 60_000, anchorVirtualMs: 60_000 });
  });

  it('refuses a time not reached yet, before the anchor, or on a clock that is not running or paused', () => {
    const clock = new VirtualClock(1);
    expect(() => clock.finishAt(0, 0)).toThrow(/cannot finish a clock that is draft/);
    clock.start(0);
    expect(() => clock.finishAt(5_000, 1_000)).toThrow(/cannot finish at 5000/);
    clock.seekTo(3_000, 1_000);
    expect(() => clock.finishAt(2_000, 1_000)).toThrow(/cannot finish at 2000/);
    clock.pause(1_000);
    clock.finishAt(3_000, 9_000);
    expect(clock.snapshot()).toMatchObject({ status: 'finished', anchorVirtualMs: 3_000, anchorWallMs: 1_000 });
  });
});

describe('ExerciseEngine.finishAt', () => {
  it('delivers what is due up to the end and nothing after it, however late it is called', () => {
    const scenario = fixtureScenario({
      timeline: [fixtureAlert('before', { at: '1m' }), fixtureAlert('at-end', { at: '2m' }), fixtureAlert('after', { at: '3m' })],
    });
    // Without delivery jitter, so that an alert falls exactly on the end.
    const engine = new ExerciseEngine({ scenario, seed: 1, teamIds: ['blue'], deliveryJitter: false });
    engine.start(0);
    const result = engine.finishAt(120_000, 500_000);
    expect(result.batches.get('blue')?.events.map((e) => e.eventId)).toEqual(['before', 'at-end']);
    expect(result.clock).toMatchObject({ status: 'finished', virtualMs: 120_000 });
    expect(engine.tick(900_000).batches.get('blue')?.events).toEqual([]);
  });
});
