/**
 * Several real nodes (`node dist/main.js` child processes) of one platform on this machine: one
 * PostgreSQL database and one Redis key prefix of their own, as docs/operations.md's three-node
 * recipe runs them. Shared by the three-node e2e test and the cluster benchmark.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';

export const POSTGRES_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = 'redis://127.0.0.1:6379';

export interface ClusterNodeProcess {
  readonly index: number;
  readonly port: number;
  readonly baseUrl: string;
  readonly child: ChildProcess;
  /** Everything the node wrote, with the wall ms each chunk arrived. */
  readonly output: Array<{ readonly atMs: number; readonly text: string }>;
  readonly exited: Promise<number | null>;
  /** Its node id (from its first log line), once known. */
  nodeId: string | null;
}

export interface ClusterPlatform {
  readonly databaseUrl: string;
  readonly redisPrefix: string;
  readonly nodes: ClusterNodeProcess[];
  start(index: number): Promise<ClusterNodeProcess>;
  /** SIGTERM to every node still running (graceful), then drops the database. */
  close(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function outputText(node: ClusterNodeProcess): string {
  return node.output.map((o) => o.text).join('');
}

/** When a line matching `pattern` was written by the node (wall ms), or null. */
export function loggedAt(node: ClusterNodeProcess, pattern: RegExp): number | null {
  let text = '';
  for (const chunk of node.output) {
    text += chunk.text;
    if (pattern.test(text)) return chunk.atMs;
  }
  return null;
}

async function waitHealthy(node: ClusterNodeProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (node.child.exitCode !== null) throw new Error(`node ${node.index} exited early (${node.child.exitCode}):\n${outputText(node)}`);
    try {
      const response = await fetch(`${node.baseUrl}/api/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`node ${node.index} not ready after ${timeoutMs} ms:\n${outputText(node)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A new platform: a fresh database and Redis prefix; `count` nodes, the first started alone (it
 * migrates the database and loads the bundled drills), the others together after it.
 */
export async function startPlatform(
  count: number,
  options: {
    /** The repository (its dist/main.js is run): jest and the benchmarks find it each their own way. */
    readonly root: string;
    readonly env?: Record<string, string>;
    readonly readyTimeoutMs?: number;
  },
): Promise<ClusterPlatform> {
  const root = options.root;
  const suffix = randomBytes(6).toString('hex');
  const database = `soc_drill_cluster_${suffix}`;
  await adminQuery(`CREATE DATABASE ${database}`);
  const databaseUrl = `postgres://postgres@127.0.0.1:5432/${database}`;
  const redisPrefix = `soc-drill-test-${suffix}`;
  // Every node signs and checks the same tokens.
  const jwtSecret = randomBytes(48).toString('base64url');
  const nodes: ClusterNodeProcess[] = [];
  const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;

  const start = async (index: number): Promise<ClusterNodeProcess> => {
    const port = await freePort();
    const child = spawn(process.execPath, [join(root, 'dist', 'main.js')], {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        REDIS_URL,
        REDIS_PREFIX: redisPrefix,
        JWT_SECRET: jwtSecret,
        LOG_LEVEL: 'log',
        // Logins of a handful of users per run; keep scrypt cheap on a loaded machine.
        PASSWORD_SCRYPT_LOG2N: '12',
        SCORING_WORKERS: '0',
        HEAVY_JOB_WORKERS: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const node: ClusterNodeProcess = {
      index,
      port,
      baseUrl: `http://127.0.0.1:${port}`,
      child,
      output: [],
      exited: new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
      nodeId: null,
    };
    const take = (chunk: Buffer) => {
      node.output.push({ atMs: Date.now(), text: chunk.toString('utf8') });
      node.nodeId ??= /Node ([0-9a-f-]{36}) shares its platform/.exec(outputText(node))?.[1] ?? null;
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    nodes[index] = node;
    await waitHealthy(node, readyTimeoutMs);
    return node;
  };

  const close = async (): Promise<void> => {
    await Promise.all(
      nodes.map(async (node) => {
        if (node.child.exitCode !== null || node.child.signalCode !== null) return;
        node.child.kill('SIGTERM');
        const timeout = setTimeout(() => node.child.kill('SIGKILL'), 15_000);
        await node.exited;
        clearTimeout(timeout);
      }),
    );
    await adminQuery(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
  };

  try {
    await start(0);
    await Promise.all(Array.from({ length: count - 1 }, (_, i) => start(i + 1)));
  } catch (error) {
    await close();
    throw error;
  }
  return { databaseUrl, redisPrefix, nodes, start, close };
}
