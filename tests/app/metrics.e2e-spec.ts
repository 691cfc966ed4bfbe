import { randomUUID } from 'node:crypto';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import { api, login, StreamClient, uploadFixture, userIds } from '../support/api';
import { expectEventually, startTestApp, type TestApp } from '../support/test-app';

const TOKEN = 'metrics-scraper-token-4f9c2a7d1e';

/** The value of one sample of the text exposition format, e.g. sample(text, 'soc_drill_actions_total', 'outcome="ok"'). */
function sample(text: string, name: string, labels?: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    if (labels !== undefined && !(match[2] ?? '').split(',').includes(labels)) continue;
    return Number(match[3]);
  }
  return undefined;
}

async function scrape(baseUrl: string, token: string | null = TOKEN): Promise<{ status: number; contentType: string | null; text: string }> {
  const response = await fetch(`${baseUrl}/api/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

describe('Prometheus metrics', () => {
  it('are off by default: /api/metrics answers 404 ROUTE_NOT_FOUND', async () => {
    const t = await startTestApp();
    try {
      const response = await scrape(t.baseUrl, null);
      expect(response.status).toBe(404);
      expect(JSON.parse(response.text)).toMatchObject({ error: { code: 'ROUTE_NOT_FOUND' } });
    } finally {
      await t.close();
    }
  });

  describe('when enabled with a token', () => {
    let t: TestApp;
    const clients: StreamClient[] = [];
    beforeAll(async () => {
      t = await startTestApp({ METRICS_ENABLED: 'true', METRICS_TOKEN: TOKEN });
    });
    afterAll(async () => {
      for (const c of clients) c.close();
      await t.close();
    });

    it('refuses a scrape without the token or with a wrong one', async () => {
      const missing = await scrape(t.baseUrl, null);
      expect(missing.status).toBe(401);
      expect(JSON.parse(missing.text)).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
      const wrong = await scrape(t.baseUrl, `${TOKEN}x`);
      expect(wrong.status).toBe(401);
      expect(JSON.parse(wrong.text)).toMatchObject({ error: { code: 'AUTH_TOKEN_INVALID' } });
      // A user's access token is not the metrics token.
      const user = await scrape(t.baseUrl, await login(t.baseUrl, 'admin'));
      expect(user.status).toBe(401);
    });

    it('serves the text format with the process defaults and every named metric', async () => {
      const response = await scrape(t.baseUrl);
      expect(response.status).toBe(200);
      expect(response.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      for (const name of [
        'soc_drill_connected_sockets',
        'soc_drill_running_exercises',
        'soc_drill_actions_total',
        'soc_drill_action_ack_seconds',
        'soc_drill_alert_delivery_lateness_seconds',
        'nodejs_eventloop_lag_seconds',
        'nodejs_eventloop_lag_p99_seconds',
        'process_resident_memory_bytes',
        'process_cpu_seconds_total',
      ]) {
        expect([name, response.text.includes(`# TYPE ${name} `)]).toEqual([name, true]);
      }
      expect(sample(response.text, 'soc_drill_connected_sockets')).toBe(0);
      expect(sample(response.text, 'soc_drill_running_exercises')).toBe(0);
      for (const outcome of ['ok', 'refused', 'error']) expect(sample(response.text, 'soc_drill_actions_total', `outcome="${outcome}"`)).toBe(0);
    });

    it('counts sockets, running exercises, actions with their ack time, and delivery lateness of a live drill', async () => {
      const instructor = await login(t.baseUrl, 'instructor');
      const admin = await login(t.baseUrl, 'admin');
      const trainee = await login(t.baseUrl, 'trainee1');
      const ids = await userIds(t.baseUrl, admin);
      const versionId = await uploadFixture(t.baseUrl, instructor, 'stream-test.yaml');
      const created = await api<ExerciseDto>(t.baseUrl, instructor, 'POST', '/exercises', {
        scenarioVersionId: versionId,
        teams: [{ name: 'Đội Xanh', memberIds: [ids.trainee1] }],
        speed: 100,
        seed: 3,
        allowOvertime: true,
      });
      expect(created.status).toBe(201);
      const exercise = created.body;
      const client = new StreamClient(t.baseUrl, trainee);
      clients.push(client);
      await client.connected();
      expect((await client.emit('exercise:join', { exerciseId: exercise.id, lastSeq: 0 })).error).toBeUndefined();
      await expectEventually(async () => expect(sample((await scrape(t.baseUrl)).text, 'soc_drill_connected_sockets')).toBe(1));

      expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`)).status).toBe(200);
      const teamId = exercise.teams[0]!.id;
      // The first alert is due 15 virtual seconds in: 0.15 s at 100×.
      await expectEventually(() => expect(client.events.get(teamId)?.length ?? 0).toBeGreaterThan(0));
      const first = client.events.get(teamId)![0]!;

      const act = (alertId: string) =>
        api(t.baseUrl, trainee, 'POST', `/exercises/${exercise.id}/actions`, {
          type: 'alert.acknowledge',
          alertId,
          actionId: randomUUID(),
          exerciseId: exercise.id,
        });
      expect((await act(first.eventId)).status).toBe(200);
      expect((await act('AL-not-delivered')).status).toBeGreaterThanOrEqual(400);

      const text = (await scrape(t.baseUrl)).text;
      expect(sample(text, 'soc_drill_running_exercises')).toBe(1);
      expect(sample(text, 'soc_drill_actions_total', 'outcome="ok"')).toBe(1);
      expect(sample(text, 'soc_drill_actions_total', 'outcome="refused"')).toBe(1);
      expect(sample(text, 'soc_drill_action_ack_seconds_count')).toBe(2);
      expect(sample(text, 'soc_drill_action_ack_seconds_sum')).toBeGreaterThan(0);
      expect(sample(text, 'soc_drill_action_ack_seconds_bucket', 'le="+Inf"')).toBe(2);
      const delivered = sample(text, 'soc_drill_alert_delivery_lateness_seconds_count') ?? 0;
      expect(delivered).toBeGreaterThanOrEqual(1);
      // In seconds, not milliseconds: even a busy test machine delivers within 10 s.
      expect(sample(text, 'soc_drill_alert_delivery_lateness_seconds_bucket', 'le="10"')).toBe(delivered);

      expect((await api(t.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`)).status).toBe(200);
      expect(sample((await scrape(t.baseUrl)).text, 'soc_drill_running_exercises')).toBe(0);
      client.close();
      await expectEventually(async () => expect(sample((await scrape(t.baseUrl)).text, 'soc_drill_connected_sockets')).toBe(0));
    }, 90_000);
  });

  it('without a token, answers any scraper', async () => {
    const t = await startTestApp({ METRICS_ENABLED: 'true' });
    try {
      const response = await scrape(t.baseUrl, null);
      expect(response.status).toBe(200);
      expect(response.text).toContain('# TYPE soc_drill_actions_total counter');
    } finally {
      await t.close();
    }
  });
});
