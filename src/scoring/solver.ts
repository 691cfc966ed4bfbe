import { INCIDENT_PHASES, type ExpectedResponse, type ResponseAction, type Scenario, type TimeRef } from '../contracts/scenario.schema.js';
import type { TeamScore } from '../contracts/scoring.schema.js';
import type { ReportContent, TeamState, TriageAction } from '../contracts/triage.schema.js';
import { ExerciseEngine, ManualClock, type DeliveredEvent, type EngineAction, type FiredTrigger } from '../engine/index.js';
import { toEngineAction } from '../team-state/engine-mapping.js';
import { applyAction, emptyTeamState, triageScenarioView, type TriageContext } from '../team-state/team-state.reducer.js';
import { AnswerKey } from './answer-key.js';
import { computeScore, type ScoringAction } from './score.js';

/**
 * Headless solvers: play a scenario through the real engine (one team, a manual clock moved event
 * by event), the real triage reducer and the real scorer, without a server. Used by the CLI
 * (`soc-drill simulate`) and by CI to check every bundled scenario's answer key:
 * perfect = maxScore, idle ≤ 5 %, naive ≤ half of perfect.
 */

export const SOLVERS = ['perfect', 'naive', 'idle'] as const;
export type SolverName = (typeof SOLVERS)[number];

export class SolverError extends Error {
  constructor(
    readonly code: 'SOLVER_ACTION_REFUSED' | 'SOLVER_UNKNOWN',
    message: string,
  ) {
    super(message);
    this.name = 'SolverError';
  }
}

export interface SimulationOptions {
  readonly scenario: Scenario;
  readonly solver: SolverName;
  readonly seed?: string | number;
  /** Virtual end of the run; default the scenario's duration. */
  readonly endMs?: number;
}

export interface SimulationResult {
  readonly scenarioId: string;
  readonly solver: SolverName;
  readonly seed: string;
  readonly endMs: number;
  readonly delivered: readonly DeliveredEvent[];
  readonly fired: readonly FiredTrigger[];
  readonly actions: readonly ScoringAction[];
  /** What the engine was told, in order (replayable with deliveredEventsFor). */
  readonly engineActions: readonly EngineAction[];
  readonly state: TeamState;
  readonly score: TeamScore;
}

const TEAM_ID = 'solver-team';
const EXERCISE_ID = '00000000-0000-4000-8000-000000000001';
const ANALYST = 'solver-analyst';
const RESPONDER = 'solver-responder';

/** Deterministic UUID-shaped action ids, so two runs produce identical logs. */
function actionUuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

/** Response actions grouped by the incident phase they belong to (for walking phases in order). */
const PHASE_OF_ACTION: Record<ResponseAction, (typeof INCIDENT_PHASES)[number]> = {
  'isolate-host': 'containment',
  'block-ip': 'containment',
  'block-domain': 'containment',
  'maintenance-page': 'containment',
  'disable-account': 'containment',
  'rate-limit': 'containment',
  'preserve-evidence': 'detection-analysis',
  'request-coordination': 'detection-analysis',
  'remove-webshell': 'eradication',
  'remove-malware': 'eradication',
  patch: 'eradication',
  'reset-credentials': 'eradication',
  'review-shared-code': 'eradication',
  'restore-backup': 'recovery',
  'heightened-monitoring': 'recovery',
  reassessment: 'recovery',
};

type Draft = TriageAction extends infer A ? (A extends TriageAction ? Omit<A, 'actionId' | 'exerciseId'> : never) : never;

/** Drives one team: the engine, the reducer, and the log of what it did. */
class Team {
  readonly engine: ExerciseEngine;
  readonly clock = new ManualClock(0);
  state: TeamState;
  readonly actions: ScoringAction[] = [];
  readonly engineActions: EngineAction[] = [];
  private readonly deliveredIds = new Set<string>();
  private readonly ctx: TriageContext;
  private counter = 0;
  /** Events delivered but not yet shown to the policy. */
  readonly inbox: DeliveredEvent[] = [];

  constructor(
    readonly scenario: Scenario,
    seed: string | number,
    readonly ids: { readonly exerciseId: string; readonly teamId: string; readonly memberIds: readonly string[] } = {
      exerciseId: EXERCISE_ID,
      teamId: TEAM_ID,
      memberIds: [ANALYST, RESPONDER],
    },
  ) {
    this.engine = new ExerciseEngine({ scenario, seed, teamIds: [ids.teamId] });
    this.state = emptyTeamState(ids.exerciseId, ids.teamId);
    this.ctx = {
      delivered: (id) => this.deliveredIds.has(id),
      scenario: triageScenarioView(scenario),
      teamMemberIds: new Set(ids.memberIds),
    };
  }

  get now(): number {
    return this.clock.now();
  }

