import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { StreamEvent } from '../contracts/exercise.schema.js';
import type { AlertQueueExportQuery, ExportLang, GroundTruthStixQuery, TeamStixQuery } from '../contracts/export.schema.js';
import type { AlertTemplate } from '../contracts/scenario.schema.js';
import type { RecordedAction, TeamState } from '../contracts/triage.schema.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { RosterService } from '../exercises/roster.service.js';
import { OrganisationEntity } from '../identity/organisation.entity.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { TriageService } from '../triage/triage.service.js';
import { ecsAlertDocuments, ocsfDetectionFindings, toNdjson, type QueueAlert, type QueueContext } from './alert-queue-exports.js';
import { groundTruthBundle, teamIncidentBundle, type Bundle, type SeenAlert, type TeamIncident, type TeamIoc } from './stix-bundle.js';
import { observableKey } from './stix-patterns.js';

const PAGE = 5_000;

/** The trainee copy of an alert as it was delivered (no answer key). */
type DeliveredAlert = Omit<AlertTemplate, 'answer' | 'phase'>;

interface TeamView {
  readonly state: TeamState;
  /** Delivered events by alert reference, in delivery order. */
  readonly events: ReadonlyMap<string, StreamEvent>;
  readonly actions: readonly RecordedAction[];
  readonly exercise: { readonly id: string; readonly title: string; readonly createdMs: number };
  readonly org: { readonly id: string; readonly name: string };
  readonly team: { readonly id: string; readonly name: string };
}

/**
 * Exports of what a team saw and decided (STIX for the national centre, OCSF/ECS for a SIEM) and of a
 * scenario's answer key for instructors. Team exports read only through the triage and exercise
 * services, with their access rules: a trainee gets their own team, staff any team; every alert comes
 * from the team's delivered stream, so nothing undelivered and nothing of the key can leak.
 */
@Injectable()
export class ExportsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TriageService) private readonly triage: TriageService,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(RosterService) private readonly rosters: RosterService,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async teamStix(user: AuthenticatedUser, exerciseId: string, query: TeamStixQuery): Promise<Bundle> {
    const view = await this.teamView(user, exerciseId, query.teamId);
    const { state } = view;
    const live = Object.values(state.incidents).filter((i) => i.mergedInto === null);
    let chosen = live;
    if (query.incidentId !== undefined) {
      const incident = state.incidents[query.incidentId];
      if (!incident) throw new AppError('INCIDENT_NOT_FOUND', `Your team has no incident ${query.incidentId}`);
      if (incident.mergedInto !== null) throw new AppError('INCIDENT_MERGED', `${query.incidentId} was merged into ${incident.mergedInto}: export that one`);
      chosen = [incident];
    }

    // When the team first recorded each IOC (on an incident or in a report), by its key.
    const firstRecorded = new Map<string, number>();
    const note = (observable: { type: string; value: string }, wallMs: number) => {
      const key = observableKey(observable);
      firstRecorded.set(key, Math.min(firstRecorded.get(key) ?? Infinity, wallMs));
    };
    const createdWall = new Map<string, number>();
    for (const recorded of view.actions) {
      const action = recorded.action;
      if (action.type === 'incident.observable') note(action.observable as { type: string; value: string }, recorded.wallMs);
      if (action.type === 'report.file')
        for (const ioc of (action.content as { iocs?: Array<{ type: string; value: string }> }).iocs ?? []) note(ioc, recorded.wallMs);
      if (action.type === 'incident.create' && typeof recorded.result?.incidentId === 'string') createdWall.set(recorded.result.incidentId, recorded.wallMs);
    }
    // A report about a merged incident counts for the incident it was merged into.
    const survivor = (id: string): string => {
      let current = id;
      for (let hops = 0; hops < 100 && state.incidents[current]?.mergedInto; hops += 1) current = state.incidents[current]!.mergedInto!;
      return current;
    };

    const incidents: TeamIncident[] = chosen.map((incident) => {
      const created = createdWall.get(incident.id) ?? view.exercise.createdMs;
      const named = [
        ...incident.observables,
        ...state.reports.filter((r) => r.incidentId !== null && survivor(r.incidentId) === incident.id).flatMap((r) => r.content.iocs),
      ];
      const iocs: TeamIoc[] = named.map((o) => ({ type: o.type, value: o.value, recordedMs: firstRecorded.get(observableKey(o)) ?? created }));
      const alerts: SeenAlert[] = incident.alertIds.flatMap((ref) => {
        const event = view.events.get(ref);
        if (!event) return [];
        const alert = event.alert as unknown as DeliveredAlert;
        return [
          {
            ref,
            title: alert.title[query.lang],
            deliveredMs: event.scheduledWallMs,
            observables: alert.observables,
            verdict: state.alerts[ref]?.verdict ?? null,
          },
        ];
      });
      return {
        id: incident.id,
        title: incident.title,
        severity: incident.severity,
        legalClass: incident.legalClass,
        phase: incident.phase,
        createdMs: created,
        iocs,
        alerts,
      };
    });

