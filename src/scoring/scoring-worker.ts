import { parentPort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { triageScenarioView } from '../triage/team-state.reducer.js';
import { AnswerKey } from './answer-key.js';
import { SEALED_COPY_SQL, sealedCopyParams } from './exercise-log-reader.js';
import { LiveLogTail } from './live-log-tail.js';
import { WORKER_LIVE_EXERCISES, WORKER_SCENARIOS, type LiveWorkerJob, type SealedWorkerJob, type WorkerJob, type WorkerMessage, type WorkerReply } from './scoring-workers.js';
import { decodeTeamLog } from './sealed-team-log.js';
import { scoreTeamLog, totalsView, type ScoringScenarioParts } from './team-log-scoring.js';
import type { TeamScore } from '../contracts/scoring.schema.js';

/**
 * Entry of a scoring worker thread (see `scoring-workers.ts`). It scores teams of a finished
 * exercise from their sealed copies, read from the SQLite file itself: a team whose copy is gone or
 * cannot be decoded is left out of the reply, and the server reads that team from its rows. And it
 * computes the live board's totals of running exercises, from logs it keeps and extends with what
 * was committed since (LiveLogTail).
 */
const databases = new Map<string, Database.Database>();
const scenarios = new Map<string, ScoringScenarioParts>();
/** By exercise, least recently scored first. */
const tails = new Map<string, LiveLogTail>();

function database(file: string): Database.Database {
  let db = databases.get(file);
  if (db === undefined) {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    databases.set(file, db);
  }
  return db;
}

function scenarioOf(job: WorkerJob): ScoringScenarioParts {
  let parts = scenarios.get(job.scenarioVersionId);
  if (parts === undefined) {
    // The pool sends a version with the first job that needs it and evicts in the same order.
    if (job.scenario === undefined) throw new Error(`scenario version ${job.scenarioVersionId} was not sent to this worker`);
    parts = { scenario: job.scenario, key: new AnswerKey(job.scenario), view: triageScenarioView(job.scenario) };
    scenarios.set(job.scenarioVersionId, parts);
    if (scenarios.size > WORKER_SCENARIOS) scenarios.delete(scenarios.keys().next().value as string);
  }
  return parts;
}

function run(job: WorkerJob): WorkerReply {
  switch (job.kind) {
    case 'sealed':
      return runSealed(job);
    case 'live':
      return runLive(job);
    default: {
      const never: never = job;
      throw new Error(`unknown job ${JSON.stringify(never)}`);
    }
  }
}

function runLive(job: LiveWorkerJob): WorkerReply {
  let tail = tails.get(job.exerciseId);
  if (tail === undefined) {
    tail = new LiveLogTail(database(job.databaseFile), job.exerciseId);
    if (tails.size >= WORKER_LIVE_EXERCISES) tails.delete(tails.keys().next().value as string);
  } else tails.delete(job.exerciseId);
  tails.set(job.exerciseId, tail);
  const scenario = scenarioOf(job);
  const logs = tail.logs(job.teams.map((t) => t.teamId));
  const scores = job.teams.map(
    (team) =>
      [
        team.teamId,
        scoreTeamLog(scenario, {
          exerciseId: job.exerciseId,
          seed: job.seed,
          teamId: team.teamId,
          memberIds: team.memberIds,
          log: logs.get(team.teamId)!,
          adjustments: team.adjustments,
          endMs: job.endMs,
          detail: 'totals',
          phase: 'live',
        }),
      ] as const,
  );
  return { jobId: job.jobId, scores };
}

function runSealed(job: SealedWorkerJob): WorkerReply {
  const statement = database(job.databaseFile).prepare(SEALED_COPY_SQL).pluck();
  const scenario = scenarioOf(job);
  const scores: Array<readonly [string, TeamScore]> = [];
  const stored = job.output === 'stored';
  const json: string[] = [];
  for (const team of job.teams) {
    const teamId = team.copy.teamId;
    let log;
    try {
      const body = statement.get(...sealedCopyParams(job.exerciseId, team.copy));
      if (typeof body !== 'string') continue;
      log = decodeTeamLog(body, { exerciseId: job.exerciseId, teamId });
    } catch {
      continue;
    }
    const score = scoreTeamLog(scenario, { exerciseId: job.exerciseId, seed: job.seed, teamId, memberIds: team.memberIds, log, adjustments: team.adjustments, endMs: job.endMs, detail: job.detail, phase: 'final' });
    if (stored) {
      json.push(JSON.stringify(score));
      scores.push([teamId, totalsView(score)]);
    } else scores.push([teamId, score]);
  }
  return stored ? { jobId: job.jobId, scores, json } : { jobId: job.jobId, scores };
}

parentPort?.on('message', (job: WorkerMessage) => {
  if (job.kind === 'forget') {
    tails.delete(job.exerciseId);
    return;
  }
  let reply: WorkerReply;
  try {
    reply = run(job);
  } catch (error) {
    reply = { jobId: job.jobId, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
