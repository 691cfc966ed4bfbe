import { Agent, request as httpRequest } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { stripProtoKeys } from '@nestjs/common/utils/strip-proto-keys.util.js';
import { DataSource } from 'typeorm';
import { databaseDigest } from '../support/database-digest.js';
import type { z } from 'zod';
import { ERROR_CODES } from '../../src/contracts/error-codes.js';
import { Prng } from '../../src/engine/prng.js';
import type { RouteDescriptor } from '../../src/openapi/openapi-document.js';
import { OpenApiService } from '../../src/openapi/openapi.service.js';
import { call, errorCode, login, startServer, type TestServer } from './auth-test-server.js';
import { fetchOperations, type OperationInfo } from './openapi-operations.js';

/**
 * Random and malformed requests against every REST operation of the OpenAPI document, as an
 * anonymous client and as a signed-in instructor. Only requests that MUST be refused are sent to
 * state-changing routes (the test predicts the refusal from the route's policy, the body parser's
 * rules and the route's own zod schemas), so the database must come out byte-for-byte unchanged.
 * Reproduce a failure with FUZZ_SEED=<seed printed in the failure>.
 */

const SEED = process.env.FUZZ_SEED ?? 'soc-drill-fuzz-1';
const REQUESTS = 10_000;
const CONCURRENCY = 16;
const BODY_LIMIT = 64 * 1024;
const VALID_CODES = new Set<string>(ERROR_CODES);

const NASTY_STRINGS = [
  '',
  ' ',
  "' OR '1'='1",
  "admin'--",
  '1; DROP TABLE users; --',
  "'); DELETE FROM audit_log; --",
  '" UNION SELECT password_hash FROM users --',
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '${jndi:ldap://x/a}',
  '../../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '%00',
  '\u0000',
  '\u202e\u0041\u0042',
  '\ud800',
  '\uffff\ufffe',
  'Công an tỉnh Lâm Sơn',
  'Ｆｕｌｌｗｉｄｔｈ',
  '🔥💥🧨',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'null',
  'undefined',
  'NaN',
  '-1',
  '1e309',
  '0x10',
  'true',
  'sdr_' + 'A'.repeat(43),
  'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
  '00000000-0000-4000-8000-000000000000',
  'admin',
  'instructor',
];

const WEIRD_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'username',
  'password',
  'roles',
  'unitId',
  'code',
  'name',
  'source',
  'refreshToken',
  'newPassword',
  '',
  ' ',
  '$where',
  'a.b',
  '0',
];

const JSON_CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8'];
const OTHER_CONTENT_TYPES = [
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  'image/png',
];
const TEXT_CONTENT_TYPES = ['text/plain', 'text/yaml'];
const JUNK_AUTH = [
  'Bearer',
  'Bearer ',
  'Bearer a.b.c',
  'Bearer eyJhbGciOiJub25lIn0.e30.',
  'Basic YWRtaW46YWRtaW4=',
  'bearer ' + 'x'.repeat(5000),
  'Token abc',
  'Bearer sdr_abc',
];

type Identity = 'anonymous' | 'instructor';

interface FuzzRequest {
  readonly id: number;
  readonly operation: OperationInfo;
  readonly identity: Identity;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | undefined;
  readonly kind: string;
}

function randomString(rng: Prng): string {
  const roll = rng.int(0, 9);
  if (roll < 4) return rng.pick(NASTY_STRINGS);
  if (roll < 6) {
    let s = '';
    const length = rng.int(0, 40);
    for (let i = 0; i < length; i += 1)
      s += String.fromCodePoint(rng.pick([rng.int(0x20, 0x7e), rng.int(0x80, 0x2fff), rng.int(0x1f300, 0x1f6ff), rng.int(0, 0x1f)]));
    return s;
  }
  if (roll < 7) return rng.pick(['A', 'é', '😀', "'", '<']).repeat(rng.int(1_000, 20_000));
  return rng.hex(rng.int(1, 64));
}

function randomValue(rng: Prng, depth: number, keys: readonly string[]): unknown {
  const roll = rng.int(0, depth > 3 ? 6 : 9);
  switch (roll) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick([0, -1, 1, 2 ** 53, -(2 ** 63), 1e308, 0.5, -0, 4_294_967_296]);
    case 3:
    case 4:
    case 5:
    case 6:
      return randomString(rng);
    case 7:
      return Array.from({ length: rng.int(0, 5) }, () => randomValue(rng, depth + 1, keys));
    default: {
      const out: Record<string, unknown> = {};
      const count = rng.int(0, 5);
      for (let i = 0; i < count; i += 1) {
        const key = rng.next() < 0.7 ? rng.pick(keys) : randomString(rng).slice(0, 30);
        // defineProperty so "__proto__" becomes an own key, as JSON.parse would make it.
        Object.defineProperty(out, key, { value: randomValue(rng, depth + 1, keys), enumerable: true, configurable: true, writable: true });
      }
      return out;
    }
  }
}

