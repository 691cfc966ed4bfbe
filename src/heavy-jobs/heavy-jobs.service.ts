import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { AppError } from '../common/app-error.js';
import { RateLimitedError } from '../common/rate-limited.error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ScenarioUpload } from '../scenarios/scenario-upload.js';
import type { HeavyJob, ParseJob, SimulateJob, SimulateOutcome } from './heavy-job.js';
import { JobFailedError, JobMemoryError, JobTimeoutError, ThreadJobPool, type JobPool } from './worker-pool.js';

/** Heavy operations a user may have in flight at once; one more is refused with RATE_LIMITED. */
export const HEAVY_JOBS_PER_USER = { simulate: 1, parse: 2 } as const satisfies Record<HeavyJob['kind'], number>;
/** Retry-After of a refused heavy operation: a validation takes seconds. */
const RETRY_AFTER_SECONDS = 5;

/** The worker entry beside this module: `.js` when built, `.ts` when the sources run directly (tests). */
export function heavyJobEntry(): URL {
  return new URL(`./heavy-job.worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url);
}

/**
 * Runs the requests that can take seconds of CPU — parsing uploaded scenario files and simulating
 * scenarios — in worker threads, so the event loop (every running exercise's clock and sockets)
 * never waits for them. A job past HEAVY_JOB_TIMEOUT_MS or HEAVY_JOB_MEMORY_MB ends with
 * JOB_TIMEOUT or SCENARIO_TOO_COMPLEX and its worker is replaced.
 */
@Injectable()
export class HeavyJobsService implements OnModuleDestroy {
  private readonly logger = new Logger(HeavyJobsService.name);
  private readonly pool: JobPool<HeavyJob, unknown>;
  /** Jobs in flight by user and kind. */
  private readonly inFlight = new Map<string, Record<HeavyJob['kind'], number>>();

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.pool = new ThreadJobPool({ entry: heavyJobEntry(), size: config.HEAVY_JOB_WORKERS, timeoutMs: config.HEAVY_JOB_TIMEOUT_MS, memoryMb: config.HEAVY_JOB_MEMORY_MB });
  }

  /** Parses a scenario file in a worker; problems come back in the result, limits as AppErrors. */
  parse(userId: string, job: Omit<ParseJob, 'kind' | 'maxBytes'>): Promise<ScenarioUpload> {
    return this.run(userId, 'parse', () => ({ ...job, kind: 'parse', maxBytes: this.config.SCENARIO_MAX_BYTES })) as Promise<ScenarioUpload>;
  }

  /** `load` reads what the job needs (a stored scenario of megabytes) only once the user's limit let it through. */
  simulate(userId: string, load: () => Promise<Omit<SimulateJob, 'kind'>>): Promise<SimulateOutcome> {
    return this.run(userId, 'simulate', async () => ({ ...(await load()), kind: 'simulate' })) as Promise<SimulateOutcome>;
  }

  /** A user's heavy jobs in flight (running or waiting for a worker), by kind. */
  inFlightOf(userId: string): Readonly<Record<HeavyJob['kind'], number>> {
    return { ...(this.inFlight.get(userId) ?? { simulate: 0, parse: 0 }) };
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool.close();
  }

  private async run(userId: string, kind: HeavyJob['kind'], makeJob: () => HeavyJob | Promise<HeavyJob>): Promise<unknown> {
    const counts = this.inFlight.get(userId) ?? { simulate: 0, parse: 0 };
    if (counts[kind] >= HEAVY_JOBS_PER_USER[kind]) throw new RateLimitedError(RETRY_AFTER_SECONDS);
    counts[kind]++;
    this.inFlight.set(userId, counts);
    try {
      return await this.pool.run(await makeJob());
    } catch (error) {
      if (error instanceof JobTimeoutError) {
        this.logger.warn(`A ${kind} job of user ${userId} was stopped: ${error.message}`);
        throw new AppError('JOB_TIMEOUT', `The ${kind === 'parse' ? 'scenario check' : 'simulation'} took longer than ${this.config.HEAVY_JOB_TIMEOUT_MS} ms and was stopped`);
      }
      if (error instanceof JobMemoryError) {
        this.logger.warn(`A ${kind} job of user ${userId} was stopped: ${error.message}`);
        throw new AppError('SCENARIO_TOO_COMPLEX', `The ${kind === 'parse' ? 'scenario check' : 'simulation'} needed more than ${this.config.HEAVY_JOB_MEMORY_MB} MB and was stopped`);
      }
      if (error instanceof JobFailedError) this.logger.error(`A ${kind} job of user ${userId} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      counts[kind]--;
      if (counts.simulate === 0 && counts.parse === 0) this.inFlight.delete(userId);
    }
  }
}
