import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { DataSource } from 'typeorm';
import type { RecordedAction } from '../contracts/triage.schema.js';
import { openDatabase } from '../persistence/data-source.js';
import { readExerciseLog } from './exercise-log-reader.js';
import { LiveLogTail } from './live-log-tail.js';

const EXERCISE = '00000000-0000-4000-8000-000000000001';
const OTHER_EXERCISE = '00000000-0000-4000-8000-000000000002';
const TEAM_A = '00000000-0000-4000-a000-00000000000a';
const TEAM_B = '00000000-0000-4000-a000-00000000000b';

/** Rows as the runtime writes them (exercise-runtime.service.ts), into the migrated schema. */
class Writer {
  private ordinal = new Map<string, number>();
  private teamSeq = new Map<string, number>();
  private eventSeq = new Map<string, number>();

  constructor(readonly db: Database.Database) {}

  action(teamId: string, text: string, options: { exerciseId?: string; seq?: number } = {}): RecordedAction {
    const exerciseId = options.exerciseId ?? EXERCISE;
    const seq = options.seq ?? (this.teamSeq.get(exerciseId + teamId) ?? 0) + 1;
    this.teamSeq.set(exerciseId + teamId, Math.max(seq, this.teamSeq.get(exerciseId + teamId) ?? 0));
    const recorded: RecordedAction = {
      actionId: `act-${teamId.slice(-1)}-${seq}-${text}`,
      exerciseId,
      teamId,
      userId: 'u1',
      username: 'trainee1',
      seq,
      virtualMs: seq * 1000,
      wallMs: 1_763_900_000_000 + seq,
      action: { type: 'alert.note', actionId: `act-${seq}`, exerciseId, alertId: 's-001', text },
    };
    this.journal(exerciseId, 'action', { type: 'action', teamId, action: { type: 'other', actionId: recorded.actionId, kind: 'alert.note', data: {}, virtualMs: seq * 1000 } }, { teamId, teamSeq: seq, detail: JSON.stringify(recorded) });
    return recorded;
  }

  seek(): void {
    this.journal(EXERCISE, 'seek', { type: 'seek', fromVirtualMs: 0, toVirtualMs: 60_000 });
  }

  inject(eventId: string, injectId: string, teamIds: readonly string[]): void {
    this.journal(EXERCISE, 'inject', { type: 'inject', virtualMs: 5000, eventId, teamIds, injectId });
    for (const teamId of teamIds) this.event(teamId, eventId, 'inject');
  }

