import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Piscina } from 'piscina';
import { AppError } from '../common/app-error.js';
import { RateLimitedError } from '../common/rate-limited.error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { type HeavyTask, isHeavyJobStarted } from './heavy-job-worker.js';

/** A kind of heavy job a feature runs: its worker file, and how many of them one user may have in flight. */
export interface HeavyJobKind {
  readonly name: string;
  /** The feature's worker file, whose default export is a `heavyJobHandler` (see workerEntry). */
  readonly entry: URL;
  /** One more in flight is refused with RATE_LIMITED. */
  readonly perUser: number;
  /** With this many in flight from all users together, one more is refused with RATE_LIMITED (default: no bound but the pool's queue). */
  readonly total?: number;
  /** What the user asked for, for messages: "scenario check". */
  readonly label: string;
}

/** A worker file beside `moduleUrl` (pass import.meta.url): `.js` when built, `.ts` when the sources run directly (tests). */
export function workerEntry(moduleUrl: string, name: string): URL {
  return new URL(`./${name}${extname(fileURLToPath(moduleUrl))}`, moduleUrl);
}

/** Retry-After of a refused heavy operation: a validation takes seconds. */
const RETRY_AFTER_SECONDS = 5;
/** A worker idle this long ends; the next job starts a new one. */
const IDLE_WORKER_MS = 5 * 60_000;
/** Worker threads yield the cores to the server's event loop whenever it wants them. */
const WORKER_NICE_INCREMENT = 10;

/** The job ran past HEAVY_JOB_TIMEOUT_MS or needed more than HEAVY_JOB_MEMORY_MB; its worker was stopped. */
type Stopped = 'timeout' | 'memory';

/**
 * Runs the requests that can take seconds of CPU (a feature's parsing, checking, simulating) in a
 * piscina pool of worker threads, so the event loop (every running exercise's clock and sockets)
 * never waits for them. A job past HEAVY_JOB_TIMEOUT_MS (counted from when a worker starts it) or
 * HEAVY_JOB_MEMORY_MB ends with JOB_TIMEOUT or SCENARIO_TOO_COMPLEX and its worker is replaced.
 * Generic: each feature owns its worker file and passes its HeavyJobKind.
 */
@Injectable()
export class HeavyJobsService implements OnModuleDestroy {
  private readonly logger = new Logger(HeavyJobsService.name);
  private readonly pool: Piscina<HeavyTask<unknown>, unknown>;
  /** Jobs in flight (running or queued) by user and kind. */
  private readonly inFlight = new Map<string, Map<string, number>>();
  /** Arms a task's time limit once its worker reports that it started it. */
  private readonly onStarted = new Map<number, () => void>();
  private nextTaskId = 0;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const fromSources = extname(fileURLToPath(import.meta.url)) === '.ts';
    this.pool = new Piscina({
      minThreads: 0,
      maxThreads: config.HEAVY_JOB_WORKERS,
      idleTimeout: IDLE_WORKER_MS,
      niceIncrement: WORKER_NICE_INCREMENT,
      resourceLimits: {
        maxOldGenerationSizeMb: config.HEAVY_JOB_MEMORY_MB,
        maxYoungGenerationSizeMb: Math.min(32, Math.max(4, Math.floor(config.HEAVY_JOB_MEMORY_MB / 8))),
      },
      // The TypeScript sources run directly (jest): the workers load them through tsx, a development
      // dependency. A build runs the compiled `.js` entries with the server's own node options.
      ...(fromSources ? { execArgv: ['--require', 'tsx/cjs'] } : {}),
    });
    this.pool.on('message', (message: unknown) => {
      if (isHeavyJobStarted(message)) this.onStarted.get(message.heavyJobStarted)?.();
    });
    // A worker that fails outside any task (e.g. while starting) must not take the server down.
    this.pool.on('error', (error: unknown) => this.logger.error(`A heavy-job worker failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Runs `makeJob()`'s job in a worker for `userId`; `makeJob` reads what the job needs only once the user's limit let it through. */
  run<Job, Result>(userId: string, kind: HeavyJobKind, makeJob: () => Job | Promise<Job>): Promise<Result> {
    return this.withinLimits(userId, kind, async () => this.runJob<Job, Result>(userId, kind, await makeJob()));
  }

  /**
   * Runs `work` in one of the user's slots of `kind`: past `kind.perUser` (or `kind.total` for all
   * users) in flight, it is refused with RATE_LIMITED and Retry-After. For heavy operations that
   * run their CPU-bound parts through `runJob` or outside the server process (a browser printing).
   */
  async withinLimits<T>(userId: string, kind: HeavyJobKind, work: () => Promise<T>): Promise<T> {
    const counts = this.inFlight.get(userId) ?? new Map<string, number>();
    if ((counts.get(kind.name) ?? 0) >= kind.perUser) throw new RateLimitedError(RETRY_AFTER_SECONDS);
    if (kind.total !== undefined && this.totalInFlight(kind.name) >= kind.total) throw new RateLimitedError(RETRY_AFTER_SECONDS);
    counts.set(kind.name, (counts.get(kind.name) ?? 0) + 1);
    this.inFlight.set(userId, counts);
    try {
      return await work();
    } finally {
      const left = (counts.get(kind.name) ?? 1) - 1;
      if (left > 0) counts.set(kind.name, left);
      else counts.delete(kind.name);
      if (counts.size === 0) this.inFlight.delete(userId);
    }
  }

  /**
   * Runs one job in a worker within the time and memory limits, without taking a slot: the caller
   * holds one (`withinLimits`). `userId` names whose job it was in the log.
   */
  async runJob<Job, Result>(userId: string, kind: HeavyJobKind, job: Job, signal?: AbortSignal): Promise<Result> {
    try {
      return (await this.execute(kind, job, signal)) as Result;
    } catch (error) {
      const stopped = stoppedBy(error);
      if (stopped === 'timeout') throw this.timedOut(userId, kind);
      if (stopped === 'memory') {
        this.logger.warn(`A ${kind.name} job of user ${userId} was stopped: it ran out of its ${this.config.HEAVY_JOB_MEMORY_MB} MB`);
        throw new AppError('SCENARIO_TOO_COMPLEX', `The ${kind.label} needed more than ${this.config.HEAVY_JOB_MEMORY_MB} MB and was stopped`);
      }
      this.logger.error(`A ${kind.name} job of user ${userId} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    }
  }

