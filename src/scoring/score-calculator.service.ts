import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import type { ExerciseStatus } from '../contracts/exercise.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import type { ManualAdjustment, ScoreAdjustment, TeamScore } from '../contracts/scoring.schema.js';
import { ExerciseLogRepository } from '../exercise-log/exercise-log.repository.js';
import { ExerciseRuntime } from '../exercises/exercise-runtime.service.js';
import { HeavyJobsService } from '../heavy-jobs/heavy-jobs.service.js';
import { ExerciseEntity } from '../exercises/exercise.entity.js';
import { RosterService, type ExerciseRoster } from '../exercises/roster.service.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { triageScenarioView, type TriageScenarioView } from '../team-state/team-state.reducer.js';
import { AnswerKey } from './answer-key.js';
import { RESCORE_JOB } from './rescore-jobs.js';
import type { ScoreExerciseJob, ScoreExerciseResult } from './score-exercise.worker.js';
import { rankTeams } from './score-team.js';
import { ScoreAdjustmentEntity } from './scoring.entity.js';
import { deliveredEvent } from './settlement.js';
import { ScoringWorkers } from './scoring-workers.service.js';
import { scoreTeamLog, type ScoreDetail, type TeamLog } from './team-log-scoring.js';

export type { ScoreDetail } from './team-log-scoring.js';

export interface ExerciseTeamScore {
  readonly teamId: string;
  readonly teamName: string;
  readonly memberIds: readonly string[];
  readonly score: TeamScore;
  readonly rank: number;
}

export interface ExerciseScores {
  readonly exerciseId: string;
  readonly scenarioId: string;
  readonly scenarioVersionId: string;
  readonly status: ExerciseStatus;
  readonly computedAt: string;
  readonly teams: readonly ExerciseTeamScore[];
}

/** The answer key and reducer view of one scenario version, shared by every team and every re-score. */
export interface ScoringScenario {
  readonly versionId: string;
  readonly scenarioId: string;
  readonly version: string;
  readonly scenario: Scenario;
  readonly key: AnswerKey;
  readonly view: TriageScenarioView;
}

/** Scores computed from the logs, with how long reading and computing took. */
export interface ComputedScores {
  readonly scores: Map<string, TeamScore>;
  /** The logs read (or given), when `withLogs` asked for them or they were given. */
  readonly logs: ReadonlyMap<string, TeamLog> | null;
  readonly readMs: number;
  readonly computeMs: number;
  readonly rows: { readonly events: number; readonly actions: number };
}

/** Where a computation from the logs ran. */
export type ScoringPlace = 'workers' | 'server thread';

export interface ComputeOptions {
  readonly detail: ScoreDetail;
  readonly teamIds?: readonly string[];
  readonly endMs?: number;
  /** Yield to sockets and other requests after this many ms of scoring (default 50). */
  readonly yieldEveryMs?: number;
  /** The logs at hand (the live board keeps them); read from the exercise log otherwise. */
  readonly logs?: ReadonlyMap<string, TeamLog>;
  /** The caller keeps the logs read (the live board): read and score in the server thread. */
  readonly withLogs?: boolean;
  /** 'live' or 'final'; default: from the exercise's status. */
  readonly phase?: 'live' | 'final';
  /**
   * Each team's members and adjustments as a stored version recorded them (a full score recomputed
   * on demand); default: the roster's members and the adjustments recorded now.
   */
  readonly inputs?: ReadonlyMap<string, TeamScoringInputs>;
  /**
   * A user's re-scoring: scored in one heavy-job worker, within its time and memory limits (JOB_TIMEOUT,
   * SCENARIO_TOO_COMPLEX); the caller holds the user's RESCORE_JOB slot.
   */
  readonly heavyJobFor?: string;
}

/** What a team's score depends on besides the scenario version, the seed and the team's log. */
export interface TeamScoringInputs {
  readonly memberIds: readonly string[];
  readonly adjustments: readonly ManualAdjustment[];
}

const MAX_CACHED_SCENARIOS = 64;
const YIELD_EVERY_MS = 50;

/**
 * What every scoring service needs: the exercise, its roster and scenario version, the judges'
 * adjustments, the teams' logs (from the exercise log), and scores computed from them. No user
 * checks: callers authorize.
 */
