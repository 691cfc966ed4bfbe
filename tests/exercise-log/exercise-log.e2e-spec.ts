import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app-factory';
import { loadConfig } from '../../src/config/app-config';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ActionAck } from '../../src/contracts/triage.schema';
import { ExerciseLogRepository } from '../../src/exercise-log/exercise-log.repository';
import { serialTransaction } from '../../src/persistence/serial-transaction';
import { api, login, userIds } from '../support/api';
import { alertRefsOf, expectEventually } from '../support/test-app';
import { uploadBundled } from '../triage/triage-support';
import { databaseEnv, onPostgres, sql } from '../support/test-database';

/**
 * The exercise log's one owner. Two app instances, one after the other, on one data folder: an
 * action id appended once is never appended again, by the triage path (which rebuilds its state
 * from the log) nor by the repository itself (which keeps nothing in memory: the database refuses).
 */
describe('ExerciseLogRepository', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-exercise-log-'));
  let app: INestApplication | undefined;

  const boot = async (): Promise<string> => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOAD_BUNDLED_SCENARIOS: 'false', LOG_LEVEL: 'error', ...(await databaseEnv(dataDir)) });
    app = await createApp(config, { logger: false });
    await app.listen(0, '127.0.0.1');
    return `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  };
  const rowsOf = async (actionId: string) =>
    Number(
      ((await sql(app!.get(DataSource), 'SELECT COUNT(*) AS n FROM exercise_journal WHERE action_id = ?', [actionId])) as Array<{ n: number | string }>)[0]!.n,
    );

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('appends an action id once across two app instances on one data folder, and reads back what it wrote', async () => {
    let base = await boot();
    const instructor = await login(base, 'instructor');
    const ids = await userIds(base, await login(base, 'admin'));
    const created = await api<ExerciseDto>(base, instructor, 'POST', '/exercises', {
      scenarioVersionId: await uploadBundled(base, instructor, 'portal-defacement'),
      teams: [
        { name: 'Đội 1', memberIds: [ids.trainee1] },
        { name: 'Đội 2', memberIds: [ids.trainee3] },
      ],
      speed: 1,
      seed: 7,
    });
    const exerciseId = created.body.id;
    const [teamA, teamB] = created.body.teams.map((team) => team.id) as [string, string];
    const ref = await alertRefsOf({ app: app! }, exerciseId);
    await api(base, instructor, 'POST', `/exercises/${exerciseId}/start`);
    await api(base, instructor, 'POST', `/exercises/${exerciseId}/seek`, { virtualMs: 16 * 60_000 });
    const actionId = randomUUID();
    const body = { type: 'alert.acknowledge', alertId: ref('ws-fim-new-phtml'), actionId, exerciseId };
    let trainee = await login(base, 'trainee1');
    await expectEventually(
      async () => expect((await api<ActionAck>(base, trainee, 'POST', `/exercises/${exerciseId}/actions`, body)).body).toMatchObject({ seq: 1, applied: true }),
      10_000,
    );
    expect(await rowsOf(actionId)).toBe(1);

    // The repository's reads agree with each other on what was written.
    const log = app!.get(ExerciseLogRepository);
    const delivered = await log.eventsSince(exerciseId, teamA, 0, 1_000_000);
    expect(delivered.length).toBeGreaterThan(0);
    expect(delivered.map((e) => e.seq)).toEqual(delivered.map((_, i) => i + 1));
    expect((await log.eventIdsSince(exerciseId, teamA, 1)).map((e) => e.eventId)).toEqual(delivered.slice(1).map((e) => e.eventId));
    expect((await log.lastEventSeqs(exerciseId))[teamA]).toBe(delivered.length);
    const recorded = await log.recordedActions(exerciseId);
    expect(recorded.map((r) => r.action.actionId)).toEqual([actionId]);
    expect(await log.recordedActionsAt(exerciseId, [recorded[0]!.ordinal])).toEqual([recorded[0]!.action]);
    expect((await log.journal(exerciseId)).filter((e) => e.type === 'action').map((e) => e.type === 'action' && e.action.actionId)).toEqual([actionId]);
    const whole = await log.teamLogs(exerciseId, [teamA, teamB], (eventId) => eventId, { wholeExercise: true });
    expect(whole.teams.get(teamA)!.delivered).toEqual(delivered.map((e) => e.eventId));
    expect(whole.teams.get(teamA)!.actions).toEqual([recorded[0]!.action]);
    expect(whole.teams.get(teamB)!.actions).toEqual([]);
    // One team's rows through the team index, in one go and in pages, are the whole read's.
    const one = await log.teamLogs(exerciseId, [teamA], (eventId) => eventId);
    expect(one.teams.get(teamA)).toEqual(whole.teams.get(teamA));
    expect(one.rows.actions).toBe(1);
    const paged = await log.teamLogs(exerciseId, [teamB, teamA], (eventId) => eventId, { betweenPages: () => Promise.resolve() });
    expect(paged.teams.get(teamA)).toEqual(whole.teams.get(teamA));
    expect(paged.teams.get(teamB)).toEqual(whole.teams.get(teamB));
    // SQLite's plan names the index; PostgreSQL's planner scans a table this small whatever its indexes.
    if (!onPostgres)
      expect(
        (
          (await sql(
            app!.get(DataSource),
            `EXPLAIN QUERY PLAN SELECT detail FROM exercise_journal WHERE exercise_id = ? AND team_id IN (?) AND team_seq IS NOT NULL`,
            [exerciseId, teamA],
          )) as Array<{ detail: string }>
        )[0]!.detail,
      ).toContain('ix_exercise_journal_team');
    expect(Object.fromEntries(await log.teamLogEnds(exerciseId, [teamA, teamB]))).toEqual({
      [teamA]: { events: delivered.length, actions: 1 },
      [teamB]: { events: whole.teams.get(teamB)!.delivered.length, actions: 0 },
    });

    // A second instance on the same folder, nothing in memory: the retry gets the original ack.
    await app!.close();
    base = await boot();
    trainee = await login(base, 'trainee1');
    expect((await api<ActionAck>(base, trainee, 'POST', `/exercises/${exerciseId}/actions`, body)).body).toMatchObject({ seq: 1, applied: false });
    expect(await rowsOf(actionId)).toBe(1);
    // And the repository, asked directly to append the same action id again, is refused by the database.
    const again = app!.get(ExerciseLogRepository);
    const [entry] = (await again.journal(exerciseId)).filter((e) => e.type === 'action');
    const ordinal = (await again.journal(exerciseId)).length;
    await expect(
      serialTransaction(app!.get(DataSource), (manager) =>
        again.append(manager, exerciseId, {
          journal: [{ ordinal, entry: entry!, userId: ids.trainee1!, wallMs: Date.now(), teamSeq: 2, detail: null }],
          events: [],
        }),
      ),
    ).rejects.toThrow(/UNIQUE|duplicate key/);
    expect(await rowsOf(actionId)).toBe(1);
  }, 60_000);
});
