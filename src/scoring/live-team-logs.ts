import type { RecordedAction } from '../contracts/triage.schema.js';
import type { TeamLog } from './team-log-scoring.js';
import type { ScoringDeliveredEvent } from './score.js';
import { deliveredEvent } from './settlement.js';

/** What the live board learns of a delivered event from the bus (a LoggedEvent has these). */
export interface DeliveredNotice {
  readonly seq: number;
  readonly eventId: string;
  readonly virtualMs: number;
  readonly deliveredVirtualMs: number;
  readonly origin: ScoringDeliveredEvent['origin'];
}

interface MutableTeamLog {
  readonly delivered: ScoringDeliveredEvent[];
  readonly actions: RecordedAction[];
  lastEventSeq: number;
  lastActionSeq: number;
}

type Notice =
  | { readonly kind: 'events'; readonly teamId: string; readonly events: readonly DeliveredNotice[] }
  | { readonly kind: 'action'; readonly teamId: string; readonly action: RecordedAction };

/**
 * The logs of a live exercise kept in memory for its scoreboard: read from the database once, then
 * extended with what the runtime publishes after each commit. Recomputing the board once a second
 * from the database read the whole, ever-growing log every time.
 *
 * It never guesses: a notice that does not continue a team's log exactly (a gap in the per-team
 * seq, or an inject, whose answer key id is only in the journal) makes the copy stale, and the next
 * recomputation reads the database again. Notices that arrive while that read is in flight are held
 * and applied after it, skipping what the read already had.
 */
export class LiveTeamLogs {
  private teams: Map<string, MutableTeamLog> | null = null;
  private held: Notice[] | null = null;

  /** The logs by team, or null when they must be read from the database. */
  current(): ReadonlyMap<string, TeamLog> | null {
    return this.held === null ? this.teams : null;
  }

  /** A read of the whole log is starting: hold notices until `loaded`. */
  loading(): void {
    this.teams = null;
    this.held = [];
  }

  loaded(logs: ReadonlyMap<string, TeamLog>): void {
    const held = this.held ?? [];
    this.held = null;
    const teams = new Map<string, MutableTeamLog>();
    for (const [teamId, log] of logs) {
      teams.set(teamId, {
        delivered: [...log.delivered],
        actions: [...log.actions],
        // Per-team event seqs are 1, 2, ... without holes, so the count is the last seq.
        lastEventSeq: log.delivered.length,
        lastActionSeq: log.actions.length > 0 ? log.actions[log.actions.length - 1]!.seq : 0,
      });
    }
    this.teams = teams;
    for (const notice of held) this.apply(notice);
  }

  /** The read failed: nothing is known until the next one. */
  failed(): void {
    this.held = null;
    this.teams = null;
  }

  events(teamId: string, events: readonly DeliveredNotice[]): void {
    this.apply({ kind: 'events', teamId, events });
  }

  action(teamId: string, action: RecordedAction): void {
    this.apply({ kind: 'action', teamId, action });
  }

  private apply(notice: Notice): void {
    if (this.held !== null) {
      this.held.push(notice);
      return;
    }
    const team = this.teams?.get(notice.teamId);
    if (team === undefined) {
      this.teams = null;
      return;
    }
    if (notice.kind === 'action') {
      const seq = notice.action.seq;
      if (seq <= team.lastActionSeq) return;
      if (seq !== team.lastActionSeq + 1) {
        this.teams = null;
        return;
      }
      team.actions.push(notice.action);
      team.lastActionSeq = seq;
      return;
    }
    for (const event of notice.events) {
      if (event.seq <= team.lastEventSeq) continue;
      if (event.seq !== team.lastEventSeq + 1 || event.origin === 'inject') {
        this.teams = null;
        return;
      }
      team.delivered.push(deliveredEvent(event.eventId, event.virtualMs, event.origin, undefined, event.deliveredVirtualMs));
      team.lastEventSeq = event.seq;
    }
  }
}
