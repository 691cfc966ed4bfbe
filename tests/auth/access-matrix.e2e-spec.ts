import type { AccessPolicy } from '../../src/common/access.decorator.js';
import type { Role } from '../../src/contracts/auth.schema.js';
import { ERROR_CODES } from '../../src/contracts/error-codes.js';
import { CLIENT_EVENTS, EXERCISE_NAMESPACE } from '../../src/contracts/realtime.schema.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSecondOrganisation,
  SECOND_ORG_ADMIN,
  SECOND_ORG_INSTRUCTOR,
  SECOND_ORG_PASSWORD,
  SECOND_ORG_TRAINEE,
} from '../scenarios/second-organisation.js';
import { call, errorCode, login, startServer, type ApiResponse, type TestServer } from './auth-test-server.js';
import { dummyPathValue, fetchOperations, fillPath, type OperationInfo } from './openapi-operations.js';
import { documentedAreas, documentedRoutes, policyKey } from './documented-access.js';

/**
 * Every REST operation of the live OpenAPI document, called as every kind of user, must answer
 * exactly as its declared `x-access` policy says. Routes added later are picked up automatically.
 */

type Identity = 'anonymous' | Role;
const IDENTITIES: readonly Identity[] = ['anonymous', 'trainee', 'instructor', 'reviewer', 'admin'];
const DEMO_ACCOUNT: Record<Role, string> = { trainee: 'trainee1', instructor: 'instructor', reviewer: 'reviewer', admin: 'admin' };
/** People of a second organisation (Tỉnh Bình Nguyên), made in the setup through the identity API. */
const OTHER_ORG: ReadonlyArray<{ role: Role; username: string }> = [
  { role: 'instructor', username: SECOND_ORG_INSTRUCTOR },
  { role: 'trainee', username: SECOND_ORG_TRAINEE },
  { role: 'admin', username: SECOND_ORG_ADMIN },
];

type Outcome = 'allowed' | 'unauthenticated' | 'forbidden';

