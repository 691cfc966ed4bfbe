import { Inject, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type OnGatewayConnection, type OnGatewayInit, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { z } from 'zod';
import { createAdapter } from '@socket.io/redis-adapter';
import { AuthService } from '../auth/auth.service.js';
import { ClusterNode } from '../cluster/cluster-node.js';
import { ExerciseBus, type ExerciseMessage } from '../exercises/exercise-bus.js';
import { AppError } from '../common/app-error.js';
import { logText } from '../common/log-text.js';
import type { ErrorCode } from '../contracts/error-codes.js';
import { type Ack, CLIENT_EVENTS, type ClientEventName, EXERCISE_NAMESPACE, type JoinExercise, type LeaveExercise } from '../contracts/realtime.schema.js';
import { SessionRevocations, type SessionRevocation } from '../identity/session-revocations.js';
import { ExerciseJoins } from './exercise-joins.js';
import { ExercisePublisher } from './exercise-publisher.js';
import type { ExerciseNamespace, ExerciseSocket } from './realtime-sockets.js';

/**
 * Revocations made by this server close sockets at once (SessionRevocations); the sweep is the
 * safety net for changes made behind its back (another process on the same database).
 */
const REVOCATION_SWEEP_MS = 15_000;
const MAX_MESSAGE_BYTES = 256 * 1024;

function errorAck(error: unknown): Ack<never> {
  if (error instanceof AppError) {
    return {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details.map((d) => ({ path: d.path, message: d.message })) } : {}),
      },
    };
  }
  return { error: { code: 'INTERNAL_ERROR', message: 'Internal server error' } };
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
 * The socket.io connections of `/exercises`: authenticates the handshake with the access token,
 * ends sockets whose token expires or whose session is revoked, and answers the two client events
 * (`exercise:join`, `exercise:leave`; the socket is otherwise push-only) through their acks.
 * Joins are ExerciseJoins' job, what the bus publishes is ExercisePublisher's.
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
  private unsubscribe: (() => void) | undefined;
  private sweep: NodeJS.Timeout | undefined;

  @WebSocketServer()
  private server!: ExerciseNamespace;

  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(SessionRevocations) private readonly revocations: SessionRevocations,
    @Inject(ExerciseJoins) private readonly joins: ExerciseJoins,
    @Inject(ExercisePublisher) private readonly publisher: ExercisePublisher,
    @Inject(ClusterNode) private readonly node: ClusterNode,
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
  ) {}

  afterInit(server: ExerciseNamespace): void {
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
    this.joinCluster(server);
    this.publisher.attach(server);
    this.unsubscribe = this.revocations.subscribe((revocation) => this.onRevocation(revocation));
    this.sweep = setInterval(() => void this.sweepRevoked(), REVOCATION_SWEEP_MS);
    this.sweep.unref();
  }

  /**
   * Several nodes: socket.io's Redis adapter joins this node's namespace to the others', and
   * carries what this node's exercises publish to every other node (serverSideEmit, in publish
   * order); each node sends it to its own sockets (ExercisePublisher). A trainee's socket may thus
   * sit on any node behind a plain load balancer.
   */
  private joinCluster(server: ExerciseNamespace): void {
    const clients = this.node.duplicate();
    if (!clients) return;
    server.server.adapter(createAdapter(clients.pub, clients.sub, { key: `${this.node.redis!.prefix}:socket.io` }));
    server.on('bus', (message: ExerciseMessage) => this.bus.receive(message));
    this.bus.setRelay((message) => server.serverSideEmit('bus', message));
  }

  /** Sockets connected to the exercises namespace now (the metrics gauge reads it at each scrape). */
  connectedSockets(): number {
    return this.server?.sockets.size ?? 0;
  }

  onModuleDestroy(): void {
    this.bus.setRelay(null);
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
      this.publisher.disconnected(socket);
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
        throw new AppError(
          'VALIDATION_FAILED',
          'Invalid message',
          parsed.error.issues.slice(0, 20).map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
        );
      }
      // Joins and leaves of one socket run in turn: two joins at once would both replay the stream.
      const run = (socket.data.joinQueue ?? Promise.resolve()).then(() => this.handle(socket, name, parsed.data));
      socket.data.joinQueue = run.catch(() => undefined);
      reply({ data: await run });
    } catch (error) {
      if (!(error instanceof AppError)) this.logger.error(`${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      else if (error.code === 'FORBIDDEN')
        this.logger.warn(`Access refused (FORBIDDEN) to user ${socket.data.user.id} (${logText(socket.data.user.username)}): ${name}`);
      reply(errorAck(error));
    }
  }

  private async handle(socket: ExerciseSocket, name: ClientEventName, data: unknown): Promise<unknown> {
    switch (name) {
      case 'exercise:join':
        return this.joins.join(socket, data as JoinExercise);
      case 'exercise:leave':
        return this.joins.leave(socket, data as LeaveExercise);
      default: {
        const never: never = name;
        throw new AppError('ROUTE_NOT_FOUND', `Unknown event ${String(never)}`);
      }
    }
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
