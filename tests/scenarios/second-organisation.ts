/**
 * Accounts of a second province for cross-organisation tests, made through the real identity API
 * as an administrator would: an instructor, a trainee and an administrator of the demo's Tỉnh Bình Nguyên.
 */

import { createAccount } from '../support/api';

export const SECOND_ORG_PASSWORD = 'second-org-password';
export const SECOND_ORG_INSTRUCTOR = 'instructor-bn';
export const SECOND_ORG_TRAINEE = 'trainee-bn';
export const SECOND_ORG_ADMIN = 'admin-bn';

async function json<T>(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/** Creates (once per server) the second province's accounts; returns the province's id. */
export async function createSecondOrganisation(baseUrl: string, adminToken: string): Promise<string> {
  const organisations = await json<Array<{ id: string; code: string }>>(baseUrl, adminToken, 'GET', '/orgs');
  const org = organisations.find((o) => o.code === 'binh-nguyen');
  if (!org) throw new Error('the demo seed has no binh-nguyen organisation');
  const units = await json<Array<{ id: string; code: string }>>(baseUrl, adminToken, 'GET', `/orgs/${org.id}/units`);
  const unitId = units[0]!.id;
  for (const [username, role] of [[SECOND_ORG_INSTRUCTOR, 'instructor'], [SECOND_ORG_TRAINEE, 'trainee'], [SECOND_ORG_ADMIN, 'admin']] as const) {
    const created = await createAccount(baseUrl, adminToken, { username, displayName: `${role} – Bình Nguyên`, password: SECOND_ORG_PASSWORD, unitId, roles: [role] });
    if (created.status !== 201) throw new Error(`POST /users ${username}: ${created.status} ${JSON.stringify(created.body)}`);
  }
  return org.id;
}
