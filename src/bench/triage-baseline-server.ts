import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import type { AlertState } from '../contracts/triage.schema.js';
import { jsonPacketParser } from '../realtime/json-packet-parser.js';
import { ACTION_BATCH_MS, TEAM_ACTIONS_MIN_INTERVAL_MS } from '../realtime/team-actions-schedule.js';
import { newAlert } from '../triage/team-state.reducer.js';

/**
 * The triage benchmark's baseline: a bare socket.io server with the gateway's transport options and
 * packet parser, carrying the same traffic as the real server and doing nothing else. Each action
 * gets an ack of the real shape at once and is relayed to its team's sockets in `team:actions`
 * batches on the gateway's schedule (25 ms after a quiet spell, then at most every 500 ms), a
 * severity change with the alert's snapshot and its notes so far, as the gateway sends it. No token
 * check, validation, rate limit, team state, storage, bus, scoring or fan-out queue.
 *
 * Driven by the same load clients in the same run, its ack p99 is what this machine and socket.io
 * alone put under the real figure.
 */

const NAMESPACE = '/exercises';

export interface TriageBaseline {
  readonly baseUrl: string;
  /** One per trainee, team by team; the token names the socket's team. */
  readonly clients: ReadonlyArray<{ readonly token: string; readonly alertIds: readonly string[] }>;
  close(): Promise<void>;
}

interface BaselineTeam {
  readonly teamId: string;
  seq: number;
  readonly alerts: Map<string, AlertState>;
  pending: BaselineItem[];
  timer: NodeJS.Timeout | null;
  lastSentAtMs: number;
}

interface BaselineItem {
  readonly exerciseId: string;
  readonly teamId: string;
  readonly action: Record<string, unknown>;
  alerts: AlertState[];
  readonly incidents: readonly never[];
}

type Payload = { actionId: string; exerciseId: string; type: string; alertId: string; text?: string; severity?: string };

export async function startTriageBaseline(teamCount: number, perTeam: number, alertsPerTeam: number): Promise<TriageBaseline> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false, parser: jsonPacketParser });
  const namespace = io.of(NAMESPACE);
  const exerciseId = randomUUID();
  const teams = Array.from({ length: teamCount }, (): BaselineTeam => ({ teamId: randomUUID(), seq: 0, alerts: new Map(), pending: [], timer: null, lastSentAtMs: Number.NEGATIVE_INFINITY }));
  const started = Date.now();

  const flush = (team: BaselineTeam) => {
    team.timer = null;
    team.lastSentAtMs = Date.now();
    const batch = team.pending;
    team.pending = [];
    // As the gateway: an alert's snapshot goes out once a batch, with its last change.
    const later = new Set<string>();
    for (let i = batch.length - 1; i >= 0; i--) {
      const item = batch[i]!;
      item.alerts = item.alerts.filter((a) => !later.has(a.alertId));
      for (const a of item.alerts) later.add(a.alertId);
    }
    namespace.to(team.teamId).emit('team:actions', batch);
  };

  namespace.on('connection', (socket) => {
    const [t, u] = String((socket.handshake.auth as { token?: unknown }).token).split('.').map(Number);
    const team = teams[t ?? 0]!;
    const userId = `user-${t}-${u}`;
    const username = `bench-${String((t ?? 0) * perTeam + (u ?? 0)).padStart(4, '0')}`;
    void socket.join(team.teamId);
    socket.on('exercise:join', (_payload: unknown, ack: (result: unknown) => void) => ack({ data: { exerciseId, teamIds: [team.teamId] } }));
    socket.on('triage:act', (payload: Payload, ack: (result: unknown) => void) => {
      const seq = ++team.seq;
      const wallMs = Date.now();
      const virtualMs = 30 * 60_000 + (wallMs - started);
      const alert = team.alerts.get(payload.alertId) ?? newAlert(payload.alertId);
      const changed: AlertState =
        payload.type === 'alert.note'
          ? { ...alert, notes: [...alert.notes, { userId, text: payload.text ?? '', virtualMs }] }
          : { ...alert, severity: (payload.severity ?? null) as AlertState['severity'] };
      team.alerts.set(payload.alertId, changed);
      ack({ data: { actionId: payload.actionId, seq, virtualMs, applied: true } });
      team.pending.push({
        exerciseId,
        teamId: team.teamId,
        action: { actionId: payload.actionId, exerciseId, teamId: team.teamId, userId, username, seq, virtualMs, wallMs, action: payload },
        // As the gateway: a note travels in the action itself, other changes with the alert's snapshot.
        alerts: payload.type === 'alert.note' ? [] : [changed],
        incidents: [],
      });
      if (team.timer === null) team.timer = setTimeout(() => flush(team), Math.max(ACTION_BATCH_MS, team.lastSentAtMs + TEAM_ACTIONS_MIN_INTERVAL_MS - wallMs));
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as { port: number };
  const alertIds = Array.from({ length: alertsPerTeam }, (_, i) => `ALR-${String(i + 1).padStart(4, '0')}`);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    clients: Array.from({ length: teamCount * perTeam }, (_, i) => ({ token: `${Math.floor(i / perTeam)}.${i % perTeam}`, alertIds })),
    close: async () => {
      for (const team of teams) if (team.timer !== null) clearTimeout(team.timer);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
