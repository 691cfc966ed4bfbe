import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import type { ScoreVersion, TeamScore } from '../contracts/scoring.schema.js';
import type { ExerciseEntity } from '../exercises/exercise.entity.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { ScoreCalculator, type ExerciseScores, type ScoreDetail } from './score-calculator.service.js';
import { ExerciseScoreEntity } from './scoring.entity.js';
import { totalsView } from './team-log-scoring.js';

/** Score rows written per INSERT when a version is stored. */
const STORE_ROWS_PER_INSERT = 4;

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
        const teams = stored.rows.map((row) => {
          const team = roster.teams.find((t) => t.id === row.teamId);
          return { teamId: row.teamId, teamName: team?.name ?? row.teamId, memberIds: team?.memberIds ?? [], score: storedScore(row, detail), rank: row.rank };
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
      const row = stored?.rows[0];
      if (row !== undefined) return storedScore(row, detail);
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
    input: { scenarioVersionId?: string; reason: string; actor: AuthenticatedUser | null; auditAction?: string; heavyJobFor?: string },
  ): Promise<ScoreVersion> {
    const exercise = await this.calculator.exercise(exerciseId);
    const previous = await this.storedCurrent(exercise);
    const scenario = await this.calculator.scenario(input.scenarioVersionId ?? previous?.scenarioVersionId ?? exercise.scenarioVersionId);
    const endMs = this.calculator.virtualNow(exercise, scenario.scenario);
    // As stored: the full scores come back as JSON text, the totals as objects.
    const computed = await this.calculator.computeFromLogs(exercise, scenario, {
      detail: 'full',
      endMs,
      stored: true,
      ...(input.heavyJobFor === undefined ? {} : { heavyJobFor: input.heavyJobFor }),
    });
    const roster = await this.calculator.roster(exerciseId);
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
        scoreJson: fullJson(computed.json, t.teamId),
        summaryJson: JSON.stringify(totalsView(t.score)),
        reason: input.reason,
        computedAt: assembled.computedAt,
        computedBy: input.actor?.id ?? null,
        current: true,
      }));
      // A full score can be most of a megabyte of JSON: a few rows per statement, yielding between
      // them, so writing a whole exercise's version never holds the event loop for long.
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

  /** The exercise finished: stores its final scores (version 1) unless stored already; `then` runs after (the board). */
  finish(exerciseId: string, then: () => Promise<void>): void {
    const job = (async () => {
      const exercise = await this.calculator.exercise(exerciseId);
      if ((await this.storedCurrent(exercise)) === null) await this.storeFinal(exerciseId, { reason: 'exercise finished', actor: null });
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

export function storedScore(row: ExerciseScoreEntity, detail: ScoreDetail): TeamScore {
  return JSON.parse(detail === 'full' ? row.scoreJson : row.summaryJson) as TeamScore;
}

/** A team's full score as computed for storing (never its totals view in its place). */
function fullJson(json: ReadonlyMap<string, string> | null, teamId: string): string {
  const text = json?.get(teamId);
  if (text === undefined) throw new Error(`no full score computed for team ${teamId}`);
  return text;
}
