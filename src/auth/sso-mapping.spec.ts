import { SsoMappingSchema, ssoSettings, type SsoEnv } from '../config/sso-settings.js';
import { mapSsoClaims, mappingInputs } from './sso-mapping.js';

const mapping = SsoMappingSchema.parse({
  rules: [
    { group: 'soc-lam-son', organisation: 'lam-son', unit: 'so-tttt', roles: ['trainee'] },
    { group: 'soc-lam-son-lead', organisation: 'lam-son', unit: 'so-tttt', roles: ['instructor'] },
    { group: 'soc-binh-nguyen', organisation: 'binh-nguyen', unit: 'cong-an', roles: ['admin'] },
    { group: 'auditors', roles: ['reviewer'] },
    { claim: 'department', value: 'cong-an', organisation: 'lam-son', unit: 'cong-an', roles: ['trainee'] },
  ],
});

describe('SSO mapping', () => {
  it('places a user by the first matching rule and gathers the roles of the same placement and of roles-only rules', () => {
    expect(mapSsoClaims(mapping, { groups: ['soc-lam-son-lead', 'soc-lam-son', 'auditors'] })).toEqual({
      kind: 'placed',
      placement: { organisation: 'lam-son', unit: 'so-tttt', roles: ['instructor', 'trainee', 'reviewer'] },
    });
  });

  it('never gathers roles across organisations: rules placing elsewhere are ignored', () => {
    expect(mapSsoClaims(mapping, { groups: ['soc-lam-son', 'soc-binh-nguyen'] })).toEqual({
      kind: 'placed',
      placement: { organisation: 'lam-son', unit: 'so-tttt', roles: ['trainee'] },
    });
  });

  it('matches a claim value, as a string or in a list, and a single-string groups claim', () => {
    expect(mapSsoClaims(mapping, { department: 'cong-an' })).toMatchObject({ kind: 'placed', placement: { unit: 'cong-an', roles: ['trainee'] } });
    expect(mapSsoClaims(mapping, { department: ['x', 'cong-an'] })).toMatchObject({ kind: 'placed', placement: { unit: 'cong-an' } });
    expect(mapSsoClaims(mapping, { groups: 'soc-binh-nguyen' })).toMatchObject({
      kind: 'placed',
      placement: { organisation: 'binh-nguyen', roles: ['admin'] },
    });
  });

  it('refuses a user whose groups map to nothing, or only to roles without a place', () => {
    expect(mapSsoClaims(mapping, { groups: ['marketing'] })).toEqual({ kind: 'refused', reason: 'no rule matches the groups and claims' });
    expect(mapSsoClaims(mapping, {})).toMatchObject({ kind: 'refused' });
    expect(mapSsoClaims(mapping, { groups: ['auditors'] })).toEqual({ kind: 'refused', reason: 'the matching rules give roles but no organisation and unit' });
    // Objects and nested values are never taken for group names.
    expect(mapSsoClaims(mapping, { groups: [{ name: 'soc-lam-son' }] })).toMatchObject({ kind: 'refused' });
  });

  it('reads the groups from the claim the mapping names', () => {
    const custom = SsoMappingSchema.parse({ groupsClaim: 'roles', rules: [{ group: 'soc', organisation: 'lam-son', unit: 'so-tttt', roles: ['trainee'] }] });
    expect(mapSsoClaims(custom, { roles: ['soc'] })).toMatchObject({ kind: 'placed' });
    expect(mapSsoClaims(custom, { groups: ['soc'] })).toMatchObject({ kind: 'refused' });
  });

  it('names the mapped groups and claims of a refusal, bounded', () => {
    expect(mappingInputs(mapping, { groups: ['a', 'b'], department: 'x', email: 'secret@example.vn' })).toEqual({ groups: ['a', 'b'], department: ['x'] });
    expect(mappingInputs(mapping, { groups: Array.from({ length: 80 }, (_, i) => `g${i}`) }).groups).toHaveLength(50);
  });
});

