import { ManualClock, ManualTimer } from './clock-port.js';
import { fixtureAlert, fixtureScenario, fixtureTemplate, fixtureTrigger, text } from './engine-fixtures.js';
import { ExerciseEngine } from './exercise-engine.js';
import { ExerciseScheduler } from './exercise-scheduler.js';
import { deliveredEventsFor, rebuildEngine } from './rebuild.js';

const MIN = 60_000;
const TEAMS = ['blue', 'red', 'green'];

const scenario = fixtureScenario({
  timeline: [
    fixtureAlert('recon', { at: '2m', phase: 'recon' }),
    fixtureAlert('exploit', { at: '12m', phase: 'exploit', asset: 'portal' }),
    fixtureAlert('webshell', { at: '20m', phase: 'exploit', asset: 'portal' }),
    fixtureAlert('spread-ws', { at: '35m', phase: 'spread', asset: 'ws-01' }),
    fixtureAlert('deface', { at: '42m', phase: 'impact', asset: 'portal' }),
    fixtureAlert('deface-blocked', { at: '42m', after: { trigger: 'maintenance', delay: 0 } }),
    fixtureAlert('escalation', { after: { trigger: 'no-isolation', delay: '3m' } }),
    fixtureAlert('follow-up', { after: { trigger: 'reported', delay: '5m' } }),
  ],
  noise: [
    {
      id: 'scan',
      count: 30,
      between: [0, '1h'],
      vars: { ip: { ipv4In: '198.51.100.0/24' } },
      template: {
        layer: 2,
        sensor: 'ids',
        severity: 'low',
        title: text('Scan from {{ip}}'),
        description: text('Scan'),
        answer: { verdict: 'false-positive', severity: 'low' },
      },
    },
  ],
  triggers: [
    fixtureTrigger(
      'maintenance',
      { all: [{ taken: { action: 'maintenance-page', target: 'portal' } }, { not: { delivered: 'deface' } }] },
      { cancel: ['deface'] },
    ),
    fixtureTrigger('no-isolation', { notTaken: { action: 'isolate-host', target: 'ws-01', by: { event: 'exploit', plus: '20m' } } }),
    fixtureTrigger('isolated', { taken: { action: 'isolate-host', target: 'ws-01' } }, { cancelPhases: ['spread'] }),
    fixtureTrigger('reported', { reported: { kind: 'notification', by: { event: 'webshell', plus: '30m' } } }),
  ],
  injects: [{ ...fixtureAlert('press-call'), sensor: 'press' }],
});

/** A scripted live run through the scheduler, with speed changes, a pause, a seek, injects and actions. */
function liveRun(stopAtWall = Number.POSITIVE_INFINITY): { clock: ManualClock; scheduler: ExerciseScheduler } {
  const clock = new ManualClock(5_000_000);
  const timer = new ManualTimer(clock);
  const engine = new ExerciseEngine({ scenario, seed: 'drill-7', teamIds: TEAMS });
  const scheduler = new ExerciseScheduler(engine, clock, timer);
  const steps: [number, () => void][] = [
    [0, () => scheduler.start()],
    [3 * MIN, () => scheduler.act('blue', { type: 'verdict', actionId: 'b1', alertId: 'recon', verdict: 'true-positive' })],
    [4 * MIN, () => scheduler.setSpeed(3)],
    [6 * MIN, () => scheduler.act('blue', { type: 'response', actionId: 'b2', action: 'maintenance-page', target: 'portal' })],
    [6 * MIN + 1, () => scheduler.act('red', { type: 'response', actionId: 'r1', action: 'isolate-host', target: 'ws-01' })],
    [7 * MIN, () => scheduler.inject(['red', 'green'], { injectId: 'press-call' })],
    [8 * MIN, () => scheduler.pause()],
    [20 * MIN, () => scheduler.act('green', { type: 'route', actionId: 'g1', alertId: 'recon', to: ['csirt'] })],
    [21 * MIN, () => scheduler.resume()],
    [22 * MIN, () => scheduler.act('green', { type: 'report', actionId: 'g2', kind: 'notification', recipients: ['csirt'] })],
    [23 * MIN, () => scheduler.seekTo(40 * MIN)],
    [24 * MIN, () => scheduler.setSpeed(1)],
    [25 * MIN, () => scheduler.inject(['blue'], { alert: fixtureTemplate('x') })],
    [40 * MIN, () => scheduler.act('blue', { type: 'response', actionId: 'b3', action: 'isolate-host', target: 'ws-01' })],
  ];
  for (const [offset, step] of steps) {
    const at = 5_000_000 + offset;
    if (at > stopAtWall) break;
    timer.advanceTo(at);
    step();
  }
  timer.advanceTo(Math.min(stopAtWall, 5_000_000 + 60 * MIN));
  return { clock, scheduler };
}

