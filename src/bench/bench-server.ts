import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
/**
 * Child process of the memory benchmark: the real application, alone in its process, reporting its
 * memory over IPC (no HTTP endpoint involved). Forked with --expose-gc so a reading can be taken
 * after a full collection. DATA_DIR and the other settings come from the environment.
 */
import 'reflect-metadata';
import { createApp } from '../app-factory.js';
import { loadConfig } from '../config/app-config.js';

export type ServerIn = { readonly type: 'memory' } | { readonly type: 'stop' };
export type ServerOut =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'memory'; readonly rss: number; readonly heapUsed: number; readonly external: number; readonly arrayBuffers: number }
  | { readonly type: 'stopped' };

function reply(message: ServerOut): void {
  process.send?.(message);
}

async function settledMemory(): Promise<ServerOut> {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const usage = process.memoryUsage();
  return { type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers };
}

async function main(): Promise<void> {
  const app = await createApp(loadConfig(process.env), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  process.on('message', (message: ServerIn) => {
    switch (message.type) {
      case 'memory':
        void settledMemory().then(reply);
        return;
      case 'stop':
        void app.close().then(() => {
          reply({ type: 'stopped' });
          process.exit(0);
        });
        return;
      default: {
        const never: never = message;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  });
  process.on('disconnect', () => void app.close().then(() => process.exit(0)));
  reply({ type: 'listening', port });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
