import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { AlertRefNamer, TeamAlertRefIndex } from './alert-refs.js';
import { ExerciseLogRepository } from '../exercise-log/exercise-log.repository.js';
import { ExerciseEntity } from './exercise.entity.js';

/** Namers and indexes are rebuilt from the database when evicted, so the caches only bound memory. */
const MAX_CACHED_EXERCISES = 256;

interface ExerciseRefs {
  readonly namer: AlertRefNamer;
  readonly teams: Map<string, TeamAlertRefIndex>;
}

/**
 * The opaque alert references of every exercise: internal event id → reference for everything
 * sent out, reference → internal id for what trainees send back.
 *
 * The reverse index of a team is read from the event log, on first use and again whenever an
 * unknown reference arrives. That is always enough: a reference reaches a client only after the
 * event's delivery was committed (the runtime publishes after commit), and commits per team
 * happen in seq order, so the log always holds a gapless prefix of what was delivered.
 */
@Injectable()
export class AlertRefService {
  private readonly exercises = new Map<string, ExerciseRefs>();
  /** The entry at the young end of the eviction order: touching it again moves nothing. */
  private youngest: string | undefined;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ExerciseLogRepository) private readonly log: ExerciseLogRepository,
  ) {}

  /** Makes the salt of an exercise known without a query (the runtime calls this when it loads one). */
  prime(exerciseId: string, salt: string): void {
    if (!this.exercises.has(exerciseId)) this.remember(exerciseId, { namer: new AlertRefNamer(salt), teams: new Map() });
  }

  /** The namer if it is at hand (synchronous paths such as the live broadcast). */
  cached(exerciseId: string): AlertRefNamer | undefined {
    return this.touch(exerciseId)?.namer;
  }

  async namer(exerciseId: string): Promise<AlertRefNamer> {
    return (await this.refs(exerciseId)).namer;
  }

  /** The internal event id behind a reference, if that alert was delivered to the team. */
  async eventIdOf(exerciseId: string, teamId: string, ref: string): Promise<string | undefined> {
    const refs = await this.refs(exerciseId);
    let index = refs.teams.get(teamId);
    if (!index) {
      index = new TeamAlertRefIndex(refs.namer);
      refs.teams.set(teamId, index);
    } else {
      const known = index.eventIdOf(ref);
      if (known !== undefined) return known;
    }
    index.add(await this.log.eventIdsSince(exerciseId, teamId, index.lastSeq));
    return index.eventIdOf(ref);
  }

  private async refs(exerciseId: string): Promise<ExerciseRefs> {
    const cached = this.touch(exerciseId);
    if (cached) return cached;
    const row = await this.dataSource.getRepository(ExerciseEntity).findOne({ where: { id: exerciseId }, select: { id: true, alertSalt: true } });
    if (!row) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
    // Another caller may have loaded it meanwhile: keep the first, its index may hold more.
    const again = this.exercises.get(exerciseId);
    if (again) return again;
    const refs: ExerciseRefs = { namer: new AlertRefNamer(row.alertSalt), teams: new Map() };
    this.remember(exerciseId, refs);
    return refs;
  }

  /**
   * The cached entry, moved to the young end of the eviction order. Every action and broadcast
   * looks its exercise up, nearly always the one looked up last: moving it anyway (a delete and a
   * set) cost 1.4 % of the server thread at 5,000 actions/s.
   */
  private touch(exerciseId: string): ExerciseRefs | undefined {
    const refs = this.exercises.get(exerciseId);
    if (refs && this.youngest !== exerciseId) {
      this.exercises.delete(exerciseId);
      this.exercises.set(exerciseId, refs);
      this.youngest = exerciseId;
    }
    return refs;
  }

  private remember(exerciseId: string, refs: ExerciseRefs): void {
    this.exercises.set(exerciseId, refs);
    this.youngest = exerciseId;
    while (this.exercises.size > MAX_CACHED_EXERCISES) {
      const oldest = this.exercises.keys().next().value;
      if (oldest === undefined) return;
      this.exercises.delete(oldest);
    }
  }
}
