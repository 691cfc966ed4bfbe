import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { api, login, userIds } from '../support/api';
import { scenarioArbitrary } from '../support/scenario-arbitrary';
import { startTestApp, type TestApp } from '../support/test-app';

interface Problem {
  path: string;
  line: number;
  column: number;
  message: string;
  code: string;
}
interface ErrorBody {
  error: { code: string; message: string; details?: Problem[] };
}

const minimal = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');

/** "Công" as Windows-1258 writes it (ô is the byte 0xF4), in the title of the minimal fixture. */
function windows1258(id: string): Buffer {
  const text = minimal.replace(/^id: .*$/m, `id: ${id}`);
  const cut = text.indexOf('Minimal test scenario');
  return Buffer.concat([Buffer.from(text.slice(0, cut)), Buffer.from([0x43, 0xf4, 0x6e, 0x67]), Buffer.from(text.slice(cut + 7))]);
}

describe('one validator behind every door (e2e)', () => {
  let t: TestApp;
  let instructor: string;
  let trainee: string;

  beforeAll(async () => {
    t = await startTestApp({ PASSWORD_SCRYPT_LOG2N: '10' });
    instructor = await login(t.baseUrl, 'instructor');
    trainee = (await userIds(t.baseUrl, await login(t.baseUrl, 'admin')))['trainee1']!;
  });
  afterAll(async () => {
    await t.close();
  });

  async function raw(path: string, body: Uint8Array | string, contentType = 'text/yaml'): Promise<{ status: number; body: ErrorBody & Record<string, unknown> }> {
    const response = await fetch(`${t.baseUrl}/api${path}`, { method: 'POST', headers: { authorization: `Bearer ${instructor}`, 'content-type': contentType }, body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]) });
    return { status: response.status, body: (await response.json()) as ErrorBody & Record<string, unknown> };
  }

  it('refuses Windows-1258 bytes over REST as the CLI does, and stores nothing', async () => {
    const bytes = windows1258('legacy-encoding');
    const cli = parseScenario(bytes);
    if (cli.ok) throw new Error('the CLI accepts the file');
    const uploaded = await raw('/scenarios', bytes);
    expect(uploaded.status).toBe(400);
    expect(uploaded.body.error.code).toBe('SCENARIO_NOT_UTF8');
    expect(uploaded.body.error.details).toEqual([expect.objectContaining({ code: 'SCENARIO_NOT_UTF8', line: cli.problems[0]!.line, column: cli.problems[0]!.column, message: cli.problems[0]!.message })]);
    // The console editor sends text its browser decoded lossily: the same answer.
    const asText = await api<{ valid: boolean; problems: Problem[] }>(t.baseUrl, instructor, 'POST', '/scenarios/validate', { source: bytes.toString('utf8') });
    expect(asText.body).toMatchObject({ valid: false, problems: [{ code: 'SCENARIO_NOT_UTF8', line: cli.problems[0]!.line, column: cli.problems[0]!.column }] });
    const listed = await api<Array<{ scenarioId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios');
    expect(listed.body.map((s) => s.scenarioId)).not.toContain('legacy-encoding');
  });

  it('answers an empty body with the CLI\'s "the file is empty"', async () => {
    for (const [body, type] of [['', 'text/yaml'], [JSON.stringify({ source: '' }), 'application/json']] as const) {
      const answered = await raw('/scenarios', body, type);
      expect({ type, status: answered.status, code: answered.body.error.code, details: answered.body.error.details }).toEqual({
        type, status: 400, code: 'SCENARIO_SYNTAX', details: [expect.objectContaining({ message: 'the file is empty', line: 1, column: 1 })],
      });
    }
  });

  it('stores decomposed (NFD) Vietnamese as NFC', async () => {
    const nfd = minimal.replace(/^id: .*$/m, 'id: nfd-upload').replace('Kịch bản kiểm thử tối thiểu', 'Kịch bản kiểm thử tối thiểu'.normalize('NFD'));
    const uploaded = await raw('/scenarios', nfd);
    expect(uploaded.status).toBe(201);
    const versionId = uploaded.body['versionId'] as string;
    const detail = await api<{ source: string; title: { vi: string } }>(t.baseUrl, instructor, 'GET', `/scenarios/nfd-upload/versions/${versionId}`);
    expect(detail.body.title.vi).toBe('Kịch bản kiểm thử tối thiểu'.normalize('NFC'));
    expect(detail.body.source).toBe(detail.body.source.normalize('NFC'));
    expect(detail.body.source).toContain('Kịch bản kiểm thử tối thiểu'.normalize('NFC'));
  });

  it('gives a problem in the content SCENARIO_INVALID with SCENARIO_* codes in the details', async () => {
    const answered = await raw('/scenarios', minimal.replace(/^id: .*$/m, 'id: layer-five').replace('    layer: 1\n', '    layer: 5\n'));
    expect(answered.status).toBe(400);
    expect(answered.body.error.code).toBe('SCENARIO_INVALID');
    expect(answered.body.error.details).toEqual([expect.objectContaining({ code: 'SCENARIO_INVALID_VALUE', path: 'parties.0.layer', message: 'must be one of 1, 2, 3, 4 (got the number 5)' })]);
  });

  it('starts every accepted generated scenario as an exercise without a server error', async () => {
    let run = 0;
    let started = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary(), async (source) => {
        run++;
        const text = source.replace('"id":"generated"', `"id":"generated-${run}"`);
        const checked = await api<{ valid: boolean }>(t.baseUrl, instructor, 'POST', '/scenarios/validate', { source: text });
        expect(checked.status).toBe(200);
        if (!checked.body.valid) return;
        const uploaded = await api<{ versionId: string }>(t.baseUrl, instructor, 'POST', '/scenarios', { source: text });
        expect(uploaded.status).toBe(201);
        const created = await api<{ id: string }>(t.baseUrl, instructor, 'POST', '/exercises', { scenarioVersionId: uploaded.body.versionId, teams: [{ name: 'A', memberIds: [trainee] }] });
        expect(created.status).toBe(201);
        const start = await api(t.baseUrl, instructor, 'POST', `/exercises/${created.body.id}/start`);
        expect({ status: start.status, body: start.body }).toEqual({ status: 200, body: expect.anything() });
        started++;
        const aborted = await api(t.baseUrl, instructor, 'POST', `/exercises/${created.body.id}/abort`);
        expect(aborted.status).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
    expect(started).toBeGreaterThan(0);
  }, 120_000);
});
