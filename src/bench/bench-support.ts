import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, getPriority, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import type { Namespace } from 'socket.io';
import { createApp } from '../app-factory.js';
import { loadConfig } from '../config/app-config.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import { ExercisesGateway } from '../realtime/exercises.gateway.js';
import { parseScenario } from '../scenarios/scenario-parser.js';

export const DEMO_PASSWORD = 'socdrill-demo';

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

/** Epoch milliseconds with sub-millisecond resolution (Date.now() has 1 ms steps). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** How busy the machine was: figures taken on a loaded machine are not the idle-machine figures. */
export function machineNote(): string {
  let pressure = '';
  try {
    const some = /some avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (some) pressure = `, CPU pressure ${some[1]}% (time runnable tasks waited for a core, last 10 s)`;
  } catch {
    // not Linux, or no PSI
  }
  const nice = getPriority();
  return `machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}${pressure}${nice === 0 ? '' : `, bench at nice ${nice}`}`;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/**
 * The gateway's socket.io namespace, for benchmarks that time what happens at the sockets (the
 * gateway keeps it private: only it may emit).
 */
export function gatewayNamespace(app: INestApplication): Namespace {
  return (app.get(ExercisesGateway) as unknown as { server: Namespace }).server;
}

export function summarize(values: readonly number[]): { n: number; p50: number; p99: number; max: number; mean: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN, mean };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function loadScenarioFile(path: string): Scenario {
  const parsed = parseScenario(readFileSync(path));
  if (!parsed.ok)
    throw new Error(
      `${path}: ${parsed.problems
        .slice(0, 3)
        .map((p) => `${p.path} ${p.message}`)
        .join('; ')}`,
    );
  return parsed.scenario;
}

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

export async function uploadFile(baseUrl: string, token: string, path: string): Promise<string> {
  return (await expectOk(call<{ versionId: string }>(baseUrl, token, 'POST', '/scenarios', { source: readFileSync(path, 'utf8') }), `upload ${path}`))
    .versionId;
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}

export interface Trainee {
  readonly id: string;
  readonly username: string;
  readonly token: string;
}

/** Creates `count` trainees through the admin API (same unit as the demo trainees) and signs them in. */
export async function seedTrainees(baseUrl: string, adminToken: string, count: number, prefix = 'bench'): Promise<Trainee[]> {
  const page = await expectOk(call<{ items: Array<{ username: string; unitId: string }> }>(baseUrl, adminToken, 'GET', '/users?limit=100'), 'list users');
  const unitId = page.items.find((u) => u.username === 'trainee1')?.unitId;
  if (!unitId) throw new Error('demo trainee1 not found');
  const password = 'bench-password-1';
  const names = Array.from({ length: count }, (_, i) => `${prefix}-${String(i + 1).padStart(4, '0')}`);
  const ids = await inPool(names, 16, async (username) => {
    const view = await expectOk(
      call<{ id: string }>(baseUrl, adminToken, 'POST', '/users', { username, displayName: `Học viên ${username}`, password, unitId, roles: ['trainee'] }),
      `create ${username}`,
    );
    return view.id;
  });
  const tokens = await inPool(names, 16, (username) => login(baseUrl, username, password));
  return names.map((username, i) => ({ id: ids[i]!, username, token: tokens[i]! }));
}

export interface InProcessServer {
  readonly app: INestApplication;
  readonly baseUrl: string;
  close(): Promise<void>;
}

/** The real application in this process on an ephemeral port, with a throw-away data directory. */
export async function startInProcessServer(): Promise<InProcessServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-bench-'));
  const app = await createApp(loadConfig({ ...BENCH_SERVER_ENV, DATA_DIR: dataDir }), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  return {
    app,
    baseUrl: `http://127.0.0.1:${port}`,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A forked helper process speaking typed messages over IPC. */
export class Child<In, Out> {
  private readonly child: ChildProcess;
  private readonly waiting: Array<{ match: (m: Out) => boolean; resolve: (m: Out) => void; reject: (e: Error) => void }> = [];
  private exitError: Error | null = null;

  constructor(script: string, args: readonly string[] = [], execArgv: readonly string[] = [], env: Record<string, string> = {}) {
    this.child = fork(script, [...args], { execArgv: [...execArgv], env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.child.on('message', (message) => {
      const m = message as Out;
      const index = this.waiting.findIndex((w) => w.match(m));
      if (index >= 0) this.waiting.splice(index, 1)[0]!.resolve(m);
    });
    this.child.on('exit', (code, signal) => {
      this.exitError = new Error(`${script} exited (${code ?? signal})`);
      for (const w of this.waiting.splice(0)) w.reject(this.exitError);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  send(message: In): void {
    this.child.send(message as unknown as object);
  }

  next<T extends Out>(match: (m: Out) => m is T, timeoutMs = 120_000): Promise<T> {
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply from child within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/** Process RSS in bytes from /proc (Linux); null elsewhere. */
export function rssOf(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