  /**
   * Runs `work` (which runs outside the server's heap, e.g. in a browser) within HEAVY_JOB_TIMEOUT_MS:
   * past it, `signal` aborts (the work must stop what it started) and the call ends with JOB_TIMEOUT.
   */
  async withinTime<T>(userId: string, kind: HeavyJobKind, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        abort.abort(TIMED_OUT);
        reject(this.timedOut(userId, kind));
      }, this.config.HEAVY_JOB_TIMEOUT_MS);
    });
    const running = work(abort.signal);
    // What the work answers after its time is up is dropped.
    running.catch(() => undefined);
    try {
      return await Promise.race([running, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** How many jobs of `kind` a user has in flight (running or waiting for a worker). */
  inFlightOf(userId: string, kind: string): number {
    return this.inFlight.get(userId)?.get(kind) ?? 0;
  }

  private totalInFlight(kind: string): number {
    let total = 0;
    for (const counts of this.inFlight.values()) total += counts.get(kind) ?? 0;
    return total;
  }

  private timedOut(userId: string, kind: HeavyJobKind): AppError {
    this.logger.warn(`A ${kind.name} job of user ${userId} was stopped after ${this.config.HEAVY_JOB_TIMEOUT_MS} ms`);
    return new AppError('JOB_TIMEOUT', `The ${kind.label} took longer than ${this.config.HEAVY_JOB_TIMEOUT_MS} ms and was stopped`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.destroy();
  }

  private async execute(kind: HeavyJobKind, job: unknown, signal?: AbortSignal): Promise<unknown> {
    const id = ++this.nextTaskId;
    const abort = new AbortController();
    // The caller's deadline (withinTime) stops the job too.
    if (signal?.aborted) abort.abort(TIMED_OUT);
    else signal?.addEventListener('abort', () => abort.abort(TIMED_OUT), { once: true });
    let timer: NodeJS.Timeout | undefined;
    // piscina ends the worker of an aborted task and starts a new one for the next.
    this.onStarted.set(id, () => {
      timer = setTimeout(() => abort.abort(TIMED_OUT), this.config.HEAVY_JOB_TIMEOUT_MS);
    });
    try {
      return await this.pool.run({ id, job }, { filename: kind.entry.href, signal: abort.signal });
    } catch (error) {
      throw abort.signal.aborted ? TIMED_OUT : error;
    } finally {
      clearTimeout(timer);
      this.onStarted.delete(id);
    }
  }
}

const TIMED_OUT = new Error('the job ran past its time limit');

function stoppedBy(error: unknown): Stopped | null {
  if (error === TIMED_OUT) return 'timeout';
  if (typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY') return 'memory';
  return null;
}
