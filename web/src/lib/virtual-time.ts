import { createContext, useCallback, useContext } from 'react';
import { formatVirtualTime } from './format.js';

/** Seconds after midnight at T+0 (the scenario's `wallClockStart`), null when the scenario gives none. */
export const WallClockContext = createContext<number | null>(null);

/** Formats virtual times as the exercise's wall clock (or as T+ offsets when it has none). */
export function useVirtualTime(): (ms: number) => string {
  const start = useContext(WallClockContext);
  return useCallback((ms: number) => formatVirtualTime(ms, start), [start]);
}

export function useWallClockStart(): number | null {
  return useContext(WallClockContext);
}
