import { randomUUID } from 'node:crypto';
import { logText } from '../common/log-text.js';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Role } from '../contracts/auth.schema.js';
import { OrganisationEntity } from './organisation.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { serialTransaction } from './serial-transaction.js';
import { UnitEntity } from './unit.entity.js';
import { UserRoleEntity } from './user-role.entity.js';
import { UserEntity } from './user.entity.js';

interface SeedOrganisation {
  readonly code: string;
  readonly name: string;
  readonly units: ReadonlyArray<{ readonly code: string; readonly name: string }>;
}

interface SeedUser {
  readonly username: string;
  readonly displayName: string;
  readonly org: string;
  readonly unit: string;
  readonly roles: readonly Role[];
}

/** A fictional province for demos, plus a second one so cross-organisation rules can be exercised. */
export const DEMO_ORGANISATIONS: readonly SeedOrganisation[] = [
  {
    code: 'lam-son',
    name: 'Tỉnh Lâm Sơn',
    units: [
      { code: 'cong-an', name: 'Công an tỉnh Lâm Sơn' },
      { code: 'so-tttt', name: 'Sở Thông tin và Truyền thông' },
      { code: 'so-khcn', name: 'Sở Khoa học và Công nghệ' },
      { code: 'vp-ubnd', name: 'Văn phòng UBND tỉnh' },
      { code: 'so-y-te', name: 'Sở Y tế' },
    ],
  },
  {
    code: 'binh-nguyen',
    name: 'Tỉnh Bình Nguyên',
    units: [
      { code: 'cong-an', name: 'Công an tỉnh Bình Nguyên' },
      { code: 'so-khcn', name: 'Sở Khoa học và Công nghệ' },
    ],
  },
];

export const DEMO_USERS: readonly SeedUser[] = [
  { username: 'admin', displayName: 'Quản trị hệ thống', org: 'lam-son', unit: 'so-khcn', roles: ['admin'] },
  { username: 'instructor', displayName: 'Giảng viên diễn tập', org: 'lam-son', unit: 'so-tttt', roles: ['instructor'] },
  { username: 'reviewer', displayName: 'Lãnh đạo Sở (xem kết quả)', org: 'lam-son', unit: 'vp-ubnd', roles: ['reviewer'] },
  { username: 'trainee1', displayName: 'Học viên 1 – Công an tỉnh', org: 'lam-son', unit: 'cong-an', roles: ['trainee'] },
  { username: 'trainee2', displayName: 'Học viên 2 – Sở TT&TT', org: 'lam-son', unit: 'so-tttt', roles: ['trainee'] },
  { username: 'trainee3', displayName: 'Học viên 3 – Văn phòng UBND', org: 'lam-son', unit: 'vp-ubnd', roles: ['trainee'] },
  { username: 'trainee4', displayName: 'Học viên 4 – Sở Y tế', org: 'lam-son', unit: 'so-y-te', roles: ['trainee'] },
  { username: 'reviewer2', displayName: 'Lãnh đạo tỉnh Bình Nguyên (xem kết quả)', org: 'binh-nguyen', unit: 'cong-an', roles: ['reviewer'] },
];

const BOOTSTRAP_ORGANISATION: SeedOrganisation = { code: 'default', name: 'Tổ chức mặc định', units: [{ code: 'quan-tri', name: 'Quản trị hệ thống' }] };

/**
 * Start-up data, idempotent: demo mode ensures the demo province and accounts exist (an existing
 * account is left alone, so a changed demo password stays changed). Production creates no
 * password at all unless BOOTSTRAP_ADMIN_PASSWORD is set and no administrator exists yet.
 * Seeding is system work, not a person's action, so it is not audited.
 */
