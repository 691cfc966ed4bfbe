import type { TriageAction } from '../contracts/triage.schema.js';
import { checkpointAt, DEFAULT_TRIAGE_WINDOW_S, judgementsAt, settleInstant, triageWindowMs } from './settlement.js';
import { MIN, scoringScenario } from './scoring-fixtures.js';

const verdict = (alertId: string, v: 'true-positive' | 'false-positive' | 'duplicate', extra: Partial<TriageAction> = {}): TriageAction =>
  ({
    type: 'alert.verdict',
    actionId: `v-${alertId}-${v}`,
    exerciseId: 'e',
    alertId,
    verdict: v,
    ...(v === 'false-positive' ? { reason: 'scanner' } : {}),
    ...extra,
  }) as TriageAction;
const severity = (alertId: string, s: 'low' | 'high'): TriageAction => ({
  type: 'alert.severity',
  actionId: `s-${alertId}-${s}`,
  exerciseId: 'e',
  alertId,
  severity: s,
});

describe('settlement', () => {
  it('reads the triage window from the scenario, 30 minutes by default', () => {
    expect(DEFAULT_TRIAGE_WINDOW_S).toBe(1800);
    expect(triageWindowMs(scoringScenario())).toBe(30 * MIN);
    const scenario = scoringScenario();
    expect(triageWindowMs({ scoring: { ...scenario.scoring, triageWindow: 300 } })).toBe(5 * MIN);
  });

  it('settles an alert a window after delivery; live it is pending until then, finally it settles at the end', () => {
    expect(settleInstant(10 * MIN, 30 * MIN, 60 * MIN, 'live')).toBe(40 * MIN);
    expect(settleInstant(10 * MIN, 30 * MIN, 39 * MIN, 'live')).toBeNull();
    expect(settleInstant(10 * MIN, 30 * MIN, 40 * MIN, 'live')).toBe(40 * MIN);
    expect(settleInstant(10 * MIN, 30 * MIN, 39 * MIN, 'final')).toBe(39 * MIN);
  });

  it('puts checkpoints on a fixed grid of one window, whatever the time', () => {
    expect(checkpointAt(0, 30 * MIN)).toBe(0);
    expect(checkpointAt(29 * MIN + 59_999, 30 * MIN)).toBe(0);
    expect(checkpointAt(30 * MIN, 30 * MIN)).toBe(30 * MIN);
    expect(checkpointAt(95 * MIN, 30 * MIN)).toBe(90 * MIN);
  });

  it("keeps each alert's verdict and severity as they were at its own settle instant", () => {
    const actions = [
      { virtualMs: 1 * MIN, action: verdict('a', 'true-positive') },
      { virtualMs: 2 * MIN, action: severity('a', 'high') },
      { virtualMs: 5 * MIN, action: verdict('a', 'false-positive') },
      { virtualMs: 6 * MIN, action: severity('a', 'low') },
      { virtualMs: 3 * MIN, action: verdict('b', 'false-positive') },
      { virtualMs: 4 * MIN, action: verdict('c', 'duplicate', { duplicateOf: 'ghost' }) },
      { virtualMs: 4 * MIN, action: verdict('d', 'true-positive') },
    ];
    const settle = new Map<string, number | null>([
      ['a', 4 * MIN],
      ['b', 10 * MIN],
      ['c', 10 * MIN],
      ['d', null],
    ]);
    const judged = judgementsAt(
      actions,
      (id) => settle.get(id) ?? null,
      (id) => settle.has(id),
    );
    expect(judged.get('a')).toEqual({
      verdict: 'true-positive',
      verdictReason: null,
      duplicateOf: null,
      verdictAtMs: 1 * MIN,
      severity: 'high',
      severityAtMs: 2 * MIN,
    });
    expect(judged.get('b')).toMatchObject({ verdict: 'false-positive', verdictReason: 'scanner' });
    // A duplicate of an alert never delivered is refused, as the reducer refuses it; a pending alert is not judged.
    expect(judged.has('c')).toBe(false);
    expect(judged.has('d')).toBe(false);
  });
});
