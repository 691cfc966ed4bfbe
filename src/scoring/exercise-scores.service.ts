import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import type { ScoreVersion, TeamScore } from '../contracts/scoring.schema.js';
import type { ExerciseEntity } from '../exercises/exercise.entity.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { phaseOf, ScoreCalculator, type ExerciseScores, type ScoreDetail, type TeamScoringInputs } from './score-calculator.service.js';
import { ExerciseScoreEntity } from './scoring.entity.js';
import type { TeamLog } from './team-log-scoring.js';

/** Score rows written per INSERT when a version is stored. */
const STORE_ROWS_PER_INSERT = 4;
/** Scoring from logs at hand runs in the server thread: yield to requests and sockets after this many ms. */
const LOGS_AT_HAND_YIELD_EVERY_MS = 5;

/** The current stored version of an exercise's scores (all teams, or one). */
export interface StoredScores {
  readonly versionNo: number;
  readonly scenarioVersionId: string;
  readonly computedAt: string;
  readonly rows: ExerciseScoreEntity[];
}

/**
 * Every team's score of an exercise: computed from the logs while it runs, stored as versions once
 * it is finished (never overwritten). The interface the result dashboards build on; no user checks
 * (callers authorize).
 */
@Injectable()
export class ExerciseScoresService implements OnModuleDestroy {
  private readonly logger = new Logger(ExerciseScoresService.name);
  /** Finish-time scoring under way, by exercise. */
  private readonly finalizing = new Map<string, Promise<void>>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ScoreCalculator) private readonly calculator: ScoreCalculator,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.finalizing.values()]);
  }

  /** Live (computed from the logs) for running/paused exercises; the stored current final score for finished ones. */
  async exerciseScores(exerciseId: string, options: { detail?: ScoreDetail } = {}): Promise<ExerciseScores> {
    const detail = options.detail ?? 'full';
    const exercise = await this.calculator.exercise(exerciseId);
    const roster = await this.calculator.roster(exerciseId);
    if (exercise.status === 'finished') {
      const stored = await this.storedCurrent(exercise, undefined, detail);
      if (stored !== null) {
        const scenario = await this.calculator.scenario(stored.scenarioVersionId);
        const scores = await this.storedScores(exercise, stored, detail);
        const teams = stored.rows.map((row) => {
          const team = roster.teams.find((t) => t.id === row.teamId);
          return { teamId: row.teamId, teamName: team?.name ?? row.teamId, memberIds: team?.memberIds ?? [], score: scores.get(row.teamId)!, rank: row.rank };
        });
        teams.sort((a, b) => a.rank - b.rank || (a.teamId < b.teamId ? -1 : 1));
        return {
          exerciseId,
          scenarioId: scenario.scenarioId,
          scenarioVersionId: scenario.versionId,
          status: exercise.status,
          computedAt: stored.computedAt,
          teams,
        };
      }
    }
    return this.scoresFromLogs(exerciseId, { detail });
  }

  /**
   * Every team's score computed from the logs against the exercise's scenario version, even when
   * final scores are stored (what a re-score computes; the benchmark measures it).
   */
  async scoresFromLogs(exerciseId: string, options: { detail?: ScoreDetail } = {}): Promise<ExerciseScores> {
    const exercise = await this.calculator.exercise(exerciseId);
    const roster = await this.calculator.roster(exerciseId);
    const scenario = await this.calculator.scenario(exercise.scenarioVersionId);
    const computed = await this.calculator.computeFromLogs(exercise, scenario, { detail: options.detail ?? 'full' });
    return this.calculator.assemble(exercise, scenario, roster, computed.scores, new Date().toISOString());
  }

  async teamScore(exerciseId: string, teamId: string, options: { detail?: ScoreDetail } = {}): Promise<TeamScore> {
    const detail = options.detail ?? 'full';
    const exercise = await this.calculator.exercise(exerciseId);
    const roster = await this.calculator.roster(exerciseId);
    if (!roster.teamIds.includes(teamId))
      throw new AppError('VALIDATION_FAILED', 'No such team in this exercise', [{ path: 'teamId', message: 'unknown team' }]);
    if (exercise.status === 'finished') {
      const stored = await this.storedCurrent(exercise, teamId, detail);
      if (stored !== null) {
        const score = (await this.storedScores(exercise, stored, detail)).get(teamId);
        if (score !== undefined) return score;
      }
    }
    const scenario = await this.calculator.scenario(exercise.scenarioVersionId);
    const computed = await this.calculator.computeFromLogs(exercise, scenario, { detail, teamIds: [teamId] });
    return computed.scores.get(teamId)!;
  }

  /**
   * Computes every team's final score and stores it as a new current version. Used when the
   * exercise finishes, on re-scoring and after an adjustment; earlier versions stay.
   */
  async storeFinal(
    exerciseId: string,
    input: {
      scenarioVersionId?: string;
      reason: string;
      actor: AuthenticatedUser | null;
      auditAction?: string;
      /** A copy of the teams' logs at hand (the live board's at the finish): used if it is the whole log. */
      logs?: ReadonlyMap<string, TeamLog> | null;
      /** A user's re-scoring: scored within the heavy-job limits (see ComputeOptions.heavyJobFor). */
      heavyJobFor?: string;
    },
  ): Promise<ScoreVersion> {
    const exercise = await this.calculator.exercise(exerciseId);
    const previous = await this.storedCurrent(exercise);
    const scenario = await this.calculator.scenario(input.scenarioVersionId ?? previous?.scenarioVersionId ?? exercise.scenarioVersionId);
    const endMs = this.calculator.virtualNow(exercise, scenario.scenario);
    const roster = await this.calculator.roster(exerciseId);
    const inputs = await this.calculator.currentInputs(exerciseId, roster);
    const phase = phaseOf(exercise);
    // Only the totals are computed and stored: a full score's line items come from the same inputs and
    // the finished exercise's log whenever a review or a report asks for them (storedScores), byte for byte.
    // The live board's copy of the logs, when it is the whole log, spares reading it again: its
    // totals are computed here in slices of a few ms, as the live board computes them.
    const logs = input.logs != null && (await this.calculator.logsAreComplete(exerciseId, roster.teamIds, input.logs)) ? input.logs : undefined;
    const computed = await this.calculator.computeFromLogs(exercise, scenario, {
      detail: 'totals',
      endMs,
      phase,
      inputs,
      ...(logs === undefined ? {} : { logs, yieldEveryMs: LOGS_AT_HAND_YIELD_EVERY_MS }),
      ...(input.heavyJobFor === undefined ? {} : { heavyJobFor: input.heavyJobFor }),
    });
    const assembled = this.calculator.assemble(exercise, scenario, roster, computed.scores, new Date().toISOString());
    const versionNo = await serialTransaction(this.dataSource, async (manager) => {
      const repository = manager.getRepository(ExerciseScoreEntity);
      const last = await repository
        .createQueryBuilder('s')
        .select('MAX(s.version_no)', 'max')
        .where('s.exercise_id = :id', { id: exerciseId })
        .getRawOne<{ max: number | null }>();
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
        scoreJson: '',
        scoreInputs: JSON.stringify(storedInputs(inputs.get(t.teamId), endMs, phase)),
        summaryJson: JSON.stringify(t.score),
        reason: input.reason,
        computedAt: assembled.computedAt,
        computedBy: input.actor?.id ?? null,
        current: true,
      }));
      // A few rows per statement, yielding between them, so writing a whole exercise's version never
      // holds the event loop for long.
      for (let i = 0; i < rows.length; i += STORE_ROWS_PER_INSERT) {
        if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
        await repository.insert(rows.slice(i, i + STORE_ROWS_PER_INSERT));
      }
      if (input.auditAction !== undefined) {
        await this.audit.record(
          {
            actor: input.actor,
            action: input.auditAction,
            targetType: 'exercise',
            targetId: exerciseId,
            before:
              previous === null
                ? null
                : {
                    versionNo: previous.versionNo,
                    scenarioVersionId: previous.scenarioVersionId,
                    totals: Object.fromEntries(previous.rows.map((r) => [r.teamId, r.total])),
                  },
            after: {
              versionNo: next,
              scenarioVersionId: scenario.versionId,
              reason: input.reason,
              totals: Object.fromEntries(assembled.teams.map((t) => [t.teamId, t.score.total])),
            },
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

  /**
   * The exercise finished: stores its final scores (version 1) unless stored already; `then` runs
   * after (the board). `logs`: the live board's copy of the teams' logs, if it has one.
   */
  finish(exerciseId: string, then: () => Promise<void>, logs: ReadonlyMap<string, TeamLog> | null = null): void {
    const job = (async () => {
      const exercise = await this.calculator.exercise(exerciseId);
      if ((await this.storedCurrent(exercise)) === null) await this.storeFinal(exerciseId, { reason: 'exercise finished', actor: null, logs });
      await then();
    })().catch((error: unknown) => {
      this.logger.error(`Exercise ${exerciseId}: could not store the final scores: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
    this.finalizing.set(exerciseId, job);
    void job.finally(() => {
      if (this.finalizing.get(exerciseId) === job) this.finalizing.delete(exerciseId);
    });
  }

  /** Waits for the finish-time scoring of an exercise, if it is still being stored. */
  async awaitFinal(exerciseId: string): Promise<void> {
    await this.finalizing.get(exerciseId)?.catch(() => undefined);
    const exercise = await this.calculator.exercise(exerciseId);
    if (exercise.status === 'finished' && (await this.storedCurrent(exercise)) === null) {
      await this.storeFinal(exerciseId, { reason: 'exercise finished', actor: null });
    }
  }

  /**
   * The scores of stored rows at a detail: 'totals' from their summaries; 'full' from the full JSON
   * of versions stored with it, else recomputed from the finished exercise's log with the inputs the
   * version recorded (the scorer is pure and the log no longer changes, so it is what was scored).
   */
  async storedScores(exercise: ExerciseEntity, stored: StoredScores, detail: ScoreDetail): Promise<Map<string, TeamScore>> {
    const scores = new Map<string, TeamScore>();
    if (detail === 'totals') {
      for (const row of stored.rows) scores.set(row.teamId, storedSummary(row));
      return scores;
    }
    // Rows to recompute, by what they were computed with (one group for a whole version).
    const groups = new Map<string, { scenarioVersionId: string; endMs: number; phase: 'live' | 'final'; inputs: Map<string, TeamScoringInputs> }>();
    for (const row of stored.rows) {
      if (row.scoreInputs === null || row.scoreInputs === undefined) {
        scores.set(row.teamId, JSON.parse(row.scoreJson) as TeamScore);
        continue;
      }
      const recorded = JSON.parse(row.scoreInputs) as StoredScoreInputs;
      const key = `${row.scenarioVersionId} ${recorded.endMs} ${recorded.phase}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { scenarioVersionId: row.scenarioVersionId, endMs: recorded.endMs, phase: recorded.phase, inputs: new Map() };
        groups.set(key, group);
      }
      group.inputs.set(row.teamId, { memberIds: recorded.memberIds, adjustments: recorded.adjustments });
    }
    for (const group of groups.values()) {
      const scenario = await this.calculator.scenario(group.scenarioVersionId);
      const computed = await this.calculator.computeFromLogs(exercise, scenario, {
        detail: 'full',
        teamIds: [...group.inputs.keys()],
        endMs: group.endMs,
        phase: group.phase,
        inputs: group.inputs,
      });
      for (const [teamId, score] of computed.scores) scores.set(teamId, score);
    }
    return scores;
  }

  /** The current stored version; with detail 'totals' (the default) the small summaries only, never the line items. */
  async storedCurrent(exercise: ExerciseEntity, teamId?: string, detail: ScoreDetail = 'totals'): Promise<StoredScores | null> {
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
        scoreInputs: detail === 'full',
        reason: true,
        computedAt: true,
        computedBy: true,
        current: true,
      },
    });
    if (rows.length === 0) return null;
    return { versionNo: rows[0].versionNo, scenarioVersionId: rows[0].scenarioVersionId, computedAt: rows[0].computedAt, rows };
  }

  /** Every stored version with its teams' totals (oldest first). */
  async versions(exerciseId: string): Promise<ScoreVersion[]> {
    const roster = await this.calculator.roster(exerciseId);
    const rows = await this.dataSource.getRepository(ExerciseScoreEntity).find({
      where: { exerciseId },
      order: { versionNo: 'ASC', rank: 'ASC' },
      select: {
        teamId: true,
        scenarioVersionId: true,
        versionNo: true,
        total: true,
        index: true,
        rank: true,
        reason: true,
        computedAt: true,
        computedBy: true,
        current: true,
      },
    });
    const versions: ScoreVersion[] = [];
    for (const row of rows) {
      let version = versions[versions.length - 1];
      if (version === undefined || version.versionNo !== row.versionNo) {
        const scenario = await this.calculator.scenario(row.scenarioVersionId);
        version = {
          versionNo: row.versionNo,
          scenarioVersionId: row.scenarioVersionId,
          scenarioVersion: scenario.version,
          reason: row.reason,
          computedAt: row.computedAt,
          computedBy: row.computedBy,
          current: Boolean(row.current),
          teams: [],
        };
        versions.push(version);
      }
      (version.teams as ScoreVersion['teams'][number][]).push({
        teamId: row.teamId,
        teamName: roster.names.get(row.teamId) ?? row.teamId,
        total: row.total,
        index: row.index,
        rank: row.rank,
      });
    }
    return versions;
  }
}

/** A stored row's totals (its summary; a board, a ranking). */
export function storedSummary(row: ExerciseScoreEntity): TeamScore {
  return JSON.parse(row.summaryJson) as TeamScore;
}

/** What a stored version records to recompute a team's full score from the exercise's log. */
interface StoredScoreInputs extends TeamScoringInputs {
  readonly endMs: number;
  readonly phase: 'live' | 'final';
}

function storedInputs(team: TeamScoringInputs | undefined, endMs: number, phase: 'live' | 'final'): StoredScoreInputs {
  return { memberIds: team?.memberIds ?? [], adjustments: team?.adjustments ?? [], endMs, phase };
}
