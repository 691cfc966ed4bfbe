import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app-factory';
import { loadConfig } from '../../src/config/app-config';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ActionAck, RecordedAction, TeamProgress, TeamState } from '../../src/contracts/triage.schema';
import { api, login, userIds } from '../support/api';
import { alertRefsOf } from '../support/test-app';
import { uploadBundled } from './triage-support';
import { databaseEnv, sql } from '../support/test-database';

/** The team state lives only in the log: after a restart it is rebuilt from it, acks included. */
describe('triage state after a server restart', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-triage-restart-'));
  let app: INestApplication | undefined;

  const boot = async (): Promise<string> => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOAD_BUNDLED_SCENARIOS: 'false', LOG_LEVEL: 'error', ...(await databaseEnv(dataDir)) });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  };

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rebuilds the same state, answers retries with the original ack and continues the numbering', async () => {
    let base = await boot();
    const instructor = await login(base, 'instructor');
    const ids = await userIds(base, await login(base, 'admin'));
    const created = await api<ExerciseDto>(base, instructor, 'POST', '/exercises', {
      scenarioVersionId: await uploadBundled(base, instructor, 'portal-defacement'),
      teams: [
        { name: 'Đội', memberIds: [ids.trainee1] },
        { name: 'Đội 2', memberIds: [ids.trainee3] },
      ],
      speed: 1,
      seed: 3,
    });
    const exerciseId = created.body.id;
    const ref = await alertRefsOf({ app: app! }, exerciseId);
    await api(base, instructor, 'POST', `/exercises/${exerciseId}/start`);
    await api(base, instructor, 'POST', `/exercises/${exerciseId}/seek`, { virtualMs: 16 * 60_000 });
    let trainee = await login(base, 'trainee1');
    const act = (body: Record<string, unknown>, actionId: string = randomUUID()) =>
      api<ActionAck>(base, trainee, 'POST', `/exercises/${exerciseId}/actions`, { ...body, actionId, exerciseId });
    const first = await act({ type: 'incident.create', title: 'Webshell', alertIds: [ref('ws-fim-new-phtml')] });
    expect(first.body).toMatchObject({ seq: 1, applied: true, result: { incidentId: 'INC-1' } });
    await act({ type: 'alert.acknowledge', alertId: ref('ws-av-webshell') });
    await act({ type: 'hint.request', for: { alertId: ref('ws-fim-new-phtml') } });
    await act({ type: 'incident.update', incidentId: 'INC-1', phase: 'containment' });
    const before = (await api<TeamState>(base, trainee, 'GET', `/exercises/${exerciseId}/state`)).body;
    expect(before.lastActionSeq).toBe(4);
    const log = async (query: string) =>
      (await api<{ actions: RecordedAction[] }>(base, trainee, 'GET', `/exercises/${exerciseId}/actions${query}`)).body.actions;
    const lastActions = async () =>
      (await api<TeamProgress[]>(base, await login(base, 'instructor'), 'GET', `/exercises/${exerciseId}/progress`)).body.map(
        (p) => p.lastAction?.type ?? null,
      );
    const logBefore = await log('');
    expect(logBefore.map((a) => a.seq)).toEqual([1, 2, 3, 4]);
    expect(await lastActions()).toEqual(['incident.update', null]);

    await app!.close();
    base = await boot();
    trainee = await login(base, 'trainee1');
    const after = (await api<TeamState>(base, trainee, 'GET', `/exercises/${exerciseId}/state`)).body;
    expect(after).toEqual(before);
    // A team's actions are found by the row ordinals the cache rebuilt from the journal.
    expect(await log('')).toEqual(logBefore);
    expect(await log('?afterSeq=1&limit=2')).toEqual(logBefore.slice(1, 3));
    expect(await lastActions()).toEqual(['incident.update', null]);
    const retry = await act({ type: 'incident.create', title: 'Webshell', alertIds: [ref('ws-fim-new-phtml')] }, first.body.actionId);
    expect(retry.body).toEqual({ ...first.body, applied: false });
    // Action ids stay unique in the exercise after the rebuild: another team cannot reuse one.
    const other = await login(base, 'trainee3');
    const reused = await api<ActionAck>(base, other, 'POST', `/exercises/${exerciseId}/actions`, {
      type: 'alert.acknowledge',
      alertId: ref('ws-av-webshell'),
      actionId: first.body.actionId,
      exerciseId,
    });
    expect(reused.body).toMatchObject({ error: { code: 'CONFLICT' } });
    const next = await act({ type: 'incident.create', title: 'Khác', alertIds: [] });
    expect(next.body).toMatchObject({ seq: 5, applied: true, result: { incidentId: 'INC-2' } });
    expect((await log('?afterSeq=3')).map((a) => [a.seq, a.action.type])).toEqual([
      [4, 'incident.update'],
      [5, 'incident.create'],
    ]);
    expect(await lastActions()).toEqual(['incident.create', null]);
    expect((await act({ type: 'hint.request', for: { alertId: ref('ws-fim-new-phtml') } })).body).toMatchObject({ error: { code: 'NO_HINT' } });

    // The database itself refuses a second record of an action id, whatever a process keeps in memory.
    const teamId = created.body.teams[0]!.id;
    await expect(
      sql(
        app!.get(DataSource),
        "INSERT INTO exercise_journal (exercise_id, ordinal, type, team_id, action_id, user_id, virtual_ms, wall_ms, payload) VALUES (?, 999999, 'action', ?, ?, NULL, 0, 0, '{}')",
        [exerciseId, teamId, first.body.actionId],
      ),
    ).rejects.toThrow(/UNIQUE|duplicate key/);
  }, 60_000);
});
