import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { AuthService } from '../../src/auth/auth.service';
import type { ExerciseDto, StreamEvent } from '../../src/contracts/exercise.schema';
import type { ActionAck } from '../../src/contracts/triage.schema';
import type { ExerciseEngine } from '../../src/engine/exercise-engine';
import { ExerciseRuntime } from '../../src/exercises/exercise-runtime.service';
import { TriageService } from '../../src/triage/triage.service';
import { api, login, userIds } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';
import { sql } from '../support/test-database';

/**
 * Group commit spans the event-loop turn: actions that arrive in separate callbacks of one turn
 * (as reads from many sockets in one poll phase do) are committed in one transaction, not one each.
 */
describe('group commit across the event-loop turn', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(__dirname, '..', '..', 'scenarios') });
  });
  afterAll(async () => {
    await t.close();
  });

  it('commits actions issued from separate callbacks of one turn in a single transaction', async () => {
    const instructor = await login(t.baseUrl, 'instructor');
    const token = await login(t.baseUrl, 'trainee1');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    const versionId = (await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios')).body.find(
      (s) => s.scenarioId === 'portal-defacement',
    )!.versionId;
    const exercise = (
      await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
        scenarioVersionId: versionId,
        teams: [{ name: 'A', memberIds: [ids.trainee1] }],
        seed: 1,
      })
    ).body;
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`);
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 30 * 60_000 });
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`);
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/resume`);
    const events = (await api<{ events: StreamEvent[] }>(t.baseUrl, token, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body.events;
    expect(events.length).toBeGreaterThanOrEqual(3);
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`);

    const user = await t.app.get(AuthService).verifyAccessToken(token);
    const triage = t.app.get(TriageService);
    const note = (n: number) => ({
      actionId: `3f1c2a44-2222-4a2b-9c3d-00000000000${n}`,
      exerciseId: exercise.id,
      type: 'alert.note' as const,
      alertId: events[n]!.eventId,
      text: `ghi chú ${n}`,
    });
    // Warm the triage caches, so the actions below reach the runtime within their own callback.
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/resume`);
    await triage.act(user, note(0));

    const dataSource = t.app.get(DataSource);
    const transaction = jest.spyOn(dataSource, 'transaction');
    try {
      const acks = await new Promise<ActionAck[]>((resolve, reject) => {
        const issued: Array<Promise<ActionAck>> = [];
        setImmediate(() => issued.push(triage.act(user, note(1))));
        setImmediate(() => {
          issued.push(triage.act(user, note(2)));
          Promise.all(issued).then(resolve, reject);
        });
      });
      expect(acks.map((a) => a.applied)).toEqual([true, true]);
      expect(transaction).toHaveBeenCalledTimes(1);
      // Committed journal entries are released from the engine: the rows are the record, and a
      // drill's every action no longer stays in memory. The numbering continues from the rows.
      const { engine } = (await t.app.get(ExerciseRuntime).liveHandle(exercise.id)) as unknown as { engine: ExerciseEngine };
      const [{ n }] = (await sql(dataSource, 'SELECT COUNT(*) AS n FROM exercise_journal WHERE exercise_id = ?', [exercise.id])) as Array<{ n: number }>;
      expect(engine.journal()).toEqual([]);
      expect(engine.journalLength()).toBe(Number(n));
    } finally {
      transaction.mockRestore();
    }
  });
});
