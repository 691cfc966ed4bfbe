import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import { deliveryJitterMs } from '../../src/engine/compiled-scenario';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, eventIdsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { TriageClient, uploadBundled } from './triage-support';

/**
 * Consequences on the flagship (scenarios/portal-defacement.yaml), three teams in one exercise:
 *  A isolates web-01 at T+20m  → t-web01-isolated fires; t-spread-intranet never does.
 *  B does nothing              → at T+40m t-spread-intranet fires: the ph-spread alerts come.
 *  C puts web-01 on a maintenance page at T+20m, before df-waf-webshell-post (T+81m)
 *                              → t-maintenance-before-deface: df-waf-blocked-attempt instead of the defacement.
 */
describe('trainee actions change what happens next (flagship triggers)', () => {
  let t: TestApp;
  let exercise: ExerciseDto;
  let instructor: string;
  const clients: TriageClient[] = [];
  const team = (i: number) => exercise.teams[i]!.id;
  const delivered = async (token: string) =>
    (await api<{ events: Array<{ eventId: string; virtualMs: number }> }>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body.events;
  let tokens: Record<string, string>;
  /** Clients name alerts by opaque references: `ref(<scenario event id>)`. */
  let ref: (eventId: string) => string;
  /** The scenario ids of what a trainee received, mapped back through the event log. */
  const deliveredEventIds = async (token: string) =>
    eventIdsOf(
      t,
      exercise.id,
      (await delivered(token)).map((e) => e.eventId),
    );

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    tokens = Object.fromEntries(await Promise.all(['trainee1', 'trainee2', 'trainee3'].map(async (u) => [u, await login(t.baseUrl, u)])));
    const versionId = await uploadBundled(t.baseUrl, instructor, 'portal-defacement');
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [
        { name: 'Cô lập', memberIds: [ids.trainee1] },
        { name: 'Không làm gì', memberIds: [ids.trainee2] },
        { name: 'Trang bảo trì', memberIds: [ids.trainee3] },
      ],
      speed: 1,
      seed: 11,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    ref = await alertRefsOf(t, exercise.id);
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('isolation before T+40m prevents the spread; no isolation lets it come; a maintenance page turns the defacement into a blocked attempt', async () => {
    const [isolator, idle, maintainer] = await Promise.all(
      ['trainee1', 'trainee2', 'trainee3'].map(async (u) => {
        const c = new TriageClient(t.baseUrl, tokens[u]!, exercise.id);
        clients.push(c);
        await c.connected();
        await c.join();
        return c;
      }),
    );
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 20 * 60_000 })).status).toBe(200);
    await expectEventually(() => expect(isolator!.deliveredIds(team(0))).toContain(ref('ws-fim-new-phtml')));

    expect((await isolator!.act({ type: 'response', action: 'isolate-host', target: 'web-01' })).data?.applied).toBe(true);
    expect((await maintainer!.act({ type: 'response', action: 'maintenance-page', target: 'web-01' })).data?.applied).toBe(true);

    // Live at 100×: the spread trigger fires at T+40m for the idle team, its first alert 2 minutes later (plus its delivery jitter).
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 39 * 60_000 })).status).toBe(200);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/speed`, { speed: 100 })).status).toBe(200);
    await expectEventually(() => expect(idle!.deliveredIds(team(1))).toContain(ref('sp-fw-dmz-smb')), 15_000);
    const smb = idle!.events.get(team(1))!.find((e) => e.eventId === ref('sp-fw-dmz-smb'))!;
    expect(smb.virtualMs).toBe(42 * 60_000 + deliveryJitterMs(11, 'sp-fw-dmz-smb'));
    expect(smb.catchUp).toBe(false);

    // The rest of the drill at once.
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/speed`, { speed: 1 })).status).toBe(200);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 118 * 60_000 })).status).toBe(200);

    const a = await deliveredEventIds(tokens.trainee1!);
    const b = await deliveredEventIds(tokens.trainee2!);
    const c = await deliveredEventIds(tokens.trainee3!);
    const spread = ['sp-fw-dmz-smb', 'sp-dc-svc-logon', 'sp-fs-fim-lure', 'sp-av-ws-vp-01', 'sp-edr-ws-vp-02', 'sp-edr-ws-so-01'];

    // A: isolated in time, nothing of the spread and none of the attacker's later web-01 actions.
    expect(a.filter((id) => id.startsWith('sp-'))).toEqual([]);
    expect(a).not.toEqual(expect.arrayContaining(['df-page-integrity']));
    expect(a).not.toContain('c2-fw-beacon');
    // B: not isolated, the spread and the defacement happen.
    expect(b).toEqual(expect.arrayContaining([...spread, 'df-page-integrity', 'df-l1-citizen-hotline']));
    expect(b).not.toContain('df-waf-blocked-attempt');
    // C: maintenance page before the first defacement alert → blocked attempt, no defacement.
    expect(c).toContain('df-waf-blocked-attempt');
    expect(
      c.filter((id) => ['df-waf-webshell-post', 'df-fim-index-modified', 'df-page-integrity', 'df-page-integrity-hcm', 'df-uptime-keyword'].includes(id)),
    ).toEqual([]);
    expect(c).toEqual(expect.arrayContaining(spread));
    const blocked = (await delivered(tokens.trainee3!)).find((e) => e.eventId === ref('df-waf-blocked-attempt'))!;
    expect(blocked.virtualMs).toBe(81 * 60_000 + deliveryJitterMs(11, 'df-waf-blocked-attempt'));
  }, 60_000);
});
