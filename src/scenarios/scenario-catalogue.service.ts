import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type Repository } from 'typeorm';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { ScenarioBriefing, ScenarioSummary, ScenarioValidationResult } from '../contracts/scenario-api.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import { serialTransaction } from '../persistence/serial-transaction.js';
import { parseScenario } from './scenario-parser.js';
import { ScenarioVersionEntity } from './scenario-version.entity.js';

export interface StoredScenario {
  readonly row: ScenarioVersionEntity;
  readonly scenario: Scenario;
}

@Injectable()
export class ScenarioCatalogueService {
  private readonly logger = new Logger(ScenarioCatalogueService.name);
  private readonly repository: Repository<ScenarioVersionEntity>;
  /** Parsed scenarios by version id; rows are immutable, so the cache never goes stale. */
  private readonly parsed = new Map<string, Scenario>();

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.repository = dataSource.getRepository(ScenarioVersionEntity);
  }

  validate(source: string | Uint8Array): ScenarioValidationResult {
    const result = parseScenario(source, { maxBytes: this.config.SCENARIO_MAX_BYTES });
    if (!result.ok) return { valid: false, problems: [...result.problems], warnings: [] };
    return { valid: true, problems: [], warnings: [...result.warnings], scenarioId: result.scenario.id, version: result.scenario.version, eventCount: result.scenario.timeline.length };
  }

  /**
   * Stores a new scenario version. The same content again is a no-op (returns the stored row);
   * changed content under an existing version number is refused, so a version always means one text.
   */
  async save(
    source: string | Uint8Array,
    options: { origin: 'bundled' | 'upload'; userId: string | null; expectScenarioId?: string; allowRevision?: boolean },
  ): Promise<{ summary: ScenarioSummary; created: boolean }> {
    const result = parseScenario(source, { maxBytes: this.config.SCENARIO_MAX_BYTES });
    if (!result.ok) {
      const code = result.problems.length === 1 && result.problems[0]!.code.startsWith('SCENARIO_') ? result.problems[0]!.code : 'SCENARIO_INVALID';
      throw new AppError(code as 'SCENARIO_INVALID', `Scenario is invalid (${result.problems.length} problem(s))`, result.problems.map((p) => ({ ...p })));
    }
    const scenario = result.scenario;
    if (options.expectScenarioId !== undefined && options.expectScenarioId !== scenario.id) {
      throw new AppError('VALIDATION_FAILED', `The file's id "${scenario.id}" does not match "${options.expectScenarioId}"`, [
        { path: 'id', message: `must be "${options.expectScenarioId}"` },
      ]);
    }
    const contentHash = createHash('sha256').update(result.text).digest('hex');
    const existing = await this.repository.findOne({ where: { scenarioId: scenario.id, contentHash } });
    if (existing) return { summary: this.summarize(existing, scenario), created: false };
    const sameVersion = await this.repository.findOne({ where: { scenarioId: scenario.id, version: scenario.version } });
    if (sameVersion && !options.allowRevision) {
      throw new AppError('SCENARIO_VERSION_EXISTS', `Version ${scenario.version} of "${scenario.id}" exists with other content: raise the version`, [
        { path: 'version', message: `version ${scenario.version} already exists with different content` },
      ]);
    }
    const row = this.repository.create({
      id: randomUUID(),
      scenarioId: scenario.id,
      version: scenario.version,
      contentHash,
      titleVi: scenario.title.vi,
      titleEn: scenario.title.en,
      origin: options.origin,
      format: result.format,
      sourceText: result.text,
      normalizedJson: JSON.stringify(scenario),
      eventCount: scenario.timeline.length,
      createdBy: options.userId,
      createdAt: new Date().toISOString(),
    });
    await serialTransaction(this.dataSource, (manager) => manager.insert(ScenarioVersionEntity, row));
    this.parsed.set(row.id, scenario);
    return { summary: this.summarize(row, scenario), created: true };
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
        const { summary, created } = await this.save(readFileSync(join(directory, file)), { origin: 'bundled', userId: null, allowRevision: true });
        loaded++;
        if (created) this.logger.log(`Loaded bundled scenario ${summary.scenarioId}@${summary.version} (${summary.eventCount} timeline alerts)`);
      } catch (error) {
        const details = error instanceof AppError && error.details ? error.details.slice(0, 5).map((d) => `${d.line ?? 1}:${d.column ?? 1} ${d.path} ${d.message}`).join('; ') : '';
        this.logger.error(`Bundled scenario ${file} was not loaded: ${error instanceof Error ? error.message : String(error)} ${details}`);
      }
    }
    return loaded;
  }

  async listLatest(): Promise<ScenarioSummary[]> {
    const rows = await this.repository.find({ order: { scenarioId: 'ASC', createdAt: 'DESC' } });
    const latest = new Map<string, ScenarioVersionEntity>();
    for (const row of rows) if (!latest.has(row.scenarioId)) latest.set(row.scenarioId, row);
    return [...latest.values()].map((row) => this.summarize(row, this.scenarioOf(row)));
  }

  async listVersions(scenarioId: string): Promise<ScenarioSummary[]> {
    const rows = await this.repository.find({ where: { scenarioId }, order: { createdAt: 'DESC' } });
    if (rows.length === 0) throw new AppError('SCENARIO_NOT_FOUND', `No scenario "${scenarioId}"`);
    return rows.map((row) => this.summarize(row, this.scenarioOf(row)));
  }

  async latest(scenarioId: string): Promise<StoredScenario> {
    const row = await this.repository.findOne({ where: { scenarioId }, order: { createdAt: 'DESC' } });
    if (!row) throw new AppError('SCENARIO_NOT_FOUND', `No scenario "${scenarioId}"`);
    return { row, scenario: this.scenarioOf(row) };
  }

  async byVersionId(versionId: string): Promise<StoredScenario> {
    const row = await this.repository.findOne({ where: { id: versionId } });
    if (!row) throw new AppError('SCENARIO_NOT_FOUND', `No scenario version "${versionId}"`);
    return { row, scenario: this.scenarioOf(row) };
  }

  summarize(row: ScenarioVersionEntity, scenario: Scenario): ScenarioSummary {
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
    };
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
