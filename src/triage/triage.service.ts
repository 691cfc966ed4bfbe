import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import { ClusterNode } from '../cluster/cluster-node.js';
import { OwnerRouter } from '../cluster/owner-router.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import type { ActionAck, RecordedAction, ReportDeadlines, TeamProgress, TeamState, TriageAction } from '../contracts/triage.schema.js';
import { AlertRefService } from '../exercises/alert-ref.service.js';
import { clientResult, withRefsInText } from '../exercises/alert-refs.js';
import { ExerciseBus } from '../exercises/exercise-bus.js';
import { ExerciseRuntime, type ActGate, type LiveExerciseHandle } from '../exercises/exercise-runtime.service.js';
import { ExerciseLogRepository } from '../exercise-log/exercise-log.repository.js';
import { ExerciseEntity } from '../exercises/exercise.entity.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { RosterService, type ExerciseRoster } from '../exercises/roster.service.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { toEngineAction } from '../team-state/engine-mapping.js';
import { reportDeadlines } from '../team-state/report-deadlines.js';
import {
  applyAction,
  deriveTeamState,
  emptyTeamState,
  recordedInput,
  TriageError,
  triageScenarioView,
  type ApplyOutcome,
  type TriageScenarioView,
} from '../team-state/team-state.reducer.js';

/** Who plays in an exercise (RosterService) and the scenario they play. */
interface Roster extends ExerciseRoster {
  readonly scenario: Scenario;
  readonly view: TriageScenarioView;
}

interface TeamCache {
  /**
   * Includes actions applied but not yet committed: the next action is checked against it. Its
   * alert and incident maps are updated in place (see ApplyOptions.inPlace) and belong to it alone.
   */
  state: TeamState;
  /** Up to the last committed action: what readers get. Its maps are its own, updated at each commit. */
  committed: TeamState;
  readonly acks: Map<string, { readonly userId: string; readonly ack: ActionAck }>;
  readonly inflight: Map<string, { readonly userId: string; readonly promise: Promise<ActionAck> }>;
  /**
   * The journal ordinal of each committed action, by seq (index seq - 1). The journal has no
   * per-team index (see `actions()`): this is how a team's rows are found.
   */
  readonly ordinals: number[];
  /** The last committed action (the cockpit's progress). */
  last: RecordedAction | null;
}

interface ExerciseCache {
  readonly teams: Map<string, TeamCache>;
  /**
   * Which team used each action id of the exercise (committed or in flight). Action ids are unique
   * per exercise; the journal has no index on them (an index on random UUIDs doubled the cost of
   * every commit), so this map is what refuses another team's id.
   */
  readonly actionTeams: Map<string, string>;
}

type RefPairs = ReadonlyArray<{ readonly id: string; readonly ref: string }>;

const MAX_CACHED_EXERCISES = 64;
/** Actions whose broadcast carries no entity snapshot (see act()). */
const APPEND_ONLY: ReadonlySet<TriageAction['type']> = new Set<TriageAction['type']>([
  'alert.note',
  'incident.observable',
  'incident.note',
  'team.message',
  'hint.request',
]);

/**
 * Trainee triage: validates, authorizes and applies actions, keeps each team's state (derived
 * from the action log, cached in memory, rebuilt from the log after a restart), acknowledges after
 * commit and broadcasts what changed.
 */
