import type { ExerciseStatus } from '../contracts/exercise.schema.js';
import type { ScoreboardRow, ScoreboardView, TeamScore } from '../contracts/scoring.schema.js';
import { rankTeams } from './score-team.js';

export type ScoreVisibility = 'none' | 'own' | 'rank' | 'full';

export interface BoardMeta {
  readonly exerciseId: string;
  readonly status: ExerciseStatus;
  readonly visibility: ScoreVisibility;
  readonly frozen: boolean;
  readonly frozenAt: string | null;
  readonly computedAt: string;
}

/** Ranked rows (totals only) from team scores; `names` gives the display name of each team. */
export function boardRows(scores: readonly TeamScore[], names: ReadonlyMap<string, string>, adjustments: ReadonlyMap<string, number>): ScoreboardRow[] {
  return rankTeams(scores).map((r) => ({
    rank: r.rank,
    teamId: r.teamId ?? '',
    teamName: names.get(r.teamId ?? '') ?? r.teamId ?? '',
    total: r.total,
    index: r.index,
    components: r.components,
    adjustments: Math.round((adjustments.get(r.teamId ?? '') ?? 0) * 100) / 100,
    lastScoringActionMs: r.lastScoringActionMs,
  }));
}

/** The instructors' view: every team, live (or final once stored). */
export function instructorView(meta: BoardMeta, rows: readonly ScoreboardRow[], source: 'live' | 'final'): ScoreboardView {
  return {
    exerciseId: meta.exerciseId,
    status: meta.status,
    audience: 'instructor',
    visibility: meta.visibility,
    frozen: meta.frozen,
    frozenAt: meta.frozenAt,
    source,
    computedAt: meta.computedAt,
    teamCount: rows.length,
    rows: [...rows],
    own: null,
  };
}

/**
 * What one team's trainees may see: none → nothing; own → their total and components; rank → their
 * rank and the number of teams; full → every team's totals. While the board is frozen they see
 * `rows` as they were at the freeze (the caller passes those).
 */
export function traineeView(
  meta: BoardMeta,
  rows: readonly ScoreboardRow[],
  teamId: string,
  teamName: string,
  source: 'live' | 'final' | 'frozen',
): ScoreboardView {
  const mine = rows.find((r) => r.teamId === teamId);
  // When each team last earned points would date the settled verdict that counted: trainees get the ranks, not the times.
  const hideTimes = meta.status !== 'finished';
  const base = {
    exerciseId: meta.exerciseId,
    status: meta.status,
    audience: 'trainee' as const,
    visibility: meta.visibility,
    frozen: meta.frozen,
    frozenAt: meta.frozenAt,
    source,
    computedAt: meta.computedAt,
  };
  switch (meta.visibility) {
    case 'none':
      return { ...base, teamCount: 0, rows: [], own: null };
    case 'own':
      return {
        ...base,
        teamCount: 0,
        rows: [],
        own: { teamId, teamName, rank: null, total: mine?.total ?? null, index: mine?.index ?? null, components: mine ? { ...mine.components } : null },
      };
    case 'rank':
      return { ...base, teamCount: rows.length, rows: [], own: { teamId, teamName, rank: mine?.rank ?? null, total: null, index: null, components: null } };
    case 'full':
      return {
        ...base,
        teamCount: rows.length,
        rows: rows.map((r) => ({ ...r, lastScoringActionMs: hideTimes ? null : r.lastScoringActionMs })),
        own: {
          teamId,
          teamName,
          rank: mine?.rank ?? null,
          total: mine?.total ?? null,
          index: mine?.index ?? null,
          components: mine ? { ...mine.components } : null,
        },
      };
    default: {
      const _never: never = meta.visibility;
      throw new Error(`unknown visibility ${String(_never)}`);
    }
  }
}
