import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, login } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

interface Preview {
  draft: string;
  valid: boolean;
  problems: unknown[];
  summary: { read: number; alerts: number; events: number; remapped: Array<{ from: string; to: string }> };
}
interface Summary {
  scenarioId: string;
  version: string;
  eventCount: number;
}
interface ErrorBody {
  error: { code: string; message: string; details?: Array<{ path: string; message: string }> };
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'import');
const SURICATA = readFileSync(join(FIXTURES, 'suricata', 'first-org-conf-2015.json'), 'utf8');
const MAPPING = readFileSync(join(FIXTURES, 'suricata.map.yaml'), 'utf8');

/** The console's import path: preview a draft from a SOC export, then save it through the ordinary upload routes. */
describe('POST /api/scenarios/import (e2e)', () => {
  let t: TestApp;
  let instructor: string;
  let trainee: string;

  beforeAll(async () => {
    t = await startTestApp({ PASSWORD_SCRYPT_LOG2N: '10' });
    instructor = await login(t.baseUrl, 'instructor');
    trainee = await login(t.baseUrl, 'trainee1');
  }, 120_000);
  afterAll(async () => {
    await t.close();
  });

  it('previews a valid draft from a Suricata sample, which saves as a new scenario and then as a new version of it', async () => {
    const request = { format: 'suricata-eve', files: [{ name: 'first-org-conf-2015.json', content: SURICATA }], mapping: MAPPING, fit: '2h', scenarioId: 'portal-from-suricata' };
    const preview = await api<Preview>(t.baseUrl, instructor, 'POST', '/scenarios/import', request);
    expect(preview.status).toBe(200);
    expect(preview.body.valid).toBe(true);
    expect(preview.body.summary).toMatchObject({ read: 136, alerts: 136, events: 0 });
    expect(preview.body.draft).toContain('id: portal-from-suricata');
    expect(preview.body.draft).toContain('licence: MIT');
    expect(preview.body.draft).not.toContain('192.168.0.2');

    const saved = await api<Summary>(t.baseUrl, instructor, 'POST', '/scenarios', { source: preview.body.draft });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ scenarioId: 'portal-from-suricata', version: '1.0.0', eventCount: 136 });

    const next = await api<Preview>(t.baseUrl, instructor, 'POST', '/scenarios/import', { ...request, version: '1.1.0', speed: undefined });
    expect(next.body.valid).toBe(true);
    const version = await api<Summary>(t.baseUrl, instructor, 'PUT', '/scenarios/portal-from-suricata', { source: next.body.draft });
    expect(version.status).toBe(200);
    expect(version.body.version).toBe('1.1.0');
  });

  it('keeps raw events inline so the draft uploads as one file', async () => {
    const content = readFileSync(join(FIXTURES, 'ecs', 'events.ndjson'), 'utf8');
    const preview = await api<Preview>(t.baseUrl, instructor, 'POST', '/scenarios/import', { format: 'ecs', files: [{ name: 'events.ndjson', content }] });
    expect(preview.status).toBe(200);
    expect(preview.body.valid).toBe(true);
    expect(preview.body.summary).toMatchObject({ alerts: 2, events: 3 });
    expect(preview.body.draft).toMatch(/^logs:\n {2}start: "?2024-11-20"?\n {2}events:/m);
    const saved = await api<Summary>(t.baseUrl, instructor, 'POST', '/scenarios', { source: preview.body.draft });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ scenarioId: 'imported-events', eventCount: 2 });
  });

  it('answers coded errors: another format, a bad mapping, a trainee', async () => {
    const wrong = await api<ErrorBody>(t.baseUrl, instructor, 'POST', '/scenarios/import', { format: 'wazuh', files: [{ name: 'a.json', content: SURICATA }] });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.code).toBe('IMPORT_WRONG_FORMAT');
    expect(wrong.body.error.message).toMatch(/suricata-eve/);
    const badMap = await api<ErrorBody>(t.baseUrl, instructor, 'POST', '/scenarios/import', { format: 'suricata-eve', files: [{ name: 'a.json', content: SURICATA }], mapping: 'target: Not A Slug' });
    expect(badMap.status).toBe(400);
    expect(badMap.body.error.code).toBe('IMPORT_INVALID_MAPPING');
    expect(badMap.body.error.details?.[0]?.path).toBe('target');
    const forbidden = await api<ErrorBody>(t.baseUrl, trainee, 'POST', '/scenarios/import', { format: 'suricata-eve', files: [{ name: 'a.json', content: SURICATA }] });
    expect(forbidden.status).toBe(403);
  });
});
