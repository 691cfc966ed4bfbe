import { randomUUID } from 'node:crypto';
import { io } from 'socket.io-client';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import { api, type ClientSocket, login, uploadFixture, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';

/**
 * A client that reconnects by itself (as the console does) and, on every connect, re-joins with the
 * last event seq and the last action seq it holds, per team. It keeps everything it receives, in
 * arrival order and without dropping repeats, so a duplicate or a gap shows.
 */
class RejoiningClient {
  readonly socket: ClientSocket;
  readonly events = new Map<string, number[]>();
  readonly actions = new Map<string, number[]>();
  joins = 0;
  drops = 0;

  constructor(
    baseUrl: string,
    token: string,
    private readonly exerciseId: string,
    private readonly perTeam: boolean,
  ) {
    this.socket = io(`${baseUrl}/exercises`, {
      transports: ['websocket'],
      auth: { token },
      reconnection: true,
      reconnectionDelay: 20,
      reconnectionDelayMax: 50,
      forceNew: true,
    });
    this.socket.on('exercise:events', (batch) => this.events.set(batch.teamId, [...(this.events.get(batch.teamId) ?? []), ...batch.events.map((e) => e.seq)]));
    this.socket.on('team:actions', (messages) => {
      for (const m of messages) this.actions.set(m.teamId, [...(this.actions.get(m.teamId) ?? []), m.action.seq]);
    });
    this.socket.on('connect', () => this.join());
  }

  private last(map: Map<string, number[]>): Record<string, number> {
    return Object.fromEntries([...map].map(([teamId, seqs]) => [teamId, seqs.length ? Math.max(...seqs) : 0]));
  }

  private join(): void {
    const lastSeq = this.last(this.events);
    const lastActionSeq = this.last(this.actions);
    const one = (m: Record<string, number>) => Object.values(m)[0] ?? 0;
    this.socket.emit(
      'exercise:join',
      { exerciseId: this.exerciseId, lastSeq: this.perTeam ? lastSeq : one(lastSeq), lastActionSeq: this.perTeam ? lastActionSeq : one(lastActionSeq) },
      (result) => {
        if ('data' in result) this.joins += 1;
      },
    );
  }

  /** Cuts the transport under the socket (as a network drop would); socket.io reconnects by itself. */
  drop(): void {
    if (!this.socket.connected) return;
    this.drops += 1;
    this.socket.io.engine.close();
  }

  close(): void {
    this.socket.disconnect();
  }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('reconnects lose nothing', () => {
  jest.setTimeout(60_000);
  let t: TestApp;
  let instructor: string;
  let tokens: Record<string, string>;
  let exercise: ExerciseDto;
  let alertRef: string;
  const sockets: Array<{ close(): void }> = [];

  beforeAll(async () => {
    t = await startTestApp();
    instructor = await login(t.baseUrl, 'instructor');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    tokens = Object.fromEntries(await Promise.all(['trainee1', 'trainee2', 'trainee3'].map(async (u) => [u, await login(t.baseUrl, u)])));
    const versionId = await uploadFixture(t.baseUrl, instructor, 'stream-test.yaml');
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [
        { name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] },
        { name: 'Đội Đỏ', memberIds: [ids.trainee3] },
      ],
      speed: 1,
      seed: 5,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`);
    // Alerts due at 15–60 s arrive up to 59 s later (delivery jitter): by 120 s at least four are in.
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 120_000 });
    const events = await api<{ events: Array<{ eventId: string }> }>(t.baseUrl, tokens.trainee2!, 'GET', `/exercises/${exercise.id}/events`);
    alertRef = events.body.events[0]!.eventId;
  });

  afterAll(async () => {
    for (const s of sockets) s.close();
    await t.close();
  });

  const act = async (body: Record<string, unknown>): Promise<number> => {
    const response = await api<{ seq: number; applied: boolean }>(t.baseUrl, tokens.trainee2!, 'POST', `/exercises/${exercise.id}/actions`, {
      actionId: randomUUID(),
      exerciseId: exercise.id,
      ...body,
    });
    expect({ status: response.status, applied: response.body.applied }).toEqual({ status: 200, applied: true });
    return response.body.seq;
  };

  it("replays a teammate's actions missed while the socket was down: every committed seq exactly once, in order", async () => {
    const teamA = exercise.teams[0]!.id;
    const trainee = new RejoiningClient(t.baseUrl, tokens.trainee1!, exercise.id, false);
    const cockpit = new RejoiningClient(t.baseUrl, instructor, exercise.id, true);
    sockets.push(trainee, cockpit);
    await expectEventually(() => expect(trainee.joins + cockpit.joins).toBe(2));

    let last = await act({ type: 'alert.acknowledge', alertId: alertRef });
    for (let i = 1; i <= 45; i++) {
      if (i % 6 === 0) trainee.drop();
      if (i % 9 === 0) cockpit.drop();
      last = await act({ type: 'alert.note', alertId: alertRef, text: `ghi chú ${i}` });
      // Paced under the per-user action rate limit (40 in any 2 s): at most ~33 here, with room for the next test.
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    expect(trainee.drops).toBeGreaterThanOrEqual(7);
    expect(cockpit.drops).toBeGreaterThanOrEqual(5);

    for (const client of [trainee, cockpit]) {
      await expectEventually(() => expect(Math.max(0, ...(client.actions.get(teamA) ?? []))).toBe(last), 15_000);
      expect(client.actions.get(teamA)).toEqual(range(last));
      // The event stream stays exact across the same drops.
      const seqs = client.events.get(teamA)!;
      expect(seqs).toEqual(range(seqs.length));
    }
    expect(cockpit.actions.has(exercise.teams[1]!.id)).toBe(false);
    expect(trainee.joins).toBe(trainee.drops + 1);
  });

  it('replays once when one socket sends two joins at once', async () => {
    const teamA = exercise.teams[0]!.id;
    await act({ type: 'alert.note', alertId: alertRef, text: 'thêm một ghi chú' });
    const socket: ClientSocket = io(`${t.baseUrl}/exercises`, {
      transports: ['websocket'],
      auth: { token: tokens.trainee1! },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(socket);
    const events: number[] = [];
    const actions: number[] = [];
    socket.on('exercise:events', (batch) => events.push(...batch.events.map((e) => e.seq)));
    socket.on('team:actions', (messages) => actions.push(...messages.map((m) => m.action.seq)));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const join = () =>
      new Promise<{ teams: Array<{ replayedFromSeq: number; replayedToSeq: number }> }>((resolve, reject) =>
        socket.emit('exercise:join', { exerciseId: exercise.id, lastSeq: 0, lastActionSeq: 0 }, (result) =>
          'data' in result ? resolve(result.data) : reject(new Error(result.error.code)),
        ),
      );
    const [first, second] = await Promise.all([join(), join()]);
    const committed = (await api<{ actions: unknown[] }>(t.baseUrl, tokens.trainee1!, 'GET', `/exercises/${exercise.id}/actions?teamId=${teamA}&limit=1000`))
      .body.actions.length;
    expect(committed).toBeGreaterThan(40);
    expect(actions).toEqual(range(committed));
    expect(events).toEqual(range(events.length));
    expect(events.length).toBeGreaterThanOrEqual(4);
    // Joins run in turn: the first replays, the second finds the socket live already.
    expect(first.teams[0]).toEqual({ teamId: teamA, replayedFromSeq: 0, replayedToSeq: events.length });
    expect(second.teams[0]).toEqual({ teamId: teamA, replayedFromSeq: 0, replayedToSeq: 0 });
  });

  it("sends the cockpit every team's actions together, a few messages a second, while teammates get each one", async () => {
    const [teamA, teamB] = exercise.teams.map((team) => team.id);
    // Earlier tests' actions reach the cockpit's batch within 200 ms: let it go out before this cockpit joins.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const cockpit: ClientSocket = io(`${t.baseUrl}/exercises`, { transports: ['websocket'], auth: { token: instructor }, reconnection: false, forceNew: true });
    const teammate: ClientSocket = io(`${t.baseUrl}/exercises`, {
      transports: ['websocket'],
      auth: { token: tokens.trainee1! },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(cockpit, teammate);
    const cockpitMessages: Array<Array<{ teamId: string; seq: number }>> = [];
    const teammateMessages: number[][] = [];
    cockpit.on('team:actions', (messages) => cockpitMessages.push(messages.map((m) => ({ teamId: m.teamId, seq: m.action.seq }))));
    teammate.on('team:actions', (messages) => teammateMessages.push(messages.map((m) => m.action.seq)));
    for (const socket of [cockpit, teammate]) {
      if (!socket.connected) await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      await new Promise<void>((resolve, reject) =>
        socket.emit('exercise:join', { exerciseId: exercise.id, lastSeq: 0 }, (result) =>
          'data' in result ? resolve() : reject(new Error(result.error.code)),
        ),
      );
    }
    const teamBEvents = await api<{ events: Array<{ eventId: string }> }>(t.baseUrl, tokens.trainee3!, 'GET', `/exercises/${exercise.id}/events`);
    const actAs = async (token: string, alertId: string, text: string) => {
      const response = await api<{ seq: number; applied: boolean }>(t.baseUrl, token, 'POST', `/exercises/${exercise.id}/actions`, {
        actionId: randomUUID(),
        exerciseId: exercise.id,
        type: 'alert.note',
        alertId,
        text,
      });
      expect({ status: response.status, body: response.body }).toMatchObject({ status: 200, body: { applied: true } });
      return response.body.seq;
    };
    const seqs = await Promise.all([
      ...range(6).map((i) => actAs(tokens.trainee2!, alertRef, `đội A ${i}`)),
      ...range(6).map((i) => actAs(tokens.trainee3!, teamBEvents.body.events[0]!.eventId, `đội B ${i}`)),
    ]);
    const expected = [...seqs.slice(0, 6).map((seq) => `${teamA}:${seq}`), ...seqs.slice(6).map((seq) => `${teamB}:${seq}`)].sort();
    await expectEventually(() =>
      expect(
        cockpitMessages
          .flat()
          .map((m) => `${m.teamId}:${m.seq}`)
          .sort(),
      ).toEqual(expected),
    );
    // Twelve actions of two teams reach the cockpit in fewer messages, at least one of them holding both teams.
    expect(cockpitMessages.length).toBeLessThan(12);
    expect(cockpitMessages.some((message) => new Set(message.map((m) => m.teamId)).size === 2)).toBe(true);
    // A teammate gets its own team's actions, each once, in commit order (a busy moment's together).
    await expectEventually(() => expect(teammateMessages.flat()).toEqual(seqs.slice(0, 6).sort((a, b) => a - b)));
  });
});
