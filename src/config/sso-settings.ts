import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { RoleSchema } from '../contracts/auth.schema.js';

const CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;
const codeMessage = 'an organisation or unit code: lower-case letters, digits and "-", at most 40 characters';
const ClaimNameSchema = z.string().min(1).max(100);
const ClaimValueSchema = z.string().min(1).max(256);

/**
 * One rule of the mapping: it matches when the user's groups contain `group`, or when the claim
 * `claim` equals `value` (or, for a list claim, contains it). A rule with `organisation` and `unit`
 * places the user; a rule without them only adds roles.
 */
export const SsoMappingRuleSchema = z
  .strictObject({
    group: ClaimValueSchema.optional(),
    claim: ClaimNameSchema.optional(),
    value: ClaimValueSchema.optional(),
    organisation: z.string().regex(CODE, codeMessage).optional(),
    unit: z.string().regex(CODE, codeMessage).optional(),
    roles: z
      .array(RoleSchema)
      .min(1, 'give at least one role')
      .refine((roles) => new Set(roles).size === roles.length, 'roles must not repeat'),
  })
  .superRefine((rule, ctx) => {
    const byGroup = rule.group !== undefined;
    const byClaim = rule.claim !== undefined || rule.value !== undefined;
    if (byGroup === byClaim) ctx.addIssue({ code: 'custom', message: 'give either "group", or "claim" with "value"' });
    if (byClaim && (rule.claim === undefined || rule.value === undefined)) ctx.addIssue({ code: 'custom', message: '"claim" and "value" go together' });
    if ((rule.organisation === undefined) !== (rule.unit === undefined)) ctx.addIssue({ code: 'custom', message: '"organisation" and "unit" go together' });
  });
export type SsoMappingRule = z.infer<typeof SsoMappingRuleSchema>;

export const SsoMappingSchema = z
  .strictObject({
    /** The claim that lists the user's groups (Keycloak, Authentik, Azure AD: "groups"). */
    groupsClaim: ClaimNameSchema.default('groups'),
    /** In order: the first matching rule with an organisation and unit places the user. */
    rules: z.array(SsoMappingRuleSchema).min(1, 'give at least one rule').max(1000),
  })
  .refine((mapping) => mapping.rules.some((rule) => rule.organisation !== undefined), {
    message: 'at least one rule must name an organisation and a unit, or nobody could sign in',
    path: ['rules'],
  });
export type SsoMapping = z.infer<typeof SsoMappingSchema>;

/** Single sign-on, when configured: everything the OpenID Connect client needs. */
export interface SsoSettings {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: string;
  /** `${PUBLIC_URL}/api/auth/sso/callback`: register it at the provider. */
  readonly redirectUri: string;
  /** `${PUBLIC_URL}/login`: where the console opens after a login, and after the provider's logout. */
  readonly consoleLoginUrl: string;
  readonly mapping: SsoMapping;
  /** Plain-HTTP provider allowed (outside production only: a provider on a developer's machine or in a test). */
  readonly allowHttp: boolean;
}

export interface SsoEnv {
  readonly NODE_ENV: 'development' | 'test' | 'production';
  readonly PUBLIC_URL?: string | undefined;
  readonly SSO_ISSUER?: string | undefined;
  readonly SSO_CLIENT_ID?: string | undefined;
  readonly SSO_CLIENT_SECRET?: string | undefined;
  readonly SSO_SCOPES: string;
  readonly SSO_MAPPING?: string | undefined;
  readonly SSO_MAPPING_FILE?: string | undefined;
}

/**
 * Checks the SSO settings together (which need which) and parses the mapping, from SSO_MAPPING or
 * the file SSO_MAPPING_FILE. Problems come back as "NAME: message" lines, never with the secret.
 */
export function ssoSettings(env: SsoEnv): { settings: SsoSettings | null; problems: string[] } {
  const problems: string[] = [];
  const anySet = [env.SSO_ISSUER, env.SSO_CLIENT_ID, env.SSO_CLIENT_SECRET, env.SSO_MAPPING, env.SSO_MAPPING_FILE].some((v) => v !== undefined);
  if (!anySet) return { settings: null, problems };
  if (env.SSO_ISSUER === undefined) return { settings: null, problems: ['SSO_ISSUER: is required when any other SSO_ setting is given'] };
  if (env.SSO_CLIENT_ID === undefined) problems.push('SSO_CLIENT_ID: is required with SSO_ISSUER');
  if (env.SSO_CLIENT_SECRET === undefined)
    problems.push('SSO_CLIENT_SECRET: is required with SSO_ISSUER (the client secret the provider gave this application)');
  if (env.PUBLIC_URL === undefined) problems.push('PUBLIC_URL: is required with SSO_ISSUER (the redirect URL registered at the provider is built from it)');
  const issuer = new URL(env.SSO_ISSUER);
  if (issuer.protocol !== 'https:' && env.NODE_ENV === 'production') problems.push('SSO_ISSUER: must be an https:// address when NODE_ENV=production');
  if (!env.SSO_SCOPES.split(' ').includes('openid')) problems.push(`SSO_SCOPES: must include "openid" (got "${env.SSO_SCOPES}")`);
  if ((env.SSO_MAPPING === undefined) === (env.SSO_MAPPING_FILE === undefined)) {
    problems.push('SSO_MAPPING: give the group mapping either as JSON in SSO_MAPPING or as a file in SSO_MAPPING_FILE (exactly one)');
  }
  const mapping = parseMapping(env, problems);
  if (problems.length > 0 || mapping === null) return { settings: null, problems };
  const publicUrl = env.PUBLIC_URL!.replace(/\/+$/, '');
  return {
    settings: {
      issuer: env.SSO_ISSUER,
      clientId: env.SSO_CLIENT_ID!,
      clientSecret: env.SSO_CLIENT_SECRET!,
      scopes: env.SSO_SCOPES,
      redirectUri: `${publicUrl}/api/auth/sso/callback`,
      consoleLoginUrl: `${publicUrl}/login`,
      mapping,
      allowHttp: issuer.protocol === 'http:',
    },
    problems,
  };
}

function parseMapping(env: SsoEnv, problems: string[]): SsoMapping | null {
  const name = env.SSO_MAPPING_FILE !== undefined ? 'SSO_MAPPING_FILE' : 'SSO_MAPPING';
  let text: string;
  if (env.SSO_MAPPING_FILE !== undefined) {
    try {
      text = readFileSync(env.SSO_MAPPING_FILE, 'utf8');
    } catch (error) {
      problems.push(`SSO_MAPPING_FILE: cannot read "${env.SSO_MAPPING_FILE}" (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      return null;
    }
  } else if (env.SSO_MAPPING !== undefined) {
    text = env.SSO_MAPPING;
  } else {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    problems.push(`${name}: is not valid JSON (${error instanceof Error ? error.message : 'parse error'})`);
    return null;
  }
  const result = SsoMappingSchema.safeParse(json);
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${name}: ${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`);
    return null;
  }
  return result.data;
}