@Injectable()
export class TriageService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TriageService.name);
  /** The scenario and reducer view of each scenario version in play. */
  private readonly scenarios = new LRUCache<string, Promise<{ scenario: Scenario; view: TriageScenarioView }>>({ max: MAX_CACHED_EXERCISES });
  private readonly caches = new Map<string, Promise<ExerciseCache>>();
  /**
   * Several nodes: the live exercise each cache was checked against. The clock (and with it every
   * action) moves to another node when its owner dies, possibly after commits it never published:
   * a node that becomes the owner rebuilds its caches from the log first.
   */
  private readonly cacheOwner = new Map<string, LiveExerciseHandle>();
  private unsubscribe: (() => void) | undefined;
  /** Actions applied but not yet committed, per exercise. */
  private readonly inflightOf = new Map<string, number>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(ExerciseBus) private readonly bus: ExerciseBus,
    @Inject(AlertRefService) private readonly alertRefs: AlertRefService,
    @Inject(RosterService) private readonly rosters: RosterService,
    @Inject(ExerciseLogRepository) private readonly log: ExerciseLogRepository,
    @Inject(ClusterNode) private readonly node: ClusterNode,
    @Inject(OwnerRouter) private readonly router: OwnerRouter,
  ) {}

  onModuleInit(): void {
    // Actions other nodes forward here because this node runs the exercise's clock.
    this.router.handle<{ user: AuthenticatedUser; input: TriageAction }>('triage.act', ({ user, input }) => this.act(user, input));
    this.router.handle<{ user: AuthenticatedUser; exerciseId: string; inputs: TriageAction[] }>('triage.actMany', ({ user, exerciseId, inputs }) =>
      this.actMany(user, exerciseId, inputs),
    );
    if (!this.node.clustered) return;
    // Another node committed an action: what this node cached for reads is out of date.
    this.unsubscribe = this.bus.subscribeAll((message, remote) => {
      if (!remote || message.type !== 'action' || this.inflightOf.has(message.exerciseId)) return;
      this.caches.delete(message.exerciseId);
      this.cacheOwner.delete(message.exerciseId);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /**
   * Applies one trainee action. A retry with the same actionId (also while the first attempt is
   * still committing) gets the original ack with applied:false and changes nothing.
   */
  async act(user: AuthenticatedUser, input: TriageAction): Promise<ActionAck> {
    const [ack] = await this.actAll(user, input.exerciseId, [input], false);
    return ack!;
  }

  /**
   * Applies several actions of one user as one step: every action is checked against the team's
   * state (each after the ones before it) before the first is applied, so either all are applied
   * or none is and the refusal names the action (`actions.<i>`). They join one journal commit, and
   * each keeps its own actionId, seq, broadcast and score: closing forty alerts in bulk records
   * forty verdicts. Actions whose id was already applied are acknowledged again (applied:false).
   */
  async actMany(user: AuthenticatedUser, exerciseId: string, inputs: readonly TriageAction[]): Promise<ActionAck[]> {
    const ids = new Map<string, number>();
    inputs.forEach((input, i) => {
      if (input.exerciseId !== exerciseId)
        throw new AppError('VALIDATION_FAILED', 'exerciseId of an action differs from the path', [
          { path: `actions.${i}.exerciseId`, message: 'must match the path' },
        ]);
      const first = ids.get(input.actionId);
      if (first !== undefined)
        throw new AppError('VALIDATION_FAILED', 'Two actions of the request share an actionId', [
          { path: `actions.${i}.actionId`, message: `same as actions.${first}.actionId` },
        ]);
      ids.set(input.actionId, i);
    });
    return this.actAll(user, exerciseId, inputs, true);
  }

  private async actAll(user: AuthenticatedUser, exerciseId: string, inputs: readonly TriageAction[], bulk: boolean): Promise<ActionAck[]> {
    const roster = await this.roster(exerciseId);
    const teamId = this.teamOf(roster, user);
    const cached = this.cache(roster);
    const cache = await cached;
    const team = this.teamCache(cache, roster, teamId);
    const fresh = inputs.filter((input) => this.replay(cache, team, teamId, input.actionId, user.id) === null);
    if (fresh.length === 0) return Promise.all(inputs.map((input) => this.replay(cache, team, teamId, input.actionId, user.id)!));
    // Clients name alerts by reference; from here on the actions name them by event id.
    const resolved = new Map<string, Awaited<ReturnType<AlertRefService['resolveAction']>>>();
    for (const input of fresh) resolved.set(input.actionId, await this.alertRefs.resolveAction(input, teamId));
    const live = await this.runtime.liveHandle(exerciseId);
    if (this.node.clustered) {
      if (this.cacheOwner.get(exerciseId) !== live && !this.inflightOf.has(exerciseId)) {
        // First action here since this node took the clock: start again on a cache read from the log.
        this.caches.delete(exerciseId);
        this.cacheOwner.set(exerciseId, live);
        return this.actAll(user, exerciseId, inputs, bulk);
      }
      // The cache was replaced while these actions waited: its state is not the one to apply to.
      if (this.caches.get(exerciseId) !== cached) return this.actAll(user, exerciseId, inputs, bulk);
    }

    // From here to the last actOn() returning nothing awaits: the checks and the applies are one step.
    const acks: Array<Promise<ActionAck>> = [];
    const pending: Array<{ index: number; action: TriageAction; pairs: RefPairs; unresolved: number }> = [];
    inputs.forEach((input, index) => {
      const again = this.replay(cache, team, teamId, input.actionId, user.id);
      if (again) acks[index] = again;
      else {
        const r = resolved.get(input.actionId);
        // Resolved above unless it was a retry then: a retry that is no longer one cannot happen.
        if (r === undefined) throw new AppError('CONFLICT', 'This actionId was already used for another action');
        pending.push({ index, action: r.action, pairs: r.pairs, unresolved: r.unresolved });
      }
    });
    const members = roster.members.get(teamId) ?? new Set<string>();
    const refuse = (error: unknown, pairs: RefPairs, index: number): unknown => {
      if (!(error instanceof TriageError)) return error;
      const prefix = bulk ? `actions.${index}.` : '';
      return new AppError(
        error.code,
        (bulk ? `Action ${index + 1}: ` : '') + withRefsInText(error.message, pairs),
        (error.details ?? (bulk ? [{ path: '', message: error.message }] : undefined))?.map((d) => ({
          path: `${prefix}${d.path}`.replace(/\.$/, ''),
          message: withRefsInText(d.message, pairs),
        })),
      );
    };
    pending.forEach((item, n) => {
      acks[item.index] = this.applyOne(
        user,
        roster,
        cache,
        team,
        teamId,
        live,
        members,
        item.action,
        (gate) => {
          if (n > 0 || pending.length === 1) return;
          // All or nothing: the later actions are checked on a scratch state before the first is applied.
          let scratch = team.state;
          for (const other of pending) {
            try {
              scratch = applyAction(
                scratch,
                { action: other.action, userId: user.id, virtualMs: gate.virtualMs, seq: scratch.lastActionSeq + 1 },
                { delivered: gate.isDelivered, scenario: roster.view, teamMemberIds: members },
              ).state;
              if (other.unresolved > 0) throw new TriageError('ALERT_NOT_DELIVERED', 'An alert of this action has not been delivered to your team');
            } catch (error) {
              throw refuse(error, other.pairs, other.index);
            }
          }
        },
        (error) => refuse(error, item.pairs, item.index),
        item.unresolved,
      );
    });
    return Promise.all(acks);
  }

  /** The synchronous apply of one resolved action; the promise settles once it is committed. */
  private applyOne(
    user: AuthenticatedUser,
    roster: Roster,
    cache: ExerciseCache,
    team: TeamCache,
    teamId: string,
    live: LiveExerciseHandle,
    members: ReadonlySet<string>,
    action: TriageAction,
    precheck: (gate: ActGate) => void,
    refuse: (error: unknown) => unknown,
    unresolved: number,
  ): Promise<ActionAck> {
    const seq = team.state.lastActionSeq + 1;
    let outcome: ApplyOutcome | undefined;
    let recorded: RecordedAction | undefined;
    const { virtualMs, ordinal, committed } = this.runtime.actOn(live, teamId, user.id, (gate) => {
      precheck(gate);
      try {
        outcome = applyAction(
          team.state,
          { action, userId: user.id, virtualMs: gate.virtualMs, seq },
          { delivered: gate.isDelivered, scenario: roster.view, teamMemberIds: members },
          { inPlace: true },
        );
        // The reducer checks delivery of every alert it is given, so this is only a backstop.
        if (unresolved > 0) throw new TriageError('ALERT_NOT_DELIVERED', 'An alert of this action has not been delivered to your team');
      } catch (error) {
        throw refuse(error);
      }
      recorded = {
        actionId: action.actionId,
        exerciseId: action.exerciseId,
        teamId,
        userId: user.id,
        username: roster.usernames.get(user.id) ?? user.username,
        seq,
        virtualMs: gate.virtualMs,
        wallMs: gate.wallMs,
        action: action as unknown as Record<string, unknown>,
        ...(outcome.result === undefined ? {} : { result: outcome.result }),
      };
      return { action: toEngineAction(action, outcome.result), teamSeq: seq, detail: JSON.stringify(recorded) };
    });
    const applied = outcome!;
    const entry = recorded!;
    team.state = applied.state;
    // The working maps change with later actions: keep what this one made (entities are immutable).
    const changedAlerts = applied.changed.alertIds.map((id) => applied.state.alerts[id]).filter((a) => a !== undefined);
    const changedIncidents = applied.changed.incidentIds.map((id) => applied.state.incidents[id]).filter((i) => i !== undefined);
    cache.actionTeams.set(action.actionId, teamId);
    this.inflightOf.set(action.exerciseId, (this.inflightOf.get(action.exerciseId) ?? 0) + 1);
    const ack: ActionAck = {
      actionId: action.actionId,
      seq,
      virtualMs,
      applied: true,
      ...(applied.result === undefined ? {} : { result: clientResult(applied.result) }),
    };
    const settled = () => {
      const left = (this.inflightOf.get(action.exerciseId) ?? 1) - 1;
      if (left > 0) this.inflightOf.set(action.exerciseId, left);
      else this.inflightOf.delete(action.exerciseId);
    };
    const promise = committed.then(
      () => {
        settled();
        team.inflight.delete(action.actionId);
        team.acks.set(action.actionId, { userId: user.id, ack });
        // Commits complete in seq order, so the list stays dense.
        team.ordinals[seq - 1] = ordinal;
        team.last = entry;
        if (applied.state.lastActionSeq > team.committed.lastActionSeq) {
          const { alerts, incidents } = team.committed;
          for (const alert of changedAlerts) alerts[alert.alertId] = alert;
          for (const incident of changedIncidents) incidents[incident.id] = incident;
          team.committed = { ...applied.state, alerts, incidents };
        }
        // Append-only actions carry everything a client needs in the action itself; resending the
        // whole alert with its growing note list to every teammate would cost more than the action.
        const withEntities = !APPEND_ONLY.has(action.type);
        this.bus.publish({
          type: 'action',
          exerciseId: action.exerciseId,
          teamId,
          action: entry,
          alerts: withEntities ? changedAlerts : [],
          incidents: withEntities ? changedIncidents : [],
        });
        return ack;
      },
      (error: unknown) => {
        settled();
        // The in-memory state ran ahead of the log: forget it, the next access rebuilds it.
        this.caches.delete(action.exerciseId);
        this.logger.error(
          `Action ${action.actionId} of exercise ${action.exerciseId} was not committed: ${error instanceof Error ? error.message : String(error)}`,
        );
        throw new AppError('INTERNAL_ERROR', 'The action could not be saved; retry it');
      },
    );
    team.inflight.set(action.actionId, { userId: user.id, promise });
    return promise;
  }

  /** The team's state (committed actions). A trainee reads their own team; instructors and reviewers any. */
  async state(user: AuthenticatedUser, exerciseId: string, teamId: string | undefined): Promise<TeamState> {
    const team = await this.readableTeam(user, exerciseId, teamId);
    const roster = await this.roster(exerciseId);
    const namer = await this.alertRefs.namer(exerciseId);
    return namer.teamState(this.teamCache(await this.cache(roster), roster, team).committed);
  }

  /**
   * Recorded actions of a team after a per-team seq, from the log. The journal has no index by team
   * and seq (each commit of actions from fifty teams dirtied fifty of its pages, the largest share
   * of the cost of a commit): the team's rows are read by their ordinals, which the cache keeps.
   */
  async actions(
    user: AuthenticatedUser,
    exerciseId: string,
    teamId: string | undefined,
    afterSeq: number,
    limit: number,
  ): Promise<{ teamId: string; actions: RecordedAction[] }> {
    const team = await this.readableTeam(user, exerciseId, teamId);
    const roster = await this.roster(exerciseId);
    const ordinals = this.teamCache(await this.cache(roster), roster, team).ordinals.slice(Math.max(0, afterSeq), Math.max(0, afterSeq) + limit);
    const recorded = await this.log.recordedActionsAt(exerciseId, ordinals);
    const namer = await this.alertRefs.namer(exerciseId);
    return { teamId: team, actions: recorded.map((r) => namer.recordedAction(r)) };
  }

  /** Report deadlines for the console, counted from what the team knows (see reportDeadlines). */
  async deadlines(user: AuthenticatedUser, exerciseId: string, teamId: string | undefined): Promise<ReportDeadlines> {
    const team = await this.readableTeam(user, exerciseId, teamId);
    const roster = await this.roster(exerciseId);
    const state = this.teamCache(await this.cache(roster), roster, team).committed;
    const exercise = await this.dataSource.getRepository(ExerciseEntity).findOneOrFail({ where: { id: exerciseId } });
    const virtualMs = this.runtime.clockOf(exercise, roster.scenario.duration * 1000).virtualMs;
    return { exerciseId, teamId: team, virtualMs, deadlines: reportDeadlines(state, roster.scenario.reporting, virtualMs) };
  }

  /** The cockpit's view of every team (instructors and reviewers of the exercise's organisation). */
  async progress(user: AuthenticatedUser, exerciseId: string): Promise<TeamProgress[]> {
    const access = await this.exercises.access(user, exerciseId);
    if (!this.canOversee(user, access.exercise.orgId)) throw new AppError('FORBIDDEN', "Only the exercise's instructors and reviewers see every team");
    const roster = await this.roster(exerciseId);
    const cache = await this.cache(roster);
    const namer = await this.alertRefs.namer(exerciseId);
    const phaseOf = new Map(roster.scenario.timeline.filter((a) => a.phase !== undefined).map((a) => [a.id, a.phase!]));
    const order = roster.scenario.phases.map((p) => p.id);
    const result: TeamProgress[] = [];
    for (const teamId of access.teamIds) {
      const events = await this.runtime.eventsAfter(exerciseId, teamId, 0, 1_000_000);
      const state = this.teamCache(cache, roster, teamId).committed;
      const firstOfPhase = new Map<string, number>();
      for (const event of events) {
        const phase = phaseOf.get(event.eventId);
        if (phase !== undefined && !firstOfPhase.has(phase)) firstOfPhase.set(phase, event.deliveredVirtualMs);
      }
      const open = events.filter((e) => !state.alerts[e.eventId]?.verdict);
      const lastRecord = this.teamCache(cache, roster, teamId).last;
      result.push({
        teamId,
        phasesReached: order.filter((id) => firstOfPhase.has(id)).map((phaseId) => ({ phaseId, firstDeliveredMs: firstOfPhase.get(phaseId)! })),
        phaseCount: order.length,
        delivered: events.length,
        openAlerts: open.length,
        lastAction: lastRecord ? { type: String(lastRecord.action.type), username: lastRecord.username, virtualMs: lastRecord.virtualMs } : null,
        waitingLongest: open.slice(0, 5).map((e) => {
          const title = (e.alert as { title?: { vi: string; en: string } }).title ?? { vi: '', en: '' };
          return { alertId: namer.refOf(e.eventId), title, deliveredVirtualMs: e.deliveredVirtualMs };
        }),
      });
    }
    return result;
  }

  // ---- internals ----

  private async readableTeam(user: AuthenticatedUser, exerciseId: string, teamId: string | undefined): Promise<string> {
    const access = await this.exercises.access(user, exerciseId);
    const team = teamId ?? access.teamId ?? undefined;
    if (!team || !access.teamIds.includes(team))
      throw new AppError('VALIDATION_FAILED', 'Give the teamId of a team of this exercise', [{ path: 'teamId', message: 'unknown team' }]);
    if (access.teamId !== team && (access.teamId !== null || !this.canOversee(user, access.exercise.orgId))) {
      throw new AppError('NOT_TEAM_MEMBER', 'You can only read your own team');
    }
    return team;
  }

  private canOversee(user: AuthenticatedUser, orgId: string | null): boolean {
    return user.roles.includes('admin') || ((user.roles.includes('instructor') || user.roles.includes('reviewer')) && orgId === user.orgId);
  }

  private teamOf(roster: Roster, user: AuthenticatedUser): string {
    const teamId = roster.teamOf.get(user.id);
    if (teamId !== undefined) return teamId;
    // Outsiders must not learn that the exercise exists.
    if (this.canOversee(user, roster.orgId)) throw new AppError('NOT_TEAM_MEMBER', "Only members of the exercise's teams can act in it");
    throw new AppError('EXERCISE_NOT_FOUND', 'No such exercise');
  }

  private replay(cache: ExerciseCache, team: TeamCache, teamId: string, actionId: string, userId: string): Promise<ActionAck> | null {
    const done = team.acks.get(actionId);
    const pending = done ? undefined : team.inflight.get(actionId);
    const owner = done?.userId ?? pending?.userId;
    if (owner === undefined) {
      const otherTeam = cache.actionTeams.get(actionId);
      if (otherTeam !== undefined && otherTeam !== teamId) throw new AppError('CONFLICT', 'This actionId was already used for another action');
      return null;
    }
    if (owner !== userId) throw new AppError('CONFLICT', 'This actionId was already used for another action');
    if (done) return Promise.resolve({ ...done.ack, applied: false });
    return pending!.promise.then((ack) => ({ ...ack, applied: false }));
  }

  private teamCache(cache: ExerciseCache, roster: Roster, teamId: string): TeamCache {
    let team = cache.teams.get(teamId);
    if (!team) {
      team = {
        state: emptyTeamState(roster.exerciseId, teamId),
        committed: emptyTeamState(roster.exerciseId, teamId),
        acks: new Map(),
        inflight: new Map(),
        ordinals: [],
        last: null,
      };
      cache.teams.set(teamId, team);
    }
    return team;
  }

  private async roster(exerciseId: string): Promise<Roster> {
    const roster = await this.rosters.of(exerciseId);
    let scenario = this.scenarios.get(roster.scenarioVersionId);
    if (!scenario) {
      scenario = this.catalogue.byVersionId(roster.scenarioVersionId).then(({ scenario: s }) => ({ scenario: s, view: triageScenarioView(s) }));
      this.scenarios.set(roster.scenarioVersionId, scenario);
      scenario.catch(() => this.scenarios.delete(roster.scenarioVersionId));
    }
    return { ...roster, ...(await scenario) };
  }

  private cache(roster: Roster): Promise<ExerciseCache> {
    let cache = this.caches.get(roster.exerciseId);
    if (!cache) {
      cache = this.loadCache(roster);
      this.caches.set(roster.exerciseId, cache);
      cache.catch(() => this.caches.delete(roster.exerciseId));
      // An exercise with actions in flight keeps its cache: a reload from the journal would not
      // know their ids, and a retry arriving then would be applied twice.
      this.trim(this.caches, (exerciseId) => this.inflightOf.has(exerciseId));
    }
    return cache;
  }

  /** Rebuilds every team's state and acks from the log (after a restart, or on first use). */
  private async loadCache(roster: Roster): Promise<ExerciseCache> {
    const rows = await this.log.recordedActions(roster.exerciseId);
    const byTeam = new Map<string, RecordedAction[]>();
    const ordinalOf = new Map<RecordedAction, number>();
    for (const { ordinal, action: recorded } of rows) {
      ordinalOf.set(recorded, ordinal);
      const list = byTeam.get(recorded.teamId) ?? [];
      list.push(recorded);
      byTeam.set(recorded.teamId, list);
    }
    const teams = new Map<string, TeamCache>();
    const actionTeams = new Map<string, string>();
    for (const [teamId, list] of byTeam) {
      for (const r of list) actionTeams.set(r.actionId, teamId);
      list.sort((a, b) => a.seq - b.seq);
      // Only accepted actions were logged, and delivery never un-happens: no delivery check needed.
      const state = deriveTeamState(
        list.map(recordedInput),
        { delivered: () => true, scenario: roster.view, teamMemberIds: roster.members.get(teamId) ?? new Set() },
        {
          exerciseId: roster.exerciseId,
          teamId,
          onSkipped: (r, error) => this.logger.warn(`Exercise ${roster.exerciseId} team ${teamId}: logged action #${r.seq} no longer applies (${error.code})`),
        },
      );
      const acks = new Map(
        list.map((r) => [
          r.actionId,
          {
            userId: r.userId,
            ack: {
              actionId: r.actionId,
              seq: r.seq,
              virtualMs: r.virtualMs,
              applied: true,
              ...(r.result === undefined ? {} : { result: clientResult(r.result) }),
            },
          },
        ]),
      );
      teams.set(teamId, {
        state,
        committed: { ...state, alerts: { ...state.alerts }, incidents: { ...state.incidents } },
        acks,
        inflight: new Map(),
        ordinals: list.map((r) => ordinalOf.get(r)!),
        last: list[list.length - 1] ?? null,
      });
    }
    return { teams, actionTeams };
  }

  /** Drops the oldest entries beyond MAX_CACHED_EXERCISES, except those `keep` holds on to. */
  private trim<T>(map: Map<string, T>, keep: (exerciseId: string) => boolean = () => false): void {
    let excess = map.size - MAX_CACHED_EXERCISES;
    for (const exerciseId of [...map.keys()]) {
      if (excess <= 0) return;
      if (keep(exerciseId)) continue;
      map.delete(exerciseId);
      excess -= 1;
    }
  }
}
