import type { ClockStateDto } from '../contracts/exercise.schema.js';
import type { DeliveredEvent, VirtualClockSnapshot } from '../engine/index.js';
import type { LoggedEvent } from '../exercise-log/logged-event.js';

export type { LoggedEvent } from '../exercise-log/logged-event.js';

export type ClockEnd = Pick<ClockStateDto, 'allowOvertime' | 'endReason'>;

/** Clock as clients see it, with the virtual time at `wallMs` (never past the duration without overtime). */
export function clockView(
  snapshot: VirtualClockSnapshot,
  wallMs: number,
  durationMs: number,
  end: ClockEnd = { allowOvertime: false, endReason: null },
): ClockStateDto {
  let virtualMs =
    snapshot.status === 'running' && wallMs > snapshot.anchorWallMs
      ? snapshot.anchorVirtualMs + Math.floor((wallMs - snapshot.anchorWallMs) * snapshot.speed)
      : snapshot.anchorVirtualMs;
  // Without overtime the clock stops at the duration, also in the moment before the end is recorded.
  if (!end.allowOvertime && virtualMs > durationMs) virtualMs = Math.max(durationMs, snapshot.anchorVirtualMs);
  return { status: snapshot.status, speed: snapshot.speed, virtualMs, wallMs, durationMs, ...end };
}

/** The wall time at which an event was due under the clock it was delivered with. */
export function scheduledWallMs(snapshot: VirtualClockSnapshot, virtualMs: number, deliveredWallMs: number): number {
  if (snapshot.status !== 'running' || virtualMs < snapshot.anchorVirtualMs) return deliveredWallMs;
  return Math.round(snapshot.anchorWallMs + (virtualMs - snapshot.anchorVirtualMs) / snapshot.speed);
}

export function toStreamEvent(event: DeliveredEvent, scheduledWall: number): LoggedEvent {
  return {
    seq: event.seq,
    eventId: event.eventId,
    virtualMs: event.virtualMs,
    deliveredVirtualMs: event.deliveredAtMs,
    scheduledWallMs: scheduledWall,
    catchUp: event.catchUp,
    origin: event.origin,
    alert: event.alert as unknown as Record<string, unknown>,
  };
}
