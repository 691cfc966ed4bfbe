import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Scenario } from '../contracts/scenario.schema.js';
import type { ManualAdjustment, TeamScore } from '../contracts/scoring.schema.js';
import { ExerciseLogRepository, type PostgresLogConnection } from '../exercise-log/exercise-log.repository.js';
import { triageScenarioView } from '../team-state/team-state.reducer.js';
import { AnswerKey } from './answer-key.js';
import { deliveredEvent } from './settlement.js';
import { scoreTeamLog, type ScoreDetail, type ScoringScenarioParts } from './team-log-scoring.js';

/** The server's database, which a worker opens a connection of its own to. */
export type ScoringDatabase = { readonly kind: 'sqlite'; readonly file: string } | { readonly kind: 'postgres'; readonly url: string };

/** One worker's share of an exercise to score: its teams, read from the database by the worker itself. */
export interface ScoreExerciseJob {
  readonly database: ScoringDatabase;
  readonly exerciseId: string;
  readonly seed: string;
  readonly scenarioVersionId: string;
  readonly scenario: Scenario;
  readonly teams: ReadonlyArray<{ readonly teamId: string; readonly memberIds: readonly string[]; readonly adjustments: readonly ManualAdjustment[] }>;
  readonly endMs: number;
  readonly detail: ScoreDetail;
  readonly phase: 'live' | 'final';
}

export interface ScoreExerciseResult {
  readonly scores: Array<readonly [string, TeamScore]>;
  readonly readMs: number;
  readonly computeMs: number;
  readonly rows: { readonly events: number; readonly actions: number };
}

/** Nice value of a scoring thread: the server's event loop gets a core first whenever it wants one. */
const THREAD_NICE = 5;

/** Scenario versions indexed in this worker (an answer key takes a while to build); a version's content never changes. */
const MAX_SCENARIOS = 8;
const scenarios = new Map<string, ScoringScenarioParts>();
const repositories = new Map<string, ExerciseLogRepository>();

lowerThreadPriority();

/** On Linux a thread has its own nice value (elsewhere this does nothing). */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, THREAD_NICE);
  } catch {
    // No /proc (not Linux), or not permitted: the worker runs at the server's priority.
  }
}

function repositoryFor(database: ScoringDatabase): ExerciseLogRepository {
  const key = database.kind === 'sqlite' ? `sqlite:${database.file}` : database.url;
  let repository = repositories.get(key);
  if (repository === undefined) {
    repository = new ExerciseLogRepository(database.kind === 'sqlite' ? openSqlite(database.file) : openPostgres(database.url));
    repositories.set(key, repository);
  }
  return repository;
}

function openSqlite(file: string): Database.Database {
  // Read-only on the server's WAL file: it reads the last commit and never blocks a writer.
  const db = new Database(file, { readonly: true, fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  return db;
}

function openPostgres(url: string): PostgresLogConnection {
  // One connection per worker, opened again after a failure; a worker left idle gives it back.
  const pool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 30_000, allowExitOnIdle: true });
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    arrayRows: async (text, values) => (await pool.query({ text, values: [...values], rowMode: 'array' })).rows,
  };
}

function scenarioFor(job: ScoreExerciseJob): ScoringScenarioParts {
  let parts = scenarios.get(job.scenarioVersionId);
  if (parts === undefined) {
    parts = { scenario: job.scenario, key: new AnswerKey(job.scenario), view: triageScenarioView(job.scenario) };
    if (scenarios.size >= MAX_SCENARIOS) scenarios.delete(scenarios.keys().next().value as string);
    scenarios.set(job.scenarioVersionId, parts);
  }
  return parts;
}

/**
 * A piscina task (see scoring-workers.service.ts): reads its teams' logs through the exercise log
 * repository over its own connection, folds them with the triage reducer and scores them with the
 * pure scorer, the same code the server thread runs. Only the scores go back.
 */
export default async function scoreExercise(job: ScoreExerciseJob): Promise<ScoreExerciseResult> {
  const started = performance.now();
  const teamIds = job.teams.map((t) => t.teamId);
  // By team, through the journal's team index: only this share's rows are read.
  const read = await repositoryFor(job.database).teamLogs(job.exerciseId, teamIds, deliveredEvent, { wholeExercise: false });
  const readMs = performance.now() - started;
  const computeStarted = performance.now();
  const scenario = scenarioFor(job);
  const scores: Array<readonly [string, TeamScore]> = [];
  for (const team of job.teams) {
    const score = scoreTeamLog(scenario, {
      exerciseId: job.exerciseId,
      seed: job.seed,
      teamId: team.teamId,
      memberIds: team.memberIds,
      log: read.teams.get(team.teamId) ?? { delivered: [], actions: [] },
      adjustments: team.adjustments,
      endMs: job.endMs,
      detail: job.detail,
      phase: job.phase,
    });
    scores.push([team.teamId, score]);
  }
  return { scores, readMs, computeMs: performance.now() - computeStarted, rows: read.rows };
}
