import { watchHealth } from './api.js';

/**
 * Polls `/api/health` in a process of its own: in the benchmark's process, its own work (a 10 MB
 * body to stringify and send, a large answer to parse) would hold the polls and be counted as the server's.
 */
export type HealthWatchIn = { readonly type: 'start'; readonly baseUrl: string; readonly everyMs: number } | { readonly type: 'stop' };
export type HealthWatchOut = { readonly type: 'started' } | { readonly type: 'stopped'; readonly latencies: number[]; readonly errors: number };

let watch: ReturnType<typeof watchHealth> | null = null;

process.on('message', (raw) => {
  const message = raw as HealthWatchIn;
  switch (message.type) {
    case 'start':
      watch = watchHealth(message.baseUrl, message.everyMs);
      process.send?.({ type: 'started' } satisfies HealthWatchOut);
      return;
    case 'stop': {
      const current = watch;
      watch = null;
      void (current?.stop() ?? Promise.resolve([])).then((latencies) => {
        process.send?.({ type: 'stopped', latencies, errors: current?.errors ?? 0 } satisfies HealthWatchOut);
      });
      return;
    }
    default: {
      const unhandled: never = message;
      throw new Error(`unknown message ${JSON.stringify(unhandled)}`);
    }
  }
});
