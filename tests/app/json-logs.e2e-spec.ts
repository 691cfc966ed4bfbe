import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, freePort, MAIN, ROOT } from '../support/built-server';
import { expectEventually } from '../support/test-app';

interface JsonLogLine {
  readonly level: string;
  readonly pid: number;
  readonly timestamp: number;
  readonly message: unknown;
  readonly context?: string;
}

describe('LOG_FORMAT=json', () => {
  let dataDir: string;
  beforeAll(() => {
    ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-json-logs-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('writes every log record of the real server as one JSON object per line', async () => {
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
        PASSWORD_SCRYPT_LOG2N: '10',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      await expectEventually(() => expect(stdout).toContain('SOC Drill listening'), 60_000, 100);
      // A graceful stop logs too (shutdown hooks); Nest re-raises the signal once it is done.
      child.kill('SIGTERM');
      await exited;
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const lines = (stdout + stderr).split('\n').filter((line) => line.trim() !== '');
    const records = lines.map((line) => {
      try {
        return JSON.parse(line) as JsonLogLine;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
    });
    for (const record of records) {
      expect(record).toEqual(expect.objectContaining({ level: expect.any(String), pid: child.pid, timestamp: expect.any(Number), message: expect.anything() }));
    }
    expect(records).toContainEqual(expect.objectContaining({ level: 'log', context: 'Bootstrap', message: expect.stringContaining(`:${port}`) }));
    expect(records).toContainEqual(expect.objectContaining({ context: 'Persistence', message: expect.stringContaining('migrations applied') }));
  }, 90_000);
});
