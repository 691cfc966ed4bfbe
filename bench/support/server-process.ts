/**
 * Child process holding the real application, alone in its process, built from `dist/` (the
 * benchmarks run through tsx, which does not emit the decorator metadata Nest's injection needs).
 * Settings come from the environment, as for `node dist/main.js`; it reports its port, memory and
 * CPU over IPC, so no benchmark endpoint is added to the server.
 */
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type AppFactoryModule = typeof import('../../src/app-factory.js');
type ConfigModule = typeof import('../../src/config/app-config.js');

export type ServerIn = { readonly type: 'memory' } | { readonly type: 'cpu' } | { readonly type: 'stop' };
export type ServerOut =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'memory'; readonly rss: number; readonly heapUsed: number }
  | { readonly type: 'cpu'; readonly userMs: number; readonly systemMs: number; readonly atMs: number }
  | { readonly type: 'stopped' };

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist');

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
  return { type: 'memory', rss: usage.rss, heapUsed: usage.heapUsed };
}

async function main(): Promise<void> {
  const { createApp } = (await import(pathToFileURL(join(DIST, 'app-factory.js')).href)) as AppFactoryModule;
  const { loadConfig } = (await import(pathToFileURL(join(DIST, 'config', 'app-config.js')).href)) as ConfigModule;
  const app = await createApp(loadConfig(process.env), { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = (app.getHttpServer() as Server).address() as AddressInfo;
  const stop = (): void => {
    void app.close().then(() => {
      reply({ type: 'stopped' });
      process.exit(0);
    });
  };
  process.on('message', (message: ServerIn) => {
    switch (message.type) {
      case 'memory':
        void settledMemory().then(reply);
        return;
      case 'cpu': {
        const used = process.cpuUsage();
        reply({ type: 'cpu', userMs: used.user / 1000, systemMs: used.system / 1000, atMs: performance.now() });
        return;
      }
      case 'stop':
        stop();
        return;
      default: {
        const never: never = message;
        throw new Error(`unknown message ${JSON.stringify(never)}`);
      }
    }
  });
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  reply({ type: 'listening', port });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
