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
import type { ClockStateDto, ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ExerciseEndedMessage } from '../../src/contracts/realtime.schema';
import { api, login, StreamClient, uploadFixture, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { databaseEnv, sql } from '../support/test-database';

/** stream-test.yaml lasts 12 minutes. */
const DURATION_MS = 12 * 60_000;

type ErrorBody = { error: { code: string } };

/** A stream client that also records `exercise:ended`, and the order in which events and the end arrived. */
class EndWatcher extends StreamClient {
  readonly ended: ExerciseEndedMessage[] = [];
  readonly arrivals: string[] = [];

  constructor(baseUrl: string, token: string) {
    super(baseUrl, token);
    this.socket.on('exercise:ended', (message) => {
      this.ended.push(message);
      this.arrivals.push('ended');
    });
    this.socket.on('exercise:events', (batch) => this.arrivals.push(...batch.events.map((e) => `event:${e.seq}`)));
  }
}

describe('the end of an exercise', () => {
  let t: TestApp;
  let instructor: string;
  let admin: string;
  let trainee1: string;
  let trainee3: string;
  let ids: Record<string, string>;
  let versionId: string;
  const clients: StreamClient[] = [];

  const watcher = async (token: string, exerciseId: string) => {
    const c = new EndWatcher(t.baseUrl, token);
    clients.push(c);
    await c.connected();
    const joined = await c.emit<{ clock: ClockStateDto }>('exercise:join', { exerciseId });
    expect(joined.error).toBeUndefined();
    return c;
  };

  const create = async (extra: Record<string, unknown> = {}) => {
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [
        { name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] },
        { name: 'Đội Đỏ', memberIds: [ids.trainee3] },
      ],
      speed: 100,
      seed: 11,
      ...extra,
    });
    expect(created.status).toBe(201);
    return created.body;
  };

  const post = <T>(token: string, path: string, body?: unknown) => api<T>(t.baseUrl, token, 'POST', path, body);

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    admin = await login(t.baseUrl, 'admin');
    trainee1 = await login(t.baseUrl, 'trainee1');
    trainee3 = await login(t.baseUrl, 'trainee3');
    ids = await userIds(t.baseUrl, admin);
    versionId = await uploadFixture(t.baseUrl, instructor, 'stream-test.yaml');
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('ends by itself exactly at its duration, recorded by the system, with an end event on every stream and the final scores stored', async () => {
    const exercise = await create();
    expect(exercise.clock).toMatchObject({ allowOvertime: false, endReason: null });
    const streams = [await watcher(trainee1, exercise.id), await watcher(trainee3, exercise.id), await watcher(instructor, exercise.id)];
    expect((await post(instructor, `/exercises/${exercise.id}/start`)).status).toBe(200);
    // 20 virtual seconds before the end: at 100× that is 200 ms of wall time, and each late
    // millisecond of a timer would be 100 virtual ms past the duration.
    const seek = await post<ClockStateDto>(instructor, `/exercises/${exercise.id}/seek`, { virtualMs: DURATION_MS - 20_000 });
    expect(seek.body).toMatchObject({ status: 'running', allowOvertime: false, endReason: null });

    for (const s of streams) await expectEventually(() => expect(s.ended).toHaveLength(1), 10_000);
    for (const s of streams) {
      expect(s.ended[0]).toEqual({
        exerciseId: exercise.id,
        reason: 'duration',
        virtualMs: DURATION_MS,
        clock: expect.objectContaining({ status: 'finished', virtualMs: DURATION_MS, durationMs: DURATION_MS, allowOvertime: false, endReason: 'duration' }),
      });
      expect(s.clocks.at(-1)).toMatchObject({ status: 'finished', virtualMs: DURATION_MS });
    }

    const view = await api<ExerciseDto>(t.baseUrl, trainee1, 'GET', `/exercises/${exercise.id}`);
    expect(view.body.status).toBe('finished');
    expect(view.body.clock).toMatchObject({ status: 'finished', virtualMs: DURATION_MS, endReason: 'duration', allowOvertime: false });
    const transitions = await api<Array<{ from: string; to: string; byUserId: string | null; atVirtualMs: number }>>(
      t.baseUrl,
      instructor,
      'GET',
      `/exercises/${exercise.id}/transitions`,
    );
    expect(transitions.body.at(-1)).toMatchObject({ from: 'running', to: 'finished', byUserId: null, atVirtualMs: DURATION_MS });
    const audit = await api<{ items: Array<{ action: string; actorId: string | null; targetId: string; after: { endReason?: string; virtualMs?: number } }> }>(
      t.baseUrl,
      admin,
      'GET',
      `/audit?limit=50&targetId=${exercise.id}`,
    );
    expect(audit.body.items.filter((i) => i.action === 'exercise.end')).toEqual([
      expect.objectContaining({ actorId: null, after: expect.objectContaining({ status: 'finished', endReason: 'duration', virtualMs: DURATION_MS }) }),
    ]);
    // Nothing after the end was delivered.
    const events = (await api<{ events: Array<{ virtualMs: number }> }>(t.baseUrl, trainee1, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body.events;
    expect(events.length).toBeGreaterThan(30);
    expect(Math.max(...events.map((e) => e.virtualMs))).toBeLessThanOrEqual(DURATION_MS);
    // Final scores are stored as when an instructor finishes.
    const db = t.app.get(DataSource);
    await expectEventually(async () => {
      const rows = (await sql(db, 'SELECT team_id, current FROM exercise_scores WHERE exercise_id = ?', [exercise.id])) as Array<{
        team_id: string;
        current: number;
      }>;
      expect(new Set(rows.filter((r) => Number(r.current) === 1).map((r) => r.team_id))).toEqual(new Set(exercise.teams.map((team) => team.id)));
    }, 10_000);

    // Over: every control and every action is refused.
    for (const op of ['pause', 'resume', 'finish', 'abort'])
      expect((await post<ErrorBody>(instructor, `/exercises/${exercise.id}/${op}`)).body.error.code).toBe('EXERCISE_FINISHED');
    expect((await post<ErrorBody>(instructor, `/exercises/${exercise.id}/speed`, { speed: 2 })).body.error.code).toBe('EXERCISE_FINISHED');
    expect((await post<ErrorBody>(instructor, `/exercises/${exercise.id}/overtime`, { allowOvertime: true })).body.error.code).toBe('EXERCISE_FINISHED');
    const alertId = streams[0]!.events.get(exercise.teams[0]!.id)![0]!.eventId;
    const act = await post<ErrorBody>(trainee1, `/exercises/${exercise.id}/actions`, {
      actionId: randomUUID(),
      exerciseId: exercise.id,
      type: 'alert.acknowledge',
      alertId,
    });
    expect(act.body.error.code).toBe('EXERCISE_FINISHED');

    // Nobody got the end twice.
    for (const s of streams) expect(s.ended).toHaveLength(1);

    // Whoever joins the ended exercise gets the replay, then the end; joining again sends nothing new.
    const late = await watcher(trainee1, exercise.id);
    expect(late.arrivals.at(-1)).toBe('ended');
    expect(late.arrivals.filter((a) => a === 'ended')).toHaveLength(1);
    expect(late.arrivals.length).toBe(events.length + 1);
    expect(late.ended[0]).toMatchObject({ reason: 'duration', virtualMs: DURATION_MS });
    expect((await late.emit('exercise:join', { exerciseId: exercise.id })).error).toBeUndefined();
    expect(late.ended).toHaveLength(1);
  });

  it('stops a seek past the duration at the duration, and ends there', async () => {
    const exercise = await create({ speed: 1 });
    const stream = await watcher(trainee3, exercise.id);
    await post(instructor, `/exercises/${exercise.id}/start`);
    const seek = await post<ClockStateDto>(instructor, `/exercises/${exercise.id}/seek`, { virtualMs: 3 * DURATION_MS });
    expect(seek.status).toBe(200);
    expect(seek.body).toMatchObject({ status: 'finished', virtualMs: DURATION_MS, endReason: 'duration' });
    await expectEventually(() => expect(stream.ended.map((m) => [m.reason, m.virtualMs])).toEqual([['duration', DURATION_MS]]));
  });

  it('keeps running past the duration with overtime, shown on the clock; turning overtime off then ends it at once', async () => {
    const exercise = await create({ allowOvertime: true });
    expect(exercise.clock).toMatchObject({ allowOvertime: true, endReason: null });
    const stream = await watcher(trainee1, exercise.id);
    await post(instructor, `/exercises/${exercise.id}/start`);
    await post(instructor, `/exercises/${exercise.id}/seek`, { virtualMs: DURATION_MS - 1_000 });
    await expectEventually(async () => {
      const view = await api<ExerciseDto>(t.baseUrl, trainee1, 'GET', `/exercises/${exercise.id}`);
      expect(view.body.status).toBe('running');
      expect(view.body.clock.allowOvertime).toBe(true);
      expect(view.body.clock.virtualMs).toBeGreaterThan(DURATION_MS + 10_000);
    }, 10_000);
    expect(stream.ended).toEqual([]);

    expect((await post<ErrorBody>(trainee1, `/exercises/${exercise.id}/overtime`, { allowOvertime: false })).body.error.code).toBe('FORBIDDEN');
    const off = await post<ClockStateDto>(instructor, `/exercises/${exercise.id}/overtime`, { allowOvertime: false });
    expect(off.status).toBe(200);
    expect(off.body).toMatchObject({ status: 'finished', allowOvertime: false, endReason: 'duration' });
    expect(off.body.virtualMs).toBeGreaterThan(DURATION_MS + 10_000);
    await expectEventually(() => expect(stream.ended.map((m) => [m.reason, m.virtualMs])).toEqual([['duration', off.body.virtualMs]]));
    const view = await api<ExerciseDto>(t.baseUrl, trainee1, 'GET', `/exercises/${exercise.id}`);
    expect(view.body.clock).toMatchObject({ status: 'finished', virtualMs: off.body.virtualMs, allowOvertime: false, endReason: 'duration' });
    const audit = await api<{ items: Array<{ action: string; actorId: string | null }> }>(t.baseUrl, admin, 'GET', `/audit?limit=50&targetId=${exercise.id}`);
    expect(audit.body.items.filter((i) => i.action === 'exercise.overtime' || i.action === 'exercise.end').map((i) => [i.action, i.actorId])).toEqual(
      expect.arrayContaining([
        ['exercise.overtime', ids.instructor],
        ['exercise.end', ids.instructor],
      ]),
    );
  });

  it('lets an instructor allow overtime while it runs; finish and abort say why the exercise ended', async () => {
    const exercise = await create();
    const stream = await watcher(trainee3, exercise.id);
    await post(instructor, `/exercises/${exercise.id}/start`);
    const on = await post<ClockStateDto>(instructor, `/exercises/${exercise.id}/overtime`, { allowOvertime: true });
    expect(on.body).toMatchObject({ status: 'running', allowOvertime: true, endReason: null });
    await expectEventually(() => expect(stream.clocks.at(-1)).toMatchObject({ allowOvertime: true }));
    const seek = await post<ClockStateDto>(instructor, `/exercises/${exercise.id}/seek`, { virtualMs: DURATION_MS + 60_000 });
    expect(seek.body).toMatchObject({ status: 'running', endReason: null });
    expect(seek.body.virtualMs).toBeGreaterThanOrEqual(DURATION_MS + 60_000);
    const finished = await post<ClockStateDto>(instructor, `/exercises/${exercise.id}/finish`);
    expect(finished.body).toMatchObject({ status: 'finished', allowOvertime: true, endReason: 'finished' });
    await expectEventually(() => expect(stream.ended.map((m) => m.reason)).toEqual(['finished']));

    const draft = await create();
    const aborted = await post<ClockStateDto>(instructor, `/exercises/${draft.id}/abort`);
    expect(aborted.body).toMatchObject({ status: 'aborted', endReason: 'aborted' });
    expect((await api<ExerciseDto>(t.baseUrl, instructor, 'GET', `/exercises/${draft.id}`)).body.clock.endReason).toBe('aborted');
  });
});

