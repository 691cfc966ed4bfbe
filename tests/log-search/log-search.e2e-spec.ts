import { randomUUID } from 'node:crypto';
import type { ExerciseDto, StreamEvent } from '../../src/contracts/exercise.schema';
import type { AlertContextResult, LogPivotResult, LogSearchResult, SavedLogQuery } from '../../src/contracts/log-search.schema';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { actOverRest, uploadBundled } from '../triage/triage-support';

/**
 * The flagship's logs searched by two teams of one exercise at T+45m: team A isolated web-01 at
 * T+20m (its later attack lines on web-01 never happen; the firewall denies the host's beacons),
 * team B did not (the malware spread to the intranet at T+40m). Every query shape and every pivot
 * is checked against both gates: nothing after the team's present, nothing of the other branch.
 */
describe('log search (e2e)', () => {
  let t: TestApp;
  let instructor: string;
  let trainee1: string;
  let trainee2: string;
  let trainee3: string;
  let exercise: ExerciseDto;
  let teamA: string;
  let teamB: string;
  let ref: (eventId: string) => string;
  const ISOLATED_AT = 20 * 60_000;

  const search = (token: string, body: Record<string, unknown>) =>
    api<LogSearchResult>(t.baseUrl, token, 'POST', `/exercises/${exercise.id}/logs/search`, body);
  const delivered = async (token: string): Promise<StreamEvent[]> =>
    (await api<{ events: StreamEvent[] }>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body.events;

  // What a team must never see of the other branch.
  const spreadLine = (raw: string) => /Ke_hoach_trien_khai|svc_portal_ldap Source Network|,10\.10\.40\.10,\d+,445,/.test(raw);
  const isolationDeny = (raw: string) => raw.includes('igb2,match,block');
  const beaconAllowed = (raw: string) => /match,pass,out.*,198\.51\.100\.77,/.test(raw);

  function expectGates(result: LogSearchResult, team: 'A' | 'B'): void {
    expect(result.hits.length).toBeLessThanOrEqual(result.total);
    for (const hit of result.hits) {
      expect(hit.virtualMs).toBeLessThanOrEqual(result.nowMs);
      if (team === 'A') {
        expect(spreadLine(hit.raw)).toBe(false);
        if (beaconAllowed(hit.raw)) expect(hit.virtualMs).toBeLessThanOrEqual(ISOLATED_AT);
      } else expect(isolationDeny(hit.raw)).toBe(false);
    }
    expect(result.histogram.counts.reduce((a, b) => a + b, 0)).toBe(result.total);
  }

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    trainee1 = await login(t.baseUrl, 'trainee1');
    trainee2 = await login(t.baseUrl, 'trainee2');
    trainee3 = await login(t.baseUrl, 'trainee3');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
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
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: ISOLATED_AT })).status).toBe(200);
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`)).status).toBe(200);
  }, 120_000);

  afterAll(() => t.close());

  it('finds the scanner in the first twenty minutes and nothing of the future, whatever range is asked', async () => {
    const scan = await search(trainee1, { query: 'source.ip:203.0.113.66', toMs: 7_200_000 });
    expect(scan.status).toBe(200);
    expect(scan.body.teamId).toBe(teamA);
    expect(scan.body.total).toBeGreaterThan(90);
    expect(scan.body.nowMs).toBeLessThanOrEqual(ISOLATED_AT + 1000);
    expect(scan.body.toMs).toBe(scan.body.nowMs);
    expectGates(scan.body, 'A');
    // The C2 domain is first resolved at T+31m: not yet, for anyone.
    for (const token of [trainee1, trainee3]) expect((await search(token, { query: 'cdn-thongke.example', fromMs: 0, toMs: 7_200_000 })).body.total).toBe(0);
    const everything = await search(trainee3, { query: '', limit: 5 });
    expect(everything.body.total).toBeGreaterThan(3000);
    expect(everything.body.fields).toEqual(expect.arrayContaining(['source.ip']));
  }, 60_000);

  it('refuses a query it cannot read with LOG_QUERY_INVALID and the column of the error', async () => {
    const bad = await search(trainee1, { query: 'source.ip:10.0.0.5 AND (' });
    expect(bad.status).toBe(400);
    const error = (bad.body as unknown as { error: { code: string; details: Array<{ column: number }> } }).error;
    expect(error.code).toBe('LOG_QUERY_INVALID');
    expect(error.details[0]!.column).toBeGreaterThan(20);
    const notNumber = await search(trainee1, { query: 'http.response.status_code:>abc' });
    expect((notNumber.body as unknown as { error: { code: string } }).error.code).toBe('LOG_QUERY_INVALID');
  });

  it("keeps a trainee to their own team's logs; staff choose the team", async () => {
    const foreign = await search(trainee3, { query: '', teamId: teamA });
    expect(foreign.status).toBe(403);
    expect((foreign.body as unknown as { error: { code: string } }).error.code).toBe('NOT_TEAM_MEMBER');
    const staff = await search(instructor, { query: '', teamId: teamB, limit: 1 });
    expect(staff.status).toBe(200);
    expect(staff.body.teamId).toBe(teamB);
    expect((await search(instructor, { query: '' })).status).toBe(400);
  });

  describe('after team A isolated web-01 at T+20m and the clock reached T+45m', () => {
    beforeAll(async () => {
      expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/resume`)).status).toBe(200);
      const acted = await actOverRest(t.baseUrl, trainee1, exercise.id, {
        actionId: randomUUID(),
        exerciseId: exercise.id,
        type: 'response',
        action: 'isolate-host',
        target: 'web-01',
      });
      expect(acted.error).toBeUndefined();
      expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 45 * 60_000 })).status).toBe(200);
      expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`)).status).toBe(200);
      await expectEventually(async () => expect((await delivered(trainee3)).map((e) => e.eventId)).toContain(ref('sp-fw-dmz-smb')), 20_000);
    }, 60_000);

    const shapes = [
      'Ke_hoach_trien_khai_CDS_2025.pdf.exe',
      'destination.port:445',
      'destination.ip:198.51.100.77',
      'process.name:Ke_hoach*',
      'file.path:D\\:\\\\Shares*',
      'network.bytes:[20000 TO 21600]',
      'destination.port:>=8080 AND destination.port:<=8080',
      'source.ip:10.10.10.11 AND (destination.port:445 OR destination.port:8080) AND NOT source:dns',
      '"svc_portal_ldap Source Network Address"',
      'destination.ip:/198\\.51\\.100\\.7./',
      'NOT source:web-access',
      '198.51.100.77 -source:dns',
      '',
    ];

    it.each(shapes)('query %p: team A sees neither the spread nor beacons after its isolation, team B not A’s denials, neither the future', async (query) => {
      for (const [token, team] of [
        [trainee1, 'A'],
        [trainee3, 'B'],
      ] as const) {
        const result = await search(token, { query, fromMs: 0, toMs: 7_200_000, limit: 500 });
        expect(result.status).toBe(200);
        expectGates(result.body, team);
      }
    });

    it('each branch shows its own consequences (the checks above can fail)', async () => {
      const denials = await search(trainee1, { query: 'destination.ip:198.51.100.77 AND event.action:deny' });
      expect(denials.body.hits.some((h) => isolationDeny(h.raw))).toBe(true);
      expect((await search(trainee3, { query: 'destination.ip:198.51.100.77 AND event.action:deny' })).body.total).toBe(0);
      const spread = await search(trainee3, { query: 'destination.port:445 AND source.ip:10.10.10.11' });
      expect(spread.body.hits.some((h) => spreadLine(h.raw))).toBe(true);
      expect((await search(trainee1, { query: 'destination.port:445 AND source.ip:10.10.10.11' })).body.total).toBe(0);
      const beacons = await search(trainee3, { query: 'destination.ip:198.51.100.77 AND event.action:allow' });
      expect(beacons.body.hits.some((h) => h.virtualMs > ISOLATED_AT && beaconAllowed(h.raw))).toBe(true);
    });

    it('pivots on an indicator to its events, the alerts that carry it and the incidents that list it, within both gates', async () => {
      expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/resume`)).status).toBe(200);
      const incident = await actOverRest(t.baseUrl, trainee1, exercise.id, {
        actionId: randomUUID(),
        exerciseId: exercise.id,
        type: 'incident.create',
        title: 'Tấn công cổng',
        alertIds: [ref('sc-waf-404-burst')],
        severity: 'high',
        legalClass: 'ordinary',
      });
      expect(incident.error).toBeUndefined();
      const incidentId = (incident.data as { result?: { incidentId?: string } }).result?.incidentId ?? 'INC-1';
      await actOverRest(t.baseUrl, trainee1, exercise.id, {
        actionId: randomUUID(),
        exerciseId: exercise.id,
        type: 'incident.observable',
        incidentId,
        observable: { type: 'ip', value: '203.0.113.66' },
      });
      expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`)).status).toBe(200);
      const pivot = await api<LogPivotResult>(t.baseUrl, trainee1, 'GET', `/exercises/${exercise.id}/logs/pivot?type=ip&value=203.0.113.66`);
      expect(pivot.status).toBe(200);
      expect(pivot.body.events.total).toBeGreaterThan(90);
      expect(pivot.body.alerts.map((a) => a.ref)).toContain(ref('sc-waf-404-burst'));
      expect(pivot.body.incidents.map((i) => i.id)).toContain(incidentId);
      expectGates(pivot.body.events, 'A');
      expect((await api<LogPivotResult>(t.baseUrl, trainee3, 'GET', `/exercises/${exercise.id}/logs/pivot?type=ip&value=203.0.113.66`)).body.incidents).toEqual(
        [],
      );
      for (const [token, team] of [
        [trainee1, 'A'],
        [trainee3, 'B'],
      ] as const) {
        for (const [type, value] of [
          ['ip', '198.51.100.77'],
          ['domain', 'cdn-thongke.example'],
          ['ip', '10.10.40.10'],
          ['file-path', 'D:\\Shares\\VanBanDen\\2025\\Ke_hoach_trien_khai_CDS_2025.pdf.exe'],
          ['account', 'svc_portal_ldap'],
        ]) {
          const result = await api<LogPivotResult>(
            t.baseUrl,
            token,
            'GET',
            `/exercises/${exercise.id}/logs/pivot?limit=500&type=${type}&value=${encodeURIComponent(value!)}`,
          );
          expect(result.status).toBe(200);
          expectGates(result.body.events, team);
        }
      }
    });

    it("opens the events on an alert's host around its time, never past the team's present", async () => {
      const around = await api<AlertContextResult>(
        t.baseUrl,
        trainee1,
        'GET',
        `/exercises/${exercise.id}/logs/around/${ref('ws-fim-new-phtml')}?windowMs=120000&limit=500`,
      );
      expect(around.status).toBe(200);
      expect(around.body.query).toBe('asset:"web-01"');
      expect(around.body.events.total).toBeGreaterThan(100);
      for (const hit of around.body.events.hits) {
        expect(hit.asset).toBe('web-01');
        expect(Math.abs(hit.virtualMs - around.body.alertVirtualMs)).toBeLessThanOrEqual(120_000);
      }
      expect(around.body.events.hits.some((h) => h.raw.includes('thumb_cache.phtml'))).toBe(true);
      for (const [token, team] of [
        [trainee1, 'A'],
        [trainee3, 'B'],
      ] as const) {
        const late = await api<AlertContextResult>(
          t.baseUrl,
          token,
          'GET',
          `/exercises/${exercise.id}/logs/around/${ref('sc-waf-404-burst')}?windowMs=21600000&limit=500`,
        );
        expectGates(late.body.events, team);
      }
      const undelivered = await api(t.baseUrl, trainee1, 'GET', `/exercises/${exercise.id}/logs/around/${ref('df-page-integrity')}`);
      expect((undelivered.body as { error: { code: string } }).error.code).toBe('ALERT_NOT_DELIVERED');
    });
  });

  it('sends raw events through the search only: not the briefing, the event stream or the exports', async () => {
    const texts = [
      JSON.stringify((await api(t.baseUrl, trainee1, 'GET', `/exercises/${exercise.id}/briefing`)).body),
      JSON.stringify(await delivered(trainee1)),
      await (await fetch(`${t.baseUrl}/api/exercises/${exercise.id}/export/ecs`, { headers: { authorization: `Bearer ${trainee1}` } })).text(),
      await (await fetch(`${t.baseUrl}/api/exercises/${exercise.id}/export/ocsf`, { headers: { authorization: `Bearer ${trainee1}` } })).text(),
    ];
    // Words only the corpus has (background lines and the attack's firewall, FIM and DB audit lines).
    for (const text of texts)
      for (const word of ['hoat-dong-cua-tinh', 'filterlog', 'wazuh-syscheck', 'mysqld-audit', 'g-c2-beacon']) expect(text).not.toContain(word);
    // The same words are in the team's search, so the check could fail.
    expect((await search(trainee1, { query: 'filterlog', limit: 1 })).body.total).toBeGreaterThan(0);
  });

  it('saves searches per user', async () => {
    const saved = await api<SavedLogQuery>(t.baseUrl, trainee1, 'POST', '/log-queries', {
      name: 'Máy quét',
      query: 'source.ip:203.0.113.66',
      columns: ['url.original'],
    });
    expect(saved.status).toBe(201);
    expect((await api<SavedLogQuery[]>(t.baseUrl, trainee1, 'GET', '/log-queries')).body.map((q) => q.id)).toContain(saved.body.id);
    expect((await api<SavedLogQuery[]>(t.baseUrl, trainee2, 'GET', '/log-queries')).body).toEqual([]);
    expect((await api(t.baseUrl, trainee2, 'DELETE', `/log-queries/${saved.body.id}`)).status).toBe(404);
    const bad = await api(t.baseUrl, trainee1, 'POST', '/log-queries', { name: 'x', query: 'a AND' });
    expect((bad.body as { error: { code: string } }).error.code).toBe('LOG_QUERY_INVALID');
    expect((await api(t.baseUrl, trainee1, 'DELETE', `/log-queries/${saved.body.id}`)).status).toBe(204);
    expect((await api<SavedLogQuery[]>(t.baseUrl, trainee1, 'GET', '/log-queries')).body).toEqual([]);
  });

  it('documents the routes in OpenAPI', async () => {
    const doc = (await (await fetch(`${t.baseUrl}/api/docs-json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/exercises/{exerciseId}/logs/search',
        '/api/exercises/{exerciseId}/logs/pivot',
        '/api/exercises/{exerciseId}/logs/around/{alertRef}',
        '/api/log-queries',
      ]),
    );
  });
});
