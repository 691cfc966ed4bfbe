import { DataSource } from 'typeorm';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import { deliveryJitterMs } from '../../src/engine/compiled-scenario';
import { api, login, StreamClient, uploadFixture, userIds } from '../support/api';
import { alertRefsOf, expectEventually, startTestApp, type TestApp } from '../support/test-app';
import { sql } from '../support/test-database';

/** Sequence numbers must be exactly 1..n: no gap, no duplicate, in order. */
function expectContiguous(seqs: number[]): void {
  expect(seqs).toEqual(seqs.map((_, i) => i + 1));
}

describe('exercise runtime over REST and socket.io', () => {
  let t: TestApp;
  let instructor: string;
  let tokens: Record<string, string>;
  let exercise: ExerciseDto;
  /** Clients name alerts by opaque references: `ref(<scenario event id>)`. */
  let ref: (eventId: string) => string;
  const clients: StreamClient[] = [];
  const client = async (token: string) => {
    const c = new StreamClient(t.baseUrl, token);
    clients.push(c);
    await c.connected();
    return c;
  };

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    const admin = await login(t.baseUrl, 'admin');
    tokens = Object.fromEntries(await Promise.all(['trainee1', 'trainee2', 'trainee3', 'trainee4'].map(async (u) => [u, await login(t.baseUrl, u)])));
    const ids = await userIds(t.baseUrl, admin);
    const versionId = await uploadFixture(t.baseUrl, instructor, 'stream-test.yaml');
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [
        { name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] },
        { name: 'Đội Đỏ', memberIds: [ids.trainee3] },
      ],
      speed: 100,
      seed: 42,
      // 12 virtual minutes are 7 s at 100×: this drill runs until its instructor finishes it (see end.e2e-spec.ts).
      allowOvertime: true,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    ref = await alertRefsOf(t, exercise.id);
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('creates a draft exercise with its teams, visible to its members only', async () => {
    expect(exercise).toMatchObject({ status: 'draft', seed: '42', clock: { status: 'draft', virtualMs: 0, speed: 100 } });
    expect(exercise.teams.map((team) => team.members.map((m) => m.username))).toEqual([['trainee1', 'trainee2'], ['trainee3']]);
    expect((await api(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}`)).status).toBe(200);
    const outsider = await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee4!, 'GET', `/exercises/${exercise.id}`);
    expect(outsider.body.error.code).toBe('EXERCISE_NOT_FOUND');
    const mine = await api<ExerciseDto[]>(t.baseUrl, tokens.trainee4!, 'GET', '/exercises');
    expect(mine.body).toEqual([]);
  });

  it('refuses trainees at the controls and outsiders at the stream', async () => {
    const trainee = await client(tokens.trainee1!);
    expect((await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee1!, 'POST', `/exercises/${exercise.id}/start`)).body.error.code).toBe('FORBIDDEN');
    const outsider = await client(tokens.trainee4!);
    expect((await outsider.emit('exercise:join', { exerciseId: exercise.id })).error?.code).toBe('EXERCISE_NOT_FOUND');
    expect((await trainee.emit('exercise:join', { exerciseId: 'not-a-uuid' })).error?.code).toBe('VALIDATION_FAILED');
    expect((await trainee.emitAny('no-such-event', {})).error?.code).toBe('ROUTE_NOT_FOUND');
  });

  it('takes no commands over the socket: clock control, injects and scoreboard settings are REST only', async () => {
    const cockpit = await client(instructor);
    const retired: Array<[string, unknown]> = [
      ['exercise:control', { exerciseId: exercise.id, op: 'start' }],
      ['exercise:inject', { exerciseId: exercise.id, inject: { injectId: 'x' } }],
      ['scoreboard:control', { exerciseId: exercise.id, frozen: true }],
      ['scoreboard:get', { exerciseId: exercise.id }],
    ];
    for (const [event, payload] of retired) expect([event, (await cockpit.emitAny(event, payload)).error?.code]).toEqual([event, 'ROUTE_NOT_FOUND']);
    expect((await api<ExerciseDto>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}`)).body.clock.status).toBe('draft');
  });

  it('refuses a socket without a valid token at the handshake', async () => {
    const bad = new StreamClient(t.baseUrl, 'not-a-token');
    clients.push(bad);
    await expect(bad.connected()).rejects.toMatchObject({ data: { code: expect.stringMatching(/^AUTH_/) } });
  });

  it('streams each team its own events, in order, and survives a reconnect without gap or duplicate', async () => {
    const [teamA, teamB] = exercise.teams.map((team) => team.id) as [string, string];
    const a1 = await client(tokens.trainee1!);
    const a2 = await client(tokens.trainee2!);
    const b1 = await client(tokens.trainee3!);
    const cockpit = await client(instructor);
    for (const c of [a1, a2, b1]) expect((await c.emit('exercise:join', { exerciseId: exercise.id, lastSeq: 0 })).data).toBeDefined();
    const joined = await cockpit.emit<{ teams: Array<{ teamId: string }>; role: string }>('exercise:join', { exerciseId: exercise.id });
    expect(joined.data?.role).toBe('instructor');
    expect(joined.data?.teams.map((x) => x.teamId)).toEqual([teamA, teamB]);

    const started = await api<{ status: string }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`);
    expect(started.body.status).toBe('running');
    await expectEventually(() => expect(a1.seqs(teamA).length).toBeGreaterThanOrEqual(4), 10_000);

    // A trainee drops off and comes back with the last seq it had.
    a1.close();
    const had = a1.seqs(teamA);
    await expectEventually(() => expect(a2.lastSeq(teamA)).toBeGreaterThan(had[had.length - 1]! + 2), 10_000);
    const back = await client(tokens.trainee1!);
    const rejoin = await back.emit<{ teams: Array<{ replayedFromSeq: number; replayedToSeq: number }> }>('exercise:join', {
      exerciseId: exercise.id,
      lastSeq: had[had.length - 1],
    });
    expect(rejoin.data?.teams[0]?.replayedFromSeq).toBe(had[had.length - 1]);
    await expectEventually(() => expect(back.lastSeq(teamA)).toBeGreaterThanOrEqual(a2.lastSeq(teamA)), 10_000);
    expectContiguous([...had, ...back.seqs(teamA)]);

    expectContiguous(a2.seqs(teamA));
    expectContiguous(b1.seqs(teamB));
    expect(b1.events.has(teamA)).toBe(false);
    expect(a2.events.has(teamB)).toBe(false);
    await expectEventually(() => expect(cockpit.seqs(teamB).length).toBeGreaterThan(0));
    // Events carry seq, virtual time and the wall time they were scheduled for; never the answer key.
    const sample = a2.events.get(teamA)![0]!;
    expect(sample).toMatchObject({
      seq: 1,
      eventId: ref('s-001'),
      virtualMs: 15_000 + deliveryJitterMs(42, 's-001'),
      catchUp: false,
      alert: { id: ref('s-001') },
    });
    // Where an event came from (timeline, noise, inject) would name its verdict.
    expect(sample).not.toHaveProperty('origin');
    expect(sample.scheduledWallMs).toBeGreaterThan(0);
    expect(JSON.stringify([...a2.events.values()])).not.toMatch(/"answer"|"verdict"|"routing"/);
  });

  it('pauses delivery, resumes on time, and applies speed changes live', async () => {
    const teamA = exercise.teams[0]!.id;
    const watcher = await client(tokens.trainee2!);
    await watcher.emit('exercise:join', { exerciseId: exercise.id, lastSeq: 1_000_000 });
    const paused = await api<{ status: string; virtualMs: number }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`);
    expect(paused.body.status).toBe('paused');
    await expectEventually(() => expect(watcher.clocks.at(-1)?.status).toBe('paused'));
    const countAtPause = (await api<{ events: unknown[] }>(t.baseUrl, tokens.trainee2!, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body.events
      .length;
    await new Promise((resolve) => setTimeout(resolve, 600)); // at 100× this is a minute of virtual time
    const countLater = (await api<{ events: unknown[] }>(t.baseUrl, tokens.trainee2!, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body.events.length;
    expect(countLater).toBe(countAtPause);
    const view = await api<ExerciseDto>(t.baseUrl, tokens.trainee2!, 'GET', `/exercises/${exercise.id}`);
    expect(view.body.clock.virtualMs).toBe(paused.body.virtualMs);

    const slower = await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee2!, 'POST', `/exercises/${exercise.id}/speed`, { speed: 50 });
    expect(slower.body.error.code).toBe('FORBIDDEN');
    expect((await api<{ speed: number }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/speed`, { speed: 50 })).body.speed).toBe(50);
    expect((await api<{ error: { code: string } }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/speed`, { speed: 500 })).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
    await expectEventually(() => expect(watcher.clocks.at(-1)?.speed).toBe(50));

    // The watcher may have had live events before the pause: wait for one after the resume.
    const seenBeforeResume = watcher.seqs(teamA).length;
    const resumed = await api<{ status: string; virtualMs: number }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/resume`);
    expect(resumed.body).toMatchObject({ status: 'running', virtualMs: paused.body.virtualMs });
    await expectEventually(() => expect(watcher.seqs(teamA).length).toBeGreaterThan(seenBeforeResume), 10_000);
    // Delivered on time: every event's virtual time was due when it was scheduled.
    const after = (
      await api<{ events: Array<{ seq: number; virtualMs: number; catchUp: boolean }> }>(
        t.baseUrl,
        tokens.trainee2!,
        'GET',
        `/exercises/${exercise.id}/events?limit=5000`,
      )
    ).body.events;
    expect(after.length).toBeGreaterThan(countAtPause);
    expect(after.every((e) => !e.catchUp)).toBe(true);
  });

  it('seeks forward with catch-up, refuses seeking back, injects from the library, and records transitions', async () => {
    const teamB = exercise.teams[1]!.id;
    const view = await api<ExerciseDto>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}`);
    const target = view.body.clock.virtualMs + 120_000;
    const seek = await api<{ virtualMs: number }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: target });
    expect(seek.status).toBe(200);
    expect(seek.body.virtualMs).toBeGreaterThanOrEqual(target);
    const back = await api<{ error: { code: string } }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 0 });
    expect(back.body.error.code).toBe('SEEK_BACKWARDS');
    const events = (
      await api<{ events: Array<{ eventId: string; catchUp: boolean }> }>(t.baseUrl, tokens.trainee3!, 'GET', `/exercises/${exercise.id}/events?limit=5000`)
    ).body.events;
    expect(events.some((e) => e.catchUp)).toBe(true);

    const inject = await api<{ eventId: string }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/injects`, {
      injectId: 'inj-call',
      teamIds: [teamB],
    });
    expect(inject.status).toBe(201);
    await expectEventually(async () => {
      const list = (await api<{ events: Array<{ eventId: string }> }>(t.baseUrl, tokens.trainee3!, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body
        .events;
      expect(list.some((e) => e.eventId === inject.body.eventId)).toBe(true);
    });
    // The log keeps it as an inject; the instructor and the team see the same reference.
    const logged = (await sql(t.app.get(DataSource), 'SELECT event_id FROM exercise_events WHERE exercise_id = ? AND team_id = ? AND origin = ?', [
      exercise.id,
      teamB,
      'inject',
    ])) as Array<{
      event_id: string;
    }>;
    expect(logged.map((r) => ref(r.event_id))).toEqual([inject.body.eventId]);
    const other = (await api<{ events: Array<{ eventId: string }> }>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/events?limit=5000`)).body
      .events;
    expect(other.some((e) => e.eventId === inject.body.eventId)).toBe(false);
    expect(
      (await api<{ error: { code: string } }>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/events?teamId=${teamB}`)).body.error.code,
    ).toBe('NOT_TEAM_MEMBER');
    // The organisation's reviewer reads any team's log over REST (docs/exercises.md); another province's does not see the exercise.
    const reviewerRead = await api<{ teamId: string; events: Array<{ eventId: string }> }>(
      t.baseUrl,
      await login(t.baseUrl, 'reviewer'),
      'GET',
      `/exercises/${exercise.id}/events?teamId=${teamB}&limit=5000`,
    );
    expect(reviewerRead.status).toBe(200);
    expect(reviewerRead.body.events.map((e) => e.eventId)).toContain(inject.body.eventId);
    const foreignReviewer = await api<{ error: { code: string } }>(
      t.baseUrl,
      await login(t.baseUrl, 'reviewer2'),
      'GET',
      `/exercises/${exercise.id}/events?teamId=${teamB}`,
    );
    expect(foreignReviewer.body.error.code).toBe('EXERCISE_NOT_FOUND');

    const finished = await api<{ status: string }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/finish`);
    expect(finished.body.status).toBe('finished');
    expect((await api<{ error: { code: string } }>(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/resume`)).body.error.code).toBe(
      'EXERCISE_FINISHED',
    );
    const transitions = await api<Array<{ from: string; to: string; byUserId: string }>>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/transitions`);
    expect(transitions.body.map((x) => `${x.from}>${x.to}`)).toEqual(['draft>running', 'running>paused', 'paused>running', 'running>finished']);
    const audit = await api<{ items: Array<{ action: string }> }>(t.baseUrl, instructor, 'GET', '/audit?limit=100');
    expect(audit.body.items.map((i) => i.action)).toEqual(
      expect.arrayContaining(['exercise.create', 'exercise.start', 'exercise.pause', 'exercise.speed', 'exercise.seek', 'exercise.inject', 'exercise.finish']),
    );
  });
});
