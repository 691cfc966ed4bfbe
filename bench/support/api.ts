import { inPool } from './stats.js';

export const DEMO_PASSWORD = 'socdrill-demo';

export interface ApiResult<T> {
  readonly status: number;
  readonly body: T;
}

export async function call<T>(baseUrl: string, token: string | null, method: string, path: string, body?: unknown): Promise<ApiResult<T>> {
  const response = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function expectOk<T>(promise: Promise<ApiResult<T>>, what: string): Promise<T> {
  const result = await promise;
  if (result.status >= 300) throw new Error(`${what}: HTTP ${result.status} ${JSON.stringify(result.body).slice(0, 400)}`);
  return result.body;
}

export async function login(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  return (await expectOk(call<{ accessToken: string }>(baseUrl, null, 'POST', '/auth/login', { username, password }), `login ${username}`)).accessToken;
}

export async function uploadSource(baseUrl: string, token: string, source: string): Promise<{ versionId: string; scenarioId: string; eventCount: number }> {
  return expectOk(call<{ versionId: string; scenarioId: string; eventCount: number }>(baseUrl, token, 'POST', '/scenarios', { source }), 'upload scenario');
}

export interface Trainee {
  readonly id: string;
  readonly username: string;
  readonly token: string;
}

/**
 * Creates `count` trainees through the admin API (in the demo trainees' unit) and signs each in as
 * a new user does: the administrator's temporary password is replaced at the first login, which
 * answers with the token the benchmark uses.
 */
export async function seedTrainees(baseUrl: string, adminToken: string, count: number, prefix: string): Promise<Trainee[]> {
  const page = await expectOk(call<{ items: Array<{ username: string; unitId: string }> }>(baseUrl, adminToken, 'GET', '/users?limit=100'), 'list users');
  const unitId = page.items.find((u) => u.username === 'trainee1')?.unitId;
  if (!unitId) throw new Error('demo trainee1 not found');
  const temporary = 'mat-khau-tam-thoi-bench';
  const password = 'Dien-tap-quoc-gia-2026-bench';
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')}`);
  return inPool(names, 16, async (username) => {
    const { id } = await expectOk(
      call<{ id: string }>(baseUrl, adminToken, 'POST', '/users', {
        username,
        displayName: `Học viên ${username}`,
        password: temporary,
        unitId,
        roles: ['trainee'],
      }),
      `create ${username}`,
    );
    const first = await login(baseUrl, username, temporary);
    const { accessToken } = await expectOk(
      call<{ accessToken: string }>(baseUrl, first, 'POST', '/auth/password', { currentPassword: temporary, newPassword: password }),
      `first password change of ${username}`,
    );
    return { id, username, token: accessToken };
  });
}

/** Teams of `perTeam` consecutive trainees, as the exercise creation body wants them. */
export function teamsOf(trainees: readonly Trainee[], perTeam: number): Array<{ name: string; memberIds: string[] }> {
  return Array.from({ length: Math.ceil(trainees.length / perTeam) }, (_, t) => ({
    name: `Đội ${t + 1}`,
    memberIds: trainees.slice(t * perTeam, (t + 1) * perTeam).map((u) => u.id),
  }));
}

/**
 * Polls `GET /api/health` every `everyMs` until stopped. Latency counts from when a poll was due,
 * and a poll held up for L ms stands for every poll that would have waited in that time: a stalled
 * event loop weighs by how long it stalled, not as one late sample.
 */
export function watchHealth(baseUrl: string, everyMs = 20): { stop(): Promise<number[]>; readonly errors: number } {
  const latencies: number[] = [];
  let errors = 0;
  let running = true;
  const loop = (async () => {
    let due = performance.now();
    while (running) {
      due += everyMs;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      try {
        const response = await fetch(`${baseUrl}/api/health`);
        await response.text();
        if (response.status !== 200) throw new Error(`health answered ${response.status}`);
      } catch {
        // Counted and reported; the latency below still counts the time it took to fail.
        errors += 1;
      }
      const done = performance.now();
      let late = done - due;
      do {
        latencies.push(Math.max(0, late));
        late -= everyMs;
      } while (late > 0);
      due = Math.max(due, done);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
    get errors() {
      return errors;
    },
  };
}
