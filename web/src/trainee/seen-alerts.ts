import { useCallback, useState } from 'react';

const key = (exerciseId: string, userId: string) => `socdrill.seen.${exerciseId}.${userId}`;

function load(storageKey: string): Set<string> {
  try {
    const value: unknown = JSON.parse(localStorage.getItem(storageKey) ?? '[]');
    return new Set(Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  } catch {
    return new Set();
  }
}

/**
 * The alerts this user has opened in this exercise, kept in the browser so a reload or a seek does
 * not mark them unseen again; every other alert is unseen, however it arrived.
 */
export function useSeenAlerts(exerciseId: string, userId: string): [ReadonlySet<string>, (alertId: string) => void] {
  const storageKey = key(exerciseId, userId);
  const [seen, setSeen] = useState(() => ({ storageKey, ids: load(storageKey) }));
  // Another exercise or user: read its own list.
  const current = seen.storageKey === storageKey ? seen.ids : load(storageKey);
  const markSeen = useCallback(
    (alertId: string) => {
      setSeen((old) => {
        const ids = old.storageKey === storageKey ? old.ids : load(storageKey);
        if (ids.has(alertId)) return old.storageKey === storageKey ? old : { storageKey, ids };
        const next = new Set(ids).add(alertId);
        try {
          localStorage.setItem(storageKey, JSON.stringify([...next]));
        } catch {
          // A full or blocked storage only costs the marks after a reload.
        }
        return { storageKey, ids: next };
      });
    },
    [storageKey],
  );
  return [current, markSeen];
}
