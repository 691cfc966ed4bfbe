import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { logText } from '../common/log-text.js';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan, MoreThan, type Repository } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AccessTokenVerifier, VerifyAccessTokenOptions } from '../common/access-token-verifier.js';
import { AppError } from '../common/app-error.js';
import { RateLimitedError } from '../common/rate-limited.error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { TokenPair, UserView } from '../contracts/auth-api.schema.js';
import type { ClockPort } from '../common/clock-port.js';
import { assertAcceptablePassword, IdentityService } from '../identity/identity.service.js';
import { PasswordHasher } from '../identity/password-hasher.js';
import { serialTransaction } from '../identity/serial-transaction.js';
import { SessionRevocations } from '../identity/session-revocations.js';
import { UserEntity } from '../identity/user.entity.js';
import { AuthSessionEntity } from './auth-session.entity.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { JwtError, signJwtHs256, verifyJwtHs256 } from './access-token.js';
import { LoginFailureEntity } from './login-failure.entity.js';
import { HOUR_MS, loginThrottle, type LoginThrottlePolicy } from './login-throttle.js';
import { loginAccountName } from './rate-limits.js';
import { RefreshTokenEntity } from './refresh-token.entity.js';
import { SIGNING_KEY } from './signing-key.provider.js';

export const AUTH_CLOCK = Symbol('AUTH_CLOCK');

const ISSUER = 'soc-drill';
const AUDIENCE = 'soc-drill-api';
const REFRESH_PREFIX = 'sdr_';
const LEEWAY_SECONDS = 5;
/** Tokens checked per query pair by `revokedAmong` (SQLite allows 32 766 bound parameters). */
const REVOCATION_CHECK_CHUNK = 500;

/** Free failures before the per-account delays start, and the longest delay (see login-throttle.ts). */
const FREE_LOGIN_FAILURES = 5;
const MAX_LOGIN_DELAY_SECONDS = 300;
/** A lockout refusal is audited once per account and minute: a flood must not flood the append-only audit log. */
const REFUSAL_AUDIT_INTERVAL_MS = 60_000;
const MAX_AUDITED_ACCOUNTS = 10_000;
/**
 * A session's user, roles and session rows are reused for this long: at drill load reading them was
 * a tenth of the server's time per request. Every revocation (logout, password, roles, disabling)
 * drops them at once; this bounds only changes that revoke nothing (a new unit).
 */
const SESSION_ROWS_TTL_MS = 5_000;
const MAX_CACHED = 20_000;

/** The claims of a token whose signature checked out: the same string always carries them, so only expiry is checked again. */
interface TokenClaims {
  readonly sub: string;
  readonly sid: string;
  readonly ver: number;
  readonly exp: number;
}

/** The rows behind one session's tokens. */
interface SessionRows {
  readonly user: UserEntity;
  readonly roles: AuthenticatedUser['roles'];
  readonly session: AuthSessionEntity;
}

/** Routes a user with an administrator-set password may still use (change it, read themselves, log out). */
export type VerifyOptions = VerifyAccessTokenOptions;

export interface ClientInfo {
  readonly ip: string | undefined;
  readonly userAgent: string | undefined;
}

function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Logins, sessions and tokens. Access tokens are short-lived HS256 JWTs carrying the user id, the
 * session id and the user's token version; a verification reads the user and session (reused for a
 * few seconds, dropped by every revocation), so logout, password change, role change and disabling
 * take effect on the next request.
 * Refresh tokens are opaque, stored hashed, single-use (rotated on every refresh); presenting a
 * used one again ends its whole session (theft detection).
 */
