import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { DataSource } from 'typeorm';
import { databaseDigest } from '../support/database-digest.js';
import type { z } from 'zod';
import { ERROR_CODES } from '../../src/contracts/error-codes.js';
import { CLIENT_EVENTS, EXERCISE_NAMESPACE } from '../../src/contracts/realtime.schema.js';
import { Prng } from '../../src/engine/prng.js';
import { call, login, startServer, type TestServer } from './auth-test-server.js';

/**
 * Random and malformed socket.io messages on every client event of the gateway (plus unknown
 * events), as a trainee and as an instructor. Only messages that MUST be refused are sent
 * (the event's own zod schema rejects them, or the sender's role may not use the event), so the
 * database must come out unchanged; every answer must be a coded error; the server must stay up.
 * Reproduce a failure with SOCKET_FUZZ_SEED=<seed>.
 */

const SEED = process.env.SOCKET_FUZZ_SEED ?? 'soc-drill-socket-fuzz-1';
const MESSAGES = 3_000;
const SOCKETS_PER_ROLE = 2;
const VALID_CODES = new Set<string>(ERROR_CODES);
const KEYS = [
  'exerciseId',
  'actionId',
  'type',
  'alertId',
  'lastSeq',
  'op',
  'speed',
  'target',
  'inject',
  'teamIds',
  'verdict',
  'reason',
  '__proto__',
  'constructor',
  'prototype',
  'to',
  'incidentId',
];
const NASTY = [
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  '${jndi:ldap://x/a}',
  '../../etc/passwd',
  '\u0000',
  '\ud800',
  'NaN',
  '-1',
  '00000000-0000-0000-0000-000000000000',
  '😀'.repeat(500),
];

function randomValue(rng: Prng, depth: number): unknown {
  switch (rng.int(0, depth > 3 ? 5 : 8)) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick([0, -1, 1e308, -(2 ** 63), 0.5, 2 ** 53, Number.MAX_SAFE_INTEGER]);
    case 3:
    case 4:
      return rng.pick(NASTY);
    case 5:
      return rng.hex(rng.int(1, 40));
    case 6:
      return Array.from({ length: rng.int(0, 4) }, () => randomValue(rng, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < rng.int(0, 5); i++) {
        Object.defineProperty(out, rng.pick(KEYS), { value: randomValue(rng, depth + 1), enumerable: true, configurable: true, writable: true });
      }
      return out;
    }
  }
}

function deep(rng: Prng): unknown {
  let value: unknown = 1;
  for (let i = rng.int(50, 2_000); i > 0; i--) value = rng.next() < 0.5 ? [value] : { a: value };
  return value;
}

describe('socket fuzz (e2e)', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => server.close());

  it(`answers ${MESSAGES} malformed or forbidden socket messages with coded errors and changes nothing`, async () => {
    const instructor = (await login(server.baseUrl, 'instructor')).accessToken;
    const admin = (await login(server.baseUrl, 'admin')).accessToken;
    const trainee = (await login(server.baseUrl, 'trainee1')).accessToken;
    // A real (draft) exercise, so that well-formed ids exist to aim at.
    const source = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'stream-test.yaml'), 'utf8');
    const versionId = (await call<{ versionId: string }>(server.baseUrl, 'POST', '/api/scenarios', { token: instructor, json: { source } })).body.versionId;
    const users = (await call<{ items: Array<{ id: string; username: string }> }>(server.baseUrl, 'GET', '/api/users?limit=100', { token: admin })).body.items;
    const exercise = await call<{ id: string }>(server.baseUrl, 'POST', '/api/exercises', {
      token: instructor,
      json: { scenarioVersionId: versionId, teams: [{ name: 'A', memberIds: [users.find((u) => u.username === 'trainee1')!.id] }] },
    });
    NASTY.push(exercise.body.id);

    const dataSource = server.app.get(DataSource);
    const before = await databaseDigest(dataSource);
    const rng = new Prng(SEED);
    const roles = [
      { name: 'trainee', token: trainee, roles: ['trainee'] },
      { name: 'instructor', token: instructor, roles: ['instructor'] },
    ] as const;
    const problems: string[] = [];
    let sent = 0;
    let answered = 0;

    const connect = (token: string): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = io(`${server.baseUrl}${EXERCISE_NAMESPACE}`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
        socket.once('connect', () => resolve(socket));
        socket.once('connect_error', reject);
      });

    const worker = async (role: (typeof roles)[number], budget: number) => {
      let socket = await connect(role.token);
      for (let i = 0; i < budget; i++) {
        const names = Object.keys(CLIENT_EVENTS) as Array<keyof typeof CLIENT_EVENTS>;
        const unknown = rng.next() < 0.05;
        const event = unknown
          ? rng.pick([
              '__proto__',
              'constructor',
              'exercise:hack',
              'triage:act',
              'triage:act ',
              'exercise:control',
              'exercise:inject',
              'scoreboard:control',
              'scoreboard:get',
              'EXERCISE:JOIN',
              rng.hex(8),
            ])
          : rng.pick(names);
        const roll = rng.next();
        const payload = roll < 0.05 ? deep(rng) : roll < 0.1 ? rng.pick(NASTY).repeat(rng.int(1, 5_000)) : randomValue(rng, 0);
        if (!unknown) {
          const spec = CLIENT_EVENTS[event as keyof typeof CLIENT_EVENTS];
          const allowed = spec.access === 'authenticated' || spec.access.some((r: string) => (role.roles as readonly string[]).includes(r));
          // Only send what must be refused: forbidden for this role, or rejected by the event's schema.
          if (allowed && (spec.schema as z.ZodType).safeParse(payload).success) continue;
        }
        if (!socket.connected) socket = await connect(role.token);
        sent++;
        const answer = await new Promise<unknown>((resolve) => {
          socket.timeout(5_000).emit(event, payload, (error: unknown, reply: unknown) => resolve(error ? { timeout: true } : reply));
        });
        answered++;
        const code = (answer as { error?: { code?: unknown } } | undefined)?.error?.code;
        // Over the socket message size limit the server closes the connection instead of answering.
        const oversize = Buffer.byteLength(JSON.stringify(payload) ?? '') > 200 * 1024;
        if ((answer as { timeout?: boolean }).timeout) {
          if (!oversize) problems.push(`${role.name} ${event}: no answer within 5 s`);
          continue;
        }
        if (!(typeof code === 'string' && VALID_CODES.has(code))) {
          problems.push(`${role.name} ${event} → ${JSON.stringify(answer).slice(0, 200)}`);
        }
        if ((answer as { data?: unknown } | undefined)?.data !== undefined) problems.push(`${role.name} ${event} was accepted`);
      }
      socket.close();
    };

    const perSocket = Math.ceil(MESSAGES / (roles.length * SOCKETS_PER_ROLE)) * 2;
    await Promise.all(roles.flatMap((role) => Array.from({ length: SOCKETS_PER_ROLE }, () => worker(role, perSocket))));

    expect(problems.slice(0, 20)).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(MESSAGES);
    expect(answered).toBe(sent);
    expect((await call(server.baseUrl, 'GET', '/api/health')).status).toBe(200);
    expect(await databaseDigest(dataSource)).toBe(before);
  }, 180_000);
});
