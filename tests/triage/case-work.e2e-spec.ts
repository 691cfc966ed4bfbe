import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { AfterActionReview } from '../../src/contracts/scoring.schema';
import type { ActionAck, RecordedAction, TeamState } from '../../src/contracts/triage.schema';
import { api, login, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { TriageClient, uploadBundled } from './triage-support';

type BulkAnswer = { acks?: ActionAck[]; error?: { code: string; message: string; details?: Array<{ path: string; message: string }> } };

/**
 * Issue 24 items 4, 5 and 7 over the real server: bulk actions on a group of alerts (all or
 * nothing, one recorded action per alert, idempotent per actionId, one request of the rate limit),
 * case work on an incident (playbook tasks, assignment, ticks, notes) and the team channel, each
 * kept to the team, its instructors and reviewers.
 */
describe('alert queue bulk actions, case work and the team channel (flagship scenario)', () => {
  let t: TestApp;
  let instructor: string;
  let reviewer: string;
  let reviewer2: string;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  let exercise: ExerciseDto;
  let teamA: string;
  let a1: TriageClient;
  let a2: TriageClient;
  let b1: TriageClient;
  let cockpit: TriageClient;
  const clients: TriageClient[] = [];
  const client = async (token: string) => {
    const c = new TriageClient(t.baseUrl, token, exercise.id);
    clients.push(c);
    await c.connected();
    await c.join();
    return c;
  };
  const bulk = async (token: string, actions: unknown[]): Promise<BulkAnswer & { status: number }> => {
    const response = await api<BulkAnswer>(t.baseUrl, token, 'POST', `/exercises/${exercise.id}/actions/bulk`, { exerciseId: exercise.id, actions });
    return { status: response.status, ...response.body };
  };
  const state = async (token: string, teamId?: string) =>
    api<TeamState>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/state${teamId ? `?teamId=${teamId}` : ''}`);
  /** Team A's delivered internet-scanner noise (the WAF's blocked scan requests), by reference. */
  const scannerHits = () =>
    (a1.events.get(teamA) ?? []).filter((e) => (e.alert as { title: { en: string } }).title.en.startsWith('WAF: blocked scan request')).map((e) => e.eventId);

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    reviewer = await login(t.baseUrl, 'reviewer');
    reviewer2 = await login(t.baseUrl, 'reviewer2');
    const admin = await login(t.baseUrl, 'admin');
    tokens = Object.fromEntries(await Promise.all(['trainee1', 'trainee2', 'trainee3', 'trainee4'].map(async (u) => [u, await login(t.baseUrl, u)])));
    ids = await userIds(t.baseUrl, admin);
    const versionId = await uploadBundled(t.baseUrl, instructor, 'portal-defacement');
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [
        { name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] },
        { name: 'Đội Đỏ', memberIds: [ids.trainee3] },
      ],
      speed: 1,
      seed: 11,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    [teamA] = exercise.teams.map((x) => x.id) as [string, string];
    a1 = await client(tokens.trainee1!);
    a2 = await client(tokens.trainee2!);
    b1 = await client(tokens.trainee3!);
    cockpit = await client(instructor);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 100 * 60_000 })).status).toBe(200);
    await expectEventually(() => expect(scannerHits().length).toBeGreaterThanOrEqual(45), 20_000);
  }, 120_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('closes a group of scanner hits in one request: one recorded, broadcast verdict per alert, committed together', async () => {
    const hits = scannerHits().slice(0, 45);
    const before = (await state(tokens.trainee1!)).body.lastActionSeq;
    // More actions than the per-user burst of 40: the bulk counts as one request of the limit.
    const actions = hits.map((alertId) => ({
      type: 'alert.verdict',
      actionId: randomUUID(),
      exerciseId: exercise.id,
      alertId,
      verdict: 'benign',
      reason: 'Quét Internet tự động, WAF đã chặn',
    }));
    const answer = await bulk(tokens.trainee1!, actions);
    expect(answer.status).toBe(200);
    expect(answer.acks!.map((a) => a.applied)).toEqual(hits.map(() => true));
    expect(answer.acks!.map((a) => a.seq)).toEqual(hits.map((_, i) => before + i + 1));
    expect(answer.acks!.map((a) => a.actionId)).toEqual(actions.map((a) => a.actionId));
    const after = (await state(tokens.trainee1!)).body;
    for (const id of hits) expect(after.alerts[id]).toMatchObject({ verdict: 'benign', verdictReason: 'Quét Internet tự động, WAF đã chặn' });
    // One journal row per alert, and each teammate and the cockpit get each action.
    const db = t.app.get(DataSource);
    const rows = (await db.query(`SELECT COUNT(*) AS n FROM exercise_journal WHERE exercise_id = ? AND action_id IN (${actions.map(() => '?').join(',')})`, [
      exercise.id,
      ...actions.map((a) => a.actionId),
    ])) as Array<{ n: number }>;
    expect(Number(rows[0]!.n)).toBe(45);
    await expectEventually(() => {
      for (const c of [a2, cockpit]) expect(c.teamActions.filter((m) => actions.some((a) => a.actionId === m.action.actionId))).toHaveLength(45);
    });
    expect(b1.teamActions.filter((m) => m.teamId === teamA)).toEqual([]);
    const recorded = await api<{ actions: RecordedAction[] }>(t.baseUrl, tokens.trainee2!, 'GET', `/exercises/${exercise.id}/actions?afterSeq=${before}`);
    expect(recorded.body.actions.filter((r) => r.action.type === 'alert.verdict')).toHaveLength(45);

    // A retry of the same request applies nothing again.
    const retry = await bulk(tokens.trainee1!, actions);
    expect(retry.status).toBe(200);
    expect(retry.acks!.map((a) => a.applied)).toEqual(hits.map(() => false));
    expect(retry.acks!.map((a) => a.seq)).toEqual(answer.acks!.map((a) => a.seq));
    expect((await state(tokens.trainee1!)).body.lastActionSeq).toBe(after.lastActionSeq);
  });

  it('refuses a bulk whole when any action of it is refused, naming that action', async () => {
    const free = scannerHits().slice(45, 48);
    expect(free.length).toBeGreaterThan(1);
    const owned = free[free.length - 1]!;
    expect((await a2.act({ type: 'alert.acknowledge', alertId: owned })).data?.applied).toBe(true);
    const before = (await state(tokens.trainee1!)).body;
    const actions = free.map((alertId) => ({
      type: 'alert.verdict',
      actionId: randomUUID(),
      exerciseId: exercise.id,
      alertId,
      verdict: 'benign',
      reason: 'máy quét',
    }));
    const refused = await bulk(tokens.trainee1!, actions);
    expect(refused.status).toBe(409);
    expect(refused.error!.code).toBe('ALERT_OWNED_BY_OTHER');
    expect(refused.error!.details![0]!.path).toBe(`actions.${free.length - 1}.alertId`);
    const unchanged = (await state(tokens.trainee1!)).body;
    expect(unchanged.lastActionSeq).toBe(before.lastActionSeq);
    for (const id of free) expect(unchanged.alerts[id]?.verdict ?? null).toBeNull();
    // Two actions with one id, a foreign exercise id, an empty list: refused at the edge.
    const twice = await bulk(tokens.trainee1!, [actions[0], actions[0]]);
    expect([twice.status, twice.error!.code, twice.error!.details![0]!.path]).toEqual([400, 'VALIDATION_FAILED', 'actions.1.actionId']);
    expect((await bulk(tokens.trainee1!, [])).error!.code).toBe('VALIDATION_FAILED');
    expect((await bulk(tokens.trainee1!, [{ ...actions[0], exerciseId: randomUUID() }])).error!.code).toBe('VALIDATION_FAILED');
  });

  it('keeps bulk actions to members: observers, reviewers and outsiders cannot act', async () => {
    const action = { type: 'alert.acknowledge', actionId: randomUUID(), exerciseId: exercise.id, alertId: scannerHits()[0]! };
    expect((await bulk(reviewer, [action])).error!.code).toBe('NOT_TEAM_MEMBER');
    expect((await bulk(instructor, [action])).error!.code).toBe('NOT_TEAM_MEMBER');
    // A trainee of no team (an observer) and a reviewer of another province do not learn it exists.
    expect((await bulk(tokens.trainee4!, [action])).error!.code).toBe('EXERCISE_NOT_FOUND');
    expect((await bulk(reviewer2, [action])).error!.code).toBe('EXERCISE_NOT_FOUND');
  });

  it('works an incident: playbook tasks, assigned and ticked, notes on its timeline', async () => {
    const created = await a1.act({ type: 'incident.create', title: 'Cổng TTĐT bị cài webshell', alertIds: [] });
    const incidentId = created.data!.result!.incidentId as string;
    const playbooks = (
      await api<{ playbooks: Array<{ id: string; tasks: unknown[] }> }>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/briefing`)
    ).body.playbooks;
    expect(playbooks.map((p) => p.id)).toEqual(['pb-web-compromise', 'pb-incident-general']);
    expect((await a1.act({ type: 'incident.playbook', incidentId, playbookId: 'pb-web-compromise' })).data!.result).toEqual({ added: 8 });
    // Applying it again adds nothing; an unknown playbook is refused.
    expect((await a2.act({ type: 'incident.playbook', incidentId, playbookId: 'pb-web-compromise' })).data!.result).toEqual({ added: 0 });
    expect((await a1.act({ type: 'incident.playbook', incidentId, playbookId: 'nope' })).error!.code).toBe('VALIDATION_FAILED');
    const own = await a1.act({ type: 'incident.task-add', incidentId, title: 'Gọi nhà cung cấp CMS' });
    expect(own.data!.result).toEqual({ taskId: 'T-1' });
    expect((await a1.act({ type: 'incident.task', incidentId, taskId: 'pb-web-compromise/isolate', assigneeId: ids.trainee2 })).error).toBeUndefined();
    expect((await a2.act({ type: 'incident.task', incidentId, taskId: 'pb-web-compromise/isolate', done: true })).error).toBeUndefined();
    // Only teammates take tasks; only existing tasks are ticked.
    expect((await a1.act({ type: 'incident.task', incidentId, taskId: 'T-1', assigneeId: ids.trainee3 })).error!.code).toBe('VALIDATION_FAILED');
    expect((await a1.act({ type: 'incident.task', incidentId, taskId: 'T-9', done: true })).error!.code).toBe('VALIDATION_FAILED');
    expect((await a1.act({ type: 'incident.note', incidentId, text: 'Tệp thumb_cache.phtml có trong web root' })).error).toBeUndefined();
    const incident = (await state(tokens.trainee2!)).body.incidents[incidentId]!;
    expect(incident.tasks).toHaveLength(9);
    expect(incident.tasks.find((x) => x.id === 'pb-web-compromise/isolate')).toMatchObject({ assigneeId: ids.trainee2, done: true, doneBy: ids.trainee2 });
    expect(incident.tasks.find((x) => x.id === 'T-1')).toMatchObject({ title: { vi: 'Gọi nhà cung cấp CMS' }, playbookId: null, done: false });
    expect(incident.notes.map((n) => [n.userId, n.text])).toEqual([[ids.trainee1, 'Tệp thumb_cache.phtml có trong web root']]);
    // Another team's state has none of it, and its member cannot read or touch this team's.
    const other = (await state(tokens.trainee3!)).body;
    expect(Object.values(other.incidents).flatMap((i) => i.tasks)).toEqual([]);
    expect((await state(tokens.trainee3!, teamA)).body).toMatchObject({ error: { code: 'NOT_TEAM_MEMBER' } });
    expect((await b1.act({ type: 'incident.note', incidentId: 'INC-1', text: 'x' })).error!.code).toBe('INCIDENT_NOT_FOUND');
  });

  it('carries the team channel to teammates and the cockpit only, readable by the instructor and the CIO', async () => {
    const line = await a1.act({ type: 'team.message', text: 'Mình xử lý nhóm cảnh báo WAF, bạn xem EDR nhé' });
    const handover = await a2.act({ type: 'team.message', text: 'Bàn giao: web-01 đã cô lập, chờ gỡ webshell', handover: true });
    expect(line.data!.applied && handover.data!.applied).toBe(true);
    await expectEventually(() => {
      for (const c of [a1, a2, cockpit]) {
        const texts = c.teamActions.filter((m) => m.action.action.type === 'team.message').map((m) => m.action.action.text);
        expect(texts).toEqual(['Mình xử lý nhóm cảnh báo WAF, bạn xem EDR nhé', 'Bàn giao: web-01 đã cô lập, chờ gỡ webshell']);
      }
    });
    expect(b1.teamActions.filter((m) => m.action.action.type === 'team.message')).toEqual([]);
    const messages = (await state(instructor, teamA)).body.messages;
    expect(messages.map((m) => [m.userId, m.handover])).toEqual([
      [ids.trainee1, false],
      [ids.trainee2, true],
    ]);
    expect((await state(reviewer, teamA)).body.messages).toHaveLength(2);
    expect((await state(tokens.trainee3!)).body.messages).toEqual([]);
    expect((await state(reviewer2, teamA)).status).toBe(404);
    expect((await state(tokens.trainee4!, teamA)).status).toBe(404);
    // The channel is the team's own: an instructor or reviewer does not post in it.
    expect((await cockpit.act({ type: 'team.message', text: 'x' })).error!.code).toBe('NOT_TEAM_MEMBER');
    expect((await a1.act({ type: 'team.message', text: '   ' })).error!.code).toBe('VALIDATION_FAILED');
  });

  it('shows the channel in the debrief, apart from the timeline, to the team and its reviewers only', async () => {
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/finish`)).status).toBe(200);
    const path = `/exercises/${exercise.id}/teams/${teamA}/review`;
    await expectEventually(async () => expect((await api(t.baseUrl, tokens.trainee1!, 'GET', path)).status).toBe(200), 20_000);
    const review = (await api<AfterActionReview>(t.baseUrl, tokens.trainee1!, 'GET', path)).body;
    expect(review.channel.map((m) => [m.username, m.handover, m.text])).toEqual([
      ['trainee1', false, 'Mình xử lý nhóm cảnh báo WAF, bạn xem EDR nhé'],
      ['trainee2', true, 'Bàn giao: web-01 đã cô lập, chờ gỡ webshell'],
    ]);
    expect(review.timeline.filter((e) => e.action?.type === 'team.message')).toEqual([]);
    const html = await fetch(`${t.baseUrl}/api${path}?format=html&lang=en`, { headers: { authorization: `Bearer ${reviewer}` } });
    expect(html.status).toBe(200);
    const page = await html.text();
    expect(page).toContain('Team channel');
    expect(page).toContain('Bàn giao: web-01 đã cô lập, chờ gỡ webshell');
    expect((await api(t.baseUrl, tokens.trainee3!, 'GET', path)).status).not.toBe(200);
    expect((await api(t.baseUrl, reviewer2, 'GET', path)).status).not.toBe(200);
  });
});
