import { io, type Socket } from 'socket.io-client';
import type { ClockStateDto, StreamBatch, StreamEvent } from '@contracts/exercise.schema.js';
import type { ExerciseEndedMessage, JoinResult, TeamActionMessage } from '@contracts/realtime.schema.js';
import type { RecordedAction } from '@contracts/triage.schema.js';
import type { ScoreboardView } from '@contracts/scoring.schema.js';
import { session } from '../api/api-client.js';
import { queryClient, queryKeys } from '../api/queries.js';
import { RefreshThrottle } from './refresh-throttle.js';

/**
 * Derived state (team state, deadlines, the cockpit's progress, the scoreboard) is invalidated at
 * most this often for teammates' actions. Each committed action arrives as its own `team:actions`
 * message and the cockpit sits in every team's room: refetching on each one would be several
 * requests a second per open console, and the cockpit's progress reads every team's events.
 */
const REFRESH_INTERVAL_MS = 1000;

export type ConnectionState = 'idle' | 'connected' | 'reconnecting' | 'offline';

type AckResult<T> = { data: T } | { error: { code: string; message: string } };
type Listener = () => void;

/** Live state of one joined exercise: events per team (deduplicated by seq), the clock, team actions. */
export class ExerciseLive {
  readonly events = new Map<string, StreamEvent[]>();
  private readonly seen = new Map<string, Set<number>>();
  /** Local wall time an event first arrived live (not replayed), for the "new" highlight. */
  readonly arrivedAt = new Map<string, number>();
  clock: ClockStateDto | null = null;
  clockReceivedAt = 0;
  role: JoinResult['role'] | null = null;
  joinError: { code: string; message: string } | null = null;
  actions: RecordedAction[] = [];
  /** Latest scoreboard pushed by the server (`exercise:scores`), as this user may see it. */
  scores: ScoreboardView | null = null;
  /** Set by `exercise:ended` (once at the end, and after the replay when joining an ended exercise). */
  ended: ExerciseEndedMessage | null = null;
  private readonly actionKeys = new Set<string>();
  /**
   * Invalidates the derived queries when team actions arrived (at most once per REFRESH_INTERVAL_MS)
   * or the user's own action was acknowledged (at once). TanStack Query has no pacing of its own for
   * invalidations, and a staleTime would drop the trailing refetch that shows the last of a burst.
   */
  private readonly refresh = new RefreshThrottle(
    REFRESH_INTERVAL_MS,
    () => void queryClient.invalidateQueries({ queryKey: queryKeys.derived(this.exerciseId) }),
  );
  /** Bumps on every (re-)join; a join invalidates every query of the exercise (see RealtimeHub.join). */
  joinTick = 0;
  version = 0;
  private readonly listeners = new Set<Listener>();

  constructor(readonly exerciseId: string) {}

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  notify(): void {
    this.version += 1;
    for (const l of this.listeners) l();
  }

  /** Highest committed action seq received per team, so a rejoin replays only the missed ones. */
  private readonly actionSeqs = new Map<string, number>();

  lastActionSeqs(): Record<string, number> {
    return Object.fromEntries(this.actionSeqs);
  }

