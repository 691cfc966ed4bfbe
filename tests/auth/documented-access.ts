import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessPolicy } from '../../src/common/access.decorator.js';
import { ROLES, type Role } from '../../src/contracts/auth.schema.js';

/** Reads the role tables of docs/security.md, so the access-matrix test can hold them to the server's policies. */

export const SECURITY_DOC = join(__dirname, '..', '..', 'docs', 'security.md');

/** The lines of one `## heading` section (up to the next `## `). */
function section(markdown: string, heading: string): string[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.trim() === `## ${heading}`);
  if (start < 0) throw new Error(`docs/security.md has no "## ${heading}" section`);
  const end = lines.findIndex((l, i) => i > start && l.startsWith('## '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The cells of every table row of a section, header and separator rows included. */
function tableRows(lines: string[]): string[][] {
  return lines
    .filter((l) => l.trim().startsWith('|'))
    .map((l) =>
      l
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((c) => c.trim()),
    );
}

export interface DocumentedRoute {
  readonly method: string;
  readonly path: string;
  readonly access: AccessPolicy;
}

/** "public", "signed in" or a comma-separated list of roles, as the "Who" column writes them. */
function parseWho(who: string, route: string): AccessPolicy {
  if (who === 'public') return { kind: 'public' };
  if (who === 'signed in') return { kind: 'authenticated' };
  const roles = who.split(',').map((r) => r.trim());
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (roles.length === 0 || unknown.length > 0) throw new Error(`docs/security.md, ${route}: "${who}" is not public, signed in or a list of roles`);
  return { kind: 'roles', roles: roles as Role[] };
}

/** The "Routes and roles" table: one row per REST route, `METHOD /path` in the first column. */
export function documentedRoutes(markdown = readFileSync(SECURITY_DOC, 'utf8')): DocumentedRoute[] {
  const routes: DocumentedRoute[] = [];
  for (const cells of tableRows(section(markdown, 'Routes and roles'))) {
    const route = /^`([A-Z]+) (\/\S+)`$/.exec(cells[0] ?? '');
    if (!route) continue; // header and separator
    routes.push({ method: route[1]!, path: route[2]!, access: parseWho(cells[1] ?? '', cells[0]!) });
  }
  return routes;
}

export interface DocumentedArea {
  readonly area: string;
  /** The path prefix the row names, e.g. /api/users. */
  readonly prefix: string;
  /** Per role: false when the cell is "—" (no access at all), true when it describes some access. */
  readonly may: Readonly<Record<Role, boolean>>;
}

/** Rows of the "Access matrix" table that name an API prefix in backticks, e.g. "users (`/api/users`)". */
export function documentedAreas(markdown = readFileSync(SECURITY_DOC, 'utf8')): DocumentedArea[] {
  const [header, , ...rows] = tableRows(section(markdown, 'Access matrix'));
  if (!header) throw new Error('docs/security.md: the access matrix has no table');
  const columns = header.slice(1).map((c) => {
    if (!(ROLES as readonly string[]).includes(c)) throw new Error(`docs/security.md: access-matrix column "${c}" is not a role`);
    return c as Role;
  });
  const areas: DocumentedArea[] = [];
  for (const cells of rows) {
    const prefix = /`(\/api\/[^`\s]*)`/.exec(cells[0] ?? '')?.[1];
    if (!prefix) continue;
    const may = Object.fromEntries(columns.map((role, i) => [role, !(cells[i + 1] ?? '').startsWith('—')])) as Record<Role, boolean>;
    areas.push({ area: cells[0]!, prefix, may });
  }
  return areas;
}

/** A comparable form of a policy: roles in a fixed order. */
export function policyKey(policy: AccessPolicy): string {
  return policy.kind === 'roles' ? ROLES.filter((r) => policy.roles.includes(r)).join(', ') : policy.kind;
}
