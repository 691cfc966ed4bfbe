import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { RecordedAction } from '../contracts/triage.schema.js';
import type { JournalEntry } from '../engine/index.js';
import { driverPlaceholders } from '../persistence/data-source.js';
import type { LoggedEvent } from './logged-event.js';

/** One journal entry to append: the engine's entry plus what the triage log keeps beside an action. */
export interface JournalAppend {
  /** The entry's index in the engine's journal (the row's key with the exercise id). */
  readonly ordinal: number;
  readonly entry: JournalEntry;
  readonly userId: string | null;
  readonly wallMs: number;
  /** Trainee triage actions: the per-team seq and the RecordedAction as JSON. */
  readonly teamSeq: number | null;
  readonly detail: string | null;
}

/** What one group commit appends: journal entries and, per team, the events delivered. */
export interface LogAppend {
  readonly journal: readonly JournalAppend[];
  readonly events: ReadonlyArray<{ readonly teamId: string; readonly events: readonly LoggedEvent[] }>;
}

/** A delivered event as the scorer needs it (`injectId`: the library inject an `inject-<n>` event came from). */
export type DeliveryOf<D> = (eventId: string, virtualMs: number, origin: LoggedEvent['origin'], injectId: string | undefined, deliveredVirtualMs: number) => D;

/** One team's log: what it was shown (mapped by the caller) and its recorded actions in per-team seq order. */
export interface TeamLogRows<D> {
  readonly delivered: D[];
  readonly actions: RecordedAction[];
}

type Row = readonly unknown[];

/** better-sqlite3's prepared statement, as far as the raw reads need it. */
interface RawStatement {
  raw(toggle: boolean): RawStatement;
  all(...params: unknown[]): Row[];
}
/** A better-sqlite3 connection, as far as the reads need it (a scoring worker opens its own, read-only). */
export interface RawLogConnection {
  prepare(sql: string): RawStatement;
}
/** A PostgreSQL connection of a scoring worker's own: rows as arrays for SQL in the driver's placeholders. */
export interface PostgresLogConnection {
  readonly kind: 'postgres';
  arrayRows(sql: string, params: readonly unknown[]): Promise<Row[]>;
}

/** How `teamLogs` reads: in pages with a pause between them (the server thread), or in one go (a worker). */
export interface TeamLogsOptions {
  /** Every team of the exercise is asked for: the journal is read without a team filter. */
  readonly wholeExercise?: boolean;
  /** Called between pages (the server thread yields to sockets there); without it the reads are not paged. */
  readonly betweenPages?: () => Promise<void>;
}

const JOURNAL_COLUMNS = [
  'exercise_id',
  'ordinal',
  'type',
  'team_id',
  'action_id',
  'user_id',
  'virtual_ms',
  'wall_ms',
  'payload',
  'team_seq',
  'detail',
] as const;
const EVENT_COLUMNS = [
  'team_id',
  'seq',
  'exercise_id',
  'event_id',
  'virtual_ms',
  'delivered_virtual_ms',
  'scheduled_wall_ms',
  'catch_up',
  'origin',
  'payload',
] as const;
const INSERT_CHUNKS = [64, 32, 16, 8, 4, 2, 1] as const;
/** Journal rows read per query by ordinal (one bound parameter each). */
const ORDINALS_PER_READ = 500;
/** Action rows (about 1 KB each) per page of a paged team-log read: a few ms of the server thread. */
const ACTIONS_PER_PAGE = 4_000;
/** Delivered events per page of a paged team-log read (small rows). */
const EVENTS_PER_PAGE = 10_000;
/** Some teams' recorded actions through the partial index on (exercise_id, team_id, team_seq): no other team's row is read. */
const ACTIONS_BY_TEAM_SQL = (teams: number): string =>
  `SELECT team_id, detail, team_seq FROM exercise_journal WHERE exercise_id = ? AND team_id IN (${Array.from({ length: teams }, () => '?').join(', ')}) AND team_seq IS NOT NULL AND type = 'action' AND detail IS NOT NULL ORDER BY team_id, team_seq`;
const EVENT_SELECT = 'seq, event_id, virtual_ms, delivered_virtual_ms, scheduled_wall_ms, catch_up, origin, payload';

