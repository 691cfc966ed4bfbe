import type { Namespace } from 'socket.io';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { ScoreboardView } from '../../src/contracts/scoring.schema';
import { ExerciseBus } from '../../src/exercises/exercise-bus';
import { ExercisesGateway } from '../../src/realtime/exercises.gateway';
import { api, login, StreamClient, uploadFixture, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';

/**
 * A room broadcast is written when it is published, to the sockets in the room then: a socket
 * that has left gets nothing more, one that joins again gets what is published after.
 */
describe('room broadcasts', () => {
  let t: TestApp;
  let exercise: ExerciseDto;
  const clients: StreamClient[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    const instructor = await login(t.baseUrl, 'instructor');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    const versionId = await uploadFixture(t.baseUrl, instructor, 'stream-test.yaml');
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1, ids.trainee2] }],
      speed: 1,
      seed: 7,
    });
    expect(created.status).toBe(201);
    exercise = created.body;
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await t.close();
  });

  it('writes a message to the sockets in the room when it is published, in publication order', async () => {
    const teamId = exercise.teams[0]!.id;
    const received = new Map<StreamClient, number[]>();
    const joinAs = async (username: string) => {
      const c = new StreamClient(t.baseUrl, await login(t.baseUrl, username));
      clients.push(c);
      await c.connected();
      received.set(c, []);
      c.socket.on('exercise:scores', (view: ScoreboardView) => received.get(c)!.push((view as unknown as { marker: number }).marker));
      expect((await c.emit('exercise:join', { exerciseId: exercise.id, lastSeq: 0 })).data).toBeDefined();
      return c;
    };
    const leaver = await joinAs('trainee1');
    const stayer = await joinAs('trainee2');
    const bus = t.app.get(ExerciseBus);
    const namespace = (t.app.get(ExercisesGateway) as unknown as { server: Namespace }).server;
    const publish = (marker: number) =>
      bus.publish({
        type: 'scores',
        exerciseId: exercise.id,
        instructor: { marker } as unknown as ScoreboardView,
        teams: [{ teamId, view: { marker } as unknown as ScoreboardView }],
      });

    // Published while both are in the room: both get it, though the leaver leaves right after.
    publish(1);
    void namespace.sockets.get(leaver.socket.id!)!.leave(`team:${teamId}`);
    publish(2);
    await expectEventually(() => expect(received.get(stayer)).toEqual([1, 2]));
    await expectEventually(() => expect(received.get(leaver)).toEqual([1]));

    // Back in the room through a join: later messages reach it again.
    expect((await leaver.emit('exercise:join', { exerciseId: exercise.id, lastSeq: 0 })).data).toBeDefined();
    publish(3);
    await expectEventually(() => expect(received.get(stayer)).toEqual([1, 2, 3]));
    await expectEventually(() => expect(received.get(leaver)).toEqual([1, 3]));
  });
});
