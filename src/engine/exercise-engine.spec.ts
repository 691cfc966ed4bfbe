import { fixtureAlert, fixtureScenario, fixtureTemplate, fixtureTrigger } from './engine-fixtures.js';
import { ExerciseEngine, type TeamBatches } from './exercise-engine.js';

const MIN = 60_000;

const scenario = fixtureScenario({
  timeline: [
    fixtureAlert('a1', { at: '1m', phase: 'recon' }),
    fixtureAlert('a2', { at: '10m', phase: 'exploit' }),
    fixtureAlert('a3', { at: '15m', phase: 'exploit' }),
    fixtureAlert('deface', { at: '40m', phase: 'impact', asset: 'portal' }),
    fixtureAlert('deface-2', { at: '50m', phase: 'impact', asset: 'portal' }),
  ],
  triggers: [fixtureTrigger('maintenance', { taken: { action: 'maintenance-page', target: 'portal' } }, { cancel: ['deface'] })],
  injects: [{ ...fixtureAlert('press-call'), sensor: 'press' }],
});

function newEngine(speed = 1): ExerciseEngine {
  return new ExerciseEngine({ scenario, seed: 1, teamIds: ['blue', 'red'], speed, deliveryJitter: false });
}

function eventIds(batches: TeamBatches, teamId: string): string[] {
  return (batches.get(teamId)?.events ?? []).map((e) => e.eventId);
}