@Injectable()
export class IdentitySeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(IdentitySeeder.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(UserRoleEntity) private readonly userRoles: Repository<UserRoleEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.demoMode) await this.seedDemo();
    else await this.disableDemoAccounts();
    if (this.config.BOOTSTRAP_ADMIN_PASSWORD) await this.bootstrapAdmin(this.config.BOOTSTRAP_ADMIN_USERNAME, this.config.BOOTSTRAP_ADMIN_PASSWORD);
    else if (!this.config.demoMode && !(await this.hasAdmin())) {
      this.logger.warn('No administrator exists: set BOOTSTRAP_ADMIN_PASSWORD (and optionally BOOTSTRAP_ADMIN_USERNAME) once to create one');
    }
  }

  private async seedDemo(): Promise<void> {
    const users = this.users;
    const missing: SeedUser[] = [];
    for (const seed of DEMO_USERS) if (!(await users.exists({ where: { username: seed.username } }))) missing.push(seed);
    const hashes = await Promise.all(missing.map(() => this.hasher.hash(this.config.DEMO_PASSWORD)));
    await serialTransaction(this.dataSource, async (manager) => {
      const units = new Map<string, UnitEntity>();
      for (const org of DEMO_ORGANISATIONS) {
        for (const unit of await this.ensureOrganisation(manager, org)) units.set(`${org.code}/${unit.code}`, unit);
      }
      for (const [index, seed] of missing.entries()) {
        const unit = units.get(`${seed.org}/${seed.unit}`)!;
        await this.insertUser(manager, seed.username, seed.displayName, unit, seed.roles, hashes[index]!);
      }
    });
    if (missing.length > 0) this.logger.log(`Demo mode: created ${missing.length} demo account(s) with the DEMO_PASSWORD`);
  }

  /**
   * A data folder first run in demo mode keeps accounts whose password is published. In production
   * they are disabled (never deleted: their exercises and audit history stay) and their sessions end.
   */
  private async disableDemoAccounts(): Promise<void> {
    const disabled = await serialTransaction(this.dataSource, async (manager) => {
      const demoOrgs = await manager.getRepository(OrganisationEntity).find({ where: { code: In(DEMO_ORGANISATIONS.map((o) => o.code)) } });
      if (demoOrgs.length === 0) return [];
      const users = manager.getRepository(UserEntity);
      const active = await users.find({ where: { username: In(DEMO_USERS.map((u) => u.username)), orgId: In(demoOrgs.map((o) => o.id)), disabled: false } });
      for (const user of active) {
        await users.update(
          { id: user.id },
          { disabled: true, tokenVersion: user.tokenVersion + 1, sessionEpoch: user.sessionEpoch + 1, updatedAt: new Date().toISOString() },
        );
        await this.audit.record(
          {
            actor: null,
            action: 'user.disable',
            targetType: 'user',
            targetId: user.id,
            before: { disabled: false },
            after: { disabled: true, reason: 'demo account in production mode' },
          },
          manager,
        );
      }
      return active.map((u) => u.username);
    });
    if (disabled.length > 0) {
      this.logger.warn(
        `Production mode: disabled ${disabled.length} demo account(s) created in demo mode (${disabled.join(', ')}); their history is kept. Create real accounts as an administrator.`,
      );
    }
  }

  private async bootstrapAdmin(username: string, password: string): Promise<void> {
    if (await this.hasAdmin()) return;
    const hash = await this.hasher.hash(password);
    await serialTransaction(this.dataSource, async (manager) => {
      const users = manager.getRepository(UserEntity);
      const existing = await users.findOne({ where: { username } });
      if (existing) {
        this.logger.warn(`BOOTSTRAP_ADMIN_USERNAME ${logText(username)} exists without the admin role; not touching it`);
        return;
      }
      const [unit] = await this.ensureOrganisation(manager, BOOTSTRAP_ORGANISATION);
      await this.insertUser(manager, username, 'Administrator', unit!, ['admin'], hash, true);
      this.logger.log(`Created the first administrator ${logText(username)} from BOOTSTRAP_ADMIN_PASSWORD; change the password after logging in`);
    });
  }

  private async hasAdmin(): Promise<boolean> {
    return this.userRoles.exists({ where: { role: 'admin' } });
  }

  private async ensureOrganisation(manager: EntityManager, seed: SeedOrganisation): Promise<UnitEntity[]> {
    const orgs = manager.getRepository(OrganisationEntity);
    const unitsRepository = manager.getRepository(UnitEntity);
    const now = new Date().toISOString();
    let org = await orgs.findOne({ where: { code: seed.code } });
    if (!org) {
      org = { id: randomUUID(), code: seed.code, name: seed.name, createdAt: now };
      await orgs.insert(org);
    }
    const result: UnitEntity[] = [];
    for (const unitSeed of seed.units) {
      let unit = await unitsRepository.findOne({ where: { orgId: org.id, code: unitSeed.code } });
      if (!unit) {
        unit = { id: randomUUID(), orgId: org.id, code: unitSeed.code, name: unitSeed.name, createdAt: now };
        await unitsRepository.insert(unit);
      }
      result.push(unit);
    }
    return result;
  }

  private async insertUser(
    manager: EntityManager,
    username: string,
    displayName: string,
    unit: UnitEntity,
    roles: readonly Role[],
    passwordHash: string,
    mustChangePassword = false,
  ): Promise<void> {
    const now = new Date().toISOString();
    const id = randomUUID();
    await manager.getRepository(UserEntity).insert({
      id,
      username,
      displayName,
      orgId: unit.orgId,
      unitId: unit.id,
      passwordHash,
      disabled: false,
      mustChangePassword,
      tokenVersion: 0,
      sessionEpoch: 0,
      createdAt: now,
      updatedAt: now,
    });
    await manager.getRepository(UserRoleEntity).insert(roles.map((role) => ({ userId: id, role })));
  }
}