  lastSeqs(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [teamId, list] of this.events) out[teamId] = list.length ? list[list.length - 1]!.seq : 0;
    return out;
  }

  addEvents(batch: StreamBatch): void {
    const seen = this.seen.get(batch.teamId) ?? new Set<number>();
    this.seen.set(batch.teamId, seen);
    const list = this.events.get(batch.teamId) ?? [];
    let added = false;
    for (const event of batch.events) {
      if (seen.has(event.seq)) continue;
      seen.add(event.seq);
      list.push(event);
      if (!batch.replay) this.arrivedAt.set(`${batch.teamId}:${event.eventId}`, Date.now());
      added = true;
    }
    if (!added) return;
    list.sort((a, b) => a.seq - b.seq);
    this.events.set(batch.teamId, [...list]);
    this.notify();
    // The cockpit's progress counts deliveries: each new one refetches it.
    void queryClient.invalidateQueries({ queryKey: queryKeys.progress(this.exerciseId) });
  }

  setClock(clock: ClockStateDto): void {
    this.clock = clock;
    this.clockReceivedAt = Date.now();
    this.notify();
  }

  /** The exercise is over: views lock their controls from the clock it carries, without a reload. */
  setEnded(message: ExerciseEndedMessage): void {
    this.ended = message;
    this.setClock(message.clock);
    void queryClient.invalidateQueries({ queryKey: queryKeys.scoreboard(this.exerciseId) });
  }

  /** One `team:actions` message (or a rejoin's replay): the activity list updates at once, derived views at the throttle's pace. */
  addActions(actions: readonly RecordedAction[]): void {
    for (const action of actions) this.actionSeqs.set(action.teamId, Math.max(this.actionSeqs.get(action.teamId) ?? 0, action.seq));
    const fresh = actions.filter((action) => {
      const key = `${action.teamId}:${action.seq}:${action.actionId}`;
      if (this.actionKeys.has(key)) return false;
      this.actionKeys.add(key);
      return true;
    });
    if (fresh.length === 0) return;
    this.actions = [...this.actions, ...fresh].sort((a, b) => a.wallMs - b.wallMs).slice(-500);
    this.notify();
    this.refresh.request();
  }

  setScores(view: ScoreboardView): void {
    this.scores = view;
    this.notify();
    // After the end the pushed board is the final one: the end screen reads it as this user may see it.
    if (this.ended) void queryClient.invalidateQueries({ queryKey: queryKeys.scoreboard(this.exerciseId) });
  }

  /** Our own action was acknowledged over REST: refetch state now, even if no broadcast comes. */
  bumpActions(): void {
    this.refresh.now();
  }

  /** The exercise is no longer watched: no refresh may fire for it. */
  dispose(): void {
    this.refresh.cancel();
  }
}

const AUTH_CODES = new Set(['AUTH_REQUIRED', 'AUTH_TOKEN_EXPIRED', 'AUTH_TOKEN_INVALID', 'AUTH_TOKEN_REVOKED']);

/**
 * One socket.io connection to the exercise namespace for the whole console. socket.io-client
 * reconnects on its own; on every (re)connect each joined exercise is re-joined with the last
 * seq per team, so the server replays exactly what was missed and the store drops repeats.
 */
class RealtimeHub {
  private socket: Socket | null = null;
  state: ConnectionState = 'idle';
  private readonly lives = new Map<string, { live: ExerciseLive; refs: number }>();
  private readonly listeners = new Set<Listener>();
  version = 0;

  constructor() {
    window.addEventListener('offline', () => {
      this.setState('offline');
      this.socket?.disconnect();
    });
    window.addEventListener('online', () => {
      if (this.socket && [...this.lives.values()].some((e) => e.refs > 0)) {
        this.setState('reconnecting');
        this.socket.connect();
      }
    });
  }

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  private setState(state: ConnectionState): void {
    if (this.state === state) return;
    this.state = state;
    this.version += 1;
    for (const l of this.listeners) l();
  }

