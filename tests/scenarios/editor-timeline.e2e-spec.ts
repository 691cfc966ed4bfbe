import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScenarioValidationResult } from '../../src/contracts/scenario-api.schema';
import { ScenarioTimelineSchema } from '../../src/contracts/scenario-timeline.schema';
import { api, login } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const minimal = readFileSync(join(ROOT, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');

/**
 * The editor's check: `POST /api/scenarios/validate?timeline=true` answers a valid file with its
 * timeline (the answer key included), so it is for instructors and admins only.
 */
describe('scenario timeline for the editor (e2e)', () => {
  let t: TestApp;
  let tokens: Record<'instructor' | 'admin' | 'trainee1' | 'reviewer', string>;

  beforeAll(async () => {
    t = await startTestApp({ PASSWORD_SCRYPT_LOG2N: '10' });
    const [instructor, admin, trainee1, reviewer] = await Promise.all(['instructor', 'admin', 'trainee1', 'reviewer'].map((u) => login(t.baseUrl, u)));
    tokens = { instructor: instructor!, admin: admin!, trainee1: trainee1!, reviewer: reviewer! };
  });
  afterAll(async () => {
    await t.close();
  });

  const check = (token: string, source: string, query = '?timeline=true') =>
    api<ScenarioValidationResult & { error?: { code: string } }>(t.baseUrl, token, 'POST', `/scenarios/validate${query}`, { source });

  it('answers a valid file with its timeline, each item with its line', async () => {
    for (const who of ['instructor', 'admin'] as const) {
      const answer = await check(tokens[who], minimal);
      expect(answer.status).toBe(200);
      expect(answer.body.valid).toBe(true);
      const timeline = ScenarioTimelineSchema.parse(answer.body.timeline);
      expect(timeline.alerts.find((a) => a.id === 'a-spread')).toMatchObject({ at: 1620, releasedBy: 't-spread', verdict: 'true-positive' });
      expect(timeline.alerts.find((a) => a.id === 'a-exploit')!.line).toBe(minimal.split('\n').findIndex((l) => l.includes('- id: a-exploit')) + 1);
      expect(timeline.triggers[0]).toMatchObject({ id: 't-spread', from: 1500, releases: ['a-spread'] });
    }
  });

  it('leaves the timeline out unless asked, and for a file with problems', async () => {
    const plain = await check(tokens.instructor, minimal, '');
    expect(plain.status).toBe(200);
    expect(plain.body.valid).toBe(true);
    expect(plain.body).not.toHaveProperty('timeline');
    const broken = await check(tokens.instructor, minimal.replace('at: 5m', 'at: 5 minutes'));
    expect(broken.status).toBe(200);
    expect(broken.body).toMatchObject({ valid: false, problems: [expect.objectContaining({ code: 'SCENARIO_INVALID_FORMAT', line: minimal.split('\n').findIndex((l) => l.includes('at: 5m')) + 1 })] });
    expect(broken.body).not.toHaveProperty('timeline');
    const wrongQuery = await check(tokens.instructor, minimal, '?timeline=yes');
    expect(wrongQuery.status).toBe(400);
    expect(wrongQuery.body.error?.code).toBe('VALIDATION_FAILED');
  });

  it('refuses trainees and reviewers: the timeline shows the answer key', async () => {
    for (const who of ['trainee1', 'reviewer'] as const) {
      const refused = await check(tokens[who], minimal);
      expect(refused.status).toBe(403);
      expect(refused.body.error?.code).toBe('FORBIDDEN');
      expect(refused.body).not.toHaveProperty('timeline');
    }
    const anonymous = await api(t.baseUrl, null, 'POST', '/scenarios/validate?timeline=true', { source: minimal });
    expect(anonymous.status).toBe(401);
  });

  it('is documented in the OpenAPI document: the query parameter and the timeline in the answer', async () => {
    const doc = await api<{ paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown> }>> }>(t.baseUrl, null, 'GET', '/docs-json');
    expect(doc.status).toBe(200);
    const operation = doc.body.paths['/api/scenarios/validate']!.post!;
    expect(operation.parameters).toEqual([expect.objectContaining({ name: 'timeline', in: 'query', required: false })]);
    const answer = JSON.stringify(operation.responses);
    for (const word of ['ScenarioTimeline', 'releases', 'cancels', 'responses', 'reports', 'clusters']) expect(answer).toContain(word);
  });
});
