/**
 * Child process of the fan-out and memory benchmarks: holds many socket.io clients, so their CPU
 * and memory are not the server's. Driven over IPC (see ClientsIn / ClientsOut).
 */
import { io, type Socket } from 'socket.io-client';
import type { StreamBatch } from '../contracts/exercise.schema.js';
import { preciseNow } from './bench-support.js';

export interface SocketSpec {
  /** Handshake auth (a token for the real server, a team for the bare baseline). */
  readonly auth: Record<string, string>;
  readonly join?: { readonly exerciseId: string; readonly lastSeq: number };
}

export type ClientsIn =
  | { readonly type: 'connect'; readonly url: string; readonly sockets: readonly SocketSpec[]; readonly concurrency: number }
  | { readonly type: 'reset' }
  | { readonly type: 'report' }
  | { readonly type: 'close' };

export type ClientsOut =
  | { readonly type: 'connected'; readonly ok: number; readonly failed: number; readonly firstError: string | null; readonly ms: number }
  | {
      readonly type: 'report';
      /** Receipt time minus the event's scheduledWallMs, one per delivered event per socket. */
      readonly latencies: number[];
      readonly deliveries: number;
      readonly firstReceiptMs: number;
      readonly lastReceiptMs: number;
      /** Sockets whose seqs were not strictly consecutive. */
      readonly outOfOrder: number;
    }
  | { readonly type: 'closed' };

const sockets: Socket[] = [];
let latencies: number[] = [];
let deliveries = 0;
let firstReceipt = 0;
let lastReceipt = 0;
let outOfOrder = 0;

function reply(message: ClientsOut): void {
  process.send?.(message);
}

function open(url: string, spec: SocketSpec): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/exercises`, { transports: ['websocket'], auth: spec.auth, reconnection: false, forceNew: true, timeout: 60_000 });
    let lastSeq = new Map<string, number>();
    socket.on('exercise:events', (batch: StreamBatch) => {
      const now = preciseNow();
      if (firstReceipt === 0) firstReceipt = now;
      lastReceipt = now;
      let previous = lastSeq.get(batch.teamId);
      for (const event of batch.events) {
        latencies.push(now - event.scheduledWallMs);
        if (previous !== undefined && event.seq !== previous + 1) outOfOrder += 1;
        previous = event.seq;
      }
      if (previous !== undefined) lastSeq.set(batch.teamId, previous);
      deliveries += batch.events.length;
    });
    socket.once('connect_error', (error) => reject(error));
    socket.once('connect', () => {
      sockets.push(socket);
      if (!spec.join) return resolve();
      lastSeq = new Map();
      socket.emit('exercise:join', spec.join, (result: { error?: { code: string; message: string } }) => {
        if (result.error) reject(new Error(`${result.error.code}: ${result.error.message}`));
        else resolve();
      });
    });
  });
}

async function connectAll(url: string, specs: readonly SocketSpec[], concurrency: number): Promise<void> {
  const started = Date.now();
  let ok = 0;
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < specs.length) {
      const spec = specs[next++]!;
      try {
        await open(url, spec);
        ok += 1;
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, specs.length) }, worker));
  reply({ type: 'connected', ok, failed, firstError, ms: Date.now() - started });
}

process.on('message', (message: ClientsIn) => {
  switch (message.type) {
    case 'connect':
      void connectAll(message.url, message.sockets, message.concurrency);
      return;
    case 'reset':
      latencies = [];
      deliveries = 0;
      firstReceipt = 0;
      lastReceipt = 0;
      outOfOrder = 0;
      return;
    case 'report':
      reply({ type: 'report', latencies, deliveries, firstReceiptMs: firstReceipt, lastReceiptMs: lastReceipt, outOfOrder });
      return;
    case 'close':
      for (const socket of sockets.splice(0)) socket.disconnect();
      reply({ type: 'closed' });
      return;
    default: {
      const never: never = message;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});

process.on('disconnect', () => process.exit(0));
