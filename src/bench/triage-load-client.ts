import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

/**
 * The load side of the triage benchmark, run in its own process (forked by
 * triage-actions.bench.ts) so 500 clients do not share the server's event loop.
 */

export interface LoadPlan {
  readonly baseUrl: string;
  readonly exerciseId: string;
  readonly clients: ReadonlyArray<{ readonly token: string; readonly alertIds: readonly string[] }>;
  readonly actionsPerSecond: number;
  readonly durationMs: number;
}

export interface LoadReport {
  readonly sent: number;
  readonly acked: number;
  readonly latenciesMs: number[];
  readonly errors: Record<string, number>;
  /** actionIds acknowledged with applied:true. */
  readonly appliedIds: string[];
  /** Actions received in `team:actions` batches, and how many batches carried them. */
  readonly broadcastsReceived: number;
  readonly broadcastBatches: number;
  /** Characters of every packet the clients received (acks, broadcasts, events). */
  readonly receivedChars: number;
  readonly elapsedMs: number;
  /** CPU of this (client) process during the load: if it nears one core, latencies measure the clients. */
  readonly clientCpuMs: number;
  /** The clients' own event loop: how busy, and how late its callbacks (acks included) ran at p99. */
  readonly clientLoopBusy: number;
  readonly clientLoopDelayP99Ms: number;
}

type Ack = { data?: { applied: boolean }; error?: { code: string } };

async function connect(plan: LoadPlan, token: string, onBroadcast: (actions: number) => void, onPacket: (chars: number) => void): Promise<Socket> {
  const socket = io(`${plan.baseUrl}/exercises`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  socket.io.engine.on('packet', (packet: { data?: unknown }) => {
    if (typeof packet.data === 'string') onPacket(packet.data.length);
  });
  socket.on('team:actions', (messages: unknown[]) => onBroadcast(messages.length));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  const joined = await new Promise<Ack>((resolve) => socket.emit('exercise:join', { exerciseId: plan.exerciseId, lastSeq: 1_000_000 }, resolve));
  if (joined.error) throw new Error(`join: ${joined.error.code}`);
  return socket;
}

export async function runLoad(plan: LoadPlan): Promise<LoadReport> {
  let broadcastsReceived = 0;
  let broadcastBatches = 0;
  const onBroadcast = (actions: number) => {
    broadcastsReceived += actions;
    broadcastBatches++;
  };
  let receivedChars = 0;
  const onPacket = (chars: number) => {
    receivedChars += chars;
  };
  const sockets: Socket[] = [];
  for (let i = 0; i < plan.clients.length; i += 50) {
    sockets.push(...(await Promise.all(plan.clients.slice(i, i + 50).map((c) => connect(plan, c.token, onBroadcast, onPacket)))));
  }
  receivedChars = 0;
  const latenciesMs: number[] = [];
  const errors: Record<string, number> = {};
  const appliedIds: string[] = [];
  let sent = 0;
  let acked = 0;
  const total = Math.round((plan.actionsPerSecond * plan.durationMs) / 1000);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const loopBefore = performance.eventLoopUtilization();
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * plan.actionsPerSecond));
      for (; sent < due; sent++) {
        const index = next++ % sockets.length;
        const client = plan.clients[index]!;
        const alertId = client.alertIds[(sent >> 3) % client.alertIds.length]!;
        const actionId = randomUUID();
        const payload =
          sent % 2 === 0
            ? { actionId, exerciseId: plan.exerciseId, type: 'alert.note', alertId, text: `ghi chú ${sent}` }
            : { actionId, exerciseId: plan.exerciseId, type: 'alert.severity', alertId, severity: sent % 4 === 1 ? 'medium' : 'high' };
        const t0 = performance.now();
        sockets[index]!.emit('triage:act', payload, (ack: Ack) => {
          latenciesMs.push(performance.now() - t0);
          acked++;
          if (ack.error) errors[ack.error.code] = (errors[ack.error.code] ?? 0) + 1;
          else if (ack.data?.applied) appliedIds.push(actionId);
          if (acked === total) resolve();
        });
      }
      if (sent < total) setTimeout(tick, 2);
    };
    tick();
    // Never hang the benchmark on lost acks.
    setTimeout(resolve, plan.durationMs + 20_000).unref();
  });
  const elapsedMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  loopDelay.disable();
  const clientLoopBusy = performance.eventLoopUtilization(loopBefore).utilization;
  const clientLoopDelayP99Ms = loopDelay.percentile(99) / 1e6;
  await new Promise((resolve) => setTimeout(resolve, 300));
  for (const socket of sockets) socket.disconnect();
  return { sent, acked, latenciesMs, errors, appliedIds, broadcastsReceived, broadcastBatches, receivedChars, elapsedMs, clientLoopBusy, clientLoopDelayP99Ms, clientCpuMs: (used.user + used.system) / 1000 };
}

// Forked: take the plan from the parent, send the report back, exit.
if (process.send !== undefined && process.env.SOC_DRILL_TRIAGE_LOAD_CLIENT === '1') {
  process.once('message', (plan: LoadPlan) => {
    runLoad(plan).then(
      (report) => process.send!({ report }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)),
    );
  });
}
