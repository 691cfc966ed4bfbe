import type { DataSource } from 'typeorm';
import type { RecordedAction } from '../contracts/triage.schema.js';
import type { ScoringDeliveredEvent } from './score.js';
import { decodeTeamLog, SEALED_LOG_FORMAT } from './sealed-team-log.js';
import { deliveredEvent } from './settlement.js';

/** What the scorer reads of one team's logs. */
export interface TeamLog {
  readonly delivered: ScoringDeliveredEvent[];
  /** Recorded trainee actions in per-team seq order. */
  readonly actions: RecordedAction[];
}

/**
 * The logs of an exercise by team, with how long reading them took. Take a team's log with
 * `teamLogOf`: teams read from rows are in `teams`; a team with a current sealed copy is read and
 * decoded only when it is asked for, so scoring 200 teams never holds 200 teams' documents and
 * records at once (they would outlive the young generation, and copying and marking them cost
 * more than decoding). Scoring workers read the copies themselves (`scoring-workers.ts`).
 */
export interface ExerciseLog {
  readonly exerciseId: string;
  /** Teams read from rows (and sealed copies that could not be decoded, read from rows instead). */
  readonly teams: Map<string, TeamLog>;
  /** Teams whose sealed copy is current: where it is, read and decoded by `teamLogOf`. */
  readonly sealed: Map<string, SealedCopy>;
  readonly readMs: number;
  /** Rows read (events and actions), including those read for copies that could not be decoded. */
  readonly rows: { events: number; actions: number };
  /**
   * Only when asked for sealed logs: where the journal and each team's events ended just before
   * the rows were read, and which teams were read from rows (what a caller may seal).
   */
  readonly seal?: SealPoint;
}

export interface SealPoint {
  /** MAX(ordinal) of the exercise journal (-1: empty). */
  readonly journalOrdinal: number;
  /** MAX(seq) of each team's delivered events (0: none). */
  readonly lastEventSeq: ReadonlyMap<string, number>;
  readonly fromRows: string[];
}

/** A team's sealed copy that matches where its rows end: the key to read it by. */
export interface SealedCopy {
  readonly teamId: string;
  readonly journalOrdinal: number;
  readonly lastEventSeq: number;
}

/**
 * The one query that reads a current sealed copy (the caller decodes it): no row when the copy was
 * replaced or went stale since it was found.
 */
export const SEALED_COPY_SQL = `SELECT body FROM exercise_sealed_logs WHERE exercise_id = ? AND team_id = ? AND format = ? AND journal_ordinal = ? AND last_event_seq = ?`;

export function sealedCopyParams(exerciseId: string, copy: SealedCopy): unknown[] {
  return [exerciseId, copy.teamId, SEALED_LOG_FORMAT, copy.journalOrdinal, copy.lastEventSeq];
}

const EMPTY_LOG: TeamLog = { delivered: [], actions: [] };

/**
 * One team's log out of an exercise log, reading and decoding a sealed copy afresh on every call
 * (callers score a team and drop it). A copy that is gone or cannot be decoded is only a copy: the
 * team's rows are read instead (`fromRows`).
 */
export async function teamLogOf(dataSource: DataSource, log: ExerciseLog, teamId: string): Promise<TeamLog> {
  const copy = log.sealed.get(teamId);
  if (copy === undefined) return log.teams.get(teamId) ?? EMPTY_LOG;
  try {
    const rows = await query(dataSource, SEALED_COPY_SQL, sealedCopyParams(log.exerciseId, copy));
    if (rows.length === 1) return decodeTeamLog(String(rows[0]![0]), { exerciseId: log.exerciseId, teamId });
  } catch {
    // Whatever is wrong with it (not JSON, another format, columns that do not add up), the rows are the record.
  }
  return readTeamFromRows(dataSource, log, teamId);
}

/**
 * Reads a team whose sealed copy turned out unusable from its rows, and puts it with the teams read
 * from rows: it joins `seal.fromRows`, so the next stored score seals it again.
 */
