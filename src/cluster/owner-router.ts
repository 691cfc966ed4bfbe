import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AppError } from '../common/app-error.js';
import { ErrorCodeSchema } from '../contracts/error-codes.js';
import { ClockLeases } from './clock-leases.js';
import { ClusterNode } from './cluster-node.js';

/** Thrown by the runtime when another node holds the exercise's clock: the request goes there. */
export class NotClockOwnerError extends Error {
  constructor(
    readonly exerciseId: string,
    readonly owner: string,
  ) {
    super(`Exercise ${exerciseId} runs on node ${owner}`);
  }
}

/** The owner is gone (or gave the exercise up) before it answered. */
class OwnerUnreachableError extends Error {
  constructor(readonly sent: boolean) {
    super('The clock owner did not answer');
  }
}

/** Longest a forwarded request waits for the owner (a takeover takes a lease TTL plus a rebuild). */
const ROUTE_DEADLINE_MS = 15_000;
const RETRY_PAUSE_MS = 200;
const OWNER_CHECK_MS = 500;

interface Request {
  readonly id: string;
  readonly replyTo: string;
  readonly method: string;
  readonly exerciseId: string;
  readonly payload: unknown;
}

type Reply =
  | { readonly id: string; readonly ok: true; readonly value: unknown }
  | {
      readonly id: string;
      readonly ok: false;
      readonly code: string;
      readonly message: string;
      readonly details?: ReadonlyArray<{ path: string; message: string }>;
    };

interface Waiting {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Runs a request about a live exercise on the node that owns its clock: locally when that is this
 * node, otherwise forwarded over Redis (request/reply on the owner's own channel) and answered
 * with the owner's result or error. While an exercise changes owner the request waits and tries
 * again; a request that may have been applied already is retried only if `idempotent` (a trainee
 * action is, by its actionId), otherwise the caller gets NOT_READY and decides.
 */
@Injectable()
export class OwnerRouter implements OnModuleInit {
  private readonly logger = new Logger(OwnerRouter.name);
  private readonly handlers = new Map<string, (payload: unknown) => Promise<unknown>>();
  private readonly waiting = new Map<string, Waiting>();

  constructor(
    @Inject(ClusterNode) private readonly node: ClusterNode,
    @Inject(ClockLeases) private readonly leases: ClockLeases,
  ) {}

  async onModuleInit(): Promise<void> {
    const redis = this.node.redis;
    if (!redis) return;
    const requests = this.requestChannel(this.node.id);
    const replies = this.replyChannel(this.node.id);
    redis.subscriber.on('message', (channel: string, raw: string) => {
      if (channel === requests) void this.serve(raw);
      else if (channel === replies) this.settle(raw);
    });
    await redis.subscriber.subscribe(requests, replies);
  }

  /** What this node runs for `method` when another node forwards it (the same code as a local call). */
  handle<P>(method: string, handler: (payload: P) => Promise<unknown>): void {
    this.handlers.set(method, handler as (payload: unknown) => Promise<unknown>);
  }

  async onOwner<T>(exerciseId: string, method: string, payload: unknown, local: () => Promise<T>, options: { idempotent: boolean }): Promise<T> {
    const deadline = Date.now() + ROUTE_DEADLINE_MS;
    for (;;) {
      try {
        return await local();
      } catch (error) {
        if (!(error instanceof NotClockOwnerError)) throw error;
        try {
          return (await this.forward(error.owner, exerciseId, method, payload, deadline)) as T;
        } catch (forwardError) {
          if (!(forwardError instanceof OwnerUnreachableError)) throw forwardError;
          if (forwardError.sent && !options.idempotent) {
            throw new AppError('NOT_READY', 'The server running this exercise stopped while answering; check the exercise and retry if needed');
          }
        }
      }
      if (Date.now() >= deadline) throw new AppError('NOT_READY', 'The exercise is moving to another server; retry in a moment');
      await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    }
  }

  private async forward(owner: string, exerciseId: string, method: string, payload: unknown, deadline: number): Promise<unknown> {
    const redis = this.node.redis!;
    const request: Request = { id: randomUUID(), replyTo: this.node.id, method, exerciseId, payload };
    const reply = new Promise<unknown>((resolve, reject) => this.waiting.set(request.id, { resolve, reject }));
    // Handled (rejections included) below; a rejection before the race is looked at must not go unhandled.
    reply.catch(() => undefined);
    const receivers = await redis.command.publish(this.requestChannel(owner), JSON.stringify(request));
    if (receivers === 0) {
      this.waiting.delete(request.id);
      throw new OwnerUnreachableError(false);
    }
    // The owner may die before it answers: watch its lease instead of waiting out a long timeout.
    let watch: NodeJS.Timeout | undefined;
    const gone = new Promise<never>((_resolve, reject) => {
      const check = () => {
        if (Date.now() >= deadline) return reject(new OwnerUnreachableError(true));
        this.leases.holders([exerciseId]).then(
          ([holder]) => (holder === owner ? (watch = setTimeout(check, OWNER_CHECK_MS)) : reject(new OwnerUnreachableError(true))),
          () => (watch = setTimeout(check, OWNER_CHECK_MS)),
        );
      };
      watch = setTimeout(check, OWNER_CHECK_MS);
    });
    try {
      return await Promise.race([reply, gone]);
    } finally {
      clearTimeout(watch);
      this.waiting.delete(request.id);
    }
  }

  private async serve(raw: string): Promise<void> {
    let request: Request;
    try {
      request = JSON.parse(raw) as Request;
    } catch {
      this.logger.warn('Unreadable forwarded request');
      return;
    }
    let reply: Reply;
    try {
      const handler = this.handlers.get(request.method);
      if (!handler) throw new AppError('ROUTE_NOT_FOUND', `No handler for ${request.method}`);
      reply = { id: request.id, ok: true, value: (await handler(request.payload)) ?? null };
    } catch (error) {
      if (error instanceof NotClockOwnerError) reply = { id: request.id, ok: false, code: 'NOT_CLOCK_OWNER', message: error.message };
      else if (error instanceof AppError)
        reply = { id: request.id, ok: false, code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
      else {
        this.logger.error(`Forwarded ${request.method} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        reply = { id: request.id, ok: false, code: 'INTERNAL_ERROR', message: 'Internal server error' };
      }
    }
    await this.node.redis!.command.publish(this.replyChannel(request.replyTo), JSON.stringify(reply));
  }

  private settle(raw: string): void {
    let reply: Reply;
    try {
      reply = JSON.parse(raw) as Reply;
    } catch {
      return;
    }
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    if (reply.ok) return waiting.resolve(reply.value);
    if (reply.code === 'NOT_CLOCK_OWNER') return waiting.reject(new OwnerUnreachableError(false));
    const code = ErrorCodeSchema.safeParse(reply.code);
    waiting.reject(
      new AppError(
        code.success ? code.data : 'INTERNAL_ERROR',
        reply.message,
        reply.details?.map((d) => ({ ...d })),
      ),
    );
  }

  private requestChannel(nodeId: string): string {
    return `${this.node.redis!.prefix}:rpc:${nodeId}`;
  }

  private replyChannel(nodeId: string): string {
    return `${this.node.redis!.prefix}:reply:${nodeId}`;
  }
}
