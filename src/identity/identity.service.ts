import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, type Repository, QueryFailedError } from 'typeorm';
import { AuditService, type AuditActor } from '../audit/audit.service.js';
import { AppError } from '../common/app-error.js';
import { ROLES, type Role } from '../contracts/auth.schema.js';
import type {
  CreateOrganisationRequest,
  CreateUnitRequest,
  CreateUserRequest,
  OrganisationView,
  UnitView,
  UserListQuery,
  UserPage,
  UserView,
} from '../contracts/auth-api.schema.js';
import { OrganisationEntity } from './organisation.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordProblem } from './password-policy.js';
import { serialTransaction } from './serial-transaction.js';
import { SessionRevocations } from './session-revocations.js';
import { usernameFromHint } from './sso-username.js';
import { UnitEntity } from './unit.entity.js';
import { UserRoleEntity } from './user-role.entity.js';
import { UserSsoLinkEntity } from './user-sso-link.entity.js';
import { UserEntity } from './user.entity.js';

/** A person the identity provider vouched for, and where the mapping places them (organisation and unit codes). */
export interface SsoSignIn {
  readonly issuer: string;
  readonly subject: string;
  /** The provider's preferred username or e-mail: only a starting point for a new account's local username. */
  readonly usernameHint: string;
  readonly displayName: string;
  readonly organisation: string;
  readonly unit: string;
  readonly roles: readonly Role[];
}

export interface SsoSignInResult {
  readonly user: UserEntity;
  readonly created: boolean;
  /** The roles or the placement changed at this login (audited; the user's other access tokens stop working). */
  readonly changed: boolean;
}

/** A user row with its roles, as authentication needs it. */
export interface UserWithRoles {
  readonly user: UserEntity;
  readonly roles: Role[];
}

function sortRoles(roles: readonly Role[]): Role[] {
  return ROLES.filter((role) => roles.includes(role));
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const code = (error.driverError as { code?: unknown } | undefined)?.code;
  const text = `${error.message} ${typeof code === 'string' ? code : ''}`;
  return /UNIQUE|SQLITE_CONSTRAINT_PRIMARYKEY|23505/.test(text);
}

function unitView(unit: UnitEntity): UnitView {
  return { id: unit.id, orgId: unit.orgId, code: unit.code, name: unit.name, createdAt: unit.createdAt };
}

/**
 * Organisations, units and users. Every change made through here by a person is audited in the
 * same transaction as the change itself.
 */
