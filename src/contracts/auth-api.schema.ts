import { z } from 'zod';
import { RoleSchema } from './auth.schema.js';

/**
 * Request and response bodies of the identity, authentication and audit API.
 * Request objects are strict: an unknown key is a validation error (`__proto__`, `constructor` and `prototype` are refused before
 * validation, see common/reserved-keys.ts),
 * so a typo in a client never silently drops a field.
 */

export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,62}$/;
export const CODE_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export const UuidSchema = z.uuid();
export const UsernameSchema = z
  .string()
  .regex(USERNAME_PATTERN, 'lower-case letters, digits, ".", "_" or "-", 2 to 63 characters, starting with a letter or digit');
/** New passwords: long enough to resist guessing, bounded so hashing cost stays bounded. */
export const NewPasswordSchema = z.string().min(12, 'at least 12 characters').max(256, 'at most 256 characters');
const DisplayNameSchema = z.string().trim().min(1).max(120);
const NameSchema = z.string().trim().min(1).max(200);
const CodeSchema = z.string().regex(CODE_PATTERN, 'lower-case letters, digits and "-", at most 40 characters');
const RolesSchema = z
  .array(RoleSchema)
  .max(4)
  .refine((roles) => new Set(roles).size === roles.length, 'roles must not repeat');

// ---- authentication ----

export const LoginRequestSchema = z.strictObject({
  // Not the username pattern: a malformed name must answer exactly like an unknown one.
  username: z.string().min(1).max(128),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

export const RefreshRequestSchema = z.strictObject({ refreshToken: z.string().min(1).max(512) });
export type RefreshRequest = z.infer<typeof RefreshRequestSchema>;

export const ChangePasswordRequestSchema = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: NewPasswordSchema,
});
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

export const UserViewSchema = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    roles: z.array(RoleSchema),
    orgId: z.string(),
    orgName: z.string(),
    unitId: z.string(),
    unitName: z.string(),
    disabled: z.boolean(),
    /** The password was set by an administrator: only a password change is allowed until the user sets their own. */
    mustChangePassword: z.boolean(),
    /** Signs in through single sign-on: no password here, roles come from the identity provider's groups at each login. */
    sso: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'User' });
export type UserView = z.infer<typeof UserViewSchema>;

export const TokenPairSchema = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    /** Seconds until the access token expires. */
    expiresIn: z.number().int(),
    refreshToken: z.string(),
    refreshExpiresIn: z.number().int(),
    user: UserViewSchema,
  })
  .meta({ id: 'TokenPair' });
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const OkSchema = z.object({ ok: z.literal(true) });

export const LogoutResponseSchema = z
  .object({
    ok: z.literal(true),
    /** For a single sign-on user whose provider offers RP-initiated logout: open it to sign out there too. */
    ssoLogoutUrl: z.string().optional(),
  })
  .meta({ id: 'LogoutResponse' });
export type LogoutResponse = z.infer<typeof LogoutResponseSchema>;

// ---- single sign-on (OpenID Connect) ----

export const SsoConfigViewSchema = z.object({ enabled: z.boolean() }).meta({ id: 'SsoConfig' });
export type SsoConfigView = z.infer<typeof SsoConfigViewSchema>;

export const SsoStartResponseSchema = z
  .object({
    /** Send the browser here (the provider's login page). */
    authorizationUrl: z.string(),
    /** Keep in this tab (sessionStorage) and send with the one-time code: binds the login to the tab that started it. */
    flowSecret: z.string(),
    /** Seconds the login may take at the provider. */
    expiresIn: z.number().int(),
  })
  .meta({ id: 'SsoStart' });
export type SsoStartResponse = z.infer<typeof SsoStartResponseSchema>;

export const SsoExchangeRequestSchema = z.strictObject({
  /** The one-time code from the console's address fragment (`/login#sso=<code>`). */
  code: z.string().min(1).max(128),
  flowSecret: z.string().min(1).max(128),
});
export type SsoExchangeRequest = z.infer<typeof SsoExchangeRequestSchema>;

// ---- users (admin) ----

export const UserIdParamSchema = UuidSchema;
export const OrgIdParamSchema = UuidSchema;

export const CreateUserRequestSchema = z.strictObject({
  username: UsernameSchema,
  displayName: DisplayNameSchema,
  password: NewPasswordSchema,
  unitId: UuidSchema,
  roles: RolesSchema.min(1),
});
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;

export const SetRolesRequestSchema = z.strictObject({ roles: RolesSchema });
export type SetRolesRequest = z.infer<typeof SetRolesRequestSchema>;

export const ResetPasswordRequestSchema = z.strictObject({ newPassword: NewPasswordSchema });
export type ResetPasswordRequest = z.infer<typeof ResetPasswordRequestSchema>;

const PageQueryFields = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};

export const UserListQuerySchema = z.strictObject({
  ...PageQueryFields,
  orgId: UuidSchema.optional(),
  unitId: UuidSchema.optional(),
  role: RoleSchema.optional(),
});
export type UserListQuery = z.infer<typeof UserListQuerySchema>;

export const UserPageSchema = z.object({ items: z.array(UserViewSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
export type UserPage = z.infer<typeof UserPageSchema>;

// ---- organisations and units (admin) ----

export const UnitViewSchema = z.object({ id: z.string(), orgId: z.string(), code: z.string(), name: z.string(), createdAt: z.string() }).meta({ id: 'Unit' });
export type UnitView = z.infer<typeof UnitViewSchema>;

export const OrganisationViewSchema = z
  .object({ id: z.string(), code: z.string(), name: z.string(), createdAt: z.string(), units: z.array(UnitViewSchema) })
  .meta({ id: 'Organisation' });
export type OrganisationView = z.infer<typeof OrganisationViewSchema>;

export const CreateOrganisationRequestSchema = z.strictObject({ code: CodeSchema, name: NameSchema });
export type CreateOrganisationRequest = z.infer<typeof CreateOrganisationRequestSchema>;

export const CreateUnitRequestSchema = z.strictObject({ code: CodeSchema, name: NameSchema });
export type CreateUnitRequest = z.infer<typeof CreateUnitRequestSchema>;

// ---- audit ----

export const AuditEntrySchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actorId: z.string().nullable(),
    actorUsername: z.string().nullable(),
    orgId: z.string().nullable(),
    action: z.string(),
    targetType: z.string(),
    targetId: z.string().nullable(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
  })
  .meta({ id: 'AuditEntry' });
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditQuerySchema = z.strictObject({
  ...PageQueryFields,
  action: z.string().min(1).max(80).optional(),
  actorId: UuidSchema.optional(),
  targetType: z.string().min(1).max(40).optional(),
  targetId: z.string().min(1).max(80).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() });
export type AuditPage = z.infer<typeof AuditPageSchema>;
