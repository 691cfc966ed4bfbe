import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import type { z } from 'zod';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AuthService } from '../auth/auth.service.js';
import { AppError } from '../common/app-error.js';
import type { ErrorCode } from '../contracts/error-codes.js';
import type { ClockStateDto, StreamBatch } from '../contracts/exercise.schema.js';
import {
  type Ack,
  CLIENT_EVENTS,
  type ClientEventName,
  type ClientToServerEvents,
  EXERCISE_NAMESPACE,
  type ExerciseEndedMessage,
  type JoinExercise,
  type JoinResult,
  type ServerToClientEvents,
  type TeamActionMessage,
} from '../contracts/realtime.schema.js';
import { AlertRefService } from '../exercises/alert-ref.service.js';
import type { AlertRefNamer, OutgoingStreamEvent } from '../exercises/alert-refs.js';
import type { LoggedEvent } from '../exercises/exercise-views.js';
import { ExerciseBus, type ExerciseMessage } from '../exercises/exercise-bus.js';
import { ExerciseRuntime } from '../exercises/exercise-runtime.service.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import type { RecordedAction } from '../contracts/triage.schema.js';
import { TriageService } from '../triage/triage.service.js';
import { alertStateWithRefs, incidentStateWithRefs, recordedActionWithRefs } from '../triage/alert-ref-translation.js';
import { SessionRevocations, type SessionRevocation } from '../identity/session-revocations.js';

interface SocketData {
  user: AuthenticatedUser;
  token: string;
  expiresAtMs: number;
  /** The token's `ver` claim: the revocation sweep compares it with the user's current version. */
  tokenVersion: number;
  expiryTimer?: NodeJS.Timeout;
  /** Joins and leaves of this socket run one after the other (see dispatch()). */
  joinQueue?: Promise<unknown>;
  /**
   * Exercises this socket is joining: an end that happens meanwhile is kept here and sent after
   * the replay, by the join (null: nothing kept).
   */
  joining?: Map<string, ExerciseEndedMessage | null>;
  /** Exercises whose `exercise:ended` this socket has had (once per join). */
  endedSent?: Set<string>;
}

type ExerciseSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** A socket catching up on a team's stream: live events (and actions) are buffered until its replay is sent. */
interface PendingSubscription {
  readonly socket: ExerciseSocket;
  readonly buffer: LoggedEvent[];
  /** Committed actions published during the replay; null when the join replays no actions. */
  readonly actions: Array<Extract<ExerciseMessage, { type: 'action' }>> | null;
}

type ActionMessage = Extract<ExerciseMessage, { type: 'action' }>;

const REPLAY_PAGE = 1000;
/**
 * Revocations made by this server close sockets at once (SessionRevocations); the sweep is the
 * safety net for changes made behind its back (another process on the same database).
 */
const REVOCATION_SWEEP_MS = 15_000;
const MAX_MESSAGE_BYTES = 256 * 1024;

const teamRoom = (teamId: string) => `team:${teamId}`;
const exerciseRoom = (exerciseId: string) => `exercise:${exerciseId}`;
/** The exercise's instructors (they also sit in every team room): live scoreboard. */
const instructorRoom = (exerciseId: string) => `instructors:${exerciseId}`;

function errorAck(error: unknown): Ack<never> {
  if (error instanceof AppError) {
    return { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details.map((d) => ({ path: d.path, message: d.message })) } : {}) } };
  }
  return { error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } };
}

/**
 * A batch as clients receive it. The realtime contract still types events with `origin`; what is
 * sent deliberately lacks it (it names the verdict), hence the one cast here.
 */
function streamBatch(exerciseId: string, teamId: string, events: OutgoingStreamEvent[], replay: boolean): StreamBatch {
  return { exerciseId, teamId, events, replay };
}

/** Claims of a token that has just been verified (so its payload is well-formed JSON). */
function tokenClaims(token: string): { expiresAtMs: number; tokenVersion: number } {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown; ver?: unknown };
    return { expiresAtMs: typeof payload.exp === 'number' ? payload.exp * 1000 : Date.now(), tokenVersion: typeof payload.ver === 'number' ? payload.ver : -1 };
  } catch {
    return { expiresAtMs: Date.now(), tokenVersion: -1 };
  }
}

