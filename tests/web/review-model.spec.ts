import i18next, { type TFunction } from 'i18next';
import type { AfterActionReview } from '../../src/contracts/scoring.schema';
import { buildAfterActionReview } from '../../src/scoring/after-action-review';
import { computeScore } from '../../src/scoring/score';
import { deliveredAll, idealTriage, MIN, play, scoringScenario, type Step } from '../../src/scoring/scoring-fixtures';
import { debriefEn, debriefVi } from '../../web/src/debrief/debrief-texts';
import { mostLateReports, mostMissed, ReviewNames, reviewNotes, stageRows } from '../../web/src/debrief/review-model';
import { en } from '../../web/src/i18n/en';
import { vi } from '../../web/src/i18n/vi';

const scenario = scoringScenario({
  parties: [
    { id: 'soc', kind: 'soc', layer: null, name: { vi: 'Trung tâm giám sát', en: 'Monitoring centre' } },
    { id: 'csirt', kind: 'provincial-csirt', layer: null, name: { vi: 'Đội ứng cứu sự cố tỉnh', en: 'Provincial response team' } },
  ],
} as never);

function review(teamId: string, teamName: string, steps: readonly Step[]): AfterActionReview {
  const delivered = deliveredAll(scenario);
  const { state, actions } = play(scenario, delivered, steps);
  const score = computeScore({ scenario, teamId, delivered, state, actions, adjustments: [] });
  const recorded = actions.map((a) => ({
    actionId: a.actionId,
    exerciseId: 'ex-1',
    teamId,
    userId: a.userId,
    username: a.userId,
    seq: a.seq,
    virtualMs: a.virtualMs,
    wallMs: 0,
    action: a.action as unknown as Record<string, unknown>,
  }));
  return buildAfterActionReview({
    exerciseId: 'ex-1',
    teamId,
    teamName,
    scenario,
    score,
    delivered,
    actions: recorded,
    adjustments: [],
    refOf: (id) => `AL-${id}`,
  });
}

async function translators(lang: 'vi' | 'en'): Promise<{ t: TFunction; tt: TFunction }> {
  const instance = i18next.createInstance();
  await instance.init({
    lng: lang,
    resources: { vi: { translation: vi, debrief: debriefVi }, en: { translation: en, debrief: debriefEn } },
    interpolation: { escapeValue: false },
  });
  return { t: instance.getFixedT(lang, 'debrief'), tt: instance.getFixedT(lang) };
}

// a1 arrives at T+1m; the portal must be isolated within 10 minutes; team A does it at T+13m, team B never.
const late: Step[] = [
  ...idealTriage().filter((s) => !('alertId' in s.action && s.action.alertId === 'a1-again')),
  { atMs: 13 * MIN, user: 'u2', action: { type: 'response', action: 'isolate-host', target: 'portal' } },
];
const idle: Step[] = [];
const ids = [
  ...scenario.responses.map((r) => r.id),
  ...scenario.reporting.map((o) => o.id),
  ...scenario.incidents.map((i) => i.id),
  ...scenario.parties.map((p) => p.id),
  ...scenario.harmful.map((h) => h.id),
];

describe('debrief review model', () => {
  it("writes each annotation in the reader's language from the review's data, with no internal id", async () => {
    const r = review('team-a', 'Đội Xanh', late);
    const { t, tt } = await translators('vi');
    const notes = reviewNotes(r, t, tt, 'vi');
    const isolate = notes.find((n) => n.id === 'response:r-isolate')!;
    const portal = scenario.assets.find((a) => a.id === 'portal')!.name.vi;
    expect(isolate).toMatchObject({ kind: 'late', phase: 'exploit', atMs: 13 * MIN });
    expect(isolate.text).toBe(`Cô lập máy chủ: ${portal} lúc T+13:00, 12 phút sau cảnh báo «Alert a1»; thời hạn là 10 phút — quá hạn, không được điểm.`);
    const report = notes.find((n) => n.id === 'report:rep-1')!;
    expect(report.kind).toBe('missed');
    expect(report.text).toContain('Đội ứng cứu sự cố tỉnh');
    const missed = notes.find((n) => n.id === 'missed:a1-again')!;
    expect(missed).toMatchObject({ kind: 'missed', alertRef: 'AL-a1-again', phase: 'exploit' });
    expect(missed.text).toContain('chuyển tới Đội ứng cứu sự cố tỉnh');
    for (const note of notes) {
      for (const id of ids) expect(`${note.id} → ${note.text}`).not.toMatch(new RegExp(`→ .*(^|[^\\w-])${id}($|[^\\w-])`));
      expect(note.text).not.toMatch(/true positive|routed to|window was|leo thang/);
    }
    const english = await translators('en');
    expect(reviewNotes(r, english.t, english.tt, 'en').find((n) => n.id === 'response:r-isolate')!.text).toContain(
      '12 min after the «Alert a1» alert; window was 10 min — too late',
    );
  });

  it('lays out each stage per team (reached, contained by its containment responses) and counts across teams', async () => {
    const a = review('team-a', 'Đội Xanh', late);
    const b = review('team-b', 'Đội Đỏ', idle);
    const exploitA = stageRows(a, 'vi').find((s) => s.phaseId === 'exploit')!;
    expect(exploitA).toMatchObject({ reachedMs: 1 * MIN, containedMs: 13 * MIN, containTaken: 1, containTotal: 1 });
    expect(exploitA.consequences).toContain('Alert a1');
    expect(stageRows(b, 'vi').find((s) => s.phaseId === 'exploit')).toMatchObject({ containedMs: null, containTaken: 0, containTotal: 1 });
    // A stage never reached, whose response does not apply, has nothing to contain.
    expect(stageRows(a, 'vi').find((s) => s.phaseId === 'spread')).toMatchObject({ reachedMs: null, containedMs: undefined });

    const missed = mostMissed([a, b], 'vi');
    expect(missed[0]).toMatchObject({ key: 'a1-again', label: 'Alert a1-again', teams: ['Đội Xanh', 'Đội Đỏ'] });
    const { t, tt } = await translators('vi');
    expect(mostLateReports([a, b], (r) => new ReviewNames(r, t, tt, 'vi'))).toEqual([
      { key: 'rep-1', label: 'Thông báo sự cố', teams: ['Đội Xanh', 'Đội Đỏ'] },
    ]);
  });
});
