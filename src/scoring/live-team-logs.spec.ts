import type { RecordedAction } from '../contracts/triage.schema.js';
import type { TeamLog } from './team-log-scoring.js';
import { type DeliveredNotice, LiveTeamLogs } from './live-team-logs.js';

const event = (seq: number, origin: DeliveredNotice['origin'] = 'timeline'): DeliveredNotice => ({
  seq,
  eventId: `e-${seq}`,
  virtualMs: seq * 1000,
  deliveredVirtualMs: seq * 1000,
  origin,
});
const action = (seq: number): RecordedAction => ({
  actionId: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  exerciseId: 'x',
  teamId: 't1',
  userId: 'u',
  username: 'u',
  seq,
  virtualMs: seq,
  wallMs: seq,
  action: { type: 'alert.acknowledge', alertId: `e-${seq}` },
});
const logOf = (events: number, actions: number): TeamLog => ({
  delivered: Array.from({ length: events }, (_, i) => ({ eventId: `e-${i + 1}`, virtualMs: (i + 1) * 1000, origin: 'timeline' as const })),
  actions: Array.from({ length: actions }, (_, i) => action(i + 1)),
});

function loaded(events = 2, actions = 1): LiveTeamLogs {
  const logs = new LiveTeamLogs();
  logs.loading();
  logs.loaded(new Map([['t1', logOf(events, actions)]]));
  return logs;
}

describe('LiveTeamLogs', () => {
  it('is stale until read, and extends the read logs with what follows them', () => {
    const logs = new LiveTeamLogs();
    expect(logs.current()).toBeNull();
    logs.events('t1', [event(1)]);
    expect(logs.current()).toBeNull();
    const live = loaded();
    live.events('t1', [event(3), event(4)]);
    live.action('t1', action(2));
    const team = live.current()!.get('t1')!;
    expect(team.delivered.map((e) => e.eventId)).toEqual(['e-1', 'e-2', 'e-3', 'e-4']);
    expect(team.actions.map((a) => a.seq)).toEqual([1, 2]);
  });

  it('skips what the read already had', () => {
    const live = loaded(2, 2);
    live.events('t1', [event(2), event(3)]);
    live.action('t1', action(2));
    live.action('t1', action(3));
    const team = live.current()!.get('t1')!;
    expect(team.delivered).toHaveLength(3);
    expect(team.actions.map((a) => a.seq)).toEqual([1, 2, 3]);
  });

  it('goes stale on a gap, an inject or an unknown team instead of guessing', () => {
    const gapEvents = loaded();
    gapEvents.events('t1', [event(4)]);
    expect(gapEvents.current()).toBeNull();
    const gapActions = loaded();
    gapActions.action('t1', action(3));
    expect(gapActions.current()).toBeNull();
    const inject = loaded();
    inject.events('t1', [event(3, 'inject')]);
    expect(inject.current()).toBeNull();
    const stranger = loaded();
    stranger.action('t2', action(1));
    expect(stranger.current()).toBeNull();
  });

  it('holds notices during a read and applies them after it', () => {
    const logs = new LiveTeamLogs();
    logs.loading();
    logs.events('t1', [event(2), event(3)]);
    logs.action('t1', action(1));
    logs.action('t1', action(2));
    expect(logs.current()).toBeNull();
    logs.loaded(new Map([['t1', logOf(2, 1)]]));
    const team = logs.current()!.get('t1')!;
    expect(team.delivered.map((e) => e.eventId)).toEqual(['e-1', 'e-2', 'e-3']);
    expect(team.actions.map((a) => a.seq)).toEqual([1, 2]);
  });

  it('forgets everything when the read fails', () => {
    const logs = new LiveTeamLogs();
    logs.loading();
    logs.action('t1', action(1));
    logs.failed();
    expect(logs.current()).toBeNull();
    logs.action('t1', action(2));
    expect(logs.current()).toBeNull();
  });
});
