/**
 * Child process of the drill benchmark: holds trainee and instructor sockets (socket.io-client) and
 * acts for the trainees as the console does, `POST /api/exercises/:id/actions` with a fresh
 * actionId (the socket only receives pushes). Its CPU and event loop are not the server's.
 * Driven over IPC (see DrillIn / DrillOut).
 */
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { io, type Socket } from 'socket.io-client';
import type { StreamBatch } from '../../src/contracts/exercise.schema.js';
import type { ActionAck, TriageActionInput } from '../../src/contracts/triage.schema.js';
import { preciseNow } from '../support/stats.js';

export interface TraineeSpec {
  readonly token: string;
  /** The trainee's place in the team (0…perTeam−1): it works the alerts whose seq falls to it. */
  readonly slot: number;
  readonly perTeam: number;
}

export type DrillIn =
  | {
      readonly type: 'connect';
      readonly url: string;
      readonly exerciseId: string;
      readonly trainees: readonly TraineeSpec[];
      readonly instructors: readonly string[];
    }
  /** Trainees without sockets: they learn their team's delivered alerts over REST (`GET …/events`). */
  | { readonly type: 'restTrainees'; readonly url: string; readonly exerciseId: string; readonly trainees: readonly TraineeSpec[] }
  | { readonly type: 'delivery'; readonly measuring: boolean }
  | {
      readonly type: 'act';
      readonly url: string;
      readonly exerciseId: string;
      readonly durationMs: number;
      readonly perSecond: number;
      readonly retryEvery: number;
    }
  | { readonly type: 'report' }
  | { readonly type: 'close' };

export interface ActReport {
  readonly type: 'acted';
  /** Send → response, ms, one per first attempt answered. */
  readonly ackMs: number[];
  readonly sent: number;
  readonly applied: string[];
  readonly refused: Record<string, number>;
  /** Requests that got no HTTP answer (connection errors). */
  readonly unanswered: number;
  readonly retries: number;
  /** Retries answered applied:true: the server applied an action twice. */
  readonly retriesApplied: number;
  /** How late this process issued its requests behind the schedule (ms, p99): the client's own lag. */
  readonly issueLagP99: number;
  readonly wallMs: number;
}

export type DrillOut =
  | { readonly type: 'connected'; readonly ok: number; readonly failed: number; readonly firstError: string | null; readonly ms: number }
  | ActReport
  | {
      readonly type: 'report';
      readonly deliveryMs: number[];
      readonly liveDeliveries: number;
      readonly catchUpDeliveries: number;
      readonly pushes: number;
      readonly alertsKnown: number;
    }
  | { readonly type: 'loaded'; readonly alertsKnown: number }
  | { readonly type: 'closed' };

interface Actor {
  readonly token: string;
  readonly slot: number;
  readonly perTeam: number;
  /** The alert references this trainee works, in delivery order. */
  readonly alerts: string[];
  cursor: number;
  stage: number;
  notes: number;
}

const sockets: Socket[] = [];
const actors: Actor[] = [];
let measuring = false;
let deliveryMs: number[] = [];
let liveDeliveries = 0;
let catchUpDeliveries = 0;
let pushes = 0;

function reply(message: DrillOut): void {
  process.send?.(message);
}

