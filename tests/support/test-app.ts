import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app-factory';
import { loadConfig } from '../../src/config/app-config';

export interface TestApp {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly dataDir: string;
  close(): Promise<void>;
}

/** The real application on an ephemeral port with its own fresh SQLite database. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-test-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOAD_BUNDLED_SCENARIOS: 'false', LOG_LEVEL: 'error', ...env });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    dataDir,
    async close() {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until the assertion passes (or times out) instead of sleeping a fixed time. */
export async function expectEventually(assertion: () => void | Promise<void>, timeoutMs = 5000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
