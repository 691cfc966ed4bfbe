import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { logText } from '../common/log-text.js';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import * as oidc from 'openid-client';
import { AuditService } from '../audit/audit.service.js';
import { AppError } from '../common/app-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { SsoSettings } from '../config/sso-settings.js';
import type { SsoConfigView, SsoStartResponse, TokenPair } from '../contracts/auth-api.schema.js';
import type { ErrorCode } from '../contracts/error-codes.js';
import type { AuthenticatedUser } from '../common/authenticated-user.js';
import { IdentityService } from '../identity/identity.service.js';
import { AuthService, type ClientInfo } from './auth.service.js';
import { mappingInputs, mapSsoClaims } from './sso-mapping.js';

/** A login started at the provider may take this long (the person types a password, maybe a second factor). */
const FLOW_TTL_MS = 10 * 60_000;
/** The one-time code the console exchanges for tokens is good for this long, once. */
const LOGIN_CODE_TTL_MS = 60_000;
const MAX_PENDING = 10_000;
const PROVIDER_TIMEOUT_SECONDS = 10;
const MAX_ISSUER_LENGTH = 512;
const MAX_SUBJECT_LENGTH = 255;

interface PendingFlow {
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly flowSecretHash: Buffer;
}

interface PendingLogin {
  readonly userId: string;
  readonly issuer: string;
  readonly flowSecretHash: Buffer;
}

/** A refusal on the way back from the provider: the code the console shows, and what the log and audit say. */
class SsoRefusal extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly reason: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(reason);
  }
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function claimString(claims: Readonly<Record<string, unknown>>, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = claims[name];
    if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  }
  return undefined;
}

/**
 * OpenID Connect login (authorization code flow with PKCE, state and nonce, by openid-client).
 *
 * How the tokens reach the console: the provider sends the browser back to the callback, which
 * never puts a token in a URL. It redirects to the console's login page with a one-time login code
 * in the fragment (`/login#sso=…`): a fragment is never sent to a server or in a Referer, the console
 * removes it from the address bar at once, and the code alone is useless: it is spent on first use,
 * lives 60 s, and is exchanged over POST only together with the flow secret that the tab which
 * started the login keeps in its sessionStorage. So a leaked history entry, or a callback URL an
 * attacker lures someone to (login CSRF), yields nothing. Pending flows and codes live in memory:
 * one server per data folder, and a restart only makes a person click the button again.
 */
@Injectable()
export class SsoService {
  private readonly logger = new Logger(SsoService.name);
  private readonly settings: SsoSettings | null;
  private configuration: Promise<oidc.Configuration> | undefined;
  private readonly flows = new LRUCache<string, PendingFlow>({ max: MAX_PENDING, ttl: FLOW_TTL_MS });
  private readonly loginCodes = new LRUCache<string, PendingLogin>({ max: MAX_PENDING, ttl: LOGIN_CODE_TTL_MS });

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(IdentityService) private readonly identity: IdentityService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {
    this.settings = config.sso;
  }

  publicConfig(): SsoConfigView {
    return { enabled: this.settings !== null };
  }

  /** Opens a login at the provider: the URL to send the browser to, and the secret binding the login to this tab. */
  async start(): Promise<SsoStartResponse> {
    const settings = this.requireSettings();
    const configuration = await this.discover().catch((error: unknown) => {
      const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
      this.logger.error(`SSO: the identity provider's discovery document cannot be read: ${error instanceof Error ? error.message : String(error)}${cause}`);
      throw new AppError('SSO_PROVIDER_ERROR', 'The identity provider cannot be reached; try again later');
    });
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const flowSecret = randomBytes(32).toString('base64url');
    this.flows.set(state, { codeVerifier, nonce, flowSecretHash: sha256(flowSecret) });
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: settings.redirectUri,
      scope: settings.scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { authorizationUrl: url.href, flowSecret, expiresIn: FLOW_TTL_MS / 1000 };
  }

  /**
   * The provider's redirect back (`search` is the query string it sent). Returns where to send the
   * browser: the console's login page with a one-time code, or with the refusal's error code.
   */
  async callback(search: string, client: ClientInfo): Promise<string> {
    const settings = this.requireSettings();
    const ip = client.ip ?? 'unknown';
    try {
      const code = await this.completeLogin(settings, search);
      return `${settings.consoleLoginUrl}#sso=${encodeURIComponent(code)}`;
    } catch (error) {
      if (!(error instanceof SsoRefusal)) throw error;
      this.logger.warn(`SSO login refused from ${logText(ip)}: ${error.code} (${error.reason})`);
      await this.audit.record({
        actor: null,
        action: 'auth.sso.refused',
        targetType: 'user',
        targetId: null,
        after: { code: error.code, reason: error.reason, ip, ...error.detail },
      });
      return `${settings.consoleLoginUrl}#sso-error=${error.code}`;
    }
  }

