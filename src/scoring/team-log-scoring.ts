import type { Scenario } from '../contracts/scenario.schema.js';
import type { ManualAdjustment, TeamScore } from '../contracts/scoring.schema.js';
import type { RecordedAction } from '../contracts/triage.schema.js';
import { deriveTeamState, type TriageScenarioView } from '../team-state/team-state.reducer.js';
import type { AnswerKey } from './answer-key.js';
import { computeScore, type ScoringAction, type ScoringDeliveredEvent } from './score.js';
import { receivedAt } from './settlement.js';

/** What the scorer reads of one team's log (ExerciseLogRepository.teamLogs). */
export interface TeamLog {
  readonly delivered: readonly ScoringDeliveredEvent[];
  /** Recorded trainee actions in per-team seq order. */
  readonly actions: readonly RecordedAction[];
}

/** How much of a score to build: every line item, or the totals a board shows. */
export type ScoreDetail = 'full' | 'totals';

/** A scenario version as the scorer uses it: indexed once, shared by every team and every re-score. */
export interface ScoringScenarioParts {
  readonly scenario: Scenario;
  readonly key: AnswerKey;
  readonly view: TriageScenarioView;
}

export interface TeamLogScoringInput {
  readonly exerciseId: string;
  readonly seed: string;
  readonly teamId: string;
  readonly memberIds: readonly string[];
  readonly log: TeamLog;
  readonly adjustments: readonly ManualAdjustment[];
  readonly endMs: number;
  readonly detail: ScoreDetail;
  /** 'live' while the exercise runs (alerts still in their triage window are pending); default 'final'. */
  readonly phase?: 'live' | 'final';
}

/**
 * One team's score from its logs: the recorded actions folded into the team's state by the triage
 * reducer (the same rules that accepted them), then scored. Pure.
 */
export function scoreTeamLog(scenario: ScoringScenarioParts, input: TeamLogScoringInput): TeamScore {
  // A recorded action is a scoring action with more fields; its action passed the schema when it
  // was recorded. Viewed as one, not copied: 200 teams' copies cost a third of a million objects.
  const actions = input.log.actions as unknown as readonly ScoringAction[];
  // Only accepted actions were logged, and a delivery never un-happens (as the triage cache rebuilds it).
  const state = deriveTeamState(
    actions,
    { delivered: () => true, scenario: scenario.view, teamMemberIds: new Set(input.memberIds) },
    { exerciseId: input.exerciseId, teamId: input.teamId },
  );
  return computeScore({
    scenario: scenario.scenario,
    seed: input.seed,
    teamId: input.teamId,
    delivered: input.log.delivered,
    state,
    actions,
    endMs: input.endMs,
    adjustments: input.adjustments,
    key: scenario.key,
    detail: input.detail,
    phase: input.phase ?? 'final',
  });
}

/**
 * A team's log as trainees' figures see it at a checkpoint (docs/scoring.md, "What trainees see"):
 * the actions taken by then, and only the alerts settled by then (delivered a triage window or more
 * before it), so nothing about an alert's key (its verdict, its routing, its incident, a response
 * window it opens) shows before the team's judgement of it is final.
 */
export function settledLogAt(log: TeamLog, checkpointMs: number, windowMs: number): TeamLog {
  return {
    delivered: log.delivered.filter((event) => receivedAt(event) + windowMs <= checkpointMs),
    actions: log.actions.filter((action) => action.virtualMs <= checkpointMs),
  };
}

/**
 * A full score without its line items and member points: what a board, a ranking and a stored
 * version's summary use. Equal to the 'totals' detail of the same input (scorer/compute-score.spec.ts checks that).
 */
export function totalsView(score: TeamScore): TeamScore {
  const strip = (c: TeamScore['components']['detection']) => ({ ...c, items: [] });
  return {
    ...score,
    components: {
      detection: strip(score.components.detection),
      response: strip(score.components.response),
      coordination: strip(score.components.coordination),
      incident: strip(score.components.incident),
    },
    members: score.members.map((m) => ({ ...m, pointsGained: 0, pointsLost: 0 })),
  };
}
