import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import type { TriageAction } from '../contracts/triage.schema.js';
import { ExerciseLogRepository } from '../exercise-log/exercise-log.repository.js';
import { AlertRefNamer, alertIdsOf, renameActionAlertIds, TeamAlertRefIndex } from './alert-refs.js';
import { ExerciseEntity } from './exercise.entity.js';

/** Namers and indexes are rebuilt from the database when evicted, so the cache only bounds memory. */
const MAX_CACHED_EXERCISES = 256;
/** Prefix of the placeholder for an unknown alert reference: no scenario event id can contain a NUL. */
const UNRESOLVED_REF = '\u0000unresolved-';

interface ExerciseRefs {
  readonly namer: AlertRefNamer;
  readonly teams: Map<string, TeamAlertRefIndex>;
}

/** A trainee's action with its alert references replaced by event ids. */
export interface ResolvedAction {
  readonly action: TriageAction;
  /** Each reference with the id it stood for (for refusal texts, see withRefsInText). */
  readonly pairs: ReadonlyArray<{ readonly id: string; readonly ref: string }>;
  /** References that named nothing delivered to the team. */
  readonly unresolved: number;
}

/**
 * The one owner of alert-reference translation: internal event id → reference for everything
 * sent out (through the exercise's AlertRefNamer), reference → internal id for what trainees send back.
 *
 * The reverse index of a team is read from the event log, on first use and again whenever an
 * unknown reference arrives. That is always enough: a reference reaches a client only after the
 * event's delivery was committed (the runtime publishes after commit), and commits per team
 * happen in seq order, so the log always holds a gapless prefix of what was delivered.
 */
@Injectable()
export class AlertRefService {
  /** Least recently used exercises are dropped first; every action and broadcast looks its exercise up. */
  private readonly exercises = new LRUCache<string, ExerciseRefs>({ max: MAX_CACHED_EXERCISES });

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ExerciseLogRepository) private readonly log: ExerciseLogRepository,
  ) {}

  /** Makes the salt of an exercise known without a query (the runtime calls this when it loads one). */
  prime(exerciseId: string, salt: string): void {
    if (!this.exercises.has(exerciseId)) this.exercises.set(exerciseId, { namer: new AlertRefNamer(salt), teams: new Map() });
  }

  /** The namer if it is at hand (synchronous paths such as the live broadcast). */
  cached(exerciseId: string): AlertRefNamer | undefined {
    return this.exercises.get(exerciseId)?.namer;
  }

  /** The exercise's namer: everything sent to clients names alerts through it. */
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

  /**
   * A trainee's action with its alert references replaced by event ids. A reference that names
   * nothing delivered to this team (made up, another team's, a raw event id) becomes a placeholder
   * no event has, so the reducer refuses it exactly like an undelivered alert, after the same
   * exercise-state checks: probing learns nothing.
   */
  async resolveAction(input: TriageAction, teamId: string): Promise<ResolvedAction> {
    const resolved = new Map<string, string>();
    let unresolved = 0;
    for (const { id: ref } of alertIdsOf(input)) {
      if (resolved.has(ref)) continue;
      const eventId = await this.eventIdOf(input.exerciseId, teamId, ref);
      if (eventId === undefined) unresolved += 1;
      resolved.set(ref, eventId ?? `${UNRESOLVED_REF}${unresolved}`);
    }
    return {
      action: renameActionAlertIds(input, (ref) => resolved.get(ref)!),
      pairs: [...resolved].map(([ref, id]) => ({ id, ref })),
      unresolved,
    };
  }

  private async refs(exerciseId: string): Promise<ExerciseRefs> {
    const cached = this.exercises.get(exerciseId);
    if (cached) return cached;
    const row = await this.dataSource.getRepository(ExerciseEntity).findOne({ where: { id: exerciseId }, select: { id: true, alertSalt: true } });
    if (!row) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
    // Another caller may have loaded it meanwhile: keep the first, its index may hold more.
    const again = this.exercises.get(exerciseId);
    if (again) return again;
    const refs: ExerciseRefs = { namer: new AlertRefNamer(row.alertSalt), teams: new Map() };
    this.exercises.set(exerciseId, refs);
    return refs;
  }
}