describe('a restart after the end was due', () => {
  jest.setTimeout(60_000);

  it('ends the exercise at exactly its duration, as the system', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-end-'));
    const start = async (): Promise<{ app: INestApplication; baseUrl: string }> => {
      const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOAD_BUNDLED_SCENARIOS: 'false', LOG_LEVEL: 'error', ...(await databaseEnv(dataDir)) });
      const app = await createApp(config, { logger: false });
      await app.listen(0, '127.0.0.1');
      return { app, baseUrl: `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}` };
    };
    let server = await start();
    try {
      const instructor = await login(server.baseUrl, 'instructor');
      const ids = await userIds(server.baseUrl, await login(server.baseUrl, 'admin'));
      const versionId = await uploadFixture(server.baseUrl, instructor, 'stream-test.yaml');
      const created = await api<ExerciseDto>(server.baseUrl, instructor, 'POST', '/exercises', {
        scenarioVersionId: versionId,
        teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1] }],
        speed: 1,
        seed: 3,
      });
      const exerciseId = created.body.id;
      await api(server.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/start`);
      // Six seconds before the end at 1×; the server goes down right away and comes back after it.
      const seek = await api<ClockStateDto>(server.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/seek`, { virtualMs: DURATION_MS - 6_000 });
      const dueWallMs = seek.body.wallMs + 6_000;
      await server.app.close();
      const closedAt = Date.now();
      expect(closedAt).toBeLessThan(dueWallMs);
      await new Promise((resolve) => setTimeout(resolve, dueWallMs - Date.now() + 1_000));

      server = await start();
      const token = await login(server.baseUrl, 'instructor');
      const view = await api<ExerciseDto>(server.baseUrl, token, 'GET', `/exercises/${exerciseId}`);
      expect(view.body.status).toBe('finished');
      expect(view.body.clock).toMatchObject({ status: 'finished', virtualMs: DURATION_MS, endReason: 'duration' });
      const transitions = await api<Array<{ to: string; byUserId: string | null; atWall: string; atVirtualMs: number }>>(
        server.baseUrl,
        token,
        'GET',
        `/exercises/${exerciseId}/transitions`,
      );
      const end = transitions.body.at(-1)!;
      expect(end).toMatchObject({ to: 'finished', byUserId: null, atVirtualMs: DURATION_MS });
      // Recorded at the instant the duration was reached, while the server was down.
      expect(Math.abs(Date.parse(end.atWall) - dueWallMs)).toBeLessThan(50);
      const events = (
        await api<{ events: Array<{ virtualMs: number }> }>(
          server.baseUrl,
          token,
          'GET',
          `/exercises/${exerciseId}/events?teamId=${created.body.teams[0]!.id}&limit=5000`,
        )
      ).body.events;
      expect(Math.max(...events.map((e) => e.virtualMs))).toBeLessThanOrEqual(DURATION_MS);
      const db = server.app.get(DataSource);
      await expectEventually(async () => {
        const rows = (await sql(db, 'SELECT COUNT(*) AS n FROM exercise_scores WHERE exercise_id = ?', [exerciseId])) as Array<{ n: number }>;
        expect(Number(rows[0]!.n)).toBeGreaterThan(0);
      }, 10_000);
    } finally {
      await server.app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
