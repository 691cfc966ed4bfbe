import type { RankedTeam, TeamScore } from '../contracts/scoring.schema.js';
import type { TeamState } from '../contracts/triage.schema.js';
import { deriveTeamState, triageScenarioView, type TriageContext } from '../team-state/team-state.reducer.js';
import { computeScore, type ScoreInput } from './score.js';

export interface TeamScoreInput extends Omit<ScoreInput, 'state'> {
  /** The team's derived state; folded from `actions` with the triage reducer when absent. */
  readonly state?: TeamState;
  /** Team member ids (for the reducer's assign rule); default: everyone who acted. */
  readonly teamMemberIds?: readonly string[];
  readonly exerciseId?: string;
}

/**
 * The service-facing entry point: score one team from what it was shown and what it did. Pure:
 * the live scoreboard and the after-action review call it with the same inputs and get the same
 * bytes back.
 */
export function scoreTeam(input: TeamScoreInput): TeamScore {
  const state = input.state ?? deriveState(input);
  return computeScore({ ...input, state });
}

function deriveState(input: TeamScoreInput): TeamState {
  const delivered = new Set<string>();
  for (const event of input.delivered) {
    delivered.add(event.eventId);
    if (event.injectId !== undefined) delivered.add(event.injectId);
  }
  const actions = [...(input.actions ?? [])].sort((a, b) => a.seq - b.seq);
  const members = new Set(input.teamMemberIds ?? actions.map((a) => a.userId));
  if (input.teamMemberIds === undefined) for (const a of actions) if (a.action.type === 'alert.assign') members.add(a.action.userId);
  const ctx: TriageContext = { delivered: (id) => delivered.has(id), scenario: triageScenarioView(input.scenario), teamMemberIds: members };
  return deriveTeamState(actions, ctx, { exerciseId: input.exerciseId ?? actions[0]?.action.exerciseId ?? '', teamId: input.teamId ?? '' });
}

/**
 * Ranks teams: higher total first; a tie goes to the team whose last point-earning action came
 * earlier (as CTF scoreboards do); then team id, so the order is stable. Tied teams share a rank.
 */
export function rankTeams(scores: readonly TeamScore[]): RankedTeam[] {
  const sorted = [...scores].sort(
    (a, b) =>
      b.total - a.total ||
      (a.lastScoringActionMs ?? Number.POSITIVE_INFINITY) - (b.lastScoringActionMs ?? Number.POSITIVE_INFINITY) ||
      ((a.teamId ?? '') < (b.teamId ?? '') ? -1 : (a.teamId ?? '') > (b.teamId ?? '') ? 1 : 0),
  );
  const ranked: RankedTeam[] = [];
  sorted.forEach((score, i) => {
    const previous = sorted[i - 1];
    const tied = previous !== undefined && previous.total === score.total && previous.lastScoringActionMs === score.lastScoringActionMs;
    ranked.push({
      rank: tied ? ranked[i - 1].rank : i + 1,
      teamId: score.teamId,
      total: score.total,
      index: score.index,
      components: {
        detection: score.components.detection.score,
        response: score.components.response.score,
        coordination: score.components.coordination.score,
        incident: score.components.incident.score,
      },
      lastScoringActionMs: score.lastScoringActionMs,
    });
  });
  return ranked;
}