/**
 * The exercise log (`exercise_journal`, `exercise_events`): the only code that reads or writes
 * those tables. The runtime appends to it inside its group commits; triage, alert references,
 * realtime replay and scoring read it through the methods below.
 *
 * Reads that scoring does in bulk go straight to the driver as raw arrays (no per-row objects
 * from the ORM); on the server's PostgreSQL pool through the ordinary query path. Appends use chunked multi-row
 * INSERTs, so the driver reuses seven prepared texts per table whatever the size of a commit.
 * A trainee action's id is unique per exercise in the database (ux_exercise_journal_action): a
 * second append of the same id fails its transaction, whatever any process remembers.
 */
@Injectable()
export class ExerciseLogRepository {
  /**
   * Over the server's DataSource (Nest), or over a connection of its own (better-sqlite3 or
   * PostgreSQL): a scoring worker thread reads the same tables through this same class, so no other
   * code holds SQL on them.
   */
  constructor(@Inject(DataSource) private readonly source: DataSource | RawLogConnection | PostgresLogConnection) {}

  // ---- writes -------------------------------------------------------------------------------

  /** Appends journal entries and delivered events in the caller's transaction (the runtime's group commit). */
  async append(manager: EntityManager, exerciseId: string, batch: LogAppend): Promise<void> {
    await insertChunked(manager, 'exercise_journal', JOURNAL_COLUMNS, batch.journal, (row) => [
      exerciseId,
      row.ordinal,
      row.entry.type,
      row.entry.type === 'action' ? row.entry.teamId : null,
      row.entry.type === 'action' ? row.entry.action.actionId : null,
      row.userId,
      String(journalVirtualMs(row.entry)),
      String(row.wallMs),
      JSON.stringify(row.entry),
      row.teamSeq,
      row.detail,
    ]);
    const events = batch.events.flatMap((b) => b.events.map((event) => ({ teamId: b.teamId, event })));
    await insertChunked(manager, 'exercise_events', EVENT_COLUMNS, events, ({ teamId, event }) => [
      teamId,
      event.seq,
      exerciseId,
      event.eventId,
      String(event.virtualMs),
      String(event.deliveredVirtualMs),
      String(event.scheduledWallMs),
      event.catchUp,
      event.origin,
      JSON.stringify(event.alert),
    ]);
  }

  // ---- the engine's journal -------------------------------------------------------------------

  /** Every journal entry of the exercise in order: with the scenario and seed it rebuilds the engine. */
  async journal(exerciseId: string): Promise<JournalEntry[]> {
    const rows = await this.rows(`SELECT payload FROM exercise_journal WHERE exercise_id = ? ORDER BY ordinal`, [exerciseId]);
    return rows.map((r) => JSON.parse(String(r[0])) as JournalEntry);
  }

  /** The last delivered seq of every team that has events. */
  async lastEventSeqs(exerciseId: string): Promise<Record<string, number>> {
    const rows = await this.rows(`SELECT team_id, MAX(seq) FROM exercise_events WHERE exercise_id = ? GROUP BY team_id`, [exerciseId]);
    return Object.fromEntries(rows.map((r) => [String(r[0]), Number(r[1])]));
  }

  // ---- delivered events ---------------------------------------------------------------------

  /** A team's delivered events after `afterSeq`, in seq order (replay, the cockpit). */
  async eventsSince(exerciseId: string, teamId: string, afterSeq: number, limit: number): Promise<LoggedEvent[]> {
    const rows = await this.rows(`SELECT ${EVENT_SELECT} FROM exercise_events WHERE team_id = ? AND exercise_id = ? AND seq > ? ORDER BY seq LIMIT ?`, [
      teamId,
      exerciseId,
      afterSeq,
      limit,
    ]);
    return rows.map(toLoggedEvent);
  }

  /** Only the seq and scenario id of a team's events after `afterSeq` (alert references). */
  async eventIdsSince(exerciseId: string, teamId: string, afterSeq: number): Promise<Array<{ seq: number; eventId: string }>> {
    const rows = await this.rows(`SELECT seq, event_id FROM exercise_events WHERE team_id = ? AND exercise_id = ? AND seq > ? ORDER BY seq`, [
      teamId,
      exerciseId,
      afterSeq,
    ]);
    return rows.map((r) => ({ seq: Number(r[0]), eventId: String(r[1]) }));
  }

