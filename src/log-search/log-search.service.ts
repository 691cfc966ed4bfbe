import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppError } from '../common/app-error.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import type {
  AlertContextQuery,
  AlertContextResult,
  LogPivotQuery,
  LogPivotResult,
  LogSearchBody,
  LogSearchResult,
  SavedLogQuery,
  SavedLogQueryBody,
} from '../contracts/log-search.schema.js';
import type { StreamEvent } from '../contracts/exercise.schema.js';
import { ExerciseRuntime } from '../exercises/exercise-runtime.service.js';
import { ExercisesService } from '../exercises/exercises.service.js';
import { ScenarioCatalogueService } from '../scenarios/scenario-catalogue.service.js';
import { TriageService } from '../triage/triage.service.js';
import { LogQueryError, parseLogQuery } from './log-query.js';
import { buildRawCorpusInSlices, type RawCorpus } from './raw-corpus.js';
import { SavedLogQueryEntity } from './saved-log-query.entity.js';
import { searchTeamLogs, type TeamLogState } from './team-log-search.js';

const PAGE = 5_000;
const MAX_SAVED_QUERIES = 100;
/** Corpora kept in memory: one per (scenario version, seed), i.e. per running exercise. */
const CORPUS_CACHE = 8;

/** Fields where each kind of indicator appears in ECS, besides the raw line. */
const PIVOT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ip: ['source.ip', 'destination.ip', 'client.ip', 'server.ip', 'host.ip', 'related.ip'],
  domain: ['dns.question.name', 'url.domain', 'destination.domain', 'host.name', 'related.hosts'],
  url: ['url.original', 'url.full', 'url.path'],
  'hash-md5': ['file.hash.md5', 'process.hash.md5', 'related.hash'],
  'hash-sha1': ['file.hash.sha1', 'process.hash.sha1', 'related.hash'],
  'hash-sha256': ['file.hash.sha256', 'process.hash.sha256', 'related.hash'],
  'file-path': ['file.path', 'process.executable', 'file.target_path'],
  'file-name': ['file.name', 'process.name'],
  account: ['user.name', 'source.user.name', 'destination.user.name', 'related.user'],
  process: ['process.name', 'process.executable', 'process.command_line'],
  email: ['email.from.address', 'email.to.address', 'user.email', 'source.user.email'],
  'user-agent': ['user_agent.original'],
  cve: ['vulnerability.id'],
  'registry-key': ['registry.key', 'registry.path'],
};

function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The search that finds an indicator: a phrase in the raw line, or the value in a field of its kind. */
export function pivotQuery(type: string, value: string): string {
  const fields = PIVOT_FIELDS[type] ?? [];
  return [quoted(value), ...fields.map((f) => `${f}:${quoted(value)}`)].join(' OR ');
}

interface TeamRef {
  readonly teamId: string;
  readonly corpus: RawCorpus;
  readonly state: TeamLogState;
}

/**
 * Searches of a team's raw logs. The corpus of an exercise is built once (per scenario version and
 * seed) and shared by its teams; every read goes through the team's gate (its present, its
 * triggers) computed by the runtime, so no query, pivot or range reaches the future or another
 * team's branch.
 */
