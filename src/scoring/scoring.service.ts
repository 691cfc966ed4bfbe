import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import type { ExerciseStatus } from '../contracts/exercise.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import type {
  AdjustmentInput,
  AfterActionReview,
  ManualAdjustment,
  RescoreInput,
  ScoreAdjustment,
  ScoreboardControl,
  ScoreboardRow,
  ScoreboardView,
  ScoreHistory,
  ScoreVersion,
  TeamScore,
} from '../contracts/scoring.schema.js';
import { AlertRefService } from '../exercises/alert-ref.service.js';
import { ExerciseBus, type ExerciseMessage } from '../exercises/exercise-bus.js';
import { ExerciseRuntime } from '../exercises/exercise-runtime.service.js';
import { ExerciseEntity, ExerciseMemberEntity, ExerciseTeamEntity } from '../exercises/exercise.entity.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { triageScenarioView, type TriageScenarioView } from '../triage/team-state.reducer.js';
import { buildAfterActionReview } from './after-action-review.js';
import { AnswerKey } from './answer-key.js';
import { LIVE_INTERVAL_MS, liveIntervalMs } from './live-interval.js';
import { LiveTeamLogs } from './live-team-logs.js';
import { readExerciseLog, teamLogOf, type ExerciseLog, type SealPoint, type TeamLog } from './exercise-log-reader.js';
import { scoringWorkerEntry, ScoringWorkers } from './scoring-workers.js';
import { encodeTeamLog, SEALED_LOG_FORMAT } from './sealed-team-log.js';
import { rankTeams } from './score-team.js';
import { boardRows, instructorView, traineeView, type BoardMeta, type ScoreVisibility } from './scoreboard-view.js';
import { ExerciseScoreEntity, ScoreAdjustmentEntity, ScoreboardStateEntity } from './scoring.entity.js';
import { checkpointAt, triageWindowMs } from './settlement.js';
import { scoreTeamLog, settledLogAt, totalsView, type ScoreDetail } from './team-log-scoring.js';

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

export type { ScoreDetail } from './team-log-scoring.js';

/** Who plays in an exercise: fixed once it is created, so cached. */
interface Roster {
  readonly teams: ReadonlyArray<{ readonly id: string; readonly name: string; readonly memberIds: readonly string[] }>;
  readonly names: ReadonlyMap<string, string>;
}

/** The answer key and reducer view of one scenario version, shared by every team and every re-score. */
interface ScoringScenario {
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
  readonly logs: ReadonlyMap<string, TeamLog>;
  readonly readMs: number;
  readonly computeMs: number;
  readonly rows: { readonly events: number; readonly actions: number };
  readonly sealedTeams: number;
  /** For a finished exercise: where the rows ended and which teams were read from them (to seal). */
  readonly seal?: SealPoint;
  /**
   * With `forStorage`: the full score's JSON text of each team a worker scored; that team's entry
   * in `scores` is then its totals view (what ranking needs), not the full score.
   */
  readonly json?: ReadonlyMap<string, string>;
}

/** Live scoreboard of one running exercise (totals only). */
interface LiveBoard {
  readonly totals: Map<string, TeamScore>;
  readonly dirty: Set<string>;
  timer: NodeJS.Timeout | null;
  lastRunMs: number;
  /** Until the next recomputation may start, after the last one began (see liveIntervalMs). */
  intervalMs: number;
  running: Promise<void> | null;
  initialised: boolean;
  /** The exercise's logs in memory, extended from the bus (read from the database when stale). */
  readonly logs: LiveTeamLogs;
}

/** Every team's figures as of one checkpoint: all trainees may see during the run (docs/scoring.md). */
interface TraineeBoard {
  readonly checkpointMs: number;
  readonly scores: ReadonlyMap<string, TeamScore>;
  readonly rows: ScoreboardRow[];
  readonly computedAt: string;
}

interface TraineeBoardEntry {
  readonly checkpointMs: number;
  readonly board: Promise<TraineeBoard>;
  /** Something at or before the checkpoint was committed after it was computed (a late commit, a seek, an adjustment). */
  stale: boolean;
}

const MAX_CACHED = 64;
const YIELD_EVERY_MS = 50;
/** Below this many sealed teams, handing them to the workers costs more than it saves. */
const MIN_WORKER_TEAMS = 2;
/** While an exercise runs, deliveries must stay on time: yield to them after every few ms of scoring. */
const LIVE_YIELD_EVERY_MS = 5;

/**
 * Scores of exercises: live from the logs while they run, stored (versioned) once they finish,
 * re-scored against a corrected answer key, adjusted by judges, and explained in the after-action
 * review. `exerciseScores` and `teamScore` do no user checks (callers authorize); every method
 * taking an AuthenticatedUser does its own.
 */
