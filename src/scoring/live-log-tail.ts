import type { RecordedAction } from '../contracts/triage.schema.js';
import type { TeamLog } from './exercise-log-reader.js';
import type { ScoringDeliveredEvent } from './score.js';
import { deliveredEvent } from './settlement.js';

type Row = readonly unknown[];

/** better-sqlite3, as far as the tail needs it (a read-only connection of its own). */
export interface TailStatement {
  raw(toggle: boolean): TailStatement;
  all(...params: unknown[]): Row[];
}
export interface TailDatabase {
  prepare(sql: string): TailStatement;
  transaction(fn: (teamIds: readonly string[]) => void): (teamIds: readonly string[]) => void;
}

interface MutableTeamLog {
  readonly delivered: ScoringDeliveredEvent[];
  readonly actions: RecordedAction[];
  lastEventSeq: number;
  /** An action arrived with a lower seq than the one before it: sort before the next read. */
  unordered: boolean;
}

const SQL = {
  // Commit order. Inject rows say which library inject an `inject-<n>` event came from.
  journal: `SELECT ordinal, type, team_id, detail, CASE WHEN type = 'inject' THEN payload END FROM exercise_journal WHERE exercise_id = ? AND ordinal > ? AND (type = 'inject' OR (type = 'action' AND detail IS NOT NULL)) ORDER BY ordinal`,
  // By primary key (team_id, seq): a range scan from where the last read stopped.
  events: `SELECT seq, event_id, virtual_ms, origin, delivered_virtual_ms FROM exercise_events WHERE team_id = ? AND seq > ? AND exercise_id = ? ORDER BY seq`,
} as const;

/**
 * The logs of one running exercise as a scoring worker keeps them for the live scoreboard: read
 * from the database once, then extended on each read with only the rows committed since (journal
 * rows after the last ordinal, each team's events after its last seq). Reads see committed rows
 * only, the same rows a read of the whole log would, so a live total equals a score computed from
 * the rows at that moment. Both reads run in one read transaction: an inject's journal row and its
 * delivered event are committed together and are seen together.
 */
export class LiveLogTail {
  private readonly teams = new Map<string, MutableTeamLog>();
  private readonly injectOf = new Map<string, string>();
  private journalOrdinal = -1;
  private readonly read: (teamIds: readonly string[]) => void;

  constructor(
    db: TailDatabase,
    private readonly exerciseId: string,
  ) {
    const journal = db.prepare(SQL.journal).raw(true);
    const events = db.prepare(SQL.events).raw(true);
    this.read = db.transaction((teamIds: readonly string[]) => {
      for (const row of journal.all(this.exerciseId, this.journalOrdinal)) this.onJournalRow(row);
      for (const teamId of teamIds) {
        const team = this.team(teamId);
        for (const row of events.all(teamId, team.lastEventSeq, this.exerciseId)) {
          const eventId = String(row[1]);
          const origin = row[3] as ScoringDeliveredEvent['origin'];
          const injectId = origin === 'inject' ? this.injectOf.get(eventId) : undefined;
          team.delivered.push(deliveredEvent(eventId, Number(row[2]), origin, injectId, Number(row[4])));
          team.lastEventSeq = Number(row[0]);
        }
      }
    });
  }

  /** The teams' logs up to the last commit (events are read for these teams; actions for all). */
  logs(teamIds: readonly string[]): Map<string, TeamLog> {
    this.read(teamIds);
    const result = new Map<string, TeamLog>();
    for (const teamId of teamIds) {
      const team = this.team(teamId);
      if (team.unordered) {
        team.actions.sort((a, b) => a.seq - b.seq);
        team.unordered = false;
      }
      result.set(teamId, { delivered: team.delivered, actions: team.actions });
    }
    return result;
  }

  private onJournalRow(row: Row): void {
    this.journalOrdinal = Number(row[0]);
    if (row[1] === 'inject') {
      const entry = JSON.parse(String(row[4])) as { eventId?: string; injectId?: string };
      if (entry.eventId !== undefined && entry.injectId !== undefined) this.injectOf.set(entry.eventId, entry.injectId);
      return;
    }
    const team = this.team(String(row[2]));
    const action = JSON.parse(String(row[3])) as RecordedAction;
    const last = team.actions[team.actions.length - 1];
    if (last !== undefined && action.seq < last.seq) team.unordered = true;
    team.actions.push(action);
  }

  private team(teamId: string): MutableTeamLog {
    let team = this.teams.get(teamId);
    if (team === undefined) {
      team = { delivered: [], actions: [], lastEventSeq: 0, unordered: false };
      this.teams.set(teamId, team);
    }
    return team;
  }
}