function expectedOutcome(policy: AccessPolicy, identity: Identity): Outcome {
  switch (policy.kind) {
    case 'public':
      return 'allowed';
    case 'authenticated':
      return identity === 'anonymous' ? 'unauthenticated' : 'allowed';
    case 'roles':
      if (identity === 'anonymous') return 'unauthenticated';
      return policy.roles.includes(identity) ? 'allowed' : 'forbidden';
    default: {
      const unknown: never = policy;
      throw new Error(`unknown policy ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * 401 = not authenticated, 403 FORBIDDEN = role refused. Anything else (200, 400 validation,
 * a coded 404 for the dummy id, a business 403 such as NOT_TEAM_MEMBER, ...) means the access
 * check let the request through.
 */
function actualOutcome(response: ApiResponse): Outcome {
  if (response.status === 401) return 'unauthenticated';
  if (response.status === 403 && errorCode(response) === 'FORBIDDEN') return 'forbidden';
  return 'allowed';
}

// ---- socket events: the realtime gateway appends one row per event ----

export interface SocketEventCase {
  /** socket.io namespace, e.g. EXERCISE_NAMESPACE from src/contracts/realtime.schema.ts. */
  readonly namespace: string;
  readonly event: string;
  readonly access: AccessPolicy;
  readonly payload: unknown;
}

/**
 * Filled in by the issue that adds the socket.io gateway (same matrix, same expectations), e.g. from
 * CLIENT_EVENTS in src/contracts/realtime.schema.ts with a payload that passes access but not
 * validation. The probe expects acks shaped `{ data } | { error: { code } }` and a refused
 * handshake to surface as `connect_error`.
 */
const SOCKET_EVENTS: readonly SocketEventCase[] = Object.entries(CLIENT_EVENTS).map(([event, spec]) => ({
  namespace: EXERCISE_NAMESPACE,
  event,
  access: spec.access === 'authenticated' ? { kind: 'authenticated' } : { kind: 'roles', roles: [...spec.access] },
  // Passes the access check but not validation: the answer tells whether access let it through.
  payload: {},
}));

describe('access matrix (e2e)', () => {
  let server: TestServer;
  let operations: OperationInfo[];
  const tokens = new Map<Identity, string>();

  async function tokenFor(identity: Identity): Promise<string | undefined> {
    if (identity === 'anonymous') return undefined;
    if (!tokens.has(identity)) tokens.set(identity, (await login(server.baseUrl, DEMO_ACCOUNT[identity])).accessToken);
    return tokens.get(identity);
  }

  beforeAll(async () => {
    server = await startServer({ LOGIN_RATE_LIMIT_PER_MINUTE: '1000' });
    operations = await fetchOperations(server.baseUrl);
    await createSecondOrganisation(server.baseUrl, (await tokenFor('admin'))!);
  });
  afterAll(() => server.close());

  it('finds the operations of the document (sanity)', () => {
    const keys = operations.map((o) => `${o.method} ${o.path}`);
    expect(keys).toEqual(expect.arrayContaining(['POST /api/auth/login', 'GET /api/auth/me', 'GET /api/users', 'GET /api/audit', 'GET /api/health']));
  });

  it('every operation declares an access policy', () => {
    const undeclared = operations.filter((o) => o.access === null).map((o) => `${o.method} ${o.path} (${o.operationId})`);
    expect(undeclared).toEqual([]);
  });

  it("docs/security.md's route table states every operation's policy, and nothing else", () => {
    const documented = new Map(documentedRoutes().map((r) => [`${r.method} ${r.path}`, policyKey(r.access)]));
    const served = new Map(operations.filter((o) => o.access !== null).map((o) => [`${o.method} ${o.path}`, policyKey(o.access!)]));
    const drift: string[] = [];
    for (const [route, policy] of served) {
      const written = documented.get(route);
      if (written === undefined) drift.push(`${route}: served as "${policy}" but has no row in "Routes and roles"`);
      else if (written !== policy) drift.push(`${route}: documented as "${written}", served as "${policy}"`);
    }
    for (const route of documented.keys()) if (!served.has(route)) drift.push(`${route}: documented but not served`);
    expect(drift).toEqual([]);
  });

  it("docs/security.md's access matrix gives a role an area exactly when some route of it lets the role through", () => {
    const areas = documentedAreas();
    expect(areas.map((a) => a.prefix)).toEqual(expect.arrayContaining(['/api/users', '/api/orgs', '/api/audit', '/api/scenarios', '/api/results']));
    const drift: string[] = [];
    for (const { area, prefix, may } of areas) {
      const under = operations.filter((o) => o.access !== null && (o.path === prefix || o.path.startsWith(`${prefix}/`)));
      if (under.length === 0) drift.push(`${area}: no route under ${prefix}`);
      for (const [role, documented] of Object.entries(may) as Array<[Role, boolean]>) {
        const served = under.some((o) => expectedOutcome(o.access!, role) === 'allowed');
        if (served !== documented)
          drift.push(`${area} as ${role}: documented ${documented ? 'some access' : '—'}, but ${served ? 'a route lets them through' : 'no route does'}`);
      }
    }
    // The roles table: an admin may do everything an instructor may.
    for (const o of operations)
      if (o.access && expectedOutcome(o.access, 'instructor') === 'allowed' && expectedOutcome(o.access, 'admin') !== 'allowed')
        drift.push(`${o.method} ${o.path}: instructors but not admins`);
    expect(drift).toEqual([]);
  });

  // Every operation as every identity, one after another: hundreds of requests, more with each new route.
  it('every operation answers each identity as its policy says', async () => {
    const failures: string[] = [];
    const validCodes = new Set<string>(ERROR_CODES);
    for (const operation of operations) {
      if (operation.access === null) continue;
      for (const identity of IDENTITIES) {
        const token = await tokenFor(identity);
        const path = fillPath(operation, (_name, schema) => dummyPathValue(schema));
        const hasBody = operation.requestContentTypes.length > 0;
        const response = await call(server.baseUrl, operation.method, path, { ...(token ? { token } : {}), ...(hasBody ? { json: {} } : {}) });
        const expected = expectedOutcome(operation.access, identity);
        const actual = actualOutcome(response);
        const label = `${operation.method} ${operation.path} as ${identity}`;
        if (actual !== expected) failures.push(`${label}: expected ${expected}, got ${actual} (${response.status} ${errorCode(response) ?? ''})`);
        if (response.status >= 500) failures.push(`${label}: server error ${response.status}`);
        if (response.status >= 400 && !validCodes.has(errorCode(response) ?? '')) failures.push(`${label}: error without a known code`);
        if (expected === 'unauthenticated' && errorCode(response) !== 'AUTH_REQUIRED')
          failures.push(`${label}: expected AUTH_REQUIRED, got ${errorCode(response)}`);
        // A probe may have ended the session (e.g. logout): log in again for the next operation.
        if (token && operation.method !== 'GET' && (await call(server.baseUrl, 'GET', '/api/auth/me', { token })).status === 401) tokens.delete(identity);
      }
    }
    expect(failures).toEqual([]);
  }, 120_000);

  it("answers another organisation's scenario exactly as a missing one on every route that takes a scenario or version id", async () => {
    const source = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8').replace(/^id: .*$/m, 'id: matrix-owned');
    const owner = (await tokenFor('instructor'))!;
    const uploaded = await call<{ versionId: string }>(server.baseUrl, 'POST', '/api/scenarios', { token: owner, json: { source } });
    expect(uploaded.status).toBe(201);
    const MISSING_VERSION = '00000000-0000-4000-8000-000000000000';
    // Bodies that pass validation, so the answer comes from the ownership check.
    const bodyFor = (operation: OperationInfo, scenarioId: string): unknown => {
      if (operation.method === 'PUT') return { source: source.replace(/^id: .*$/m, `id: ${scenarioId}`).replace(/^version: .*$/m, 'version: 9.0.0') };
      if (operation.path.endsWith('/simulate')) return { solver: 'idle' };
      return operation.requestContentTypes.length > 0 ? {} : undefined;
    };
    const scenarioOperations = operations.filter((o) => o.pathParams.some((p) => p.name === 'scenarioId' || p.name === 'versionId'));
    expect(scenarioOperations.length).toBeGreaterThanOrEqual(7);
    const failures: string[] = [];
    const others = await Promise.all(OTHER_ORG.map(async (o) => ({ ...o, token: (await login(server.baseUrl, o.username, SECOND_ORG_PASSWORD)).accessToken })));
    for (const operation of scenarioOperations) {
      if (operation.access === null) continue;
      for (const other of others) {
        if (expectedOutcome(operation.access, other.role) !== 'allowed') continue;
        const probe = async (scenarioId: string, versionId: string): Promise<ApiResponse> => {
          const path = fillPath(operation, (name, schema) => (name === 'scenarioId' ? scenarioId : name === 'versionId' ? versionId : dummyPathValue(schema)));
          const body = bodyFor(operation, scenarioId);
          return call(server.baseUrl, operation.method, path, { token: other.token, ...(body === undefined ? {} : { json: body }) });
        };
        const foreign = await probe('matrix-owned', uploaded.body.versionId);
        const missing = await probe('matrix-missing', MISSING_VERSION);
        const label = `${operation.method} ${operation.path} as ${other.role} of another organisation`;
        if (foreign.status !== 404 || errorCode(foreign) !== 'SCENARIO_NOT_FOUND') failures.push(`${label}: ${foreign.status} ${errorCode(foreign) ?? ''}`);
        if (foreign.status !== missing.status || errorCode(foreign) !== errorCode(missing))
          failures.push(`${label}: differs from a missing scenario (${missing.status} ${errorCode(missing) ?? ''})`);
      }
    }
    // Running it: exercise creation takes the version id in its body.
    for (const other of others.filter((o) => o.role !== 'trainee')) {
      const run = await call(server.baseUrl, 'POST', '/api/exercises', {
        token: other.token,
        json: { scenarioVersionId: uploaded.body.versionId, teams: [{ name: 'B', memberIds: [] }] },
      });
      if (run.status !== 404 || errorCode(run) !== 'SCENARIO_NOT_FOUND')
        failures.push(`POST /api/exercises as ${other.role} of another organisation: ${run.status} ${errorCode(run) ?? ''}`);
    }
    expect(failures).toEqual([]);
    // Its own organisation reads it (the same probes are not all refused for everyone).
    const own = await call(server.baseUrl, 'GET', `/api/scenarios/matrix-owned/versions/${uploaded.body.versionId}`, { token: owner });
    expect(own.status).toBe(200);
  });

  const socketCases = IDENTITIES.flatMap((identity) => SOCKET_EVENTS.map((c) => ({ ...c, identity })));
  it('covers every client socket event', () => expect(SOCKET_EVENTS.length).toBeGreaterThan(0));
  {
    it.each(socketCases)('socket event $event as $identity follows its policy', async ({ namespace, event, access, payload, identity }) => {
      const { io } = await import('socket.io-client');
      const token = await tokenFor(identity);
      const socket = io(`${server.baseUrl}${namespace}`, { auth: token ? { token } : {}, transports: ['websocket'], reconnection: false, timeout: 3000 });
      try {
        const outcome = await new Promise<Outcome>((resolve) => {
          socket.on('connect_error', () => resolve('unauthenticated'));
          socket.on('connect', () => {
            socket.timeout(3000).emit(event, payload, (error: unknown, answer: { error?: { code?: string } } | undefined) => {
              const code = error ? undefined : answer?.error?.code;
              resolve(code === 'AUTH_REQUIRED' || code?.startsWith('AUTH_TOKEN_') ? 'unauthenticated' : code === 'FORBIDDEN' ? 'forbidden' : 'allowed');
            });
          });
        });
        expect(outcome).toBe(expectedOutcome(access, identity));
      } finally {
        socket.close();
      }
    });
  }
});