    const bundle = teamIncidentBundle({
      exercise: { id: view.exercise.id, title: view.exercise.title },
      org: view.org,
      team: view.team,
      createdMs: view.exercise.createdMs,
      tlp: query.tlp,
      lang: query.lang,
      scope: query.incidentId ?? 'all',
      incidents,
    });
    if (!bundle) throw new AppError('EXPORT_EMPTY', 'Nothing to share yet: record IOCs on the incident or link the alerts you saw');
    return bundle;
  }

  async teamOcsf(user: AuthenticatedUser, exerciseId: string, query: AlertQueueExportQuery): Promise<Array<Record<string, unknown>>> {
    const view = await this.teamView(user, exerciseId, query.teamId);
    return ocsfDetectionFindings(this.queue(view), this.queueContext(view, query.lang));
  }

  async teamEcs(user: AuthenticatedUser, exerciseId: string, query: AlertQueueExportQuery): Promise<string> {
    const view = await this.teamView(user, exerciseId, query.teamId);
    return toNdjson(ecsAlertDocuments(this.queue(view), this.queueContext(view, query.lang)));
  }

  /** The answer key of a scenario version the caller's organisation can see (the route admits only instructors and admins). */
  async groundTruthStix(user: AuthenticatedUser, scenarioId: string, versionId: string, query: GroundTruthStixQuery): Promise<Bundle> {
    const stored = await this.catalogue.visibleVersion(user, versionId, scenarioId);
    const bundle = groundTruthBundle({
      scenario: stored.scenario,
      versionId,
      createdMs: Date.parse(stored.row.createdAt),
      org: await this.organisation(user.orgId),
      tlp: query.tlp,
      lang: query.lang,
    });
    if (!bundle) throw new AppError('EXPORT_EMPTY', 'The answer key has no true-positive alert with an indicator of compromise');
    return bundle;
  }

  // ---- internals ----

  private async teamView(user: AuthenticatedUser, exerciseId: string, teamId: string | undefined): Promise<TeamView> {
    // The triage read applies the team rules (own team; staff any team) before anything else is read.
    const state = await this.triage.state(user, exerciseId, teamId);
    const { exercise } = await this.exercises.access(user, exerciseId);
    const roster = await this.rosters.of(exerciseId);
    const events = new Map<string, StreamEvent>();
    for (let after = 0; ;) {
      const page = (await this.exercises.events(user, exerciseId, state.teamId, after, PAGE)).events;
      for (const event of page) events.set(event.eventId, event);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    const actions: RecordedAction[] = [];
    for (let after = 0; ;) {
      const page = (await this.triage.actions(user, exerciseId, state.teamId, after, PAGE)).actions;
      actions.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    return {
      state,
      events,
      actions,
      exercise: { id: exercise.id, title: exercise.title, createdMs: Date.parse(exercise.createdAt) },
      org: await this.organisation(exercise.orgId ?? user.orgId),
      team: { id: state.teamId, name: roster.names.get(state.teamId) ?? state.teamId },
    };
  }

  private async organisation(orgId: string): Promise<{ id: string; name: string }> {
    const org = await this.dataSource.getRepository(OrganisationEntity).findOne({ where: { id: orgId } });
    return { id: orgId, name: org?.name ?? orgId };
  }

  private queueContext(view: TeamView, lang: ExportLang): QueueContext {
    return { exercise: { id: view.exercise.id, title: view.exercise.title }, org: view.org, team: view.team, timeZone: this.config.ORG_TIME_ZONE, lang };
  }

  /** Every alert delivered to the team, in delivery order, with the team's decisions. */
  private queue(view: TeamView): QueueAlert[] {
    return [...view.events.values()].map((event) => {
      const alert = event.alert as unknown as DeliveredAlert;
      const state = view.state.alerts[event.eventId];
      const incident = state?.incidentId ? view.state.incidents[state.incidentId] : undefined;
      return {
        ref: event.eventId,
        deliveredMs: event.scheduledWallMs,
        layer: alert.layer,
        sensor: alert.sensor,
        sensorSeverity: alert.severity,
        title: alert.title,
        description: alert.description,
        ...(alert.technique === undefined ? {} : { technique: alert.technique }),
        observables: alert.observables,
        ...(alert.raw === undefined ? {} : { raw: alert.raw }),
        ...(alert.rule === undefined ? {} : { rule: alert.rule }),
        acknowledged: state?.acknowledgedAtMs != null || state?.ownerId != null,
        verdict: state?.verdict ?? null,
        verdictReason: state?.verdictReason ?? null,
        duplicateOf: state?.duplicateOf ?? null,
        teamSeverity: state?.severity ?? null,
        incidentId: state?.incidentId ?? null,
        incidentClosed: incident?.phase === 'closed',
      };
    });
  }
}