function deepNesting(rng: Prng): string {
  const depth = rng.int(100, 20_000);
  return rng.next() < 0.5 ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

const INVALID_UTF8 = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe2, 0x82], [0xfe, 0xff]];

function invalidUtf8Body(rng: Prng, around: string): Uint8Array {
  const bytes = [...Buffer.from(around)];
  const insertions = rng.int(1, 4);
  for (let i = 0; i < insertions; i += 1) bytes.splice(rng.int(0, bytes.length), 0, ...rng.pick(INVALID_UTF8));
  return Uint8Array.from(bytes);
}

/** encodeURIComponent that also takes lone surrogates (as U+FFFD, the way Buffer encodes them). */
function percentEncode(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.!~*'()]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function utf8(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf8'));
}

/** Builds one random request; some are later discarded when the test cannot prove they are refused. */
function generate(rng: Prng, id: number, operations: readonly OperationInfo[], bodyKeys: (op: OperationInfo) => string[]): FuzzRequest {
  const operation = rng.pick(operations);
  const identity: Identity = rng.next() < 0.5 ? 'anonymous' : 'instructor';
  const keys = [...WEIRD_KEYS, ...bodyKeys(operation)];
  const headers: Record<string, string> = {};
  let body: Uint8Array | undefined;
  let method = operation.method;
  let kind: string;
  const params = new Map<string, string>(
    operation.pathParams.map((p) => [p.name, p.schema.format === 'uuid' ? '00000000-0000-4000-8000-000000000000' : 'fuzz-probe']),
  );
  let query = '';
  const roll = rng.int(0, 99);
  if (roll < 30) {
    kind = 'json-body';
    headers['content-type'] = rng.pick(JSON_CONTENT_TYPES);
    const value = rng.next() < 0.85 ? Object.fromEntries(Object.entries(randomValue(rng, 0, keys) ?? {})) : randomValue(rng, 0, keys);
    body = utf8(JSON.stringify(rng.next() < 0.8 && (typeof value !== 'object' || value === null) ? { value } : value) ?? 'null');
  } else if (roll < 40) {
    kind = 'malformed-json';
    headers['content-type'] = rng.pick(JSON_CONTENT_TYPES);
    const valid = JSON.stringify(randomValue(rng, 0, keys)) ?? '{}';
    const broken = [
      valid.slice(0, Math.max(1, rng.int(0, valid.length - 1))),
      `${valid},`,
      `{${valid}`,
      "{'a':1}",
      '{"a":undefined}',
      '{"a":NaN}',
      '[1,2,]',
      'nul',
      `${valid}\u0000`,
      '{"a":1}{"b":2}',
    ];
    body = utf8(rng.pick(broken));
  } else if (roll < 47) {
    kind = 'deep-nesting';
    headers['content-type'] = 'application/json';
    body = utf8(deepNesting(rng));
  } else if (roll < 55) {
    kind = 'invalid-utf8';
    headers['content-type'] = rng.pick([...JSON_CONTENT_TYPES, ...TEXT_CONTENT_TYPES]);
    body = invalidUtf8Body(rng, JSON.stringify(randomValue(rng, 0, keys)) ?? '{}');
  } else if (roll < 63) {
    kind = 'wrong-content-type';
    headers['content-type'] = rng.pick([
      ...OTHER_CONTENT_TYPES,
      ...TEXT_CONTENT_TYPES,
      'application/json; charset=latin1',
      'application/json; charset=klingon',
    ]);
    body = utf8(JSON.stringify(randomValue(rng, 0, keys)) ?? 'x');
  } else if (roll < 65) {
    kind = 'oversize';
    headers['content-type'] = rng.pick([...JSON_CONTENT_TYPES, 'text/yaml']);
    body = utf8(`{"a":"${'x'.repeat(BODY_LIMIT + rng.int(1, 1000))}"}`);
  } else if (roll < 67) {
    kind = 'bad-content-encoding';
    headers['content-type'] = 'application/json';
    headers['content-encoding'] = rng.pick(['gzip', 'deflate', 'br', 'klingon']);
    body = utf8('{"not":"compressed"}');
  } else if (roll < 77 && operation.pathParams.length > 0) {
    kind = 'path-param';
    const target = rng.pick(operation.pathParams);
    const raw = randomString(rng).slice(0, 2_000);
    params.set(target.name, rng.next() < 0.8 ? percentEncode(raw) : rng.pick(['%', '%ZZ', '%c0%af', '%ed%a0%80', '%ff', `${percentEncode(raw)}%`]));
    if (operation.requestContentTypes.length > 0) {
      headers['content-type'] = 'application/json';
      body = utf8('{}');
    }
  } else if (roll < 87) {
    kind = 'query';
    const pairs: string[] = [];
    const names = [...operation.queryParams.map((p) => p.name), ...WEIRD_KEYS, 'limit', 'offset'];
    for (let i = rng.int(1, 4); i > 0; i -= 1) {
      const value = rng.next() < 0.3 ? rng.pick(['-1', '1e9', 'abc', '', '1.5', '999999999999', '0x1f']) : randomString(rng).slice(0, 1_000);
      pairs.push(`${percentEncode(rng.pick(names))}${rng.next() < 0.2 ? '[]' : ''}=${percentEncode(value)}`);
    }
    query = `?${pairs.join('&')}`;
  } else if (roll < 92) {
    kind = 'junk-authorization';
    headers.authorization = rng.pick(JUNK_AUTH);
  } else {
    kind = 'wrong-method';
    method = rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    if (method !== 'GET') {
      headers['content-type'] = 'application/json';
      body = utf8('{}');
    }
  }
  let path = operation.path;
  for (const [name, value] of params) path = path.replace(`{${name}}`, value);
  return { id, operation, identity, method, path: `${path}${query}`, headers, body, kind };
}