function open(url: string, exerciseId: string, token: string, onEvents?: (batch: StreamBatch) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/exercises`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true, timeout: 60_000 });
    socket.on('exercise:events', (batch: StreamBatch) => {
      const now = preciseNow();
      for (const event of batch.events) {
        if (batch.replay || event.catchUp) {
          catchUpDeliveries += 1;
          continue;
        }
        liveDeliveries += 1;
        if (measuring && onEvents) deliveryMs.push(now - event.scheduledWallMs);
      }
      onEvents?.(batch);
    });
    socket.on('team:actions', () => {
      pushes += 1;
    });
    socket.once('connect_error', (error) => reject(error));
    socket.once('connect', () => {
      sockets.push(socket);
      socket.emit('exercise:join', { exerciseId, lastSeq: 0 }, (result: { error?: { code: string; message: string } }) => {
        if (result.error) reject(new Error(`${result.error.code}: ${result.error.message}`));
        else resolve();
      });
    });
  });
}

async function connectAll(message: Extract<DrillIn, { type: 'connect' }>): Promise<void> {
  const started = Date.now();
  let ok = 0;
  let failed = 0;
  let firstError: string | null = null;
  const jobs: Array<() => Promise<void>> = [
    ...message.instructors.map((token) => () => open(message.url, message.exerciseId, token)),
    ...message.trainees.map((spec) => () => {
      const actor: Actor = { token: spec.token, slot: spec.slot, perTeam: spec.perTeam, alerts: [], cursor: 0, stage: 0, notes: 0 };
      actors.push(actor);
      return open(message.url, message.exerciseId, spec.token, (batch) => {
        // Only delivered alerts can be acted on; teammates split them by seq, as a team would.
        for (const event of batch.events) if (event.seq % actor.perTeam === actor.slot) actor.alerts.push(event.eventId);
      });
    }),
  ];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const job = jobs[next++]!;
      try {
        await job();
        ok += 1;
      } catch (error) {
        failed += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  reply({ type: 'connected', ok, failed, firstError, ms: Date.now() - started });
}

async function loadOverRest(message: Extract<DrillIn, { type: 'restTrainees' }>): Promise<void> {
  for (const spec of message.trainees) {
    const actor: Actor = { token: spec.token, slot: spec.slot, perTeam: spec.perTeam, alerts: [], cursor: 0, stage: 0, notes: 0 };
    actors.push(actor);
    let afterSeq = 0;
    for (;;) {
      const response = await fetch(`${message.url}/api/exercises/${message.exerciseId}/events?afterSeq=${afterSeq}&limit=5000`, {
        headers: { authorization: `Bearer ${spec.token}` },
      });
      if (response.status !== 200) throw new Error(`events: HTTP ${response.status}`);
      const page = (await response.json()) as { events: Array<{ seq: number; eventId: string }> };
      for (const event of page.events) if (event.seq % actor.perTeam === actor.slot) actor.alerts.push(event.eventId);
      if (page.events.length === 0) break;
      afterSeq = page.events[page.events.length - 1]!.seq;
    }
  }
  reply({ type: 'loaded', alertsKnown: actors.reduce((sum, a) => sum + a.alerts.length, 0) });
}

type ActionBody = Extract<TriageActionInput, { type: 'alert.acknowledge' | 'alert.verdict' | 'alert.severity' | 'alert.note' }>;

/** The next step of a trainee's work: acknowledge, judge and grade each of its alerts, then notes. */
function nextAction(actor: Actor, exerciseId: string): ActionBody {
  const base = { actionId: randomUUID(), exerciseId };
  const alertId = actor.alerts[actor.cursor];
  if (alertId === undefined) {
    actor.notes += 1;
    const noted = actor.alerts.length > 0 ? actor.alerts[actor.notes % actor.alerts.length]! : 'AL-NONE';
    return { ...base, type: 'alert.note', alertId: noted, text: `Ghi chú ${actor.notes}: đã kiểm tra nhật ký` };
  }
  const stage = actor.stage;
  actor.stage = (stage + 1) % 3;
  if (actor.stage === 0) actor.cursor += 1;
  switch (stage) {
    case 0:
      return { ...base, type: 'alert.acknowledge', alertId };
    case 1:
      return actor.cursor % 3 === 0
        ? { ...base, type: 'alert.verdict', alertId, verdict: 'true-positive' }
        : { ...base, type: 'alert.verdict', alertId, verdict: 'false-positive', reason: 'Quét tự động, đã bị WAF chặn' };
    default:
      return { ...base, type: 'alert.severity', alertId, severity: 'medium' };
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

function post(url: URL, token: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Open loop: actions go out on schedule whether or not earlier ones were answered. */
async function act(message: Extract<DrillIn, { type: 'act' }>): Promise<void> {
  const url = new URL(`${message.url}/api/exercises/${message.exerciseId}/actions`);
  const ackMs: number[] = [];
  const applied: string[] = [];
  const refused: Record<string, number> = {};
  const lags: number[] = [];
  let sent = 0;
  let unanswered = 0;
  let retries = 0;
  let retriesApplied = 0;
  let turn = 0;
  const inflight = new Set<Promise<void>>();
  const track = (p: Promise<void>): void => {
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  const send = (actor: Actor): void => {
    const body = nextAction(actor, message.exerciseId);
    const text = JSON.stringify(body);
    const retry = message.retryEvery > 0 && sent % message.retryEvery === message.retryEvery - 1;
    sent += 1;
    const started = performance.now();
    track(
      post(url, actor.token, text).then(
        async (res) => {
          ackMs.push(performance.now() - started);
          if (res.status !== 200) {
            let code = `HTTP ${res.status}`;
            try {
              code = (JSON.parse(res.text) as { error: { code: string } }).error.code;
            } catch {
              // not a coded error
            }
            refused[code] = (refused[code] ?? 0) + 1;
            return;
          }
          const ack = JSON.parse(res.text) as ActionAck;
          if (ack.applied) applied.push(body.actionId);
          if (!retry) return;
          // The console retries after a network failure with the same actionId: never applied twice.
          retries += 1;
          const again = await post(url, actor.token, text);
          if (again.status === 200 && (JSON.parse(again.text) as ActionAck).applied) retriesApplied += 1;
        },
        () => {
          unanswered += 1;
        },
      ),
    );
  };
  const started = performance.now();
  const tickMs = 2;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const elapsed = performance.now() - started;
      const due = Math.min(
        Math.floor((Math.min(elapsed, message.durationMs) * message.perSecond) / 1000),
        Math.floor((message.durationMs * message.perSecond) / 1000),
      );
      while (sent < due) {
        const dueAt = (sent * 1000) / message.perSecond;
        lags.push(elapsed - dueAt);
        send(actors[turn++ % actors.length]!);
      }
      if (elapsed >= message.durationMs) resolve();
      else setTimeout(tick, tickMs);
    };
    tick();
  });
  const wallMs = performance.now() - started;
  while (inflight.size > 0) await Promise.all([...inflight]);
  lags.sort((a, b) => a - b);
  reply({ type: 'acted', ackMs, sent, applied, refused, unanswered, retries, retriesApplied, issueLagP99: lags[Math.floor(lags.length * 0.99)] ?? 0, wallMs });
}

process.on('message', (message: DrillIn) => {
  switch (message.type) {
    case 'connect':
      void connectAll(message);
      return;
    case 'restTrainees':
      void loadOverRest(message);
      return;
    case 'delivery':
      measuring = message.measuring;
      if (measuring) deliveryMs = [];
      return;
    case 'act':
      void act(message);
      return;
    case 'report':
      reply({ type: 'report', deliveryMs, liveDeliveries, catchUpDeliveries, pushes, alertsKnown: actors.reduce((sum, a) => sum + a.alerts.length, 0) });
      return;
    case 'close':
      for (const socket of sockets.splice(0)) socket.disconnect();
      agent.destroy();
      reply({ type: 'closed' });
      return;
    default: {
      const never: never = message;
      throw new Error(`unknown message ${JSON.stringify(never)}`);
    }
  }
});

process.on('disconnect', () => process.exit(0));