describe('SSO settings', () => {
  const base: SsoEnv = {
    NODE_ENV: 'production',
    PUBLIC_URL: 'https://soc-drill.lamson.gov.vn/',
    SSO_ISSUER: 'https://id.lamson.gov.vn/realms/soc',
    SSO_CLIENT_ID: 'soc-drill',
    SSO_CLIENT_SECRET: 'very-secret-value',
    SSO_SCOPES: 'openid profile groups',
    SSO_MAPPING: JSON.stringify({ rules: [{ group: 'soc', organisation: 'lam-son', unit: 'so-tttt', roles: ['trainee'] }] }),
  };

  it('is off when no SSO_ setting is given, and builds the redirect URL from PUBLIC_URL otherwise', () => {
    expect(ssoSettings({ NODE_ENV: 'production', SSO_SCOPES: 'openid' })).toEqual({ settings: null, problems: [] });
    const { settings, problems } = ssoSettings(base);
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({
      redirectUri: 'https://soc-drill.lamson.gov.vn/api/auth/sso/callback',
      consoleLoginUrl: 'https://soc-drill.lamson.gov.vn/login',
      allowHttp: false,
      mapping: { groupsClaim: 'groups' },
    });
  });

  it('names each missing or wrong setting, and never echoes the secret', () => {
    const { problems } = ssoSettings({ ...base, SSO_CLIENT_ID: undefined, PUBLIC_URL: undefined, SSO_ISSUER: 'http://id.example', SSO_SCOPES: 'profile' });
    expect(problems).toEqual([
      expect.stringMatching(/^SSO_CLIENT_ID: is required/),
      expect.stringMatching(/^PUBLIC_URL: is required with SSO_ISSUER/),
      'SSO_ISSUER: must be an https:// address when NODE_ENV=production',
      expect.stringMatching(/^SSO_SCOPES: must include "openid"/),
    ]);
    expect(problems.join('\n')).not.toContain('very-secret-value');
    expect(ssoSettings({ NODE_ENV: 'test', SSO_SCOPES: 'openid', SSO_CLIENT_ID: 'x' }).problems).toEqual([
      'SSO_ISSUER: is required when any other SSO_ setting is given',
    ]);
  });

  it('validates the mapping with a located message', () => {
    const problemsOf = (json: unknown): string[] => ssoSettings({ ...base, SSO_MAPPING: typeof json === 'string' ? json : JSON.stringify(json) }).problems;
    expect(problemsOf('{not json')).toEqual([expect.stringMatching(/^SSO_MAPPING: is not valid JSON/)]);
    expect(problemsOf({ rules: [{ group: 'soc', organisation: 'lam-son', unit: 'so-tttt', roles: ['root'] }] })).toEqual([
      expect.stringMatching(/^SSO_MAPPING: rules\.0\.roles\.0: /),
    ]);
    expect(problemsOf({ rules: [{ group: 'soc', organisation: 'lam-son', roles: ['trainee'] }] })).toEqual([
      'SSO_MAPPING: rules.0: "organisation" and "unit" go together',
    ]);
    expect(problemsOf({ rules: [{ group: 'soc', claim: 'dept', value: 'x', organisation: 'lam-son', unit: 'a', roles: ['trainee'] }] })).toEqual([
      'SSO_MAPPING: rules.0: give either "group", or "claim" with "value"',
    ]);
    expect(problemsOf({ rules: [{ group: 'soc', roles: ['admin'] }] })).toEqual([
      'SSO_MAPPING: rules: at least one rule must name an organisation and a unit, or nobody could sign in',
    ]);
    expect(problemsOf({ rules: [], extra: 1 })).toEqual(expect.arrayContaining([expect.stringMatching(/^SSO_MAPPING: /)]));
    expect(ssoSettings({ ...base, SSO_MAPPING: undefined }).problems).toEqual([expect.stringMatching(/^SSO_MAPPING: give the group mapping/)]);
    expect(ssoSettings({ ...base, SSO_MAPPING: undefined, SSO_MAPPING_FILE: '/nonexistent/mapping.json' }).problems).toEqual([
      'SSO_MAPPING_FILE: cannot read "/nonexistent/mapping.json" (ENOENT)',
    ]);
  });
});
