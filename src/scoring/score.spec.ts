import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../scenarios/scenario-parser.js';
import { simulate } from './solver.js';
import { TeamScoreSchema, type LineItem, type TeamScore } from '../contracts/scoring.schema.js';
import { computeScore, redistribute } from './score.js';
import { totalsView } from './team-log-scoring.js';
import { closeIncident, deliveredAll, idealReport, idealTriage, MIN, play, scoringScenario, type Step } from './scoring-fixtures.js';

const scenario = scoringScenario();
const delivered = deliveredAll(scenario);
const isolateAt = (atMs: number, target = 'portal'): Step => ({ atMs, user: 'u2', action: { type: 'response', action: 'isolate-host', target, incidentId: 'INC-1' } });

function score(steps: readonly Step[], extra: Partial<Parameters<typeof computeScore>[0]> = {}): TeamScore {
  const { state, actions } = play(scenario, delivered, steps);
  return computeScore({ scenario, delivered, state, actions, teamId: 'team-a', ...extra });
}

/** The ideal run with some steps replaced. */
function ideal(options: { triage?: Step[]; response?: Step[]; report?: Step[]; close?: Step[] } = {}): Step[] {
  return [...(options.triage ?? idealTriage()), ...(options.response ?? [isolateAt(1 * MIN)]), ...(options.report ?? [idealReport(1 * MIN)]), ...(options.close ?? closeIncident(90 * MIN))];
}

function item(result: TeamScore, id: string): LineItem {
  const found = Object.values(result.components)
    .flatMap((c) => c.items)
    .find((i) => i.id === id);
  if (found === undefined) throw new Error(`no item ${id}`);
  return found;
}