@Injectable()
export class LogSearchService {
  private readonly corpora = new Map<string, Promise<RawCorpus>>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ExercisesService) private readonly exercises: ExercisesService,
    @Inject(ExerciseRuntime) private readonly runtime: ExerciseRuntime,
    @Inject(ScenarioCatalogueService) private readonly catalogue: ScenarioCatalogueService,
    @Inject(TriageService) private readonly triage: TriageService,
  ) {}

  async search(user: AuthenticatedUser, exerciseId: string, body: LogSearchBody): Promise<LogSearchResult> {
    const query = parse(body.query);
    const team = await this.team(user, exerciseId, body.teamId);
    return this.run(team, query, body);
  }

  async pivot(user: AuthenticatedUser, exerciseId: string, input: LogPivotQuery): Promise<LogPivotResult> {
    const team = await this.team(user, exerciseId, input.teamId);
    const text = pivotQuery(input.type, input.value);
    const events = this.run(team, parse(text), { limit: input.limit, offset: 0, buckets: 60 });
    const needle = input.value.toLowerCase();
    const alerts: LogPivotResult['alerts'] = [];
    for (const event of await this.delivered(user, exerciseId, team.teamId)) {
      const alert = event.alert as {
        title?: { vi: string; en: string };
        asset?: string;
        observables?: Array<{ value: string }>;
        fields?: Record<string, unknown>;
        raw?: string;
      };
      const carries =
        (alert.observables ?? []).some((o) => o.value.toLowerCase() === needle) ||
        Object.values(alert.fields ?? {}).some((v) => String(v).toLowerCase() === needle) ||
        (alert.raw ?? '').toLowerCase().includes(needle);
      if (carries && alert.title)
        alerts.push({ ref: event.eventId, virtualMs: event.virtualMs, title: alert.title, ...(alert.asset ? { asset: alert.asset } : {}) });
    }
    const state = await this.triage.state(user, exerciseId, team.teamId);
    const incidents = Object.values(state.incidents)
      .filter((i) => i.mergedInto === null && i.observables.some((o) => o.value.toLowerCase() === needle))
      .map((i) => ({ id: i.id, title: i.title }));
    return { query: text, events, alerts: alerts.reverse(), incidents };
  }

  async alertContext(user: AuthenticatedUser, exerciseId: string, alertRef: string, input: AlertContextQuery): Promise<AlertContextResult> {
    const team = await this.team(user, exerciseId, input.teamId);
    const event = (await this.delivered(user, exerciseId, team.teamId)).find((e) => e.eventId === alertRef);
    if (!event) throw new AppError('ALERT_NOT_DELIVERED', `Alert ${alertRef} has not been delivered to this team`);
    const alert = event.alert as { asset?: string; observables?: Array<{ type: string; value: string }> };
    // The host: the alert's asset, or failing that its IP addresses.
    const ips = (alert.observables ?? []).filter((o) => o.type === 'ip').map((o) => o.value);
    const text = alert.asset !== undefined ? `asset:${quoted(alert.asset)}` : ips.length > 0 ? ips.map((ip) => pivotQuery('ip', ip)).join(' OR ') : '';
    const events = this.run(team, parse(text), {
      fromMs: Math.max(0, event.virtualMs - input.windowMs),
      toMs: event.virtualMs + input.windowMs,
      limit: input.limit,
      offset: 0,
      buckets: 30,
    });
    return { query: text, alertVirtualMs: event.virtualMs, events };
  }

  // ---- saved queries (per user) ----

  async savedQueries(user: AuthenticatedUser): Promise<SavedLogQuery[]> {
    const rows = await this.dataSource.getRepository(SavedLogQueryEntity).find({ where: { userId: user.id }, order: { createdAt: 'ASC' } });
    return rows.map(toSaved);
  }

  async saveQuery(user: AuthenticatedUser, body: SavedLogQueryBody): Promise<SavedLogQuery> {
    parse(body.query);
    const repository = this.dataSource.getRepository(SavedLogQueryEntity);
    if ((await repository.count({ where: { userId: user.id } })) >= MAX_SAVED_QUERIES) {
      throw new AppError('SAVED_QUERY_LIMIT', `You have ${MAX_SAVED_QUERIES} saved searches: delete one first`);
    }
    const row = repository.create({
      id: randomUUID(),
      userId: user.id,
      name: body.name,
      query: body.query,
      columnsJson: JSON.stringify(body.columns),
      createdAt: new Date().toISOString(),
    });
    await repository.save(row);
    return toSaved(row);
  }

  async deleteQuery(user: AuthenticatedUser, id: string): Promise<void> {
    const result = await this.dataSource.getRepository(SavedLogQueryEntity).delete({ id, userId: user.id });
    if (!result.affected) throw new AppError('NOT_FOUND', 'No such saved search of yours');
  }

  /** Heap the cached corpora take, roughly (for the metrics and the benchmark). */
  async corpusBytes(): Promise<number> {
    let bytes = 0;
    for (const corpus of this.corpora.values()) {
      const c = await corpus;
      bytes += c.base.index.approximateBytes() + c.conditional.index.approximateBytes() + c.base.length * 48;
    }
    return bytes;
  }

  // ---- internals ----

  private run(
    team: TeamRef,
    query: ReturnType<typeof parse>,
    range: { fromMs?: number; toMs?: number; limit: number; offset: number; buckets: number },
  ): LogSearchResult {
    const started = performance.now();
    let result: ReturnType<typeof searchTeamLogs>;
    try {
      result = searchTeamLogs(team.corpus, team.state, {
        query,
        ...(range.fromMs === undefined ? {} : { fromMs: range.fromMs }),
        ...(range.toMs === undefined ? {} : { toMs: range.toMs }),
        limit: range.limit,
        offset: range.offset,
        buckets: range.buckets,
      });
    } catch (error) {
      // Some mistakes only show when a term is read (a comparison with a word, a broken regular expression).
      if (error instanceof LogQueryError) throw queryError(error);
      throw error;
    }
    const fields = new Set<string>();
    for (const hit of result.hits) for (const key of Object.keys(hit.fields)) fields.add(key);
    return {
      teamId: team.teamId,
      nowMs: Math.floor(team.state.gateMs),
      ...result,
      fields: [...fields].sort(),
      tookMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }

  /** The team the caller may read (own team; staff any), its gate and the exercise's corpus. */
  private async team(user: AuthenticatedUser, exerciseId: string, teamId: string | undefined): Promise<TeamRef> {
    const access = await this.exercises.access(user, exerciseId);
    const team = teamId ?? access.teamId ?? undefined;
    if (!team || !access.teamIds.includes(team)) {
      throw new AppError('VALIDATION_FAILED', 'Give the teamId of a team of this exercise', [{ path: 'teamId', message: 'unknown team' }]);
    }
    if (!access.canControl && access.teamId !== null && access.teamId !== team)
      throw new AppError('NOT_TEAM_MEMBER', "You can only search your own team's logs");
    const corpus = await this.corpus(access.exercise.scenarioVersionId, access.exercise.seed);
    const state = await this.runtime.teamLogState(exerciseId, team);
    return { teamId: team, corpus, state };
  }

  private corpus(versionId: string, seed: string): Promise<RawCorpus> {
    const key = `${versionId}\u0000${seed}`;
    let cached = this.corpora.get(key);
    if (cached) {
      // Most recently used last.
      this.corpora.delete(key);
      this.corpora.set(key, cached);
      return cached;
    }
    cached = this.catalogue.byVersionId(versionId).then(({ scenario }) => buildRawCorpusInSlices(scenario, seed, nextTurn));
    cached.catch(() => this.corpora.delete(key));
    this.corpora.set(key, cached);
    if (this.corpora.size > CORPUS_CACHE) this.corpora.delete(this.corpora.keys().next().value!);
    return cached;
  }

  private async delivered(user: AuthenticatedUser, exerciseId: string, teamId: string): Promise<StreamEvent[]> {
    const out: StreamEvent[] = [];
    for (let after = 0; ;) {
      const page = (await this.exercises.events(user, exerciseId, teamId, after, PAGE)).events;
      out.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1]!.seq;
    }
    return out;
  }
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function parse(text: string) {
  try {
    return parseLogQuery(text);
  } catch (error) {
    if (!(error instanceof LogQueryError)) throw error;
    throw queryError(error);
  }
}

function queryError(error: LogQueryError): AppError {
  return new AppError('LOG_QUERY_INVALID', `The query cannot be read: ${error.message}`, [
    { path: 'query', message: error.message, code: 'LOG_QUERY_INVALID', line: 1, column: error.position + 1 },
  ]);
}

function toSaved(row: SavedLogQueryEntity): SavedLogQuery {
  return { id: row.id, name: row.name, query: row.query, columns: JSON.parse(row.columnsJson) as string[], createdAt: row.createdAt };
}