export async function readTeamFromRows(dataSource: DataSource, log: ExerciseLog, teamId: string): Promise<TeamLog> {
  log.sealed.delete(teamId);
  const rows = await readRows(dataSource, log.exerciseId, [teamId], false);
  const teamLog = rows.teams.get(teamId) ?? EMPTY_LOG;
  log.teams.set(teamId, teamLog);
  log.rows.events += rows.rows.events;
  log.rows.actions += rows.rows.actions;
  log.seal?.fromRows.push(teamId);
  return teamLog;
}

type Row = readonly unknown[];

/** better-sqlite3's prepared statement, as far as the raw bulk read needs it. */
interface RawStatement {
  raw(toggle: boolean): RawStatement;
  all(...params: unknown[]): Row[];
}
interface RawDatabase {
  prepare(sql: string): RawStatement;
}

/**
 * Reads the delivered events and the trainee action log of an exercise (or of some of its teams)
 * in bulk: three queries whatever the number of teams, alerts or actions, never one per entity
 * (a finished exercise's sealed copies: one query for which are current, then one per team).
 * On SQLite the rows come straight from better-sqlite3 as arrays (no per-row objects from the
 * ORM); on PostgreSQL through the ordinary query path.
 */
export async function readExerciseLog(
  dataSource: DataSource,
  exerciseId: string,
  teamIds: readonly string[],
  options: { readonly wholeExercise?: boolean; readonly sealed?: boolean } = {},
): Promise<ExerciseLog> {
  const started = performance.now();
  if (!options.sealed || teamIds.length === 0) {
    const log = await readRows(dataSource, exerciseId, teamIds, options.wholeExercise === true);
    return { ...log, exerciseId, sealed: new Map(), readMs: performance.now() - started };
  }
  // Where the rows end now, before anything is read: a copy sealed at the same point is whole.
  const [ordinalRows, eventSeqRows] = [
    await query(dataSource, `SELECT MAX(ordinal) FROM exercise_journal WHERE exercise_id = ?`, [exerciseId]),
    await query(dataSource, `SELECT t.id, (SELECT MAX(e.seq) FROM exercise_events e WHERE e.team_id = t.id) FROM exercise_teams t WHERE t.exercise_id = ?`, [exerciseId]),
  ];
  const journalOrdinal = ordinalRows[0]?.[0] === null || ordinalRows[0]?.[0] === undefined ? -1 : Number(ordinalRows[0][0]);
  const lastEventSeq = new Map<string, number>(eventSeqRows.map((r) => [String(r[0]), r[1] === null ? 0 : Number(r[1])]));
  // Only which copies are current: the documents are read team by team when they are scored.
  const sealedRows = await query(dataSource, `SELECT team_id, format, journal_ordinal, last_event_seq FROM exercise_sealed_logs WHERE exercise_id = ?`, [exerciseId]);
  const wanted = new Set(teamIds);
  const sealed = new Map<string, SealedCopy>();
  for (const row of sealedRows) {
    const teamId = String(row[0]);
    if (!wanted.has(teamId) || Number(row[1]) !== SEALED_LOG_FORMAT || Number(row[2]) !== journalOrdinal || Number(row[3]) !== (lastEventSeq.get(teamId) ?? 0)) continue;
    sealed.set(teamId, { teamId, journalOrdinal, lastEventSeq: lastEventSeq.get(teamId) ?? 0 });
  }
  const fromRows = teamIds.filter((id) => !sealed.has(id));
  const rest = fromRows.length === 0 ? null : await readRows(dataSource, exerciseId, fromRows, options.wholeExercise === true && fromRows.length === teamIds.length);
  return {
    exerciseId,
    teams: rest?.teams ?? new Map<string, TeamLog>(),
    sealed,
    readMs: performance.now() - started,
    rows: rest?.rows ?? { events: 0, actions: 0 },
    seal: { journalOrdinal, lastEventSeq, fromRows },
  };
}

