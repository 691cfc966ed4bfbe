import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import type {
  ExerciseList,
  ExerciseResults,
  ExerciseSummary,
  ResultsExportQuery,
  ResultsPeriodQuery,
  ResultsTrendQuery,
  ResultsWeaknessQuery,
  TeamResult,
  Trends,
  UnitRef,
  UnitTrend,
  Weaknesses,
} from '../contracts/results.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import type { TeamScore } from '../contracts/scoring.schema.js';
import { ExerciseEntity, ExerciseTransitionEntity } from '../exercises/exercise.entity.js';
import { RosterService } from '../exercises/roster.service.js';
import { OrganisationEntity } from '../identity/organisation.entity.js';
import { UnitEntity } from '../identity/unit.entity.js';
import { UserEntity } from '../identity/user.entity.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { ExerciseScoresService } from '../scoring/exercise-scores.service.js';
import type { ExerciseScores } from '../scoring/score-calculator.service.js';
import {
  aggregateWeaknesses,
  componentFigures,
  consoleReviewLink,
  reviewHref,
  teamScoreHref,
  teamUnits,
  unitTrends,
  type TrendInput,
  type WeaknessInput,
} from './results-aggregate.js';
import { resultsCsv } from './results-csv.js';

/** Everything known about one exercise of the caller's organisation, before scores. */
export interface ExerciseBundle {
  readonly row: ExerciseEntity;
  readonly scenario: Scenario;
  readonly scenarioVersion: string;
  readonly startedAt: string | null;
  readonly endedAt: string | null;
  readonly heldAt: string;
  readonly teams: ReadonlyArray<{
    readonly id: string;
    readonly name: string;
    readonly members: ReadonlyArray<{ id: string; username: string; displayName: string; unitId: string | null }>;
    readonly unit: UnitRef | null;
    readonly units: ReadonlyArray<UnitRef & { members: number }>;
  }>;
}

/** The organisation as the reports name it, with its units. */
export interface OrgContext {
  readonly orgId: string;
  readonly orgName: string;
  readonly units: ReadonlyMap<string, UnitRef>;
}

export interface ScoredExercise {
  readonly bundle: ExerciseBundle;
  readonly scores: ExerciseScores;
  readonly results: ExerciseResults;
}

/** Statuses whose scores are final; trends, weaknesses and period reports count only these. */
const FINAL: ReadonlySet<string> = new Set(['finished']);

function bound(value: string | undefined, end: boolean): number | null {
  if (value === undefined) return null;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return Date.parse(`${value}T00:00:00.000Z`) + (end ? 86_400_000 - 1 : 0);
  return Date.parse(value);
}

/**
 * Read-only results for the caller's own organisation. Scores always come from ExerciseScoresService;
 * this service only selects, joins (units, members, dates) and sums its figures.
 */
