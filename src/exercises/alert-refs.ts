import { createHmac, randomBytes } from 'node:crypto';
import type { StreamEvent } from '../contracts/exercise.schema.js';
import type { LoggedEvent } from './exercise-views.js';

/**
 * Opaque per-exercise alert references. Scenario event ids are the author's names
 * (`ng-internet-scanners-2`, `a-webshell`, `inject-1`) and give the verdict away, so nothing
 * sent to clients carries them: an alert is named by a keyed hash of its id under a secret salt
 * of the exercise. Without the salt a trainee can neither recognise nor forge a reference.
 */

const REF_PREFIX = 'AL-';
const REF_HEX_CHARS = 12;

/** The alert reference clients see for an internal event id. */
export function alertRef(salt: string, eventId: string): string {
  return REF_PREFIX + createHmac('sha256', salt).update(eventId).digest('hex').slice(0, REF_HEX_CHARS);
}

/** A fresh secret salt for a new exercise. */
export function newAlertSalt(): string {
  return randomBytes(32).toString('hex');
}

/** A stream event as clients receive it: the alert named by its reference, without its origin. */
export type OutgoingStreamEvent = StreamEvent;

/** Translates internal event ids of one exercise to references, memoised (replays repeat them). */
export class AlertRefNamer {
  private readonly memo = new Map<string, string>();

  constructor(private readonly salt: string) {}

  refOf(eventId: string): string {
    let ref = this.memo.get(eventId);
    if (ref === undefined) {
      ref = alertRef(this.salt, eventId);
      this.memo.set(eventId, ref);
    }
    return ref;
  }

  /**
   * The client view of a delivered event. Built field by field (never by spreading) so that
   * whatever the engine adds to events later (origin, injectId, ...) stays inside unless named here.
   */
  outgoingEvent(event: LoggedEvent): OutgoingStreamEvent {
    const ref = this.refOf(event.eventId);
    return {
      seq: event.seq,
      eventId: ref,
      virtualMs: event.virtualMs,
      deliveredVirtualMs: event.deliveredVirtualMs,
      scheduledWallMs: event.scheduledWallMs,
      catchUp: event.catchUp,
      alert: { ...event.alert, id: ref },
    };
  }
}

/**
 * Reverse lookup for one team: reference → internal event id, for the events delivered to that
 * team only (a reference of another team's alert is as unknown as a made-up one).
 */
export class TeamAlertRefIndex {
  private readonly byRef = new Map<string, string>();
  /** Highest delivered seq already indexed. */
  private indexedSeq = 0;

  constructor(private readonly namer: AlertRefNamer) {}

  get lastSeq(): number {
    return this.indexedSeq;
  }

  /** Adds delivered events (in any order; seqs at or below the last indexed one are skipped). */
  add(events: ReadonlyArray<{ readonly seq: number; readonly eventId: string }>): void {
    for (const event of events) {
      this.byRef.set(this.namer.refOf(event.eventId), event.eventId);
      if (event.seq > this.indexedSeq) this.indexedSeq = event.seq;
    }
  }

  eventIdOf(ref: string): string | undefined {
    return this.byRef.get(ref);
  }
}