  receive(events: readonly DeliveredEvent[]): void {
    for (const event of events) {
      this.deliveredIds.add(event.eventId);
      if (event.injectId !== undefined) this.deliveredIds.add(event.injectId);
      this.inbox.push(event);
    }
  }

  start(): void {
    this.receive(this.engine.start(0).batches.get(this.ids.teamId)?.events ?? []);
  }

  advanceTo(ms: number): void {
    this.clock.set(ms);
    this.receive(this.engine.tick(ms).batches.get(this.ids.teamId)?.events ?? []);
  }

  /** Records the action (reducer first, as the runtime does), then tells the engine. */
  act(draft: Draft, userId: string): Record<string, unknown> | undefined {
    this.counter += 1;
    return this.record({ ...draft, actionId: actionUuid(this.counter), exerciseId: this.ids.exerciseId } as TriageAction, userId, this.counter);
  }

  /** Applies an action as the runtime recorded it (its own id and per-team seq), at the current time. */
  record(action: TriageAction, userId: string, seq: number): Record<string, unknown> | undefined {
    const recorded = { action, userId, virtualMs: this.now, seq };
    let outcome;
    try {
      outcome = applyAction(this.state, recorded, this.ctx);
    } catch (error) {
      throw new SolverError(
        'SOLVER_ACTION_REFUSED',
        `the reducer refused ${action.type} at ${this.now} ms: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    this.state = outcome.state;
    this.actions.push({ actionId: action.actionId, userId, virtualMs: this.now, seq, action });
    const result = this.engine.act(this.ids.teamId, toEngineAction(action, outcome.result), this.now);
    this.engineActions.push(result.action);
    this.receive(result.events);
    return outcome.result;
  }
}

interface Policy {
  onDelivered(team: Team, event: DeliveredEvent): void;
  /** The earliest planned action time (ms) at or after now, or null. */
  nextPlannedMs(): number | null;
  runPlanned(team: Team): void;
  finish(team: Team): void;
}

const idlePolicy = (): Policy => ({
  onDelivered: () => undefined,
  nextPlannedMs: () => null,
  runPlanned: () => undefined,
  finish: () => undefined,
});

/** Marks every delivered alert a high-severity true positive and escalates it to every party. */
const naivePolicy = (scenario: Scenario): Policy => {
  const everyone = scenario.parties.map((p) => p.id).slice(0, 10);
  return {
    onDelivered(team, event) {
      team.act({ type: 'alert.acknowledge', alertId: event.eventId }, ANALYST);
      team.act({ type: 'alert.verdict', alertId: event.eventId, verdict: 'true-positive', reason: 'Looks malicious' }, ANALYST);
      team.act({ type: 'alert.severity', alertId: event.eventId, severity: 'high' }, ANALYST);
      if (everyone.length > 0) team.act({ type: 'route', target: { alertId: event.eventId }, to: everyone, escalate: true }, ANALYST);
    },
    nextPlannedMs: () => null,
    runPlanned: () => undefined,
    finish: () => undefined,
  };
};

interface Planned {
  readonly atMs: number;
  readonly order: number;
  readonly run: (team: Team) => void;
}

/** Follows the answer key to the letter. */
const perfectPolicy = (scenario: Scenario): Policy => {
  const key = new AnswerKey(scenario);
  const teamIncident = new Map<string, string>();
  const planned: Planned[] = [];
  const taken = new Set<string>();
  let retryDeferred: (team: Team) => void = () => undefined;
  const waiting = new Map<string, { plus: number; order: number; run: (team: Team) => void }[]>();
  let order = 0;

  const schedule = (ref: TimeRef | undefined, run: (team: Team) => void): void => {
    order += 1;
    if (ref === undefined) planned.push({ atMs: 0, order, run });
    else if (typeof ref === 'number') planned.push({ atMs: ref * 1000, order, run });
    else {
      const list = waiting.get(ref.event) ?? [];
      list.push({ plus: (ref.plus ?? 0) * 1000, order, run });
      waiting.set(ref.event, list);
    }
  };

  const walkTo = (team: Team, incidentId: string, phase: (typeof INCIDENT_PHASES)[number]): void => {
    const target = INCIDENT_PHASES.indexOf(phase);
    for (;;) {
      const current = team.state.incidents[incidentId];
      if (current === undefined) return;
      const index = INCIDENT_PHASES.indexOf(current.phase);
      if (index >= target) return;
      team.act({ type: 'incident.update', incidentId, phase: INCIDENT_PHASES[index + 1] }, RESPONDER);
    }
  };

  const firedNow = (team: Team) =>
    new Set(
      team.engine
        .team(TEAM_ID)
        .firedTriggers()
        .map((f) => f.triggerId),
    );
  const responseById = new Map(scenario.responses.map((r) => [r.id, r]));
  // A response whose `onlyIf` trigger has not fired yet is tried again after every step.
  const deferred: ExpectedResponse[] = [];
  const takeResponse = (team: Team, expected: ExpectedResponse, via: ReadonlySet<string> = new Set()): void => {
    const signature = `${expected.action}\u0000${(expected.target ?? '').toLowerCase()}`;
    if (taken.has(signature) || via.has(expected.id)) return;
    if (expected.onlyIf !== undefined) {
      const fired = firedNow(team);
      if ('fired' in expected.onlyIf && !fired.has(expected.onlyIf.fired)) {
        if (!deferred.includes(expected)) deferred.push(expected);
        return;
      }
      if ('notFired' in expected.onlyIf && fired.has(expected.onlyIf.notFired)) return;
    }
    // Ordering: what must come first is taken first (early is full credit: the window has not opened).
    for (const id of expected.takenAfter ?? []) {
      const before = responseById.get(id);
      if (before !== undefined) takeResponse(team, before, new Set([...via, expected.id]));
    }
    taken.add(signature);
    const incidentId = expected.incident === undefined ? undefined : teamIncident.get(expected.incident);
    const target = expected.target ?? scenario.target.asset;
    team.act({ type: 'response', action: expected.action, target, ...(incidentId ? { incidentId } : {}) }, RESPONDER);
    if (incidentId) walkTo(team, incidentId, PHASE_OF_ACTION[expected.action]);
  };
  retryDeferred = (team: Team) => {
    for (const expected of deferred.splice(0)) takeResponse(team, expected);
  };
  for (const expected of scenario.responses) schedule(expected.from, (team) => takeResponse(team, expected));
  for (const obligation of scenario.reporting) {
    schedule(obligation.from, (team) => {
      const incidentId = obligation.incident === undefined ? undefined : teamIncident.get(obligation.incident);
      const keyIncident = scenario.incidents.find((i) => i.id === obligation.incident) ?? scenario.incidents[0];
      const iocs: ReportContent['iocs'] = [];
      for (const alert of scenario.timeline) {
        if (alert.answer.verdict !== 'true-positive') continue;
        for (const o of alert.observables) if (o.role === 'attacker' && iocs.length < 5) iocs.push({ type: o.type, value: o.value });
      }
      if (iocs.length === 0) iocs.push({ type: 'domain', value: 'ioc.example' });
      const content: ReportContent = {
        whatHappened: keyIncident?.title.vi ?? scenario.title.vi,
        detectedAt: `T+${Math.round(team.now / 60_000)} phút`,
        affectedSystems: keyIncident?.assets ?? [scenario.target.asset],
        securityLevel: scenario.target.securityLevel,
        impact: 'Theo đáp án kịch bản',
        actionsTaken: team.state.responses.map((r) => `${r.action} ${r.target}`).join('; ') || 'Đang xác minh',
        iocs,
        supportRequest: 'Đề nghị hỗ trợ điều phối',
      };
      team.act(
        { type: 'report.file', kind: obligation.kind, recipients: [...obligation.recipients], ...(incidentId ? { incidentId } : {}), content },
        RESPONDER,
      );
    });
  }

  return {
    onDelivered(team, event) {
      const k = key.alert(event.eventId, event.injectId);
      for (const ids of [event.eventId, event.injectId]) {
        if (ids === undefined) continue;
        for (const w of waiting.get(ids) ?? []) planned.push({ atMs: event.virtualMs + w.plus, order: w.order, run: w.run });
        waiting.delete(ids);
      }
      if (k === undefined) return;
      const alertId = event.eventId;
      team.act({ type: 'alert.acknowledge', alertId }, ANALYST);
      team.act({ type: 'alert.verdict', alertId, verdict: k.answer.verdict, reason: k.answer.rationale?.vi ?? 'Đúng theo phân tích' }, ANALYST);
      team.act({ type: 'alert.severity', alertId, severity: k.answer.severity }, ANALYST);
      if (k.answer.routing.length > 0) team.act({ type: 'route', target: { alertId }, to: [...k.answer.routing], escalate: false }, ANALYST);
      const incident = k.answer.verdict === 'true-positive' ? k.answer.incident : null;
      if (incident !== null) {
        const existing = teamIncident.get(incident);
        if (existing === undefined) {
          const keyIncident = scenario.incidents.find((i) => i.id === incident);
          const result = team.act(
            {
              type: 'incident.create',
              title: keyIncident?.title.vi ?? incident,
              alertIds: [alertId],
              ...(keyIncident ? { severity: keyIncident.severity, legalClass: keyIncident.legalClass } : {}),
            },
            ANALYST,
          );
          const id = typeof result?.incidentId === 'string' ? result.incidentId : undefined;
          if (id !== undefined) {
            teamIncident.set(incident, id);
            if (keyIncident) team.act({ type: 'incident.update', incidentId: id, assets: [...keyIncident.assets] }, ANALYST);
          }
        } else {
          team.act({ type: 'incident.link', incidentId: existing, alertIds: [alertId] }, ANALYST);
        }
      }
    },
    nextPlannedMs() {
      let best: number | null = null;
      for (const p of planned) if (best === null || p.atMs < best) best = p.atMs;
      return best;
    },
    runPlanned(team) {
      retryDeferred(team);
      drain(team, this);
      for (;;) {
        const due = planned.filter((p) => p.atMs <= team.now).sort((a, b) => a.order - b.order);
        if (due.length === 0) return;
        const next = due[0];
        planned.splice(planned.indexOf(next), 1);
        next.run(team);
        drain(team, this);
      }
    },
    finish(team) {
      for (const incidentId of teamIncident.values()) walkTo(team, incidentId, 'closed');
    },
  };
};

function drain(team: Team, policy: Policy): void {
  while (team.inbox.length > 0) {
    const event = team.inbox.shift()!;
    policy.onDelivered(team, event);
  }
}

function policyFor(name: SolverName, scenario: Scenario): Policy {
  switch (name) {
    case 'perfect':
      return perfectPolicy(scenario);
    case 'naive':
      return naivePolicy(scenario);
    case 'idle':
      return idlePolicy();
    default: {
      const _never: never = name;
      throw new SolverError('SOLVER_UNKNOWN', `unknown solver ${String(_never)}`);
    }
  }
}

/** Plays the scenario with one solver and scores the result. Deterministic for a given seed. */
export function simulate(options: SimulationOptions): SimulationResult {
  const { scenario, solver } = options;
  const seed = options.seed ?? 1;
  const endMs = options.endMs ?? scenario.duration * 1000;
  const team = new Team(scenario, seed);
  const policy = policyFor(solver, scenario);
  team.start();
  drain(team, policy);
  policy.runPlanned(team);
  for (;;) {
    const wake = team.engine.nextWakeWallMs();
    const plannedAt = policy.nextPlannedMs();
    const next = Math.min(wake ?? Number.POSITIVE_INFINITY, plannedAt ?? Number.POSITIVE_INFINITY);
    if (!Number.isFinite(next) || next > endMs) break;
    team.advanceTo(Math.max(next, team.now));
    drain(team, policy);
    policy.runPlanned(team);
  }
  team.advanceTo(Math.max(endMs, team.now));
  drain(team, policy);
  policy.finish(team);
  drain(team, policy);
  const stream = team.engine.team(TEAM_ID);
  const delivered = stream.delivered();
  const score = computeScore({
    scenario,
    seed,
    teamId: TEAM_ID,
    delivered,
    state: team.state,
    actions: team.actions,
    endMs,
  });
  return {
    scenarioId: scenario.id,
    solver,
    seed: `${seed}`,
    endMs,
    delivered,
    fired: stream.firedTriggers(),
    actions: team.actions,
    engineActions: team.engineActions,
    state: team.state,
    score,
  };
}

/**
 * Replays a team's recorded actions (named by scenario event ids, in seq order) headless through
 * the same engine, reducer and scorer, each at its recorded virtual time: what a live exercise's
 * final score must equal for the same actions, however its clock was run (seeks, a takeover).
 */
export function replayActions(options: {
  readonly scenario: Scenario;
  readonly seed: string | number;
  readonly exerciseId: string;
  readonly teamId: string;
  readonly memberIds: readonly string[];
  readonly actions: readonly ScoringAction[];
  readonly endMs: number;
}): TeamScore {
  const { scenario, seed, endMs } = options;
  const team = new Team(scenario, seed, options);
  team.start();
  for (const recorded of [...options.actions].sort((a, b) => a.seq - b.seq)) {
    if (recorded.virtualMs > team.now) team.advanceTo(recorded.virtualMs);
    team.record(recorded.action as TriageAction, recorded.userId, recorded.seq);
  }
  team.advanceTo(Math.max(endMs, team.now));
  return computeScore({
    scenario,
    seed,
    teamId: options.teamId,
    delivered: team.engine.team(options.teamId).delivered(),
    state: team.state,
    actions: team.actions,
    endMs,
  });
}

/** The compact JSON the CLI prints with --json. */
export function simulationSummary(result: SimulationResult): Record<string, unknown> {
  const { score } = result;
  return {
    scenario: result.scenarioId,
    solver: result.solver,
    seed: result.seed,
    score: score.total,
    maxScore: score.maxScore,
    index: score.index,
    components: {
      detection: score.components.detection.score,
      response: score.components.response.score,
      coordination: score.components.coordination.score,
      incident: score.components.incident.score,
    },
    metrics: score.metrics,
    alertsDelivered: result.delivered.length,
    actions: result.actions.length,
    triggersFired: result.fired.map((f) => f.triggerId),
  };
}