  // ---- recorded trainee actions -------------------------------------------------------------

  /** Every recorded trainee action of the exercise with its journal ordinal, in commit order (triage's rebuild). */
  async recordedActions(exerciseId: string): Promise<Array<{ ordinal: number; action: RecordedAction }>> {
    const rows = await this.rows(
      `SELECT ordinal, detail FROM exercise_journal WHERE exercise_id = ? AND type = 'action' AND detail IS NOT NULL ORDER BY ordinal`,
      [exerciseId],
    );
    return rows.map((r) => ({ ordinal: Number(r[0]), action: JSON.parse(String(r[1])) as RecordedAction }));
  }

  /**
   * Recorded actions at these journal ordinals, in ordinal order: triage finds a team's rows by the
   * ordinals it keeps (by primary key).
   */
  async recordedActionsAt(exerciseId: string, ordinals: readonly number[]): Promise<RecordedAction[]> {
    const actions: RecordedAction[] = [];
    for (let i = 0; i < ordinals.length; i += ORDINALS_PER_READ) {
      const slice = ordinals.slice(i, i + ORDINALS_PER_READ);
      const rows = await this.rows(
        `SELECT detail FROM exercise_journal WHERE exercise_id = ? AND ordinal IN (${slice.map(() => '?').join(', ')}) AND detail IS NOT NULL ORDER BY ordinal`,
        [exerciseId, ...slice],
      );
      for (const r of rows) actions.push(JSON.parse(String(r[0])) as RecordedAction);
    }
    return actions;
  }

  // ---- whole team logs (scoring, reviews) ---------------------------------------------------

