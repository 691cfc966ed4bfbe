import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { io } from 'socket.io-client';
import { WebSocket } from 'ws';

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
  /**
   * Load at the same rate before the measured `durationMs` (default 0). The first second after a
   * server starts taking actions is JIT compilation and first-use caches: acks then took 100-240 ms,
   * then 2-3 ms. Those acks are reported apart (`warmupLatenciesMs`); the actions count everywhere else.
   */
  readonly warmupMs?: number;
  /**
   * `wire` (the default): each client speaks the socket.io wire protocol over a bare WebSocket,
   * parses its acks and only counts the broadcasts it receives. `socket.io`: full socket.io-client
   * sockets that decode everything. Real trainees each have a machine of their own; here the 500
   * clients share the server's two cores, and full clients decoding ~40 MB/s of teammate broadcasts
   * took 0.6-0.8 of a core, and their own event loop's delay (p99 20-80 ms) was in every ack timed.
   */
  readonly client?: 'wire' | 'socket.io';
}

export interface LoadReport {
  /** Both phases. */
  readonly sent: number;
  readonly acked: number;
  /** Acks of the actions sent in the measured phase. */
  readonly latenciesMs: number[];
  /** When each of those was sent, ms after the measured phase began (same order). */
  readonly sentAtMs: number[];
  readonly warmupLatenciesMs: number[];
  readonly errors: Record<string, number>;
  /** actionIds acknowledged with applied:true. */
  readonly appliedIds: string[];
  /** Actions received in `team:actions` batches, and how many batches carried them. */
  readonly broadcastsReceived: number;
  readonly broadcastBatches: number;
  /** Characters of every packet the clients received (acks, broadcasts, events). */
  readonly receivedChars: number;
  /** From the first measured send to the last ack. */
  readonly elapsedMs: number;
  /** CPU of this (client) process during the load: if it nears one core, latencies measure the clients. */
  readonly clientCpuMs: number;
  /** The clients' own event loop: how busy, and how late its callbacks (acks included) ran at p99. */
  readonly clientLoopBusy: number;
  readonly clientLoopDelayP99Ms: number;
}

type Ack = { data?: { applied: boolean }; error?: { code: string } };

/** What the load needs of a client socket. */
interface LoadSocket {
  emit(event: string, payload: unknown, ack: (result: Ack) => void): void;
  disconnect(): void;
}

type Counters = { onBroadcast: (actions: number) => void; onPacket: (chars: number) => void };

const NAMESPACE = '/exercises';
/** Each `team:actions` item is an object whose first key is `exerciseId`; nothing nested starts so. */
const ITEM_START = '{"exerciseId":';
/** Broadcasts whose item count is checked against a full JSON.parse (per process). */
const VERIFIED_BROADCASTS = 200;
let verifiedBroadcasts = 0;

function countItems(json: string): number {
  let count = 0;
  for (let at = json.indexOf(ITEM_START); at !== -1; at = json.indexOf(ITEM_START, at + ITEM_START.length)) count++;
  return count;
}

/**
 * A client speaking the socket.io v5 / engine.io v4 wire protocol over one WebSocket: CONNECT to
 * the namespace with the token, EVENT with an ack id, ACK, and engine.io's ping/pong.
 */
class WireSocket implements LoadSocket {
  private nextAckId = 0;
  private readonly acks = new Map<number, (result: Ack) => void>();

  private constructor(private readonly ws: WebSocket) {}

  static connect(baseUrl: string, token: string, counters: Counters): Promise<WireSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    const socket = new WireSocket(ws);
    return new Promise((resolve, reject) => {
      ws.on('error', reject);
      ws.on('message', (raw: Buffer, isBinary: boolean) => {
        if (isBinary) return;
        const data = raw.toString('utf8');
        counters.onPacket(data.length);
        switch (data[0]) {
          case '0':
            ws.send(`40${NAMESPACE},${JSON.stringify({ token })}`);
            return;
          case '2':
            ws.send('3');
            return;
          case '4':
            socket.onPacket(data, counters, resolve, reject);
            return;
          default:
            return;
        }
      });
    });
  }

  private onPacket(data: string, counters: Counters, connected: (socket: WireSocket) => void, failed: (error: Error) => void): void {
    // '4' + socket.io type + '/exercises,' + [ack id] + JSON
    const type = data[1];
    const body = data.slice(2 + NAMESPACE.length + 1);
    switch (type) {
      case '0':
        connected(this);
        return;
      case '4':
        failed(new Error(`connect refused: ${body}`));
        return;
      case '3': {
        let i = 0;
        while (body.charCodeAt(i) >= 48 && body.charCodeAt(i) <= 57) i++;
        const ack = this.acks.get(Number(body.slice(0, i)));
        this.acks.delete(Number(body.slice(0, i)));
        ack?.((JSON.parse(body.slice(i)) as [Ack])[0]);
        return;
      }
      case '2': {
        if (!body.startsWith('["team:actions",')) return;
        const items = countItems(body);
        if (verifiedBroadcasts < VERIFIED_BROADCASTS) {
          verifiedBroadcasts++;
          const parsed = (JSON.parse(body) as [string, unknown[]])[1].length;
          if (parsed !== items) throw new Error(`team:actions item count ${items} by scan, ${parsed} parsed`);
        }
        counters.onBroadcast(items);
        return;
      }
      default:
        return;
    }
  }

  emit(event: string, payload: unknown, ack: (result: Ack) => void): void {
    const id = this.nextAckId++;
    this.acks.set(id, ack);
    this.ws.send(`42${NAMESPACE},${id}${JSON.stringify([event, payload])}`);
  }

  disconnect(): void {
    this.ws.close();
  }
}

