import { ROLES, type Role } from '../contracts/auth.schema.js';
import type { SsoMapping, SsoMappingRule } from '../config/sso-settings.js';

/** Where a user of the identity provider lands: organisation and unit codes, and roles. */
export interface SsoPlacement {
  readonly organisation: string;
  readonly unit: string;
  readonly roles: Role[];
}

export type SsoMappingResult = { readonly kind: 'placed'; readonly placement: SsoPlacement } | { readonly kind: 'refused'; readonly reason: string };

/** A claim's values as strings: a string is one value, a list of strings its members; anything else none. */
function claimValues(claims: Readonly<Record<string, unknown>>, name: string): string[] {
  const value = claims[name];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  return [];
}

function matches(rule: SsoMappingRule, claims: Readonly<Record<string, unknown>>, groupsClaim: string): boolean {
  if (rule.group !== undefined) return claimValues(claims, groupsClaim).includes(rule.group);
  if (rule.claim !== undefined && rule.value !== undefined) return claimValues(claims, rule.claim).includes(rule.value);
  return false;
}

/**
 * Maps a user's claims to a placement. The first matching rule that names an organisation and a
 * unit places the user; the roles are those of every matching rule with that same placement or
 * with none (roles-only rules, e.g. "soc-admins" → admin). Rules placing elsewhere are ignored, so
 * one person never collects roles across organisations. No placing rule, no account.
 */
export function mapSsoClaims(mapping: SsoMapping, claims: Readonly<Record<string, unknown>>): SsoMappingResult {
  const matching = mapping.rules.filter((rule) => matches(rule, claims, mapping.groupsClaim));
  const placing = matching.find((rule) => rule.organisation !== undefined && rule.unit !== undefined);
  if (!placing?.organisation || !placing.unit) {
    return {
      kind: 'refused',
      reason: matching.length === 0 ? 'no rule matches the groups and claims' : 'the matching rules give roles but no organisation and unit',
    };
  }
  const roles = new Set<Role>();
  for (const rule of matching) {
    const samePlace = rule.organisation === undefined || (rule.organisation === placing.organisation && rule.unit === placing.unit);
    if (samePlace) for (const role of rule.roles) roles.add(role);
  }
  return { kind: 'placed', placement: { organisation: placing.organisation, unit: placing.unit, roles: ROLES.filter((role) => roles.has(role)) } };
}

/** The groups and mapped claims a refusal names in the log and audit (bounded: a claim can be long). */
export function mappingInputs(mapping: SsoMapping, claims: Readonly<Record<string, unknown>>): Record<string, string[]> {
  const names = new Set([mapping.groupsClaim, ...mapping.rules.flatMap((rule) => (rule.claim === undefined ? [] : [rule.claim]))]);
  const inputs: Record<string, string[]> = {};
  for (const name of names) {
    const values = claimValues(claims, name);
    if (values.length > 0) inputs[name] = values.slice(0, 50).map((v) => v.slice(0, 120));
  }
  return inputs;
}