  event(teamId: string, eventId: string, origin: 'timeline' | 'noise' | 'inject' = 'timeline', exerciseId = EXERCISE): void {
    const seq = (this.eventSeq.get(teamId) ?? 0) + 1;
    this.eventSeq.set(teamId, seq);
    this.db
      .prepare('INSERT INTO exercise_events (team_id, seq, exercise_id, event_id, virtual_ms, delivered_virtual_ms, scheduled_wall_ms, catch_up, origin, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(teamId, seq, exerciseId, eventId, seq * 500, seq * 500, 0, 0, origin, '{}');
  }

  private journal(exerciseId: string, type: string, payload: unknown, action: { teamId: string; teamSeq: number; detail: string } | null = null): void {
    const ordinal = this.ordinal.get(exerciseId) ?? 0;
    this.ordinal.set(exerciseId, ordinal + 1);
    this.db
      .prepare('INSERT INTO exercise_journal (exercise_id, ordinal, type, team_id, action_id, user_id, virtual_ms, wall_ms, payload, team_seq, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(exerciseId, ordinal, type, action?.teamId ?? null, action === null ? null : `a-${ordinal}`, null, 0, 0, JSON.stringify(payload), action?.teamSeq ?? null, action?.detail ?? null);
  }
}

describe('LiveLogTail (a scoring worker\'s copy of a running exercise\'s logs)', () => {
  let dir: string;
  let dataSource: DataSource;
  let writer: Writer;
  let reader: Database.Database;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'soc-drill-tail-'));
    const file = join(dir, 'db.sqlite');
    dataSource = await openDatabase({ databaseUrl: `sqlite:${file}` });
    // A connection of its own without foreign keys: the rows need no exercise, team or user rows.
    writer = new Writer(new Database(file));
    reader = new Database(file, { readonly: true, fileMustExist: true });
  });
  afterEach(async () => {
    reader.close();
    writer.db.close();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** What the server thread reads from the rows (the reference). */
  const fromRows = async (teamIds: readonly string[]) => (await readExerciseLog(dataSource, EXERCISE, teamIds, { wholeExercise: true })).teams;

  it('reads the same logs as a read of the rows, then extends them with what was committed since', async () => {
    writer.seek();
    writer.event(TEAM_A, 's-001');
    writer.event(TEAM_B, 's-001');
    writer.action(TEAM_A, 'một');
    writer.action(TEAM_B, 'hai');
    writer.inject('inject-1', 'lib-phishing', [TEAM_A]);
    writer.action(TEAM_A, 'ba');
    // Another exercise's rows are not this exercise's.
    writer.action(TEAM_A, 'khác', { exerciseId: OTHER_EXERCISE });
    const tail = new LiveLogTail(reader, EXERCISE);
    const first = tail.logs([TEAM_A, TEAM_B]);
    expect(first).toEqual(await fromRows([TEAM_A, TEAM_B]));
    expect(first.get(TEAM_A)!.actions.map((a) => a.seq)).toEqual([1, 2]);
    expect(first.get(TEAM_A)!.delivered).toEqual([
      { eventId: 's-001', virtualMs: 500, origin: 'timeline' },
      { eventId: 'inject-1', virtualMs: 1000, origin: 'inject', injectId: 'lib-phishing' },
    ]);

    writer.action(TEAM_B, 'bốn');
    writer.event(TEAM_B, 's-002', 'noise');
    writer.inject('inject-2', 'lib-ransom', [TEAM_A, TEAM_B]);
    const second = tail.logs([TEAM_A, TEAM_B]);
    expect(second).toEqual(await fromRows([TEAM_A, TEAM_B]));
    expect(second.get(TEAM_B)!.actions.map((a) => a.seq)).toEqual([1, 2]);
    expect(second.get(TEAM_B)!.delivered.map((e) => e.eventId)).toEqual(['s-001', 's-002', 'inject-2']);
  });

  it('reads only the rows after those it has: a rewritten old row is not read again', () => {
    writer.action(TEAM_A, 'một');
    writer.event(TEAM_A, 's-001');
    const tail = new LiveLogTail(reader, EXERCISE);
    tail.logs([TEAM_A]);
    // Nothing rewrites the log; here it shows which rows the second read touches.
    writer.db.prepare("UPDATE exercise_journal SET detail = replace(detail, 'một', 'sửa') WHERE exercise_id = ?").run(EXERCISE);
    writer.db.prepare("UPDATE exercise_events SET event_id = 's-999' WHERE team_id = ?").run(TEAM_A);
    writer.action(TEAM_A, 'hai');
    const log = tail.logs([TEAM_A]).get(TEAM_A)!;
    expect(log.actions.map((a) => (a.action as { text: string }).text)).toEqual(['một', 'hai']);
    expect(log.delivered.map((e) => e.eventId)).toEqual(['s-001']);
  });

  it('sees committed rows only', async () => {
    writer.action(TEAM_A, 'một');
    const tail = new LiveLogTail(reader, EXERCISE);
    expect(tail.logs([TEAM_A]).get(TEAM_A)!.actions).toHaveLength(1);
    writer.db.exec('BEGIN');
    writer.action(TEAM_A, 'hai');
    writer.event(TEAM_A, 's-001');
    expect(tail.logs([TEAM_A]).get(TEAM_A)).toEqual({ delivered: [], actions: [expect.objectContaining({ seq: 1 })] });
    writer.db.exec('COMMIT');
    expect(tail.logs([TEAM_A]).get(TEAM_A)).toEqual((await fromRows([TEAM_A])).get(TEAM_A));
  });

  it('reads a team\'s events when the team is asked for, and keeps each team\'s actions in seq order', async () => {
    writer.event(TEAM_B, 's-001');
    writer.event(TEAM_B, 's-002');
    writer.action(TEAM_B, 'hai', { seq: 2 });
    writer.action(TEAM_B, 'một', { seq: 1 });
    const tail = new LiveLogTail(reader, EXERCISE);
    expect(tail.logs([TEAM_A]).get(TEAM_A)).toEqual({ delivered: [], actions: [] });
    const b = tail.logs([TEAM_B]).get(TEAM_B)!;
    expect(b.delivered.map((e) => e.eventId)).toEqual(['s-001', 's-002']);
    expect(b.actions.map((a) => a.seq)).toEqual([1, 2]);
    expect(b).toEqual((await fromRows([TEAM_B])).get(TEAM_B));
  });
});
