import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, type Repository } from 'typeorm';
import { LRUCache } from 'lru-cache';
import { type AuditActor, AuditService } from '../audit/audit.service.js';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ScenarioBriefing, ScenarioLibrary, ScenarioSummary, ScenarioValidationResult } from '../contracts/scenario-api.schema.js';
import { ErrorCodeSchema, type ErrorCode } from '../contracts/error-codes.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import { HeavyJobsService } from '../heavy-jobs/heavy-jobs.service.js';
import { OrganisationEntity } from '../identity/organisation.entity.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { sourceOfBody, type UploadBody } from './scenario-body.js';
import { PARSE_JOB, type ParsedUpload, type ParseJob, type ParseOutcome } from './scenario-jobs.js';
import { parseForStorage, type ScenarioHead, type ScenarioUpload } from './scenario-upload.js';
import { SHARED_OWNER, ScenarioVersionEntity } from './scenario-version.entity.js';
import type { StoredScenarioRef } from './stored-scenario-json.js';
import { compareVersions, newestFirst } from './scenario-version-order.js';

/** Parsed scenario versions kept in memory (a drill's scenario is read on every start, briefing and review). */
const PARSED_SCENARIOS_KEPT = 256;

export interface StoredScenario {
  readonly row: ScenarioVersionEntity;
  readonly scenario: Scenario;
}

/** Whose scenarios a caller sees: their organisation's and the shared library (admins included). */
export interface ScenarioViewer {
  readonly orgId: string;
}

/**
 * How a save treats an existing id of the same owner: `create` refuses it (SCENARIO_EXISTS),
 * `version` requires it and a higher version number (SCENARIO_VERSION_NOT_NEWER), `bundled`
 * accepts files revised in place under one number (development edits of the shared library).
 */
export type SaveMode = 'create' | 'version' | 'bundled';

type ParsedOk = Extract<ScenarioUpload, { ok: true }> & { readonly scenario?: Scenario };

/** Who a parse runs for: a user (in a worker, within their limits) or the server itself (bundled files, at start). */
type ParseFor = { readonly userId: string } | 'server';

interface NewRow {
  readonly owner: string;
  readonly origin: ScenarioVersionEntity['origin'];
  readonly userId: string | null;
  readonly derivedFrom?: ScenarioVersionEntity;
  readonly publisher?: { readonly orgId: string; readonly name: string };
}

