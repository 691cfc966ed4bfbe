import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Child } from './child.js';
import type { ServerIn, ServerOut } from './server-process.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Settings every bench server uses: cheap password hashing and no login throttling for bulk sign-in. */
export const BENCH_SERVER_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'test',
  LOAD_BUNDLED_SCENARIOS: 'false',
  LOG_LEVEL: 'error',
  PASSWORD_SCRYPT_LOG2N: '10',
  LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
  LOGIN_RATE_LIMIT_PER_IP_PER_MINUTE: '100000',
  ACCESS_TOKEN_TTL: '3600',
};

const isListening = (m: ServerOut): m is Extract<ServerOut, { type: 'listening' }> => m.type === 'listening';
const isMemory = (m: ServerOut): m is Extract<ServerOut, { type: 'memory' }> => m.type === 'memory';
const isCpu = (m: ServerOut): m is Extract<ServerOut, { type: 'cpu' }> => m.type === 'cpu';

export interface ServerHandle {
  readonly baseUrl: string;
  readonly dataDir: string;
  readonly pid: number;
  memory(): Promise<Extract<ServerOut, { type: 'memory' }>>;
  /** CPU used by the server process so far (ms) and its monotonic clock (ms). */
  cpu(): Promise<{ usedMs: number; atMs: number }>;
  /** Stops the process; the data directory stays until `dispose`. */
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

/** The real application (createApp from dist/) in its own process on an ephemeral port. */
export async function startServer(options: { env?: Record<string, string>; dataDir?: string; exposeGc?: boolean } = {}): Promise<ServerHandle> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'soc-drill-bench-'));
  const child = new Child<ServerIn, ServerOut>(join(ROOT, 'bench', 'support', 'server-process.ts'), {
    // BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server process there (for the reasons behind a figure);
    // BENCH_SERVER_FLAGS adds Node flags to the server's process, for A/B runs of a flag.
    execArgv: [
      ...(process.env.BENCH_SERVER_FLAGS ?? '').split(' ').filter((flag) => flag !== ''),
      ...(options.exposeGc ? ['--expose-gc'] : []),
      ...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []),
    ],
    env: { ...BENCH_SERVER_ENV, ...options.env, DATA_DIR: dataDir },
  });
  const { port } = await child.next(isListening, 120_000);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    dataDir,
    pid: child.pid,
    memory: () => child.ask({ type: 'memory' }, isMemory),
    cpu: async () => {
      const m = await child.ask({ type: 'cpu' }, isCpu);
      return { usedMs: m.userMs + m.systemMs, atMs: m.atMs };
    },
    stop: () => child.stop(),
    async dispose() {
      await child.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