@Injectable()
export class ScoreCalculator {
  private readonly scenarios = new LRUCache<string, Promise<ScoringScenario>>({ max: MAX_CACHED_SCENARIOS });
  /** How long the last computation from the logs spent reading and computing (for the benchmark and logs). */
  lastTiming: {
    readonly readMs: number;
    readonly computeMs: number;
    readonly teams: number;
    readonly rows: { readonly events: number; readonly actions: number };
    readonly place: ScoringPlace;
    /** The logs were given (the live board's copy), not read from the exercise log. */
    readonly logsAtHand: boolean;
  } | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ExerciseLogRepository) private readonly log: ExerciseLogRepository,
    @Inject(RosterService) private readonly rosters: RosterService,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(ScoringWorkers) private readonly workers: ScoringWorkers,
    @Inject(HeavyJobsService) private readonly heavyJobs: HeavyJobsService,
  ) {}

  async exercise(exerciseId: string): Promise<ExerciseEntity> {
    const exercise = await this.dataSource.getRepository(ExerciseEntity).findOne({ where: { id: exerciseId } });
    if (!exercise) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
    return exercise;
  }

  roster(exerciseId: string): Promise<ExerciseRoster> {
    return this.rosters.of(exerciseId);
  }

  scenario(versionId: string): Promise<ScoringScenario> {
    let scenario = this.scenarios.get(versionId);
    if (!scenario) {
      scenario = this.catalogue.byVersionId(versionId).then(({ row, scenario: s }) => ({
        versionId: row.id,
        scenarioId: row.scenarioId,
        version: row.version,
        scenario: s,
        key: new AnswerKey(s),
        view: triageScenarioView(s),
      }));
      this.scenarios.set(versionId, scenario);
      scenario.catch(() => this.scenarios.delete(versionId));
    }
    return scenario;
  }

  /** Virtual time the exercise is at (its end once finished), never past the scenario's duration. */
  virtualNow(exercise: ExerciseEntity, scenario: Scenario): number {
    const clock = this.runtime.clockOf(exercise, scenario.duration * 1000);
    return Math.min(clock.virtualMs, scenario.duration * 1000);
  }

  /** The logs of some teams (or, `wholeExercise`, every team read in one pass) as the scorer reads them. */
  async teamLogs(
    exerciseId: string,
    teamIds: readonly string[],
    wholeExercise: boolean,
  ): Promise<{ teams: Map<string, TeamLog>; rows: { events: number; actions: number } }> {
    // In the server thread: in pages, letting sockets and requests through between them.
    return this.log.teamLogs(exerciseId, teamIds, deliveredEvent, { wholeExercise, betweenPages: yieldToLoop });
  }

  /**
   * Whether a copy of some teams' logs (the live board's) holds exactly what the exercise log holds:
   * every team's delivered events and actions up to the last seq recorded, seqs 1, 2, ... per team.
   */
  async logsAreComplete(exerciseId: string, teamIds: readonly string[], logs: ReadonlyMap<string, TeamLog>): Promise<boolean> {
    const ends = await this.log.teamLogEnds(exerciseId, teamIds);
    return teamIds.every((teamId) => {
      const log = logs.get(teamId);
      const end = ends.get(teamId);
      if (log === undefined || end === undefined) return false;
      const lastAction = log.actions.length > 0 ? log.actions[log.actions.length - 1]!.seq : 0;
      return log.delivered.length === end.events && lastAction === end.actions && log.actions.length === end.actions;
    });
  }

  async teamLog(exerciseId: string, teamId: string): Promise<TeamLog> {
    return (await this.teamLogs(exerciseId, [teamId], false)).teams.get(teamId) ?? { delivered: [], actions: [] };
  }

  /**
   * Scores teams (all, or `teamIds`) from the exercise's logs against a scenario version's answer
   * key: delivered events, recorded actions folded by the triage reducer, manual adjustments.
   */
  async computeFromLogs(exercise: ExerciseEntity, scenario: ScoringScenario, options: ComputeOptions): Promise<ComputedScores> {
    const roster = await this.roster(exercise.id);
    const teamIds = options.teamIds ?? roster.teamIds;
    const endMs = options.endMs ?? this.virtualNow(exercise, scenario.scenario);
    if (options.logs === undefined && options.withLogs !== true && this.workers.available)
      return this.computeInWorkers(exercise, scenario, roster, teamIds, endMs, options);
    const started = performance.now();
    const read = options.logs
      ? { teams: options.logs, rows: { events: 0, actions: 0 } }
      : await this.teamLogs(exercise.id, teamIds, options.teamIds === undefined || options.teamIds.length === roster.teams.length);
    const readMs = performance.now() - started;
    const inputs = options.inputs ?? (await this.currentInputs(exercise.id, roster));
    const phase = options.phase ?? phaseOf(exercise);
    const computeStarted = performance.now();
    const scores = new Map<string, TeamScore>();
    let sliceStarted = performance.now();
    for (const teamId of teamIds) {
      // A whole exercise takes seconds of CPU: let sockets and other requests through between teams.
      if (performance.now() - sliceStarted > (options.yieldEveryMs ?? YIELD_EVERY_MS)) {
        await yieldToLoop();
        sliceStarted = performance.now();
      }
      const team = inputs.get(teamId);
      const score = scoreTeamLog(scenario, {
        exerciseId: exercise.id,
        seed: exercise.seed,
        teamId,
        memberIds: team?.memberIds ?? [],
        log: read.teams.get(teamId) ?? { delivered: [], actions: [] },
        adjustments: team?.adjustments ?? [],
        endMs,
        detail: options.detail,
        phase,
      });
      scores.set(teamId, score);
    }
    const computeMs = performance.now() - computeStarted;
    this.lastTiming = { readMs, computeMs, teams: teamIds.length, rows: read.rows, place: 'server thread', logsAtHand: options.logs !== undefined };
    return { scores, logs: read.teams, readMs, computeMs, rows: read.rows };
  }

  /** The same computation in the scoring workers: each reads and scores a share of the teams; only scores come back. */
  private async computeInWorkers(
    exercise: ExerciseEntity,
    scenario: ScoringScenario,
    roster: ExerciseRoster,
    teamIds: readonly string[],
    endMs: number,
    options: ComputeOptions,
  ): Promise<ComputedScores> {
    const inputs = options.inputs ?? (await this.currentInputs(exercise.id, roster));
    const job: Omit<ScoreExerciseJob, 'database'> = {
      exerciseId: exercise.id,
      seed: exercise.seed,
      scenarioVersionId: scenario.versionId,
      scenario: scenario.scenario,
      teams: teamIds.map((teamId) => ({
        teamId,
        memberIds: inputs.get(teamId)?.memberIds ?? [],
        adjustments: inputs.get(teamId)?.adjustments ?? [],
      })),
      endMs,
      detail: options.detail,
      phase: options.phase ?? phaseOf(exercise),
    };
    const results =
      options.heavyJobFor === undefined
        ? await this.workers.score(job)
        : [
            await this.heavyJobs.runJob<ScoreExerciseJob, ScoreExerciseResult>(options.heavyJobFor, RESCORE_JOB, {
              ...job,
              database: this.workers.database!,
            }),
          ];
    const scores = new Map<string, TeamScore>();
    for (const result of results) for (const [teamId, score] of result.scores) scores.set(teamId, score);
    // The workers run side by side: the slowest share is what the caller waited for.
    const readMs = Math.max(0, ...results.map((r) => r.readMs));
    const computeMs = Math.max(0, ...results.map((r) => r.computeMs));
    const rows = { events: results.reduce((n, r) => n + r.rows.events, 0), actions: results.reduce((n, r) => n + r.rows.actions, 0) };
    this.lastTiming = { readMs, computeMs, teams: teamIds.length, rows, place: 'workers', logsAtHand: false };
    return { scores, logs: null, readMs, computeMs, rows };
  }

  /** Ranked teams with their names, as every scores answer gives them. */
  assemble(
    exercise: ExerciseEntity,
    scenario: ScoringScenario,
    roster: ExerciseRoster,
    scores: ReadonlyMap<string, TeamScore>,
    computedAt: string,
  ): ExerciseScores {
    const ranked = rankTeams([...scores.values()]);
    const teams = ranked.map((r) => {
      const team = roster.teams.find((t) => t.id === r.teamId);
      return {
        teamId: r.teamId ?? '',
        teamName: team?.name ?? r.teamId ?? '',
        memberIds: team?.memberIds ?? [],
        score: scores.get(r.teamId ?? '')!,
        rank: r.rank,
      };
    });
    return { exerciseId: exercise.id, scenarioId: scenario.scenarioId, scenarioVersionId: scenario.versionId, status: exercise.status, computedAt, teams };
  }

  /** Every team's members (from the roster) and the adjustments recorded now. */
  async currentInputs(exerciseId: string, roster: ExerciseRoster): Promise<Map<string, TeamScoringInputs>> {
    const adjustments = await this.adjustmentsByTeam(exerciseId);
    return new Map(roster.teams.map((t) => [t.id, { memberIds: t.memberIds, adjustments: adjustments.get(t.id) ?? [] }]));
  }

  async adjustmentsByTeam(exerciseId: string): Promise<Map<string, ManualAdjustment[]>> {
    const byTeam = new Map<string, ManualAdjustment[]>();
    for (const r of await this.adjustmentRows(exerciseId)) {
      const list = byTeam.get(r.teamId) ?? [];
      list.push({ id: r.id, component: r.component, points: r.points, reason: r.reason, by: r.byUsername });
      byTeam.set(r.teamId, list);
    }
    return byTeam;
  }

  /** The judges' adjustments of an exercise, oldest first. */
  async adjustmentRows(exerciseId: string): Promise<ScoreAdjustment[]> {
    const rows = await this.dataSource.getRepository(ScoreAdjustmentEntity).find({ where: { exerciseId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(adjustmentDto);
  }
}

export function adjustmentDto(r: ScoreAdjustmentEntity): ScoreAdjustment {
  return {
    id: r.id,
    exerciseId: r.exerciseId,
    teamId: r.teamId,
    component: r.component,
    points: r.points,
    reason: r.reason,
    byUserId: r.byUserId,
    byUsername: r.byUsername,
    createdAt: r.createdAt,
  };
}

function yieldToLoop(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}

/** Live while the exercise may still change (pending alerts are not judged yet); final once it ended. */
export function phaseOf(exercise: ExerciseEntity): 'live' | 'final' {
  return exercise.status === 'finished' || exercise.status === 'aborted' ? 'final' : 'live';
}