async function connectLoadSocket(plan: LoadPlan, token: string, counters: Counters): Promise<LoadSocket> {
  const socket = plan.client === 'socket.io' ? await connectSocketIo(plan, token, counters) : await WireSocket.connect(plan.baseUrl, token, counters);
  const joined = await new Promise<Ack>((resolve) => socket.emit('exercise:join', { exerciseId: plan.exerciseId, lastSeq: 1_000_000 }, resolve));
  if (joined.error) throw new Error(`join: ${joined.error.code}`);
  return socket;
}

async function connectSocketIo(plan: LoadPlan, token: string, { onBroadcast, onPacket }: Counters): Promise<LoadSocket> {
  const socket = io(`${plan.baseUrl}${NAMESPACE}`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  socket.io.engine.on('packet', (packet: { data?: unknown }) => {
    if (typeof packet.data === 'string') onPacket(packet.data.length);
  });
  socket.on('team:actions', (messages: unknown[]) => onBroadcast(messages.length));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  return { emit: (event, payload, ack) => socket.emit(event, payload, ack), disconnect: () => socket.disconnect() };
}

/** `onPhase` marks the load itself, so the server side can be measured over the same span. */
export async function runLoad(plan: LoadPlan, onPhase: (phase: 'load-start' | 'load-end') => void = () => undefined): Promise<LoadReport> {
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
  const sockets: LoadSocket[] = [];
  for (let i = 0; i < plan.clients.length; i += 50) {
    sockets.push(...(await Promise.all(plan.clients.slice(i, i + 50).map((c) => connectLoadSocket(plan, c.token, { onBroadcast, onPacket })))));
  }
  receivedChars = 0;
  const latenciesMs: number[] = [];
  const sentAtMs: number[] = [];
  const warmupLatenciesMs: number[] = [];
  const errors: Record<string, number> = {};
  const appliedIds: string[] = [];
  let sent = 0;
  let acked = 0;
  const warmup = Math.round((plan.actionsPerSecond * (plan.warmupMs ?? 0)) / 1000);
  const total = warmup + Math.round((plan.actionsPerSecond * plan.durationMs) / 1000);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  let measured: { started: number; cpu: NodeJS.CpuUsage; loop: ReturnType<typeof performance.eventLoopUtilization> } | null = null;
  let lastAckAt = 0;
  const startMeasuring = () => {
    onPhase('load-start');
    measured = { started: performance.now(), cpu: process.cpuUsage(), loop: performance.eventLoopUtilization() };
    loopDelay.enable();
  };
  const started = performance.now();
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * plan.actionsPerSecond));
      for (; sent < due; sent++) {
        if (sent === warmup) startMeasuring();
        const warm = sent < warmup;
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
          lastAckAt = performance.now();
          if (warm) warmupLatenciesMs.push(lastAckAt - t0);
          else {
            latenciesMs.push(lastAckAt - t0);
            sentAtMs.push(t0 - measured!.started);
          }
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
    setTimeout(resolve, (plan.warmupMs ?? 0) + plan.durationMs + 20_000).unref();
  });
  if (measured === null) startMeasuring();
  const phase = measured!;
  const elapsedMs = Math.max(lastAckAt, phase.started) - phase.started;
  onPhase('load-end');
  const used = process.cpuUsage(phase.cpu);
  loopDelay.disable();
  const clientLoopBusy = performance.eventLoopUtilization(phase.loop).utilization;
  const clientLoopDelayP99Ms = loopDelay.percentile(99) / 1e6;
  // Teammates get a busy team's actions every 200 ms, and the server may still be catching up:
  // wait until no broadcast has arrived for a second (at most 10 s), so none is counted missing.
  for (let waited = 0, last = -1; waited < 10_000 && broadcastsReceived !== last; waited += 1_000) {
    last = broadcastsReceived;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  for (const socket of sockets) socket.disconnect();
  return { sent, acked, latenciesMs, sentAtMs, warmupLatenciesMs, errors, appliedIds, broadcastsReceived, broadcastBatches, receivedChars, elapsedMs, clientLoopBusy, clientLoopDelayP99Ms, clientCpuMs: (used.user + used.system) / 1000 };
}

// Forked: take the plan from the parent, send the report back, exit.
if (process.send !== undefined && process.env.SOC_DRILL_TRIAGE_LOAD_CLIENT === '1') {
  process.once('message', (plan: LoadPlan) => {
    runLoad(plan, (phase) => process.send!({ phase })).then(
      (report) => process.send!({ report }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: error instanceof Error ? error.message : String(error) }, () => process.exit(1)),
    );
  });
}
