import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HOLDER_FILE, LOCK_FILE, type LockHolder } from '../../src/persistence/data-folder-lock';
import { ensureBuilt, freePort, MAIN, ROOT } from '../support/built-server';
import { expectEventually } from '../support/test-app';

/**
 * One server per data folder, with the real built server: a second one on the same folder refuses
 * to start and names the first; a SIGKILLed holder never blocks the restart; a graceful stop lets
 * the next one in.
 */

interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

async function startServer(dataDir: string): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOAD_BUNDLED_SCENARIOS: 'false',
      LOG_LEVEL: 'log',
      PASSWORD_SCRYPT_LOG2N: '10',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, port, output, exited };
}

async function healthy(server: ServerProcess): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${server.port}/api/health`)).ok;
  } catch {
    return false;
  }
}

async function waitHealthy(server: ServerProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null) throw new Error(`server exited early (${server.child.exitCode}):\n${server.output.join('')}`);
    if (await healthy(server)) return;
    if (Date.now() > deadline) throw new Error(`server not healthy after ${timeoutMs} ms:\n${server.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits for the server to exit; one that comes up instead (a second server let in) fails at once. */
async function waitRefused(server: ServerProcess, timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null) return { code: server.child.exitCode, output: server.output.join('') };
    if (await healthy(server)) throw new Error(`a second server started on the same data folder:\n${server.output.join('')}`);
    if (Date.now() > deadline) throw new Error(`server neither refused nor started after ${timeoutMs} ms:\n${server.output.join('')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function holderOf(dataDir: string): LockHolder {
  return JSON.parse(readFileSync(join(dataDir, HOLDER_FILE), 'utf8')) as LockHolder;
}

describe('one server per data folder (real server)', () => {
  jest.setTimeout(180_000);

  let dataDir: string;
  const started: ServerProcess[] = [];
  const start = async (): Promise<ServerProcess> => {
    const server = await startServer(dataDir);
    started.push(server);
    return server;
  };

  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-lock-'));
  });

  afterAll(async () => {
    for (const server of started) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  let first: ServerProcess;

  it('a second server on the same folder exits non-zero, naming the first (pid, host, address) with DATA_DIR_LOCKED', async () => {
    first = await start();
    await waitHealthy(first);

    const second = await start();
    const refused = await waitRefused(second);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('DATA_DIR_LOCKED');
    expect(refused.output).toContain(`pid ${first.child.pid}`);
    expect(refused.output).toContain(`listening on 127.0.0.1:${first.port}`);
    expect(refused.output).toContain(dataDir);
    // A clear refusal, not a crash: no stack trace, and the second never got to listen.
    expect(refused.output).not.toMatch(/\n\s+at /);
    expect(refused.output).not.toMatch(/SOC Drill listening/);
    // The first is untouched and still names itself as the holder, with its address since it listens.
    expect(await healthy(first)).toBe(true);
    expect(holderOf(dataDir)).toMatchObject({ pid: first.child.pid, listening: `127.0.0.1:${first.port}` });
  });

  let restarted: ServerProcess;

  it('a holder killed with SIGKILL never blocks the restart; its leftover details are overwritten', async () => {
    first.child.kill('SIGKILL');
    await first.exited;
    // What the killed server left behind: the lock file and its stale details.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(true);
    expect(holderOf(dataDir).pid).toBe(first.child.pid);

    restarted = await start();
    await waitHealthy(restarted);
    await expectEventually(() => expect(holderOf(dataDir)).toMatchObject({ pid: restarted.child.pid, listening: `127.0.0.1:${restarted.port}` }));
    // And it holds the folder in turn.
    const another = await start();
    expect((await waitRefused(another)).output).toContain(`pid ${restarted.child.pid}`);
  });

  it('a graceful stop releases the folder for the next server', async () => {
    restarted.child.kill('SIGTERM');
    const stopped = await restarted.exited;
    expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
    // Released on the way out, not merely dropped by the kernel: its details are gone with it.
    expect(existsSync(join(dataDir, HOLDER_FILE))).toBe(false);

    const next = await start();
    await waitHealthy(next);
    expect(holderOf(dataDir).pid).toBe(next.child.pid);
    next.child.kill('SIGTERM');
    await next.exited;
  });
});