@Injectable()
export class IdentityService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(UserRoleEntity) private readonly userRoles: Repository<UserRoleEntity>,
    @InjectRepository(OrganisationEntity) private readonly organisations: Repository<OrganisationEntity>,
    @InjectRepository(UnitEntity) private readonly units: Repository<UnitEntity>,
    @InjectRepository(UserSsoLinkEntity) private readonly ssoLinks: Repository<UserSsoLinkEntity>,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(SessionRevocations) private readonly revocations: SessionRevocations,
  ) {}

  // ---- lookups used by authentication ----

  async findByUsername(username: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { username } });
  }

  async findWithRoles(userId: string): Promise<UserWithRoles | null> {
    const user = await this.users.findOne({ where: { id: userId } });
    if (!user) return null;
    return { user, roles: await this.rolesOf(user.id) };
  }

  async rolesOf(userId: string, manager: EntityManager = this.dataSource.manager): Promise<Role[]> {
    const rows = await manager.getRepository(UserRoleEntity).find({ where: { userId } });
    return sortRoles(rows.map((r) => r.role));
  }

  /** Whether the user signs in through the identity provider (and so has no password here). */
  async isSsoUser(userId: string): Promise<boolean> {
    return this.ssoLinks.exists({ where: { userId } });
  }

  /**
   * Finds the local user linked to the provider's (issuer, subject), or creates one, and brings their
   * organisation, unit and roles in line with the mapping; every creation and change is audited in
   * the same transaction (actor: none, `source: "sso"`). A username that happens to match never links
   * accounts: a new SSO user whose name is taken gets a numbered one.
   */
  async signInSso(input: SsoSignIn): Promise<SsoSignInResult> {
    const result = await serialTransaction(this.dataSource, async (manager) => {
      const org = await manager.getRepository(OrganisationEntity).findOne({ where: { code: input.organisation } });
      const unit = org ? await manager.getRepository(UnitEntity).findOne({ where: { orgId: org.id, code: input.unit } }) : null;
      if (!org || !unit)
        throw new AppError('SSO_NO_MAPPING', `The mapping places this user in "${input.organisation}/${input.unit}", which does not exist here`);
      const links = manager.getRepository(UserSsoLinkEntity);
      const users = manager.getRepository(UserEntity);
      const roleRepository = manager.getRepository(UserRoleEntity);
      const roles = sortRoles(input.roles);
      const now = new Date().toISOString();
      const link = await links.findOne({ where: { issuer: input.issuer, subject: input.subject } });
      if (!link) {
        const user: UserEntity = {
          id: randomUUID(),
          username: await this.freeUsername(users, usernameFromHint(input.usernameHint)),
          displayName: input.displayName,
          orgId: org.id,
          unitId: unit.id,
          passwordHash: null,
          disabled: false,
          mustChangePassword: false,
          tokenVersion: 0,
          sessionEpoch: 0,
          createdAt: now,
          updatedAt: now,
        };
        await users.insert(user);
        if (roles.length > 0) await roleRepository.insert(roles.map((role) => ({ userId: user.id, role })));
        await links.insert({ userId: user.id, issuer: input.issuer, subject: input.subject, createdAt: now, lastLoginAt: now });
        await this.audit.record(
          {
            actor: null,
            action: 'user.create',
            targetType: 'user',
            targetId: user.id,
            after: {
              username: user.username,
              displayName: user.displayName,
              unitId: unit.id,
              orgId: org.id,
              roles,
              source: 'sso',
              issuer: input.issuer,
              subject: input.subject,
            },
          },
          manager,
        );
        return { user, created: true, changed: false };
      }
      const user = await users.findOneOrFail({ where: { id: link.userId } });
      if (user.disabled) throw new AppError('SSO_ACCOUNT_DISABLED', 'This account is disabled; ask an administrator');
      const before = await this.rolesOf(user.id, manager);
      const rolesChanged = before.join(',') !== roles.join(',');
      const moved = user.unitId !== unit.id;
      await links.update({ userId: user.id }, { lastLoginAt: now });
      if (!rolesChanged && !moved) return { user, created: false, changed: false };
      if (rolesChanged) {
        await roleRepository.delete({ userId: user.id });
        if (roles.length > 0) await roleRepository.insert(roles.map((role) => ({ userId: user.id, role })));
        await this.audit.record(
          { actor: null, action: 'user.roles.set', targetType: 'user', targetId: user.id, before: { roles: before }, after: { roles, source: 'sso' } },
          manager,
        );
      }
      if (moved) {
        await this.audit.record(
          {
            actor: null,
            action: 'user.unit.set',
            targetType: 'user',
            targetId: user.id,
            before: { orgId: user.orgId, unitId: user.unitId },
            after: { orgId: org.id, unitId: unit.id, source: 'sso' },
          },
          manager,
        );
      }
      const next = { orgId: org.id, unitId: unit.id, tokenVersion: user.tokenVersion + 1, updatedAt: now };
      await users.update({ id: user.id }, next);
      return { user: { ...user, ...next }, created: false, changed: true };
    });
    if (result.changed) this.revocations.publish({ userId: result.user.id, code: 'AUTH_TOKEN_REVOKED', reason: 'Your roles changed; sign in again' });
    return result;
  }

  async view(userId: string): Promise<UserView> {
    const user = await this.users.findOne({ where: { id: userId } });
    if (!user) throw new AppError('USER_NOT_FOUND', 'No such user');
    const [view] = await this.views([user]);
    return view!;
  }

  // ---- users (administration) ----

  async listUsers(query: UserListQuery): Promise<UserPage> {
    const qb = this.users.createQueryBuilder('u');
    if (query.orgId !== undefined) qb.andWhere('u.org_id = :orgId', { orgId: query.orgId });
    if (query.unitId !== undefined) qb.andWhere('u.unit_id = :unitId', { unitId: query.unitId });
    if (query.role !== undefined) {
      qb.andWhere('EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = :role)', { role: query.role });
    }
    const [users, total] = await qb.orderBy('u.username', 'ASC').skip(query.offset).take(query.limit).getManyAndCount();
    return { items: await this.views(users), total, limit: query.limit, offset: query.offset };
  }

  /** An administrator chose this password, so the user must replace it at first login. */
  async createUser(actor: AuditActor | null, input: CreateUserRequest): Promise<UserView> {
    assertAcceptablePassword(input.password, 'password', { username: input.username, displayName: input.displayName });
    const passwordHash = await this.hasher.hash(input.password);
    const id = await serialTransaction(this.dataSource, async (manager) => {
      const unit = await manager.getRepository(UnitEntity).findOne({ where: { id: input.unitId } });
      if (!unit) throw new AppError('UNIT_NOT_FOUND', 'No such unit', [{ path: 'unitId', message: 'unknown unit' }]);
      const users = manager.getRepository(UserEntity);
      if (await users.exists({ where: { username: input.username } })) {
        throw new AppError('USERNAME_TAKEN', `Username "${input.username}" is taken`, [{ path: 'username', message: 'already taken' }]);
      }
      const now = new Date().toISOString();
      const user: UserEntity = {
        id: randomUUID(),
        username: input.username,
        displayName: input.displayName,
        orgId: unit.orgId,
        unitId: unit.id,
        passwordHash,
        disabled: false,
        mustChangePassword: true,
        tokenVersion: 0,
        sessionEpoch: 0,
        createdAt: now,
        updatedAt: now,
      };
      await users.insert(user);
      const roles = sortRoles(input.roles);
      if (roles.length > 0) await manager.getRepository(UserRoleEntity).insert(roles.map((role) => ({ userId: user.id, role })));
      await this.audit.record(
        {
          actor,
          action: 'user.create',
          targetType: 'user',
          targetId: user.id,
          after: { username: user.username, displayName: user.displayName, unitId: unit.id, orgId: unit.orgId, roles },
        },
        manager,
      );
      return user.id;
    }).catch((error: unknown) => {
      if (isUniqueViolation(error)) throw new AppError('USERNAME_TAKEN', `Username "${input.username}" is taken`);
      throw error;
    });
    return this.view(id);
  }

  /** Replaces the roles; the user's current access tokens stop working (AUTH_TOKEN_REVOKED) so the change takes effect now. */
  async setRoles(actor: AuditActor, userId: string, roles: readonly Role[]): Promise<UserView> {
    const sorted = sortRoles(roles);
    if (actor.id === userId && !sorted.includes('admin')) {
      throw new AppError('CONFLICT', 'Administrators cannot remove their own admin role (another administrator must)');
    }
    await serialTransaction(this.dataSource, async (manager) => {
      const user = await this.requireUser(manager, userId);
      const before = await this.rolesOf(userId, manager);
      const roleRepository = manager.getRepository(UserRoleEntity);
      await roleRepository.delete({ userId });
      if (sorted.length > 0) await roleRepository.insert(sorted.map((role) => ({ userId, role })));
      await manager.getRepository(UserEntity).update({ id: userId }, { tokenVersion: user.tokenVersion + 1, updatedAt: new Date().toISOString() });
      await this.audit.record(
        { actor, action: 'user.roles.set', targetType: 'user', targetId: userId, before: { roles: before }, after: { roles: sorted } },
        manager,
      );
    });
    this.revocations.publish({ userId, code: 'AUTH_TOKEN_REVOKED', reason: 'Your roles changed; sign in again' });
    return this.view(userId);
  }

  /** Disabling ends every session and access token of the user at once. */
  async setDisabled(actor: AuditActor, userId: string, disabled: boolean): Promise<UserView> {
    if (actor.id === userId && disabled) throw new AppError('CONFLICT', 'Administrators cannot disable their own account');
    const changed = await serialTransaction(this.dataSource, async (manager) => {
      const user = await this.requireUser(manager, userId);
      if (user.disabled === disabled) return false;
      await manager
        .getRepository(UserEntity)
        .update({ id: userId }, { disabled, tokenVersion: user.tokenVersion + 1, sessionEpoch: user.sessionEpoch + 1, updatedAt: new Date().toISOString() });
      await this.audit.record(
        {
          actor,
          action: disabled ? 'user.disable' : 'user.enable',
          targetType: 'user',
          targetId: userId,
          before: { disabled: user.disabled },
          after: { disabled },
        },
        manager,
      );
      return true;
    });
    if (changed)
      this.revocations.publish({
        userId,
        code: 'AUTH_TOKEN_REVOKED',
        reason: disabled ? 'The account is disabled' : 'The account was re-enabled; sign in again',
      });
    return this.view(userId);
  }

  /** An administrator sets a new password (e.g. a forgotten one); all of the user's sessions end. */
  async resetPassword(actor: AuditActor, userId: string, newPassword: string): Promise<UserView> {
    const passwordHash = await this.hasher.hash(newPassword);
    await serialTransaction(this.dataSource, async (manager) => {
      const user = await this.requireUser(manager, userId);
      if (await manager.getRepository(UserSsoLinkEntity).exists({ where: { userId } })) {
        throw new AppError('CONFLICT', 'This user signs in through single sign-on and has no password here');
      }
      assertAcceptablePassword(newPassword, 'newPassword', user);
      await manager.getRepository(UserEntity).update(
        { id: userId },
        {
          passwordHash,
          mustChangePassword: true,
          tokenVersion: user.tokenVersion + 1,
          sessionEpoch: user.sessionEpoch + 1,
          updatedAt: new Date().toISOString(),
        },
      );
      await this.audit.record({ actor, action: 'user.password.reset', targetType: 'user', targetId: userId }, manager);
    });
    this.revocations.publish({ userId, code: 'AUTH_TOKEN_REVOKED', reason: 'The password was reset; sign in again' });
    return this.view(userId);
  }

  // ---- organisations and units ----

  async listOrganisations(): Promise<OrganisationView[]> {
    const orgs = await this.organisations.find({ order: { name: 'ASC' } });
    const units = await this.units.find({ order: { name: 'ASC' } });
    return orgs.map((org) => ({
      id: org.id,
      code: org.code,
      name: org.name,
      createdAt: org.createdAt,
      units: units.filter((u) => u.orgId === org.id).map(unitView),
    }));
  }

  async organisation(orgId: string): Promise<OrganisationView> {
    const org = await this.organisations.findOne({ where: { id: orgId } });
    if (!org) throw new AppError('ORG_NOT_FOUND', 'No such organisation');
    const units = await this.units.find({ where: { orgId }, order: { name: 'ASC' } });
    return { id: org.id, code: org.code, name: org.name, createdAt: org.createdAt, units: units.map(unitView) };
  }

  async createOrganisation(actor: AuditActor | null, input: CreateOrganisationRequest, manager?: EntityManager): Promise<OrganisationView> {
    const work = async (m: EntityManager): Promise<OrganisationEntity> => {
      const repository = m.getRepository(OrganisationEntity);
      if (await repository.exists({ where: { code: input.code } }))
        throw new AppError('CONFLICT', `Organisation code "${input.code}" is taken`, [{ path: 'code', message: 'already taken' }]);
      const org: OrganisationEntity = { id: randomUUID(), code: input.code, name: input.name, createdAt: new Date().toISOString() };
      await repository.insert(org);
      await this.audit.record({ actor, action: 'org.create', targetType: 'organisation', targetId: org.id, after: { code: org.code, name: org.name } }, m);
      return org;
    };
    const org = manager ? await work(manager) : await serialTransaction(this.dataSource, work);
    return { id: org.id, code: org.code, name: org.name, createdAt: org.createdAt, units: [] };
  }

  async createUnit(actor: AuditActor | null, orgId: string, input: CreateUnitRequest, manager?: EntityManager): Promise<UnitView> {
    const work = async (m: EntityManager): Promise<UnitEntity> => {
      if (!(await m.getRepository(OrganisationEntity).exists({ where: { id: orgId } }))) throw new AppError('ORG_NOT_FOUND', 'No such organisation');
      const repository = m.getRepository(UnitEntity);
      if (await repository.exists({ where: { orgId, code: input.code } }))
        throw new AppError('CONFLICT', `Unit code "${input.code}" is taken in this organisation`, [{ path: 'code', message: 'already taken' }]);
      const unit: UnitEntity = { id: randomUUID(), orgId, code: input.code, name: input.name, createdAt: new Date().toISOString() };
      await repository.insert(unit);
      await this.audit.record({ actor, action: 'unit.create', targetType: 'unit', targetId: unit.id, after: { orgId, code: unit.code, name: unit.name } }, m);
      return unit;
    };
    return unitView(manager ? await work(manager) : await serialTransaction(this.dataSource, work));
  }

  // ---- helpers ----

  /** The name itself if free, else name-2, name-3, … (then a random suffix). */
  private async freeUsername(users: Repository<UserEntity>, base: string): Promise<string> {
    if (!(await users.exists({ where: { username: base } }))) return base;
    for (let n = 2; n < 100; n++) {
      const candidate = `${base}-${n}`;
      if (!(await users.exists({ where: { username: candidate } }))) return candidate;
    }
    return `${base}-${randomUUID().slice(0, 8)}`;
  }

  private async requireUser(manager: EntityManager, userId: string): Promise<UserEntity> {
    const user = await manager.getRepository(UserEntity).findOne({ where: { id: userId } });
    if (!user) throw new AppError('USER_NOT_FOUND', 'No such user');
    return user;
  }

  private async views(users: readonly UserEntity[]): Promise<UserView[]> {
    if (users.length === 0) return [];
    const ids = users.map((u) => u.id);
    const roles = await this.userRoles.find({ where: { userId: In(ids) } });
    const units = await this.units.find({ where: { id: In([...new Set(users.map((u) => u.unitId))]) } });
    const orgs = await this.organisations.find({ where: { id: In([...new Set(users.map((u) => u.orgId))]) } });
    const ssoUsers = new Set((await this.ssoLinks.find({ where: { userId: In(ids) }, select: { userId: true } })).map((l) => l.userId));
    return users.map((user) => ({
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      roles: sortRoles(roles.filter((r) => r.userId === user.id).map((r) => r.role)),
      orgId: user.orgId,
      orgName: orgs.find((o) => o.id === user.orgId)?.name ?? '',
      unitId: user.unitId,
      unitName: units.find((u) => u.id === user.unitId)?.name ?? '',
      disabled: Boolean(user.disabled),
      mustChangePassword: Boolean(user.mustChangePassword),
      sso: ssoUsers.has(user.id),
      createdAt: user.createdAt,
    }));
  }
}

/** Refuses a password the policy rejects, naming the field it came in. */
export function assertAcceptablePassword(password: string, path: string, context: { readonly username?: string; readonly displayName?: string }): void {
  const problem = passwordProblem(password, context);
  if (problem !== null) throw new AppError('VALIDATION_FAILED', `The password ${problem}`, [{ path, message: problem }]);
}
