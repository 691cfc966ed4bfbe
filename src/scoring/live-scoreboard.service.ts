import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import type { ScoreboardControl, ScoreboardRow, ScoreboardView, TeamScore } from '../contracts/scoring.schema.js';
import { ExerciseBus, type ExerciseMessage } from '../exercises/exercise-bus.js';
import { ExerciseEntity } from '../exercises/exercise.entity.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { ExerciseScoresService, storedSummary } from './exercise-scores.service.js';
import { LIVE_INTERVAL_MS, liveIntervalMs } from './live-interval.js';
import { LiveTeamLogs } from './live-team-logs.js';
import { ScoreCalculator, type ComputedScores, type ScoringScenario } from './score-calculator.service.js';
import { boardRows, instructorView, traineeView, type BoardMeta, type ScoreVisibility } from './scoreboard-view.js';
import { ScoreboardStateEntity } from './scoring.entity.js';
import { checkpointAt, triageWindowMs } from './settlement.js';
import { scoreTeamLog, settledLogAt } from './team-log-scoring.js';

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
  /** The exercise's logs in memory, extended from the bus (read from the exercise log when stale). */
  readonly logs: LiveTeamLogs;
}

/** Every team's figures as of one checkpoint: all trainees may see during the run (docs/scoring.md). */
export interface TraineeBoard {
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

type BoardState = { meta: BoardMeta; rows: ScoreboardRow[]; source: 'live' | 'final' };

const MAX_CACHED = 64;
/** While an exercise runs, deliveries must stay on time: yield to them after every few ms of scoring. */
const LIVE_YIELD_EVERY_MS = 5;

/**
 * The scoreboard: recomputed live (at most once per interval, only the teams that changed) while
 * an exercise runs, the trainees' checkpoint board, visibility and freeze, and publishing the board
 * on the exercise bus. When the exercise finishes it has its final scores stored.
 */
@Injectable()
export class LiveScoreboardService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveScoreboardService.name);
  private readonly boards = new Map<string, LiveBoard>();
  private readonly traineeBoards = new LRUCache<string, TraineeBoardEntry>({ max: MAX_CACHED });
  /** What each exercise's trainees were last sent (their rows, visibility and freeze), to send only changes. */
  private readonly traineePushed = new LRUCache<string, string>({ max: MAX_CACHED });
  /** Per exercise: the last board publication queued (see publishBoard). */
  private readonly publishing = new Map<string, Promise<void>>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ScoreCalculator) private readonly calculator: ScoreCalculator,
    @Inject(ExerciseScoresService) private readonly scores: ExerciseScoresService,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.bus.subscribe((message) => this.onBusMessage(message));
  }

  async onModuleDestroy(): Promise<void> {
    this.unsubscribe?.();
    for (const board of this.boards.values()) if (board.timer) clearTimeout(board.timer);
    await Promise.allSettled([...this.boards.values()].map((b) => b.running ?? Promise.resolve()));
    this.boards.clear();
  }

  /** The scoreboard as `user` may see it (instructors everything live; trainees per the visibility). */
  async scoreboardFor(user: AuthenticatedUser, exerciseId: string): Promise<ScoreboardView> {
    const access = await this.exercises.access(user, exerciseId);
    if (access.canControl || access.teamId === null) {
      const { meta, rows, source } = await this.boardState(access.exercise);
      return instructorView(meta, rows, source);
    }
    const { meta, rows, source } = await this.traineeBoardState(access.exercise);
    const roster = await this.calculator.roster(exerciseId);
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

  /** The trainees' frozen rows, or null when their board is not frozen. */
  async frozenRows(exerciseId: string): Promise<ScoreboardRow[] | null> {
    const state = await this.scoreboardState(exerciseId);
    return state?.frozen && state.frozenRowsJson ? (JSON.parse(state.frozenRowsJson) as ScoreboardRow[]) : null;
  }

  /** Something changed a running team's score outside the log (an adjustment): recompute it and the trainees' board. */
  changed(exerciseId: string, teamId: string): void {
    this.traineeBoardTouched(exerciseId, null);
    this.markDirty(exerciseId, [teamId]);
  }

  /** Publishes the board now (after a control change or a re-score), without waiting for a delivery. */
  publishSoon(exerciseId: string): void {
    void this.publishBoard(exerciseId, { force: true }).catch((error: unknown) =>
      this.logger.error(`Exercise ${exerciseId}: could not publish the scoreboard: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /**
   * The board trainees may see: the stored final scores once finished; before that every team
   * scored as of the last checkpoint (a fixed grid of one triage window), counting only alerts
   * settled by then. It moves at checkpoints whatever a team does, so acting and re-reading tells
   * nothing about an alert's key (docs/scoring.md, "What trainees see").
   */
  async traineeBoard(exercise: ExerciseEntity): Promise<TraineeBoard> {
    const scenario = await this.calculator.scenario(exercise.scenarioVersionId);
    const windowMs = triageWindowMs(scenario.scenario);
    const checkpointMs = checkpointAt(this.calculator.virtualNow(exercise, scenario.scenario), windowMs);
    const cached = this.traineeBoards.get(exercise.id);
    if (cached !== undefined && cached.checkpointMs === checkpointMs && !cached.stale) return cached.board;
    const entry: TraineeBoardEntry = { checkpointMs, board: this.computeTraineeBoard(exercise, scenario, checkpointMs, windowMs), stale: false };
    this.traineeBoards.set(exercise.id, entry);
    entry.board.catch(() => {
      if (this.traineeBoards.get(exercise.id) === entry) this.traineeBoards.delete(exercise.id);
    });
    return entry.board;
  }

  /**
   * Sends the board to the gateway: instructors get it live; each team's trainees get what the
   * visibility allows, from the frozen rows while frozen (then only on a forced publish, i.e. a
   * control change: a live update changes nothing they may see).
   */
  /**
   * One publication at a time per exercise, in the order asked: one that read the board before the
   * end must not land after the final board.
   */
  private publishBoard(exerciseId: string, options: { force: boolean; justComputed?: boolean }): Promise<void> {
    const previous = this.publishing.get(exerciseId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.publishBoardNow(exerciseId, options));
    this.publishing.set(exerciseId, next);
    next
      .finally(() => {
        if (this.publishing.get(exerciseId) === next) this.publishing.delete(exerciseId);
      })
      .catch(() => undefined);
    return next;
  }

  private async publishBoardNow(exerciseId: string, options: { force: boolean; justComputed?: boolean }): Promise<void> {
    const liveBoard = options.justComputed === true ? this.boards.get(exerciseId) : undefined;
    const exercise = await this.calculator.exercise(exerciseId);
    const { meta, rows, source } = await this.boardState(exercise, { justComputed: options.justComputed ?? false });
    const roster = await this.calculator.roster(exerciseId);
    // Trainees get the checkpoint board, and only when what they may see changed (or on a forced publish).
    const trainee = await this.traineeBoardState(exercise);
    const frozenRows = trainee.meta.frozen ? await this.frozenRows(exerciseId) : null;
    // A live recomputation read before the exercise ended must not land after its final board.
    if (options.justComputed === true && (liveBoard === undefined || this.boards.get(exerciseId) !== liveBoard)) return;
    const seen = JSON.stringify([trainee.meta.visibility, trainee.meta.frozen, trainee.meta.status, frozenRows ?? trainee.rows]);
    const teams: Array<{ teamId: string; view: ScoreboardView }> = [];
    const send = options.force || (trainee.meta.visibility !== 'none' && seen !== this.traineePushed.get(exerciseId));
    if (send) {
      this.traineePushed.set(exerciseId, seen);
      for (const team of roster.teams) {
        teams.push({
          teamId: team.id,
          view: traineeView(trainee.meta, frozenRows ?? trainee.rows, team.id, team.name, frozenRows ? 'frozen' : trainee.source),
        });
      }
    }
    this.bus.publish({ type: 'scores', exerciseId, instructor: instructorView(meta, rows, source), teams });
  }

  private async traineeBoardState(exercise: ExerciseEntity): Promise<BoardState> {
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

  private async computeTraineeBoard(exercise: ExerciseEntity, scenario: ScoringScenario, checkpointMs: number, windowMs: number): Promise<TraineeBoard> {
    const roster = await this.calculator.roster(exercise.id);
    const logs = (await this.calculator.teamLogs(exercise.id, roster.teamIds, true)).teams;
    const adjustments = await this.calculator.adjustmentsByTeam(exercise.id);
    const scores = new Map<string, TeamScore>();
    let sliceStarted = performance.now();
    for (const team of roster.teams) {
      if (performance.now() - sliceStarted > LIVE_YIELD_EVERY_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        sliceStarted = performance.now();
      }
      scores.set(
        team.id,
        scoreTeamLog(scenario, {
          exerciseId: exercise.id,
          seed: exercise.seed,
          teamId: team.id,
          memberIds: team.memberIds,
          log: settledLogAt(logs.get(team.id) ?? { delivered: [], actions: [] }, checkpointMs, windowMs),
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

  private async scoreboardState(exerciseId: string): Promise<ScoreboardStateEntity | null> {
    return this.dataSource.getRepository(ScoreboardStateEntity).findOne({ where: { exerciseId } });
  }

  /** The current board (totals of every team): final rows once stored, else live. */
  private async boardState(exercise: ExerciseEntity, options: { readonly justComputed?: boolean } = {}): Promise<BoardState> {
    const roster = await this.calculator.roster(exercise.id);
    const state = await this.scoreboardState(exercise.id);
    const adjustments = await this.calculator.adjustmentsByTeam(exercise.id);
    const sums = new Map([...adjustments].map(([teamId, list]) => [teamId, list.reduce((s, a) => s + a.points, 0)]));
    let scores: TeamScore[];
    let source: 'live' | 'final' = 'live';
    let computedAt = new Date().toISOString();
    const stored = exercise.status === 'finished' ? await this.scores.storedCurrent(exercise) : null;
    if (stored !== null) {
      scores = stored.rows.map((r) => storedSummary(r));
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
        const scenario = await this.calculator.scenario(exercise.scenarioVersionId);
        scores = [...(await this.calculator.computeFromLogs(exercise, scenario, { detail: 'totals' })).scores.values()];
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
        this.traineeBoardTouched(
          message.exerciseId,
          message.events.reduce((min, e) => Math.min(min, e.virtualMs), Number.POSITIVE_INFINITY),
        );
        return;
      case 'action':
        this.markDirty(message.exerciseId, [message.teamId]).logs.action(message.teamId, message.action);
        this.traineeBoardTouched(message.exerciseId, message.action.virtualMs);
        return;
      case 'clock':
        if (message.clock.status === 'finished') {
          // The board's copy of the logs goes to the final scoring, which checks it is the whole log.
          const logs = this.boards.get(message.exerciseId)?.logs.current() ?? null;
          this.dropBoard(message.exerciseId);
          this.scores.finish(message.exerciseId, () => this.publishBoard(message.exerciseId, { force: true }), logs);
        } else if (message.clock.status === 'aborted') this.dropBoard(message.exerciseId);
        return;
      case 'scores':
      case 'heads':
        return;
      default: {
        const _never: never = message;
        this.logger.warn(`Unknown bus message ${JSON.stringify(_never)}`);
      }
    }
  }

  private dropBoard(exerciseId: string): void {
    this.traineeBoards.delete(exerciseId);
    const board = this.boards.get(exerciseId);
    if (board?.timer) clearTimeout(board.timer);
    this.boards.delete(exerciseId);
  }

  private markDirty(exerciseId: string, teamIds: readonly string[]): LiveBoard {
    let board = this.boards.get(exerciseId);
    if (!board) {
      board = {
        totals: new Map(),
        dirty: new Set(),
        timer: null,
        lastRunMs: 0,
        intervalMs: LIVE_INTERVAL_MS,
        running: null,
        initialised: false,
        logs: new LiveTeamLogs(),
      };
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
        .catch((error: unknown) =>
          this.logger.error(`Exercise ${exerciseId}: live scoring failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
        )
        .finally(() => {
          board.intervalMs = liveIntervalMs(Date.now() - started);
          board.running = null;
          if (board.dirty.size > 0 && this.boards.get(exerciseId) === board) this.schedule(exerciseId, board);
        });
    }, wait);
    board.timer.unref();
  }

  private async recomputeLive(exerciseId: string, board: LiveBoard): Promise<void> {
    const exercise = await this.calculator.exercise(exerciseId);
    if (exercise.status !== 'running' && exercise.status !== 'paused') {
      board.dirty.clear();
      return;
    }
    const roster = await this.calculator.roster(exerciseId);
    const scenario = await this.calculator.scenario(exercise.scenarioVersionId);
    const cached = board.logs.current();
    // Without the logs in memory, every team is read (and so scored) once to fill them.
    const teamIds = board.initialised && cached !== null ? [...board.dirty] : roster.teamIds;
    board.dirty.clear();
    let computed: ComputedScores;
    if (cached !== null) {
      computed = await this.calculator.computeFromLogs(exercise, scenario, { detail: 'totals', teamIds, yieldEveryMs: LIVE_YIELD_EVERY_MS, logs: cached });
    } else {
      board.logs.loading();
      try {
        computed = await this.calculator.computeFromLogs(exercise, scenario, { detail: 'totals', teamIds, yieldEveryMs: LIVE_YIELD_EVERY_MS, withLogs: true });
      } catch (error) {
        board.logs.failed();
        throw error;
      }
      if (computed.logs !== null) board.logs.loaded(computed.logs);
    }
    if (this.boards.get(exerciseId) !== board) return;
    for (const [teamId, score] of computed.scores) board.totals.set(teamId, score);
    board.initialised = true;
    await this.publishBoard(exerciseId, { force: false, justComputed: true });
  }
}
