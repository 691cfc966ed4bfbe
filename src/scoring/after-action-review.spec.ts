import type { RecordedAction } from '../contracts/triage.schema.js';
import { fixtureAlert, text } from '../engine/engine-fixtures.js';
import { buildAfterActionReview } from './after-action-review.js';
import { renderReviewHtml, REVIEW_CSP } from './review-html.js';
import { computeScore, type ScoringAction } from './score.js';
import { deliveredAll, idealTriage, MIN, play, scoringScenario, type Step } from './scoring-fixtures.js';

function recorded(actions: readonly ScoringAction[]): RecordedAction[] {
  return actions.map((a) => ({
    actionId: a.actionId,
    exerciseId: a.action.exerciseId,
    teamId: 'team-a',
    userId: a.userId,
    username: a.userId,
    seq: a.seq,
    virtualMs: a.virtualMs,
    wallMs: 0,
    action: a.action as unknown as Record<string, unknown>,
  }));
}

function review(steps: readonly Step[], scenario = scoringScenario()) {
  const delivered = deliveredAll(scenario);
  const { state, actions } = play(scenario, delivered, steps);
  const score = computeScore({
    scenario,
    teamId: 'team-a',
    delivered,
    state,
    actions,
    adjustments: [{ id: 'adj-1', component: 'incident', points: 5, reason: 'good call', by: 'instructor' }],
  });
  return buildAfterActionReview({
    exerciseId: 'ex-1',
    teamId: 'team-a',
    teamName: 'Đội Xanh',
    scenario,
    score,
    delivered,
    actions: recorded(actions),
    adjustments: [{ id: 'adj-1', component: 'incident', points: 5, reason: 'good call', by: 'instructor' }],
  });
}

