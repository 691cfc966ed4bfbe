import { join } from 'node:path';
import { runLoad } from '../../src/bench/triage-load-client';
import type { ExerciseDto, StreamEvent } from '../../src/contracts/exercise.schema';
import { api, login, userIds } from '../support/api';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The triage benchmark's load generator (`npm run bench -- --only=triage-actions`): its bare
 * wire-protocol clients must act, read acks and count teammate broadcasts exactly as full
 * socket.io clients do, or the benchmark's lost/missing counts would mean nothing.
 */
describe('triage benchmark load clients', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: join(__dirname, '..', '..', 'scenarios') });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(['wire', 'socket.io'] as const)('%s clients act, get every ack and count every teammate receipt', async (client) => {
    const instructor = await login(t.baseUrl, 'instructor');
    const ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
    const versionId = (await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios')).body.find((s) => s.scenarioId === 'portal-defacement')!.versionId;
    const exercise = (
      await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
        scenarioVersionId: versionId,
        teams: [
          { name: 'A', memberIds: [ids.trainee1, ids.trainee2] },
          { name: 'B', memberIds: [ids.trainee3] },
        ],
        seed: 5,
      })
    ).body;
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`);
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: 30 * 60_000 });
    const alertIdsOf = async (teamId: string) =>
      (await api<{ events: StreamEvent[] }>(t.baseUrl, instructor, 'GET', `/exercises/${exercise.id}/events?teamId=${teamId}&limit=40`)).body.events.map((e) => e.eventId);
    const [teamA, teamB] = exercise.teams.map((team) => team.id) as [string, string];
    const tokens = await Promise.all(['trainee1', 'trainee2', 'trainee3'].map((u) => login(t.baseUrl, u)));
    const phases: string[] = [];
    const report = await runLoad(
      {
        baseUrl: t.baseUrl,
        exerciseId: exercise.id,
        clients: [
          { token: tokens[0]!, alertIds: await alertIdsOf(teamA) },
          { token: tokens[1]!, alertIds: await alertIdsOf(teamA) },
          { token: tokens[2]!, alertIds: await alertIdsOf(teamB) },
        ],
        actionsPerSecond: 30,
        durationMs: 1_000,
        warmupMs: 500,
        client,
      },
      (phase) => phases.push(phase),
    );
    expect(phases).toEqual(['load-start', 'load-end']);
    // 15 warm-up actions, then 30 measured: all are applied and counted, only the 30 are timed.
    expect(report).toMatchObject({ sent: 45, acked: 45, errors: {} });
    expect(new Set(report.appliedIds).size).toBe(45);
    expect(report.latenciesMs).toHaveLength(30);
    expect(report.warmupLatenciesMs).toHaveLength(15);
    // Round robin over the three clients: 30 actions of team A reach its 2 sockets, 15 of team B its 1.
    expect(report.broadcastsReceived).toBe(30 * 2 + 15 * 1);
    expect(report.receivedChars).toBeGreaterThan(0);
  }, 60_000);
});
