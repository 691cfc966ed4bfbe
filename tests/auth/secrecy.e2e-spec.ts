import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { Scenario } from '../../src/contracts/scenario.schema';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { api, login, StreamClient, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';

const scenariosDir = join(__dirname, '..', '..', 'scenarios');
const bundled = readdirSync(scenariosDir)
  .filter((f) => f.endsWith('.yaml'))
  .map((file) => {
    const result = parseScenario(readFileSync(join(scenariosDir, file)));
    if (!result.ok) throw new Error(`${file} is invalid`);
    return result.scenario;
  });

/** Distinctive strings that only the answer key, the triggers or the future of the run contain. */
function secretsOf(scenario: Scenario, deliveredIds: ReadonlySet<string>, deliveredTexts: ReadonlySet<string>): Map<string, string> {
  const secrets = new Map<string, string>();
  const add = (what: string, value: string | undefined) => {
    if (value && value.length >= 6 && ![...deliveredTexts].some((text) => text.includes(value))) secrets.set(value, what);
  };
  for (const alert of [...scenario.timeline, ...scenario.injects]) {
    add(`rationale of ${alert.id}`, alert.answer.rationale?.vi);
    add(`rationale of ${alert.id}`, alert.answer.rationale?.en);
    if (!deliveredIds.has(alert.id)) {
      add('undelivered alert id', alert.id);
      add(`title of undelivered ${alert.id}`, alert.title.vi);
      add(`title of undelivered ${alert.id}`, alert.title.en);
    }
  }
  for (const trigger of scenario.triggers) {
    add('trigger id', trigger.id);
    add('trigger description', trigger.description.vi);
    add('trigger description', trigger.description.en);
  }
  for (const incident of scenario.incidents) {
    add('key incident title', incident.title.vi);
    add('key incident title', incident.title.en);
    add('key incident rationale', incident.rationale?.vi);
  }
  for (const response of scenario.responses) add('expected response', response.description.en);
  for (const harm of scenario.harmful) add('harmful action reason', harm.reason.en);
  for (const hint of scenario.hints) add('hint text', hint.text.en);
  return secrets;
}

describe('answer-key secrecy: nothing a trainee can receive reveals the key or the future', () => {
  let t: TestApp;
  let instructor: string;
  let trainee: string;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ LOAD_BUNDLED_SCENARIOS: 'true', SCENARIOS_DIR: scenariosDir });
    instructor = await login(t.baseUrl, 'instructor');
    trainee = await login(t.baseUrl, 'trainee1');
    ids = await userIds(t.baseUrl, await login(t.baseUrl, 'admin'));
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(bundled.map((s) => [s.id, s] as const))('%s', async (_id, scenario) => {
    const list = await api<Array<{ scenarioId: string; versionId: string }>>(t.baseUrl, instructor, 'GET', '/scenarios');
    const versionId = list.body.find((s) => s.scenarioId === scenario.id)!.versionId;
    const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
      scenarioVersionId: versionId,
      teams: [{ name: 'A', memberIds: [ids.trainee1] }, { name: 'B', memberIds: [ids.trainee2] }],
      speed: 1,
      seed: 1,
    });
    const exerciseId = created.body.id;
    const socket = new StreamClient(t.baseUrl, trainee);
    const received: string[] = [];
    socket.socket.onAny((event: string, ...args: unknown[]) => received.push(`${event} ${JSON.stringify(args)}`));
    await socket.connected();
    received.push(JSON.stringify(await socket.emit('exercise:join', { exerciseId, lastSeq: 0 })));
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/start`);
    // Half the drill at once, as catch-up, so a good part of the key is "in the past" and the rest is not.
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/seek`, { virtualMs: Math.floor((scenario.duration * 1000) / 2) });
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/pause`);
    await expectEventually(() => expect(received.some((r) => r.startsWith('exercise:events'))).toBe(true));

    // Everything a trainee can ask for over REST about this exercise and scenario.
    const teamA = created.body.teams[0]!.id;
    const paths = [
      '/scenarios',
      `/scenarios/${scenario.id}`,
      '/exercises',
      `/exercises/${exerciseId}`,
      `/exercises/${exerciseId}/events?limit=5000`,
      `/exercises/${exerciseId}/state`,
      `/exercises/${exerciseId}/actions`,
      `/exercises/${exerciseId}/deadlines`,
      `/exercises/${exerciseId}/scoreboard`,
      `/scenarios/${scenario.id}/versions`,
      `/scenarios/${scenario.id}/versions/${versionId}`,
      `/exercises/${exerciseId}/events?teamId=${created.body.teams[1]!.id}`,
    ];
    for (const path of paths) {
      const response = await api(t.baseUrl, trainee, 'GET', path);
      received.push(`${path} ${response.status} ${JSON.stringify(response.body)}`);
    }
    const delivered = (await api<{ events: Array<{ eventId: string; alert: { title: { vi: string; en: string } } }> }>(t.baseUrl, instructor, 'GET', `/exercises/${exerciseId}/events?teamId=${teamA}&limit=5000`)).body.events;
    expect(delivered.length).toBeGreaterThan(0);
    const deliveredIds = new Set(delivered.map((e) => e.eventId));
    // Texts that are public anyway: what was delivered, and the briefing (titles, target, assets, parties).
    const briefingTexts = [scenario.title, scenario.description, scenario.target.name, ...scenario.assets.map((a) => a.name), ...scenario.parties.map((p) => p.name)];
    const deliveredTexts = new Set([...delivered.flatMap((e) => [e.alert.title.vi, e.alert.title.en]), ...briefingTexts.flatMap((x) => [x.vi, x.en])]);
    const everything = received.join('\n');
    const leaks = [...secretsOf(scenario, deliveredIds, deliveredTexts)].filter(([value]) => everything.includes(value)).map(([value, what]) => `${what}: ${value}`);
    expect(leaks).toEqual([]);
    expect(everything).not.toMatch(/"answer"\s*:|"triggers"\s*:|"harmful"\s*:|"rationale"\s*:/);
    socket.close();
    await api(t.baseUrl, instructor, 'POST', `/exercises/${exerciseId}/finish`);
  });
});