@Injectable()
export class AuthService implements OnApplicationBootstrap, AccessTokenVerifier {
  private readonly logger = new Logger(AuthService.name);
  private dummyHash: Promise<string> | undefined;
  private readonly throttlePolicy: LoginThrottlePolicy;
  private readonly refusalsAudited = new LRUCache<string, true>({ max: MAX_AUDITED_ACCOUNTS, ttl: REFUSAL_AUDIT_INTERVAL_MS });
  /** By token, kept until the token expires: its signature (an HMAC) is checked once. */
  private readonly tokenClaims = new LRUCache<string, TokenClaims>({ max: MAX_CACHED });
  /** By session id, for a few seconds (SESSION_ROWS_TTL_MS). */
  private readonly sessionRows = new LRUCache<string, SessionRows>({ max: MAX_CACHED, ttl: SESSION_ROWS_TTL_MS });
  /** Counts revocations, so that a lookup that raced one is not cached with the rows it read before it. */
  private revocationsSeen = 0;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @InjectRepository(RefreshTokenEntity) private readonly refreshTokens: Repository<RefreshTokenEntity>,
    @InjectRepository(AuthSessionEntity) private readonly sessions: Repository<AuthSessionEntity>,
    @InjectRepository(LoginFailureEntity) private readonly loginFailures: Repository<LoginFailureEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SIGNING_KEY) private readonly signingKey: Uint8Array,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(PasswordHasher) private readonly hasher: PasswordHasher,
    @Inject(AUTH_CLOCK) private readonly clock: ClockPort,
    @Inject(SessionRevocations) private readonly revocations: SessionRevocations,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {
    this.throttlePolicy = { maxPerHour: config.LOGIN_MAX_FAILURES_PER_HOUR, freeFailures: FREE_LOGIN_FAILURES, maxDelaySeconds: MAX_LOGIN_DELAY_SECONDS };
    this.revocations.subscribe((revocation) => {
      this.revocationsSeen += 1;
      // Collected first: deleting from an LRU cache while iterating it is not safe.
      const ended = [...this.sessionRows.entries()].filter(
        ([, rows]) => rows.user.id === revocation.userId && (revocation.sessionId === undefined || rows.session.id === revocation.sessionId),
      );
      for (const [sessionId] of ended) this.sessionRows.delete(sessionId);
    });
  }

  /** Old refresh tokens and ended sessions are useless; drop them so the tables stay small. */
  async onApplicationBootstrap(): Promise<void> {
    const cutoff = new Date(this.clock.now() - this.config.REFRESH_TOKEN_TTL * 1000).toISOString();
    await this.refreshTokens.delete({ expiresAt: LessThan(cutoff) });
    await this.sessions.delete({ revokedAt: LessThan(cutoff) });
    await this.loginFailures.delete({ atMs: LessThan(String(this.clock.now() - HOUR_MS)) });
  }

  /**
   * A wrong password, an unknown name and a disabled account get the same answer, whatever the
   * password, so no answer tells a right password from a wrong one. Every outcome is logged and audited.
   */
  async login(username: string, password: string, client: ClientInfo): Promise<TokenPair> {
    // The per-address limits ran before this (RateLimitGuard on the route); this is the per-account one.
    const name = loginAccountName(username);
    const ip = client.ip ?? 'unknown';
    const failures = this.loginFailures;
    const now = this.clock.now();
    const recent = await failures.find({ where: { username: name, atMs: MoreThan(String(now - HOUR_MS)) }, select: { atMs: true } });
    const decision = loginThrottle(
      recent.map((f) => Number(f.atMs)),
      now,
      this.throttlePolicy,
    );
    if (!decision.allowed) {
      const refusal = new RateLimitedError(decision.retryAfterSeconds);
      await this.auditRefusal(name, ip, refusal);
      throw refusal;
    }
    const user = await this.identity.findByUsername(name);
    // Unknown users cost one hash too, so response time does not reveal which names exist.
    const stored = user?.passwordHash ?? (await this.dummy());
    const valid = await this.hasher.verify(password, stored);
    // An SSO account has no password here: say so (the person only has to use the SSO button), and
    // count no failure, since no password can be guessed. The name reveals no more than the SSO button does.
    if (user && !user.passwordHash && (await this.identity.isSsoUser(user.id))) {
      this.logger.warn(`Password login refused for SSO user ${logText(name)} from ${logText(ip)}`);
      await this.audit.record({
        actor: null,
        action: 'auth.login.failed',
        targetType: 'user',
        targetId: user.id,
        after: { username: name, ip, reason: 'sso-account' },
      });
      throw new AppError('AUTH_SSO_ACCOUNT', 'This account signs in with single sign-on (SSO), not with a password');
    }
    if (!user || !user.passwordHash || !valid || user.disabled) {
      const reason = !user ? 'unknown-user' : user.disabled ? 'account-disabled' : 'wrong-password';
      await failures.insert({ id: randomUUID(), username: name, atMs: String(now), clientIp: ip.slice(0, 64) });
      this.logger.warn(`Failed login for ${logText(name)} from ${logText(ip)} (${reason})`);
      await this.audit.record({
        actor: null,
        action: 'auth.login.failed',
        targetType: 'user',
        targetId: user?.id ?? null,
        after: { username: name, ip, reason },
      });
      const after = loginThrottle([...recent.map((f) => Number(f.atMs)), now], now, this.throttlePolicy);
      if (!after.allowed && after.reason === 'locked') {
        this.logger.warn(`Account ${logText(name)} locked for ${after.retryAfterSeconds} s after ${this.throttlePolicy.maxPerHour} failed logins in an hour`);
        await this.audit.record({
          actor: null,
          action: 'auth.lockout',
          targetType: 'user',
          targetId: user?.id ?? null,
          after: { username: name, ip, lockedForSeconds: after.retryAfterSeconds },
        });
      }
      throw new AppError('AUTH_INVALID_CREDENTIALS', 'Wrong username or password');
    }
    if (this.hasher.needsRehash(user.passwordHash)) {
      await this.users.update({ id: user.id }, { passwordHash: await this.hasher.hash(password) });
    }
    await failures.delete({ username: name });
    const pair = await this.startSession(user, client);
    this.logger.log(`User ${logText(name)} logged in from ${logText(ip)}`);
    await this.audit.record({
      actor: { id: user.id, username: user.username, orgId: user.orgId },
      action: 'auth.login',
      targetType: 'user',
      targetId: user.id,
      after: { ip },
    });
    return pair;
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const tokens = this.refreshTokens;
    const row = refreshToken.startsWith(REFRESH_PREFIX) ? await tokens.findOne({ where: { tokenHash: hashRefreshToken(refreshToken) } }) : null;
    if (!row) throw new AppError('AUTH_TOKEN_INVALID', 'Unknown refresh token');
    const session = await this.sessions.findOne({ where: { id: row.sessionId } });
    const found = session ? await this.identity.findWithRoles(session.userId) : null;
    if (!session || !found) throw new AppError('AUTH_TOKEN_INVALID', 'Unknown refresh token');
    if (row.usedAt !== null) {
      await this.revokeSession(session, 'refresh-reuse');
      this.logger.warn(`Refresh token reused for session ${session.id} of user ${found.user.username}: session revoked`);
      await this.audit.record({ actor: null, action: 'auth.refresh.reuse', targetType: 'user', targetId: found.user.id, after: { sessionId: session.id } });
      throw new AppError('AUTH_TOKEN_REVOKED', 'Refresh token was already used; the session has been ended');
    }
    this.assertSessionLive(session, found.user);
    if (this.sessionEndMs(session) <= this.clock.now()) {
      await this.revokeSession(session, 'max-age');
      throw new AppError('AUTH_TOKEN_EXPIRED', 'The session reached its maximum lifetime; log in again');
    }
    if (row.expiresAt <= this.isoNow()) throw new AppError('AUTH_TOKEN_EXPIRED', 'Refresh token expired; log in again');
    const issued = await serialTransaction(this.dataSource, async (manager) => {
      // Claim the token atomically: of two concurrent refreshes with it, only one wins.
      const claimed = await manager.getRepository(RefreshTokenEntity).update({ id: row.id, usedAt: IsNull() }, { usedAt: this.isoNow() });
      if (claimed.affected !== 1) return null;
      return this.issueRefreshToken(session, manager.getRepository(RefreshTokenEntity));
    });
    if (issued === null) {
      await this.revokeSession(session, 'refresh-reuse');
      await this.audit.record({ actor: null, action: 'auth.refresh.reuse', targetType: 'user', targetId: found.user.id, after: { sessionId: session.id } });
      throw new AppError('AUTH_TOKEN_REVOKED', 'Refresh token was already used; the session has been ended');
    }
    return this.tokenPair(found.user, session, issued);
  }

  /** Ends the session of the access token used (and so its refresh tokens and access tokens). */
  async logout(user: AuthenticatedUser, refreshToken?: string): Promise<void> {
    await this.revokeSession({ id: user.sessionId, userId: user.id }, 'logout');
    if (refreshToken === undefined) return;
    const row = await this.refreshTokens.findOne({ where: { tokenHash: hashRefreshToken(refreshToken) } });
    if (!row) return;
    const session = await this.sessions.findOne({ where: { id: row.sessionId } });
    if (session && session.userId === user.id) await this.revokeSession(session, 'logout');
  }

  /** Ends every session of the user, then opens a fresh one for the caller. */
  async changePassword(user: AuthenticatedUser, currentPassword: string, newPassword: string, client: ClientInfo): Promise<TokenPair> {
    const row = await this.users.findOne({ where: { id: user.id } });
    if (row && !row.passwordHash && (await this.identity.isSsoUser(row.id))) {
      throw new AppError('AUTH_SSO_ACCOUNT', 'This account signs in with single sign-on (SSO); its password is managed by the identity provider');
    }
    if (!row || !row.passwordHash) throw new AppError('AUTH_TOKEN_REVOKED', 'Session no longer valid');
    if (!(await this.hasher.verify(currentPassword, row.passwordHash))) throw new AppError('AUTH_CURRENT_PASSWORD_WRONG', 'The current password is wrong');
    if (currentPassword.normalize('NFC') === newPassword.normalize('NFC')) {
      throw new AppError('VALIDATION_FAILED', 'The new password must differ from the current one', [
        { path: 'newPassword', message: 'must differ from the current password' },
      ]);
    }
    assertAcceptablePassword(newPassword, 'newPassword', row);
    const passwordHash = await this.hasher.hash(newPassword);
    const updated = await serialTransaction(this.dataSource, async (manager) => {
      const users = manager.getRepository(UserEntity);
      const fresh = await users.findOneOrFail({ where: { id: user.id } });
      const next = {
        passwordHash,
        mustChangePassword: false,
        tokenVersion: fresh.tokenVersion + 1,
        sessionEpoch: fresh.sessionEpoch + 1,
        updatedAt: this.isoNow(),
      };
      await users.update({ id: user.id }, next);
      await manager
        .getRepository(AuthSessionEntity)
        .update({ userId: user.id, revokedAt: IsNull() }, { revokedAt: this.isoNow(), revokedReason: 'password-change' });
      return { ...fresh, ...next };
    });
    this.revocations.publish({ userId: user.id, code: 'AUTH_TOKEN_REVOKED', reason: 'The password was changed; sign in again' });
    return this.startSession(updated, client);
  }

  /**
   * Checks an access token and returns its user, or throws AUTH_TOKEN_EXPIRED / AUTH_TOKEN_INVALID /
   * AUTH_TOKEN_REVOKED. The HTTP guard uses it; a socket gateway should call it on the handshake token.
   */
  async verifyAccessToken(token: string, options: VerifyOptions = {}): Promise<AuthenticatedUser> {
    const claims = this.tokenClaims.get(token) ?? (await this.verifyClaims(token));
    if (claims.exp + LEEWAY_SECONDS <= Math.floor(this.clock.now() / 1000)) {
      this.tokenClaims.delete(token);
      throw new AppError('AUTH_TOKEN_EXPIRED', 'Access token expired; refresh it');
    }
    const { user, roles, session } = this.sessionRows.get(claims.sid) ?? (await this.lookUpSession(claims));
    if (session.userId !== claims.sub) throw new AppError('AUTH_TOKEN_INVALID', 'Invalid access token');
    this.assertSessionLive(session, user);
    if (claims.ver !== user.tokenVersion) throw new AppError('AUTH_TOKEN_REVOKED', 'Access token revoked; refresh it or log in again');
    if (this.sessionEndMs(session) <= this.clock.now()) throw new AppError('AUTH_TOKEN_EXPIRED', 'The session reached its maximum lifetime; log in again');
    if (user.mustChangePassword && !options.allowPendingPasswordChange) {
      throw new AppError('AUTH_PASSWORD_CHANGE_REQUIRED', 'Choose your own password first (POST /api/auth/password)');
    }
    return { id: user.id, username: user.username, roles, orgId: user.orgId, unitId: user.unitId, sessionId: session.id };
  }

  /** The signature and claims checked; remembered until the token expires. */
  private async verifyClaims(token: string): Promise<TokenClaims> {
    let payload: Record<string, unknown>;
    try {
      payload = await verifyJwtHs256(token, this.signingKey, {
        nowSeconds: Math.floor(this.clock.now() / 1000),
        issuer: ISSUER,
        audience: AUDIENCE,
        leewaySeconds: LEEWAY_SECONDS,
      });
    } catch (error) {
      if (error instanceof JwtError && error.reason === 'expired') throw new AppError('AUTH_TOKEN_EXPIRED', 'Access token expired; refresh it');
      if (error instanceof JwtError) throw new AppError('AUTH_TOKEN_INVALID', 'Invalid access token');
      throw error;
    }
    const { sub, sid, ver, use, exp } = payload;
    if (
      typeof sub !== 'string' ||
      typeof sid !== 'string' ||
      typeof ver !== 'number' ||
      typeof exp !== 'number' ||
      use !== 'access' ||
      sub.length > 36 ||
      sid.length > 36
    ) {
      throw new AppError('AUTH_TOKEN_INVALID', 'Invalid access token');
    }
    const claims: TokenClaims = { sub, sid, ver, exp };
    this.tokenClaims.set(token, claims, { ttl: Math.max(1, (exp + LEEWAY_SECONDS) * 1000 - this.clock.now()) });
    return claims;
  }

  /** The user, roles and session behind a token; cached only while the session is live. */
  private async lookUpSession(claims: TokenClaims): Promise<SessionRows> {
    const revocationsBefore = this.revocationsSeen;
    const found = await this.identity.findWithRoles(claims.sub);
    if (!found) throw new AppError('AUTH_TOKEN_INVALID', 'Invalid access token');
    const session = await this.sessions.findOne({ where: { id: claims.sid } });
    if (!session || session.userId !== claims.sub) throw new AppError('AUTH_TOKEN_INVALID', 'Invalid access token');
    const rows: SessionRows = { user: found.user, roles: found.roles, session };
    // A revoked or ended session is refused by the caller and never cached, nor rows read while a revocation came in.
    const live = !found.user.disabled && session.revokedAt === null && session.epoch === found.user.sessionEpoch;
    if (live && this.revocationsSeen === revocationsBefore) this.sessionRows.set(claims.sid, rows);
    return rows;
  }

  /**
   * Which of these verified tokens have been revoked since (session ended, account disabled,
   * password or roles changed): a bulk check for holders of long-lived connections, two queries
   * per few hundred tokens instead of a full verification each.
   */
  async revokedAmong(tokens: ReadonlyArray<{ readonly userId: string; readonly sessionId: string; readonly tokenVersion: number }>): Promise<Set<number>> {
    const revoked = new Set<number>();
    for (let start = 0; start < tokens.length; start += REVOCATION_CHECK_CHUNK) {
      const chunk = tokens.slice(start, start + REVOCATION_CHECK_CHUNK);
      const [sessions, users] = await Promise.all([
        this.sessions.find({ where: { id: In([...new Set(chunk.map((t) => t.sessionId))]) } }),
        this.users.find({ where: { id: In([...new Set(chunk.map((t) => t.userId))]) } }),
      ]);
      const sessionById = new Map(sessions.map((session) => [session.id, session]));
      const userById = new Map(users.map((user) => [user.id, user]));
      chunk.forEach((token, i) => {
        const session = sessionById.get(token.sessionId);
        const user = userById.get(token.userId);
        const live =
          session !== undefined &&
          user !== undefined &&
          session.userId === user.id &&
          !user.disabled &&
          session.revokedAt === null &&
          session.epoch === user.sessionEpoch &&
          token.tokenVersion === user.tokenVersion;
        if (!live) revoked.add(start + i);
      });
    }
    return revoked;
  }

  me(user: AuthenticatedUser): Promise<UserView> {
    return this.identity.view(user.id);
  }

  /**
   * A new session for a user another way of signing in has vouched for (single sign-on): the same
   * tokens, lifetime and revocation rules as a password login.
   */
  openSession(user: UserEntity, client: ClientInfo): Promise<TokenPair> {
    return this.startSession(user, client);
  }

  // ---- internals ----

  private assertSessionLive(session: AuthSessionEntity, user: UserEntity): void {
    if (user.disabled) throw new AppError('AUTH_TOKEN_REVOKED', 'The account is disabled');
    if (session.revokedAt !== null || session.epoch !== user.sessionEpoch) throw new AppError('AUTH_TOKEN_REVOKED', 'The session has ended; log in again');
  }

  private async startSession(user: UserEntity, client: ClientInfo): Promise<TokenPair> {
    const session = {
      id: randomUUID(),
      userId: user.id,
      epoch: user.sessionEpoch,
      createdAt: this.isoNow(),
      revokedAt: null,
      revokedReason: null,
      clientIp: client.ip?.slice(0, 64) ?? null,
      userAgent: client.userAgent?.slice(0, 200) ?? null,
    };
    const refreshToken = await serialTransaction(this.dataSource, async (manager) => {
      await manager.getRepository(AuthSessionEntity).insert(session);
      return this.issueRefreshToken(session, manager.getRepository(RefreshTokenEntity));
    });
    return this.tokenPair(user, session, refreshToken);
  }

  /** When a session ends whatever is refreshed: SESSION_MAX_AGE after the login that opened it. */
  private sessionEndMs(session: Pick<AuthSessionEntity, 'createdAt'>): number {
    return Date.parse(session.createdAt) + this.config.SESSION_MAX_AGE * 1000;
  }

  private async issueRefreshToken(session: Pick<AuthSessionEntity, 'id' | 'createdAt'>, repository: Repository<RefreshTokenEntity>): Promise<string> {
    const token = `${REFRESH_PREFIX}${randomBytes(32).toString('base64url')}`;
    const now = this.clock.now();
    await repository.insert({
      id: randomUUID(),
      sessionId: session.id,
      tokenHash: hashRefreshToken(token),
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(Math.min(now + this.config.REFRESH_TOKEN_TTL * 1000, this.sessionEndMs(session))).toISOString(),
      usedAt: null,
    });
    return token;
  }

  /** Neither token outlives the session: both expire at the session's end at the latest. */
  private async tokenPair(user: UserEntity, session: Pick<AuthSessionEntity, 'id' | 'createdAt'>, refreshToken: string): Promise<TokenPair> {
    const now = Math.floor(this.clock.now() / 1000);
    const end = Math.floor(this.sessionEndMs(session) / 1000);
    const expiresIn = Math.max(1, Math.min(this.config.ACCESS_TOKEN_TTL, end - now));
    const accessToken = await signJwtHs256(
      { iss: ISSUER, aud: AUDIENCE, sub: user.id, sid: session.id, ver: user.tokenVersion, use: 'access', iat: now, exp: now + expiresIn },
      this.signingKey,
    );
    return {
      tokenType: 'Bearer',
      accessToken,
      expiresIn,
      refreshToken,
      refreshExpiresIn: Math.max(1, Math.min(this.config.REFRESH_TOKEN_TTL, end - now)),
      user: await this.identity.view(user.id),
    };
  }

  /**
   * Runs a rate-limit check; a refusal is logged and, once per key and minute, audited, then
   * rethrown (the Retry-After interceptor adds the header).
   */
  private async auditRefusal(name: string, ip: string, refusal: RateLimitedError): Promise<void> {
    if (this.refusalsAudited.has(name)) return;
    this.refusalsAudited.set(name, true);
    this.logger.warn(`Login refused by the per-account limit for ${logText(name)} from ${logText(ip)}; retry in ${refusal.retryAfterSeconds} s`);
    await this.audit.record({
      actor: null,
      action: 'auth.rate_limited',
      targetType: 'user',
      targetId: null,
      after: { username: name, ip, limit: 'account', retryAfterSeconds: refusal.retryAfterSeconds },
    });
  }

  private async revokeSession(session: { readonly id: string; readonly userId: string }, reason: string): Promise<void> {
    await this.sessions.update({ id: session.id, revokedAt: IsNull() }, { revokedAt: this.isoNow(), revokedReason: reason });
    this.revocations.publish({ userId: session.userId, sessionId: session.id, code: 'AUTH_TOKEN_REVOKED', reason: 'The session has ended' });
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }

  private dummy(): Promise<string> {
    this.dummyHash ??= this.hasher.hash(randomBytes(16).toString('hex'));
    return this.dummyHash;
  }
}
