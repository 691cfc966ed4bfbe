import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { StreamEvent } from '../../src/contracts/exercise.schema';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/contracts/realtime.schema';

export const DEMO_PASSWORD = 'socdrill-demo';

export interface ApiResponse<T = unknown> {
  readonly status: number;
  readonly body: T;
}

export async function api<T = unknown>(baseUrl: string, token: string | null, method: string, path: string, body?: unknown): Promise<ApiResponse<T>> {
  const response = await fetch(`${baseUrl}/api${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function login(baseUrl: string, username: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await api<{ accessToken: string }>(baseUrl, null, 'POST', '/auth/login', { username, password });
  if (response.status !== 200 && response.status !== 201) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.accessToken;
}

/**
 * An account as an administrator makes it, after its first login: the administrator sets a
 * temporary password, and the user replaces it with `password` (which the server requires first).
 */
export async function createAccount(
  baseUrl: string,
  adminToken: string,
  account: { username: string; displayName: string; unitId: string; roles: string[]; password: string },
): Promise<ApiResponse<{ id: string }>> {
  const temporary = `mat-khau-tam-thoi-${Math.random().toString(36).slice(2)}`;
  const created = await api<{ id: string }>(baseUrl, adminToken, 'POST', '/users', { ...account, password: temporary });
  if (created.status !== 201) return created;
  const first = await login(baseUrl, account.username, temporary);
  const changed = await api(baseUrl, first, 'POST', '/auth/password', { currentPassword: temporary, newPassword: account.password });
  if (changed.status !== 200) throw new Error(`first password change of ${account.username}: ${changed.status} ${JSON.stringify(changed.body)}`);
  return created;
}

export async function userIds(baseUrl: string, adminToken: string): Promise<Record<string, string>> {
  const response = await api<{ items: Array<{ id: string; username: string }> }>(baseUrl, adminToken, 'GET', '/users?limit=100');
  return Object.fromEntries(response.body.items.map((u) => [u.username, u.id]));
}

export async function uploadFixture(baseUrl: string, token: string, name: string): Promise<string> {
  const source = readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', name), 'utf8');
  const response = await api<{ versionId: string }>(baseUrl, token, 'POST', '/scenarios', { source });
  if (response.status !== 201) throw new Error(`upload ${name}: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.versionId;
}

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A connected socket.io client that records every event batch per team, in arrival order. */
export class StreamClient {
  readonly events = new Map<string, StreamEvent[]>();
  readonly clocks: Array<{ status: string; speed: number; virtualMs: number }> = [];
  readonly socket: ClientSocket;

  constructor(baseUrl: string, token: string) {
    this.socket = io(`${baseUrl}/exercises`, { transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    this.socket.on('exercise:events', (batch) => {
      const list = this.events.get(batch.teamId) ?? [];
      list.push(...batch.events);
      this.events.set(batch.teamId, list);
    });
    this.socket.on('exercise:clock', (message) => this.clocks.push(message.clock));
  }

  connected(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.socket.connected) resolve();
      this.socket.once('connect', () => resolve());
      this.socket.once('connect_error', (error) => reject(error));
    });
  }

  emit<T>(event: keyof ClientToServerEvents, payload: unknown): Promise<{ data?: T; error?: { code: string; message: string } }> {
    return this.emitAny<T>(event, payload);
  }

  /** Any event name, including ones the server does not take (it answers them ROUTE_NOT_FOUND). */
  emitAny<T>(event: string, payload: unknown): Promise<{ data?: T; error?: { code: string; message: string } }> {
    return new Promise((resolve) =>
      (this.socket.emit as (e: string, p: unknown, ack: (r: unknown) => void) => void)(event, payload, (result) => resolve(result as { data?: T })),
    );
  }

  seqs(teamId: string): number[] {
    return (this.events.get(teamId) ?? []).map((e) => e.seq);
  }

  lastSeq(teamId: string): number {
    const seqs = this.seqs(teamId);
    return seqs.length ? seqs[seqs.length - 1]! : 0;
  }

  close(): void {
    this.socket.disconnect();
  }
}
