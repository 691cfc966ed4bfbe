import type { TeamScore } from '../../contracts/scoring.schema.js';
import { text } from '../../engine/engine-fixtures.js';
import { deliveredAll, idealReport, idealTriage, MIN, play, scoringScenario, type Step } from '../scoring-fixtures.js';
import { computeScore } from './compute-score.js';
import { recipientsFraction } from './coordination-score.js';
import { delivered, ideal, item, replaceStep, scenario as baseScenario, score } from './scorer-spec-support.js';

describe('coordination & reporting', () => {
  // 250 = routing 100 + reporting 112.5 + legal class 37.5.
  const routing = (r: TeamScore) => r.components.coordination.parts.find((p) => p.id === 'routing')!;

  it('routing is judged by precision and recall, so routing everything to everyone does not pay', () => {
    const noRoutes = idealTriage().filter((s) => s.action.type !== 'route');
    const everyone = ['a1', 'n-fp', 'n-benign', 'a1-again'].map((alertId): Step => ({
      atMs: 5 * MIN,
      action: { type: 'route', target: { alertId }, to: ['soc', 'csirt'], escalate: true },
    }));
    const spammy = score(ideal({ triage: [...noRoutes, ...everyone] }));
    expect(routing(spammy).ratio).toBe(0.4); // precision 2/8, recall 1
    expect(item(spammy, 'routing:summary').points).toBe(40);
    const oneExtra = score(
      ideal({ triage: [...idealTriage(), { atMs: 5 * MIN, action: { type: 'route', target: { alertId: 'n-fp' }, to: ['soc'], escalate: false } }] }),
    );
    expect(routing(oneExtra).ratio).toBe(0.8); // precision 2/3, recall 1
    const none = score(ideal({ triage: noRoutes }));
    expect(routing(none).ratio).toBe(0);
  });

  it('an incident routed to the right party covers its alerts', () => {
    const noRoutes = idealTriage().filter((s) => s.action.type !== 'route');
    const result = score(
      ideal({ triage: [...noRoutes, { atMs: 5 * MIN, action: { type: 'route', target: { incidentId: 'INC-1' }, to: ['csirt'], escalate: false } }] }),
    );
    expect(routing(result).ratio).toBe(1);
    expect(result.components.coordination.score).toBe(250);
  });

  it('a late report keeps half of its recipients and content shares', () => {
    const result = score(ideal({ report: [idealReport(41 * MIN)] }));
    expect(item(result, 'report:rep-1')).toMatchObject({ status: 'late', code: 'REPORT_LATE', points: 33.75 });
    expect(item(result, 'report:rep-1').note).toContain('late by 10m');
    expect(result.metrics.reportsOnTime).toBe(0);
  });

  it('missing required content and a missing required recipient cost their share', () => {
    const content = score(ideal({ report: [idealReport(2 * MIN, { content: { whatHappened: 'Web shell', affectedSystems: [], iocs: [] } })] }));
    expect(item(content, 'report:rep-1')).toMatchObject({ status: 'partial', code: 'REPORT_INCOMPLETE', points: 95.63 });
    expect(item(content, 'report:rep-1').note).toContain('missing content [affected-systems]');
    const missing = score(ideal({ report: [idealReport(2 * MIN, { recipients: ['soc'] })] }));
    expect(item(missing, 'report:rep-1')).toMatchObject({ status: 'partial', code: 'REPORT_INCOMPLETE', points: 78.75 }); // 0.4 + 0 + 0.3
    expect(item(missing, 'report:rep-1').note).toContain('missing recipients [csirt]');
  });

  it('an extra recipient the law does not forbid costs nothing (informing Lớp 2 or Lớp 4 is allowed)', () => {
    const extra = score(ideal({ report: [idealReport(2 * MIN, { recipients: ['csirt', 'soc'] })] }));
    expect(item(extra, 'report:rep-1')).toMatchObject({ status: 'earned', code: 'REPORT_ON_TIME', points: 112.5 });
    expect(item(extra, 'report:rep-1').note).not.toContain('unneeded');
  });

  it("a recipient the scenario marks inappropriate costs a required recipient's share", () => {
    const base = scoringScenario();
    const withPress = scoringScenario({
      parties: [...base.parties, { id: 'press', kind: 'other', name: text('Báo chí') }],
      reporting: base.reporting.map((o) => ({ ...o, inappropriateRecipients: ['press'] })),
    });
    const toPress = (recipients: string[]) => {
      const { state, actions } = play(withPress, delivered, ideal({ report: [idealReport(2 * MIN, { recipients })] }));
      return computeScore({ scenario: withPress, delivered, state, actions, teamId: 'team-a' });
    };
    const leaked = item(toPress(['csirt', 'press']), 'report:rep-1');
    expect(leaked).toMatchObject({ status: 'partial', code: 'REPORT_INCOMPLETE', points: 78.75 }); // 0.4 + 0.3 × (1 − 1) / 1 + 0.3
    expect(leaked.note).toContain('sent to inappropriate recipients [press]');
    expect(item(toPress(['csirt', 'soc']), 'report:rep-1').points).toBe(112.5);
  });

  it('the recipients share: required reached, minus inappropriate, never below 0', () => {
    expect(recipientsFraction(['owner', 'unit', 'vncert'], [], ['owner', 'unit', 'vncert', 'natmon'])).toBe(1);
    expect(recipientsFraction(['owner', 'unit', 'vncert'], [], ['owner', 'natmon'])).toBeCloseTo(1 / 3);
    expect(recipientsFraction(['owner', 'unit', 'vncert'], ['press'], ['owner', 'unit', 'vncert', 'press'])).toBeCloseTo(2 / 3);
    expect(recipientsFraction(['owner'], ['press'], ['press'])).toBe(0);
    expect(recipientsFraction(['owner', 'unit'], ['press'], ['owner', 'press', 'press'])).toBe(0);
  });

  it('a report never filed scores 0', () => {
    expect(item(score(ideal({ report: [] })), 'report:rep-1')).toMatchObject({ status: 'missed', code: 'REPORT_MISSING', points: 0 });
  });

  it('a wrong legal class loses the legal-class share', () => {
    const triage = replaceStep(idealTriage(), 3, {
      atMs: MIN,
      action: { type: 'incident.create', title: 'Portal', alertIds: ['a1'], severity: 'high', legalClass: 'serious' },
    });
    const result = score(ideal({ triage }));
    expect(item(result, 'legal-class:inc-1')).toMatchObject({ code: 'LEGAL_CLASS_WRONG', points: 0, maxPoints: 37.5 });
    expect(result.components.coordination.score).toBe(212.5);
  });

  it('a report whose clock starts at an alert the team never got does not apply to it (docs/scenario-authoring.md, deadlines)', () => {
    const spreadReport = { ...baseScenario.reporting[0]!, id: 'rep-spread', kind: 'situation-update' as const, from: { event: 'a-never' }, deadline: 600 };
    const scenario = scoringScenario({ reporting: [baseScenario.reporting[0]!, spreadReport] });
    const delivered = deliveredAll(scenario);
    const { state, actions } = play(scenario, delivered, ideal());
    const result = computeScore({ scenario, delivered, state, actions, teamId: 'team-a' });
    expect(item(result, 'report:rep-spread')).toMatchObject({ status: 'not-applicable', code: 'REPORT_NEVER_DUE', maxPoints: 0 });
    expect(item(result, 'report:rep-1').status).toBe('earned');
  });
});
