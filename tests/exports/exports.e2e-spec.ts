import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExerciseDto, StreamEvent } from '../../src/contracts/exercise.schema';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { actOverRest, uploadBundled } from '../triage/triage-support';
import { ecsFields, ecsProblems, ocsfProblems, stixBundleProblems, stixValidators } from './export-validators';

interface Download {
  readonly status: number;
  readonly type: string;
  readonly disposition: string;
  readonly text: string;
}

const flagship = (() => {
  const parsed = parseScenario(readFileSync(join(__dirname, '..', '..', 'scenarios', 'portal-defacement.yaml')));
  if (!parsed.ok) throw new Error('flagship does not parse');
  return parsed.scenario;
})();

describe('STIX, OCSF and ECS exports (e2e)', () => {
  let t: TestApp;
  let instructor: string;
  let reviewer: string;
  let trainee1: string;
  let trainee3: string;
  let exercise: ExerciseDto;
  let versionId: string;
  let teamA: string;
  let teamB: string;
  let ref: (eventId: string) => string;
  const validators = stixValidators();

  const download = async (token: string, path: string): Promise<Download> => {
    const response = await fetch(`${t.baseUrl}/api${path}`, { headers: { authorization: `Bearer ${token}` } });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      disposition: response.headers.get('content-disposition') ?? '',
      text: await response.text(),
    };
  };
  const code = (d: Download) => (JSON.parse(d.text) as { error?: { code: string } }).error?.code;
  const act = async (token: string, body: Record<string, unknown>) => {
    const result = await actOverRest(t.baseUrl, token, exercise.id, { actionId: randomUUID(), exerciseId: exercise.id, ...body });
    expect(result.error).toBeUndefined();
    return result.data!;
  };
  const delivered = async (token: string): Promise<StreamEvent[]> =>
    (await api<{ events: StreamEvent[] }>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body.events;

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    reviewer = await login(t.baseUrl, 'reviewer');
    trainee1 = await login(t.baseUrl, 'trainee1');
    trainee3 = await login(t.baseUrl, 'trainee3');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    versionId = await uploadBundled(t.baseUrl, instructor, 'portal-defacement');
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
    expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 20 * 60_000 })).status).toBe(200);
    await expectEventually(async () => expect((await delivered(trainee1)).map((e) => e.eventId)).toContain(ref('ws-fim-new-phtml')));

    await act(trainee1, { type: 'alert.verdict', alertId: ref('ws-fim-new-phtml'), verdict: 'true-positive' });
    await act(trainee1, {
      type: 'incident.create',
      title: 'Webshell trên cổng',
      alertIds: [ref('ws-fim-new-phtml')],
      severity: 'high',
      legalClass: 'ordinary',
    });
    await act(trainee1, { type: 'incident.observable', incidentId: 'INC-1', observable: { type: 'ip', value: '203.0.113.66' } });
    await act(trainee1, { type: 'incident.observable', incidentId: 'INC-1', observable: { type: 'file-path', value: "/var/www/it's/shell.phtml" } });
    await act(trainee1, {
      type: 'report.file',
      kind: 'notification',
      recipients: ['p-csirt'],
      incidentId: 'INC-1',
      content: {
        whatHappened: 'Webshell thumb_cache.phtml trên web-01',
        iocs: [{ type: 'hash-sha256', value: 'a0c98155948be8f86a341ef780666a4eb3bf78e07ca74e149f2c4edc0839dd07' }],
      },
    });
  }, 60_000);

  afterAll(() => t.close());

  it("exports a team's incident as a STIX 2.1 download the OASIS schemas accept, identical when exported twice", async () => {
    const path = `/exercises/${exercise.id}/export/stix?incidentId=INC-1`;
    const first = await download(trainee1, path);
    expect(first.status).toBe(200);
    expect(first.type).toContain('application/stix+json');
    expect(first.disposition).toContain('attachment; filename="soc-drill-');
    const bundle = JSON.parse(first.text) as { type: string; objects: Array<Record<string, unknown>> };
    expect(stixBundleProblems(bundle, validators)).toEqual([]);
    expect((await download(trainee1, path)).text).toBe(first.text);
    const patterns = bundle.objects.filter((o) => o.type === 'indicator').map((o) => o.pattern);
    expect(patterns).toEqual(
      expect.arrayContaining([
        "[ipv4-addr:value = '203.0.113.66']",
        "[file:name = 'shell.phtml' AND file:parent_directory_ref.path = '/var/www/it\\'s']",
        "[file:hashes.'SHA-256' = 'a0c98155948be8f86a341ef780666a4eb3bf78e07ca74e149f2c4edc0839dd07']",
      ]),
    );
    // The attacker's address was in the alert the team linked: a sighting backed by the alert's observed-data.
    expect(bundle.objects.some((o) => o.type === 'sighting' && Array.isArray(o.observed_data_refs))).toBe(true);
    expect(bundle.objects.find((o) => o.type === 'report')).toMatchObject({
      name: 'Webshell trên cổng',
      object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'],
    });
  });

  it('takes the TLP level the team chooses and refuses an unknown one', async () => {
    const red = JSON.parse((await download(trainee1, `/exercises/${exercise.id}/export/stix?tlp=red`)).text) as { objects: Array<Record<string, unknown>> };
    expect(red.objects[0]).toMatchObject({ id: 'marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1', name: 'TLP:RED' });
    const bad = await download(trainee1, `/exercises/${exercise.id}/export/stix?tlp=white`);
    expect([bad.status, code(bad)]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('answers with stable codes: another team, an unknown incident, nothing to share yet', async () => {
    const other = await download(trainee1, `/exercises/${exercise.id}/export/stix?teamId=${teamB}`);
    expect([other.status, code(other)]).toEqual([403, 'NOT_TEAM_MEMBER']);
    const missing = await download(trainee1, `/exercises/${exercise.id}/export/stix?incidentId=INC-9`);
    expect([missing.status, code(missing)]).toEqual([404, 'INCIDENT_NOT_FOUND']);
    const empty = await download(trainee3, `/exercises/${exercise.id}/export/stix`);
    expect([empty.status, code(empty)]).toEqual([422, 'EXPORT_EMPTY']);
    for (const kind of ['ocsf', 'ecs']) {
      const refused = await download(trainee3, `/exercises/${exercise.id}/export/${kind}?teamId=${teamA}`);
      expect([refused.status, code(refused)]).toEqual([403, 'NOT_TEAM_MEMBER']);
    }
  });

  it("lets the organisation's staff export any team", async () => {
    for (const token of [instructor, reviewer]) {
      const d = await download(token, `/exercises/${exercise.id}/export/stix?teamId=${teamA}&lang=en`);
      expect(d.status).toBe(200);
      expect(stixBundleProblems(JSON.parse(d.text) as { objects: Array<Record<string, unknown>> }, validators)).toEqual([]);
    }
  });

  it("exports the team's alert queue as OCSF Detection Findings and ECS NDJSON: every delivered alert, no other", async () => {
    const refs = (await delivered(trainee1)).map((e) => e.eventId);
    const ocsf = await download(trainee1, `/exercises/${exercise.id}/export/ocsf`);
    expect(ocsf.status).toBe(200);
    const findings = JSON.parse(ocsf.text) as Array<Record<string, unknown> & { finding_info: { uid: string }; status_id: number }>;
    expect(findings.map((f) => f.finding_info.uid)).toEqual(refs);
    for (const f of findings) expect(ocsfProblems(f)).toEqual([]);
    expect(findings.find((f) => f.finding_info.uid === ref('ws-fim-new-phtml'))!.status_id).toBe(2);

    const ecs = await download(trainee1, `/exercises/${exercise.id}/export/ecs`);
    expect(ecs.status).toBe(200);
    expect(ecs.type).toContain('application/x-ndjson');
    const docs = ecs.text
      .trimEnd()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as Record<string, unknown> & {
            '@timestamp': string;
            event: { id: string; kind: string };
            soc_drill: { alert: { verdict: string | null } };
          },
      );
    expect(docs.map((d) => d.event.id)).toEqual(refs);
    const fields = ecsFields();
    for (const d of docs) {
      expect(ecsProblems(d, fields)).toEqual([]);
      expect(d.event.kind).toBe('alert');
      expect(d['@timestamp']).toMatch(/\+07:00$/);
    }
    expect(docs.find((d) => d.event.id === ref('ws-fim-new-phtml'))!.soc_drill.alert.verdict).toBe('true-positive');
  });

  it('never lets the answer key out through a team export', async () => {
    // What the team could see: everything delivered to it, and what it typed itself.
    const seenText = `${JSON.stringify(await delivered(trainee1))} 203.0.113.66 /var/www/it's/shell.phtml`.toLowerCase();
    // Observables only undelivered alerts carry, and the key's own words.
    const unseen = [...new Set(flagship.timeline.flatMap((a) => a.observables.map((o) => o.value)))].filter(
      (v) => v.length > 6 && !seenText.includes(JSON.stringify(v.toLowerCase()).slice(1, -1)),
    );
    expect(unseen.length).toBeGreaterThan(0);
    const texts = [
      (await download(trainee1, `/exercises/${exercise.id}/export/stix`)).text,
      (await download(trainee1, `/exercises/${exercise.id}/export/ocsf`)).text,
      (await download(trainee1, `/exercises/${exercise.id}/export/ecs`)).text,
    ];
    const keyWords = flagship.timeline.flatMap((a) => (a.answer.rationale ? [a.answer.rationale.vi, a.answer.rationale.en] : []));
    for (const text of texts) {
      for (const value of unseen) expect(text.includes(JSON.stringify(value).slice(1, -1))).toBe(false);
      for (const words of keyWords) expect(text.includes(JSON.stringify(words).slice(1, -1))).toBe(false);
      expect(text).not.toMatch(/"role"|"answer"|ws-fim-new-phtml/);
    }
  });

  it("gives instructors the scenario's answer key as STIX, and never a trainee or a reviewer", async () => {
    const path = `/scenarios/portal-defacement/versions/${versionId}/export/stix`;
    const key = await download(instructor, path);
    expect(key.status).toBe(200);
    const bundle = JSON.parse(key.text) as { objects: Array<Record<string, unknown>> };
    expect(stixBundleProblems(bundle, validators)).toEqual([]);
    expect(bundle.objects.filter((o) => o.type === 'indicator').length).toBeGreaterThan(5);
    expect((await download(instructor, path)).text).toBe(key.text);
    for (const token of [trainee1, reviewer]) {
      const refused = await download(token, path);
      expect([refused.status, code(refused)]).toEqual([403, 'FORBIDDEN']);
    }
    const unknown = await download(instructor, `/scenarios/portal-defacement/versions/${randomUUID()}/export/stix`);
    expect([unknown.status, code(unknown)]).toEqual([404, 'SCENARIO_NOT_FOUND']);
  });
});
