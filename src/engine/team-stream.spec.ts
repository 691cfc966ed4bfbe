import type { ResponseAction } from '../contracts/scenario.schema.js';
import { compileScenario } from './compiled-scenario.js';
import type { EngineAction } from './engine-action.js';
import { EngineError } from './engine-error.js';
import { fixtureAlert, fixtureScenario, fixtureTrigger } from './engine-fixtures.js';
import { TeamStream, type DeliveredEvent } from './team-stream.js';

const MIN = 60_000;

function streamOf(overrides: Parameters<typeof fixtureScenario>[0]): TeamStream {
  return new TeamStream('team-a', compileScenario(fixtureScenario(overrides), 1, { deliveryJitter: false }));
}

function ids(events: readonly DeliveredEvent[]): string[] {
  return events.map((e) => e.eventId);
}

let actionCounter = 0;
function response(virtualMs: number, action: ResponseAction, target?: string): EngineAction {
  actionCounter += 1;
  return { type: 'response', actionId: `act-${actionCounter}`, virtualMs, action, ...(target === undefined ? {} : { target }) };
}

describe('TeamStream ordering', () => {
  const overrides = {
    timeline: [
      fixtureAlert('late', { at: '30m' }),
      fixtureAlert('tie-b', { at: '10m' }),
      fixtureAlert('tie-a', { at: '10m' }),
      fixtureAlert('first', { at: 0 }),
    ],
  };

  it('delivers in due order, ties in scenario order, with per-team seq', () => {
    const stream = streamOf(overrides);
    const step = stream.advanceTo(10 * MIN);
    expect(ids(step.events)).toEqual(['first', 'tie-b', 'tie-a']);
    expect(step.events.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(step.events.map((e) => e.virtualMs)).toEqual([0, 10 * MIN, 10 * MIN]);
    expect(step.events.every((e) => !e.catchUp && e.origin === 'timeline')).toBe(true);
    expect(stream.nextDueMs()).toBe(30 * MIN);
    expect(ids(stream.advanceTo(60 * MIN).events)).toEqual(['late']);
    expect(stream.delivered().map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(stream.deliveredAfter(2).map((e) => e.seq)).toEqual([3, 4]);
    expect(stream.nextDueMs()).toBeNull();
  });

  it('strips the answer key and scheduling from the trainee body', () => {
    const stream = streamOf(overrides);
    const [event] = stream.advanceTo(0).events;
    expect(Object.keys(event.alert)).toEqual(['id', 'kind', 'layer', 'sensor', 'severity', 'title', 'description', 'observables']);
    expect(JSON.stringify(event)).not.toContain('answer');
  });

  it('flags events skipped by a catch-up advance but not those due exactly at the target', () => {
    const stream = streamOf(overrides);
    const step = stream.advanceTo(30 * MIN, { catchUp: true });
    expect(step.events.map((e) => [e.eventId, e.catchUp, e.deliveredAtMs])).toEqual([
      ['first', true, 30 * MIN],
      ['tie-b', true, 30 * MIN],
      ['tie-a', true, 30 * MIN],
      ['late', false, 30 * MIN],
    ]);
  });

  it('refuses to go back in time', () => {
    const stream = streamOf(overrides);
    stream.advanceTo(20 * MIN);
    expect(() => stream.advanceTo(10 * MIN)).toThrow(expect.objectContaining({ code: 'TIME_BACKWARDS' }));
    expect(() => stream.applyAction(response(MIN, 'patch'))).toThrow(expect.objectContaining({ code: 'ACTION_IN_PAST' }));
    expect(() => stream.advanceTo(1.5 * 1000.1)).toThrow(EngineError);
  });
});

describe('TeamStream notTaken deadlines', () => {
  const overrides = {
    timeline: [
      fixtureAlert('calm-42', { at: '42m' }),
      fixtureAlert('same-ms', { at: '40m' }),
      fixtureAlert('spread-41', { after: { trigger: 'no-isolation', delay: '1m' } }),
    ],
    triggers: [fixtureTrigger('no-isolation', { notTaken: { action: 'isolate-host', target: 'ws-01', by: '40m' } }, { cancel: ['calm-42', 'same-ms'] })],
  };

  it('fires at the deadline, before later events, cancelling and scheduling', () => {
    const stream = streamOf(overrides);
    const step = stream.advanceTo(45 * MIN);
    expect(step.fired).toEqual([
      { triggerId: 'no-isolation', virtualMs: 40 * MIN, cancelled: ['calm-42', 'same-ms'], scheduled: [{ eventId: 'spread-41', dueMs: 41 * MIN }] },
    ]);
    expect(ids(step.events)).toEqual(['spread-41']);
    expect(step.events[0].virtualMs).toBe(41 * MIN);
    expect(stream.eventStatus('calm-42')).toBe('cancelled');
  });

  it('fires at its exact time even when one big advance jumps over it', () => {
    const stream = streamOf(overrides);
    stream.advanceTo(39 * MIN);
    expect(stream.nextDueMs()).toBe(40 * MIN);
    const step = stream.advanceTo(120 * MIN);
    expect(step.fired[0].virtualMs).toBe(40 * MIN);
  });

  it('does not fire when the action was taken before the deadline (target matched case-insensitively)', () => {
    const stream = streamOf(overrides);
    const acted = stream.applyAction(response(30 * MIN, 'isolate-host', ' WS-01 '));
    expect(acted.fired).toEqual([]);
    const step = stream.advanceTo(120 * MIN);
    expect(step.fired).toEqual([]);
    expect(ids(step.events)).toEqual(['same-ms', 'calm-42']);
    expect(stream.eventStatus('spread-41')).toBe('waiting');
  });

  it('ignores the action on another target or one taken at the deadline itself', () => {
    const other = streamOf(overrides);
    other.applyAction(response(30 * MIN, 'isolate-host', 'db'));
    expect(other.advanceTo(41 * MIN).fired.map((f) => f.triggerId)).toEqual(['no-isolation']);

    const atDeadline = streamOf(overrides);
    const result = atDeadline.applyAction(response(40 * MIN, 'isolate-host', 'ws-01'));
    // Deadline checks at T run before an action taken at T.
    expect(result.fired.map((f) => f.triggerId)).toEqual(['no-isolation']);
    expect(atDeadline.actions()).toHaveLength(1);
  });
});

describe('TeamStream taken / not delivered and at+after', () => {
  const overrides = {
    timeline: [
      fixtureAlert('deface', { at: '42m', phase: 'impact', asset: 'portal' }),
      fixtureAlert('blocked', { at: '45m', after: { trigger: 'early-maintenance', delay: 0 } }),
      fixtureAlert('blocked-late', { at: '45m', after: { trigger: 'early-maintenance', delay: '20m' } }),
    ],
    triggers: [
      fixtureTrigger(
        'early-maintenance',
        { all: [{ taken: { action: 'maintenance-page', target: 'portal' } }, { not: { delivered: 'deface' } }] },
        { cancel: ['deface'] },
      ),
    ],
  };

  it('fires in the same tick as the action and schedules at max(at, fire + delay)', () => {
    const stream = streamOf(overrides);
    stream.advanceTo(30 * MIN);
    const result = stream.applyAction(response(30 * MIN, 'maintenance-page', 'portal'));
    expect(result.fired).toEqual([
      {
        triggerId: 'early-maintenance',
        virtualMs: 30 * MIN,
        cancelled: ['deface'],
        scheduled: [
          { eventId: 'blocked', dueMs: 45 * MIN },
          { eventId: 'blocked-late', dueMs: 50 * MIN },
        ],
      },
    ]);
    expect(stream.hasFired('early-maintenance')).toBe(true);
    const later = stream.advanceTo(60 * MIN);
    expect(later.events.map((e) => [e.eventId, e.virtualMs])).toEqual([
      ['blocked', 45 * MIN],
      ['blocked-late', 50 * MIN],
    ]);
  });

  it('does not fire once the event it races against was delivered', () => {
    const stream = streamOf(overrides);
    const result = stream.applyAction(response(44 * MIN, 'maintenance-page', 'portal'));
    expect(ids(result.events)).toEqual(['deface']);
    expect(result.fired).toEqual([]);
    expect(ids(stream.advanceTo(120 * MIN).events)).toEqual([]);
  });

  it('delivers zero-delay consequences in the same step as the action', () => {
    const stream = streamOf({
      timeline: [fixtureAlert('a1', { at: '1m' }), fixtureAlert('now', { after: { trigger: 'patched', delay: 0 } })],
      triggers: [fixtureTrigger('patched', { taken: { action: 'patch' } })],
    });
    const result = stream.applyAction(response(5 * MIN, 'patch', 'anything'));
    expect(ids(result.events)).toEqual(['a1', 'now']);
    expect(result.events[1].virtualMs).toBe(5 * MIN);
  });
});

describe('TeamStream cancelPhases', () => {
  const timeline = [
    fixtureAlert('spread-ws', { at: '50m', phase: 'spread', asset: 'ws-01' }),
    fixtureAlert('spread-db', { at: '50m', phase: 'spread', asset: 'db' }),
    fixtureAlert('spread-later', { phase: 'spread', asset: 'ws-01', after: { trigger: 'second-wave', delay: '1m' } }),
    fixtureAlert('impact-ws', { at: '55m', phase: 'impact', asset: 'ws-01' }),
  ];
  const secondWave = fixtureTrigger('second-wave', { time: '52m' });

  it('cancels only the listed assets, including events still waiting for their trigger', () => {
    const stream = streamOf({
      timeline,
      triggers: [
        fixtureTrigger('isolated', { taken: { action: 'isolate-host', target: 'ws-01' } }, { cancelPhases: ['spread'], cancelAssets: ['ws-01'] }),
        secondWave,
      ],
    });
    const result = stream.applyAction(response(20 * MIN, 'isolate-host', 'ws-01'));
    expect(result.fired[0].cancelled).toEqual(['spread-ws', 'spread-later']);
    const rest = stream.advanceTo(120 * MIN);
    expect(ids(rest.events)).toEqual(['spread-db', 'impact-ws']);
    expect(rest.fired.map((f) => [f.triggerId, f.virtualMs, f.scheduled])).toEqual([['second-wave', 52 * MIN, []]]);
  });

  it('cancels the whole phase without cancelAssets', () => {
    const stream = streamOf({
      timeline,
      triggers: [fixtureTrigger('isolated', { taken: { action: 'isolate-host' } }, { cancelPhases: ['spread'] }), secondWave],
    });
    stream.applyAction(response(20 * MIN, 'isolate-host', 'portal'));
    expect(ids(stream.advanceTo(120 * MIN).events)).toEqual(['impact-ws']);
  });

  it('does not cancel the events the trigger itself schedules', () => {
    const stream = streamOf({
      timeline: [fixtureAlert('a1', { at: '1m' }), fixtureAlert('aftermath', { phase: 'spread', after: { trigger: 'stop', delay: 0 } })],
      triggers: [fixtureTrigger('stop', { taken: { action: 'block-ip' } }, { cancelPhases: ['spread'] })],
    });
    expect(ids(stream.applyAction(response(MIN, 'block-ip', '203.0.113.9')).events)).toEqual(['a1', 'aftermath']);
  });
});

describe('TeamStream other conditions', () => {
  const overrides = {
    timeline: [
      fixtureAlert('recon-1', { at: '5m' }),
      fixtureAlert('exploit-1', { at: '20m' }),
      fixtureAlert('never', { after: { trigger: 'never-fires', delay: 0 } }),
    ],
    triggers: [
      fixtureTrigger('tp', { verdict: { alert: 'recon-1', is: 'true-positive' } }),
      fixtureTrigger('routed-alert', { routed: { to: 'csirt', alert: 'exploit-1' } }),
      fixtureTrigger('routed-any', { routed: { to: 'soc' } }),
      fixtureTrigger('reported-in-time', { reported: { kind: 'notification', by: { event: 'exploit-1', plus: '15m' } } }),
      fixtureTrigger('ten-after-exploit', { time: { event: 'exploit-1', plus: '10m' } }),
      fixtureTrigger('waits-for-never', { notTaken: { action: 'patch', by: { event: 'never', plus: '1m' } } }),
      fixtureTrigger('never-fires', { all: [{ delivered: 'recon-1' }, { delivered: 'never' }] }),
    ],
  };

  it('evaluates verdict, routed, reported and event-relative times', () => {
    const stream = streamOf(overrides);
    stream.advanceTo(6 * MIN);
    expect(stream.applyAction({ type: 'verdict', actionId: 'v1', virtualMs: 6 * MIN, alertId: 'recon-1', verdict: 'benign' }).fired).toEqual([]);
    expect(
      stream.applyAction({ type: 'verdict', actionId: 'v2', virtualMs: 7 * MIN, alertId: 'recon-1', verdict: 'true-positive' }).fired.map((f) => f.triggerId),
    ).toEqual(['tp']);
    expect(stream.verdicts().get('recon-1')).toBe('true-positive');
    expect(
      stream.applyAction({ type: 'route', actionId: 'r1', virtualMs: 8 * MIN, alertId: 'recon-1', to: ['csirt', 'soc'] }).fired.map((f) => f.triggerId),
    ).toEqual(['routed-any']);
    const step = stream.advanceTo(31 * MIN);
    expect(step.fired.map((f) => [f.triggerId, f.virtualMs])).toEqual([['ten-after-exploit', 30 * MIN]]);
    expect(
      stream.applyAction({ type: 'route', actionId: 'r2', virtualMs: 32 * MIN, alertId: 'exploit-1', to: ['csirt'] }).fired.map((f) => f.triggerId),
    ).toEqual(['routed-alert']);
    expect(
      stream.applyAction({ type: 'report', actionId: 'p1', virtualMs: 34 * MIN, kind: 'notification', recipients: ['csirt'] }).fired.map((f) => f.triggerId),
    ).toEqual(['reported-in-time']);
    expect(stream.advanceTo(120 * MIN).fired).toEqual([]);
    expect(stream.routings().map((r) => r.to)).toEqual(['csirt', 'soc', 'csirt']);
    expect(stream.reportsFiled()).toHaveLength(1);
  });

  it('treats a report after an event-relative deadline as late', () => {
    const stream = streamOf(overrides);
    stream.advanceTo(40 * MIN);
    expect(stream.applyAction({ type: 'report', actionId: 'p1', virtualMs: 36 * MIN + 1 + 4 * MIN, kind: 'notification', recipients: ['soc'] }).fired).toEqual(
      [],
    );
  });

  it('logs actions that no trigger reads', () => {
    const stream = streamOf(overrides);
    const result = stream.applyAction({ type: 'other', actionId: 'n1', virtualMs: 0, kind: 'note', data: { text: 'hi' } });
    expect(result.fired).toEqual([]);
    stream.applyAction({ type: 'severity', actionId: 's1', virtualMs: 0, alertId: 'recon-1', severity: 'high' });
    expect(stream.actions().map((a) => a.actionId)).toEqual(['n1', 's1']);
    expect(stream.severities().get('recon-1')).toBe('high');
  });

  it('fires a trigger at most once and evaluates `not` conditions from time 0', () => {
    const stream = streamOf({
      timeline: [fixtureAlert('a1', { at: '1m' }), fixtureAlert('a2', { at: '2m' })],
      triggers: [fixtureTrigger('quiet-start', { not: { delivered: 'a2' } }), fixtureTrigger('any-patch', { taken: { action: 'patch' } })],
    });
    expect(stream.advanceTo(0).fired.map((f) => [f.triggerId, f.virtualMs])).toEqual([['quiet-start', 0]]);
    expect(stream.applyAction(response(MIN, 'patch', 'portal')).fired).toHaveLength(1);
    expect(stream.applyAction(response(MIN, 'patch', 'db')).fired).toHaveLength(0);
    expect(stream.firedTriggers().map((f) => f.triggerId)).toEqual(['quiet-start', 'any-patch']);
  });

  it('delivers injects and lets `delivered` conditions see library ids', () => {
    const scenario = fixtureScenario({
      timeline: [fixtureAlert('a1', { at: '10m' }), fixtureAlert('follow-up', { after: { trigger: 'saw-inject', delay: '5m' } })],
      triggers: [fixtureTrigger('saw-inject', { delivered: 'press-call' })],
      injects: [{ ...fixtureAlert('press-call'), sensor: 'press' }],
    });
    const compiled = compileScenario(scenario, 1, { deliveryJitter: false });
    const stream = new TeamStream('team-a', compiled);
    const inject = compiled.injects.get('press-call');
    if (inject === undefined) throw new Error('fixture inject missing');
    const step = stream.deliverInject('inject-1', 'press-call', { ...inject.alert, id: 'inject-1' }, 12 * MIN);
    expect(step.events.map((e) => [e.seq, e.eventId, e.origin, e.injectId])).toEqual([
      [1, 'a1', 'timeline', undefined],
      [2, 'inject-1', 'inject', 'press-call'],
    ]);
    expect(step.fired[0].scheduled).toEqual([{ eventId: 'follow-up', dueMs: 17 * MIN }]);
  });
});

describe('an alert with both "at" and "after"', () => {
  // Documented in docs/scenario-authoring.md (Alerts: when they arrive): released by the trigger, never before `at`.
  const overrides = (at: string) => ({
    timeline: [fixtureAlert('anchor', { at: 0 }), fixtureAlert('retry', { at, after: { trigger: 't-five', delay: 0 } })],
    triggers: [fixtureTrigger('t-five', { time: '5m' })],
  });

  it('is held until "at" when the trigger fires earlier', () => {
    const stream = streamOf(overrides('30m'));
    expect(ids(stream.advanceTo(29 * MIN).events)).toEqual(['anchor']);
    expect(stream.advanceTo(60 * MIN).events.map((e) => [e.eventId, e.virtualMs])).toEqual([['retry', 30 * MIN]]);
  });

  it('comes when the trigger fires after "at"', () => {
    const stream = streamOf(overrides('2m'));
    expect(stream.advanceTo(60 * MIN).events.map((e) => [e.eventId, e.virtualMs])).toEqual([
      ['anchor', 0],
      ['retry', 5 * MIN],
    ]);
  });
});

describe('trigger semantics documented in docs/scenario-authoring.md', () => {
  it('leaves an alert that was already delivered alone when a trigger cancels it, and cancels only what is pending', () => {
    const stream = streamOf({
      timeline: [fixtureAlert('seen', { at: '1m' }), fixtureAlert('pending', { at: '30m' })],
      triggers: [fixtureTrigger('contained', { taken: { action: 'isolate-host', target: 'portal' } }, { cancel: ['seen', 'pending'] })],
    });
    expect(ids(stream.advanceTo(10 * MIN).events)).toEqual(['seen']);
    const result = stream.applyAction(response(10 * MIN, 'isolate-host', 'portal'));
    expect(result.fired.map((f) => [f.triggerId, f.cancelled])).toEqual([['contained', ['pending']]]);
    expect(result.events).toEqual([]);
    expect(stream.eventStatus('seen')).toBe('delivered');
    expect(stream.delivered().map((e) => [e.seq, e.eventId])).toEqual([[1, 'seen']]);
    expect(ids(stream.advanceTo(120 * MIN).events)).toEqual([]);
  });

  it('fires once per team even when its condition turns false and true again, releasing its alerts once', () => {
    const stream = streamOf({
      timeline: [fixtureAlert('recon', { at: '1m' }), fixtureAlert('escalation', { after: { trigger: 'confirmed', delay: '5m' } })],
      triggers: [fixtureTrigger('confirmed', { verdict: { alert: 'recon', is: 'true-positive' } })],
    });
    stream.advanceTo(2 * MIN);
    const verdict = (actionId: string, minute: number, value: 'true-positive' | 'benign'): EngineAction => ({
      type: 'verdict',
      actionId,
      virtualMs: minute * MIN,
      alertId: 'recon',
      verdict: value,
    });
    expect(stream.applyAction(verdict('v1', 2, 'true-positive')).fired.map((f) => f.scheduled)).toEqual([[{ eventId: 'escalation', dueMs: 7 * MIN }]]);
    expect(stream.applyAction(verdict('v2', 3, 'benign')).fired).toEqual([]);
    expect(stream.applyAction(verdict('v3', 4, 'true-positive')).fired).toEqual([]);
    expect(ids(stream.advanceTo(120 * MIN).events)).toEqual(['escalation']);
    expect(stream.firedTriggers().map((f) => f.triggerId)).toEqual(['confirmed']);
  });

  it('never delivers an alert whose trigger never fires', () => {
    const stream = streamOf({
      timeline: [fixtureAlert('a1', { at: '1m' }), fixtureAlert('spread', { at: '10m', after: { trigger: 'not-isolated', delay: 0 } })],
      triggers: [fixtureTrigger('not-isolated', { notTaken: { action: 'isolate-host', target: 'portal', by: '5m' } })],
    });
    stream.applyAction(response(4 * MIN, 'isolate-host', 'Portal'));
    stream.advanceTo(120 * MIN);
    expect(ids(stream.delivered())).toEqual(['a1']);
    expect(stream.eventStatus('spread')).toBe('waiting');
  });
});
