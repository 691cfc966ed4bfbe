import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, login } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { createSecondOrganisation, SECOND_ORG_INSTRUCTOR, SECOND_ORG_PASSWORD, SECOND_ORG_TRAINEE } from './second-organisation';

interface Summary {
  versionId: string;
  scenarioId: string;
  version: string;
  library: 'shared' | 'own';
  origin: string;
  publishedBy: string | null;
  copiedFrom: string | null;
}
interface ErrorBody {
  error: { code: string; message: string };
}

const ROOT = join(__dirname, '..', '..');
const MINIMAL = readFileSync(join(ROOT, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');

/** The minimal fixture under another id / version number (and a changed title, so the text differs). */
function variant(id: string, version: string, title = 'Kịch bản kiểm thử tối thiểu'): string {
  return MINIMAL.replace(/^id: .*$/m, `id: ${id}`).replace(/^version: .*$/m, `version: ${version}`).replace('vi: Kịch bản kiểm thử tối thiểu', `vi: ${title}`);
}

describe('scenarios owned by an organisation (e2e)', () => {
  let t: TestApp;
  let instructorA: string;
  let traineeA: string;
  let instructorB: string;
  let traineeB: string;
  let admin: string;
  let traineeBId: string;

  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(ROOT, 'scenarios'), PASSWORD_SCRYPT_LOG2N: '10' });
    admin = await login(t.baseUrl, 'admin');
    await createSecondOrganisation(t.baseUrl, admin);
    instructorA = await login(t.baseUrl, 'instructor');
    traineeA = await login(t.baseUrl, 'trainee1');
    instructorB = await login(t.baseUrl, SECOND_ORG_INSTRUCTOR, SECOND_ORG_PASSWORD);
    traineeB = await login(t.baseUrl, SECOND_ORG_TRAINEE, SECOND_ORG_PASSWORD);
    const users = await api<{ items: Array<{ id: string; username: string }> }>(t.baseUrl, instructorB, 'GET', '/users?limit=100');
    traineeBId = users.body.items.find((u) => u.username === SECOND_ORG_TRAINEE)!.id;
  });
  afterAll(async () => {
    await t.close();
  });

  async function upload(token: string, source: string): Promise<Summary> {
    const response = await api<Summary>(t.baseUrl, token, 'POST', '/scenarios', { source });
    expect(response.status).toBe(201);
    return response.body;
  }

  /** A foreign scenario must answer exactly as one that never existed: same status, code and message shape. */
  async function expectHidden(token: string, method: string, foreignPath: string, missingPath: string, body?: unknown, names: [string, string] = ['x', 'x']): Promise<void> {
    const foreign = await api<ErrorBody>(t.baseUrl, token, method, foreignPath, body);
    const missing = await api<ErrorBody>(t.baseUrl, token, method, missingPath, body);
    expect({ path: foreignPath, status: foreign.status, code: foreign.body.error?.code }).toEqual({ path: foreignPath, status: 404, code: 'SCENARIO_NOT_FOUND' });
    expect({ status: missing.status, code: missing.body.error?.code }).toEqual({ status: 404, code: 'SCENARIO_NOT_FOUND' });
    expect(foreign.body.error.message.replace(names[0], '<id>')).toBe(missing.body.error.message.replace(names[1], '<id>'));
  }

  it("hides one organisation's scenario from another: list, briefing, versions, answer key, simulate, run, version, copy and publish all answer as for a missing one", async () => {
    const own = await upload(instructorA, variant('lam-son-secret', '1.0.0'));
    expect(own).toMatchObject({ library: 'own', origin: 'upload' });
    const missingVersion = '00000000-0000-4000-8000-000000000000';
    const ids = ['lam-son-secret', 'never-existed'] as [string, string];
    const versions: [string, string] = [own.versionId, missingVersion];

    for (const token of [instructorB, traineeB]) {
      const list = await api<Summary[] | { error: { code: string } }>(t.baseUrl, token, 'GET', '/scenarios');
      // Trainees read briefings, never the catalogue; instructors list only what they may see.
      if (token === traineeB) expect(list.body).toMatchObject({ error: { code: 'FORBIDDEN' } });
      else expect((list.body as Summary[]).map((s) => s.scenarioId)).not.toContain('lam-son-secret');
      await expectHidden(token, 'GET', '/scenarios/lam-son-secret', '/scenarios/never-existed', undefined, ids);
    }
    await expectHidden(instructorB, 'GET', '/scenarios/lam-son-secret/versions', '/scenarios/never-existed/versions', undefined, ids);
    await expectHidden(instructorB, 'GET', `/scenarios/lam-son-secret/versions/${own.versionId}`, `/scenarios/lam-son-secret/versions/${missingVersion}`, undefined, versions);
    await expectHidden(instructorB, 'POST', `/scenarios/lam-son-secret/versions/${own.versionId}/simulate`, `/scenarios/lam-son-secret/versions/${missingVersion}/simulate`, { solver: 'perfect' }, versions);
    await expectHidden(instructorB, 'POST', `/scenarios/lam-son-secret/versions/${own.versionId}/copy`, `/scenarios/lam-son-secret/versions/${missingVersion}/copy`, {}, versions);
    await expectHidden(instructorB, 'POST', `/scenarios/lam-son-secret/versions/${own.versionId}/publish`, `/scenarios/lam-son-secret/versions/${missingVersion}/publish`, undefined, versions);
    for (const versionId of versions) {
      const run = await api<ErrorBody>(t.baseUrl, instructorB, 'POST', '/exercises', { scenarioVersionId: versionId, teams: [{ name: 'B', memberIds: [traineeBId] }] });
      expect({ versionId, status: run.status, code: run.body.error?.code }).toEqual({ versionId, status: 404, code: 'SCENARIO_NOT_FOUND' });
    }
    // Publishing "over" it from the other province: refused as for a missing scenario, and nothing changes.
    const over = await api<ErrorBody>(t.baseUrl, instructorB, 'PUT', '/scenarios/lam-son-secret', { source: variant('lam-son-secret', '9.0.0', 'Ghi đè') });
    const overMissing = await api<ErrorBody>(t.baseUrl, instructorB, 'PUT', '/scenarios/never-existed', { source: variant('never-existed', '9.0.0', 'Ghi đè') });
    expect([over.status, over.body.error.code, over.body.error.message.replace('lam-son-secret', '<id>')]).toEqual([404, 'SCENARIO_NOT_FOUND', overMissing.body.error.message.replace('never-existed', '<id>')]);
    const stillA = await api<Summary[]>(t.baseUrl, instructorA, 'GET', '/scenarios/lam-son-secret/versions');
    expect(stillA.body.map((v) => v.version)).toEqual(['1.0.0']);

    // The owner's own people still see and run it; a trainee of the owner reads the briefing.
    expect((await api(t.baseUrl, traineeA, 'GET', '/scenarios/lam-son-secret')).status).toBe(200);
    expect((await api(t.baseUrl, instructorA, 'POST', `/scenarios/lam-son-secret/versions/${own.versionId}/simulate`, { solver: 'idle' })).status).toBe(200);

    // Ids are unique per organisation: the other province may have its own "lam-son-secret" without learning of this one.
    const theirs = await upload(instructorB, variant('lam-son-secret', '1.0.0', 'Của Bình Nguyên'));
    expect(theirs.versionId).not.toBe(own.versionId);
    const seenByA = await api<Summary[]>(t.baseUrl, instructorA, 'GET', '/scenarios/lam-son-secret/versions');
    expect(seenByA.body.map((v) => v.versionId)).toEqual([own.versionId]);
  });

  it('orders versions by number: an upload at or below the latest is refused, and a plain create never publishes over an existing id', async () => {
    const first = await upload(instructorA, variant('ordering', '1.2.0'));
    const lower = await api<ErrorBody>(t.baseUrl, instructorA, 'PUT', '/scenarios/ordering', { source: variant('ordering', '1.1.0', 'Thấp hơn') });
    expect([lower.status, lower.body.error.code]).toEqual([409, 'SCENARIO_VERSION_NOT_NEWER']);
    const same = await api<ErrorBody>(t.baseUrl, instructorA, 'PUT', '/scenarios/ordering', { source: variant('ordering', '1.2.0', 'Cùng số') });
    expect([same.status, same.body.error.code]).toEqual([409, 'SCENARIO_VERSION_NOT_NEWER']);
    const nine = await api<Summary>(t.baseUrl, instructorA, 'PUT', '/scenarios/ordering', { source: variant('ordering', '1.9.0', 'Chín') });
    expect(nine.status).toBe(200);
    const ten = await api<Summary>(t.baseUrl, instructorA, 'PUT', '/scenarios/ordering', { source: variant('ordering', '1.10.0', 'Mười') });
    expect(ten.status).toBe(200);
    const nineAgain = await api<ErrorBody>(t.baseUrl, instructorA, 'PUT', '/scenarios/ordering', { source: variant('ordering', '1.9.1', 'Sau mười') });
    expect(nineAgain.body.error.code).toBe('SCENARIO_VERSION_NOT_NEWER');

    const created = await api<ErrorBody>(t.baseUrl, instructorA, 'POST', '/scenarios', { source: variant('ordering', '2.0.0', 'Tạo đè') });
    expect([created.status, created.body.error.code]).toEqual([409, 'SCENARIO_EXISTS']);
    // The same file again is no new version: it answers with the stored one.
    expect((await upload(instructorA, variant('ordering', '1.2.0'))).versionId).toBe(first.versionId);

    const versions = await api<Summary[]>(t.baseUrl, instructorA, 'GET', '/scenarios/ordering/versions');
    expect(versions.body.map((v) => v.version)).toEqual(['1.10.0', '1.9.0', '1.2.0']);
    const list = await api<Summary[]>(t.baseUrl, instructorA, 'GET', '/scenarios');
    expect(list.body.find((s) => s.scenarioId === 'ordering')!.version).toBe('1.10.0');
  });

  it('keeps the bundled drills as a shared read-only library that every organisation can run or copy', async () => {
    for (const token of [instructorA, instructorB]) {
      const list = await api<Summary[]>(t.baseUrl, token, 'GET', '/scenarios');
      expect(list.body.find((s) => s.scenarioId === 'portal-defacement')).toMatchObject({ library: 'shared', origin: 'bundled', publishedBy: null });
    }
    const shared = (await api<Summary[]>(t.baseUrl, instructorB, 'GET', '/scenarios')).body.find((s) => s.scenarioId === 'portal-defacement')!;
    const readOnly = await api<ErrorBody>(t.baseUrl, instructorB, 'PUT', '/scenarios/portal-defacement', { source: readFileSync(join(ROOT, 'scenarios', 'portal-defacement.yaml'), 'utf8').replace(/^version: .*$/m, 'version: 9.0.0') });
    expect([readOnly.status, readOnly.body.error.code]).toEqual([403, 'SCENARIO_READ_ONLY']);
    const run = await api(t.baseUrl, instructorB, 'POST', '/exercises', { scenarioVersionId: shared.versionId, teams: [{ name: 'B', memberIds: [traineeBId] }] });
    expect(run.status).toBe(201);

    // Copy under the same id: the province's own scenario, the file kept as written (sources and licences included).
    const copy = await api<Summary>(t.baseUrl, instructorB, 'POST', `/scenarios/portal-defacement/versions/${shared.versionId}/copy`, {});
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ scenarioId: 'portal-defacement', library: 'own', origin: 'copy', copiedFrom: `portal-defacement@${shared.version}` });
    const sharedDetail = await api<{ source: string }>(t.baseUrl, instructorB, 'GET', `/scenarios/portal-defacement/versions/${shared.versionId}`);
    const copyDetail = await api<{ source: string; scenario: { sources: unknown[] } }>(t.baseUrl, instructorB, 'GET', `/scenarios/portal-defacement/versions/${copy.body.versionId}`);
    expect(copyDetail.body.source).toBe(sharedDetail.body.source);
    // The own copy now answers the plain id; the shared one stays reachable with ?library=shared.
    expect((await api<Summary[]>(t.baseUrl, instructorB, 'GET', '/scenarios/portal-defacement/versions')).body.map((v) => v.versionId)).toEqual([copy.body.versionId]);
    expect((await api<Summary[]>(t.baseUrl, instructorB, 'GET', '/scenarios/portal-defacement/versions?library=shared')).body[0]!.versionId).toBe(shared.versionId);
    // The same copy again answers with the stored one; a copy onto an own scenario of that id is refused.
    const again = await api<Summary>(t.baseUrl, instructorB, 'POST', `/scenarios/portal-defacement/versions/${shared.versionId}/copy`, {});
    expect([again.status, again.body.versionId]).toEqual([201, copy.body.versionId]);
    await upload(instructorB, variant('ddos-public-service', '1.0.0', 'Trùng mã'));
    const ddos = (await api<Summary[]>(t.baseUrl, instructorB, 'GET', '/scenarios/ddos-public-service/versions?library=shared')).body[0]!;
    const clash = await api<ErrorBody>(t.baseUrl, instructorB, 'POST', `/scenarios/ddos-public-service/versions/${ddos.versionId}/copy`, {});
    expect([clash.status, clash.body.error.code]).toEqual([409, 'SCENARIO_EXISTS']);

    // Copy under a chosen id: only the id changes, the comments and the attribution stay.
    const renamed = await api<Summary>(t.baseUrl, instructorB, 'POST', `/scenarios/portal-defacement/versions/${shared.versionId}/copy`, { scenarioId: 'pd-binh-nguyen' });
    expect(renamed.status).toBe(201);
    const renamedDetail = await api<{ source: string; scenario: { id: string; sources: unknown[] } }>(t.baseUrl, instructorB, 'GET', `/scenarios/pd-binh-nguyen/versions/${renamed.body.versionId}`);
    expect(renamedDetail.body.scenario.id).toBe('pd-binh-nguyen');
    expect(renamedDetail.body.scenario.sources).toEqual(copyDetail.body.scenario.sources);
    expect(renamedDetail.body.source).toContain('# Kịch bản diễn tập flagship');
    // The copy is the province's own: editable by it, invisible to the other province.
    expect((await api(t.baseUrl, instructorA, 'GET', '/scenarios/pd-binh-nguyen')).status).toBe(404);
    const edited = await api<Summary>(t.baseUrl, instructorB, 'PUT', '/scenarios/pd-binh-nguyen', { source: renamedDetail.body.source.replace(/^version: .*$/m, 'version: 1.1.0') });
    expect(edited.status).toBe(200);
    // The shared original is unchanged for everyone else.
    const forA = (await api<Summary[]>(t.baseUrl, instructorA, 'GET', '/scenarios')).body.filter((s) => s.scenarioId === 'portal-defacement');
    expect(forA.map((s) => [s.library, s.versionId])).toEqual([['shared', shared.versionId]]);
  });

  it('publishes an organisation version to the shared library as a read-only copy that keeps its author, audited', async () => {
    const own = await upload(instructorA, variant('lam-son-phishing', '1.0.0'));
    const published = await api<Summary>(t.baseUrl, instructorA, 'POST', `/scenarios/lam-son-phishing/versions/${own.versionId}/publish`);
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ scenarioId: 'lam-son-phishing', version: '1.0.0', library: 'shared', origin: 'published', publishedBy: 'Tỉnh Lâm Sơn' });

    const seenByB = (await api<Summary[]>(t.baseUrl, instructorB, 'GET', '/scenarios')).body.find((s) => s.scenarioId === 'lam-son-phishing');
    expect(seenByB).toMatchObject({ versionId: published.body.versionId, library: 'shared', publishedBy: 'Tỉnh Lâm Sơn' });
    // The private original stays private: B sees only the published copy.
    await expectHidden(instructorB, 'GET', `/scenarios/lam-son-phishing/versions/${own.versionId}`, '/scenarios/lam-son-phishing/versions/00000000-0000-4000-8000-000000000000', undefined, [own.versionId, '00000000-0000-4000-8000-000000000000']);
    const sharedDetail = await api<{ source: string }>(t.baseUrl, instructorB, 'GET', `/scenarios/lam-son-phishing/versions/${published.body.versionId}`);
    expect(sharedDetail.body.source).toBe(variant('lam-son-phishing', '1.0.0'));
    const readOnly = await api<ErrorBody>(t.baseUrl, instructorB, 'PUT', '/scenarios/lam-son-phishing', { source: variant('lam-son-phishing', '2.0.0') });
    expect([readOnly.status, readOnly.body.error.code]).toEqual([403, 'SCENARIO_READ_ONLY']);
    const republishShared = await api<ErrorBody>(t.baseUrl, instructorB, 'POST', `/scenarios/lam-son-phishing/versions/${published.body.versionId}/publish`);
    expect([republishShared.status, republishShared.body.error.code]).toEqual([403, 'SCENARIO_READ_ONLY']);

    // Another province cannot publish its own scenario of the same id over the shared one.
    const bOwn = await upload(instructorB, variant('lam-son-phishing', '5.0.0', 'Của Bình Nguyên'));
    const clash = await api<ErrorBody>(t.baseUrl, instructorB, 'POST', `/scenarios/lam-son-phishing/versions/${bOwn.versionId}/publish`);
    expect([clash.status, clash.body.error.code]).toEqual([409, 'SCENARIO_EXISTS']);

    // The publisher may publish newer versions only; the same text again answers with the stored copy.
    const v11 = await api<Summary>(t.baseUrl, instructorA, 'PUT', '/scenarios/lam-son-phishing', { source: variant('lam-son-phishing', '1.1.0', 'Bản 1.1') });
    const v12 = await api<Summary>(t.baseUrl, instructorA, 'PUT', '/scenarios/lam-son-phishing', { source: variant('lam-son-phishing', '1.2.0', 'Bản 1.2') });
    expect((await api(t.baseUrl, instructorA, 'POST', `/scenarios/lam-son-phishing/versions/${v12.body.versionId}/publish`)).status).toBe(201);
    const stale = await api<ErrorBody>(t.baseUrl, instructorA, 'POST', `/scenarios/lam-son-phishing/versions/${v11.body.versionId}/publish`);
    expect([stale.status, stale.body.error.code]).toEqual([409, 'SCENARIO_VERSION_NOT_NEWER']);
    const repeat = await api<Summary>(t.baseUrl, instructorA, 'POST', `/scenarios/lam-son-phishing/versions/${own.versionId}/publish`);
    expect(repeat.body.versionId).toBe(published.body.versionId);
    const sharedVersions = await api<Summary[]>(t.baseUrl, instructorB, 'GET', '/scenarios/lam-son-phishing/versions?library=shared');
    expect(sharedVersions.body.map((v) => v.version)).toEqual(['1.2.0', '1.0.0']);
    // The publisher's own scenario still answers the plain id for it.
    expect((await api<Summary[]>(t.baseUrl, instructorA, 'GET', '/scenarios/lam-son-phishing/versions')).body.map((v) => v.library)).toEqual(['own', 'own', 'own']);

    const audit = await api<{ items: Array<{ action: string; actorUsername: string | null; after: { scenarioId: string; version: string } }> }>(t.baseUrl, admin, 'GET', '/audit?action=scenario.publish&limit=50');
    expect(audit.body.items.filter((e) => e.after.scenarioId === 'lam-son-phishing').map((e) => [e.actorUsername, e.after.version]).sort()).toEqual([['instructor', '1.0.0'], ['instructor', '1.2.0']]);
  });
});