@Injectable()
export class ScoringService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ScoringService.name);
  private readonly rosters = new Map<string, Promise<Roster>>();
  private readonly scenarios = new Map<string, Promise<ScoringScenario>>();
  private readonly boards = new Map<string, LiveBoard>();
  private readonly finalizing = new Map<string, Promise<void>>();
  private readonly traineeBoards = new Map<string, TraineeBoardEntry>();
  /** What each exercise's trainees were last sent (their rows, visibility and freeze), to send only changes. */
  private readonly traineePushed = new Map<string, string>();
  private unsubscribe: (() => void) | undefined;
  /** How long the last computation from the logs spent reading and computing (for the benchmark and logs). */
  lastTiming: {
    readonly readMs: number;
    readonly computeMs: number;
    readonly teams: number;
    readonly rows: { readonly events: number; readonly actions: number };
    readonly sealedTeams: number;
    /** Teams the scoring workers scored (the rest were scored in this thread). */
    readonly workerTeams: number;
  } | null = null;
  /** Null when off (SCORING_WORKERS=0) or when the database is not a SQLite file the workers can open. */
  private readonly workers: ScoringWorkers | null;
  private readonly databaseFile: string | null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const options = dataSource.options as { readonly type: string; readonly database?: unknown };
    this.databaseFile = options.type === 'better-sqlite3' && typeof options.database === 'string' && options.database !== ':memory:' ? options.database : null;
    this.workers = config.SCORING_WORKERS > 0 && this.databaseFile !== null ? new ScoringWorkers({ size: config.SCORING_WORKERS, entry: scoringWorkerEntry() }) : null;
  }

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((message) => this.onBusMessage(message));
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    for (const board of this.boards.values()) if (board.timer) clearTimeout(board.timer);
    await Promise.allSettled([...this.finalizing.values(), ...[...this.boards.values()].map((b) => b.running)]);
    this.boards.clear();
    await this.workers?.close();
  }

  // ---------------------------------------------------------------------------------------------
  // The interface the result dashboards build on (no user checks: callers authorize)
  // ---------------------------------------------------------------------------------------------

  /** Live (computed from the logs) for running/paused exercises; the stored current final score for finished ones. */
  async exerciseScores(exerciseId: string, options: { detail?: ScoreDetail } = {}): Promise<ExerciseScores> {
    const detail = options.detail ?? 'full';
    const exercise = await this.exercise(exerciseId);
    const roster = await this.roster(exerciseId);
    if (exercise.status === 'finished') {
      const stored = await this.storedCurrent(exercise, undefined, detail);
      if (stored !== null) {
        const scenario = await this.scoringScenario(stored.scenarioVersionId);
        const teams = stored.rows.map((row) => {
          const team = roster.teams.find((t) => t.id === row.teamId);
          return { teamId: row.teamId, teamName: team?.name ?? row.teamId, memberIds: team?.memberIds ?? [], score: storedScore(row, detail), rank: row.rank };
        });
        teams.sort((a, b) => a.rank - b.rank || (a.teamId < b.teamId ? -1 : 1));
        return { exerciseId, scenarioId: scenario.scenarioId, scenarioVersionId: scenario.versionId, status: exercise.status, computedAt: stored.computedAt, teams };
      }
    }
    return this.scoresFromLogs(exerciseId, { detail });
  }

  /**
   * Every team's score computed from the logs against the exercise's scenario version, even when
   * final scores are stored (what a re-score computes; the benchmark measures it).
   */
  async scoresFromLogs(exerciseId: string, options: { detail?: ScoreDetail } = {}): Promise<ExerciseScores> {
    const exercise = await this.exercise(exerciseId);
    const roster = await this.roster(exerciseId);
    const scenario = await this.scoringScenario(exercise.scenarioVersionId);
    const computed = await this.computeFromLogs(exercise, scenario, { detail: options.detail ?? 'full' });
    return this.assemble(exercise, scenario, roster, computed.scores, new Date().toISOString());
  }

  async teamScore(exerciseId: string, teamId: string, options: { detail?: ScoreDetail } = {}): Promise<TeamScore> {
    const detail = options.detail ?? 'full';
    const exercise = await this.exercise(exerciseId);
    const roster = await this.roster(exerciseId);
    if (!roster.teams.some((t) => t.id === teamId)) throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
    if (exercise.status === 'finished') {
      const stored = await this.storedCurrent(exercise, teamId, detail);
      const row = stored?.rows[0];
      if (row !== undefined) return storedScore(row, detail);
    }
    const scenario = await this.scoringScenario(exercise.scenarioVersionId);
    const computed = await this.computeFromLogs(exercise, scenario, { detail, teamIds: [teamId] });
    return computed.scores.get(teamId)!;
  }

  // ---------------------------------------------------------------------------------------------
  // Computing from the logs
  // ---------------------------------------------------------------------------------------------

  /**
   * Scores teams (all, or `teamIds`) from the exercise's logs against a scenario version's answer
   * key: delivered events, recorded actions folded by the triage reducer, manual adjustments.
   */
  async computeFromLogs(
    exercise: ExerciseEntity,
    scenario: ScoringScenario,
    options: { detail: ScoreDetail; teamIds?: readonly string[]; endMs?: number; yieldEveryMs?: number; logs?: ReadonlyMap<string, TeamLog>; forStorage?: boolean },
  ): Promise<ComputedScores> {
    const roster = await this.roster(exercise.id);
    const teamIds = options.teamIds ?? roster.teams.map((t) => t.id);
    const log: ExerciseLog = options.logs
      ? { exerciseId: exercise.id, teams: new Map(options.logs), sealed: new Map(), readMs: 0, rows: { events: 0, actions: 0 } }
      : await readExerciseLog(this.dataSource, exercise.id, teamIds, {
          wholeExercise: options.teamIds === undefined || options.teamIds.length === roster.teams.length,
          // A finished exercise's logs no longer grow: read the sealed copies where they are whole.
          sealed: exercise.status === 'finished',
        });
    const adjustments = await this.adjustmentsByTeam(exercise.id);
    const started = performance.now();
    const endMs = options.endMs ?? this.virtualNow(exercise, scenario.scenario);
    const scores = new Map<string, TeamScore>();
    const { scores: pooled, json } = await this.scoreInWorkers(exercise, scenario, log, roster, adjustments, endMs, options.detail, options.forStorage === true);
    let sliceStarted = performance.now();
    for (const teamId of teamIds) {
      const done = pooled.get(teamId);
      if (done !== undefined) {
        scores.set(teamId, done);
        continue;
      }
      // A whole exercise takes seconds of CPU: let sockets and other requests through between teams.
      if (performance.now() - sliceStarted > (options.yieldEveryMs ?? YIELD_EVERY_MS)) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStarted = performance.now();
      }
      const team = roster.teams.find((t) => t.id === teamId);
      const teamLog = await teamLogOf(this.dataSource, log, teamId);
      scores.set(
        teamId,
        this.scoreOne(exercise, scenario, teamId, team?.memberIds ?? [], teamLog, adjustments.get(teamId) ?? [], endMs, options.detail),
      );
    }
    const computeMs = performance.now() - started;
    const sealedTeams = log.sealed.size;
    this.lastTiming = { readMs: log.readMs, computeMs, teams: teamIds.length, rows: log.rows, sealedTeams, workerTeams: pooled.size };
    // Sealed teams are not in `logs`: they were decoded one at a time and dropped.
    return { scores, logs: log.teams, readMs: log.readMs, computeMs, rows: log.rows, sealedTeams, seal: log.seal, ...(json === undefined ? {} : { json }) };
  }

  /**
   * Totals (or, for storage, full scores as text) of the teams with a current sealed copy, scored
   * by the worker threads (each reads its share of the copies itself). Whatever they could not
   * score (a copy gone or unreadable, a failed worker) is left to this thread, which reads those
   * teams from their rows.
   */
  private async scoreInWorkers(
    exercise: ExerciseEntity,
    scenario: ScoringScenario,
    log: ExerciseLog,
    roster: Roster,
    adjustments: ReadonlyMap<string, ManualAdjustment[]>,
    endMs: number,
    detail: ScoreDetail,
    forStorage: boolean,
  ): Promise<{ scores: Map<string, TeamScore>; json?: Map<string, string> }> {
    // Totals, or full scores to store (which come back as text): a full score object is hundreds of
    // line items, and cloning 200 of them back cost more than computing them here (8 s against 3 s).
    const none = { scores: new Map<string, TeamScore>() };
    if (this.workers === null || this.databaseFile === null || log.sealed.size < MIN_WORKER_TEAMS) return none;
    if (detail !== 'totals' && !(detail === 'full' && forStorage)) return none;
    const job = {
      databaseFile: this.databaseFile,
      exerciseId: exercise.id,
      scenarioVersionId: scenario.versionId,
      scenario: scenario.scenario,
      seed: exercise.seed,
      endMs,
      teams: [...log.sealed.values()].map((copy) => ({
        copy,
        memberIds: roster.teams.find((t) => t.id === copy.teamId)?.memberIds ?? [],
        adjustments: adjustments.get(copy.teamId) ?? [],
      })),
    };
    try {
      if (detail === 'totals') return { scores: await this.workers.score({ ...job, detail }) };
      const stored = await this.workers.scoreForStorage(job);
      const scores = new Map<string, TeamScore>();
      const json = new Map<string, string>();
      for (const [teamId, { summary, json: text }] of stored) {
        scores.set(teamId, summary);
        json.set(teamId, text);
      }
      return { scores, json };
    } catch (error) {
      this.logger.warn(`Scoring workers failed, scoring in the server thread instead: ${error instanceof Error ? error.message : String(error)}`);
      return none;
    }
  }

  private scoreOne(
    exercise: ExerciseEntity,
    scenario: ScoringScenario,
    teamId: string,
    memberIds: readonly string[],
    log: TeamLog,
    adjustments: readonly ManualAdjustment[],
    endMs: number,
    detail: ScoreDetail,
  ): TeamScore {
    return scoreTeamLog(scenario, { exerciseId: exercise.id, seed: exercise.seed, teamId, memberIds, log, adjustments, endMs, detail, phase: phaseOf(exercise) });
  }

  /**
   * Seals the logs of the teams that were read from rows: a finished exercise's logs no longer
   * grow, so re-scoring and reviews can read one compact document per team instead of every row.
   * Each copy records where the rows ended when they were read; a copy that no longer matches is
   * ignored by the reader (see `sealed-team-log.ts`).
   */
  private async sealLogs(manager: EntityManager, exerciseId: string, seal: SealPoint, logs: ReadonlyMap<string, TeamLog>): Promise<void> {
    const p = (index: number) => manager.connection.driver.createParameter(`p${index}`, index);
    const sealedAt = new Date().toISOString();
    for (const teamId of seal.fromRows) {
      const log = logs.get(teamId);
      if (log === undefined) continue;
      const body = encodeTeamLog(log, { exerciseId, teamId });
      await manager.query(`DELETE FROM exercise_sealed_logs WHERE exercise_id = ${p(0)} AND team_id = ${p(1)}`, [exerciseId, teamId]);
      await manager.query(
        `INSERT INTO exercise_sealed_logs (exercise_id, team_id, format, journal_ordinal, last_event_seq, body, sealed_at) VALUES (${p(0)}, ${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)})`,
        [exerciseId, teamId, SEALED_LOG_FORMAT, seal.journalOrdinal, seal.lastEventSeq.get(teamId) ?? 0, body, sealedAt],
      );
    }
  }

  /** Virtual time the exercise is at (its end once finished), never past the scenario's duration. */
  private virtualNow(exercise: ExerciseEntity, scenario: Scenario): number {
    const clock = this.runtime.clockOf(exercise, scenario.duration * 1000);
    return Math.min(clock.virtualMs, scenario.duration * 1000);
  }

  private assemble(exercise: ExerciseEntity, scenario: ScoringScenario, roster: Roster, scores: ReadonlyMap<string, TeamScore>, computedAt: string): ExerciseScores {
    const ranked = rankTeams([...scores.values()]);
    const teams = ranked.map((r) => {
      const team = roster.teams.find((t) => t.id === r.teamId);
      return { teamId: r.teamId ?? '', teamName: team?.name ?? r.teamId ?? '', memberIds: team?.memberIds ?? [], score: scores.get(r.teamId ?? '')!, rank: r.rank };
    });
    return { exerciseId: exercise.id, scenarioId: scenario.scenarioId, scenarioVersionId: scenario.versionId, status: exercise.status, computedAt, teams };
  }

  // ---------------------------------------------------------------------------------------------
  // Final scores: stored when the exercise finishes, re-scored, adjusted
  // ---------------------------------------------------------------------------------------------

  /**
   * Computes every team's final score and stores it as a new current version. Used when the
   * exercise finishes, on re-scoring and after an adjustment; earlier versions stay.
   */
  async storeFinal(
    exerciseId: string,
    input: { scenarioVersionId?: string; reason: string; actor: AuthenticatedUser | null; auditAction?: string },
  ): Promise<ScoreVersion> {
    const exercise = await this.exercise(exerciseId);
    const previous = await this.storedCurrent(exercise);
    const scenario = await this.scoringScenario(input.scenarioVersionId ?? previous?.scenarioVersionId ?? exercise.scenarioVersionId);
    const endMs = this.virtualNow(exercise, scenario.scenario);
    // Teams with a current sealed copy are scored by the workers, which send back the text to store.
    const computed = await this.computeFromLogs(exercise, scenario, { detail: 'full', endMs, forStorage: true });
    const roster = await this.roster(exerciseId);
    const assembled = this.assemble(exercise, scenario, roster, computed.scores, new Date().toISOString());
    const versionNo = await serialTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(ExerciseScoreEntity);
      const last = await repository.createQueryBuilder('s').select('MAX(s.version_no)', 'max').where('s.exercise_id = :id', { id: exerciseId }).getRawOne<{ max: number | null }>();
      const next = Number(last?.max ?? 0) + 1;
      await repository.update({ exerciseId, current: true }, { current: false });
      const rows: ExerciseScoreEntity[] = assembled.teams.map((t) => ({
        id: randomUUID(),
        exerciseId,
        teamId: t.teamId,
        scenarioVersionId: scenario.versionId,
        versionNo: next,
        total: t.score.total,
        index: t.score.index,
        rank: t.rank,
        scoreJson: computed.json?.get(t.teamId) ?? JSON.stringify(t.score),
        summaryJson: JSON.stringify(totalsView(t.score)),
        reason: input.reason,
        computedAt: assembled.computedAt,
        computedBy: input.actor?.id ?? null,
        current: true,
      }));
      for (let i = 0; i < rows.length; i += 100) await repository.insert(rows.slice(i, i + 100));
      if (exercise.status === 'finished' && computed.seal !== undefined) await this.sealLogs(manager, exerciseId, computed.seal, computed.logs);
      if (input.auditAction !== undefined) {
        await this.audit.record(
          {
            actor: input.actor,
            action: input.auditAction,
            targetType: 'exercise',
            targetId: exerciseId,
            before: previous === null ? null : { versionNo: previous.versionNo, scenarioVersionId: previous.scenarioVersionId, totals: Object.fromEntries(previous.rows.map((r) => [r.teamId, r.total])) },
            after: { versionNo: next, scenarioVersionId: scenario.versionId, reason: input.reason, totals: Object.fromEntries(assembled.teams.map((t) => [t.teamId, t.score.total])) },
          },
          manager,
        );
      }
      return next;
    });
    return {
      versionNo,
      scenarioVersionId: scenario.versionId,
      scenarioVersion: scenario.version,
      reason: input.reason,
      computedAt: assembled.computedAt,
      computedBy: input.actor?.id ?? null,
      current: true,
      teams: assembled.teams.map((t) => ({ teamId: t.teamId, teamName: t.teamName, total: t.score.total, index: t.score.index, rank: t.rank })),
    };
  }

  /** Re-scores a finished exercise against a corrected version of the same scenario. */
  async rescore(user: AuthenticatedUser, exerciseId: string, input: RescoreInput): Promise<ScoreHistory> {
    const access = await this.exercises.requireControl(user, exerciseId);
    if (access.exercise.status !== 'finished') throw new AppError('EXERCISE_INVALID_STATE', 'Only a finished exercise can be re-scored');
    const current = await this.scoringScenario(access.exercise.scenarioVersionId);
    // The corrected version must be one the user may read (own organisation or shared library).
    await this.catalogue.visibleVersion(user, input.scenarioVersionId);
    const corrected = await this.scoringScenario(input.scenarioVersionId);
    if (corrected.scenarioId !== current.scenarioId) {
      throw new AppError('VALIDATION_FAILED', `The corrected version must be of scenario "${current.scenarioId}"`, [{ path: 'scenarioVersionId', message: `is of scenario "${corrected.scenarioId}"` }]);
    }
    await this.awaitFinal(exerciseId);
    await this.storeFinal(exerciseId, { scenarioVersionId: corrected.versionId, reason: input.reason, actor: user, auditAction: 'exercise.rescore' });
    this.publishSoon(exerciseId);
    return this.historyOf(exerciseId);
  }

  async history(user: AuthenticatedUser, exerciseId: string): Promise<ScoreHistory> {
    const access = await this.exercises.access(user, exerciseId);
    if (access.teamId !== null && !access.canControl) throw new AppError('FORBIDDEN', 'Only instructors and reviewers read the score history');
    return this.historyOf(exerciseId);
  }

  private async historyOf(exerciseId: string): Promise<ScoreHistory> {
    const roster = await this.roster(exerciseId);
    const rows = await this.dataSource.getRepository(ExerciseScoreEntity).find({
      where: { exerciseId },
      order: { versionNo: 'ASC', rank: 'ASC' },
      select: { teamId: true, scenarioVersionId: true, versionNo: true, total: true, index: true, rank: true, reason: true, computedAt: true, computedBy: true, current: true },
    });
    const versions: ScoreVersion[] = [];
    for (const row of rows) {
      let version = versions[versions.length - 1];
      if (version === undefined || version.versionNo !== row.versionNo) {
        const scenario = await this.scoringScenario(row.scenarioVersionId);
        version = { versionNo: row.versionNo, scenarioVersionId: row.scenarioVersionId, scenarioVersion: scenario.version, reason: row.reason, computedAt: row.computedAt, computedBy: row.computedBy, current: Boolean(row.current), teams: [] };
        versions.push(version);
      }
      (version.teams as ScoreVersion['teams'][number][]).push({ teamId: row.teamId, teamName: roster.names.get(row.teamId) ?? row.teamId, total: row.total, index: row.index, rank: row.rank });
    }
    return { exerciseId, versions, adjustments: await this.adjustmentRows(exerciseId) };
  }

  /** A judge's adjustment: stored on its own, audited, shown apart in the breakdown; re-stores the final score if finished. */
  async adjust(user: AuthenticatedUser, exerciseId: string, teamId: string, input: AdjustmentInput): Promise<ScoreAdjustment> {
    const access = await this.exercises.requireControl(user, exerciseId);
    if (!access.teamIds.includes(teamId)) throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
    const row: ScoreAdjustmentEntity = {
      id: randomUUID(),
      exerciseId,
      teamId,
      component: input.component,
      points: input.points,
      reason: input.reason,
      byUserId: user.id,
      byUsername: user.username,
      createdAt: new Date().toISOString(),
    };
    await serialTransaction(this.dataSource, async (manager) => {
      await manager.getRepository(ScoreAdjustmentEntity).insert(row);
      await this.audit.record(
        { actor: user, action: 'exercise.score-adjust', targetType: 'exercise', targetId: exerciseId, after: { teamId, component: input.component, points: input.points, reason: input.reason } },
        manager,
      );
    });
    if (access.exercise.status === 'finished') {
      await this.awaitFinal(exerciseId);
      await this.storeFinal(exerciseId, { reason: `adjustment ${row.id}: ${input.points > 0 ? '+' : ''}${input.points} ${input.component} (${input.reason})`, actor: user });
    } else {
      this.traineeBoardTouched(exerciseId, null);
      this.markDirty(exerciseId, [teamId]);
    }
    this.publishSoon(exerciseId);
    return this.adjustmentDto(row);
  }

  private async adjustmentRows(exerciseId: string): Promise<ScoreAdjustment[]> {
    const rows = await this.dataSource.getRepository(ScoreAdjustmentEntity).find({ where: { exerciseId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map((r) => this.adjustmentDto(r));
  }

  private adjustmentDto(r: ScoreAdjustmentEntity): ScoreAdjustment {
    return { id: r.id, exerciseId: r.exerciseId, teamId: r.teamId, component: r.component, points: r.points, reason: r.reason, byUserId: r.byUserId, byUsername: r.byUsername, createdAt: r.createdAt };
  }

  private async adjustmentsByTeam(exerciseId: string): Promise<Map<string, ManualAdjustment[]>> {
    const rows = await this.dataSource.getRepository(ScoreAdjustmentEntity).find({ where: { exerciseId }, order: { createdAt: 'ASC', id: 'ASC' } });
    const byTeam = new Map<string, ManualAdjustment[]>();
    for (const r of rows) {
      const list = byTeam.get(r.teamId) ?? [];
      list.push({ id: r.id, component: r.component, points: r.points, reason: r.reason, by: r.byUsername });
      byTeam.set(r.teamId, list);
    }
    return byTeam;
  }

  /** The current stored version; with detail 'totals' (the default) the small summaries only, never the line items. */
  private async storedCurrent(
    exercise: ExerciseEntity,
    teamId?: string,
    detail: ScoreDetail = 'totals',
  ): Promise<{ versionNo: number; scenarioVersionId: string; computedAt: string; rows: ExerciseScoreEntity[] } | null> {
    const rows = await this.dataSource.getRepository(ExerciseScoreEntity).find({
      where: { exerciseId: exercise.id, current: true, ...(teamId === undefined ? {} : { teamId }) },
      select: {
        id: true,
        exerciseId: true,
        teamId: true,
        scenarioVersionId: true,
        versionNo: true,
        total: true,
        index: true,
        rank: true,
        summaryJson: detail === 'totals',
        scoreJson: detail === 'full',
        reason: true,
        computedAt: true,
        computedBy: true,
        current: true,
      },
    });
    if (rows.length === 0) return null;
    return { versionNo: rows[0].versionNo, scenarioVersionId: rows[0].scenarioVersionId, computedAt: rows[0].computedAt, rows };
  }

  /** Waits for the finish-time scoring of an exercise, if it is still being stored. */
  private async awaitFinal(exerciseId: string): Promise<void> {
    await this.finalizing.get(exerciseId)?.catch(() => undefined);
    const exercise = await this.exercise(exerciseId);
    if (exercise.status === 'finished' && (await this.storedCurrent(exercise)) === null) {
      await this.storeFinal(exerciseId, { reason: 'exercise finished', actor: null });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Scoreboard (live, visibility, freeze)
  // ---------------------------------------------------------------------------------------------

  /** The scoreboard as `user` may see it (instructors everything live; trainees per the visibility). */
  async scoreboardFor(user: AuthenticatedUser, exerciseId: string): Promise<ScoreboardView> {
    const access = await this.exercises.access(user, exerciseId);
    if (access.canControl || access.teamId === null) {
      const { meta, rows, source } = await this.boardState(access.exercise);
      return instructorView(meta, rows, source);
    }
    const { meta, rows, source } = await this.traineeBoardState(access.exercise);
    const roster = await this.roster(exerciseId);
    const frozenRows = await this.frozenRows(exerciseId);
    return traineeView(meta, frozenRows ?? rows, access.teamId, roster.names.get(access.teamId) ?? access.teamId, frozenRows ? 'frozen' : source);
  }

  /** Changes what trainees see and/or freezes their board; instructors keep seeing live. */
  async controlScoreboard(user: AuthenticatedUser, exerciseId: string, input: ScoreboardControl): Promise<ScoreboardView> {
    const access = await this.exercises.requireControl(user, exerciseId);
    const before = await this.scoreboardState(exerciseId);
    const now = new Date().toISOString();
    let frozenRowsJson = before?.frozenRowsJson ?? null;
    let frozenAt = before?.frozenAt ?? null;
    const frozen = input.frozen ?? before?.frozen ?? false;
    if (frozen && !(before?.frozen ?? false)) {
      // What trainees saw at the freeze (the checkpoint board), never the instructors' live rows.
      frozenRowsJson = JSON.stringify((await this.traineeBoardState(access.exercise)).rows);
      frozenAt = now;
    } else if (!frozen) {
      frozenRowsJson = null;
      frozenAt = null;
    }
    await serialTransaction(this.dataSource, async (manager) => {
      if (input.visibility !== undefined && input.visibility !== access.exercise.scoreVisibility) {
        await manager.update(ExerciseEntity, { id: exerciseId }, { scoreVisibility: input.visibility });
      }
      await manager.getRepository(ScoreboardStateEntity).save({ exerciseId, frozen, frozenAt, frozenRowsJson, updatedBy: user.id, updatedAt: now });
      await this.audit.record(
        {
          actor: user,
          action: 'exercise.scoreboard',
          targetType: 'exercise',
          targetId: exerciseId,
          before: { visibility: access.exercise.scoreVisibility, frozen: before?.frozen ?? false },
          after: { visibility: input.visibility ?? access.exercise.scoreVisibility, frozen },
        },
        manager,
      );
    });
    await this.publishBoard(exerciseId, { force: true });
    return this.scoreboardFor(user, exerciseId);
  }

  private async scoreboardState(exerciseId: string): Promise<ScoreboardStateEntity | null> {
    return this.dataSource.getRepository(ScoreboardStateEntity).findOne({ where: { exerciseId } });
  }

  private async frozenRows(exerciseId: string): Promise<ScoreboardRow[] | null> {
    const state = await this.scoreboardState(exerciseId);
    return state?.frozen && state.frozenRowsJson ? (JSON.parse(state.frozenRowsJson) as ScoreboardRow[]) : null;
  }

  /** The current board (totals of every team): final rows once stored, else live. */
  private async boardState(exercise: ExerciseEntity, options: { readonly justComputed?: boolean } = {}): Promise<{ meta: BoardMeta; rows: ScoreboardRow[]; source: 'live' | 'final' }> {
    const roster = await this.roster(exercise.id);
    const state = await this.scoreboardState(exercise.id);
    const adjustments = await this.adjustmentsByTeam(exercise.id);
    const sums = new Map([...adjustments].map(([teamId, list]) => [teamId, list.reduce((s, a) => s + a.points, 0)]));
    let scores: TeamScore[];
    let source: 'live' | 'final' = 'live';
    let computedAt = new Date().toISOString();
    const stored = exercise.status === 'finished' ? await this.storedCurrent(exercise) : null;
    if (stored !== null) {
      scores = stored.rows.map((r) => storedScore(r, 'totals'));
      source = 'final';
      computedAt = stored.computedAt;
    } else {
      const board = this.boards.get(exercise.id);
      // Right after a live recomputation its totals are the board, even if deliveries made during
      // it have marked teams dirty again (they are in the next one): recomputing every team here
      // doubled the live scoring's cost.
      const fresh = board?.initialised === true && (board.dirty.size === 0 || options.justComputed === true);
      if (fresh && (exercise.status === 'running' || exercise.status === 'paused')) scores = [...board.totals.values()];
      else {
        const scenario = await this.scoringScenario(exercise.scenarioVersionId);
        scores = [...(await this.computeFromLogs(exercise, scenario, { detail: 'totals' })).scores.values()];
      }
    }
    const meta: BoardMeta = {
      exerciseId: exercise.id,
      status: exercise.status,
      visibility: exercise.scoreVisibility as ScoreVisibility,
      frozen: state?.frozen ?? false,
      frozenAt: state?.frozenAt ?? null,
      computedAt,
    };
    return { meta, rows: boardRows(scores, roster.names, sums), source };
  }

  private onBusMessage(message: ExerciseMessage): void {
    switch (message.type) {
      case 'events':
        this.markDirty(message.exerciseId, [message.teamId]).logs.events(message.teamId, message.events);
        this.traineeBoardTouched(message.exerciseId, message.events.reduce((min, e) => Math.min(min, e.virtualMs), Number.POSITIVE_INFINITY));
        return;
      case 'action':
        this.markDirty(message.exerciseId, [message.teamId]).logs.action(message.teamId, message.action);
        this.traineeBoardTouched(message.exerciseId, message.action.virtualMs);
        return;
      case 'clock':
        if (message.clock.status === 'finished') this.onFinished(message.exerciseId);
        else if (message.clock.status === 'aborted') this.dropBoard(message.exerciseId);
        return;
      case 'scores':
        return;
      default: {
        const _never: never = message;
        this.logger.warn(`Unknown bus message ${JSON.stringify(_never)}`);
      }
    }
  }

  private onFinished(exerciseId: string): void {
    this.dropBoard(exerciseId);
    const job = (async () => {
      const exercise = await this.exercise(exerciseId);
      if ((await this.storedCurrent(exercise)) === null) await this.storeFinal(exerciseId, { reason: 'exercise finished', actor: null });
      await this.publishBoard(exerciseId, { force: true });
    })().catch((error: unknown) => {
      this.logger.error(`Exercise ${exerciseId}: could not store the final scores: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
    this.finalizing.set(exerciseId, job);
    void job.finally(() => {
      if (this.finalizing.get(exerciseId) === job) this.finalizing.delete(exerciseId);
    });
  }

  private dropBoard(exerciseId: string): void {
    this.workers?.forgetLive(exerciseId);
    this.traineeBoards.delete(exerciseId);
    const board = this.boards.get(exerciseId);
    if (board?.timer) clearTimeout(board.timer);
    this.boards.delete(exerciseId);
  }

  private markDirty(exerciseId: string, teamIds: readonly string[]): LiveBoard {
    let board = this.boards.get(exerciseId);
    if (!board) {
      board = { totals: new Map(), dirty: new Set(), timer: null, lastRunMs: 0, intervalMs: LIVE_INTERVAL_MS, running: null, initialised: false, logs: new LiveTeamLogs() };
      this.boards.set(exerciseId, board);
    }
    for (const id of teamIds) board.dirty.add(id);
    this.schedule(exerciseId, board);
    return board;
  }

  /** Debounced: at most one recomputation per interval (liveIntervalMs) per exercise, covering every dirty team. */
  private schedule(exerciseId: string, board: LiveBoard): void {
    if (board.timer !== null || board.running !== null) return;
    const wait = Math.max(0, board.lastRunMs + board.intervalMs - Date.now());
    board.timer = setTimeout(() => {
      board.timer = null;
      const started = Date.now();
      board.lastRunMs = started;
      board.running = this.recomputeLive(exerciseId, board)
        .catch((error: unknown) => this.logger.error(`Exercise ${exerciseId}: live scoring failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`))
        .finally(() => {
          board.intervalMs = liveIntervalMs(Date.now() - started);
          board.running = null;
          if (board.dirty.size > 0 && this.boards.get(exerciseId) === board) this.schedule(exerciseId, board);
        });
    }, wait);
    board.timer.unref();
  }

  private async recomputeLive(exerciseId: string, board: LiveBoard): Promise<void> {
    const exercise = await this.exercise(exerciseId);
    if (exercise.status !== 'running' && exercise.status !== 'paused') {
      board.dirty.clear();
      return;
    }
    const roster = await this.roster(exerciseId);
    const scenario = await this.scoringScenario(exercise.scenarioVersionId);
    // Teams marked while the worker scores stay marked for the next recomputation.
    const asked = board.initialised ? [...board.dirty] : roster.teams.map((t) => t.id);
    board.dirty.clear();
    const inWorker = await this.liveInWorker(exercise, scenario, roster, asked);
    let scores: ReadonlyMap<string, TeamScore>;
    if (inWorker !== null) {
      // Kept only while the workers were failing.
      board.logs.forget();
      scores = inWorker;
    } else {
      for (const teamId of asked) board.dirty.add(teamId);
      const cached = board.logs.current();
      // Without the logs in memory, every team is read (and so scored) once to fill them.
      const teamIds = board.initialised && cached !== null ? [...board.dirty] : roster.teams.map((t) => t.id);
      board.dirty.clear();
      let computed: ComputedScores;
      if (cached !== null) {
        computed = await this.computeFromLogs(exercise, scenario, { detail: 'totals', teamIds, yieldEveryMs: LIVE_YIELD_EVERY_MS, logs: cached });
      } else {
        board.logs.loading();
        try {
          computed = await this.computeFromLogs(exercise, scenario, { detail: 'totals', teamIds, yieldEveryMs: LIVE_YIELD_EVERY_MS });
        } catch (error) {
          board.logs.failed();
          throw error;
        }
        board.logs.loaded(computed.logs);
      }
      scores = computed.scores;
    }
    if (this.boards.get(exerciseId) !== board) return;
    for (const [teamId, score] of scores) board.totals.set(teamId, score);
    board.initialised = true;
    await this.publishBoard(exerciseId, { force: false, justComputed: true });
  }

  /**
   * The live totals of `teamIds` from the scoring worker that keeps the exercise's logs (the same
   * committed rows an in-thread computation would read), or null without workers or when they
   * fail: then this thread computes them from logs it keeps itself.
   */
  private async liveInWorker(exercise: ExerciseEntity, scenario: ScoringScenario, roster: Roster, teamIds: readonly string[]): Promise<ReadonlyMap<string, TeamScore> | null> {
    if (this.workers === null || this.databaseFile === null) return null;
    const adjustments = await this.adjustmentsByTeam(exercise.id);
    try {
      return await this.workers.scoreLive({
        databaseFile: this.databaseFile,
        exerciseId: exercise.id,
        scenarioVersionId: scenario.versionId,
        scenario: scenario.scenario,
        seed: exercise.seed,
        endMs: this.virtualNow(exercise, scenario.scenario),
        teams: teamIds.map((teamId) => ({ teamId, memberIds: roster.teams.find((t) => t.id === teamId)?.memberIds ?? [], adjustments: adjustments.get(teamId) ?? [] })),
      });
    } catch (error) {
      this.logger.warn(`Exercise ${exercise.id}: live scoring worker failed, scoring in the server thread instead: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  /** Publishes the board now (after a control change or a re-score), without waiting for a delivery. */
  private publishSoon(exerciseId: string): void {
    void this.publishBoard(exerciseId, { force: true }).catch((error: unknown) =>
      this.logger.error(`Exercise ${exerciseId}: could not publish the scoreboard: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /**
   * Sends the board to the gateway: instructors get it live; each team's trainees get what the
   * visibility allows, from the frozen rows while frozen (then only on a forced publish, i.e. a
   * control change: a live update changes nothing they may see).
   */
  private async publishBoard(exerciseId: string, options: { force: boolean; justComputed?: boolean }): Promise<void> {
    const exercise = await this.exercise(exerciseId);
    const { meta, rows, source } = await this.boardState(exercise, { justComputed: options.justComputed ?? false });
    const roster = await this.roster(exerciseId);
    // Trainees get the checkpoint board, and only when what they may see changed (or on a forced publish).
    const trainee = await this.traineeBoardState(exercise);
    const frozenRows = trainee.meta.frozen ? await this.frozenRows(exerciseId) : null;
    const seen = JSON.stringify([trainee.meta.visibility, trainee.meta.frozen, trainee.meta.status, frozenRows ?? trainee.rows]);
    const teams: Array<{ teamId: string; view: ScoreboardView }> = [];
    const send = options.force || (trainee.meta.visibility !== 'none' && seen !== this.traineePushed.get(exerciseId));
    if (send) {
      this.traineePushed.set(exerciseId, seen);
      trim(this.traineePushed);
      for (const team of roster.teams) {
        teams.push({ teamId: team.id, view: traineeView(trainee.meta, frozenRows ?? trainee.rows, team.id, team.name, frozenRows ? 'frozen' : trainee.source) });
      }
    }
    this.bus.publish({ type: 'scores', exerciseId, instructor: instructorView(meta, rows, source), teams });
  }

  // ---------------------------------------------------------------------------------------------
  // What trainees see during the run: the checkpoint board
  // ---------------------------------------------------------------------------------------------

  /**
   * The board trainees may see: the stored final scores once finished; before that every team
   * scored as of the last checkpoint (a fixed grid of one triage window), counting only alerts
   * settled by then. It moves at checkpoints whatever a team does, so acting and re-reading tells
   * nothing about an alert's key (docs/scoring.md, "What trainees see").
   */
  private async traineeBoardState(exercise: ExerciseEntity): Promise<{ meta: BoardMeta; rows: ScoreboardRow[]; source: 'live' | 'final' }> {
    if (exercise.status === 'finished') return this.boardState(exercise);
    const board = await this.traineeBoard(exercise);
    const state = await this.scoreboardState(exercise.id);
    const meta: BoardMeta = {
      exerciseId: exercise.id,
      status: exercise.status,
      visibility: exercise.scoreVisibility as ScoreVisibility,
      frozen: state?.frozen ?? false,
      frozenAt: state?.frozenAt ?? null,
      computedAt: board.computedAt,
    };
    return { meta, rows: board.rows, source: 'live' };
  }

  private async traineeBoard(exercise: ExerciseEntity): Promise<TraineeBoard> {
    const scenario = await this.scoringScenario(exercise.scenarioVersionId);
    const windowMs = triageWindowMs(scenario.scenario);
    const checkpointMs = checkpointAt(this.virtualNow(exercise, scenario.scenario), windowMs);
    const cached = this.traineeBoards.get(exercise.id);
    if (cached !== undefined && cached.checkpointMs === checkpointMs && !cached.stale) return cached.board;
    const entry: TraineeBoardEntry = { checkpointMs, board: this.computeTraineeBoard(exercise, scenario, checkpointMs, windowMs), stale: false };
    this.traineeBoards.set(exercise.id, entry);
    trim(this.traineeBoards);
    entry.board.catch(() => {
      if (this.traineeBoards.get(exercise.id) === entry) this.traineeBoards.delete(exercise.id);
    });
    return entry.board;
  }

  private async computeTraineeBoard(exercise: ExerciseEntity, scenario: ScoringScenario, checkpointMs: number, windowMs: number): Promise<TraineeBoard> {
    const roster = await this.roster(exercise.id);
    const teamIds = roster.teams.map((t) => t.id);
    const log = await readExerciseLog(this.dataSource, exercise.id, teamIds, { wholeExercise: true });
    const adjustments = await this.adjustmentsByTeam(exercise.id);
    const scores = new Map<string, TeamScore>();
    let sliceStarted = performance.now();
    for (const team of roster.teams) {
      if (performance.now() - sliceStarted > LIVE_YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStarted = performance.now();
      }
      const teamLog = await teamLogOf(this.dataSource, log, team.id);
      scores.set(
        team.id,
        scoreTeamLog(scenario, {
          exerciseId: exercise.id,
          seed: exercise.seed,
          teamId: team.id,
          memberIds: team.memberIds,
          log: settledLogAt(teamLog, checkpointMs, windowMs),
          adjustments: adjustments.get(team.id) ?? [],
          endMs: checkpointMs,
          detail: 'totals',
          phase: 'live',
        }),
      );
    }
    const sums = new Map([...adjustments].map(([teamId, list]) => [teamId, list.reduce((sum, a) => sum + a.points, 0)]));
    return { checkpointMs, scores, rows: boardRows([...scores.values()], roster.names, sums), computedAt: new Date().toISOString() };
  }

  /** A commit at or before the trainees' checkpoint (late, a seek's catch-up, an adjustment) makes their board recomputed. */
  private traineeBoardTouched(exerciseId: string, virtualMs: number | null): void {
    const entry = this.traineeBoards.get(exerciseId);
    if (entry !== undefined && (virtualMs === null || virtualMs <= entry.checkpointMs)) entry.stale = true;
  }

  // ---------------------------------------------------------------------------------------------
  // Per-user reads
  // ---------------------------------------------------------------------------------------------

  /** Instructors and reviewers: any team, full detail. Trainees: their own team after the finish, or during the run if the visibility is own/full. */
  async teamScoreFor(user: AuthenticatedUser, exerciseId: string, teamId: string): Promise<TeamScore> {
    const access = await this.exercises.access(user, exerciseId);
    this.requireTeam(access.teamIds, teamId);
    const detail: ScoreDetail = 'full';
    if (!access.canControl && access.teamId !== null) {
      if (access.teamId !== teamId) throw new AppError('NOT_TEAM_MEMBER', 'You can only read your own team\'s score');
      const status = access.exercise.status;
      const visibility = access.exercise.scoreVisibility;
      if (status !== 'finished') {
        if (!(visibility === 'own' || visibility === 'full')) throw new AppError('FORBIDDEN', 'Scores are not visible to trainees during this exercise');
        if ((await this.frozenRows(exerciseId)) !== null) throw new AppError('FORBIDDEN', 'The scoreboard is frozen');
        // Line items, parts, breakdowns and key-derived metrics would tell trainees the answer key
        // (which alerts are real, how many responses are expected) while the drill still runs; and
        // the figures are the checkpoint board's, which no action moves before the next checkpoint.
        const board = await this.traineeBoard(access.exercise);
        const score = board.scores.get(teamId);
        if (score === undefined) throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
        return redactForTrainee(score);
      }
    }
    await this.awaitFinal(exerciseId);
    return this.teamScore(exerciseId, teamId, { detail });
  }

  /** The after-action review of one team (instructors/reviewers: any team; trainees: their own, after the finish). */
  async reviewFor(user: AuthenticatedUser, exerciseId: string, teamId: string): Promise<AfterActionReview> {
    const access = await this.exercises.access(user, exerciseId);
    this.requireTeam(access.teamIds, teamId);
    if (!access.canControl && access.teamId !== null) {
      if (access.teamId !== teamId) throw new AppError('NOT_TEAM_MEMBER', 'You can only read your own team\'s review');
      if (access.exercise.status !== 'finished') throw new AppError('EXERCISE_INVALID_STATE', 'The review opens when the exercise is finished');
    }
    await this.awaitFinal(exerciseId);
    return this.review(exerciseId, teamId);
  }

  /** Builds the review from the team's (stored or live) full score, the scenario and the team's logs. */
  async review(exerciseId: string, teamId: string): Promise<AfterActionReview> {
    const exercise = await this.exercise(exerciseId);
    const roster = await this.roster(exerciseId);
    const stored = exercise.status === 'finished' ? await this.storedCurrent(exercise, teamId, 'full') : null;
    const scenario = await this.scoringScenario(stored?.scenarioVersionId ?? exercise.scenarioVersionId);
    const log = await teamLogOf(this.dataSource, await readExerciseLog(this.dataSource, exerciseId, [teamId], { sealed: exercise.status === 'finished' }), teamId);
    const score = stored?.rows[0] ? (JSON.parse(stored.rows[0].scoreJson) as TeamScore) : await this.teamScore(exerciseId, teamId, { detail: 'full' });
    const adjustments = (await this.adjustmentsByTeam(exerciseId)).get(teamId) ?? [];
    const namer = await this.alertRefs.namer(exerciseId);
    return buildAfterActionReview({
      refOf: (eventId) => namer.refOf(eventId),
      exerciseId,
      teamId,
      teamName: roster.names.get(teamId) ?? teamId,
      scenario: scenario.scenario,
      score,
      delivered: log.delivered,
      actions: log.actions,
      adjustments,
    });
  }

  private requireTeam(teamIds: readonly string[], teamId: string): void {
    if (!teamIds.includes(teamId)) throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
  }

  /** Exercise scores for instructors and reviewers of the exercise (REST). */
  async exerciseScoresFor(user: AuthenticatedUser, exerciseId: string, detail: ScoreDetail): Promise<ExerciseScores> {
    const access = await this.exercises.access(user, exerciseId);
    if (!access.canControl && access.teamId !== null) throw new AppError('FORBIDDEN', 'Only instructors and reviewers read every team\'s score');
    await this.awaitFinal(exerciseId);
    return this.exerciseScores(exerciseId, { detail });
  }

  // ---------------------------------------------------------------------------------------------
  // Loading
  // ---------------------------------------------------------------------------------------------

  private async exercise(exerciseId: string): Promise<ExerciseEntity> {
    const exercise = await this.dataSource.getRepository(ExerciseEntity).findOne({ where: { id: exerciseId } });
    if (!exercise) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
    return exercise;
  }

  private roster(exerciseId: string): Promise<Roster> {
    let roster = this.rosters.get(exerciseId);
    if (!roster) {
      roster = this.loadRoster(exerciseId);
      this.rosters.set(exerciseId, roster);
      roster.catch(() => this.rosters.delete(exerciseId));
      trim(this.rosters);
    }
    return roster;
  }

  private async loadRoster(exerciseId: string): Promise<Roster> {
    const teams = await this.dataSource.getRepository(ExerciseTeamEntity).find({ where: { exerciseId }, order: { ordinal: 'ASC' } });
    const members = teams.length ? await this.dataSource.getRepository(ExerciseMemberEntity).find({ where: { teamId: In(teams.map((t) => t.id)) } }) : [];
    return {
      teams: teams.map((t) => ({ id: t.id, name: t.name, memberIds: members.filter((m) => m.teamId === t.id).map((m) => m.userId).sort() })),
      names: new Map(teams.map((t) => [t.id, t.name])),
    };
  }

  private scoringScenario(versionId: string): Promise<ScoringScenario> {
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
      trim(this.scenarios);
    }
    return scenario;
  }
}

/**
 * A running team's own score as a trainee may see it: the total and the component scores, plus
 * the metrics that only count what the team did; nothing derived from the answer key.
 */
function redactForTrainee(score: TeamScore): TeamScore {
  const component = (c: TeamScore['components']['detection']) => ({ ...c, items: [], parts: [], unclamped: c.score });
  const m = score.metrics;
  return {
    ...score,
    // The seed decides noise and delivery instants: not for trainees while the run goes on.
    seed: null,
    components: { detection: component(score.components.detection), response: component(score.components.response), coordination: component(score.components.coordination), incident: component(score.components.incident) },
    breakdowns: { layers: [], phases: [], techniques: [] },
    members: [],
    // When it last earned points would date the settled verdict that counted.
    lastScoringActionMs: null,
    metrics: {
      alertsDelivered: m.alertsDelivered,
      alertsAcknowledged: m.alertsAcknowledged,
      meanTimeToAcknowledgeMs: m.meanTimeToAcknowledgeMs,
      meanTimeToVerdictMs: m.meanTimeToVerdictMs,
      meanTimeToContainMs: null,
      truePositivesDelivered: 0,
      truePositivesDetected: 0,
      detectionRate: null,
      falsePositiveRate: null,
      reportsDue: 0,
      reportsOnTime: 0,
      responsesDue: 0,
      responsesInWindow: 0,
      harmfulActions: 0,
      hintsUsed: m.hintsUsed,
    },
  };
}

/** Live while the exercise may still change (pending alerts are not judged yet); final once it ended. */
function phaseOf(exercise: ExerciseEntity): 'live' | 'final' {
  return exercise.status === 'finished' || exercise.status === 'aborted' ? 'final' : 'live';
}

function storedScore(row: ExerciseScoreEntity, detail: ScoreDetail): TeamScore {
  return JSON.parse(detail === 'full' ? row.scoreJson : row.summaryJson) as TeamScore;
}

function trim<T>(map: Map<string, T>): void {
  while (map.size > MAX_CACHED) {
    const oldest = map.keys().next().value;
    if (oldest === undefined) return;
    map.delete(oldest);
  }
}
