import { notifications } from '@mantine/notifications';
import { useCallback } from 'react';
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
 * network failure is recognised by the server and never applied twice.
 */
export function useTriageAct(exerciseId: string, live: ExerciseLive): Act {
  const { t } = useTranslation();
  return useCallback(
    async (body: ActionBody) => {
      const payload = { ...body, actionId: crypto.randomUUID(), exerciseId } as TriageActionInput;
      for (let attempt = 0; ; attempt += 1) {
        try {
          const ack = await api.post<ActionAck>(`/exercises/${exerciseId}/actions`, payload);
          // No success toast: the queue and detail update in place; only failures interrupt.
          live.bumpActions();
          return ack;
        } catch (error) {
          if (error instanceof ApiError && error.code === 'NETWORK_ERROR' && attempt < 2) {
            await new Promise((r) => setTimeout(r, 1000 * (attempt + 1)));
            continue;
          }
          notifications.show({ message: describeError(t, error), color: 'red', autoClose: 8000 });
          return null;
        }
      }
    },
    [exerciseId, live, t],
  );
}
