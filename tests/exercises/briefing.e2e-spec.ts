import { join } from 'node:path';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ScenarioBriefing } from '../../src/contracts/scenario-api.schema';
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

  it('names the parties for the exercise era and shows no answer key', async () => {
    const users = (await api<{ items: Array<{ id: string; username: string }> }>(t.baseUrl, instructor, 'GET', '/users?limit=100')).body.items;
    const trainee1 = users.find((u) => u.username === 'trainee1')!.id;
    const scenarios = await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios');
    const versionId = scenarios.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId;
    const names: Record<string, string[]> = {};
    for (const era of ['pre-2025', '2025'] as const) {
      const exercise = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', { scenarioVersionId: versionId, teams: [{ name: 'A', memberIds: [trainee1] }], era });
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
