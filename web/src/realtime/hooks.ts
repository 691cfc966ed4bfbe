import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ClockStateDto } from '@contracts/exercise.schema.js';
import { session } from '../api/api-client.js';
import { realtime, type ConnectionState, type ExerciseLive } from './realtime-hub.js';

export function useConnectionState(): ConnectionState {
  useSyncExternalStore(realtime.subscribe, realtime.getVersion);
  return realtime.state;
}

/** Joins the exercise stream while the component is mounted; re-renders on every change. */
export function useExerciseLive(exerciseId: string): ExerciseLive {
  const live = realtime.get(exerciseId);
  useEffect(() => {
    realtime.acquire(exerciseId);
    return () => realtime.release(exerciseId);
  }, [exerciseId]);
  useSyncExternalStore(live.subscribe, live.getVersion);
  return live;
}

export function useSession(): typeof session {
  useSyncExternalStore(
    (l) => session.subscribe(l),
    () => session.version,
  );
  return session;
}

/** Re-renders every `ms` milliseconds (for the clock and countdowns). */
export function useTicker(ms = 250): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** The virtual time now, advanced locally from the last clock message (no server wall-clock skew). */
export function virtualNow(clock: ClockStateDto | null, receivedAt: number, now = Date.now()): number {
  if (!clock) return 0;
  if (clock.status !== 'running') return clock.virtualMs;
  // Without overtime the server ends the exercise at its duration: the local clock stops there too.
  const cap = clock.durationMs > 0 && clock.allowOvertime !== true ? Math.max(clock.durationMs, clock.virtualMs) : Number.MAX_SAFE_INTEGER;
  return Math.min(cap, clock.virtualMs + (now - receivedAt) * clock.speed);
}