  /**
   * The delivered events and recorded actions of some teams (or, `wholeExercise`, of every team).
   * Without `betweenPages`: three bulk queries whatever the number of teams, alerts or actions (a
   * worker thread). With it: the same rows in pages (events and actions by groups of teams, or a
   * whole exercise's actions by journal ordinal), calling it between pages, so the server thread
   * never holds its event loop for a whole exercise's log. Never one query per entity either way.
   * Some teams' actions are read through the team index, so a share of the teams costs its share
   * of the journal, not all of it.
   */
  async teamLogs<D>(
    exerciseId: string,
    teamIds: readonly string[],
    delivery: DeliveryOf<D>,
    options: TeamLogsOptions = {},
  ): Promise<{ teams: Map<string, TeamLogRows<D>>; rows: { events: number; actions: number } }> {
    const teams = new Map<string, TeamLogRows<D>>();
    for (const id of teamIds) teams.set(id, { delivered: [], actions: [] });
    if (teamIds.length === 0) return { teams, rows: { events: 0, actions: 0 } };
    const wholeExercise = options.wholeExercise === true;
    const pause = options.betweenPages;
    // Library injects: the journal says which library inject an `inject-<n>` event came from (the
    // partial index ix_exercise_journal_inject holds only those rows).
    const injectRows = await this.rows(`SELECT payload FROM exercise_journal WHERE exercise_id = ? AND type = 'inject'`, [exerciseId]);
    const injectOf = new Map<string, string>();
    for (const row of injectRows) learnInject(injectOf, row[0]);
    let events = 0;
    // By primary key (team_id, seq): one ordered range scan per team, no sort.
    const teamsPerPage =
      pause === undefined ? teamIds.length : Math.max(1, Math.floor(EVENTS_PER_PAGE / Math.max(1, await this.eventsPerTeam(exerciseId, teamIds[0]!))));
    for (let i = 0; i < teamIds.length; i += teamsPerPage) {
      if (i > 0) await pause?.();
      const group = teamIds.slice(i, i + teamsPerPage);
      const eventRows = await this.rows(
        `SELECT team_id, event_id, virtual_ms, origin, delivered_virtual_ms FROM exercise_events WHERE team_id IN (${group.map(() => '?').join(', ')}) AND exercise_id = ? ORDER BY team_id, seq`,
        [...group, exerciseId],
      );
      events += eventRows.length;
      let current: TeamLogRows<D> | undefined;
      let currentId: unknown;
      for (const row of eventRows) {
        if (row[0] !== currentId) {
          currentId = row[0];
          current = teams.get(String(row[0]));
        }
        if (current === undefined) continue;
        const eventId = String(row[1]);
        const origin = row[3] as LoggedEvent['origin'];
        current.delivered.push(delivery(eventId, Number(row[2]), origin, origin === 'inject' ? injectOf.get(eventId) : undefined, Number(row[4])));
      }
    }
    const unordered = new Set<TeamLogRows<D>>();
    const lastSeq = new Map<TeamLogRows<D>, number>();
    let actions = 0;
    const take = (actionRows: readonly Row[]): void => {
      actions += actionRows.length;
      let current: TeamLogRows<D> | undefined;
      let currentId: unknown;
      for (const row of actionRows) {
        if (row[0] !== currentId) {
          currentId = row[0];
          current = teams.get(String(row[0]));
        }
        // A whole-exercise read has the teams not asked for too: skip them.
        if (current === undefined) continue;
        const seq = Number(row[2]);
        if (seq < (lastSeq.get(current) ?? 0)) unordered.add(current);
        lastSeq.set(current, seq);
        current.actions.push(JSON.parse(String(row[1])) as RecordedAction);
      }
    };
    if (wholeExercise) {
      // The journal's primary-key range (commit order), teams split in memory; paged by ordinal.
      let afterOrdinal = -1;
      for (let page = 0; ; page++) {
        if (page > 0) await pause?.();
        const actionRows =
          pause === undefined
            ? await this.rows(
                `SELECT team_id, detail, team_seq FROM exercise_journal WHERE exercise_id = ? AND type = 'action' AND detail IS NOT NULL ORDER BY ordinal`,
                [exerciseId],
              )
            : await this.rows(
                `SELECT team_id, detail, team_seq, ordinal FROM exercise_journal WHERE exercise_id = ? AND ordinal > ? AND type = 'action' AND detail IS NOT NULL ORDER BY ordinal LIMIT ${ACTIONS_PER_PAGE}`,
                [exerciseId, afterOrdinal],
              );
        take(actionRows);
        if (pause === undefined || actionRows.length < ACTIONS_PER_PAGE) break;
        afterOrdinal = Number(actionRows[actionRows.length - 1]![3]);
      }
    } else {
      // Some teams: by the team index (ix_exercise_journal_team), only their rows, already in seq
      // order; paged by groups of teams.
      const teamsPerActionPage =
        pause === undefined ? teamIds.length : Math.max(1, Math.floor(ACTIONS_PER_PAGE / Math.max(1, await this.actionsPerTeam(exerciseId, teamIds[0]!))));
      for (let i = 0; i < teamIds.length; i += teamsPerActionPage) {
        if (i > 0) await pause?.();
        const group = teamIds.slice(i, i + teamsPerActionPage);
        take(await this.rows(ACTIONS_BY_TEAM_SQL(group.length), [exerciseId, ...group]));
      }
    }
    // Commit order is seq order per team; sort only if a log says otherwise.
    for (const team of unordered) team.actions.sort((a, b) => a.seq - b.seq);
    return { teams, rows: { events, actions } };
  }

  /**
   * Where each team's log ends: its last delivered event seq and last recorded action seq (0 when
   * none). Two index lookups per team (the events' primary key, the journal's team index), so it
   * costs nothing like a read of the logs; whoever holds a copy of the logs checks it against this.
   */
  async teamLogEnds(exerciseId: string, teamIds: readonly string[]): Promise<Map<string, { events: number; actions: number }>> {
    const ends = new Map<string, { events: number; actions: number }>();
    for (const teamId of teamIds) {
      const events = await this.rows(`SELECT MAX(seq) FROM exercise_events WHERE team_id = ? AND exercise_id = ?`, [teamId, exerciseId]);
      const actions = await this.rows(`SELECT MAX(team_seq) FROM exercise_journal WHERE exercise_id = ? AND team_id = ? AND team_seq IS NOT NULL`, [
        exerciseId,
        teamId,
      ]);
      ends.set(teamId, { events: Number(events[0]?.[0] ?? 0), actions: Number(actions[0]?.[0] ?? 0) });
    }
    return ends;
  }

