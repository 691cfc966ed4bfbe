import { idealTriage, MIN, play, scoringScenario, type Step } from '../scoring-fixtures.js';
import { computeScore } from './compute-score.js';
import { delivered, ideal, item, replaceStep, scenario, score } from './scorer-spec-support.js';

describe('detection & triage', () => {
  // True positives a1, a1-again (high, 3 each) = 6 raw = 162.5 points; noise n-fp, n-benign (1 each) = 2 raw = 87.5.
  it('a missed true positive earns nothing and costs half its weight more', () => {
    const triage = idealTriage().filter(
      (s) => !('alertId' in s.action && s.action.alertId === 'a1' && (s.action.type === 'alert.verdict' || s.action.type === 'alert.severity')),
    );
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
    const triage = replaceStep(idealTriage(), 4, {
      atMs: 2 * MIN,
      action: { type: 'alert.verdict', alertId: 'n-fp', verdict: 'benign', reason: 'scanner we know' },
    });
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

  it("accepts a repeat closed as a duplicate of its original or with the original's verdict", () => {
    const asTp = replaceStep(idealTriage(), 6, { atMs: 4 * MIN, action: { type: 'alert.verdict', alertId: 'a1-again', verdict: 'true-positive' } });
    const withSeverity = [...asTp, { atMs: 4 * MIN, action: { type: 'alert.severity', alertId: 'a1-again', severity: 'high' } } as Step];
    expect(score(ideal({ triage: withSeverity })).components.detection.score).toBe(250);
    expect(item(score(ideal()), 'alert-verdict:a1-again').code).toBe('DUPLICATE_ACCEPTED');
    const ofNoise = replaceStep(idealTriage(), 6, {
      atMs: 4 * MIN,
      action: { type: 'alert.verdict', alertId: 'a1-again', verdict: 'duplicate', duplicateOf: 'n-fp' },
    });
    expect(item(score(ideal({ triage: ofNoise })), 'alert-verdict:a1-again').code).toBe('TP_MISSED_AS_DUPLICATE');
  });

  it('charges an alert hint to detection and a phase hint to response, as declared', () => {
    const result = score([
      ...ideal(),
      { atMs: 2 * MIN, action: { type: 'hint.request', for: { alertId: 'a1' } } },
      { atMs: 3 * MIN, action: { type: 'hint.request', for: { phase: 'spread' } } },
    ]);
    expect(result.components.detection.score).toBe(240);
    expect(result.components.response.score).toBe(230);
    expect(item(result, 'hint:hint-a1')).toMatchObject({ status: 'penalty', points: -10 });
    expect(result.metrics.hintsUsed).toBe(2);
  });
});

describe('settled judgement', () => {
  const flip = (atMs: number, alertId = 'a1'): Step => ({
    atMs,
    action: { type: 'alert.verdict', alertId, verdict: 'false-positive', reason: 'looked benign' },
  });

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

  it("settles every alert by the end in a final score, and follows the scenario's triage window", () => {
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
    const steps = [
      ...idealTriage().filter((s) => s.action.type !== 'alert.verdict' || s.action.alertId !== 'a1'),
      { atMs: 45 * MIN, action: { type: 'alert.verdict', alertId: 'a1', verdict: 'true-positive', reason: 'webshell' } } as Step,
    ];
    const { state, actions } = play(scenario, caughtUp, steps);
    expect(item(computeScore({ scenario, delivered: caughtUp, state, actions }), 'alert-verdict:a1')).toMatchObject({ code: 'TP_CONFIRMED' });
    const { state: s2, actions: a2 } = play(scenario, delivered, steps);
    expect(item(computeScore({ scenario, delivered, state: s2, actions: a2 }), 'alert-verdict:a1')).toMatchObject({ status: 'missed' });
  });

  it('leaves the detection component out, not at zero, while nothing has settled', () => {
    const shown = delivered.filter((d) => d.virtualMs <= 2 * MIN);
    const { state, actions } = play(
      scenario,
      shown,
      idealTriage().filter((s) => s.atMs <= 2 * MIN),
    );
    const live = computeScore({ scenario, delivered: shown, state, actions, endMs: 2 * MIN, phase: 'live' });
    expect(live.components.detection).toMatchObject({ applicable: false, score: 0 });
    expect(live.metrics.detectionRate).toBeNull();
    expect(live.metrics.truePositivesDelivered).toBe(0);
  });
});
