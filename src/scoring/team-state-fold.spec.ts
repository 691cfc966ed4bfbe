import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../scenarios/scenario-parser.js';
import { deriveTeamState, triageScenarioView } from '../triage/team-state.reducer.js';
import { closeIncident, idealReport, idealTriage, MIN, play, scoringScenario, deliveredAll } from './scoring-fixtures.js';
import { simulate } from './solver.js';
import { foldTeamState } from './team-state-fold.js';

describe('foldTeamState (linear-time fold for scoring)', () => {
  const ids = { exerciseId: '00000000-0000-4000-8000-000000000001', teamId: 'solver-team' };

  it.each(['perfect', 'naive'] as const)('equals deriveTeamState on the flagship %s run', (solver) => {
    const parsed = parseScenario(readFileSync(join(__dirname, '..', '..', 'scenarios', 'portal-defacement.yaml')));
    if (!parsed.ok) throw new Error('flagship does not parse');
    const run = simulate({ scenario: parsed.scenario, solver, seed: 3 });
    const ctx = { delivered: () => true, scenario: triageScenarioView(parsed.scenario), teamMemberIds: new Set(['solver-analyst', 'solver-responder']) };
    expect(foldTeamState(run.actions, ctx, ids)).toEqual(deriveTeamState(run.actions, ctx, ids));
    expect(foldTeamState(run.actions, ctx, ids)).toEqual({ ...run.state, detectedAtMs: run.state.detectedAtMs ?? null });
  });

  it('equals deriveTeamState on random logs (accepted and refused entries mixed)', () => {
    const scenario = scoringScenario();
    const ctx = { delivered: (id: string) => id !== 'a-never', scenario: triageScenarioView(scenario), teamMemberIds: new Set(['u1', 'u2']) };
    const alertIds = ['a1', 'n-fp', 'n-benign', 'a1-again', 'a-never'];
    for (let seed = 1; seed <= 20; seed++) {
      let x = seed;
      const rand = (n: number) => {
        x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
        return x % n;
      };
      const pick = <T,>(list: readonly T[]): T => list[rand(list.length)]!;
      const log = Array.from({ length: 200 }, (_, i) => {
        const alertId = pick(alertIds);
        const drafts = [
          { type: 'alert.acknowledge', alertId },
          { type: 'alert.release', alertId },
          { type: 'alert.request-takeover', alertId },
          { type: 'alert.verdict', alertId, verdict: pick(['true-positive', 'false-positive', 'benign']), reason: 'why not' },
          { type: 'alert.verdict', alertId, verdict: 'duplicate', duplicateOf: pick(alertIds) },
          { type: 'alert.severity', alertId, severity: pick(['low', 'high']) },
          { type: 'alert.note', alertId, text: 'note' },
          { type: 'route', target: { alertId }, to: [pick(['csirt', 'soc', 'nobody'])], escalate: false },
          { type: 'route', target: { incidentId: pick(['INC-1', 'INC-2']) }, to: ['csirt'], escalate: true },
          { type: 'incident.create', title: 'x', alertIds: [alertId] },
          { type: 'incident.link', incidentId: pick(['INC-1', 'INC-2']), alertIds: [alertId] },
          { type: 'incident.unlink', incidentId: pick(['INC-1', 'INC-2']), alertIds: [alertId] },
          { type: 'incident.merge', incidentId: 'INC-1', sourceIncidentIds: ['INC-2'] },
          { type: 'response', action: 'isolate-host', target: 'portal' },
        ];
        return { action: { ...pick(drafts), actionId: `act-${i}`, exerciseId: ids.exerciseId }, userId: pick(['u1', 'u2']), virtualMs: i * 1000, seq: i + 1 };
      }) as unknown as Parameters<typeof foldTeamState>[0];
      const team = { exerciseId: ids.exerciseId, teamId: 'team-a' };
      expect(foldTeamState(log, ctx, team)).toEqual(deriveTeamState(log, ctx, team));
    }
  });

  it('equals deriveTeamState with ownership conflicts, merges, unlinks and refused entries', () => {
    const scenario = scoringScenario();
    const delivered = deliveredAll(scenario);
    const { actions } = play(scenario, delivered, [...idealTriage(), idealReport(5 * MIN), ...closeIncident(9 * MIN)]);
    const extra = [
      { action: { type: 'alert.acknowledge', alertId: 'n-fp', actionId: 'x1', exerciseId: ids.exerciseId }, userId: 'u2', virtualMs: 10 * MIN, seq: actions.length + 1 },
      // Refused by the reducer (owned by u2): skipped, as deriveTeamState does.
      { action: { type: 'alert.verdict', alertId: 'n-fp', verdict: 'true-positive', actionId: 'x2', exerciseId: ids.exerciseId }, userId: 'u1', virtualMs: 10 * MIN, seq: actions.length + 2 },
      { action: { type: 'incident.create', title: 'Second', alertIds: ['n-benign'], actionId: 'x3', exerciseId: ids.exerciseId }, userId: 'u1', virtualMs: 11 * MIN, seq: actions.length + 3 },
      { action: { type: 'incident.merge', incidentId: 'INC-1', sourceIncidentIds: ['INC-2'], actionId: 'x4', exerciseId: ids.exerciseId }, userId: 'u1', virtualMs: 12 * MIN, seq: actions.length + 4 },
      { action: { type: 'alert.severity', alertId: 'n-benign', severity: 'low', actionId: 'x5', exerciseId: ids.exerciseId }, userId: 'u1', virtualMs: 13 * MIN, seq: actions.length + 5 },
      // Notes: refused on an alert a teammate owns, kept in order on the owner's.
      { action: { type: 'alert.note', alertId: 'n-fp', text: 'not mine', actionId: 'x6', exerciseId: ids.exerciseId }, userId: 'u1', virtualMs: 14 * MIN, seq: actions.length + 6 },
      { action: { type: 'alert.note', alertId: 'n-fp', text: 'first', actionId: 'x7', exerciseId: ids.exerciseId }, userId: 'u2', virtualMs: 14 * MIN, seq: actions.length + 7 },
      { action: { type: 'alert.note', alertId: 'n-fp', text: 'second', actionId: 'x8', exerciseId: ids.exerciseId }, userId: 'u2', virtualMs: 15 * MIN, seq: actions.length + 8 },
    ] as unknown as typeof actions;
    const log = [...actions, ...extra];
    const ctx = { delivered: () => true, scenario: triageScenarioView(scenario), teamMemberIds: new Set(['u1', 'u2']) };
    const team = { exerciseId: ids.exerciseId, teamId: 'team-a' };
    const folded = foldTeamState(log, ctx, team);
    expect(folded).toEqual(deriveTeamState(log, ctx, team));
    expect(folded.alerts['n-fp']!.notes.slice(-2)).toEqual([
      { userId: 'u2', text: 'first', virtualMs: 14 * MIN },
      { userId: 'u2', text: 'second', virtualMs: 15 * MIN },
    ]);
    expect(folded.alerts['n-fp']!.notes.some((n) => n.text === 'not mine')).toBe(false);
  });
});
