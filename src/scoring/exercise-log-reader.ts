import type { DataSource } from 'typeorm';
import type { RecordedAction } from '../contracts/triage.schema.js';
import type { ScoringDeliveredEvent } from './score.js';

/** What the scorer reads of one team's logs. */
export interface TeamLog {
  readonly delivered: ScoringDeliveredEvent[];
  /** Recorded trainee actions in per-team seq order. */
  readonly actions: RecordedAction[];
}

/** The logs of an exercise by team, with how long reading them took. */
export interface ExerciseLog {
  readonly teams: Map<string, TeamLog>;
  readonly readMs: number;
  readonly rows: { readonly events: number; readonly actions: number };
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
 * in bulk: three queries whatever the number of teams, alerts or actions, never one per entity.
 * On SQLite the rows come straight from better-sqlite3 as arrays (no per-row objects from the
 * ORM); on PostgreSQL through the ordinary query path.
 */
export async function readExerciseLog(dataSource: DataSource, exerciseId: string, teamIds: readonly string[], options: { readonly wholeExercise?: boolean } = {}): Promise<ExerciseLog> {
  const started = performance.now();
  const teamList = teamIds.map(() => '?').join(', ');
  const sql = {
    // Library injects: the journal says which library inject an `inject-<n>` event came from.
    injects: `SELECT payload FROM exercise_journal WHERE exercise_id = ? AND type = 'inject'`,
    // By primary key (team_id, seq): one ordered range scan per team, no sort.
    events: `SELECT team_id, event_id, virtual_ms, origin FROM exercise_events WHERE team_id IN (${teamList}) AND exercise_id = ? ORDER BY team_id, seq`,
    // The whole exercise: the journal's primary-key range (commit order), teams split in memory;
    // a few teams: through the (exercise_id, team_id, team_seq) index.
    actions: options.wholeExercise
      ? `SELECT team_id, detail, team_seq FROM exercise_journal WHERE exercise_id = ? AND type = 'action' AND detail IS NOT NULL ORDER BY ordinal`
      : `SELECT team_id, detail, team_seq FROM exercise_journal WHERE exercise_id = ? AND team_id IN (${teamList}) AND type = 'action' AND detail IS NOT NULL ORDER BY team_id, team_seq`,
  };
  const [injectRows, eventRows, actionRows] = teamIds.length === 0
    ? [[], [], []]
    : await Promise.all([
        query(dataSource, sql.injects, [exerciseId]),
        query(dataSource, sql.events, [...teamIds, exerciseId]),
        query(dataSource, sql.actions, options.wholeExercise ? [exerciseId] : [exerciseId, ...teamIds]),
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
    current.delivered.push(injectId === undefined ? { eventId, virtualMs: Number(row[2]), origin } : { eventId, virtualMs: Number(row[2]), origin, injectId });
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
  return { teams, readMs: performance.now() - started, rows: { events: eventRows.length, actions: actionRows.length } };
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
