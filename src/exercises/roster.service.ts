import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource, In } from 'typeorm';
import { AppError } from '../common/app-error.js';
import { UserEntity } from '../identity/user.entity.js';
import { ExerciseEntity, ExerciseMemberEntity, ExerciseTeamEntity } from './exercise.entity.js';

export interface RosterTeam {
  readonly id: string;
  readonly name: string;
  /** Sorted. */
  readonly memberIds: readonly string[];
}

/** Who plays in an exercise: its teams (in their order) and their members. */
export interface ExerciseRoster {
  readonly exerciseId: string;
  readonly orgId: string | null;
  readonly scenarioVersionId: string;
  readonly teams: readonly RosterTeam[];
  readonly teamIds: readonly string[];
  readonly names: ReadonlyMap<string, string>;
  /** Team of each member. */
  readonly teamOf: ReadonlyMap<string, string>;
  readonly members: ReadonlyMap<string, ReadonlySet<string>>;
  /** Members' usernames (as recorded with their actions). */
  readonly usernames: ReadonlyMap<string, string>;
}

/** Rosters are read again when evicted, so the cache only bounds memory. */
const MAX_CACHED = 256;

/**
 * The rosters of exercises, for triage, scoring, results and the realtime gateway (through
 * `ExercisesService.access`). Teams and members are fixed when an exercise is created, so a roster
 * is read once and kept.
 */
@Injectable()
export class RosterService {
  private readonly cache = new LRUCache<string, Promise<ExerciseRoster>>({ max: MAX_CACHED });

  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The exercise's roster; EXERCISE_NOT_FOUND for an unknown exercise. */
  of(exerciseId: string): Promise<ExerciseRoster> {
    let roster = this.cache.get(exerciseId);
    if (roster === undefined) {
      roster = this.load([exerciseId]).then((loaded) => {
        const found = loaded.get(exerciseId);
        if (found === undefined) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
        return found;
      });
      this.remember(exerciseId, roster);
    }
    return roster;
  }

  /** The rosters of several exercises (unknown ones left out), the missing ones read in one go. */
  async ofMany(exerciseIds: readonly string[]): Promise<Map<string, ExerciseRoster>> {
    const missing = exerciseIds.filter((id) => !this.cache.has(id));
    if (missing.length > 0) {
      const loading = this.load(missing);
      for (const id of missing) {
        this.remember(
          id,
          loading.then((loaded) => {
            const found = loaded.get(id);
            if (found === undefined) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
            return found;
          }),
        );
      }
      await loading;
    }
    const result = new Map<string, ExerciseRoster>();
    for (const id of exerciseIds) {
      const roster = await this.cache.get(id)?.catch(() => undefined);
      if (roster !== undefined) result.set(id, roster);
    }
    return result;
  }

  private remember(exerciseId: string, roster: Promise<ExerciseRoster>): void {
    this.cache.set(exerciseId, roster);
    roster.catch(() => {
      if (this.cache.peek(exerciseId) === roster) this.cache.delete(exerciseId);
    });
  }

  private async load(exerciseIds: readonly string[]): Promise<Map<string, ExerciseRoster>> {
    const ids = [...exerciseIds];
    const [exercises, teams, members] = await Promise.all([
      this.dataSource.getRepository(ExerciseEntity).find({ where: { id: In(ids) }, select: { id: true, orgId: true, scenarioVersionId: true } }),
      this.dataSource.getRepository(ExerciseTeamEntity).find({ where: { exerciseId: In(ids) }, order: { ordinal: 'ASC' } }),
      this.dataSource.getRepository(ExerciseMemberEntity).find({ where: { exerciseId: In(ids) } }),
    ]);
    const userIds = [...new Set(members.map((m) => m.userId))];
    const users = userIds.length
      ? await this.dataSource.getRepository(UserEntity).find({ where: { id: In(userIds) }, select: { id: true, username: true } })
      : [];
    const usernameOf = new Map(users.map((u) => [u.id, u.username]));
    const result = new Map<string, ExerciseRoster>();
    for (const exercise of exercises) {
      const own = teams.filter((t) => t.exerciseId === exercise.id);
      const ownMembers = members.filter((m) => m.exerciseId === exercise.id);
      const memberSets = new Map<string, Set<string>>(own.map((t) => [t.id, new Set<string>()]));
      for (const m of ownMembers) memberSets.get(m.teamId)?.add(m.userId);
      result.set(exercise.id, {
        exerciseId: exercise.id,
        orgId: exercise.orgId,
        scenarioVersionId: exercise.scenarioVersionId,
        teams: own.map((t) => ({ id: t.id, name: t.name, memberIds: [...(memberSets.get(t.id) ?? [])].sort() })),
        teamIds: own.map((t) => t.id),
        names: new Map(own.map((t) => [t.id, t.name])),
        teamOf: new Map(ownMembers.map((m) => [m.userId, m.teamId])),
        members: memberSets,
        usernames: new Map(ownMembers.flatMap((m) => (usernameOf.has(m.userId) ? [[m.userId, usernameOf.get(m.userId)!] as const] : []))),
      });
    }
    return result;
  }
}
