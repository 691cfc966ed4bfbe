import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { Role } from '../contracts/auth.schema.js';
import type { AuditEntry, AuditPage, AuditQuery } from '../contracts/auth-api.schema.js';
import { AuditEntryEntity } from './audit-entry.entity.js';

/** Who did it; an authenticated request user fits. Null for the system itself (e.g. start-up seeding). */
export interface AuditActor {
  readonly id: string;
  readonly username: string;
  readonly orgId: string;
}

export interface AuditRecord {
  readonly actor: AuditActor | null;
  /** Dotted verb, e.g. "user.create", "exercise.pause". */
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface AuditViewer {
  readonly roles: readonly Role[];
  readonly orgId: string;
}

const SECRET_KEY = /password|secret|token|hash/i;
const MAX_JSON_LENGTH = 64 * 1024;

/** JSON of an audit snapshot, with anything that looks like a credential removed. */
function snapshot(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  const json = JSON.stringify(value, (key, v: unknown) => (key !== '' && SECRET_KEY.test(key) ? '[redacted]' : v));
  if (json === undefined) return null;
  return json.length > MAX_JSON_LENGTH ? JSON.stringify({ truncated: true, length: json.length }) : json;
}

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The append-only log of instructor and administrator actions. There is deliberately no update or
 * delete method; the migration adds database triggers that refuse both as well.
 */
@Injectable()
export class AuditService {
  constructor(@InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>) {}

  /** Pass the transaction's manager so the entry commits (or rolls back) with the change it describes. */
  async record(entry: AuditRecord, manager?: EntityManager): Promise<void> {
    const repository = manager ? manager.getRepository(AuditEntryEntity) : this.entries;
    await repository.insert({
      at: new Date().toISOString(),
      actorId: entry.actor?.id ?? null,
      actorUsername: entry.actor?.username ?? null,
      orgId: entry.actor?.orgId ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      beforeJson: snapshot(entry.before),
      afterJson: snapshot(entry.after),
    });
  }

  /** Newest first. Administrators see everything; others see their own organisation's entries. */
  async list(query: AuditQuery, viewer: AuditViewer): Promise<AuditPage> {
    const qb = this.entries.createQueryBuilder('a');
    if (!viewer.roles.includes('admin')) qb.andWhere('a.org_id = :orgId', { orgId: viewer.orgId });
    if (query.action !== undefined) qb.andWhere('a.action = :action', { action: query.action });
    if (query.actorId !== undefined) qb.andWhere('a.actor_id = :actorId', { actorId: query.actorId });
    if (query.targetType !== undefined) qb.andWhere('a.target_type = :targetType', { targetType: query.targetType });
    if (query.targetId !== undefined) qb.andWhere('a.target_id = :targetId', { targetId: query.targetId });
    const [rows, total] = await qb.orderBy('a.id', 'DESC').skip(query.offset).take(query.limit).getManyAndCount();
    return { items: rows.map(toView), total, limit: query.limit, offset: query.offset };
  }
}

function toView(row: AuditEntryEntity): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actorId: row.actorId,
    actorUsername: row.actorUsername,
    orgId: row.orgId,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: parseJson(row.beforeJson),
    after: parseJson(row.afterJson),
  };
}
