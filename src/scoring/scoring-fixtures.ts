import type { Scenario, ScenarioInput } from '../contracts/scenario.schema.js';
import type { TeamState, TriageAction } from '../contracts/triage.schema.js';
import { fixtureAlert, fixtureScenario, text } from '../engine/engine-fixtures.js';
import { applyAction, emptyTeamState, triageScenarioView } from '../team-state/team-state.reducer.js';
import type { ScoringAction, ScoringDeliveredEvent } from './score.js';

/** Small hand-built scenarios and team logs for the scorer's unit tests. */

export const MIN = 60_000;

/**
 * One true positive (a1, high, routed to csirt, incident inc-1) with a repeat (a1-again), two noise
 * alerts (n-fp: false positive, n-benign: benign), one conditional alert that needs a trigger
 * nobody fires, one expected response (isolate portal within 10 minutes of a1), one harmful action,
 * one report obligation, two hints. Weights 250 each, so the numbers in the tests are easy.
 */
export function scoringScenario(overrides: Partial<ScenarioInput> = {}): Scenario {
  return fixtureScenario({
    timeline: [
      fixtureAlert('a1', {
        at: '1m',
        severity: 'medium',
        phase: 'exploit',
        technique: 'T1190',
        asset: 'portal',
        answer: { verdict: 'true-positive', severity: 'high', routing: ['csirt'], incident: 'inc-1' },
      }),
      fixtureAlert('n-fp', { at: '2m', layer: 1, answer: { verdict: 'false-positive', severity: 'low', routing: [], incident: null } }),
      fixtureAlert('n-benign', { at: '3m', layer: 3, answer: { verdict: 'benign', severity: 'low', routing: [], incident: null } }),
      fixtureAlert('a1-again', {
        at: '4m',
        phase: 'exploit',
        answer: { verdict: 'true-positive', severity: 'high', routing: ['csirt'], incident: 'inc-1', duplicateOf: 'a1' },
      }),
      fixtureAlert('a-never', {
        after: { trigger: 't-never', delay: 0 },
        phase: 'spread',
        answer: { verdict: 'true-positive', severity: 'critical', routing: ['csirt'], incident: 'inc-1' },
      }),
    ],
    triggers: [{ id: 't-never', description: text('never'), when: { delivered: 'a-never-sentinel' } }],
    incidents: [{ id: 'inc-1', title: text('Portal'), severity: 'high', legalClass: 'ordinary', assets: ['portal'] }],
    responses: [
      {
        id: 'r-isolate',
        action: 'isolate-host',
        target: 'portal',
        incident: 'inc-1',
        from: { event: 'a1' },
        deadline: { event: 'a1', plus: '10m' },
        points: 100,
        description: text('Isolate the portal'),
      },
      {
        id: 'r-spread',
        action: 'isolate-host',
        target: 'ws-01',
        incident: 'inc-1',
        from: { event: 'a-never' },
        deadline: '2h',
        points: 100,
        description: text('Isolate the workstation'),
      },
    ],
    harmful: [{ id: 'h-db', action: 'isolate-host', target: 'db', penalty: 30, reason: text('The database is healthy') }],
    reporting: [
      {
        id: 'rep-1',
        kind: 'notification',
        incident: 'inc-1',
        recipients: ['csirt'],
        from: { event: 'a1' },
        deadline: '30m',
        requiredContent: ['what-happened', 'affected-systems'],
        legalBasis: text('QĐ 05/2017/QĐ-TTg Điều 11 (compressed)'),
        points: 100,
      },
    ],
    hints: [
      { id: 'hint-a1', for: { alert: 'a1' }, text: text('Look closer'), penalty: 10 },
      { id: 'hint-spread', for: { phase: 'spread' }, text: text('Think spread'), penalty: 20 },
    ],
    ...overrides,
  });
}

/** Delivery of the unconditional alerts at their `at`. */
export function deliveredAll(scenario: Scenario): ScoringDeliveredEvent[] {
  return scenario.timeline.flatMap((a) => (a.at === undefined ? [] : [{ eventId: a.id, virtualMs: a.at * 1000, origin: 'timeline' as const }]));
}

type Draft = TriageAction extends infer A ? (A extends TriageAction ? Omit<A, 'actionId' | 'exerciseId'> : never) : never;

export interface Step {
  readonly atMs: number;
  readonly action: Draft;
  readonly user?: string;
}

/** Folds the steps through the real reducer; returns the state and the recorded log. */
export function play(scenario: Scenario, delivered: readonly ScoringDeliveredEvent[], steps: readonly Step[]): { state: TeamState; actions: ScoringAction[] } {
  const ids = new Set(delivered.map((d) => d.eventId));
  const ctx = { delivered: (id: string) => ids.has(id), scenario: triageScenarioView(scenario), teamMemberIds: new Set(['u1', 'u2']) };
  let state = emptyTeamState('00000000-0000-4000-8000-000000000001', 'team-a');
  const actions: ScoringAction[] = [];
  steps.forEach((step, i) => {
    const action = {
      ...step.action,
      actionId: `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`,
      exerciseId: '00000000-0000-4000-8000-000000000001',
    } as TriageAction;
    const recorded = { action, userId: step.user ?? 'u1', virtualMs: step.atMs, seq: i + 1 };
    state = applyAction(state, recorded, ctx).state;
    actions.push({ actionId: action.actionId, userId: recorded.userId, virtualMs: step.atMs, seq: i + 1, action });
  });
  return { state, actions };
}

/** The ideal triage of the scoring scenario's delivered alerts (verdicts, severities, routing, incident). */
export function idealTriage(): Step[] {
  return [
    { atMs: 1 * MIN, action: { type: 'alert.verdict', alertId: 'a1', verdict: 'true-positive', reason: 'webshell' } },
    { atMs: 1 * MIN, action: { type: 'alert.severity', alertId: 'a1', severity: 'high' } },
    { atMs: 1 * MIN, action: { type: 'route', target: { alertId: 'a1' }, to: ['csirt'], escalate: false } },
    { atMs: 1 * MIN, action: { type: 'incident.create', title: 'Portal', alertIds: ['a1'], severity: 'high', legalClass: 'ordinary' } },
    { atMs: 2 * MIN, action: { type: 'alert.verdict', alertId: 'n-fp', verdict: 'false-positive', reason: 'known scanner' } },
    { atMs: 3 * MIN, action: { type: 'alert.verdict', alertId: 'n-benign', verdict: 'benign', reason: 'backup job' } },
    { atMs: 4 * MIN, action: { type: 'alert.verdict', alertId: 'a1-again', verdict: 'duplicate', duplicateOf: 'a1' } },
    { atMs: 4 * MIN, action: { type: 'route', target: { alertId: 'a1-again' }, to: ['csirt'], escalate: false } },
    { atMs: 4 * MIN, action: { type: 'incident.link', incidentId: 'INC-1', alertIds: ['a1-again'] } },
  ];
}

export function idealReport(atMs: number, extra: Partial<Extract<Draft, { type: 'report.file' }>> = {}): Step {
  return {
    atMs,
    user: 'u2',
    action: {
      type: 'report.file',
      kind: 'notification',
      recipients: ['csirt'],
      incidentId: 'INC-1',
      content: { whatHappened: 'Web shell on the portal', affectedSystems: ['portal'], iocs: [] },
      ...extra,
    },
  };
}

export function closeIncident(atMs: number): Step[] {
  return (['containment', 'eradication', 'recovery', 'closed'] as const).map((phase) => ({
    atMs,
    action: { type: 'incident.update', incidentId: 'INC-1', phase },
  }));
}
