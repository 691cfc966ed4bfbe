import { join } from 'node:path';
import type { ExerciseDto, StreamEvent } from '../../src/contracts/exercise.schema';
import type { TeamProgress } from '../../src/contracts/triage.schema';
import { api, login, userIds } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

describe('cockpit progress per team', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(__dirname, '..', '..', 'scenarios') });
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows kill-chain phases reached, open alerts, the longest-waiting alerts and the last action', async () => {
    const instructor = await login(t.baseUrl, 'instructor');
    const trainee = await login(t.baseUrl, 'trainee1');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    const versionId = (await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios')).body.find(
      (s) => s.scenarioId === 'portal-defacement',
    )!.versionId;
    const exercise = (
      await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
        scenarioVersionId: versionId,
        teams: [
          { name: 'A', memberIds: [ids.trainee1] },
          { name: 'B', memberIds: [ids.trainee2] },
        ],
        seed: 1,
      })
    ).body;
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`);
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 30 * 60_000 });
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`);
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/resume`);
    const events = (await api<{ events: StreamEvent[] }>(t.baseUrl, trainee, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body.events;
    const first = events[0]!;
    const ack = await api(t.baseUrl, trainee, 'POST', `/exercises/${exercise.id}/actions`, {
      actionId: '3f1c2a44-1111-4a2b-9c3d-000000000001',
      exerciseId: exercise.id,
      type: 'alert.verdict',
      alertId: first.eventId,
      verdict: 'benign',
      reason: 'kiểm tra định kỳ',
    });
    expect(ack.status).toBeLessThan(300);

    const progress = await api<TeamProgress[]>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/progress`);
    expect(progress.status).toBe(200);
    const [a, b] = progress.body;
    expect(a!.teamId).toBe(exercise.teams[0]!.id);
    expect(a!.phaseCount).toBe(9);
    // By T+30m the flagship has shown its scan, exploit and web-shell stages at least.
    expect(a!.phasesReached.length).toBeGreaterThanOrEqual(3);
    expect(a!.delivered).toBe(events.length);
    expect(a!.openAlerts).toBe(events.length - 1);
    expect(b!.openAlerts).toBe(b!.delivered);
    expect(a!.lastAction).toMatchObject({ type: 'alert.verdict', username: 'trainee1' });
    expect(b!.lastAction).toBeNull();
    // Longest waiting first, named by the same opaque references the team sees; the judged alert is gone.
    expect(a!.waitingLongest.length).toBeGreaterThan(0);
    expect(a!.waitingLongest.every((w) => w.alertId.startsWith('AL-'))).toBe(true);
    expect(a!.waitingLongest.map((w) => w.alertId)).not.toContain(first.eventId);
    expect(a!.waitingLongest.map((w) => w.deliveredVirtualMs)).toEqual([...a!.waitingLongest.map((w) => w.deliveredVirtualMs)].sort((x, y) => x - y));

    expect((await api<{ error: { code: string } }>(t.baseUrl, trainee, 'GET', `/exercises/${exercise.id}/progress`)).body.error.code).toBe('FORBIDDEN');
  });
});
