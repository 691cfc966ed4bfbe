import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionAck, TriageActionInput } from '../../src/contracts/triage.schema';
import type { TeamActionMessage } from '../../src/contracts/realtime.schema';
import { api, StreamClient } from '../support/api';

/** Uploads a bundled scenario (scenarios/<name>.yaml) with its file text. */
export async function uploadBundled(baseUrl: string, token: string, name: string): Promise<string> {
  const source = readFileSync(join(__dirname, '..', '..', 'scenarios', `${name}.yaml`), 'utf8');
  const response = await api<{ versionId: string }>(baseUrl, token, 'POST', '/scenarios', { source });
  if (response.status !== 201) throw new Error(`upload ${name}: ${response.status} ${JSON.stringify(response.body).slice(0, 500)}`);
  return response.body.versionId;
}

export type AckResult = { data?: ActionAck; error?: { code: string; message: string; details?: Array<{ path: string; message: string }> } };

type WithoutIds<T> = T extends unknown ? Omit<T, 'actionId' | 'exerciseId'> : never;
export type ActionBody = WithoutIds<TriageActionInput>;

/** POSTs a raw action body (anything: validation is the server's) and returns the REST answer in the ack shape. */
export async function actOverRest(baseUrl: string, token: string, exerciseId: string, body: unknown): Promise<AckResult> {
  const response = await api<ActionAck | { error: NonNullable<AckResult['error']> }>(baseUrl, token, 'POST', `/exercises/${exerciseId}/actions`, body);
  return response.status === 200 ? { data: response.body as ActionAck } : (response.body as { error: NonNullable<AckResult['error']> });
}

/** A StreamClient that also records `team:actions` messages and takes triage actions (over REST, as the console does). */
export class TriageClient extends StreamClient {
  readonly teamActions: TeamActionMessage[] = [];
  /** The action ids of each `team:actions` message, in arrival order. */
  readonly teamActionBatches: string[][] = [];

  constructor(
    readonly baseUrl: string,
    readonly token: string,
    readonly exerciseId: string,
  ) {
    super(baseUrl, token);
    this.socket.on('team:actions', (messages) => {
      this.teamActions.push(...messages);
      this.teamActionBatches.push(messages.map((m) => m.action.actionId));
    });
  }

  /** Takes a triage action (a fresh actionId unless given): POST /exercises/:id/actions, answered as `{ data } | { error }`. */
  act(body: ActionBody, actionId: string = randomUUID()): Promise<AckResult> {
    return actOverRest(this.baseUrl, this.token, this.exerciseId, { ...body, actionId, exerciseId: this.exerciseId });
  }

  async join(): Promise<void> {
    const joined = await this.emit('exercise:join', { exerciseId: this.exerciseId, lastSeq: 0 });
    if (joined.error) throw new Error(`join: ${joined.error.code}`);
  }

  deliveredIds(teamId: string): string[] {
    return (this.events.get(teamId) ?? []).map((e) => e.eventId);
  }
}
