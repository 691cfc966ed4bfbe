import { join } from 'node:path';
import { api, login } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

describe('headless solver over the API (instructor scenario library)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(__dirname, '..', '..', 'scenarios') });
  });
  afterAll(async () => {
    await t.close();
  });

  it('scores the flagship: perfect is the maximum, naive at most half, idle nothing; trainees may not run it', async () => {
    const instructor = await login(t.baseUrl, 'instructor');
    const list = await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios');
    const versionId = list.body.find((s) => s.scenarioId === 'portal-defacement')!.versionId;
    const path = `/scenarios/portal-defacement/versions/${versionId}/simulate`;
    const scores: Record<string, number> = {};
    for (const solver of ['perfect', 'naive', 'idle']) {
      const result = await api<{ score: number; maxScore: number; solver: string; triggersFired: string[] }>(t.baseUrl, instructor, 'POST', path, {
        solver,
        seed: 1,
      });
      expect(result.status).toBe(200);
      expect(result.body.maxScore).toBe(1000);
      scores[solver] = result.body.score;
    }
    expect(scores.perfect).toBe(1000);
    expect(scores.naive).toBeLessThanOrEqual(500);
    expect(scores.idle).toBeLessThanOrEqual(50);
    expect((await api<{ error: { code: string } }>(t.baseUrl, instructor, 'POST', path, { solver: 'genius' })).body.error.code).toBe('VALIDATION_FAILED');
    expect(
      (await api<{ error: { code: string } }>(t.baseUrl, instructor, 'POST', `/scenarios/ransomware-email/versions/${versionId}/simulate`, { solver: 'idle' }))
        .body.error.code,
    ).toBe('SCENARIO_NOT_FOUND');
    const trainee = await login(t.baseUrl, 'trainee1');
    expect((await api<{ error: { code: string } }>(t.baseUrl, trainee, 'POST', path, { solver: 'perfect' })).body.error.code).toBe('FORBIDDEN');
  });
});
