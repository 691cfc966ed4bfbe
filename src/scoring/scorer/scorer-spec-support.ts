import type { LineItem, TeamScore } from '../../contracts/scoring.schema.js';
import { closeIncident, deliveredAll, idealReport, idealTriage, MIN, play, scoringScenario, type Step } from '../scoring-fixtures.js';
import { computeScore } from './compute-score.js';

/** What the scorer's specs share: the small scoring scenario, its ideal run and ways to bend it. */

export const scenario = scoringScenario();
export const delivered = deliveredAll(scenario);
export const isolateAt = (atMs: number, target = 'portal'): Step => ({
  atMs,
  user: 'u2',
  action: { type: 'response', action: 'isolate-host', target, incidentId: 'INC-1' },
});

export function score(steps: readonly Step[], extra: Partial<Parameters<typeof computeScore>[0]> = {}): TeamScore {
  const { state, actions } = play(scenario, delivered, steps);
  return computeScore({ scenario, delivered, state, actions, teamId: 'team-a', ...extra });
}

/** The ideal run with some steps replaced. */
export function ideal(options: { triage?: Step[]; response?: Step[]; report?: Step[]; close?: Step[] } = {}): Step[] {
  return [
    ...(options.triage ?? idealTriage()),
    ...(options.response ?? [isolateAt(1 * MIN)]),
    ...(options.report ?? [idealReport(1 * MIN)]),
    ...(options.close ?? closeIncident(90 * MIN)),
  ];
}

export function item(result: TeamScore, id: string): LineItem {
  const found = Object.values(result.components)
    .flatMap((c) => c.items)
    .find((i) => i.id === id);
  if (found === undefined) throw new Error(`no item ${id}`);
  return found;
}

export const replaceStep = (steps: Step[], index: number, step: Step | null): Step[] =>
  steps.flatMap((s, i) => (i === index ? (step === null ? [] : [step]) : [s]));
