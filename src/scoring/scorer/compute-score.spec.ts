import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TeamScoreSchema, type TeamScore } from '../../contracts/scoring.schema.js';
import { parseScenario } from '../../scenarios/scenario-parser.js';
import { MIN, play, scoringScenario, type Step } from '../scoring-fixtures.js';
import { simulate } from '../solver.js';
import { totalsView } from '../team-log-scoring.js';
import { computeScore, redistribute } from './compute-score.js';
import { delivered, ideal, isolateAt, item, scenario, score } from './scorer-spec-support.js';

describe('computeScore', () => {
  it('gives the ideal run exactly 1000, 250 per component, and validates against the contract', () => {
    const result = score(ideal());
    expect(result.total).toBe(1000);
    expect(result.index).toBe(1);
    for (const c of Object.values(result.components)) expect(c.score).toBe(250);
    expect(() => TeamScoreSchema.parse(result)).not.toThrow();
  });

  it('is deterministic: same inputs give byte-identical JSON, whatever the order of the action list', () => {
    const { state, actions } = play(scenario, delivered, ideal());
    const a = JSON.stringify(computeScore({ scenario, delivered, state, actions }));
    const b = JSON.stringify(computeScore({ scenario, delivered, state, actions: [...actions].reverse() }));
    expect(a).toBe(b);
  });

  it('the totals detail level gives the same numbers without line items', () => {
    const { state, actions } = play(scenario, delivered, ideal({ response: [isolateAt(6 * MIN)] }));
    const full = computeScore({ scenario, delivered, state, actions });
    const totals = computeScore({ scenario, delivered, state, actions, detail: 'totals' });
    expect(totals.total).toBe(full.total);
    expect(totals.breakdowns).toEqual(full.breakdowns);
    expect(totals.lastScoringActionMs).toBe(full.lastScoringActionMs);
    expect(Object.values(totals.components).every((c) => c.items.length === 0)).toBe(true);
  });

  it.each(['perfect', 'naive', 'idle'] as const)(
    'the totals detail level equals the full one but for items and member points on the flagship %s run',
    (solver) => {
      const parsed = parseScenario(readFileSync(join(__dirname, '..', '..', '..', 'scenarios', 'portal-defacement.yaml')));
      if (!parsed.ok) throw new Error('flagship does not parse');
      const run = simulate({ scenario: parsed.scenario, solver, seed: 7 });
      const input = { scenario: parsed.scenario, delivered: run.delivered, state: run.state, actions: run.actions, teamId: 'team-a', endMs: run.endMs };
      const full = computeScore(input);
      const withoutItems = (score: TeamScore) => ({
        ...score,
        components: Object.fromEntries(Object.entries(score.components).map(([id, c]) => [id, { ...c, items: [] }])),
        members: score.members.map((m) => ({ ...m, pointsGained: 0, pointsLost: 0 })),
      });
      expect(withoutItems(computeScore({ ...input, detail: 'totals' }))).toEqual(withoutItems(full));
      // What a worker sends back beside a stored score's text is the totals detail, byte for byte.
      expect(JSON.stringify(totalsView(full))).toBe(JSON.stringify(computeScore({ ...input, detail: 'totals' })));
    },
  );

  describe('applicability and rescaling', () => {
    it('redistributes the weight of a not-applicable component by largest remainder', () => {
      const weights = { detection: 350, response: 300, coordination: 200, incident: 150 };
      expect(redistribute(weights, new Set(['detection', 'coordination', 'incident']), 1000)).toEqual({
        detection: 500,
        response: 0,
        coordination: 286,
        incident: 214,
      });
      expect(redistribute(weights, new Set(['detection', 'response', 'coordination', 'incident']), 1000)).toEqual(weights);
    });

    it('a scenario without expected responses shares the response weight among the others', () => {
      const noResponses = scoringScenario({ responses: [], harmful: [] });
      const { state, actions } = play(noResponses, delivered, ideal({ response: [] }));
      const result = computeScore({ scenario: noResponses, delivered, state, actions });
      expect(result.components.response).toMatchObject({ applicable: false, effectiveWeight: 0, score: 0 });
      expect(result.components.detection.effectiveWeight).toBe(334);
      expect(result.total).toBe(1000);
    });

    it('scores an ad-hoc inject without a key as not applicable, saying so', () => {
      const withInject = [...delivered, { eventId: 'inject-1', virtualMs: 5 * MIN, origin: 'inject' as const }];
      const { state, actions } = play(scenario, withInject, ideal());
      const result = computeScore({ scenario, delivered: withInject, state, actions });
      expect(item(result, 'alert:inject-1')).toMatchObject({ status: 'not-applicable', code: 'ALERT_NO_KEY' });
      expect(result.total).toBe(1000);
    });
  });

  describe('metrics and members', () => {
    it('measures acknowledgement and containment times and traces points to members', () => {
      const acks: Step[] = [
        { atMs: 3 * MIN, action: { type: 'alert.acknowledge', alertId: 'a1' } },
        { atMs: 3 * MIN, action: { type: 'alert.acknowledge', alertId: 'n-fp' } },
      ];
      const result = score([...acks, ...ideal({ response: [isolateAt(5 * MIN)] })]);
      expect(result.metrics.meanTimeToAcknowledgeMs).toBe(1.5 * MIN); // (2m + 1m) / 2
      expect(result.metrics.meanTimeToContainMs).toBe(4 * MIN);
      const u2 = result.members.find((m) => m.userId === 'u2')!;
      expect(u2.actionsByType).toEqual({ 'report.file': 1, response: 1 });
      expect(u2.pointsGained).toBeCloseTo(item(result, 'response:r-isolate').points + item(result, 'report:rep-1').points, 2);
      expect(result.total).toBeLessThan(1000);
    });
  });
});