@Injectable()
export class ScenarioCatalogueService {
  private readonly logger = new Logger(ScenarioCatalogueService.name);
  /**
   * Parsed scenarios by version id; rows are immutable, so an entry never goes stale. Bounded: the
   * catalogue only grows, and a version that fell out is parsed again from its stored JSON.
   */
  private readonly parsed = new LRUCache<string, Scenario>({ max: PARSED_SCENARIOS_KEPT });

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectRepository(ScenarioVersionEntity) private readonly repository: Repository<ScenarioVersionEntity>,
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(HeavyJobsService) private readonly heavyJobs: HeavyJobsService,
  ) {}

  /** Checks a file in a worker thread: a large or broken file takes seconds to parse. `timeline`: project a valid one for the editor too. */
  async validate(source: string | UploadBody, userId: string, options: { timeline?: boolean } = {}): Promise<ScenarioValidationResult> {
    const result = await this.parseInWorker(userId, { source, ...(options.timeline === true ? { timeline: true } : {}) });
    if (!result.ok) return { valid: false, problems: [...result.problems], warnings: [] };
    return {
      valid: true,
      problems: [],
      warnings: [...result.warnings],
      scenarioId: result.head.id,
      version: result.head.version,
      eventCount: result.head.eventCount,
      ...(result.timeline === undefined ? {} : { timeline: result.timeline }),
    };
  }

  /**
   * Stores a scenario version for `owner`. The same content again is a no-op (returns the stored
   * row). Ids are unique per owner only, so no other organisation's scenarios are ever consulted.
   */
  async save(
    source: string | Uint8Array | UploadBody,
    options: { owner: string; mode: SaveMode; userId: string | null; expectScenarioId?: string; readLogFile?: (path: string) => Uint8Array | null },
  ): Promise<{ summary: ScenarioSummary; created: boolean }> {
    // A user's upload is parsed in a worker; the server's own files (bundled scenarios, as bytes) in the server.
    const parsed = await this.parseOrThrow(
      source,
      options.userId === null || source instanceof Uint8Array ? 'server' : { userId: options.userId },
      options.readLogFile === undefined ? {} : { readLogFile: options.readLogFile },
    );
    const scenario = parsed.head;
    if (options.expectScenarioId !== undefined && options.expectScenarioId !== scenario.id) {
      throw new AppError('VALIDATION_FAILED', `The file's id "${scenario.id}" does not match "${options.expectScenarioId}"`, [
        { path: 'id', message: `must be "${options.expectScenarioId}"` },
      ]);
    }
    const origin = options.mode === 'bundled' ? 'bundled' : 'upload';
    return this.store(parsed, { owner: options.owner, origin, userId: options.userId }, (rows) => {
      switch (options.mode) {
        case 'create':
          if (rows.length > 0) throw this.exists(scenario.id);
          return;
        case 'version':
          if (rows.length === 0) throw this.notFound(scenario.id);
          this.requireNewer(rows, scenario.version);
          return;
        case 'bundled':
          // A published scenario took this id in the shared library first: the bundled file does not merge into it.
          if (rows.some((r) => r.origin === 'published')) throw this.exists(scenario.id);
          return;
        default: {
          const unknown: never = options.mode;
          throw new Error(`unknown save mode ${String(unknown)}`);
        }
      }
    });
  }

  /**
   * Copies a version the caller can see into the caller's organisation, as a new scenario (the same
   * id unless another is chosen). The file is kept as written — authors, sources and licences
   * included — except for its id; the copy records where it came from.
   */
  async copy(actor: AuditActor, scenarioId: string, versionId: string, newId: string | undefined): Promise<ScenarioSummary> {
    const source = await this.visibleVersion(actor, versionId, scenarioId);
    const targetId = newId ?? source.row.scenarioId;
    const parsed = await this.parseOrThrow(source.row.sourceText, { userId: actor.id }, targetId === source.row.scenarioId ? {} : { renameTo: targetId, format: source.row.format });
    const { summary } = await this.store(
      parsed,
      { owner: actor.orgId, origin: 'copy', userId: source.row.createdBy, derivedFrom: source.row },
      (rows) => {
        if (rows.length > 0) throw this.exists(targetId);
      },
      async (row, manager) =>
        this.audit.record(
          { actor, action: 'scenario.copy', targetType: 'scenario', targetId: row.id, after: { scenarioId: row.scenarioId, version: row.version, copiedFrom: row.derivedLabel, library: libraryOf(source.row) } },
          manager,
        ),
    );
    return summary;
  }

  /**
   * Publishes one of the organisation's versions to the shared library: a read-only copy, author
   * and licence kept, that every organisation can run or copy. Only the first publisher of an id
   * may publish newer versions of it, and each must be numbered above the last.
   */
  async publish(actor: AuditActor, scenarioId: string, versionId: string): Promise<{ summary: ScenarioSummary; created: boolean }> {
    const source = await this.visibleVersion(actor, versionId, scenarioId);
    if (source.row.owner === SHARED_OWNER) throw new AppError('SCENARIO_READ_ONLY', `"${scenarioId}" is in the shared library already: copy it to change it`);
    const organisation = await this.organisations.findOne({ where: { id: actor.orgId } });
    const parsed = await this.parseOrThrow(source.row.sourceText, { userId: actor.id });
    return this.store(
      parsed,
      { owner: SHARED_OWNER, origin: 'published', userId: source.row.createdBy, derivedFrom: source.row, publisher: { orgId: actor.orgId, name: organisation?.name ?? actor.orgId } },
      (rows) => {
        if (rows.some((r) => r.publisherOrgId !== actor.orgId)) throw this.exists(scenarioId, 'the shared library already has a scenario with this id: copy yours under another id to publish it');
        this.requireNewer(rows, parsed.head.version);
      },
      async (row, manager) =>
        this.audit.record(
          { actor, action: 'scenario.publish', targetType: 'scenario', targetId: row.id, after: { scenarioId: row.scenarioId, version: row.version, from: source.row.id } },
          manager,
        ),
    );
  }

  /** Loads every scenario file of the bundled folder; a broken file is logged, never fatal. */
  async loadBundled(directory: string): Promise<number> {
    let files: string[];
    try {
      files = readdirSync(directory)
        .filter((f) => ['.yaml', '.yml', '.json'].includes(extname(f)) && !f.endsWith('.schema.json'))
        .sort();
    } catch {
      this.logger.warn(`No bundled scenarios folder at ${directory}`);
      return 0;
    }
    let loaded = 0;
    for (const file of files) {
      try {
        // Bundled files are edited in place during development: a changed text is a new revision.
        // Sibling NDJSON files of raw events are read from the same folder (the schema refuses "..").
        const readLogFile = (path: string) => (existsSync(join(directory, path)) ? readFileSync(join(directory, path)) : null);
        const { summary, created } = await this.save(readFileSync(join(directory, file)), { owner: SHARED_OWNER, mode: 'bundled', userId: null, readLogFile });
        loaded++;
        if (created) this.logger.log(`Loaded bundled scenario ${summary.scenarioId}@${summary.version} (${summary.eventCount} timeline alerts)`);
      } catch (error) {
        const details = error instanceof AppError && error.details ? error.details.slice(0, 5).map((d) => `${d.line ?? 1}:${d.column ?? 1} ${d.path} ${d.message}`).join('; ') : '';
        this.logger.error(`Bundled scenario ${file} was not loaded: ${error instanceof Error ? error.message : String(error)} ${details}`);
      }
    }
    return loaded;
  }

  /** The latest version of every scenario the viewer may see: their organisation's and the shared library's. */
  async listLatest(viewer: ScenarioViewer): Promise<ScenarioSummary[]> {
    const rows = await this.repository.find({ where: { owner: In([viewer.orgId, SHARED_OWNER]) } });
    const byScenario = new Map<string, ScenarioVersionEntity[]>();
    for (const row of rows) {
      const key = `${row.owner}/${row.scenarioId}`;
      byScenario.set(key, [...(byScenario.get(key) ?? []), row]);
    }
    const latest = [...byScenario.values()].map((versions) => newestFirst(versions)[0]!);
    // By id, an organisation's own scenario before a shared one of the same id.
    latest.sort((a, b) => a.scenarioId.localeCompare(b.scenarioId) || libraryOf(a).localeCompare(libraryOf(b)));
    return latest.map((row) => this.summarize(row, this.scenarioOf(row)));
  }

  /** Every version of one scenario, newest version number first; another organisation's answers as a missing one. */
  async listVersions(viewer: ScenarioViewer, scenarioId: string, library?: ScenarioLibrary): Promise<ScenarioSummary[]> {
    const rows = await this.visibleRows(viewer, scenarioId, library);
    return newestFirst(rows).map((row) => this.summarize(row, this.scenarioOf(row)));
  }

  async latest(viewer: ScenarioViewer, scenarioId: string, library?: ScenarioLibrary): Promise<StoredScenario> {
    const row = newestFirst(await this.visibleRows(viewer, scenarioId, library))[0]!;
    return { row, scenario: this.scenarioOf(row) };
  }

  /**
   * A version the viewer may see (optionally checked to be of `scenarioId`). Missing, foreign and
   * mismatched versions all answer the same SCENARIO_NOT_FOUND, so existence does not leak.
   */
  async visibleVersion(viewer: ScenarioViewer, versionId: string, scenarioId?: string): Promise<StoredScenario> {
    const row = await this.repository.findOne({ where: { id: versionId } });
    this.requireVisible(viewer, row, versionId, scenarioId);
    return { row, scenario: this.scenarioOf(row) };
  }

  /**
   * The normalised JSON of a version `visibleVersion` would answer, for a worker thread to parse.
   * From SQLite it comes as UTF-8 bytes: decoding megabytes into a string would hold the event loop.
   */
  async visibleScenarioJson(viewer: ScenarioViewer, versionId: string, scenarioId?: string): Promise<string | Uint8Array | StoredScenarioRef> {
    const row = await this.repository.findOne({ where: { id: versionId }, select: { id: true, owner: true, scenarioId: true } });
    this.requireVisible(viewer, row, versionId, scenarioId);
    // On a SQLite file, a worker reads the JSON itself (readStoredScenarioJson): megabytes never cross the event loop.
    const options = this.dataSource.options;
    if (options.type === 'better-sqlite3' && options.database !== ':memory:') return { databaseFile: options.database, versionId };
    if (this.dataSource.options.type === 'better-sqlite3') {
      const [bytes] = (await this.dataSource.query('SELECT CAST(normalized_json AS BLOB) AS json FROM scenario_versions WHERE id = ?', [versionId])) as Array<{ json: Uint8Array }>;
      if (bytes) return bytes.json;
    }
    const full = await this.repository.findOne({ where: { id: versionId }, select: { id: true, normalizedJson: true } });
    if (!full) throw new AppError('SCENARIO_NOT_FOUND', `No scenario version "${versionId}"`);
    return full.normalizedJson;
  }

  private requireVisible(viewer: ScenarioViewer, row: ScenarioVersionEntity | null, versionId: string, scenarioId: string | undefined): asserts row is ScenarioVersionEntity {
    if (!row || !isVisible(viewer, row) || (scenarioId !== undefined && row.scenarioId !== scenarioId)) {
      throw new AppError('SCENARIO_NOT_FOUND', `No scenario version "${versionId}"`);
    }
  }

  /** Whether the viewer's organisation owns the scenario an id names (without `library`: own first, then shared). */
  async isOwn(viewer: ScenarioViewer, scenarioId: string, library?: ScenarioLibrary): Promise<boolean> {
    const [row] = await this.visibleRows(viewer, scenarioId, library);
    return row!.owner === viewer.orgId;
  }

  /** For the engine, scoring and results: any stored version, whoever owns it (access was checked where it was chosen). */
  async byVersionId(versionId: string): Promise<StoredScenario> {
    const row = await this.repository.findOne({ where: { id: versionId } });
    if (!row) throw new AppError('SCENARIO_NOT_FOUND', `No scenario version "${versionId}"`);
    return { row, scenario: this.scenarioOf(row) };
  }

  summarize(row: ScenarioVersionEntity, scenario: Omit<ScenarioHead, 'eventCount'>): ScenarioSummary {
    return {
      versionId: row.id,
      scenarioId: row.scenarioId,
      version: row.version,
      contentHash: row.contentHash,
      title: scenario.title,
      description: scenario.description,
      difficulty: scenario.difficulty,
      durationSeconds: scenario.duration,
      tags: scenario.tags,
      techniques: scenario.techniques,
      eventCount: row.eventCount,
      origin: row.origin,
      createdAt: row.createdAt,
      library: libraryOf(row),
      publishedBy: row.origin === 'published' ? row.publisherName : null,
      copiedFrom: row.origin === 'copy' ? row.derivedLabel : null,
    };
  }

  /** The trainee-safe projection: picks allowed fields one by one, so new secret fields stay secret. */
  briefing(stored: StoredScenario): ScenarioBriefing {
    const { scenario, row } = stored;
    const briefing = scenario.briefing;
    return {
      versionId: row.id,
      scenarioId: row.scenarioId,
      version: row.version,
      title: scenario.title,
      difficulty: scenario.difficulty,
      durationSeconds: scenario.duration,
      wallClockStart: scenario.wallClockStart ?? null,
      briefing: briefing
        ? {
            situation: briefing.situation,
            role: briefing.role,
            rulesOfEngagement: briefing.rulesOfEngagement,
            contacts: briefing.contacts.map((c) => ({ party: c.party, role: c.role })),
            reportingChannels: briefing.reportingChannels.map((c) => ({ name: c.name, use: c.use })),
          }
        : null,
      target: { name: scenario.target.name, securityLevel: scenario.target.securityLevel },
      assets: scenario.assets.map((a) => ({
        id: a.id, kind: a.kind, name: a.name, hostname: a.hostname, addresses: a.addresses, role: a.role, os: a.os, securityLevel: a.securityLevel, services: a.services,
      })),
      parties: scenario.parties.map((p) => ({ id: p.id, kind: p.kind, layer: p.layer, name: p.name, description: p.description })),
      playbooks: (scenario.playbooks ?? []).map((p) => ({
        id: p.id,
        title: p.title,
        tasks: p.tasks.map((task) => ({ id: task.id, title: task.title, ...(task.description ? { description: task.description } : {}) })),
      })),
      // Offered to every team alike: the author includes decoys, so the list gives no answer away.
      responseTargets: scenario.responseTargets
        ? {
            choices: scenario.responseTargets.choices.map((c) => (c.label === undefined ? { kind: c.kind, value: c.value } : { kind: c.kind, value: c.value, label: c.label })),
            freeText: [...scenario.responseTargets.freeText],
          }
        : null,
    };
  }

  private async visibleRows(viewer: ScenarioViewer, scenarioId: string, library?: ScenarioLibrary): Promise<ScenarioVersionEntity[]> {
    const owners = library === 'shared' ? [SHARED_OWNER] : library === 'own' ? [viewer.orgId] : [viewer.orgId, SHARED_OWNER];
    for (const owner of owners) {
      const rows = await this.repository.find({ where: { owner, scenarioId } });
      if (rows.length > 0) return rows;
    }
    throw this.notFound(scenarioId);
  }

  /** Parses in a worker; a request body the worker refuses (not JSON, a wrong shape, …) answers with the body parsers' error. */
  private async parseInWorker(userId: string, job: Omit<ParseJob, 'maxBytes'>): Promise<ParsedUpload> {
    const outcome = await this.heavyJobs.run<ParseJob, ParseOutcome>(userId, PARSE_JOB, () => ({ ...job, maxBytes: this.config.SCENARIO_MAX_BYTES }));
    if ('refused' in outcome) throw new AppError(outcome.refused.code, outcome.refused.message, outcome.refused.details);
    return outcome;
  }

  /** The same checks in the server thread (the server's own files, read at start); the parsed scenario is kept for the cache. */
  private parseHere(
    source: string | Uint8Array | UploadBody,
    copy: { renameTo?: string; format?: 'yaml' | 'json'; readLogFile?: (path: string) => Uint8Array | null },
  ): ReturnType<typeof parseForStorage> {
    let input: string | Uint8Array;
    if (typeof source === 'string' || source instanceof Uint8Array) input = source;
    else {
      const body = sourceOfBody(source);
      if (!body.ok) throw new AppError(body.refusal.code, body.refusal.message, body.refusal.details);
      input = body.source;
    }
    return parseForStorage(input, { maxBytes: this.config.SCENARIO_MAX_BYTES, ...copy });
  }

  private async parseOrThrow(
    source: string | Uint8Array | UploadBody,
    parseFor: ParseFor,
    copy: { renameTo?: string; format?: 'yaml' | 'json'; readLogFile?: (path: string) => Uint8Array | null } = {},
  ): Promise<ParsedOk> {
    const { readLogFile: _inServerOnly, ...plain } = copy;
    const result =
      parseFor === 'server' || source instanceof Uint8Array
        ? this.parseHere(source, copy)
        : await this.parseInWorker(parseFor.userId, { source, ...plain });
    if (!result.ok) {
      // A refusal of the whole file (not UTF-8, too deep, …) answers with its own code; problems in the content with SCENARIO_INVALID.
      const only = result.problems.length === 1 ? ErrorCodeSchema.safeParse(result.problems[0]!.code) : undefined;
      const code: ErrorCode = only?.success ? only.data : 'SCENARIO_INVALID';
      throw new AppError(code, `Scenario is invalid (${result.problems.length} problem(s))`, result.problems.map((p) => ({ ...p })));
    }
    return result;
  }

  /**
   * Inserts a version unless the owner holds the same text already. `check` sees the owner's
   * existing versions of the id inside the same serial transaction, so two racing uploads cannot
   * both pass it.
   */
  private async store(
    parsed: ParsedOk,
    target: NewRow,
    /** Throws to refuse the save; runs in the transaction that reads the rows. */
    check: (rows: readonly ScenarioVersionEntity[]) => void,
    after?: (row: ScenarioVersionEntity, manager: EntityManager) => Promise<void>,
  ): Promise<{ summary: ScenarioSummary; created: boolean }> {
    const scenario = parsed.head;
    const contentHash = parsed.contentHash;
    const outcome = await serialTransaction(this.dataSource, async (manager) => {
      const rows = await manager.find(ScenarioVersionEntity, { where: { owner: target.owner, scenarioId: scenario.id } });
      const same = rows.find((r) => r.contentHash === contentHash);
      if (same) return { row: same, created: false };
      check(rows);
      const row = manager.create(ScenarioVersionEntity, {
        id: randomUUID(),
        scenarioId: scenario.id,
        version: scenario.version,
        contentHash,
        titleVi: scenario.title.vi,
        titleEn: scenario.title.en,
        origin: target.origin,
        owner: target.owner,
        derivedFrom: target.derivedFrom?.id ?? null,
        derivedLabel: target.derivedFrom ? `${target.derivedFrom.scenarioId}@${target.derivedFrom.version}` : null,
        publisherOrgId: target.publisher?.orgId ?? null,
        publisherName: target.publisher?.name ?? null,
        format: parsed.format,
        sourceText: parsed.text,
        normalizedJson: parsed.normalizedJson,
        eventCount: scenario.eventCount,
        createdBy: target.userId,
        createdAt: new Date().toISOString(),
      });
      await manager.insert(ScenarioVersionEntity, row);
      if (after) await after(row, manager);
      return { row, created: true };
    });
    // A file parsed in a worker left its object there: the row's JSON is parsed when first needed.
    if (outcome.created && parsed.scenario !== undefined) this.parsed.set(outcome.row.id, parsed.scenario);
    return { summary: this.summarize(outcome.row, outcome.created ? scenario : this.scenarioOf(outcome.row)), created: outcome.created };
  }

  private requireNewer(rows: readonly ScenarioVersionEntity[], version: string): void {
    const latest = newestFirst(rows)[0];
    if (latest && compareVersions(version, latest.version) <= 0) {
      throw new AppError('SCENARIO_VERSION_NOT_NEWER', `Version ${version} is not above the latest version ${latest.version}: raise the version`, [
        { path: 'version', message: `must be above ${latest.version}` },
      ]);
    }
  }

  private exists(scenarioId: string, why = 'your organisation has a scenario with this id: upload a new version of it, or choose another id'): AppError {
    return new AppError('SCENARIO_EXISTS', `"${scenarioId}" exists: ${why}`, [{ path: 'id', message: why }]);
  }

  private notFound(scenarioId: string): AppError {
    return new AppError('SCENARIO_NOT_FOUND', `No scenario "${scenarioId}"`);
  }

  private scenarioOf(row: ScenarioVersionEntity): Scenario {
    let scenario = this.parsed.get(row.id);
    if (!scenario) {
      scenario = JSON.parse(row.normalizedJson) as Scenario;
      this.parsed.set(row.id, scenario);
    }
    return scenario;
  }
}

function isVisible(viewer: ScenarioViewer, row: ScenarioVersionEntity): boolean {
  return row.owner === SHARED_OWNER || row.owner === viewer.orgId;
}

function libraryOf(row: ScenarioVersionEntity): ScenarioLibrary {
  return row.owner === SHARED_OWNER ? 'shared' : 'own';
}