describe('rebuildEngine', () => {
  it('reproduces the live run byte for byte from the journal', () => {
    const { clock, scheduler } = liveRun();
    const live = scheduler.engine;
    const upTo = live.virtualNow(clock.now());
    const journal = JSON.parse(JSON.stringify(live.journal()));
    const { engine } = rebuildEngine({ scenario, seed: 'drill-7', teamIds: TEAMS, journal, upToVirtualMs: upTo, clock: live.clockSnapshot() });
    for (const team of TEAMS) {
      expect(live.team(team).delivered().length).toBeGreaterThan(20);
      expect(JSON.stringify(engine.team(team).delivered())).toBe(JSON.stringify(live.team(team).delivered()));
      expect(JSON.stringify(engine.team(team).firedTriggers())).toBe(JSON.stringify(live.team(team).firedTriggers()));
    }
    // The run exercised the interesting paths.
    const ids = (team: string): string[] =>
      live
        .team(team)
        .delivered()
        .map((e) => e.eventId);
    expect(ids('blue')).toContain('deface-blocked');
    expect(ids('blue')).not.toContain('deface');
    expect(ids('red')).not.toContain('spread-ws');
    expect(ids('green')).toContain('follow-up');
    expect(ids('green')).toContain('escalation');
    expect(
      live
        .team('blue')
        .delivered()
        .some((e) => e.catchUp),
    ).toBe(true);
    expect(engine.virtualNow(clock.now())).toBe(upTo);
  });

  it('gives a different noise stream for another seed but the same for the same seed', () => {
    const a = new ExerciseEngine({ scenario, seed: 1, teamIds: ['t'] });
    const b = new ExerciseEngine({ scenario, seed: 2, teamIds: ['t'] });
    const c = new ExerciseEngine({ scenario, seed: 1, teamIds: ['t'] });
    for (const engine of [a, b, c]) {
      engine.start(0);
      engine.tick(60 * MIN);
    }
    const json = (e: ExerciseEngine): string => JSON.stringify(e.team('t').delivered());
    expect(json(a)).toBe(json(c));
    expect(json(a)).not.toBe(json(b));
  });

  it('recovers after a crash: same seqs for what was sent, catch-up for what was missed', () => {
    const crashWall = 5_000_000 + 22 * MIN + 30_000;
    const { scheduler } = liveRun(crashWall);
    const before = scheduler.engine;
    const snapshot = before.clockSnapshot();
    const journal = [...before.journal()];
    // The runtime had persisted all but the last two deliveries of blue.
    const counts = { blue: before.team('blue').lastSeq - 2, red: before.team('red').lastSeq, green: before.team('green').lastSeq };
    scheduler.dispose();

    // Wall downtime counts as exercise time (at the persisted speed, x3 here).
    const restartWall = crashWall + 5 * MIN;
    const { engine, batches } = rebuildEngine({
      scenario,
      seed: 'drill-7',
      teamIds: TEAMS,
      journal,
      clock: snapshot,
      deliveredCounts: counts,
      upToVirtualMs: new ExerciseEngine({ scenario, seed: 'drill-7', teamIds: [], clock: snapshot }).virtualNow(restartWall),
    });
    expect(snapshot.speed).toBe(3);
    expect(engine.virtualNow(restartWall)).toBe(before.virtualNow(crashWall) + 15 * MIN);
    const blue = engine.team('blue').delivered();
    const old = before.team('blue').delivered();
    expect(JSON.stringify(blue.slice(0, counts.blue))).toBe(JSON.stringify(old.slice(0, counts.blue)));
    const fresh = blue.slice(counts.blue);
    expect(fresh.length).toBeGreaterThanOrEqual(2);
    expect(fresh.every((e) => e.catchUp)).toBe(true);
    expect(batches.get('blue')?.events.length).toBe(blue.length);
    const redNew = engine.team('red').delivered().slice(counts.red);
    expect(redNew.every((e) => e.catchUp && e.virtualMs <= engine.virtualNow(restartWall))).toBe(true);

    // Live again from the rebuilt engine: later events arrive normally.
    const clock = new ManualClock(restartWall);
    const timer = new ManualTimer(clock);
    const resumed = new ExerciseScheduler(engine, clock, timer);
    resumed.tick();
    timer.advanceTo(restartWall + 60 * MIN);
    const after = engine.team('blue').delivered().slice(blue.length);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((e) => !e.catchUp)).toBe(true);
    expect(
      engine
        .team('blue')
        .delivered()
        .map((e) => e.seq),
    ).toEqual(
      engine
        .team('blue')
        .delivered()
        .map((_, i) => i + 1),
    );
  });

  it('refuses a journal that does not replay', () => {
    expect(() =>
      rebuildEngine({
        scenario,
        seed: 1,
        teamIds: ['blue'],
        upToVirtualMs: 10 * MIN,
        journal: [
          { type: 'action', teamId: 'blue', action: { type: 'other', actionId: 'a', virtualMs: 5 * MIN, kind: 'note' } },
          { type: 'action', teamId: 'blue', action: { type: 'other', actionId: 'b', virtualMs: MIN, kind: 'note' } },
        ],
      }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_JOURNAL' }));
    expect(() =>
      rebuildEngine({ scenario, seed: 1, teamIds: ['blue'], upToVirtualMs: MIN, journal: [{ type: 'seek', fromVirtualMs: 0, toVirtualMs: 5 * MIN }] }),
    ).toThrow(expect.objectContaining({ code: 'INVALID_JOURNAL' }));
  });
});

describe('deliveredEventsFor', () => {
  it('matches what a live team with the same actions was shown', () => {
    const engine = new ExerciseEngine({ scenario, seed: 3, teamIds: ['t'] });
    engine.start(0);
    engine.act('t', { type: 'response', actionId: 'a1', action: 'maintenance-page', target: 'portal' }, 15 * MIN);
    engine.act('t', { type: 'report', actionId: 'a2', kind: 'notification', recipients: ['csirt'] }, 25 * MIN);
    engine.tick(90 * MIN);
    const replay = deliveredEventsFor({ scenario, seed: 3, actions: engine.team('t').actions(), upToVirtualMs: 90 * MIN });
    expect(JSON.stringify(replay.delivered)).toBe(JSON.stringify(engine.team('t').delivered()));
    expect(replay.fired.map((f) => f.triggerId)).toEqual(['maintenance', 'reported', 'no-isolation']);
  });
});
