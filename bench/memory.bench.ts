import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Child } from './support/child.js';
import type { DrillIn, DrillOut } from './drill/drill-clients.js';
import { call, expectOk, login, seedTrainees, teamsOf, uploadSource } from './support/api.js';
import { type BenchResult, judged } from './support/bench-result.js';
import { ROOT, type ServerHandle, startServer } from './support/server.js';
import { machineNote, round, sleep } from './support/stats.js';

const SOCKETS = 2000;
const PER_TEAM = 50;
const WARM_UP_SOCKETS = 50;

const isConnected = (m: DrillOut): m is Extract<DrillOut, { type: 'connected' }> => m.type === 'connected';
const isClosed = (m: DrillOut): m is Extract<DrillOut, { type: 'closed' }> => m.type === 'closed';

/** Server RSS from /proc after a full GC in the server (its own reading where /proc is missing). */
async function rssAfterGc(server: ServerHandle): Promise<{ rss: number; heapUsed: number }> {
  const memory = await server.memory();
  let rss = memory.rss;
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    if (match) rss = Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return { rss, heapUsed: memory.heapUsed };
}

/**
 * Server memory per connected trainee: 2,000 authenticated sockets, each joined to a live exercise
 * (40 teams of 50). A first server process sets up the users and the exercise; the measured server
 * is a fresh process on the same data directory, so set-up garbage is not in its baseline.
 * Readings after a full GC; clients in another process. Per socket = (RSS after − RSS before) / n.
 */
export async function benchMemory(): Promise<BenchResult[]> {
  const clients = new Child<DrillIn, DrillOut>(join(ROOT, 'bench', 'drill', 'drill-clients.ts'));
  let server = await startServer({ exposeGc: true });
  const dataDir = server.dataDir;
  try {
    const admin = await login(server.baseUrl, 'admin');
    const instructor = await login(server.baseUrl, 'instructor');
    const trainees = await seedTrainees(server.baseUrl, admin, SOCKETS, 'mem');
    const { versionId } = await uploadSource(server.baseUrl, instructor, readFileSync(join(ROOT, 'scenarios', 'portal-defacement.yaml'), 'utf8'));
    const teams = teamsOf(trainees, PER_TEAM);
    const exercise = await expectOk(
      call<{ id: string }>(server.baseUrl, instructor, 'POST', '/exercises', { scenarioVersionId: versionId, teams, speed: 1, seed: 1 }),
      'create exercise',
    );
    // Live but quiet while we measure: started (so the engine is loaded) and paused.
    await expectOk(call(server.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`), 'start');
    await expectOk(call(server.baseUrl, instructor, 'POST', `/exercises/${exercise.id}/pause`), 'pause');
    await server.stop();

    server = await startServer({ exposeGc: true, dataDir });
    const url = server.baseUrl;
    const spec = (t: (typeof trainees)[number], i: number) => ({ token: t.token, slot: i % PER_TEAM, perTeam: PER_TEAM });
    // Warm-up: the first connections load code paths once (socket.io, ws, the join queries).
    await clients.ask({ type: 'connect', url, exerciseId: exercise.id, trainees: trainees.slice(0, WARM_UP_SOCKETS).map(spec), instructors: [] }, isConnected);
    await clients.ask({ type: 'close' }, isClosed);
    await sleep(500);

    const before = await rssAfterGc(server);
    const connected = await clients.ask({ type: 'connect', url, exerciseId: exercise.id, trainees: trainees.map(spec), instructors: [] }, isConnected, 300_000);
    if (connected.failed > 0) throw new Error(`${connected.failed} of ${SOCKETS} sockets failed: ${connected.firstError}`);
    const after = await rssAfterGc(server);
    const perSocket = (after.rss - before.rss) / SOCKETS;
    const heapPerSocket = (after.heapUsed - before.heapUsed) / SOCKETS;
    await clients.ask({ type: 'close' }, isClosed);
    return [
      judged(
        {
          name: 'memory.rss_per_socket_kb',
          value: round(perSocket / 1024, 1),
          unit: 'KB',
          target: 30,
          notes: `${SOCKETS} authenticated sockets joined to a live exercise (${teams.length} teams of ${PER_TEAM}, portal-defacement); server RSS ${round(before.rss / 2 ** 20, 1)} → ${round(after.rss / 2 ** 20, 1)} MB after full GC (VmRSS); heap ${round(heapPerSocket / 1024, 1)} KB/socket; ${machineNote()}`,
        },
        false,
      ),
      {
        name: 'memory.connect_join_per_s',
        value: Math.round(SOCKETS / (connected.ms / 1000)),
        unit: 'sockets/s',
        notes: `handshake (token check) + exercise:join (access check, empty replay) for ${SOCKETS} sockets, 20 at a time, in ${connected.ms} ms`,
      },
    ];
  } finally {
    await clients.stop();
    await server.dispose();
  }
}
