import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ScenarioBriefing } from '../../src/contracts/scenario-api.schema';
import type { TeamScore } from '../../src/contracts/scoring.schema';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { TriageClient } from '../triage/triage-support';

/**
 * The constructs of issue #22 through a played exercise (tests/fixtures/scenarios/valid/constructs.yaml),
 * two teams in the pre-2025 era:
 *  A isolates web-01 in time → t-spread never fires: the onlyIf entries are out of its key.
 *  B does not → t-spread fires at T+20m; a-spread arrives stamped with its real arrival time and the
 *    era's name of the monitoring centre; B restores the database before preserving evidence.
 */
describe('scenario constructs in a played exercise', () => {
  let t: TestApp;
  let exercise: ExerciseDto;
  let instructor: string;
  const clients: TriageClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    const source = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'constructs.yaml'), 'utf8');
    const uploaded = await api<{ versionId: string }>(t.baseUrl, instructor, 'POST', '/scenarios', { source });
    expect(uploaded.status).toBe(201);
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: uploaded.body.versionId,
      teams: [
        { name: 'Cô lập kịp', memberIds: [ids.trainee1] },
        { name: 'Khôi phục vội', memberIds: [ids.trainee2] },
      ],
      speed: 1,
      seed: 5,
      era: 'pre-2025',
    });
    expect(created.status).toBe(201);
    exercise = created.body;
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('offers the declared targets, refuses others, fills placeholders at delivery and scores onlyIf and ordering', async () => {
    const ref = await alertRefsOf(t, exercise.id);
    const [a, b] = await Promise.all(
      ['trainee1', 'trainee2'].map(async (u) => {
        const c = new TriageClient(t.baseUrl, await login(t.baseUrl, u), exercise.id);
        clients.push(c);
        await c.connected();
        await c.join();
        return c;
      }),
    );
    // The briefing carries the choices for the picker.
    const briefing = (await api<ScenarioBriefing>(t.baseUrl, b!.token, 'GET', `/exercises/${exercise.id}/briefing`)).body;
    expect(briefing.responseTargets?.freeText).toEqual(['block-ip']);
    expect(briefing.responseTargets?.choices.map((c) => c.value)).toContain('/var/www/html/uploads/shell.php');
    expect(briefing.assets.find((x) => x.id === 'cms-code')?.kind).toBe('codebase');

    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 10 * 60_000 })).status).toBe(200);
    await expectEventually(() => expect(a!.deliveredIds(exercise.teams[0]!.id)).toContain(ref('a-webshell')), 15_000);
    expect((await a!.act({ type: 'response', action: 'isolate-host', target: 'web-01' })).data?.applied).toBe(true);

    // Choices only, except where the drill allows typing (block-ip).
    const refused = await b!.act({ type: 'response', action: 'block-domain', target: 'evil.example' });
    expect(refused.error?.code).toBe('TARGET_NOT_OFFERED');
    expect((await b!.act({ type: 'response', action: 'disable-account', target: 'root' })).error?.code).toBe('TARGET_NOT_OFFERED');
    expect((await b!.act({ type: 'response', action: 'disable-account', target: 'SYSUPDATE' })).data?.applied).toBe(true);
    expect((await b!.act({ type: 'response', action: 'block-ip', target: '192.0.2.1' })).data?.applied).toBe(true);
    expect((await b!.act({ type: 'response', action: 'remove-webshell', target: '/var/www/html/uploads/shell.php' })).data?.applied).toBe(true);

    // The webshell alert: {{now}} is the time it was delivered, and ECS lists stay lists.
    const webshell = b!.events.get(exercise.teams[1]!.id)!.find((e) => e.eventId === ref('a-webshell'))!;
    const clock = (ms: number) => new Date(Date.UTC(2025, 4, 20, 8) + ms).toISOString().slice(11, 19);
    const alert = webshell.alert as { description: { en: string }; raw: string; fields: Record<string, unknown> };
    expect(alert.description.en).toBe(`shell.php appeared at ${clock(webshell.virtualMs)}`);
    expect(alert.raw).toContain(`"@timestamp":"2025-05-20T${clock(webshell.virtualMs)}+07:00"`);
    expect(alert.fields['related.ip']).toEqual(['203.0.113.7', '10.10.1.10']);

    // Past T+20m only team B gets the spread, stamped with its own arrival and named for the era.
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 23 * 60_000 })).status).toBe(200);
    await expectEventually(() => expect(b!.deliveredIds(exercise.teams[1]!.id)).toContain(ref('a-spread')), 15_000);
    const spread = b!.events.get(exercise.teams[1]!.id)!.find((e) => e.eventId === ref('a-spread'))!;
    expect(spread.virtualMs).toBeGreaterThanOrEqual(21 * 60_000);
    const spreadAlert = spread.alert as { title: { en: string }; raw: string };
    expect(spreadAlert.title.en).toBe('Letter from the National Cyber Security Monitoring Centre (NCSC)');
    const t5 = new Date(Date.UTC(2025, 4, 20, 8) + spread.virtualMs - 5000);
    expect(spreadAlert.raw).toContain(`[20/May/2025:${t5.toISOString().slice(11, 19)} +0700]`);
    expect(a!.deliveredIds(exercise.teams[0]!.id)).not.toContain(ref('a-spread'));

    // Restoring before preserving evidence: out of order.
    expect((await b!.act({ type: 'response', action: 'restore-backup', target: 'db-01' })).data?.applied).toBe(true);
    expect((await b!.act({ type: 'response', action: 'preserve-evidence', target: 'db-01' })).data?.applied).toBe(true);

    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/finish`)).status).toBe(200);
    const score = async (i: number) => (await api<TeamScore>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/teams/${exercise.teams[i]!.id}/score`)).body;
    const items = (s: TeamScore) => new Map(Object.values(s.components).flatMap((c) => c.items.map((item) => [item.id, item] as const)));
    const [scoreA, scoreB] = [items(await score(0)), items(await score(1))];
    expect(scoreA.get('response:r-evidence')).toMatchObject({ status: 'not-applicable', code: 'RESPONSE_CONDITION_NOT_MET' });
    expect(scoreA.get('report:rep-update')?.code).toBe('REPORT_CONDITION_NOT_MET');
    expect(scoreB.get('response:r-evidence')?.points).toBeGreaterThan(0);
    expect(scoreB.get('response:r-restore')).toMatchObject({ code: 'RESPONSE_OUT_OF_ORDER', points: 0 });
    expect(scoreB.get('response:r-remove')?.points).toBeGreaterThan(0);
  }, 120_000);
});
