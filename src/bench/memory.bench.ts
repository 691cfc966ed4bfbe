import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClientsIn, ClientsOut } from './bench-clients.js';
import { type BenchResult, judged } from './bench-result.js';
import type { ServerIn, ServerOut } from './bench-server.js';
import { BENCH_SERVER_ENV, call, Child, expectOk, login, machineNote, round, rssOf, seedTrainees, uploadFile } from './bench-support.js';

const SOCKETS = 2000;
const PER_TEAM = 50;
const WARM_UP_SOCKETS = 50;

const here = dirname(fileURLToPath(import.meta.url));

type Memory = Extract<ServerOut, { type: 'memory' }>;
const isListening = (m: ServerOut): m is Extract<ServerOut, { type: 'listening' }> => m.type === 'listening';
const isMemory = (m: ServerOut): m is Memory => m.type === 'memory';
const isConnected = (m: ClientsOut): m is Extract<ClientsOut, { type: 'connected' }> => m.type === 'connected';
const isClosed = (m: ClientsOut): m is Extract<ClientsOut, { type: 'closed' }> => m.type === 'closed';

async function startServer(dataDir: string): Promise<{ child: Child<ServerIn, ServerOut>; baseUrl: string }> {
  const child = new Child<ServerIn, ServerOut>(join(here, 'bench-server.js'), [], ['--expose-gc'], { ...BENCH_SERVER_ENV, DATA_DIR: dataDir });
  const { port } = await child.next(isListening, 60_000);
  return { child, baseUrl: `http://127.0.0.1:${port}` };
}

async function memoryOf(server: Child<ServerIn, ServerOut>): Promise<Memory & { procRss: number }> {
  server.send({ type: 'memory' });
  const memory = await server.next(isMemory);
  return { ...memory, procRss: rssOf(server.pid) ?? memory.rss };
}

/**
 * Server memory per connected trainee: 2 000 authenticated sockets, each joined to a live exercise
 * (40 teams of 50). The users and the exercise are set up by a first server process; the measured
 * server is a fresh process on the same data directory, so set-up garbage is not in its baseline.
 * Readings after a full GC; clients live in another process. Per socket = (RSS after − RSS before) / n.
 */
export async function benchMemory(root: string): Promise<BenchResult[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-bench-mem-'));
  const clients = new Child<ClientsIn, ClientsOut>(join(here, 'bench-clients.js'));
  let server: Child<ServerIn, ServerOut> | undefined;
  try {
    const setup = await startServer(dataDir);
    server = setup.child;
    const admin = await login(setup.baseUrl, 'admin');
    const instructor = await login(setup.baseUrl, 'instructor');
    const trainees = await seedTrainees(setup.baseUrl, admin, SOCKETS, 'mem');
    const versionId = await uploadFile(setup.baseUrl, instructor, join(root, 'scenarios', 'portal-defacement.yaml'));
    const teams = Array.from({ length: SOCKETS / PER_TEAM }, (_, t) => ({
      name: `Đội ${t + 1}`,
      memberIds: trainees.slice(t * PER_TEAM, (t + 1) * PER_TEAM).map((u) => u.id),
    }));
    const exercise = await expectOk(
      call<{ id: string }>(setup.baseUrl, instructor, 'POST', '/exercises', { scenarioVersionId: versionId, teams, speed: 1, seed: 1 }),
      'create exercise',
    );
    // Live but quiet while we measure: started (so the engine is loaded) and paused.
    await expectOk(call(setup.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`), 'start');
    await expectOk(call(setup.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`), 'pause');
    await server.stop();

    const measured = await startServer(dataDir);
    server = measured.child;
    const join_ = { exerciseId: exercise.id, lastSeq: 0 };
    // Warm-up: the first connections load code paths once (socket.io, ws, the join queries).
    clients.send({
      type: 'connect',
      url: measured.baseUrl,
      sockets: trainees.slice(0, WARM_UP_SOCKETS).map((u) => ({ auth: { token: u.token }, join: join_ })),
      concurrency: 10,
    });
    await clients.next(isConnected);
    clients.send({ type: 'close' });
    await clients.next(isClosed);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const before = await memoryOf(server);
    clients.send({ type: 'connect', url: measured.baseUrl, sockets: trainees.map((u) => ({ auth: { token: u.token }, join: join_ })), concurrency: 25 });
    const connected = await clients.next(isConnected, 240_000);
    if (connected.failed > 0) throw new Error(`${connected.failed} of ${SOCKETS} sockets failed: ${connected.firstError}`);
    const after = await memoryOf(server);
    const perSocket = (after.procRss - before.procRss) / SOCKETS;
    const heapPerSocket = (after.heapUsed - before.heapUsed) / SOCKETS;
    clients.send({ type: 'close' });
    await clients.next(isClosed);
    return [
      judged(
        {
          name: 'memory.rss_per_socket_kb',
          value: round(perSocket / 1024, 1),
          unit: 'KB',
          target: 30,
          notes: `${SOCKETS} authenticated sockets joined to a live exercise (${teams.length} teams of ${PER_TEAM}, portal-defacement); server RSS ${round(before.procRss / 2 ** 20, 1)} → ${round(after.procRss / 2 ** 20, 1)} MB after full GC (VmRSS); heap ${round(heapPerSocket / 1024, 1)} KB/socket; connect+join of all took ${connected.ms} ms; ${machineNote()}`,
        },
        false,
      ),
      {
        name: 'memory.connect_join_per_s',
        value: Math.round(SOCKETS / (connected.ms / 1000)),
        unit: 'sockets/s',
        notes: `handshake (token check) + exercise:join (access check, empty replay) for ${SOCKETS} sockets, 25 at a time`,
      },
    ];
  } finally {
    await clients.stop();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