/** node:http rather than fetch: fetch refuses GET bodies and normalises paths, both of which we want to send raw. */
function send(agent: Agent, base: string, request: FuzzRequest, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(base);
  // Explicit length: without it node sends a GET body unframed and the server's HTTP parser (not the app) answers 400.
  if (request.body !== undefined) headers['content-length'] = String(request.body.length);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ agent, hostname, port, method: request.method, path: request.path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(request.body === undefined ? undefined : Buffer.from(request.body));
  });
}

function templateRegex(template: string): RegExp {
  return new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[A-Za-z0-9_]+\}/g, '([^/]+)')}/?$`);
}

interface Prediction {
  readonly rejected: boolean;
  readonly reason: string;
}

/**
 * Whether the server must refuse the request before any handler code runs or changes anything.
 * `undefined` means "cannot tell": such a request is not sent to a state-changing route.
 */
function predictRejection(
  request: FuzzRequest,
  operations: readonly OperationInfo[],
  routeOf: (op: OperationInfo) => RouteDescriptor | undefined,
): Prediction | undefined {
  const queryStart = request.path.indexOf('?');
  const pathname = queryStart < 0 ? request.path : request.path.slice(0, queryStart);
  const search = queryStart < 0 ? '' : request.path.slice(queryStart + 1);
  const matching = operations.filter((o) => o.method === request.method && templateRegex(o.path).test(pathname));
  if (matching.length === 0) return { rejected: true, reason: 'no such route' };
  if (matching.length > 1 || matching[0] !== request.operation) return undefined;
  const operation = request.operation;
  const access = operation.access;
  if (access === null) return { rejected: true, reason: 'undeclared policy' };
  if (access.kind !== 'public') {
    if (request.headers.authorization !== undefined) return { rejected: true, reason: 'junk token' };
    if (request.identity === 'anonymous') return { rejected: true, reason: 'anonymous' };
    if (access.kind === 'roles' && !access.roles.includes('instructor')) return { rejected: true, reason: 'role' };
  }
  // Body parsers run before the route: size, charset, encoding and JSON syntax.
  const contentType = request.headers['content-type'];
  let body: unknown;
  if (request.body !== undefined && contentType !== undefined) {
    const isJson = contentType.startsWith('application/json');
    const isText = TEXT_CONTENT_TYPES.includes(contentType);
    if (isJson || isText) {
      if (request.headers['content-encoding'] !== undefined) return { rejected: true, reason: 'content-encoding' };
      if (request.body.length > BODY_LIMIT) return { rejected: true, reason: 'too large' };
      const charset = /charset=([^;]+)/.exec(contentType)?.[1];
      if (charset !== undefined && charset !== 'utf-8') return { rejected: true, reason: 'charset' };
      const text = Buffer.from(request.body).toString('utf8');
      if (isJson) {
        try {
          body = JSON.parse(text);
        } catch {
          return { rejected: true, reason: 'malformed JSON' };
        }
        if (typeof body !== 'object' || body === null) return { rejected: true, reason: 'strict JSON' };
      } else {
        body = text;
      }
    }
  }
  // Then the route's own schemas (the same zod objects the server validates with).
  const route = routeOf(operation);
  if (!route) return undefined;
  // Nest's validation pipe deletes __proto__/prototype/constructor keys before validating; so do we.
  const schemaRejects = (schema: z.ZodType | undefined, value: unknown): boolean => {
    if (schema === undefined) return false;
    stripProtoKeys(value);
    return !schema.safeParse(value).success;
  };
  const segments = pathname.split('/');
  const templateSegments = operation.path.split('/');
  for (const param of route.params) {
    const index = templateSegments.indexOf(`{${param.name}}`);
    let decoded: string;
    try {
      decoded = decodeURIComponent(segments[index] ?? '');
    } catch {
      return { rejected: true, reason: 'bad percent-encoding' };
    }
    if (schemaRejects(param.schema, decoded)) return { rejected: true, reason: `param ${param.name}` };
  }
  if (schemaRejects(route.query, parseQueryString(search))) return { rejected: true, reason: 'query schema' };
  if (schemaRejects(route.body, body)) return { rejected: true, reason: 'body schema' };
  return undefined;
}

describe('fuzz (e2e)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer({ BODY_LIMIT_BYTES: String(BODY_LIMIT), SCENARIO_MAX_BYTES: String(BODY_LIMIT), LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
  });
  afterAll(() => server.close());

  it(`survives ${REQUESTS} malformed requests with coded 4xx answers and an unchanged database (seed ${SEED})`, async () => {
    const base = server.baseUrl;
    const operations = await fetchOperations(base);
    const routes = server.app.get(OpenApiService).routes();
    const routeOf = (op: OperationInfo) => routes.find((r) => r.method.toUpperCase() === op.method && r.path === op.path);
    const bodyKeys = (op: OperationInfo): string[] => {
      const schema = routeOf(op)?.body as { shape?: Record<string, unknown> } | undefined;
      return schema?.shape ? Object.keys(schema.shape) : [];
    };
    const instructor = await login(base, 'instructor');
    const dataSource = server.app.get(DataSource);
    const before = await databaseDigest(dataSource);

    const rng = new Prng(SEED);
    const failures: string[] = [];
    const kinds = new Map<string, number>();
    let sent = 0;
    let generated = 0;
    const next = (): { request: FuzzRequest; prediction: Prediction | undefined } | undefined => {
      while (sent < REQUESTS) {
        generated += 1;
        if (generated > REQUESTS * 20) throw new Error('the generator cannot find enough requests that must be refused');
        const request = generate(rng, generated, operations, bodyKeys);
        const prediction = predictRejection(request, operations, routeOf);
        if (request.method !== 'GET' && prediction === undefined) continue;
        sent += 1;
        kinds.set(request.kind, (kinds.get(request.kind) ?? 0) + 1);
        return { request, prediction };
      }
      return undefined;
    };
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const worker = async (): Promise<void> => {
      for (let item = next(); item; item = next()) {
        const { request, prediction } = item;
        const headers = { ...request.headers };
        if (request.identity === 'instructor' && headers.authorization === undefined) headers.authorization = `Bearer ${instructor.accessToken}`;
        const label = `#${request.id} ${request.kind} ${request.method} ${request.path.slice(0, 120)} as ${request.identity} (seed ${SEED})`;
        let status: number;
        let text: string;
        try {
          ({ status, text } = await send(agent, base, request, headers));
        } catch (error) {
          failures.push(`${label}: request failed: ${String(error)}`);
          continue;
        }
        if (status >= 500) failures.push(`${label}: server error ${status} ${text.slice(0, 200)}`);
        if (status >= 400) {
          let code: unknown;
          try {
            code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
          } catch {
            code = undefined;
          }
          if (typeof code !== 'string' || !VALID_CODES.has(code)) failures.push(`${label}: ${status} without a known error code: ${text.slice(0, 200)}`);
        }
        if (prediction?.rejected && status < 400) failures.push(`${label}: expected a refusal (${prediction.reason}), got ${status}`);
        if (failures.length > 20) throw new Error(failures.join('\n'));
      }
    };
    try {
      await Promise.all(Array.from({ length: CONCURRENCY }, () => worker()));
    } finally {
      agent.destroy();
    }

    expect(failures).toEqual([]);
    expect(sent).toBe(REQUESTS);
    // Every kind of malformation was actually exercised.
    expect([...kinds.keys()].sort()).toEqual(
      [
        'bad-content-encoding',
        'deep-nesting',
        'invalid-utf8',
        'json-body',
        'junk-authorization',
        'malformed-json',
        'oversize',
        'path-param',
        'query',
        'wrong-content-type',
        'wrong-method',
      ].sort(),
    );
    // Still up, the instructor's session untouched, and nothing written.
    expect((await call(base, 'GET', '/api/health')).status).toBe(200);
    const me = await call(base, 'GET', '/api/auth/me', { token: instructor.accessToken });
    expect(me.status).toBe(200);
    expect(errorCode(me)).toBeUndefined();
    expect(await databaseDigest(dataSource)).toBe(before);
  }, 120_000);
});
