import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ScenarioBriefing } from '../../src/contracts/scenario-api.schema';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { api, login } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

describe('exercise briefing and team building', () => {
  let t: TestApp;
  let instructor: string;

  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(__dirname, '..', '..', 'scenarios') });
    instructor = await login(t.baseUrl, 'instructor');
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets an instructor list the users of their own organisation only', async () => {
    const mine = await api<{ items: Array<{ username: string; orgName: string }> }>(t.baseUrl, instructor, 'GET', '/users?limit=100');
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((u) => u.username)).toEqual(expect.arrayContaining(['trainee1', 'trainee4', 'instructor']));
    expect(mine.body.items.map((u) => u.username)).not.toContain('reviewer2');
    expect(new Set(mine.body.items.map((u) => u.orgName)).size).toBe(1);
    const trainee = await login(t.baseUrl, 'trainee1');
    expect((await api<{ error: { code: string } }>(t.baseUrl, trainee, 'GET', '/users')).body.error.code).toBe('FORBIDDEN');
  });

  it("gives a trainee the organisers' briefing and never the instructor's notes, the seed or the timeline size", async () => {
    const users = (await api<{ items: Array<{ id: string; username: string }> }>(t.baseUrl, instructor, 'GET', '/users?limit=100')).body.items;
    const trainee1 = users.find((u) => u.username === 'trainee1')!.id;
    const scenarios = await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios');
    const versionId = scenarios.body.find((s) => s.scenarioId === 'ransomware-email')!.versionId;
    const source = parseScenario(readFileSync(join(__dirname, '..', '..', 'scenarios', 'ransomware-email.yaml')));
    if (!source.ok) throw new Error('bundled drill is invalid');
    const { scenario } = source;
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [{ name: 'A', memberIds: [trainee1] }],
      seed: 'seed-4242',
    });
    expect(created.status).toBe(201);
    // Instructors keep the seed (to replay a run); the trainee's view of the same exercise has none.
    expect(created.body.seed).toBe('seed-4242');
    const trainee = await login(t.baseUrl, 'trainee1');
    const view = await api<Record<string, unknown>>(t.baseUrl, trainee, 'GET', `/exercises/${created.body.id}`);
    expect(view.status).toBe(200);
    expect(view.body).not.toHaveProperty('seed');
    const listed = await api<Array<Record<string, unknown>>>(t.baseUrl, trainee, 'GET', '/exercises');
    expect(listed.body.find((e) => e.id === created.body.id)).not.toHaveProperty('seed');
    expect(JSON.stringify([view.body, listed.body])).not.toContain('seed-4242');

    const briefing = await api<ScenarioBriefing>(t.baseUrl, trainee, 'GET', `/exercises/${created.body.id}/briefing`);
    expect(briefing.status).toBe(200);
    expect(briefing.body.briefing).toEqual(scenario.briefing);
    expect(briefing.body.briefing?.contacts.map((c) => c.party).every((id) => briefing.body.parties.some((p) => p.id === id))).toBe(true);
    // No description, no kill-chain phases or techniques, no count of the timeline (it includes alerts not delivered yet).
    for (const key of ['description', 'phases', 'techniques', 'eventCount', 'tags', 'contentHash']) expect(briefing.body).not.toHaveProperty(key);
    const text = JSON.stringify(briefing.body);
    expect(text).not.toContain(scenario.description.vi);
    expect(text).not.toContain(scenario.description.en);
    // The catalogue's briefing is the same projection; its list (descriptions, sizes) is for staff only.
    const catalogue = await api<Record<string, unknown>>(t.baseUrl, trainee, 'GET', '/scenarios/ransomware-email');
    expect(catalogue.status).toBe(200);
    expect(catalogue.body).not.toHaveProperty('description');
    expect(catalogue.body).not.toHaveProperty('eventCount');
    expect((await api<{ error: { code: string } }>(t.baseUrl, trainee, 'GET', '/scenarios')).body.error.code).toBe('FORBIDDEN');
  });

  it('names the parties for the exercise era and shows no answer key', async () => {
    const users = (await api<{ items: Array<{ id: string; username: string }> }>(t.baseUrl, instructor, 'GET', '/users?limit=100')).body.items;
    const trainee1 = users.find((u) => u.username === 'trainee1')!.id;
    const scenarios = await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios');
    const versionId = scenarios.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId;
    const names: Record<string, string[]> = {};
    for (const era of ['pre-2025', '2025'] as const) {
      const exercise = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
        scenarioVersionId: versionId,
        teams: [{ name: 'A', memberIds: [trainee1] }],
        era,
      });
      expect(exercise.status).toBe(201);
      const trainee = await login(t.baseUrl, 'trainee1');
      const briefing = await api<ScenarioBriefing>(t.baseUrl, trainee, 'GET', `/exercises/${exercise.body.id}/briefing`);
      expect(briefing.status).toBe(200);
      expect(briefing.body.versionId).toBe(versionId);
      expect(JSON.stringify(briefing.body)).not.toMatch(/"timeline"|"answer"|"triggers"/);
      names[era] = briefing.body.parties.map((p) => p.name.vi);
    }
    // The national monitoring centre is NCSC before 2025 and the Trung tâm An ninh mạng quốc gia after.
    expect(names['pre-2025']!.join('|')).toMatch(/NCSC|Giám sát an toàn không gian mạng/);
    expect(names['2025']!.join('|')).toMatch(/An ninh mạng quốc gia/);
    expect(names['pre-2025']).not.toEqual(names['2025']);
  });
});