describe('after-action review', () => {
  // a1 arrives at T+1m; the portal must be isolated within 10 minutes; the team does it at T+13m.
  const late: Step[] = [
    ...idealTriage().filter((s) => !('alertId' in s.action && s.action.alertId === 'a1-again')),
    { atMs: 13 * MIN, user: 'u2', action: { type: 'response', action: 'isolate-host', target: 'portal' } },
  ];

  it('annotates a late containment with how late and the window, in Vietnamese and English', () => {
    const r = review(late);
    const annotation = r.annotations.find((a) => a.id === 'response:r-isolate')!;
    expect(annotation).toMatchObject({ tone: 'warning', code: 'RESPONSE_LATE', atMs: 13 * MIN, points: 0 });
    expect(annotation.text.en).toBe('Isolate host: Portal at T+13:00, 12 min after the «Alert a1» alert; window was 10 min — too late, no points.');
    expect(annotation.text.vi).toContain('Cô lập máy chủ: Portal lúc T+13:00, 12 phút sau cảnh báo «');
    expect(annotation.text.vi).toContain('thời hạn là 10 phút — quá hạn, không được điểm');
    expect(annotation.evidence.times).toMatchObject({ windowStart: 1 * MIN, deadline: 11 * MIN, taken: 13 * MIN });
    // The action on the timeline points at its annotation; the deadline is on the timeline too.
    const action = r.timeline.find((e) => e.kind === 'action' && e.annotationIds.includes('response:r-isolate'));
    expect(action?.atMs).toBe(13 * MIN);
    expect(r.timeline.some((e) => e.kind === 'deadline' && e.atMs === 11 * MIN)).toBe(true);
  });

  it('lists missed alerts with the ideal verdict and routing, the missing report, and the ideal response', () => {
    const r = review(late);
    expect(r.missedAlerts).toEqual([
      expect.objectContaining({
        alertId: 'a1-again',
        teamVerdict: null,
        expected: { verdict: 'true-positive', severity: 'high', routing: ['csirt'], incident: 'inc-1' },
      }),
    ]);
    expect(r.annotations.find((a) => a.id === 'missed:a1-again')?.text.en).toContain(
      'Ideal: true positive, severity high, routed to CSIRT, part of the incident «Portal».',
    );
    expect(r.reports).toEqual([expect.objectContaining({ obligationId: 'rep-1', status: 'missing', dueMs: 31 * MIN, filedMs: null })]);
    expect(r.annotations.find((a) => a.id === 'report:rep-1')).toMatchObject({ tone: 'critical', code: 'REPORT_MISSING' });
    expect(r.ideal.responses.find((x) => x.id === 'r-isolate')).toMatchObject({
      windowStartMs: 1 * MIN,
      deadlineMs: 11 * MIN,
      takenMs: 13 * MIN,
      status: 'late',
    });
    expect(r.ideal.responses.find((x) => x.id === 'r-spread')).toMatchObject({ status: 'not-applicable', windowStartMs: null });
  });

  it("writes the Vietnamese sentences with the scenario's names and the glossary's words, never ids or scorer English", () => {
    const scenario = scoringScenario();
    const named = {
      ...scenario,
      parties: scenario.parties.map((p) => ({ ...p, name: { vi: `Đơn vị ${p.id.toUpperCase()}`, en: `Party ${p.id.toUpperCase()}` } })),
      incidents: scenario.incidents.map((i) => ({ ...i, title: { vi: 'Cổng thông tin bị tấn công', en: 'Portal attacked' } })),
    };
    const r = review(late, named);
    const missed = r.annotations.find((a) => a.id === 'missed:a1-again')!.text.vi;
    expect(missed).toContain('Đúng ra: cảnh báo đúng, mức độ cao, chuyển tới Đơn vị CSIRT, thuộc sự cố «Cổng thông tin bị tấn công».');
    expect(missed).not.toMatch(/true positive|high|csirt|inc-1/);
    // Calling noise a true positive is needless escalation: "chuyển cấp xử lý", never "leo thang".
    const naive = review(
      deliveredAll(named).map((d) => ({
        atMs: d.virtualMs,
        action: { type: 'alert.verdict' as const, alertId: d.eventId, verdict: 'true-positive' as const },
      })),
      named,
    );
    const falseAlarms = naive.annotations.find((a) => a.id === 'false-alarms')!.text.vi;
    expect(falseAlarms).toContain('chuyển cấp xử lý không cần thiết');
    expect(falseAlarms).not.toContain('leo thang');
    // The printable page in Vietnamese names the components, not their ids.
    const html = renderReviewHtml(r, 'vi');
    expect(html).toContain('Phát hiện, phân loại');
    expect(html).not.toMatch(/>detection<|>coordination<|inc-1|rep-1|r-isolate/);
  });

  it('places stages at their first delivered alert and keeps adjustments apart', () => {
    const r = review(late);
    expect(r.stages.find((s) => s.phaseId === 'exploit')).toMatchObject({ firstAlertMs: 1 * MIN, truePositives: 2, detected: 1, missed: 1 });
    expect(r.adjustments).toEqual([{ id: 'adj-1', component: 'incident', points: 5, reason: 'good call', by: 'instructor' }]);
    expect(r.annotations.some((a) => a.code === 'MANUAL_ADJUSTMENT' && a.points === 5)).toBe(true);
    expect(r.timeline.map((e) => e.atMs)).toEqual([...r.timeline.map((e) => e.atMs)].sort((a, b) => a - b));
  });

  it("names every id it mentions: alerts by id and console reference, assets, parties, and each response's stage and opening alert", () => {
    const scenario = scoringScenario();
    const delivered = deliveredAll(scenario);
    const { state, actions } = play(scenario, delivered, late);
    const score = computeScore({ scenario, teamId: 'team-a', delivered, state, actions, adjustments: [] });
    const r = buildAfterActionReview({
      exerciseId: 'ex-1',
      teamId: 'team-a',
      teamName: 'Đội Xanh',
      scenario,
      score,
      delivered,
      actions: recorded(actions),
      adjustments: [],
      refOf: (id) => `AL-${id}`,
    });
    const a1 = scenario.timeline.find((a) => a.id === 'a1')!;
    expect(r.labels.alerts['a1']).toEqual({ title: a1.title, phase: 'exploit', truePositive: true });
    expect(r.labels.alerts['AL-a1']).toEqual(r.labels.alerts['a1']);
    expect(r.labels.assets['portal']).toEqual(scenario.assets.find((a) => a.id === 'portal')!.name);
    expect(Object.keys(r.labels.parties)).toEqual(scenario.parties.map((p) => p.id));
    expect(r.labels.responses['r-isolate']).toEqual({ phase: 'exploit', after: a1.title });
    expect(r.labels.responses['r-spread']).toEqual({ phase: 'spread', after: scenario.timeline.find((a) => a.id === 'a-never')!.title });
    // Actions keep the recorded action so a reader can describe them in its own words.
    expect(r.timeline.find((e) => e.kind === 'action' && e.annotationIds.includes('response:r-isolate'))?.action).toMatchObject({
      type: 'response',
      action: 'isolate-host',
      target: 'portal',
    });
  });

  it('is deterministic', () => {
    expect(JSON.stringify(review(late))).toBe(JSON.stringify(review(late)));
  });

  it('renders a printable page that escapes untrusted scenario text', () => {
    const evil = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const base = scoringScenario();
    const scenario = scoringScenario({
      title: { vi: evil, en: evil },
      timeline: base.timeline.map((a) =>
        a.id === 'a1-again' ? fixtureAlert('a1-again', { at: '4m', phase: 'exploit', title: text(evil), answer: a.answer }) : a,
      ) as never,
    });
    const html = renderReviewHtml(review(late, scenario));
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(REVIEW_CSP.replace(/'/g, '&#39;'));
    expect(REVIEW_CSP).toContain("default-src 'none'");
    expect(REVIEW_CSP).not.toContain('script-src');
  });
});