describe('ExerciseEngine', () => {
  it('delivers nothing in draft and one batch per team once running', () => {
    const engine = newEngine();
    expect(eventIds(engine.tick(10 * MIN).batches, 'blue')).toEqual([]);
    expect(engine.nextWakeWallMs()).toBeNull();
    const started = engine.start(1_000);
    expect(started.clock.status).toBe('running');
    expect(engine.nextWakeWallMs()).toBe(1_000 + MIN);
    const tick = engine.tick(1_000 + 10 * MIN);
    expect([...tick.batches.keys()]).toEqual(['blue', 'red']);
    expect(eventIds(tick.batches, 'blue')).toEqual(['a1', 'a2']);
    expect(eventIds(tick.batches, 'red')).toEqual(['a1', 'a2']);
    expect(tick.virtualMs).toBe(10 * MIN);
  });

  it('keeps virtual time continuous across a mid-run speed change', () => {
    const engine = newEngine();
    engine.start(0);
    engine.tick(MIN);
    const changed = engine.setSpeed(10, MIN);
    expect(changed.clock.virtualMs).toBe(MIN);
    // a2 at 10 min virtual: 9 min left at x10 = 54 s of wall time.
    expect(engine.nextWakeWallMs()).toBe(MIN + 54_000);
    expect(eventIds(engine.tick(MIN + 53_999).batches, 'blue')).toEqual([]);
    expect(eventIds(engine.tick(MIN + 54_000).batches, 'blue')).toEqual(['a2']);
  });

  it('does not deliver while paused and resumes on time', () => {
    const engine = newEngine(2);
    engine.start(0);
    engine.pause(15_000); // 30 s virtual
    expect(engine.nextWakeWallMs()).toBeNull();
    expect(eventIds(engine.tick(10 * MIN).batches, 'blue')).toEqual([]);
    const resumed = engine.resume(1_000_000);
    expect(resumed.clock.virtualMs).toBe(30_000);
    expect(engine.nextWakeWallMs()).toBe(1_015_000);
    expect(eventIds(engine.tick(1_015_000).batches, 'blue')).toEqual(['a1']);
  });

  it('releases persisted journal entries and keeps numbering the rest', () => {
    const engine = newEngine();
    engine.start(0);
    engine.seekTo(5 * MIN, 0);
    engine.seekTo(10 * MIN, 0);
    engine.seekTo(15 * MIN, 0);
    const all = [...engine.journal()];
    expect(engine.journalLength()).toBe(3);
    engine.releaseJournal(2);
    expect(engine.journalLength()).toBe(3);
    expect(engine.journal()).toEqual(all.slice(2));
    expect(engine.journalFrom(2)).toEqual(all.slice(2));
    expect(engine.journalFrom(3)).toEqual([]);
    expect(() => engine.journalFrom(1)).toThrow(expect.objectContaining({ code: 'INVALID_JOURNAL' }));
    engine.seekTo(20 * MIN, 0);
    expect(engine.journalLength()).toBe(4);
    expect(engine.journalFrom(3)).toEqual([{ type: 'seek', fromVirtualMs: 15 * MIN, toVirtualMs: 20 * MIN }]);
    // Releasing again, or beyond the end, releases what there is and no more.
    engine.releaseJournal(1);
    expect(engine.journalLength()).toBe(4);
    engine.releaseJournal(99);
    expect(engine.journal()).toEqual([]);
    expect(engine.journalLength()).toBe(4);
  });

  it('seeks forward with catch-up flags and refuses to seek backwards', () => {
    const engine = newEngine();
    engine.start(0);
    engine.tick(2 * MIN);
    const seek = engine.seekTo(15 * MIN, 2 * MIN);
    expect(seek.clock.virtualMs).toBe(15 * MIN);
    expect(seek.batches.get('red')?.events.map((e) => [e.eventId, e.catchUp, e.deliveredAtMs])).toEqual([
      ['a2', true, 15 * MIN],
      ['a3', false, 15 * MIN],
    ]);
    expect(engine.journal()).toEqual([{ type: 'seek', fromVirtualMs: 2 * MIN, toVirtualMs: 15 * MIN }]);
    expect(() => engine.seekTo(14 * MIN, 3 * MIN)).toThrow(expect.objectContaining({ code: 'SEEK_BACKWARDS' }));
    expect(engine.journal()).toHaveLength(1);
    expect(engine.clockState(3 * MIN).virtualMs).toBe(16 * MIN);
  });

  it('seeks to the earliest pending event of a phase across teams', () => {
    const engine = newEngine();
    engine.start(0);
    engine.act('blue', { type: 'response', actionId: 'x1', action: 'maintenance-page', target: 'portal' }, 5 * MIN);
    engine.act('red', { type: 'response', actionId: 'x2', action: 'block-ip', target: '203.0.113.7' }, 5 * MIN);
    const seek = engine.seekToPhase('impact', 5 * MIN);
    expect(seek.clock.virtualMs).toBe(40 * MIN);
    expect(eventIds(seek.batches, 'red')).toEqual(['a2', 'a3', 'deface']);
    expect(eventIds(seek.batches, 'blue')).toEqual(['a2', 'a3']);
    expect(() => engine.seekToPhase('recon', 5 * MIN)).toThrow(expect.objectContaining({ code: 'PHASE_NOT_PENDING' }));
    expect(() => engine.seekToPhase('nope', 5 * MIN)).toThrow(expect.objectContaining({ code: 'UNKNOWN_PHASE' }));
  });

  it('keeps teams independent', () => {
    const engine = newEngine();
    engine.start(0);
    const result = engine.act('blue', { type: 'response', actionId: 'x1', action: 'maintenance-page', target: 'portal' }, 20 * MIN);
    expect(result.action.virtualMs).toBe(20 * MIN);
    expect(result.fired.map((f) => f.triggerId)).toEqual(['maintenance']);
    expect(result.events.map((e) => e.eventId)).toEqual(['a1', 'a2', 'a3']);
    const tick = engine.tick(60 * MIN);
    expect(eventIds(tick.batches, 'blue')).toEqual(['deface-2']);
    expect(eventIds(tick.batches, 'red')).toEqual(['a1', 'a2', 'a3', 'deface', 'deface-2']);
    expect(engine.team('red').hasFired('maintenance')).toBe(false);
    expect(() => engine.applyAction('red', { type: 'other', actionId: 'f', virtualMs: 61 * MIN, kind: 'note' }, 60 * MIN)).toThrow(
      expect.objectContaining({ code: 'ACTION_IN_FUTURE' }),
    );
    expect(Object.isFrozen(tick.batches.get('red')?.events[0].alert.title)).toBe(true);
  });

  it('injects library or ad-hoc alerts now with deterministic ids', () => {
    const engine = newEngine();
    expect(() => engine.inject(['blue'], { injectId: 'press-call' }, 0)).toThrow(expect.objectContaining({ code: 'EXERCISE_NOT_RUNNING' }));
    engine.start(0);
    const first = engine.inject(['blue'], { injectId: 'press-call' }, 90_000);
    expect(first.eventId).toBe('inject-1');
    expect(first.batches.get('blue')?.events.map((e) => [e.eventId, e.origin, e.injectId, e.virtualMs, e.alert.id])).toEqual([
      ['a1', 'timeline', undefined, MIN, 'a1'],
      ['inject-1', 'inject', 'press-call', 90_000, 'inject-1'],
    ]);
    expect(first.batches.get('red')?.events).toEqual([]);
    const adHoc = fixtureTemplate('ad-hoc');
    const second = engine.inject(['blue', 'red'], { alert: adHoc }, 2 * MIN);
    expect(second.eventId).toBe('inject-2');
    expect(eventIds(second.batches, 'red')).toEqual(['a1', 'inject-2']);
    expect(() => engine.inject(['blue'], { injectId: 'missing' }, 2 * MIN)).toThrow(expect.objectContaining({ code: 'UNKNOWN_INJECT' }));
    expect(() => engine.inject(['green'], { injectId: 'press-call' }, 2 * MIN)).toThrow(expect.objectContaining({ code: 'UNKNOWN_TEAM' }));
  });

  it('refuses actions outside a running or paused exercise and stops after abort', () => {
    const engine = newEngine();
    expect(() => engine.act('blue', { type: 'other', actionId: 'n', kind: 'note' }, 0)).toThrow(expect.objectContaining({ code: 'EXERCISE_NOT_RUNNING' }));
    engine.start(0);
    engine.pause(MIN);
    expect(engine.act('blue', { type: 'other', actionId: 'n', kind: 'note' }, 5 * MIN).action.virtualMs).toBe(MIN);
    const aborted = engine.abort(6 * MIN);
    expect(aborted.clock.status).toBe('aborted');
    expect(eventIds(engine.tick(60 * MIN).batches, 'red')).toEqual([]);
    expect(() => engine.resume(7 * MIN)).toThrow(expect.objectContaining({ code: 'INVALID_TRANSITION' }));
  });

  it('delivers what was due when finishing, then freezes', () => {
    const engine = newEngine();
    engine.start(0);
    const finished = engine.finish(11 * MIN);
    expect(finished.clock.status).toBe('finished');
    expect(eventIds(finished.batches, 'blue')).toEqual(['a1', 'a2']);
    expect(engine.nextWakeWallMs()).toBeNull();
    expect(eventIds(engine.tick(100 * MIN).batches, 'blue')).toEqual([]);
  });
});
