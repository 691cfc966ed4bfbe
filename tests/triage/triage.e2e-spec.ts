import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { RecordedAction, ReportDeadlines, TeamState } from '../../src/contracts/triage.schema';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { renameActionAlertIds, teamStateWithRefs } from '../../src/exercises/alert-refs';
import { deriveTeamState, recordedInput, triageScenarioView } from '../../src/team-state/team-state.reducer';
import { actOverRest, TriageClient, uploadBundled } from './triage-support';
import { sql } from '../support/test-database';

/** Lets the per-user rate limit (40 actions in any 2 s) clear after a test that sent many actions fast. */
const refill = () => new Promise((resolve) => setTimeout(resolve, 2100));

const REPORT = { whatHappened: 'Webshell thumb_cache.phtml trên web-01', detectedAt: 'T+13m', affectedSystems: ['web-01'], securityLevel: 3 };

describe('trainee triage over REST, pushed to teammates over socket.io (flagship scenario)', () => {
  let t: TestApp;
  let instructor: string;
  let tokens: Record<string, string>;
  let ids: Record<string, string>;
  let exercise: ExerciseDto;
  let teamA: string;
  let teamB: string;
  let a1: TriageClient;
  let a2: TriageClient;
  let b1: TriageClient;
  let cockpit: TriageClient;
  /** Clients name alerts by opaque references: `ref(<scenario event id>)`. */
  let ref: (eventId: string) => string;
  const clients: TriageClient[] = [];
  const client = async (token: string) => {
    const c = new TriageClient(t.baseUrl, token, exercise.id);
    clients.push(c);
    await c.connected();
    return c;
  };
  const journalRows = async (actionId: string) =>
    Number(
      ((await sql(t.app.get(DataSource), 'SELECT COUNT(*) AS n FROM exercise_journal WHERE action_id = ?', [actionId])) as Array<{ n: number | string }>)[0]!.n,
    );
  const state = async (token: string, teamId?: string) =>
    api<TeamState>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/state${teamId ? `?teamId=${teamId}` : ''}`);

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
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
      seed: 7,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    [teamA, teamB] = exercise.teams.map((x) => x.id) as [string, string];
    ref = await alertRefsOf(t, exercise.id);
    a1 = await client(tokens.trainee1!);
    a2 = await client(tokens.trainee2!);
    b1 = await client(tokens.trainee3!);
    cockpit = await client(instructor);
    for (const c of [a1, a2, b1, cockpit]) await c.join();
  }, 60_000);

  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('refuses actions before the exercise starts', async () => {
    expect((await a1.act({ type: 'alert.acknowledge', alertId: ref('l3-assessment-report') })).error?.code).toBe('EXERCISE_INVALID_STATE');
  });

  it('starts and seeks to T+20m so the first stages are delivered', async () => {
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 20 * 60_000 })).status).toBe(200);
    await expectEventually(() =>
      expect(a1.deliveredIds(teamA)).toEqual(expect.arrayContaining([ref('ws-fim-new-phtml'), ref('ws-av-webshell'), ref('sc-waf-404-burst')])),
    );
  });

  it('applies every action type, acknowledges after commit and broadcasts to teammates and the cockpit only', async () => {
    const ack = await a1.act({ type: 'alert.acknowledge', alertId: ref('ws-fim-new-phtml') });
    expect(ack.data).toMatchObject({ seq: 1, applied: true });
    expect(ack.data!.virtualMs).toBeGreaterThanOrEqual(20 * 60_000);
    await expectEventually(() => {
      expect(a2.teamActions.map((m) => m.action.seq)).toContain(1);
      expect(cockpit.teamActions.map((m) => m.action.actionId)).toContain(ack.data!.actionId);
    });
    const message = a2.teamActions.find((m) => m.action.seq === 1)!;
    expect(message).toMatchObject({
      teamId: teamA,
      action: { userId: ids.trainee1, username: 'trainee1', action: { type: 'alert.acknowledge' } },
      alerts: [{ alertId: ref('ws-fim-new-phtml'), ownerId: ids.trainee1 }],
    });
    expect(message.action.wallMs).toBeGreaterThan(0);

    const ok = async (body: Parameters<TriageClient['act']>[0]) => {
      const result = await a1.act(body);
      expect(result.error).toBeUndefined();
      return result.data!;
    };
    await ok({ type: 'alert.severity', alertId: ref('ws-fim-new-phtml'), severity: 'critical' });
    await ok({ type: 'alert.note', alertId: ref('ws-fim-new-phtml'), text: 'eval(base64_decode) trong uploads' });
    await ok({ type: 'alert.verdict', alertId: ref('ws-fim-new-phtml'), verdict: 'true-positive' });
    await ok({ type: 'alert.verdict', alertId: ref('ws-av-webshell'), verdict: 'duplicate', duplicateOf: ref('ws-fim-new-phtml') });
    await ok({ type: 'alert.verdict', alertId: ref('n-l3-scan-notice'), verdict: 'benign', reason: 'Thông báo rà quét của Lớp 3' });
    await ok({ type: 'route', target: { alertId: ref('ws-fim-new-phtml') }, to: ['p-operator', 'p-csirt'], escalate: true });
    const inc1 = await ok({
      type: 'incident.create',
      title: 'Webshell trên cổng',
      alertIds: [ref('ws-fim-new-phtml'), ref('ws-av-webshell')],
      severity: 'high',
      legalClass: 'ordinary',
    });
    expect(inc1.result).toEqual({ incidentId: 'INC-1' });
    const inc2 = await ok({ type: 'incident.create', title: 'Rà quét', alertIds: [ref('sc-waf-404-burst')] });
    expect(inc2.result).toEqual({ incidentId: 'INC-2' });
    await ok({ type: 'incident.link', incidentId: 'INC-2', alertIds: [ref('sc-ids-union-select')] });
    await ok({ type: 'incident.unlink', incidentId: 'INC-2', alertIds: [ref('sc-ids-union-select')] });
    await ok({ type: 'incident.observable', incidentId: 'INC-2', observable: { type: 'ip', value: '203.0.113.66' } });
    await ok({ type: 'incident.merge', incidentId: 'INC-1', sourceIncidentIds: ['INC-2'] });
    expect((await a1.act({ type: 'incident.link', incidentId: 'INC-2', alertIds: [ref('sc-ids-union-select')] })).error?.code).toBe('INCIDENT_MERGED');
    expect((await a1.act({ type: 'incident.update', incidentId: 'INC-9', title: 'x' })).error?.code).toBe('INCIDENT_NOT_FOUND');
    await ok({ type: 'incident.update', incidentId: 'INC-1', phase: 'containment', assets: ['web-01', 'WAF-01'] });
    expect((await a1.act({ type: 'incident.update', incidentId: 'INC-1', phase: 'detection-analysis' })).error?.code).toBe('INCIDENT_PHASE_ORDER');
    await ok({ type: 'incident.update', incidentId: 'INC-1', phase: 'recovery' });
    await ok({ type: 'route', target: { incidentId: 'INC-1' }, to: ['p-specialised'], escalate: false, message: 'Đề nghị phối hợp' });
    const isolate = await ok({ type: 'response', action: 'preserve-evidence', target: 'WEB-01', incidentId: 'INC-1' });
    expect(isolate.result).toEqual({ target: 'web-01' });
    await ok({ type: 'response', action: 'block-ip', target: '203.0.113.66' });
    await ok({ type: 'response', action: 'block-domain', target: 'CDN-thongke.example' });
    await ok({ type: 'response', action: 'request-coordination', target: 'p-vncert' });
    await ok({ type: 'response', action: 'reset-credentials', target: 'qtv_portal' });
    const badTargets = await Promise.all([
      a1.act({ type: 'response', action: 'isolate-host', target: 'no-such-host' }),
      a1.act({ type: 'response', action: 'block-ip', target: 'not-an-ip' }),
      a1.act({ type: 'response', action: 'block-domain', target: 'bad domain!' }),
      a1.act({ type: 'response', action: 'request-coordination', target: 'p-nobody' }),
    ]);
    expect(badTargets.map((r) => r.error?.code)).toEqual(['VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED', 'VALIDATION_FAILED']);
    const unknownParty = await a1.act({ type: 'route', target: { alertId: ref('ws-fim-new-phtml') }, to: ['p-owner', 'p-martians'], escalate: false });
    expect(unknownParty.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'to.1', message: expect.stringContaining('p-martians') }] });

    const report = await ok({
      type: 'report.file',
      kind: 'notification',
      recipients: ['p-owner', 'p-specialised', 'p-vncert'],
      incidentId: 'INC-1',
      content: REPORT,
    });
    expect(report.result).toEqual({ reportId: 'RPT-1' });
    const correction = await ok({
      type: 'report.file',
      kind: 'notification',
      recipients: ['p-owner'],
      content: { ...REPORT, securityLevel: 2 },
      correctsReportId: 'RPT-1',
    });
    expect(correction.result).toEqual({ reportId: 'RPT-2' });
    expect((await a1.act({ type: 'report.file', kind: 'notification', recipients: ['p-owner'], content: REPORT, correctsReportId: 'RPT-9' })).error?.code).toBe(
      'REPORT_NOT_FOUND',
    );

    const hint = await ok({ type: 'hint.request', for: { alertId: ref('ws-fim-new-phtml') } });
    expect(hint.result).toMatchObject({ penalty: 25, text: { vi: expect.any(String), en: expect.any(String) } });
    // The author's hint id ("hint-webshell") names the answer: it never goes out.
    expect(hint.result).not.toHaveProperty('hintId');
    expect((await a1.act({ type: 'hint.request', for: { alertId: ref('ws-fim-new-phtml') } })).error?.code).toBe('NO_HINT');
    expect((await a1.act({ type: 'hint.request', for: { phase: 'ph-nowhere' } })).error?.code).toBe('VALIDATION_FAILED');
    expect((await ok({ type: 'hint.request', for: { phase: 'ph-deface' } })).result).toMatchObject({ penalty: 20 });

    // REST takes the same body and gives the same kind of ack.
    const rest = await api<{ seq: number; applied: boolean }>(t.baseUrl, tokens.trainee2!, 'POST', `/exercises/${exercise.id}/actions`, {
      actionId: randomUUID(),
      exerciseId: exercise.id,
      type: 'alert.note',
      alertId: ref('sc-waf-404-burst'),
      text: 'qua REST',
    });
    expect(rest.status).toBe(200);
    expect(rest.body.applied).toBe(true);

    const view = await state(tokens.trainee2!);
    expect(view.status).toBe(200);
    const s = view.body;
    expect(s.teamId).toBe(teamA);
    expect(s.lastActionSeq).toBe(rest.body.seq);
    expect(s.alerts[ref('ws-fim-new-phtml')]).toMatchObject({
      ownerId: ids.trainee1,
      verdict: 'true-positive',
      severity: 'critical',
      incidentId: 'INC-1',
      notes: [{ text: 'eval(base64_decode) trong uploads' }],
    });
    expect(s.alerts[ref('ws-fim-new-phtml')]!.routes.map((r) => r.to)).toEqual([['p-operator', 'p-csirt']]);
    expect(s.alerts[ref('ws-av-webshell')]).toMatchObject({ verdict: 'duplicate', duplicateOf: ref('ws-fim-new-phtml') });
    expect(s.incidents['INC-1']).toMatchObject({
      phase: 'recovery',
      assets: ['web-01', 'waf-01'],
      alertIds: [ref('ws-fim-new-phtml'), ref('ws-av-webshell'), ref('sc-waf-404-burst')],
      observables: [{ type: 'ip', value: '203.0.113.66' }],
    });
    expect(s.incidents['INC-1']!.phaseHistory.map((p) => p.phase)).toEqual(['detection-analysis', 'containment', 'recovery']);
    expect(s.incidents['INC-2']).toMatchObject({ mergedInto: 'INC-1', alertIds: [] });
    expect(s.responses.map((r) => `${r.action}:${r.target}`)).toEqual([
      'preserve-evidence:web-01',
      'block-ip:203.0.113.66',
      'block-domain:cdn-thongke.example',
      'request-coordination:p-vncert',
      'reset-credentials:qtv_portal',
    ]);
    expect(s.reports.map((r) => [r.id, r.correctsReportId])).toEqual([
      ['RPT-1', null],
      ['RPT-2', 'RPT-1'],
    ]);
    expect(s.hints.map((h) => [h.hintId, h.penalty])).toEqual([
      [null, 25],
      [null, 20],
    ]);
    expect(s.detectedAtMs).toBeGreaterThanOrEqual(20 * 60_000);

    const log = await api<{ actions: RecordedAction[] }>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/actions?afterSeq=3`);
    expect(log.body.actions.map((x) => x.seq)).toEqual(Array.from({ length: s.lastActionSeq - 3 }, (_, i) => i + 4));
    expect(log.body.actions.find((x) => x.result?.incidentId === 'INC-1')?.action).toMatchObject({ type: 'incident.create', title: 'Webshell trên cổng' });

    // Team B saw nothing of it, and has its own numbering.
    expect(b1.teamActions).toEqual([]);
    const other = await b1.act({ type: 'incident.create', title: 'Đội Đỏ', alertIds: [ref('ws-fim-new-phtml')] });
    expect(other.data).toMatchObject({ seq: 1, result: { incidentId: 'INC-1' } });
  });

  it('shows report deadlines counted from what the team knows, without leaking the answer key', async () => {
    const mine = await api<ReportDeadlines>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/deadlines`);
    expect(mine.status).toBe(200);
    // Named by position, never by the answer key's obligation ids.
    expect(mine.body.deadlines.map((d) => d.obligationId)).toEqual(mine.body.deadlines.map((_d, i) => `deadline-${i + 1}`));
    expect(JSON.stringify(mine.body)).not.toMatch(/rep-notification|rep-initial|rep-situation-update/);
    const byId = Object.fromEntries(mine.body.deadlines.map((d) => [`rep-${d.kind}`, d]));
    const detectedAt = (await state(tokens.trainee1!)).body.detectedAtMs!;
    expect(byId['rep-notification']).toMatchObject({
      kind: 'notification',
      startsFrom: 'detection',
      status: 'met',
      startsAtMs: detectedAt,
      dueAtMs: detectedAt + 30 * 60_000,
      filedReportId: 'RPT-1',
    });
    expect(byId['rep-initial']).toMatchObject({ status: 'open', startsAtMs: detectedAt, dueAtMs: detectedAt + 45 * 60_000 });
    expect(byId['rep-situation-update']).toMatchObject({ startsFrom: 'schedule', status: 'upcoming', startsAtMs: 60 * 60_000, dueAtMs: 90 * 60_000 });
    // Nothing about the hidden alert the key starts from (ws-fim-new-phtml at 13m), the incident or the points;
    // the law itself (required recipients and content) is public and shown.
    expect(JSON.stringify(mine.body)).not.toMatch(/ws-fim-new-phtml|inc-portal|"points"|"incident"|inappropriate/);
    expect(byId['rep-notification']).toMatchObject({
      recipients: ['p-owner', 'p-specialised', 'p-vncert'],
      requiredContent: expect.arrayContaining(['security-level']),
    });

    // Team B's clocks run from its own recognition (its first incident), not team A's.
    const other = await api<ReportDeadlines>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/deadlines?teamId=${teamB}`);
    const bDetected = (await state(instructor, teamB)).body.detectedAtMs!;
    expect(bDetected).toBeGreaterThan(detectedAt);
    expect(other.body.deadlines.find((d) => d.kind === 'notification')).toMatchObject({ status: 'open', startsAtMs: bDetected, filedReportId: null });
  });

  it('locks an alert to its owner within the team; takeover requests and assignment hand it over', async () => {
    await refill();
    expect((await a1.act({ type: 'alert.acknowledge', alertId: ref('sc-ids-cmd-exe') })).data?.applied).toBe(true);
    const blocked = await Promise.all([
      a2.act({ type: 'alert.verdict', alertId: ref('sc-ids-cmd-exe'), verdict: 'true-positive' }),
      a2.act({ type: 'alert.severity', alertId: ref('sc-ids-cmd-exe'), severity: 'low' }),
      a2.act({ type: 'alert.note', alertId: ref('sc-ids-cmd-exe'), text: 'của tôi' }),
      a2.act({ type: 'alert.assign', alertId: ref('sc-ids-cmd-exe'), userId: ids.trainee2! }),
      a2.act({ type: 'alert.acknowledge', alertId: ref('sc-ids-cmd-exe') }),
      a2.act({ type: 'alert.release', alertId: ref('sc-ids-cmd-exe') }),
    ]);
    expect(blocked.map((r) => r.error?.code)).toEqual(Array(6).fill('ALERT_OWNED_BY_OTHER'));
    // The other team is not locked out by team A's owner.
    expect((await b1.act({ type: 'alert.acknowledge', alertId: ref('sc-ids-cmd-exe') })).data?.applied).toBe(true);

    const request = await a2.act({ type: 'alert.request-takeover', alertId: ref('sc-ids-cmd-exe'), message: 'Để tôi xử lý' });
    expect(request.data?.applied).toBe(true);
    await expectEventually(() => {
      const seen = a1.teamActions.find((m) => m.action.actionId === request.data!.actionId);
      expect(seen?.alerts[0]?.takeoverRequests).toEqual([expect.objectContaining({ userId: ids.trainee2, message: 'Để tôi xử lý' })]);
    });
    expect((await a1.act({ type: 'alert.assign', alertId: ref('sc-ids-cmd-exe'), userId: ids.trainee3! })).error?.code).toBe('VALIDATION_FAILED');
    expect((await a1.act({ type: 'alert.assign', alertId: ref('sc-ids-cmd-exe'), userId: ids.trainee2! })).data?.applied).toBe(true);
    expect((await a2.act({ type: 'alert.verdict', alertId: ref('sc-ids-cmd-exe'), verdict: 'true-positive' })).data?.applied).toBe(true);
    expect((await a1.act({ type: 'alert.note', alertId: ref('sc-ids-cmd-exe'), text: 'x' })).error?.code).toBe('ALERT_OWNED_BY_OTHER');
    expect((await a2.act({ type: 'alert.release', alertId: ref('sc-ids-cmd-exe') })).data?.applied).toBe(true);
    expect((await a1.act({ type: 'alert.acknowledge', alertId: ref('sc-ids-cmd-exe') })).data?.applied).toBe(true);
    const alert = (await state(tokens.trainee1!)).body.alerts[ref('sc-ids-cmd-exe')]!;
    expect(alert).toMatchObject({ ownerId: ids.trainee1, verdict: 'true-positive', takeoverRequests: [] });
  });

  it('is idempotent by actionId: retries (also concurrent ones) return the original ack and apply nothing', async () => {
    const actionId = randomUUID();
    const body = { type: 'alert.note' as const, alertId: ref('sc-ids-system32'), text: 'một lần thôi' };
    const acks = await Promise.all([a1.act(body, actionId), a1.act(body, actionId), a1.act(body, actionId), a1.act(body, actionId)]);
    expect(acks.every((r) => r.error === undefined)).toBe(true);
    expect(acks.filter((r) => r.data!.applied)).toHaveLength(1);
    expect(new Set(acks.map((r) => r.data!.seq)).size).toBe(1);
    const later = await a1.act(body, actionId);
    expect(later.data).toEqual({ ...acks.find((r) => r.data!.applied)!.data!, applied: false });
    const viaRest = await api<{ applied: boolean; seq: number }>(t.baseUrl, tokens.trainee1!, 'POST', `/exercises/${exercise.id}/actions`, {
      ...body,
      actionId,
      exerciseId: exercise.id,
    });
    expect(viaRest.body).toMatchObject({ applied: false, seq: later.data!.seq });
    expect(await journalRows(actionId)).toBe(1);
    expect((await state(tokens.trainee1!)).body.alerts[ref('sc-ids-system32')]!.notes).toHaveLength(1);
    await expectEventually(() => expect(a2.teamActions.filter((m) => m.action.actionId === actionId)).toHaveLength(1));
    // The same id from someone else is not a retry.
    expect((await a2.act(body, actionId)).error?.code).toBe('CONFLICT');
    // Nor from another team: action ids are unique within the exercise, and team B is untouched.
    const bSeq = (await state(instructor, teamB)).body.lastActionSeq;
    expect((await b1.act(body, actionId)).error?.code).toBe('CONFLICT');
    expect(await journalRows(actionId)).toBe(1);
    expect((await state(instructor, teamB)).body.lastActionSeq).toBe(bSeq);
  });

  it('refuses an action sent over the socket (ROUTE_NOT_FOUND): actions go over REST only', async () => {
    const before = (await state(tokens.trainee1!)).body.lastActionSeq;
    const actionId = randomUUID();
    const answer = await a1.emitAny('triage:act', {
      type: 'alert.note',
      alertId: ref('sc-ids-system32'),
      text: 'qua socket',
      actionId,
      exerciseId: exercise.id,
    });
    expect(answer.error?.code).toBe('ROUTE_NOT_FOUND');
    expect(await journalRows(actionId)).toBe(0);
    expect((await state(tokens.trainee1!)).body.lastActionSeq).toBe(before);
  });

  it('sends committed actions to teammates once and in commit order: after a quiet moment at once, a busy moment together', async () => {
    await refill();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const alertId = ref('sc-ids-system32');
      const ack = await a1.act(
        i % 2 === 0 ? { type: 'alert.note', alertId, text: `nhịp ${i}` } : { type: 'alert.severity', alertId, severity: i % 4 === 1 ? 'high' : 'medium' },
      );
      expect(ack.error).toBeUndefined();
      ids.push(ack.data!.actionId);
      // Exactly the per-user rate limit's 40 actions in any 2 s, however fast the machine is.
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    const mine = new Set(ids);
    await expectEventually(() => expect(a2.teamActions.filter((m) => mine.has(m.action.actionId))).toHaveLength(40));
    const messages = a2.teamActionBatches.filter((message) => message.some((id) => mine.has(id)));
    // Every action once, in commit order; the busy stretch travels in fewer messages than actions.
    expect(messages.flat()).toEqual(ids);
    expect(messages.length).toBeLessThan(40);
    // The alert's snapshot travels with the actions that change it (notes are append-only and carry
    // none), once per message with its last change; the last one received is current.
    const received = a2.teamActions.filter((m) => mine.has(m.action.actionId));
    const snapshots = received.flatMap((m) => m.alerts);
    expect(snapshots.length).toBeGreaterThanOrEqual(messages.length - 1);
    const current = (await state(tokens.trainee1!)).body.alerts[ref('sc-ids-system32')]!;
    expect(snapshots[snapshots.length - 1]).toEqual(current);
    expect(current.severity).toBe('medium');

    // After a quiet moment (longer than the 250 ms window), an action goes out alone, without waiting for company.
    await new Promise((resolve) => setTimeout(resolve, 700));
    const lone = await a1.act({ type: 'alert.note', alertId: ref('sc-ids-system32'), text: 'một mình' });
    expect(lone.error).toBeUndefined();
    await expectEventually(() => expect(a2.teamActionBatches.some((message) => message.includes(lone.data!.actionId))).toBe(true));
    expect(a2.teamActionBatches.find((message) => message.includes(lone.data!.actionId))).toEqual([lone.data!.actionId]);
  });

  it('refuses undelivered and unknown alerts', async () => {
    await refill();
    // Not yet delivered, another team's, made up, or a delivered alert's raw scenario id: all alike.
    for (const alertId of [ref('df-page-integrity'), ref('sp-fw-dmz-smb'), 'no-such-alert', 'ws-fim-new-phtml']) {
      expect((await a1.act({ type: 'alert.acknowledge', alertId })).error?.code).toBe('ALERT_NOT_DELIVERED');
    }
    expect(
      (await a1.act({ type: 'alert.verdict', alertId: ref('sc-ids-system32'), verdict: 'duplicate', duplicateOf: ref('df-page-integrity') })).error?.code,
    ).toBe('ALERT_NOT_DELIVERED');
    expect((await a1.act({ type: 'incident.create', title: 'x', alertIds: [ref('cu-fim-timestomp')] })).error?.code).toBe('ALERT_NOT_DELIVERED');
    expect((await a1.act({ type: 'hint.request', for: { alertId: ref('df-page-integrity') } })).error?.code).toBe('ALERT_NOT_DELIVERED');
  });

  it('keeps teams apart: outsiders, other teams and instructors cannot act or read', async () => {
    expect((await b1.act({ type: 'incident.update', incidentId: 'INC-2', title: 'not mine' })).error?.code).toBe('INCIDENT_NOT_FOUND');
    expect((await state(tokens.trainee3!, teamA)).body).toMatchObject({ error: { code: 'NOT_TEAM_MEMBER' } });
    expect((await state(instructor, teamA)).body.teamId).toBe(teamA);
    expect((await state(instructor, teamB)).body.lastActionSeq).toBeGreaterThan(0);
    expect((await cockpit.act({ type: 'alert.acknowledge', alertId: ref('sc-waf-404-burst') })).error?.code).toBe('NOT_TEAM_MEMBER');
    const outsider = await client(tokens.trainee4!);
    expect((await outsider.act({ type: 'alert.acknowledge', alertId: ref('sc-waf-404-burst') })).error?.code).toBe('EXERCISE_NOT_FOUND');
    expect((await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee4!, 'GET', `/exercises/${exercise.id}/state`)).body.error.code).toBe(
      'EXERCISE_NOT_FOUND',
    );
  });

  it('refuses malformed payloads with VALIDATION_FAILED (MALFORMED_JSON when the body is not an object)', async () => {
    const send = (payload: unknown) => actOverRest(t.baseUrl, tokens.trainee1!, exercise.id, payload);
    const base = { actionId: randomUUID(), exerciseId: exercise.id };
    const results = await Promise.all([
      send({ ...base, type: 'alert.acknowledge' }),
      send({ ...base, actionId: 'not-a-uuid', type: 'alert.acknowledge', alertId: 'x' }),
      send({ ...base, type: 'alert.explode', alertId: 'x' }),
      send({ ...base, type: 'alert.acknowledge', alertId: 'x', extra: true }),
      send({ ...base, type: 'alert.verdict', alertId: ref('n-l3-scan-notice'), verdict: 'false-positive' }),
      send({ ...base, type: 'alert.verdict', alertId: ref('n-l3-scan-notice'), verdict: 'duplicate' }),
      send({ ...base, type: 'response', action: 'nuke-from-orbit', target: 'web-01' }),
      send('just a string'),
      send(null),
    ]);
    // A body that is not a JSON object never reaches validation.
    expect(results.map((r) => r.error?.code)).toEqual([...Array(7).fill('VALIDATION_FAILED'), 'MALFORMED_JSON', 'MALFORMED_JSON']);
    const rest = await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee1!, 'POST', `/exercises/${exercise.id}/actions`, {
      ...base,
      type: 'alert.note',
      alertId: 'x',
    });
    expect(rest.status).toBe(400);
    expect(rest.body.error.code).toBe('VALIDATION_FAILED');
    const wrongPath = await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee1!, 'POST', `/exercises/${randomUUID()}/actions`, {
      ...base,
      type: 'alert.note',
      alertId: 'x',
      text: 'y',
    });
    expect(wrongPath.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses actions while paused (retries still get their original ack), accepts them again after resume', async () => {
    await refill();
    const before = await a1.act({ type: 'alert.note', alertId: ref('sc-waf-404-burst'), text: 'trước khi tạm dừng' });
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`)).status).toBe(200);
    const paused = await a1.act({ type: 'alert.note', alertId: ref('sc-waf-404-burst'), text: 'khi tạm dừng' });
    expect(paused.error?.code).toBe('EXERCISE_PAUSED');
    const rest = await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee1!, 'POST', `/exercises/${exercise.id}/actions`, {
      actionId: randomUUID(),
      exerciseId: exercise.id,
      type: 'alert.severity',
      alertId: ref('sc-waf-404-burst'),
      severity: 'low',
    });
    expect(rest.status).toBe(409);
    expect(rest.body.error.code).toBe('EXERCISE_PAUSED');
    const retry = await a1.act({ type: 'alert.note', alertId: ref('sc-waf-404-burst'), text: 'trước khi tạm dừng' }, before.data!.actionId);
    expect(retry.data).toEqual({ ...before.data, applied: false });
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/resume`)).status).toBe(200);
    expect((await a1.act({ type: 'alert.note', alertId: ref('sc-waf-404-burst'), text: 'sau khi tiếp tục' })).data?.applied).toBe(true);
  });

  it('rate-limits a trainee who floods actions', async () => {
    const results = await Promise.all(
      Array.from({ length: 70 }, (_, i) => b1.act({ type: 'alert.note', alertId: ref('sc-waf-404-burst'), text: `spam ${i}` })),
    );
    const codes = results.map((r) => r.error?.code ?? 'ok');
    expect(codes.filter((c) => c === 'ok').length).toBeGreaterThanOrEqual(40);
    expect(codes).toContain('RATE_LIMITED');
    expect(codes.filter((c) => c !== 'ok' && c !== 'RATE_LIMITED')).toEqual([]);
  });

  it('serves each team the state its log folds to (the live cache updates its maps in place)', async () => {
    const parsed = parseScenario(readFileSync(join(__dirname, '..', '..', 'scenarios', 'portal-defacement.yaml')));
    if (!parsed.ok) throw new Error('flagship does not parse');
    const teams: Array<[string, string[]]> = [
      [teamA, [ids.trainee1!, ids.trainee2!]],
      [teamB, [ids.trainee3!]],
    ];
    for (const [teamId, members] of teams) {
      const log = await api<{ actions: RecordedAction[] }>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/actions?teamId=${teamId}&limit=1000`);
      expect(log.body.actions.length).toBeGreaterThan(0);
      // The log names alerts by reference; the reducer (hints, for one) works with event ids.
      const eventIdOf = new Map(parsed.scenario.timeline.map((a) => [ref(a.id), a.id]));
      const inputs = log.body.actions.map((r) => {
        const input = recordedInput(r);
        return { ...input, action: renameActionAlertIds(input.action, (id) => eventIdOf.get(id) ?? id) };
      });
      const folded = deriveTeamState(inputs, { delivered: () => true, scenario: triageScenarioView(parsed.scenario), teamMemberIds: new Set(members) });
      expect((await state(instructor, teamId)).body).toEqual(teamStateWithRefs(folded, ref));
    }
  });

  it('makes the exercise read-only after finish: actions refused, state still readable', async () => {
    const last = (await state(tokens.trainee1!)).body;
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/finish`)).status).toBe(200);
    expect((await a1.act({ type: 'alert.note', alertId: ref('sc-waf-404-burst'), text: 'muộn' })).error?.code).toBe('EXERCISE_FINISHED');
    const after = await state(tokens.trainee1!);
    expect(after.body).toEqual(last);
    const actions = await api<{ actions: RecordedAction[] }>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/actions?teamId=${teamA}`);
    expect(actions.body.actions.map((x) => x.seq)).toEqual(Array.from({ length: last.lastActionSeq }, (_, i) => i + 1));
  });

  it('documents the triage routes in /api/docs-json', async () => {
    const doc = (await (await fetch(`${t.baseUrl}/api/docs-json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/exercises/{exerciseId}/actions', '/api/exercises/{exerciseId}/state', '/api/exercises/{exerciseId}/deadlines']),
    );
    expect(doc.paths['/api/exercises/{exerciseId}/actions']).toHaveProperty('post');
    expect(doc.paths['/api/exercises/{exerciseId}/actions']).toHaveProperty('get');
  });
});