  private ensureSocket(): Socket {
    if (this.socket) {
      if (!this.socket.connected && !this.socket.active && navigator.onLine) this.socket.connect();
      return this.socket;
    }
    const socket = io('/exercises', {
      transports: ['websocket'],
      // Read at every (re)connection attempt so a refreshed token is used.
      auth: (cb) => cb({ token: session.accessToken ?? '' }),
      reconnection: true,
      reconnectionDelay: 300,
      reconnectionDelayMax: 3000,
      timeout: 5000,
    });
    this.socket = socket;
    this.setState('reconnecting');
    socket.on('connect', () => {
      this.setState('connected');
      for (const { live, refs } of this.lives.values()) if (refs > 0) this.join(live);
    });
    socket.on('disconnect', (reason) => {
      this.setState(navigator.onLine ? 'reconnecting' : 'offline');
      // The server ended the socket (e.g. token expiry): it will not come back by itself.
      if (reason === 'io server disconnect') void this.reauthAndConnect();
    });
    socket.on('connect_error', (error: Error & { data?: { code?: string } }) => {
      this.setState(navigator.onLine ? 'reconnecting' : 'offline');
      const code = error.data?.code ?? error.message;
      if (AUTH_CODES.has(code) || !socket.active) void this.reauthAndConnect();
    });
    socket.on('session:expired', () => void this.reauthAndConnect());
    socket.on('exercise:events', (batch: StreamBatch) => this.lives.get(batch.exerciseId)?.live.addEvents(batch));
    socket.on('exercise:clock', (message: { exerciseId: string; clock: ClockStateDto }) => this.lives.get(message.exerciseId)?.live.setClock(message.clock));
    socket.on('exercise:ended', (message: ExerciseEndedMessage) => this.lives.get(message.exerciseId)?.live.setEnded(message));
    socket.on('exercise:scores', (view: ScoreboardView) => this.lives.get(view.exerciseId)?.live.setScores(view));
    socket.on('team:actions', (messages: TeamActionMessage[]) => {
      const exerciseId = messages[0]?.exerciseId;
      if (exerciseId !== undefined) this.lives.get(exerciseId)?.live.addActions(messages.map((message) => message.action));
    });
    return socket;
  }

  private reauthing = false;
  private async reauthAndConnect(): Promise<void> {
    if (this.reauthing) return;
    this.reauthing = true;
    try {
      await session.refresh();
      if (session.accessToken && this.socket && !this.socket.connected && navigator.onLine) this.socket.connect();
    } finally {
      this.reauthing = false;
    }
  }

  private join(live: ExerciseLive): void {
    const socket = this.socket;
    if (!socket?.connected) return;
    // A rejoin (after a drop) asks for the teammates' actions it missed; the first join reads them over REST.
    const rejoin =
      live.joinTick > 0
        ? { lastActionSeq: { ...Object.fromEntries(Object.keys(live.lastSeqs()).map((teamId) => [teamId, 0])), ...live.lastActionSeqs() } }
        : {};
    socket.emit('exercise:join', { exerciseId: live.exerciseId, lastSeq: live.lastSeqs(), ...rejoin }, (result: AckResult<JoinResult>) => {
      if ('error' in result) {
        live.joinError = result.error;
      } else {
        live.joinError = null;
        live.role = result.data.role;
        live.setClock(result.data.clock);
      }
      live.joinTick += 1;
      live.notify();
      // What was read over REST before this (re-)join may have missed what happened meanwhile.
      void queryClient.invalidateQueries({ queryKey: queryKeys.exercise(live.exerciseId) });
    });
  }

  /** The live store of an exercise (created on first use; kept so a re-join only replays what is missing). */
  get(exerciseId: string): ExerciseLive {
    let entry = this.lives.get(exerciseId);
    if (!entry) {
      entry = { live: new ExerciseLive(exerciseId), refs: 0 };
      this.lives.set(exerciseId, entry);
    }
    return entry.live;
  }

  acquire(exerciseId: string): void {
    const live = this.get(exerciseId);
    const entry = this.lives.get(exerciseId)!;
    entry.refs += 1;
    if (entry.refs === 1) {
      const socket = this.ensureSocket();
      if (socket.connected) this.join(live);
    }
  }

  release(exerciseId: string): void {
    const entry = this.lives.get(exerciseId);
    if (!entry || entry.refs === 0) return;
    entry.refs -= 1;
    if (entry.refs === 0) {
      entry.live.dispose();
      this.socket?.emit('exercise:leave', { exerciseId }, () => undefined);
    }
  }

  shutdown(): void {
    this.socket?.disconnect();
    this.socket = null;
    for (const { live } of this.lives.values()) live.dispose();
    this.lives.clear();
    this.setState('idle');
  }
}

export const realtime = new RealtimeHub();
