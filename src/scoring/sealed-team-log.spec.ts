import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TriageActionSchema, type RecordedAction, type TriageActionInput } from '../contracts/triage.schema.js';
import { parseScenario } from '../scenarios/scenario-parser.js';
import type { TeamLog } from './exercise-log-reader.js';
import { decodeTeamLog, encodeTeamLog, SealedLogFormatError } from './sealed-team-log.js';
import { simulate } from './solver.js';

const ids = { exerciseId: '00000000-0000-4000-8000-000000000001', teamId: '00000000-0000-4000-a000-000000000001' };
const uuid = (n: number) => `00000000-0000-4000-9000-${n.toString(16).padStart(12, '0')}`;

type Draft = TriageActionInput extends infer A ? (A extends unknown ? Omit<A, 'actionId' | 'exerciseId'> : never) : never;

/** Records as the triage service writes them: the action as the schema outputs it, then the recorder's fields. */
function record(seq: number, input: Draft, extra: Partial<RecordedAction> = {}): RecordedAction {
  const actionId = uuid(1000 + seq);
  const action = TriageActionSchema.parse({ actionId, exerciseId: ids.exerciseId, ...input });
  return {
    actionId,
    exerciseId: ids.exerciseId,
    teamId: ids.teamId,
    userId: uuid(seq % 3),
    username: `user-${seq % 3}`,
    seq,
    virtualMs: seq * 1_000,
    wallMs: 1_763_900_000_000 + seq * 1_003,
    action: action as unknown as Record<string, unknown>,
    ...extra,
  };
}

const roundTrip = (log: TeamLog) => decodeTeamLog(encodeTeamLog(log, ids), ids);

describe('sealed team logs (compact encoding of a finished team log)', () => {
  it('gives back every action type byte for byte, columnar or not', () => {
    const actions: RecordedAction[] = [
      record(1, { type: 'alert.acknowledge', alertId: 'a-1' }),
      record(2, { type: 'alert.verdict', alertId: 'a-1', verdict: 'true-positive' }),
      record(3, { type: 'alert.verdict', alertId: 'a-2', verdict: 'benign', reason: 'backup job' }),
      record(4, { type: 'alert.verdict', alertId: 'a-3', verdict: 'duplicate', duplicateOf: 'a-1' }),
      record(5, { type: 'alert.severity', alertId: 'a-1', severity: 'critical' }),
      record(6, { type: 'route', target: { alertId: 'a-1' }, to: ['soc', 'csirt'], escalate: true, message: 'xin hỗ trợ' }),
      record(7, { type: 'route', target: { alertId: 'a-1' }, to: ['ncsc'] }),
      record(8, { type: 'route', target: { incidentId: 'INC-1' }, to: ['ncsc'] }),
      record(9, { type: 'alert.note', alertId: 'a-1', text: 'web shell in /uploads' }),
      record(10, { type: 'incident.create', title: 'Portal', alertIds: ['a-1'] }, { result: { incidentId: 'INC-1' } }),
      record(11, { type: 'report.file', kind: 'initial', recipients: ['ncsc'], incidentId: 'INC-1', content: { whatHappened: 'defaced', affectedSystems: ['portal'], iocs: [{ type: 'ip', value: '203.0.113.9' }] } }, { result: { reportId: 'R-1' } }),
      record(12, { type: 'hint.request', for: { phase: 'spread' } }),
      // Not what the columns expect: a party id with a line break, an action id that is not a UUID.
      record(13, { type: 'route', target: { alertId: 'a-1' }, to: ['odd\nparty'] }),
      { ...record(14, { type: 'alert.acknowledge', alertId: 'a-4' }), actionId: 'legacy-id' },
      { ...record(15, { type: 'alert.acknowledge', alertId: 'a-5' }), username: 'renamed' },
    ];
    const delivered = [
      { eventId: 'a-1', virtualMs: 0, origin: 'timeline' as const },
      { eventId: 'n-1', virtualMs: 500, origin: 'noise' as const },
      { eventId: 'inject-1', virtualMs: 900, origin: 'inject' as const, injectId: 'lib-ransom' },
      { eventId: 'inject-2', virtualMs: 950, origin: 'inject' as const },
      // Caught up by a seek: received later than it was due (its triage window starts then).
      { eventId: 'n-2', virtualMs: 1_000, origin: 'noise' as const, deliveredAtMs: 61_000 },
    ];
    const back = roundTrip({ delivered, actions });
    expect(back.actions.map((a) => JSON.stringify(a))).toEqual(actions.map((a) => JSON.stringify(a)));
    expect(back.delivered).toEqual(delivered);
  });

  it('encodes the common types as columns: far smaller than the rows it replaces', () => {
    const actions = Array.from({ length: 400 }, (_, i) =>
      record(i + 1, i % 4 === 0 ? { type: 'alert.acknowledge', alertId: `a-${i}` } : i % 4 === 1 ? { type: 'alert.verdict', alertId: `a-${i}`, verdict: 'false-positive', reason: 'scanner' } : i % 4 === 2 ? { type: 'alert.severity', alertId: `a-${i}`, severity: 'high' } : { type: 'route', target: { alertId: `a-${i}` }, to: ['soc'] }),
    );
    const rows = actions.reduce((n, a) => n + JSON.stringify(a).length, 0);
    const sealed = encodeTeamLog({ delivered: [], actions }, ids);
    expect(sealed.length).toBeLessThan(rows / 4);
    expect(roundTrip({ delivered: [], actions }).actions).toEqual(actions);
  });

  it('keeps records of another team or exercise as they are', () => {
    const foreign = { ...record(1, { type: 'alert.acknowledge', alertId: 'a-1' }), teamId: 'other-team' };
    expect(roundTrip({ delivered: [], actions: [foreign] }).actions).toEqual([foreign]);
  });

  it.each(['perfect', 'naive'] as const)('round-trips the flagship drill played by the %s solver', (solver) => {
    const parsed = parseScenario(readFileSync(join(__dirname, '..', '..', 'scenarios', 'portal-defacement.yaml')));
    if (!parsed.ok) throw new Error('flagship does not parse');
    const run = simulate({ scenario: parsed.scenario, solver, seed: 3 });
    const actions: RecordedAction[] = run.actions.map((a) => ({
      actionId: a.actionId,
      exerciseId: ids.exerciseId,
      teamId: ids.teamId,
      userId: a.userId,
      username: a.userId,
      seq: a.seq,
      virtualMs: a.virtualMs,
      wallMs: 1_763_900_000_000 + a.virtualMs,
      action: TriageActionSchema.parse({ ...a.action, exerciseId: ids.exerciseId }) as unknown as Record<string, unknown>,
    }));
    expect(roundTrip({ delivered: [], actions }).actions.map((a) => JSON.stringify(a))).toEqual(actions.map((a) => JSON.stringify(a)));
  });

  it('refuses a document of another format with its own error', () => {
    expect(() => decodeTeamLog(JSON.stringify({ format: 99, type: [], ids: '' }), ids)).toThrow(SealedLogFormatError);
    expect(() => decodeTeamLog('null', ids)).toThrow(SealedLogFormatError);
  });
});
