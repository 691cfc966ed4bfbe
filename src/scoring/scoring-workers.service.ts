import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Piscina } from 'piscina';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ScoreExerciseJob, ScoreExerciseResult, ScoringDatabase } from './score-exercise.worker.js';

/** How long an idle scoring worker is kept (a re-score or the next finish reuses it warm). */
const IDLE_TIMEOUT_MS = 5 * 60_000;

/** The worker entry beside this module: `.js` when built, `.ts` when the sources run directly (tests, through tsx). */
function workerEntry(): { filename: string; execArgv: string[] } {
  const extension = extname(fileURLToPath(import.meta.url));
  const filename = fileURLToPath(new URL(`./score-exercise.worker${extension}`, import.meta.url));
  return { filename, execArgv: extension === '.ts' ? ['--import', 'tsx'] : [] };
}

/**
 * Scores exercises from their logs in worker threads (piscina), so reading a whole exercise's log
 * and scoring it never holds the server's event loop: the teams are split across the workers, each
 * reads its share through its own connection (read-only to the SQLite file, or one PostgreSQL
 * connection). Not for an in-memory database, which another thread cannot open: there the server
 * thread scores, reading in pages.
 */
@Injectable()
export class ScoringWorkers implements OnModuleDestroy {
  private readonly pool: Piscina<ScoreExerciseJob, ScoreExerciseResult> | null;
  /** The database the workers read (null: scoring runs in the server thread). */
  readonly database: ScoringDatabase | null;
  private readonly size: number;
  private readonly logger = new Logger(ScoringWorkers.name);

  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(DataSource) dataSource: DataSource) {
    this.database = scoringDatabase(dataSource);
    this.size = config.SCORING_WORKERS;
    this.pool =
      this.database !== null && this.size > 0 ? new Piscina({ ...workerEntry(), minThreads: 0, maxThreads: this.size, idleTimeout: IDLE_TIMEOUT_MS }) : null;
    // A worker's answer to a task the pool no longer tracks (its server closing under it) is reported
    // here; without a listener the pool's 'error' event would throw and take the process down.
    this.pool?.on('error', (error: unknown) => this.logger.error(`A scoring worker failed: ${error instanceof Error ? error.message : String(error)}`));
  }

  /** Whether scoring from the logs runs in the workers (else in the server thread). */
  get available(): boolean {
    return this.pool !== null;
  }

  /** Scores the teams in shares, one per worker, in parallel; the results come back in the teams' order. */
  async score(job: Omit<ScoreExerciseJob, 'database'>): Promise<ScoreExerciseResult[]> {
    const database = this.database;
    if (this.pool === null || database === null) throw new Error('scoring workers are not available');
    const shares = Math.max(1, Math.min(this.size, job.teams.length));
    const per = Math.ceil(job.teams.length / shares);
    const runs: Array<Promise<ScoreExerciseResult>> = [];
    for (let i = 0; i < job.teams.length; i += per) runs.push(this.pool.run({ ...job, database, teams: job.teams.slice(i, i + per) }));
    return Promise.all(runs);
  }

  async onModuleDestroy(): Promise<void> {
    await this.pool?.destroy();
  }
}

/** What a worker thread opens to read the server's database; null for an in-memory SQLite database. */
function scoringDatabase(dataSource: DataSource): ScoringDatabase | null {
  const options = dataSource.options;
  if (options.type === 'better-sqlite3') return options.database === ':memory:' ? null : { kind: 'sqlite', file: options.database };
  if (options.type === 'postgres' && options.url !== undefined) return { kind: 'postgres', url: options.url };
  return null;
}