@Injectable()
export class ResultsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(ExerciseScoresService) private readonly scoring: ExerciseScoresService,
    @Inject(RosterService) private readonly rosters: RosterService,
  ) {}

  // ---- public views ----

  async listExercises(user: AuthenticatedUser, period: ResultsPeriodQuery): Promise<ExerciseList> {
    const org = await this.org(user);
    const bundles = await this.bundles(org, period, null);
    const exercises: ExerciseSummary[] = [];
    const practice: ExerciseSummary[] = [];
    for (const bundle of bundles) {
      // A practice run that never started has nothing to show; a graded draft is listed as planned.
      if (bundle.row.kind === 'practice' && bundle.row.status === 'draft') continue;
      const scores = bundle.row.status === 'draft' ? null : await this.scoring.exerciseScores(bundle.row.id, { detail: 'totals' }).catch(() => null);
      (bundle.row.kind === 'practice' ? practice : exercises).push(this.summary(bundle, scores));
    }
    return { from: period.from ?? null, to: period.to ?? null, exercises, practice };
  }

  async exerciseResults(user: AuthenticatedUser, exerciseId: string): Promise<ExerciseResults> {
    return (await this.scored(user, exerciseId, 'totals')).results;
  }

  /** The full TeamScore (with line items), as ExerciseScoresService computes it. */
  async teamScore(user: AuthenticatedUser, exerciseId: string, teamId: string): Promise<TeamScore> {
    const org = await this.org(user);
    const [bundle] = await this.bundles(org, {}, [exerciseId]);
    if (!bundle) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
    if (!bundle.teams.some((t) => t.id === teamId)) throw new AppError('NOT_FOUND', 'No such team in this exercise');
    if (bundle.row.status === 'draft') throw new AppError('EXERCISE_INVALID_STATE', 'A draft exercise has no scores yet');
    return this.scoring.teamScore(exerciseId, teamId, { detail: 'full' });
  }

  /** Scores of one exercise with the joins the views need (full detail for drill-downs). */
  async scored(user: AuthenticatedUser, exerciseId: string, detail: 'full' | 'totals'): Promise<ScoredExercise & { org: OrgContext }> {
    const org = await this.org(user);
    const [bundle] = await this.bundles(org, {}, [exerciseId]);
    if (!bundle) throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
    if (bundle.row.status === 'draft') throw new AppError('EXERCISE_INVALID_STATE', 'A draft exercise has no scores yet');
    const scores = await this.scoring.exerciseScores(exerciseId, { detail });
    return { org, bundle, scores, results: this.results(bundle, scores) };
  }

  async trends(user: AuthenticatedUser, query: ResultsTrendQuery): Promise<Trends> {
    const org = await this.org(user);
    const wanted = query.unitIds ?? [...org.units.keys()];
    const units = wanted.map((id) => org.units.get(id)).filter((u): u is UnitRef => u !== undefined);
    const scored = await this.finalScored(org, { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) }, null, 'totals');
    return {
      units: unitTrends(
        units.sort((a, b) => a.name.localeCompare(b.name, 'vi')),
        trendInputs(scored),
      ),
    };
  }

  async unitTrend(user: AuthenticatedUser, unitId: string, period: ResultsPeriodQuery): Promise<UnitTrend> {
    const org = await this.org(user);
    const unit = org.units.get(unitId);
    if (!unit) throw new AppError('UNIT_NOT_FOUND', 'No such unit');
    const scored = await this.finalScored(org, period, null, 'totals');
    return unitTrends([unit], trendInputs(scored))[0]!;
  }

  async weaknesses(user: AuthenticatedUser, query: ResultsWeaknessQuery): Promise<Weaknesses> {
    const org = await this.org(user);
    const scored = await this.finalScored(
      org,
      { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) },
      query.exerciseIds ?? null,
      'full',
    );
    return weaknessesOf(scored, query.by, scored.length === 1);
  }

  /** `origin`: where readers open the console; `timeZone`: the organisation's. */
  async csv(user: AuthenticatedUser, query: ResultsExportQuery, where: { origin: string; timeZone: string }): Promise<string> {
    const org = await this.org(user);
    const bundles = await this.bundles(org, { ...(query.from ? { from: query.from } : {}), ...(query.to ? { to: query.to } : {}) }, query.exerciseIds ?? null);
    const rows: Array<{ exercise: ExerciseSummary; team: TeamResult }> = [];
    // Graded drills first, then the practice runs, each row labelled with its kind: never one ranking.
    const ordered = [...bundles.filter((b) => b.row.kind !== 'practice'), ...bundles.filter((b) => b.row.kind === 'practice')];
    for (const bundle of ordered) {
      if (bundle.row.status === 'draft') continue;
      const scores = await this.scoring.exerciseScores(bundle.row.id, { detail: 'totals' });
      const results = this.results(bundle, scores);
      for (const team of results.teams) rows.push({ exercise: results.exercise, team });
    }
    return resultsCsv(rows, {
      lang: query.lang,
      variant: query.variant,
      timeZone: where.timeZone,
      reviewLink: (exerciseId, teamId) => consoleReviewLink(where.origin, exerciseId, teamId),
    });
  }

  /** Finished exercises of the period (or the given ones), scored; for period reports and aggregates. */
  async period(user: AuthenticatedUser, period: ResultsPeriodQuery, detail: 'full' | 'totals'): Promise<{ org: OrgContext; scored: ScoredExercise[] }> {
    const org = await this.org(user);
    return { org, scored: await this.finalScored(org, period, null, detail) };
  }

  // ---- assembly ----

  summary(bundle: ExerciseBundle, scores: ExerciseScores | null): ExerciseSummary {
    const unitsSeen = new Map<string, UnitRef>();
    for (const team of bundle.teams) for (const u of team.units) if (!unitsSeen.has(u.id)) unitsSeen.set(u.id, { id: u.id, code: u.code, name: u.name });
    const teamUnit = new Map(bundle.teams.map((t) => [t.id, t.unit?.id ?? null]));
    const id = bundle.row.id;
    return {
      id,
      title: bundle.row.title,
      scenarioId: bundle.scenario.id,
      scenarioVersionId: bundle.row.scenarioVersionId,
      scenarioVersion: bundle.scenarioVersion,
      scenarioTitle: bundle.scenario.title,
      status: bundle.row.status,
      kind: bundle.row.kind,
      createdAt: bundle.row.createdAt,
      startedAt: bundle.startedAt,
      endedAt: bundle.endedAt,
      heldAt: bundle.heldAt,
      units: [...unitsSeen.values()].sort((a, b) => a.name.localeCompare(b.name, 'vi')),
      teamCount: bundle.teams.length,
      scores:
        scores === null || scores.teams.length === 0
          ? null
          : {
              computedAt: scores.computedAt,
              bestIndex: Math.max(...scores.teams.map((t) => t.score.index)),
              meanIndex: Math.round((scores.teams.reduce((s, t) => s + t.score.index, 0) / scores.teams.length) * 10_000) / 10_000,
              teams: scores.teams.map((t) => ({
                teamId: t.teamId,
                teamName: t.teamName,
                unitId: teamUnit.get(t.teamId) ?? null,
                rank: t.rank,
                total: t.score.total,
                index: t.score.index,
              })),
            },
      links: { results: `/api/results/exercises/${id}`, reportPdf: `/api/results/exercises/${id}/report.pdf` },
    };
  }

  results(bundle: ExerciseBundle, scores: ExerciseScores): ExerciseResults {
    const teams = new Map(bundle.teams.map((t) => [t.id, t]));
    const ranked = [...scores.teams].sort((a, b) => a.rank - b.rank);
    return {
      exercise: this.summary(bundle, scores),
      computedAt: scores.computedAt,
      teams: ranked.map((t) => {
        const team = teams.get(t.teamId);
        return {
          rank: t.rank,
          teamId: t.teamId,
          teamName: t.teamName,
          members: team?.members.map((m) => ({ ...m })) ?? [],
          unit: team?.unit ?? null,
          units: team?.units.map((u) => ({ ...u })) ?? [],
          maxScore: t.score.maxScore,
          total: t.score.total,
          index: t.score.index,
          components: componentFigures(t.score),
          metrics: t.score.metrics,
          links: { review: reviewHref(bundle.row.id, t.teamId), score: teamScoreHref(bundle.row.id, t.teamId) },
        };
      }),
    };
  }

  async org(user: AuthenticatedUser): Promise<OrgContext> {
    const org = await this.dataSource.getRepository(OrganisationEntity).findOne({ where: { id: user.orgId } });
    const units = await this.dataSource.getRepository(UnitEntity).find({ where: { orgId: user.orgId } });
    return { orgId: user.orgId, orgName: org?.name ?? '', units: new Map(units.map((u) => [u.id, { id: u.id, code: u.code, name: u.name }])) };
  }

  private async finalScored(
    org: OrgContext,
    period: ResultsPeriodQuery,
    exerciseIds: readonly string[] | null,
    detail: 'full' | 'totals',
  ): Promise<ScoredExercise[]> {
    const bundles = await this.bundles(org, period, exerciseIds);
    const out: ScoredExercise[] = [];
    for (const bundle of bundles) {
      // Explicitly chosen exercises count whatever their state (but drafts have no scores);
      // a period counts graded drills only: practice runs never enter trends, weaknesses or period reports.
      if (exerciseIds === null ? !FINAL.has(bundle.row.status) || bundle.row.kind === 'practice' : bundle.row.status === 'draft') continue;
      const scores = await this.scoring.exerciseScores(bundle.row.id, { detail });
      out.push({ bundle, scores, results: this.results(bundle, scores) });
    }
    return out;
  }

  /**
   * The organisation's exercises in the period (or the listed ones; an id of another organisation
   * is simply not found), oldest first.
   */
  async bundles(org: OrgContext, period: ResultsPeriodQuery, exerciseIds: readonly string[] | null): Promise<ExerciseBundle[]> {
    const repository = this.dataSource.getRepository(ExerciseEntity);
    const rows = await repository.find({ where: exerciseIds === null ? { orgId: org.orgId } : { orgId: org.orgId, id: In([...exerciseIds]) } });
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const [transitions, rosters] = await Promise.all([
      this.dataSource.getRepository(ExerciseTransitionEntity).find({ where: { exerciseId: In(ids) }, order: { id: 'ASC' } }),
      this.rosters.ofMany(ids),
    ]);
    const userIds = [...new Set([...rosters.values()].flatMap((r) => [...r.teamOf.keys()]))];
    const users = userIds.length ? await this.dataSource.getRepository(UserEntity).find({ where: { id: In(userIds) } }) : [];
    const userById = new Map(users.map((u) => [u.id, u]));
    const from = bound(period.from, false);
    const to = bound(period.to, true);
    const out: ExerciseBundle[] = [];
    for (const row of rows) {
      const mine = transitions.filter((t) => t.exerciseId === row.id);
      const startedAt = mine.find((t) => t.toStatus === 'running')?.atWall ?? null;
      const endedAt = [...mine].reverse().find((t) => t.toStatus === 'finished' || t.toStatus === 'aborted')?.atWall ?? null;
      const heldAt = startedAt ?? row.scheduledAt ?? row.createdAt;
      const at = Date.parse(heldAt);
      if (from !== null && at < from) continue;
      if (to !== null && at > to) continue;
      const { row: version, scenario } = await this.catalogue.byVersionId(row.scenarioVersionId);
      out.push({
        row,
        scenario,
        scenarioVersion: version.version,
        startedAt,
        endedAt,
        heldAt,
        teams: (rosters.get(row.id)?.teams ?? []).map((t) => {
          const list = t.memberIds
            .map((id) => userById.get(id))
            .filter((u): u is UserEntity => u !== undefined)
            .map((u) => ({ id: u.id, username: u.username, displayName: u.displayName, unitId: u.unitId }))
            .sort((a, b) => a.username.localeCompare(b.username));
          return { id: t.id, name: t.name, members: list, ...teamUnits(list, org.units) };
        }),
      });
    }
    return out.sort((a, b) => (a.heldAt < b.heldAt ? -1 : a.heldAt > b.heldAt ? 1 : a.row.id < b.row.id ? -1 : 1));
  }
}