  /** The console trades the one-time code (with its tab's flow secret) for the platform's usual token pair. */
  async exchange(code: string, flowSecret: string, client: ClientInfo): Promise<TokenPair> {
    this.requireSettings();
    const key = sha256(code).toString('hex');
    const pending = this.loginCodes.get(key);
    // Spent whatever the outcome: a wrong flow secret gets no second try at this code.
    this.loginCodes.delete(key);
    if (!pending || !timingSafeEqual(pending.flowSecretHash, sha256(flowSecret))) {
      throw new AppError('SSO_CODE_INVALID', 'This sign-in link is used, expired or was not started in this browser tab; sign in again');
    }
    const found = await this.identity.findWithRoles(pending.userId);
    if (!found || found.user.disabled) throw new AppError('SSO_ACCOUNT_DISABLED', 'This account is disabled; ask an administrator');
    const pair = await this.auth.openSession(found.user, client);
    const ip = client.ip ?? 'unknown';
    this.logger.log(`User ${logText(found.user.username)} logged in through SSO from ${logText(ip)}`);
    await this.audit.record({
      actor: { id: found.user.id, username: found.user.username, orgId: found.user.orgId },
      action: 'auth.sso.login',
      targetType: 'user',
      targetId: found.user.id,
      after: { ip, issuer: pending.issuer },
    });
    return pair;
  }

  /** The provider's logout address (RP-initiated logout) for an SSO user, when the provider has one. */
  async logoutUrl(user: AuthenticatedUser): Promise<string | undefined> {
    const settings = this.settings;
    if (settings === null || !(await this.identity.isSsoUser(user.id))) return undefined;
    try {
      const configuration = await this.discover();
      if (!configuration.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(configuration, { client_id: settings.clientId, post_logout_redirect_uri: settings.consoleLoginUrl }).href;
    } catch (error) {
      this.logger.warn(`SSO: no logout address from the identity provider: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    }
  }

  // ---- internals ----

  private async completeLogin(settings: SsoSettings, search: string): Promise<string> {
    const params = new URLSearchParams(search);
    const state = params.get('state') ?? '';
    const flow = this.flows.get(state);
    if (!flow) throw new SsoRefusal('SSO_STATE_INVALID', 'unknown, expired or already used state');
    this.flows.delete(state);
    const providerError = params.get('error');
    if (providerError !== null) throw new SsoRefusal('SSO_PROVIDER_ERROR', `the provider answered ${providerError.slice(0, 64)}`);
    const configuration = await this.discover().catch(() => {
      throw new SsoRefusal('SSO_PROVIDER_ERROR', 'the provider cannot be reached');
    });
    const currentUrl = new URL(settings.redirectUri);
    currentUrl.search = params.toString();
    let claims: Record<string, unknown>;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
        pkceCodeVerifier: flow.codeVerifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
      const idClaims = tokens.claims();
      if (!idClaims) throw new Error('no ID token');
      claims = { ...idClaims };
      // Many providers put groups and profile claims only in the UserInfo answer of a code flow.
      if (configuration.serverMetadata().userinfo_endpoint) {
        const userInfo = await oidc.fetchUserInfo(configuration, tokens.access_token, idClaims.sub);
        claims = { ...userInfo, ...idClaims };
      }
    } catch (error) {
      throw new SsoRefusal('SSO_PROVIDER_ERROR', `the token answer was refused: ${error instanceof Error ? error.message.slice(0, 200) : 'error'}`);
    }
    const issuer = String(claims.iss);
    const subject = String(claims.sub);
    // The link's columns hold any real issuer and subject (OpenID Connect caps a subject at 255 ASCII characters).
    if (issuer.length > MAX_ISSUER_LENGTH || subject.length > MAX_SUBJECT_LENGTH) {
      throw new SsoRefusal('SSO_PROVIDER_ERROR', 'the issuer or subject is longer than an OpenID Connect provider sends');
    }
    const mapped = mapSsoClaims(settings.mapping, claims);
    if (mapped.kind === 'refused') throw new SsoRefusal('SSO_NO_MAPPING', mapped.reason, { issuer, subject, claims: mappingInputs(settings.mapping, claims) });
    const usernameHint = claimString(claims, 'preferred_username', 'email', 'name') ?? subject;
    let result;
    try {
      result = await this.identity.signInSso({
        issuer,
        subject,
        usernameHint,
        displayName: (claimString(claims, 'name', 'preferred_username', 'email') ?? subject).slice(0, 120),
        ...mapped.placement,
      });
    } catch (error) {
      if (error instanceof AppError && (error.code === 'SSO_NO_MAPPING' || error.code === 'SSO_ACCOUNT_DISABLED')) {
        throw new SsoRefusal(error.code, error.message, { issuer, subject });
      }
      throw error;
    }
    if (result.created) this.logger.log(`SSO: created user ${logText(result.user.username)} for ${issuer} subject ${subject}`);
    const loginCode = randomBytes(32).toString('base64url');
    this.loginCodes.set(sha256(loginCode).toString('hex'), { userId: result.user.id, issuer, flowSecretHash: flow.flowSecretHash });
    return loginCode;
  }

  private requireSettings(): SsoSettings {
    if (this.settings === null) throw new AppError('SSO_NOT_CONFIGURED', 'Single sign-on is not configured on this server');
    return this.settings;
  }

  /** The provider's metadata, read once; a failure is not kept, so the next login tries again. */
  private discover(): Promise<oidc.Configuration> {
    const settings = this.requireSettings();
    this.configuration ??= oidc
      .discovery(new URL(settings.issuer), settings.clientId, undefined, oidc.ClientSecretBasic(settings.clientSecret), {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // The ID token's signature is checked against the provider's keys too, not only TLS to its token endpoint.
        execute: [...(settings.allowHttp ? [oidc.allowInsecureRequests] : []), oidc.enableNonRepudiationChecks],
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }
}