const replaceStep = (steps: Step[], index: number, step: Step | null): Step[] => steps.flatMap((s, i) => (i === index ? (step === null ? [] : [step]) : [s]));

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

  it.each(['perfect', 'naive', 'idle'] as const)('the totals detail level equals the full one but for items and member points on the flagship %s run', (solver) => {
    const parsed = parseScenario(readFileSync(join(__dirname, '..', '..', 'scenarios', 'portal-defacement.yaml')));
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
  });

  describe('detection & triage', () => {
    // True positives a1, a1-again (high, 3 each) = 6 raw = 162.5 points; noise n-fp, n-benign (1 each) = 2 raw = 87.5.
    it('a missed true positive earns nothing and costs half its weight more', () => {
      const triage = idealTriage().filter((s) => !('alertId' in s.action && s.action.alertId === 'a1' && (s.action.type === 'alert.verdict' || s.action.type === 'alert.severity')));
      const result = score(ideal({ triage }));
      // (0 - 1.5 + 3) / 6 * 162.5 + 87.5
      expect(result.components.detection.score).toBe(128.13);
      expect(item(result, 'alert-verdict:a1')).toMatchObject({ status: 'missed', code: 'TP_MISSED_UNTRIAGED', points: 0, maxPoints: 48.75 });
      expect(item(result, 'alert-missed:a1')).toMatchObject({ status: 'penalty', points: -40.62 });
      expect(result.metrics.detectionRate).toBe(0.5);
      const layer2 = result.breakdowns.layers.find((r) => r.key === '2');
      expect(layer2).toMatchObject({ alerts: 2, truePositives: 2, detected: 1, missed: 1 });
    });

    it('a true positive closed as a false positive is missed too', () => {
      const triage = replaceStep(idealTriage(), 0, { atMs: MIN, action: { type: 'alert.verdict', alertId: 'a1', verdict: 'false-positive', reason: 'scanner' } });
      const result = score(ideal({ triage }));
      expect(item(result, 'alert-verdict:a1').code).toBe('TP_MISSED_CLOSED');
      expect(item(result, 'alert-severity:a1')).toMatchObject({ points: 0, code: 'SEVERITY_NOT_JUDGED' });
    });

    it('credits noise closed with a reason; the other non-TP verdict earns 75 %', () => {
      const triage = replaceStep(idealTriage(), 4, { atMs: 2 * MIN, action: { type: 'alert.verdict', alertId: 'n-fp', verdict: 'benign', reason: 'scanner we know' } });
      const result = score(ideal({ triage }));
      expect(item(result, 'alert-verdict:n-benign')).toMatchObject({ status: 'earned', points: 43.75 });
      expect(item(result, 'alert-verdict:n-fp')).toMatchObject({ status: 'partial', points: 32.81 });
      expect(result.components.detection.score).toBe(239.06);
    });

    it('a false alarm earns nothing and costs a quarter of its weight; the false-positive rate counts it', () => {
      const triage = replaceStep(idealTriage(), 4, { atMs: 2 * MIN, action: { type: 'alert.verdict', alertId: 'n-fp', verdict: 'true-positive' } });
      const result = score(ideal({ triage }));
      expect(item(result, 'alert-false-alarm:n-fp').points).toBe(-10.94);
      expect(result.components.detection.score).toBe(195.31);
      expect(result.metrics.falsePositiveRate).toBe(0.5);
    });

    it('severity one step off earns half the severity part', () => {
      const triage = replaceStep(idealTriage(), 1, { atMs: MIN, action: { type: 'alert.severity', alertId: 'a1', severity: 'medium' } });
      const result = score(ideal({ triage }));
      expect(item(result, 'alert-severity:a1')).toMatchObject({ status: 'partial', code: 'SEVERITY_ONE_OFF', points: 16.25, maxPoints: 32.5 });
      expect(result.components.detection.score).toBe(233.75);
    });

    it('accepts a repeat closed as a duplicate of its original or with the original\'s verdict', () => {
      const asTp = replaceStep(idealTriage(), 6, { atMs: 4 * MIN, action: { type: 'alert.verdict', alertId: 'a1-again', verdict: 'true-positive' } });
      const withSeverity = [...asTp, { atMs: 4 * MIN, action: { type: 'alert.severity', alertId: 'a1-again', severity: 'high' } } as Step];
      expect(score(ideal({ triage: withSeverity })).components.detection.score).toBe(250);
      expect(item(score(ideal()), 'alert-verdict:a1-again').code).toBe('DUPLICATE_ACCEPTED');
      const ofNoise = replaceStep(idealTriage(), 6, { atMs: 4 * MIN, action: { type: 'alert.verdict', alertId: 'a1-again', verdict: 'duplicate', duplicateOf: 'n-fp' } });
      expect(item(score(ideal({ triage: ofNoise })), 'alert-verdict:a1-again').code).toBe('TP_MISSED_AS_DUPLICATE');
    });

    it('charges an alert hint to detection and a phase hint to response, as declared', () => {
      const result = score([...ideal(), { atMs: 2 * MIN, action: { type: 'hint.request', for: { alertId: 'a1' } } }, { atMs: 3 * MIN, action: { type: 'hint.request', for: { phase: 'spread' } } }]);
      expect(result.components.detection.score).toBe(240);
      expect(result.components.response.score).toBe(230);
      expect(item(result, 'hint:hint-a1')).toMatchObject({ status: 'penalty', points: -10 });
      expect(result.metrics.hintsUsed).toBe(2);
    });
  });

  describe('response', () => {
    // r-isolate: window from a1 (1m) to a1 + 10m, 100 points = the whole 250 (r-spread never opens).
    it.each([
      [1 * MIN, 250, 'earned'],
      [6 * MIN, 187.5, 'partial'],
      [11 * MIN, 125, 'partial'],
      [12 * MIN, 0, 'late'],
    ])('speed: taken at %i ms scores %d (base 50 %% + 50 %% × (deadline − t)/(deadline − start))', (atMs, expected, status) => {
      const result = score(ideal({ response: [isolateAt(atMs)] }));
      expect(result.components.response.score).toBe(expected);
      expect(item(result, 'response:r-isolate').status).toBe(status);
    });

    it('annotates a late action with its delay and the window', () => {
      const note = item(score(ideal({ response: [isolateAt(15 * MIN)] })), 'response:r-isolate').note;
      expect(note).toBe('isolate-host portal taken at T+15m, 14m after delivery of a1; window was 10m from delivery of a1: too late.');
    });

    it('a required response whose window opened and was missed scores 0; one whose window never opened is not applicable', () => {
      const result = score(ideal({ response: [] }));
      expect(result.components.response.score).toBe(0);
      expect(item(result, 'response:r-isolate')).toMatchObject({ status: 'missed', code: 'RESPONSE_MISSED', points: 0, maxPoints: 250 });
      expect(item(result, 'response:r-spread')).toMatchObject({ status: 'not-applicable', code: 'RESPONSE_WINDOW_NEVER_OPENED', maxPoints: 0 });
    });

    it('harmful actions cost their declared penalty once', () => {
      const result = score(ideal({ response: [isolateAt(1 * MIN), isolateAt(2 * MIN, 'db'), isolateAt(3 * MIN, 'db')] }));
      expect(result.components.response.score).toBe(220);
      expect(item(result, 'harmful:h-db')).toMatchObject({ status: 'penalty', points: -30 });
      expect(result.metrics.harmfulActions).toBe(1);
    });

    it('clamps a component at 0 when penalties exceed its points', () => {
      const result = score(ideal({ response: [isolateAt(2 * MIN, 'db')] }));
      expect(result.components.response.unclamped).toBe(-30);
      expect(result.components.response.score).toBe(0);
    });
  });

  describe('coordination & reporting', () => {
    // 250 = routing 100 + reporting 112.5 + legal class 37.5.
    const routing = (r: TeamScore) => r.components.coordination.parts.find((p) => p.id === 'routing')!;

    it('routing is judged by precision and recall, so routing everything to everyone does not pay', () => {
      const noRoutes = idealTriage().filter((s) => s.action.type !== 'route');
      const everyone = ['a1', 'n-fp', 'n-benign', 'a1-again'].map((alertId): Step => ({ atMs: 5 * MIN, action: { type: 'route', target: { alertId }, to: ['soc', 'csirt'], escalate: true } }));
      const spammy = score(ideal({ triage: [...noRoutes, ...everyone] }));
      expect(routing(spammy).ratio).toBe(0.4); // precision 2/8, recall 1
      expect(item(spammy, 'routing:summary').points).toBe(40);
      const oneExtra = score(ideal({ triage: [...idealTriage(), { atMs: 5 * MIN, action: { type: 'route', target: { alertId: 'n-fp' }, to: ['soc'], escalate: false } }] }));
      expect(routing(oneExtra).ratio).toBe(0.8); // precision 2/3, recall 1
      const none = score(ideal({ triage: noRoutes }));
      expect(routing(none).ratio).toBe(0);
    });

    it('an incident routed to the right party covers its alerts', () => {
      const noRoutes = idealTriage().filter((s) => s.action.type !== 'route');
      const result = score(ideal({ triage: [...noRoutes, { atMs: 5 * MIN, action: { type: 'route', target: { incidentId: 'INC-1' }, to: ['csirt'], escalate: false } }] }));
      expect(routing(result).ratio).toBe(1);
      expect(result.components.coordination.score).toBe(250);
    });

    it('a late report keeps half of its recipients and content shares', () => {
      const result = score(ideal({ report: [idealReport(41 * MIN)] }));
      expect(item(result, 'report:rep-1')).toMatchObject({ status: 'late', code: 'REPORT_LATE', points: 33.75 });
      expect(item(result, 'report:rep-1').note).toContain('late by 10m');
      expect(result.metrics.reportsOnTime).toBe(0);
    });

    it('missing required content and unneeded recipients cost their share', () => {
      const content = score(ideal({ report: [idealReport(2 * MIN, { content: { whatHappened: 'Web shell', affectedSystems: [], iocs: [] } })] }));
      expect(item(content, 'report:rep-1')).toMatchObject({ status: 'partial', code: 'REPORT_INCOMPLETE', points: 95.63 });
      expect(item(content, 'report:rep-1').note).toContain('missing content [affected-systems]');
      const recipients = score(ideal({ report: [idealReport(2 * MIN, { recipients: ['csirt', 'soc'] })] }));
      expect(item(recipients, 'report:rep-1').points).toBe(101.25); // 0.4 + 0.3 × F1 2/3 + 0.3
    });

    it('a report never filed scores 0', () => {
      expect(item(score(ideal({ report: [] })), 'report:rep-1')).toMatchObject({ status: 'missed', code: 'REPORT_MISSING', points: 0 });
    });

    it('a wrong legal class loses the legal-class share', () => {
      const triage = replaceStep(idealTriage(), 3, { atMs: MIN, action: { type: 'incident.create', title: 'Portal', alertIds: ['a1'], severity: 'high', legalClass: 'serious' } });
      const result = score(ideal({ triage }));
      expect(item(result, 'legal-class:inc-1')).toMatchObject({ code: 'LEGAL_CLASS_WRONG', points: 0, maxPoints: 37.5 });
      expect(result.components.coordination.score).toBe(212.5);
    });
  });

  describe('incident handling', () => {
    it('grouping is the F1 of the team incident against the key incident', () => {
      const result = score([...ideal(), { atMs: 5 * MIN, action: { type: 'incident.link', incidentId: 'INC-1', alertIds: ['n-fp'] } }]);
      expect(item(result, 'incident-grouping:inc-1').points).toBe(80); // 0.4 × F1 0.8 × 250
      expect(result.components.incident.score).toBe(230);
    });

    it('phases count when followed in order, and closing counts on its own', () => {
      const result = score(ideal({ close: [] }));
      expect(item(result, 'incident-phases:inc-1')).toMatchObject({ status: 'partial', points: 15 }); // 0.3 × 1/5
      expect(item(result, 'incident-closed:inc-1')).toMatchObject({ status: 'missed', points: 0 });
      expect(result.components.incident.score).toBe(140);
    });

    it('an incident matching nothing in the key dilutes the score', () => {
      const result = score([...ideal(), { atMs: 5 * MIN, action: { type: 'incident.create', title: 'Noise', alertIds: ['n-benign'] } }]);
      expect(item(result, 'incident-spurious:INC-2').status).toBe('missed');
      expect(result.components.incident.score).toBe(166.67); // 1 / 1.5
    });

    it('no incident opened: grouping, legal class and phases all score 0', () => {
      const triage = idealTriage().filter((s) => s.action.type !== 'incident.create' && s.action.type !== 'incident.link');
      const result = score(ideal({ triage, close: [] }).map((s) => (s.action.type === 'response' || s.action.type === 'report.file' ? { ...s, action: { ...s.action, incidentId: undefined } } : s)) as Step[]);
      expect(result.components.incident.score).toBe(0);
      expect(item(result, 'incident-grouping:inc-1').code).toBe('INCIDENT_NOT_OPENED');
    });
  });

  describe('applicability and rescaling', () => {
    it('redistributes the weight of a not-applicable component by largest remainder', () => {
      const weights = { detection: 350, response: 300, coordination: 200, incident: 150 };
      expect(redistribute(weights, new Set(['detection', 'coordination', 'incident']), 1000)).toEqual({ detection: 500, response: 0, coordination: 286, incident: 214 });
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

describe('settled judgement', () => {
  const flip = (atMs: number, alertId = 'a1'): Step => ({ atMs, action: { type: 'alert.verdict', alertId, verdict: 'false-positive', reason: 'looked benign' } });

  it('counts a verdict changed after the alert settled (delivery + 30m) nowhere; before, it counts', () => {
    const base = score(ideal());
    // a1 arrived at T+1m and settled at T+31m.
    const late = score([...ideal(), flip(40 * MIN), { atMs: 41 * MIN, action: { type: 'alert.severity', alertId: 'a1', severity: 'low' } }]);
    expect(late.total).toBe(base.total);
    expect(item(late, 'alert-verdict:a1')).toMatchObject({ status: 'earned', code: 'TP_CONFIRMED' });
    expect(item(late, 'alert-severity:a1')).toMatchObject({ status: 'earned' });
    expect(late.metrics.detectionRate).toBe(1);
    const early = score([...ideal(), flip(20 * MIN)]);
    expect(early.total).toBeLessThan(base.total);
    expect(item(early, 'alert-verdict:a1')).toMatchObject({ status: 'missed', code: 'TP_MISSED_CLOSED' });
  });

  it('settles every alert by the end in a final score, and follows the scenario\'s triage window', () => {
    // The exercise ended at T+10m: a1 settles then, so a verdict at T+9m counts, one at T+11m does not exist yet.
    expect(item(score([...ideal(), flip(9 * MIN)], { endMs: 10 * MIN }), 'alert-verdict:a1')).toMatchObject({ code: 'TP_MISSED_CLOSED' });
    const short = scoringScenario({ scoring: { triageWindow: '2m', weights: { detection: 250, response: 250, coordination: 250, incident: 250 } } });
    const { state, actions } = play(short, delivered, [...ideal(), flip(5 * MIN)]);
    // With a 2-minute window a1 settled at T+3m: the flip at T+5m is too late to count.
    expect(item(computeScore({ scenario: short, delivered, state, actions }), 'alert-verdict:a1')).toMatchObject({ code: 'TP_CONFIRMED' });
  });

  it('shows an alert still within its window as pending in a live score: not in the maximum, not missed', () => {
    const short = scoringScenario({ scoring: { triageWindow: '2m', weights: { detection: 250, response: 250, coordination: 250, incident: 250 } } });
    // At T+4m: a1 (T+1m) and n-fp (T+2m) settled; n-benign (T+3m) and a1-again (T+4m) pending.
    const shown = delivered.filter((d) => d.virtualMs <= 4 * MIN);
    const steps = idealTriage().filter((s) => s.atMs <= 4 * MIN);
    const { state, actions } = play(short, shown, steps);
    const live = computeScore({ scenario: short, delivered: shown, state, actions, endMs: 4 * MIN, phase: 'live' });
    expect(item(live, 'alert-verdict:a1-again')).toMatchObject({ status: 'not-applicable', code: 'ALERT_PENDING', points: 0, maxPoints: 0 });
    expect(item(live, 'alert-verdict:n-benign')).toMatchObject({ status: 'not-applicable', code: 'ALERT_PENDING' });
    expect(() => item(live, 'alert-missed:a1-again')).toThrow();
    // Rate and component over the same settled alerts: a1 found, so both say so.
    expect(live.metrics).toMatchObject({ truePositivesDelivered: 1, truePositivesDetected: 1, detectionRate: 1 });
    expect(live.components.detection.applicable).toBe(true);
    expect(live.components.detection.score).toBeGreaterThan(0);
    expect(live.components.detection.parts.find((p) => p.id === 'true-positives')).toMatchObject({ ratio: 1 });
    // The same moment scored as a final (the exercise ended at T+4m) settles them all at the end.
    const final = computeScore({ scenario: short, delivered: shown, state, actions, endMs: 4 * MIN });
    expect(item(final, 'alert-verdict:a1-again')).toMatchObject({ status: 'earned', code: 'DUPLICATE_ACCEPTED' });
    expect(item(final, 'alert-verdict:n-benign')).toMatchObject({ status: 'earned' });
    expect(final.metrics).toMatchObject({ truePositivesDelivered: 2, detectionRate: 1 });
  });

  it('starts an alert caught up by a seek on its triage window when the team received it', () => {
    // a1 was due at T+1m but the instructor sought to T+40m: the team saw it then, so a verdict at T+45m counts.
    const caughtUp = delivered.map((d) => ({ ...d, deliveredAtMs: 40 * MIN }));
    const steps = [...idealTriage().filter((s) => s.action.type !== 'alert.verdict' || s.action.alertId !== 'a1'), { atMs: 45 * MIN, action: { type: 'alert.verdict', alertId: 'a1', verdict: 'true-positive', reason: 'webshell' } } as Step];
    const { state, actions } = play(scenario, caughtUp, steps);
    expect(item(computeScore({ scenario, delivered: caughtUp, state, actions }), 'alert-verdict:a1')).toMatchObject({ code: 'TP_CONFIRMED' });
    const { state: s2, actions: a2 } = play(scenario, delivered, steps);
    expect(item(computeScore({ scenario, delivered, state: s2, actions: a2 }), 'alert-verdict:a1')).toMatchObject({ status: 'missed' });
  });

  it('leaves the detection component out, not at zero, while nothing has settled', () => {
    const shown = delivered.filter((d) => d.virtualMs <= 2 * MIN);
    const { state, actions } = play(scenario, shown, idealTriage().filter((s) => s.atMs <= 2 * MIN));
    const live = computeScore({ scenario, delivered: shown, state, actions, endMs: 2 * MIN, phase: 'live' });
    expect(live.components.detection).toMatchObject({ applicable: false, score: 0 });
    expect(live.metrics.detectionRate).toBeNull();
    expect(live.metrics.truePositivesDelivered).toBe(0);
  });
});