export function trendInputs(scored: readonly ScoredExercise[]): TrendInput[] {
  return scored.flatMap(({ bundle, scores }) =>
    scores.teams.map((t) => ({
      exerciseId: bundle.row.id,
      exerciseTitle: bundle.row.title,
      scenarioId: bundle.scenario.id,
      heldAt: bundle.heldAt,
      teamId: t.teamId,
      teamName: t.teamName,
      rank: t.rank,
      unitId: bundle.teams.find((x) => x.id === t.teamId)?.unit?.id ?? null,
      score: t.score,
    })),
  );
}

/** `teamOnly`: heat-map columns named by team alone (one exercise); otherwise team · exercise. */
export function weaknessesOf(scored: readonly ScoredExercise[], by: 'unit' | 'team', teamOnly = false): Weaknesses {
  const inputs: WeaknessInput[] = scored.flatMap(({ bundle, scores }) =>
    scores.teams.map((t) => ({
      exerciseId: bundle.row.id,
      teamId: t.teamId,
      teamName: t.teamName,
      unitId: bundle.teams.find((x) => x.id === t.teamId)?.unit?.id ?? null,
      scenario: bundle.scenario,
      score: t.score,
    })),
  );
  const unitNames = new Map<string, string>();
  for (const { bundle } of scored) for (const team of bundle.teams) if (team.unit) unitNames.set(team.unit.id, team.unit.name);
  const titles = new Map(scored.map(({ bundle }) => [bundle.row.id, bundle.row.title]));
  return aggregateWeaknesses(
    inputs,
    by,
    (input) =>
      by === 'unit'
        ? { key: input.unitId ?? '(none)', label: input.unitId === null ? '—' : (unitNames.get(input.unitId) ?? input.unitId) }
        : { key: `${input.exerciseId}:${input.teamId}`, label: teamOnly ? input.teamName : `${input.teamName} · ${titles.get(input.exerciseId) ?? ''}` },
    scored.map(({ bundle }) => bundle.row.id),
  );
}