  /** How many actions one team recorded (teams of an exercise record about as many each): sizes the pages. */
  private async actionsPerTeam(exerciseId: string, teamId: string): Promise<number> {
    const rows = await this.rows(`SELECT COUNT(*) FROM exercise_journal WHERE exercise_id = ? AND team_id = ? AND team_seq IS NOT NULL`, [exerciseId, teamId]);
    return Number(rows[0]?.[0] ?? 0);
  }

  /** How many events one team was delivered (teams of an exercise get about as many each): sizes the pages. */
  private async eventsPerTeam(exerciseId: string, teamId: string): Promise<number> {
    const rows = await this.rows(`SELECT COUNT(*) FROM exercise_events WHERE team_id = ? AND exercise_id = ?`, [teamId, exerciseId]);
    return Number(rows[0]?.[0] ?? 0);
  }

  /** Rows as arrays, in the order of the SELECT list. */
  private async rows(sql: string, params: readonly unknown[]): Promise<Row[]> {
    const source = this.source;
    if (!(source instanceof DataSource)) {
      if ('prepare' in source)
        return source
          .prepare(sql)
          .raw(true)
          .all(...params);
      return source.arrayRows(driverPlaceholders('postgres', sql), params);
    }
    const driver = source.driver as { options: { type: string }; databaseConnection?: RawLogConnection };
    if (driver.options.type === 'better-sqlite3' && driver.databaseConnection !== undefined) {
      return driver.databaseConnection
        .prepare(sql)
        .raw(true)
        .all(...params);
    }
    const rows = (await source.query(driverPlaceholders(source.options.type, sql), [...params])) as Array<Record<string, unknown>>;
    return rows.map((r) => Object.values(r));
  }
}

function learnInject(injectOf: Map<string, string>, payload: unknown): void {
  const entry = JSON.parse(String(payload)) as { eventId?: string; injectId?: string };
  if (entry.eventId !== undefined && entry.injectId !== undefined) injectOf.set(entry.eventId, entry.injectId);
}

function toLoggedEvent(row: Row): LoggedEvent {
  return {
    seq: Number(row[0]),
    eventId: String(row[1]),
    virtualMs: Number(row[2]),
    deliveredVirtualMs: Number(row[3]),
    scheduledWallMs: Number(row[4]),
    catchUp: Boolean(row[5]),
    origin: row[6] as LoggedEvent['origin'],
    alert: JSON.parse(String(row[7])) as Record<string, unknown>,
  };
}

export function journalVirtualMs(entry: JournalEntry): number {
  switch (entry.type) {
    case 'action':
      return entry.action.virtualMs;
    case 'inject':
      return entry.virtualMs;
    case 'seek':
      return entry.toVirtualMs;
    default: {
      const never: never = entry;
      throw new Error(`unknown journal entry ${JSON.stringify(never)}`);
    }
  }
}

const insertSql = new Map<string, string>();

/**
 * The hot path of every delivery and every trainee action. Group commits write a varying number of
 * rows; splitting them into chunks of 64/32/16/.../1 rows keeps the SQL to seven texts per table, so
 * the driver's prepared statements are reused instead of re-planned for every row count, and no
 * query builder runs per commit. The rows carry their keys, so nothing is read back.
 */
async function insertChunked<R>(
  manager: EntityManager,
  table: string,
  columns: readonly string[],
  rows: readonly R[],
  values: (row: R) => readonly unknown[],
): Promise<void> {
  const driver = manager.connection.driver;
  let offset = 0;
  while (offset < rows.length) {
    const size = INSERT_CHUNKS.find((n) => n <= rows.length - offset)!;
    const key = `${driver.options.type}:${table}:${size}`;
    let sql = insertSql.get(key);
    if (sql === undefined) {
      let index = 0;
      const tuples = Array.from({ length: size }, () => `(${columns.map(() => driver.createParameter(`p${index}`, index++)).join(', ')})`);
      sql = `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`;
      insertSql.set(key, sql);
    }
    const params: unknown[] = [];
    for (let i = offset; i < offset + size; i++) params.push(...values(rows[i]!));
    await manager.query(sql, params);
    offset += size;
  }
}
