import { ManualClock, ManualTimer } from './clock-port.js';
import { fixtureAlert, fixtureScenario, fixtureTrigger } from './engine-fixtures.js';
import { ExerciseEngine, type TeamBatches } from './exercise-engine.js';
import { ExerciseScheduler, type DeliveryCause } from './exercise-scheduler.js';

const MIN = 60_000;

const scenario = fixtureScenario({
  timeline: [
    fixtureAlert('a1', { at: '1m' }),
    fixtureAlert('a2', { at: '10m' }),
    fixtureAlert('late', { at: '45m' }),
    fixtureAlert('escalation', { after: { trigger: 'no-patch', delay: '2m' } }),
  ],
  triggers: [fixtureTrigger('no-patch', { notTaken: { action: 'patch', target: 'portal', by: '30m' } })],
});

function setup(start = 1_000_000): {
  clock: ManualClock;
  timer: ManualTimer;
  scheduler: ExerciseScheduler;
  log: { cause: DeliveryCause; wall: number; virtualMs: number; ids: string[] }[];
} {
  const clock = new ManualClock(start);
  const timer = new ManualTimer(clock);
  const log: { cause: DeliveryCause; wall: number; virtualMs: number; ids: string[] }[] = [];
  const engine = new ExerciseEngine({ scenario, seed: 1, teamIds: ['blue', 'red'], deliveryJitter: false });
  const scheduler = new ExerciseScheduler(engine, clock, timer, (batches: TeamBatches, cause, virtualMs) => {
    log.push({ cause, wall: clock.now(), virtualMs, ids: (batches.get('blue')?.events ?? []).map((e) => e.eventId) });
  });
  return { clock, timer, scheduler, log };
}

describe('ExerciseScheduler', () => {
  it('keeps exactly one timer armed at the next absolute wake-up', () => {
    const { clock, timer, scheduler, log } = setup();
    expect(timer.isArmed).toBe(false);
    scheduler.start();
    expect(timer.armedAt).toBe(1_000_000 + MIN);
    expect(timer.armCount).toBe(1);
    timer.advanceTo(1_000_000 + MIN);
    expect(log).toEqual([{ cause: 'timer', wall: 1_000_000 + MIN, virtualMs: MIN, ids: ['a1'] }]);
    expect(timer.armedAt).toBe(1_000_000 + 10 * MIN);
    expect(timer.armCount).toBe(2);
    // Deadline check at 30 min is a wake-up too, even with no event due then.
    timer.advanceTo(1_000_000 + 10 * MIN);
    expect(timer.armedAt).toBe(1_000_000 + 30 * MIN);
    timer.advanceTo(1_000_000 + 30 * MIN);
    expect(timer.armedAt).toBe(1_000_000 + 32 * MIN);
    timer.advanceTo(1_000_000 + 120 * MIN);
    expect(log.map((l) => [l.wall - 1_000_000, l.ids])).toEqual([
      [MIN, ['a1']],
      [10 * MIN, ['a2']],
      [30 * MIN, []],
      [32 * MIN, ['escalation']],
      [45 * MIN, ['late']],
    ]);
    expect(timer.isArmed).toBe(false);
    expect(clock.now()).toBe(1_000_000 + 120 * MIN);
  });

  it('re-arms on speed changes and disarms on pause', () => {
    const { timer, scheduler, log } = setup(0);
    scheduler.start();
    timer.advanceTo(MIN);
    scheduler.setSpeed(4);
    expect(timer.armedAt).toBe(MIN + (9 * MIN) / 4);
    timer.advanceTo(2 * MIN);
    scheduler.pause();
    expect(timer.isArmed).toBe(false);
    timer.advanceTo(100 * MIN);
    expect(log.map((l) => l.ids)).toEqual([['a1']]);
    scheduler.resume();
    // Paused at 1 min + 1 min * 4 = 5 min virtual; a2 is 5 min away at x4.
    expect(timer.armedAt).toBe(100 * MIN + (5 * MIN) / 4);
    timer.advanceTo(100 * MIN + (5 * MIN) / 4);
    expect(log.map((l) => l.ids)).toEqual([['a1'], ['a2']]);
  });

  it('arms at the new wake-up after an action schedules or cancels something', () => {
    const { timer, scheduler } = setup(0);
    scheduler.start();
    timer.advanceTo(20 * MIN);
    expect(timer.armedAt).toBe(30 * MIN);
    scheduler.act('blue', { type: 'response', actionId: 'p1', action: 'patch', target: 'portal' });
    // Red still has the 30 min deadline pending.
    expect(timer.armedAt).toBe(30 * MIN);
    scheduler.act('red', { type: 'response', actionId: 'p2', action: 'patch', target: 'portal' });
    // The 30 min check still runs (it finds nothing to do): deadlines are wake-ups, not guesses.
    expect(timer.armedAt).toBe(30 * MIN);
    timer.advanceTo(30 * MIN);
    expect(timer.armedAt).toBe(45 * MIN);
    expect(scheduler.engine.team('red').eventStatus('escalation')).toBe('waiting');
  });

  it('broadcasts seek catch-up through the same listener and disarms on dispose', () => {
    const { timer, scheduler, log } = setup(0);
    scheduler.start();
    const result = scheduler.seekTo(11 * MIN);
    expect(result.clock.virtualMs).toBe(11 * MIN);
    expect(log).toEqual([{ cause: 'clock', wall: 0, virtualMs: 11 * MIN, ids: ['a1', 'a2'] }]);
    expect(timer.armedAt).toBe(19 * MIN);
    expect(() => scheduler.seekTo(MIN)).toThrow(expect.objectContaining({ code: 'SEEK_BACKWARDS' }));
    expect(timer.armedAt).toBe(19 * MIN);
    scheduler.dispose();
    expect(timer.isArmed).toBe(false);
  });
});