async function readRows(dataSource: DataSource, exerciseId: string, teamIds: readonly string[], wholeExercise: boolean): Promise<Pick<ExerciseLog, 'teams' | 'rows'>> {
  const teamList = teamIds.map(() => '?').join(', ');
  const sql = {
    // Library injects: the journal says which library inject an `inject-<n>` event came from.
    injects: `SELECT payload FROM exercise_journal WHERE exercise_id = ? AND type = 'inject'`,
    // By primary key (team_id, seq): one ordered range scan per team, no sort.
    events: `SELECT team_id, event_id, virtual_ms, origin, delivered_virtual_ms FROM exercise_events WHERE team_id IN (${teamList}) AND exercise_id = ? ORDER BY team_id, seq`,
    // The journal's primary-key range (commit order), teams split in memory. There is no index by
    // team (it cost more than anything else in a commit of actions), so a few teams are found by
    // scanning the exercise's rows too; a finished exercise's teams have their sealed copies.
    actions: wholeExercise
      ? `SELECT team_id, detail, team_seq FROM exercise_journal WHERE exercise_id = ? AND type = 'action' AND detail IS NOT NULL ORDER BY ordinal`
      : `SELECT team_id, detail, team_seq FROM exercise_journal WHERE exercise_id = ? AND team_id IN (${teamList}) AND type = 'action' AND detail IS NOT NULL ORDER BY ordinal`,
  };
  const [injectRows, eventRows, actionRows] = teamIds.length === 0
    ? [[], [], []]
    : await Promise.all([
        query(dataSource, sql.injects, [exerciseId]),
        query(dataSource, sql.events, [...teamIds, exerciseId]),
        query(dataSource, sql.actions, wholeExercise ? [exerciseId] : [exerciseId, ...teamIds]),
      ]);
  const injectOf = new Map<string, string>();
  for (const row of injectRows) {
    const entry = JSON.parse(String(row[0])) as { eventId?: string; injectId?: string };
    if (entry.eventId !== undefined && entry.injectId !== undefined) injectOf.set(entry.eventId, entry.injectId);
  }
  const teams = new Map<string, TeamLog>();
  for (const id of teamIds) teams.set(id, { delivered: [], actions: [] });
  let current: TeamLog | undefined;
  let currentId: unknown;
  for (const row of eventRows) {
    if (row[0] !== currentId) {
      currentId = row[0];
      current = teams.get(String(row[0]));
    }
    if (current === undefined) continue;
    const eventId = String(row[1]);
    const origin = row[3] as ScoringDeliveredEvent['origin'];
    const injectId = origin === 'inject' ? injectOf.get(eventId) : undefined;
    current.delivered.push(deliveredEvent(eventId, Number(row[2]), origin, injectId, Number(row[4])));
  }
  currentId = undefined;
  const unordered = new Set<TeamLog>();
  const lastSeq = new Map<TeamLog, number>();
  for (const row of actionRows) {
    if (row[0] !== currentId) {
      currentId = row[0];
      current = teams.get(String(row[0]));
    }
    // Whole-exercise reads include teams not asked for only if teamIds was partial: skip them.
    if (current === undefined) continue;
    const seq = Number(row[2]);
    if (seq < (lastSeq.get(current) ?? 0)) unordered.add(current);
    lastSeq.set(current, seq);
    current.actions.push(JSON.parse(String(row[1])) as RecordedAction);
  }
  // Commit order is seq order per team; sort only if a log says otherwise.
  for (const team of unordered) team.actions.sort((a, b) => a.seq - b.seq);
  return { teams, rows: { events: eventRows.length, actions: actionRows.length } };
}

async function query(dataSource: DataSource, sql: string, params: readonly unknown[]): Promise<Row[]> {
  const driver = dataSource.driver as { options: { type: string }; databaseConnection?: RawDatabase };
  if (driver.options.type === 'better-sqlite3' && driver.databaseConnection !== undefined) {
    return driver.databaseConnection.prepare(sql).raw(true).all(...params);
  }
  // PostgreSQL placeholders are $1, $2, ...
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  const rows = (await dataSource.query(text, [...params])) as Array<Record<string, unknown>>;
  return rows.map((r) => Object.values(r));
}
