import { notifications } from '@mantine/notifications';
import { useCallback, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { ActionAck, TriageActionInput } from '@contracts/triage.schema.js';
import { api, ApiError } from '../api/api-client.js';
import { describeError } from '../components/error-text.js';
import type { ExerciseLive } from '../realtime/realtime-hub.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type ActionBody = DistributiveOmit<TriageActionInput, 'actionId' | 'exerciseId'>;
export type Act = (body: ActionBody) => Promise<ActionAck | null>;

/**
 * Sends a triage action. The actionId is generated once per user intent, so a retry after a
 * network failure is recognised by the server and never applied twice. Every outcome is said in
 * words: what was recorded, or why not (with the stable error code).
 */
export function useTriageAct(exerciseId: string, live: ExerciseLive, describe: (body: ActionBody) => string): Act {
  const { t } = useTranslation();
  // The describer changes with every render (alert titles); the act function stays stable.
  const describeRef = useRef(describe);
  describeRef.current = describe;
  return useCallback(
    async (body: ActionBody) => {
      const payload = { ...body, actionId: crypto.randomUUID(), exerciseId } as TriageActionInput;
      for (let attempt = 0; ; attempt += 1) {
        try {
          const ack = await api.post<ActionAck>(`/exercises/${exerciseId}/actions`, payload);
          live.bumpActions();
          notifications.show({
            message: t('form.recorded', { what: describeRef.current(body) }),
            color: 'teal',
            autoClose: 4000,
            'data-testid': 'action-recorded',
          });
          return ack;
        } catch (error) {
          if (error instanceof ApiError && error.code === 'NETWORK_ERROR' && attempt < 2) {
            await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
            continue;
          }
          notifications.show({ title: t('form.failed'), message: describeError(t, error), color: 'red', autoClose: 8000, 'data-testid': 'action-failed' });
          return null;
        }
      }
    },
    [exerciseId, live, t],
  );
}

export type BulkAct = (bodies: readonly ActionBody[], done: (count: number) => string) => Promise<ActionAck[] | null>;

/** The server's cap on one bulk request (MAX_BULK_ACTIONS): a larger group goes in several requests. */
const BULK_CHUNK = 200;

/**
 * Sends many actions (closing a group of alerts) through the bulk endpoint: each action keeps its
 * own actionId, generated once, so a retry after a network failure re-sends the same ids and the
 * server applies nothing twice. Each request is applied whole or refused whole.
 */
export function useBulkAct(exerciseId: string, live: ExerciseLive): BulkAct {
  const { t } = useTranslation();
  return useCallback(
    async (bodies: readonly ActionBody[], done: (count: number) => string) => {
      const payloads = bodies.map((body) => ({ ...body, actionId: crypto.randomUUID(), exerciseId }) as TriageActionInput);
      const acks: ActionAck[] = [];
      for (let start = 0; start < payloads.length; start += BULK_CHUNK) {
        const actions = payloads.slice(start, start + BULK_CHUNK);
        for (let attempt = 0; ; attempt += 1) {
          try {
            const answer = await api.post<{ acks: ActionAck[] }>(`/exercises/${exerciseId}/actions/bulk`, { exerciseId, actions });
            acks.push(...answer.acks);
            live.bumpActions();
            break;
          } catch (error) {
            const retryable = error instanceof ApiError && (error.code === 'NETWORK_ERROR' || error.code === 'RATE_LIMITED');
            if (retryable && attempt < 3) {
              await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
              continue;
            }
            notifications.show({ title: t('form.failed'), message: describeError(t, error), color: 'red', autoClose: 8000, 'data-testid': 'action-failed' });
            return acks.length > 0 ? acks : null;
          }
        }
      }
      notifications.show({ message: done(acks.length), color: 'teal', autoClose: 4000, 'data-testid': 'bulk-recorded' });
      return acks;
    },
    [exerciseId, live, t],
  );
}