/**
 * The only place that touches socket.io. Authenticates the handshake with the access token,
 * decides server-side which team streams a socket may join, replays the log after the client's
 * last sequence number and then streams live — in order, without gap or duplicate.
 */
@WebSocketGateway({
  namespace: EXERCISE_NAMESPACE,
  transports: ['websocket'],
  perMessageDeflate: false,
  maxHttpBufferSize: MAX_MESSAGE_BYTES,
  serveClient: false,
  cors: false,
})
export class ExercisesGateway implements OnGatewayInit, OnGatewayConnection, OnModuleDestroy {
  private readonly logger = new Logger(ExercisesGateway.name);
  private readonly pending = new Map<string, Set<PendingSubscription>>();
  private unsubscribe: (() => void) | undefined;
  private sweep: NodeJS.Timeout | undefined;
  /**
   * Per team: sockets that replayed the team's actions when they joined, with the last seq they got.
   * An action is published after its commit, so the replay (read from the log) may have sent it
   * already: it is not sent again.
   */
  private readonly actionsReplayedTo = new Map<string, Map<string, number>>();

  @WebSocketServer()
  private server!: Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SessionRevocations) private readonly revocations: SessionRevocations,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
    @Inject(TriageService) private readonly triage: TriageService,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
  ) {}

  afterInit(server: Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>): void {
    server.use((socket, next) => {
      const auth = socket.handshake.auth as { token?: unknown } | undefined;
      const header = socket.handshake.headers.authorization;
      const token = typeof auth?.token === 'string' ? auth.token : typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
      if (!token) {
        next(Object.assign(new Error('AUTH_REQUIRED'), { data: { code: 'AUTH_REQUIRED', message: 'Authentication required' } }));
        return;
      }
      this.auth.verifyAccessToken(token).then(
        (user) => {
          const claims = tokenClaims(token);
          socket.data.user = user;
          socket.data.token = token;
          socket.data.expiresAtMs = claims.expiresAtMs;
          socket.data.tokenVersion = claims.tokenVersion;
          next();
        },
        (error: unknown) => {
          const code: ErrorCode = error instanceof AppError ? error.code : 'AUTH_TOKEN_INVALID';
          next(Object.assign(new Error(code), { data: { code, message: error instanceof Error ? error.message : 'Invalid token' } }));
        },
      );
    });
    const unsubscribeBus = this.bus.subscribe((message) => this.onBusMessage(message));
    const unsubscribeRevocations = this.revocations.subscribe((revocation) => this.onRevocation(revocation));
    this.unsubscribe = () => {
      unsubscribeBus();
      unsubscribeRevocations();
    };
    this.sweep = setInterval(() => void this.sweepRevoked(), REVOCATION_SWEEP_MS);
    this.sweep.unref();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    if (this.sweep) clearInterval(this.sweep);
    for (const socket of this.server?.sockets.values() ?? []) {
      if (socket.data.expiryTimer) clearTimeout(socket.data.expiryTimer);
      socket.disconnect(true);
    }
  }

  handleConnection(socket: ExerciseSocket): void {
    const delay = Math.max(0, socket.data.expiresAtMs - Date.now());
    socket.data.expiryTimer = setTimeout(() => this.expel(socket, 'AUTH_TOKEN_EXPIRED', 'Access token expired'), Math.min(delay, 2 ** 31 - 1));
    socket.on('disconnect', () => {
      if (socket.data.expiryTimer) clearTimeout(socket.data.expiryTimer);
      for (const subs of this.pending.values()) for (const sub of subs) if (sub.socket === socket) subs.delete(sub);
      for (const [teamId, sockets] of this.actionsReplayedTo) {
        sockets.delete(socket.id);
        if (sockets.size === 0) this.actionsReplayedTo.delete(teamId);
      }
    });
    for (const name of Object.keys(CLIENT_EVENTS) as ClientEventName[]) {
      socket.on(name, (payload: unknown, ack?: unknown) => void this.dispatch(socket, name, payload, ack));
    }
    socket.onAny((event: string, ...args: unknown[]) => {
      if (Object.hasOwn(CLIENT_EVENTS, event)) return;
      const ack = args[args.length - 1];
      if (typeof ack === 'function') (ack as (reply: unknown) => void)({ error: { code: 'ROUTE_NOT_FOUND', message: `Unknown event "${event}"` } });
    });
  }

  /** Validates, authorizes (deny by default) and runs one client event; always answers through the ack. */
  private async dispatch(socket: ExerciseSocket, name: ClientEventName, payload: unknown, ack: unknown): Promise<void> {
    const reply = typeof ack === 'function' ? (ack as (result: unknown) => void) : () => undefined;
    try {
      // Revocations close the socket when they happen (onRevocation, sweepRevoked); expiry is
      // checked here as well as by the timer, which may run late on a busy loop.
      if (Date.now() >= socket.data.expiresAtMs) {
        this.expel(socket, 'AUTH_TOKEN_EXPIRED', 'Access token expired');
        throw new AppError('AUTH_TOKEN_EXPIRED', 'Access token expired; refresh it');
      }
      const user = socket.data.user;
      const spec = CLIENT_EVENTS[name];
      if (spec.access !== 'authenticated' && !spec.access.some((role) => user.roles.includes(role))) {
        throw new AppError('FORBIDDEN', 'Your roles do not allow this');
      }
      const parsed = (spec.schema as z.ZodType).safeParse(payload);
      if (!parsed.success) {
        throw new AppError('VALIDATION_FAILED', 'Invalid message', parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
      }
      // Joins and leaves of one socket run in turn: two joins at once would both replay the stream.
      const run = (socket.data.joinQueue ?? Promise.resolve()).then(() => this.handle(socket, name, parsed.data));
      socket.data.joinQueue = run.catch(() => undefined);
      reply({ data: await run });
    } catch (error) {
      if (!(error instanceof AppError)) this.logger.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      reply(errorAck(error));
    }
  }

  private async handle(socket: ExerciseSocket, name: ClientEventName, data: unknown): Promise<unknown> {
    const user = socket.data.user;
    switch (name) {
      case 'exercise:join':
        return this.join(socket, data as JoinExercise);
      case 'exercise:leave': {
        const { exerciseId } = data as { exerciseId: string };
        const access = await this.exercises.access(user, exerciseId);
        await socket.leave(exerciseRoom(exerciseId));
        await socket.leave(instructorRoom(exerciseId));
        for (const teamId of access.teamIds) {
          await socket.leave(teamRoom(teamId));
          this.actionsReplayedTo.get(teamId)?.delete(socket.id);
        }
        socket.data.endedSent?.delete(exerciseId);
        return { left: true };
      }
      default: {
        const never: never = name;
        throw new AppError('ROUTE_NOT_FOUND', `Unknown event ${String(never)}`);
      }
    }
  }

  /**
   * Joins the exercise: the server decides which team streams (own team for a trainee, every team
   * for the exercise's instructors), sends everything after the client's last seq (events, and with
   * `lastActionSeq` the team's committed actions), then goes live. A team stream the socket is in
   * already replays nothing; joins of one socket run in turn (see dispatch()), so two joins at once
   * never replay twice. Replayed `team:actions` all arrive before the ack, before any live ones.
   */
  private async join(socket: ExerciseSocket, input: JoinExercise): Promise<JoinResult> {
    const user = socket.data.user;
    const access = await this.exercises.access(user, input.exerciseId);
    if (!access.canControl && !access.teamId) throw new AppError('NOT_TEAM_MEMBER', 'Only the exercise\'s teams and instructors can join its stream');
    const teams = access.canControl ? access.teamIds : [access.teamId!];
    const lastSeqOf = (teamId: string) => (typeof input.lastSeq === 'number' ? input.lastSeq : (input.lastSeq[teamId] ?? 0));
    const lastActionSeq = input.lastActionSeq;
    const lastActionSeqOf = (teamId: string): number | null =>
      lastActionSeq === undefined ? null : typeof lastActionSeq === 'number' ? lastActionSeq : (lastActionSeq[teamId] ?? 0);
    const namer = await this.alertRefs.namer(input.exerciseId);
    const joining = (socket.data.joining ??= new Map<string, ExerciseEndedMessage | null>());
    joining.set(input.exerciseId, null);
    try {
      await socket.join(exerciseRoom(input.exerciseId));
      if (access.canControl) await socket.join(instructorRoom(input.exerciseId));
      const replayed: JoinResult['teams'] = [];
      for (const teamId of teams) {
        const from = lastSeqOf(teamId);
        if (socket.rooms.has(teamRoom(teamId))) {
          replayed.push({ teamId, replayedFromSeq: from, replayedToSeq: from });
          continue;
        }
        const fromAction = lastActionSeqOf(teamId);
        const sub: PendingSubscription = { socket, buffer: [], actions: fromAction === null ? null : [] };
        let subs = this.pending.get(teamId);
        if (!subs) this.pending.set(teamId, (subs = new Set()));
        subs.add(sub);
        let lastSent = from;
        let lastActionSent = fromAction ?? 0;
        try {
          for (;;) {
            const page = await this.runtime.eventsAfter(input.exerciseId, teamId, lastSent, REPLAY_PAGE);
            if (page.length === 0) break;
            socket.emit('exercise:events', streamBatch(input.exerciseId, teamId, page.map((e) => namer.outgoingEvent(e)), true));
            lastSent = page[page.length - 1]!.seq;
            if (page.length < REPLAY_PAGE) break;
          }
          // The team's committed actions after the client's last one, from the log, in seq order.
          while (fromAction !== null) {
            const page = (await this.triage.actions(user, input.exerciseId, teamId, lastActionSent, REPLAY_PAGE)).actions;
            if (page.length === 0) break;
            socket.emit('team:actions', page.map((action) => replayedAction(input.exerciseId, teamId, action)));
            lastActionSent = page[page.length - 1]!.seq;
            if (page.length < REPLAY_PAGE) break;
          }
        } finally {
          subs.delete(sub);
        }
        // From here to join() nothing awaits, so no live batch can slip between buffer and room.
        const missed = sub.buffer.filter((e) => e.seq > lastSent);
        if (missed.length > 0) {
          socket.emit('exercise:events', streamBatch(input.exerciseId, teamId, missed.map((e) => namer.outgoingEvent(e)), false));
          lastSent = missed[missed.length - 1]!.seq;
        }
        const missedActions = sub.actions?.filter((m) => m.action.seq > lastActionSent) ?? [];
        if (missedActions.length > 0) {
          socket.emit('team:actions', teamActionsPayload(missedActions, namer));
          lastActionSent = missedActions[missedActions.length - 1]!.action.seq;
        }
        if (socket.connected) {
          if (fromAction !== null) {
            let replayedTo = this.actionsReplayedTo.get(teamId);
            if (!replayedTo) this.actionsReplayedTo.set(teamId, (replayedTo = new Map<string, number>()));
            replayedTo.set(socket.id, lastActionSent);
          }
          void socket.join(teamRoom(teamId));
        }
        replayed.push({ teamId, replayedFromSeq: from, replayedToSeq: lastSent });
      }
      // Read again: the exercise may have ended during the replay. Not exercises.view(): that loads
      // the whole roster, and a reconnect storm joins thousands at once.
      const exercise = await this.exercises.reload(access.exercise);
      const clock = await this.exercises.clockOf(exercise);
      const ended = joining.get(input.exerciseId) ?? endedMessage(input.exerciseId, exercise.status, clock);
      joining.delete(input.exerciseId);
      if (ended) this.emitEnded(socket, ended);
      return { exerciseId: input.exerciseId, clock, teams: replayed, role: access.canControl ? 'instructor' : 'trainee' };
    } finally {
      joining.delete(input.exerciseId);
    }
  }

  private onBusMessage(message: ExerciseMessage): void {
    if (!this.server) return;
    switch (message.type) {
      case 'events': {
        for (const sub of this.pending.get(message.teamId) ?? []) sub.buffer.push(...message.events);
        this.withNamer(message.exerciseId, (namer) =>
          this.broadcast(teamRoom(message.teamId), 'exercise:events', () => streamBatch(message.exerciseId, message.teamId, message.events.map((e) => namer.outgoingEvent(e)), false)),
        );
        return;
      }
      case 'clock': {
        this.broadcast(exerciseRoom(message.exerciseId), 'exercise:clock', () => ({ exerciseId: message.exerciseId, clock: message.clock }));
        const ended = endedMessage(message.exerciseId, message.clock.status, message.clock);
        if (ended) this.broadcastEnded(ended);
        return;
      }
      case 'scores':
        this.broadcast(instructorRoom(message.exerciseId), 'exercise:scores', () => message.instructor);
        // Instructors sit in every team room too: they get the instructor view only.
        for (const team of message.teams) this.broadcast(teamRoom(team.teamId), 'exercise:scores', () => team.view, instructorRoom(message.exerciseId));
        return;
      case 'action':
        for (const sub of this.pending.get(message.teamId) ?? []) sub.actions?.push(message);
        this.sendTeamActions(message.exerciseId, message.teamId, [message]);
        return;
      default: {
        const never: never = message;
        this.logger.warn(`Unknown bus message ${JSON.stringify(never)}`);
      }
    }
  }

  /** Sends committed actions to the team's room as they are published: teammates and the cockpit. */
  private sendTeamActions(exerciseId: string, teamId: string, messages: readonly ActionMessage[]): void {
    // The team room holds the team's trainees and the exercise's instructors (see join()).
    this.withNamer(exerciseId, (namer) => {
      const room = teamRoom(teamId);
      const replayedTo = this.actionsReplayedTo.get(teamId);
      if (replayedTo === undefined) {
        this.broadcast(room, 'team:actions', () => teamActionsPayload(messages, namer));
        return;
      }
      // Sockets that replayed the team's actions on joining get only the actions they have not had.
      const lastSeq = messages[messages.length - 1]!.action.seq;
      const apart = new Set(replayedTo.keys());
      for (const [socketId, sentSeq] of replayedTo) {
        // Later messages hold later actions only: past this one, the socket is like any other.
        if (sentSeq < lastSeq) replayedTo.delete(socketId);
        const rest = messages.filter((m) => m.action.seq > sentSeq);
        if (rest.length > 0) this.broadcastTo([socketId], 'team:actions', () => teamActionsPayload(rest, namer));
      }
      if (replayedTo.size === 0) this.actionsReplayedTo.delete(teamId);
      this.broadcast(room, 'team:actions', () => teamActionsPayload(messages, namer), apart);
    });
  }

  /**
   * The exercise has ended: every socket that joined it gets `exercise:ended` once, after the
   * events and actions published before it (a socket still replaying gets it from its join, after the replay).
   */
  private broadcastEnded(message: ExerciseEndedMessage): void {
    const members = this.server.adapter.rooms.get(exerciseRoom(message.exerciseId));
    if (members === undefined || members.size === 0) return;
    for (const id of [...members]) {
      const socket = this.server.sockets.get(id);
      if (socket) this.emitEnded(socket, message);
    }
  }

  private emitEnded(socket: ExerciseSocket, message: ExerciseEndedMessage): void {
    const joining = socket.data.joining;
    if (joining?.has(message.exerciseId)) {
      joining.set(message.exerciseId, message);
      return;
    }
    if (!socket.connected || !socket.rooms.has(exerciseRoom(message.exerciseId))) return;
    const sent = (socket.data.endedSent ??= new Set());
    if (sent.has(message.exerciseId)) return;
    sent.add(message.exerciseId);
    socket.emit('exercise:ended', message);
  }

  /**
   * Sends `event` to the sockets in `room` (less those in `except`: a room, or socket ids) at once.
   * A socket still replaying is not in the room yet: its join sends what it buffered.
   */
  private broadcast<E extends keyof ServerToClientEvents>(
    room: string,
    event: E,
    payload: () => Parameters<ServerToClientEvents[E]>[0],
    except?: string | ReadonlySet<string>,
  ): void {
    const members = this.server.adapter.rooms.get(room);
    if (members === undefined || members.size === 0) return;
    const target = except === undefined ? this.server.to(room) : this.server.to(room).except(typeof except === 'string' ? except : [...except]);
    emitTo(target, event, payload());
  }

  /** broadcast() to these sockets (by id) only. */
  private broadcastTo<E extends keyof ServerToClientEvents>(ids: string[], event: E, payload: () => Parameters<ServerToClientEvents[E]>[0]): void {
    emitTo(this.server.to(ids), event, payload());
  }

  /**
   * Runs `send` with the exercise's alert namer. The runtime primes it when it loads an exercise,
   * so a live message finds it at once and keeps its order; the fallback only covers an evicted entry.
   */
  private withNamer(exerciseId: string, send: (namer: AlertRefNamer) => void): void {
    const namer = this.alertRefs.cached(exerciseId);
    if (namer) {
      send(namer);
      return;
    }
    this.alertRefs.namer(exerciseId).then(send, (error: unknown) => {
      this.logger.error(`Exercise ${exerciseId}: cannot name alerts, message dropped: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  private expel(socket: ExerciseSocket, code: ErrorCode, message: string): void {
    if (!socket.connected) return;
    socket.emit('session:expired', { code, message });
    socket.disconnect(true);
  }

  /** Logout, password change, changed roles or a disabled account end live sockets too, not only new requests. */
  private onRevocation(revocation: SessionRevocation): void {
    for (const socket of this.server?.sockets.values() ?? []) {
      const user = socket.data.user;
      if (user.id === revocation.userId && (revocation.sessionId === undefined || revocation.sessionId === user.sessionId)) {
        this.expel(socket, revocation.code, revocation.reason);
      }
    }
  }

  /** One bulk check of every connected socket's token, for revocations this process did not see. */
  private async sweepRevoked(): Promise<void> {
    const sockets = [...(this.server?.sockets.values() ?? [])];
    if (sockets.length === 0) return;
    try {
      const revoked = await this.auth.revokedAmong(
        sockets.map((socket) => ({ userId: socket.data.user.id, sessionId: socket.data.user.sessionId, tokenVersion: socket.data.tokenVersion })),
      );
      for (const index of revoked) this.expel(sockets[index]!, 'AUTH_TOKEN_REVOKED', 'Session ended');
    } catch (error) {
      this.logger.error(`Revocation sweep failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** socket.io's emit() does not narrow a generic event name to its parameters: the one cast. */
function emitTo<E extends keyof ServerToClientEvents>(target: { emit: unknown }, event: E, payload: Parameters<ServerToClientEvents[E]>[0]): void {
  (target as { emit(event: E, payload: Parameters<ServerToClientEvents[E]>[0]): boolean }).emit(event, payload);
}

/**
 * Actions as clients receive them, in commit order. A snapshot a later message of the batch
 * replaces would be sent for nothing (and an alert's snapshot carries all its notes): each entity
 * goes out once, with its last change.
 */
function teamActionsPayload(messages: readonly ActionMessage[], namer: AlertRefNamer): TeamActionMessage[] {
  const refOf = (id: string) => namer.refOf(id);
  const laterAlerts = new Set<string>();
  const laterIncidents = new Set<string>();
  const out: TeamActionMessage[] = new Array<TeamActionMessage>(messages.length);
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    const alerts = message.alerts.filter((a) => !laterAlerts.has(a.alertId));
    const incidents = message.incidents.filter((x) => !laterIncidents.has(x.id));
    for (const a of alerts) laterAlerts.add(a.alertId);
    for (const x of incidents) laterIncidents.add(x.id);
    out[i] = {
      exerciseId: message.exerciseId,
      teamId: message.teamId,
      action: recordedActionWithRefs(message.action, refOf),
      alerts: alerts.map((a) => alertStateWithRefs(a, refOf)),
      incidents: incidents.map((x) => incidentStateWithRefs(x, refOf)),
    };
  }
  return out;
}

/**
 * A committed action replayed from the log (already named by references). It carries no alert or
 * incident snapshot: the team's state as it is now is one read of GET …/state away.
 */
function replayedAction(exerciseId: string, teamId: string, action: RecordedAction): TeamActionMessage {
  return { exerciseId, teamId, action, alerts: [], incidents: [] };
}

/** The end event of an exercise that is over (null while it is not). */
function endedMessage(exerciseId: string, status: ClockStateDto['status'], clock: ClockStateDto): ExerciseEndedMessage | null {
  if (status !== 'finished' && status !== 'aborted') return null;
  return { exerciseId, reason: clock.endReason ?? (status === 'aborted' ? 'aborted' : 'finished'), virtualMs: clock.virtualMs, clock };
}
