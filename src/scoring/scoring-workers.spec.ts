import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { TriageActionSchema, type RecordedAction } from '../contracts/triage.schema.js';
import { parseScenario } from '../scenarios/scenario-parser.js';
import { triageScenarioView } from '../triage/team-state.reducer.js';
import { AnswerKey } from './answer-key.js';
import type { SealedCopy, TeamLog } from './exercise-log-reader.js';
import { scoringWorkerEntry, ScoringWorkerError, ScoringWorkers } from './scoring-workers.js';
import { openDatabase } from '../persistence/data-source.js';
import { readExerciseLog } from './exercise-log-reader.js';
import { encodeTeamLog, SEALED_LOG_FORMAT } from './sealed-team-log.js';
import { simulate } from './solver.js';
import { scoreTeamLog, totalsView } from './team-log-scoring.js';

const EXERCISE_ID = '00000000-0000-4000-8000-0000000000aa';
const parsed = parseScenario(readFileSync(join(__dirname, '..', '..', 'scenarios', 'portal-defacement.yaml')));
if (!parsed.ok) throw new Error('flagship does not parse');
const scenario = parsed.scenario;
const parts = { scenario, key: new AnswerKey(scenario), view: triageScenarioView(scenario) };
const teamId = (n: number) => `00000000-0000-4000-a000-${n.toString(16).padStart(12, '0')}`;

/** A team's logs as the server records them, from a solver run through the real engine. */
function teamLog(solver: 'perfect' | 'naive' | 'idle', n: number): TeamLog {
  const run = simulate({ scenario, solver, seed: n });
  const actions: RecordedAction[] = run.actions.map((a) => ({
    actionId: a.actionId,
    exerciseId: EXERCISE_ID,
    teamId: teamId(n),
    userId: a.userId,
    username: a.userId,
    seq: a.seq,
    virtualMs: a.virtualMs,
    wallMs: 1_763_900_000_000 + a.virtualMs,
    action: TriageActionSchema.parse({ ...a.action, exerciseId: EXERCISE_ID }) as unknown as Record<string, unknown>,
  }));
  return { delivered: run.delivered.map((d) => ({ eventId: d.eventId, virtualMs: d.virtualMs, origin: d.origin })), actions };
}

describe('scoring workers (sealed copies scored in worker threads)', () => {
  let dir: string;
  let file: string;
  const logs = new Map<string, TeamLog>();
  const solvers = ['perfect', 'naive', 'idle', 'perfect', 'naive'] as const;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'soc-drill-workers-'));
    file = join(dir, 'db.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.exec(`CREATE TABLE exercise_sealed_logs (exercise_id varchar(36), team_id varchar(36), format integer, journal_ordinal integer, last_event_seq integer, body text, sealed_at varchar(32), PRIMARY KEY (exercise_id, team_id))`);
    const insert = db.prepare('INSERT INTO exercise_sealed_logs VALUES (?, ?, ?, ?, ?, ?, ?)');
    solvers.forEach((solver, n) => {
      const log = teamLog(solver, n);
      logs.set(teamId(n), log);
      insert.run(EXERCISE_ID, teamId(n), SEALED_LOG_FORMAT, 7, log.delivered.length, encodeTeamLog(log, { exerciseId: EXERCISE_ID, teamId: teamId(n) }), '2026-11-23T00:00:00.000Z');
    });
    // 25 more teams for the shares (ten teams per message).
    for (let n = 10; n < 35; n++) {
      const log = teamLog(solvers[n % solvers.length]!, n);
      logs.set(teamId(n), log);
      insert.run(EXERCISE_ID, teamId(n), SEALED_LOG_FORMAT, 7, log.delivered.length, encodeTeamLog(log, { exerciseId: EXERCISE_ID, teamId: teamId(n) }), '2026-11-23T00:00:00.000Z');
    }
    // A copy that cannot be decoded: the worker leaves that team out.
    insert.run(EXERCISE_ID, teamId(9), SEALED_LOG_FORMAT, 7, 0, '{"format": 1', '2026-11-23T00:00:00.000Z');
    db.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const copy = (n: number, lastEventSeq = logs.get(teamId(n))?.delivered.length ?? 0): SealedCopy => ({ teamId: teamId(n), journalOrdinal: 7, lastEventSeq });
  const job = (teams: readonly SealedCopy[], detail: 'full' | 'totals' = 'full') => ({
    databaseFile: file,
    exerciseId: EXERCISE_ID,
    scenarioVersionId: 'v1',
    scenario,
    seed: '5',
    endMs: scenario.duration * 1000,
    detail,
    teams: teams.map((c) => ({ copy: c, memberIds: [], adjustments: [] })),
  });
  const inThread = (n: number, detail: 'full' | 'totals' = 'full') =>
    scoreTeamLog(parts, { exerciseId: EXERCISE_ID, seed: '5', teamId: teamId(n), memberIds: [], log: logs.get(teamId(n))!, adjustments: [], endMs: scenario.duration * 1000, detail });

  it('scores every team exactly as this thread does, split over the workers', async () => {
    const workers = new ScoringWorkers({ size: 2, entry: scoringWorkerEntry() });
    try {
      const scores = await workers.score(job(solvers.map((_, n) => copy(n))));
      expect([...scores.keys()].sort()).toEqual(solvers.map((_, n) => teamId(n)).sort());
      for (let n = 0; n < solvers.length; n++) expect(JSON.stringify(scores.get(teamId(n)))).toBe(JSON.stringify(inThread(n)));
      // The scores discriminate (perfect > naive > idle), so equal bytes are not equal nothings.
      expect(scores.get(teamId(0))!.total).toBeGreaterThan(scores.get(teamId(1))!.total);
      expect(scores.get(teamId(1))!.total).toBeGreaterThan(scores.get(teamId(2))!.total);
      // Jobs at once (two re-scores) are answered each with its own teams.
      const [a, b] = await Promise.all([workers.score(job([copy(0), copy(2)], 'totals')), workers.score(job([copy(1)], 'totals'))]);
      expect([...a.keys()]).toEqual([teamId(0), teamId(2)]);
      expect(JSON.stringify(a.get(teamId(2)))).toBe(JSON.stringify(inThread(2, 'totals')));
      expect([...b.keys()]).toEqual([teamId(1)]);
    } finally {
      await workers.close();
    }
  }, 60_000);

  it('scores for storage: the full score as the text this thread would store, beside its totals view', async () => {
    const workers = new ScoringWorkers({ size: 2, entry: scoringWorkerEntry() });
    try {
      const { detail, ...storageJob } = job([...solvers.map((_, n) => copy(n)), copy(9)]);
      expect(detail).toBe('full');
      const stored = await workers.scoreForStorage(storageJob);
      // The unreadable copy of team 9 is left to the server thread, as for totals.
      expect([...stored.keys()].sort()).toEqual(solvers.map((_, n) => teamId(n)).sort());
      for (let n = 0; n < solvers.length; n++) {
        const full = inThread(n, 'full');
        expect(stored.get(teamId(n))!.json).toBe(JSON.stringify(full));
        expect(JSON.stringify(stored.get(teamId(n))!.summary)).toBe(JSON.stringify(totalsView(full)));
        // Line items travel only inside the text.
        expect(stored.get(teamId(n))!.summary.components.detection.items).toEqual([]);
        expect(full.components.detection.items.length).toBeGreaterThan(0);
      }
    } finally {
      await workers.close();
    }
  }, 60_000);

  it('hands shares of ten teams to whichever worker is free, and sends a scenario version to a worker once', async () => {
    const workers = new ScoringWorkers({ size: 2, entry: scoringWorkerEntry() });
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    const scenariosSent = () => posted.mock.calls.filter(([message]) => (message as { scenario?: unknown }).scenario !== undefined).length;
    try {
      const many = Array.from({ length: 25 }, (_, i) => copy(10 + i));
      const scores = await workers.score(job(many, 'totals'));
      expect(posted).toHaveBeenCalledTimes(3);
      expect(scenariosSent()).toBe(2);
      for (let n = 10; n < 35; n++) expect(JSON.stringify(scores.get(teamId(n)))).toBe(JSON.stringify(inThread(n, 'totals')));
      // Again: the workers hold the version.
      await workers.score(job(many, 'totals'));
      expect(scenariosSent()).toBe(2);
      // Five other versions push it out of a worker's cache (it keeps four): it is sent again.
      for (const version of ['v2', 'v3', 'v4', 'v5', 'v6']) await workers.score({ ...job([copy(0)], 'totals'), scenarioVersionId: version });
      const again = await workers.score(job([copy(1)], 'totals'));
      expect(JSON.stringify(again.get(teamId(1)))).toBe(JSON.stringify(inThread(1, 'totals')));
      expect(posted.mock.calls[posted.mock.calls.length - 1]![0]).toHaveProperty('scenario');
    } finally {
      posted.mockRestore();
      await workers.close();
    }
  }, 60_000);

  it('leaves out a team whose copy is unreadable or no longer where the rows end', async () => {
    const workers = new ScoringWorkers({ size: 2, entry: scoringWorkerEntry() });
    try {
      const scores = await workers.score(job([copy(0), { teamId: teamId(9), journalOrdinal: 7, lastEventSeq: 0 }, copy(3, 1)]));
      expect([...scores.keys()]).toEqual([teamId(0)]);
    } finally {
      await workers.close();
    }
  }, 60_000);

  it('rejects with its own error when a worker cannot run, and when closed', async () => {
    const broken = new ScoringWorkers({ size: 1, entry: pathToFileURL(join(dir, 'no-such-worker.js')) });
    await expect(broken.score(job([copy(0)]))).rejects.toBeInstanceOf(ScoringWorkerError);
    await broken.close();
    await expect(broken.score(job([copy(0)]))).rejects.toBeInstanceOf(ScoringWorkerError);

    const missingDatabase = new ScoringWorkers({ size: 1, entry: scoringWorkerEntry() });
    try {
      await expect(missingDatabase.score({ ...job([copy(0)]), databaseFile: join(dir, 'missing.sqlite') })).rejects.toBeInstanceOf(ScoringWorkerError);
    } finally {
      await missingDatabase.close();
    }
  }, 60_000);
});

describe('scoring workers (live boards of running exercises)', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  const ordinals = new Map<string, number>();
  /** A team's solver run, split in two: the rows committed before the first job and after it. */
  const runs = new Map<string, TeamLog>();

  /** Writes the rows as the runtime does: journal rows with the recorded action, then the team's events. */
  const commit = (exerciseId: string, team: string, log: TeamLog, part: 'first' | 'rest') => {
    const half = (n: number) => Math.floor(n / 2);
    const actions = part === 'first' ? log.actions.slice(0, half(log.actions.length)) : log.actions.slice(half(log.actions.length));
    const events = part === 'first' ? log.delivered.slice(0, half(log.delivered.length)) : log.delivered.slice(half(log.delivered.length));
    const firstSeq = part === 'first' ? 1 : half(log.delivered.length) + 1;
    const journal = db.prepare('INSERT INTO exercise_journal (exercise_id, ordinal, type, team_id, action_id, user_id, virtual_ms, wall_ms, payload, team_seq, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const event = db.prepare('INSERT INTO exercise_events (team_id, seq, exercise_id, event_id, virtual_ms, delivered_virtual_ms, scheduled_wall_ms, catch_up, origin, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (const a of actions) {
        const ordinal = ordinals.get(exerciseId) ?? 0;
        ordinals.set(exerciseId, ordinal + 1);
        // Action ids are unique in an exercise (the journal's unique index); the solvers' own ids repeat across teams.
        const actionId = `${team}:${a.actionId}`;
        journal.run(exerciseId, ordinal, 'action', team, actionId, a.userId, a.virtualMs, a.wallMs, '{}', a.seq, JSON.stringify({ ...a, actionId, exerciseId, teamId: team }));
      }
      events.forEach((e, i) => event.run(team, firstSeq + i, exerciseId, e.eventId, e.virtualMs, e.virtualMs, 0, 0, e.origin, '{}'));
    })();
  };
  const liveJob = (exerciseId: string, teams: readonly string[]) => ({
    databaseFile: file,
    exerciseId,
    scenarioVersionId: 'v1',
    scenario,
    seed: '5',
    endMs: scenario.duration * 1000,
    teams: teams.map((teamId) => ({ teamId, memberIds: [], adjustments: [] })),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'soc-drill-live-workers-'));
    file = join(dir, 'db.sqlite');
    await (await openDatabase({ databaseUrl: `sqlite:${file}` })).destroy();
    db = new Database(file);
    (['perfect', 'naive'] as const).forEach((solver, n) => runs.set(teamId(n), teamLog(solver, n)));
  });
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('scores from the committed rows exactly as this thread scores them, always in the worker that keeps the exercise', async () => {
    const workers = new ScoringWorkers({ size: 2, entry: scoringWorkerEntry() });
    const posted = jest.spyOn(Worker.prototype, 'postMessage');
    const exerciseX = '00000000-0000-4000-8000-0000000000b1';
    const exerciseY = '00000000-0000-4000-8000-0000000000b2';
    const teams = [teamId(0), teamId(1)];
    // Team ids are unique across exercises (events are keyed by team and seq).
    const teamY = teamId(5);
    /** The same rows read in this thread and scored here. */
    const inThread = async (exerciseId: string, teams: readonly string[]) => {
      const dataSource = await openDatabase({ databaseUrl: `sqlite:${file}` });
      try {
        const log = await readExerciseLog(dataSource, exerciseId, teams, { wholeExercise: true });
        return new Map(teams.map((t) => [t, JSON.stringify(scoreTeamLog(parts, { exerciseId, seed: '5', teamId: t, memberIds: [], log: log.teams.get(t)!, adjustments: [], endMs: scenario.duration * 1000, detail: 'totals' }))]));
      } finally {
        await dataSource.destroy();
      }
    };
    const serialized = (scores: Map<string, unknown>) => new Map([...scores].map(([t, score]) => [t, JSON.stringify(score)]));
    try {
      for (const t of teams) commit(exerciseX, t, runs.get(t)!, 'first');
      commit(exerciseY, teamY, runs.get(teamId(0))!, 'first');
      const firstX = await workers.scoreLive(liveJob(exerciseX, teams));
      expect(serialized(firstX)).toEqual(await inThread(exerciseX, teams));
      expect(serialized(await workers.scoreLive(liveJob(exerciseY, [teamY])))).toEqual(await inThread(exerciseY, [teamY]));

      // The rest of the drill is committed: the worker adds it to what it kept.
      for (const t of teams) commit(exerciseX, t, runs.get(t)!, 'rest');
      const secondX = await workers.scoreLive(liveJob(exerciseX, teams));
      expect(serialized(secondX)).toEqual(await inThread(exerciseX, teams));
      // The scores moved (more of the drill was played), so equal bytes are not a stale copy.
      expect(secondX.get(teamId(0))!.total).not.toBe(firstX.get(teamId(0))!.total);
      expect(secondX.get(teamId(0))!.total).toBeGreaterThan(secondX.get(teamId(1))!.total);

      // Every job of an exercise went to one worker; the other exercise went to the other.
      const workerOf = (exerciseId: string) => new Set(posted.mock.contexts.filter((_, i) => (posted.mock.calls[i]![0] as { exerciseId?: string }).exerciseId === exerciseId));
      expect(workerOf(exerciseX).size).toBe(1);
      expect(workerOf(exerciseY).size).toBe(1);
      expect([...workerOf(exerciseX)][0]).not.toBe([...workerOf(exerciseY)][0]);

      // A finished exercise: its worker drops the logs (and a later job would read them afresh).
      workers.forgetLive(exerciseX);
      expect(posted).toHaveBeenLastCalledWith({ kind: 'forget', exerciseId: exerciseX });
      expect(serialized(await workers.scoreLive(liveJob(exerciseX, teams)))).toEqual(await inThread(exerciseX, teams));
    } finally {
      posted.mockRestore();
      await workers.close();
    }
  }, 60_000);

  it('rejects with its own error when the database cannot be read', async () => {
    const workers = new ScoringWorkers({ size: 1, entry: scoringWorkerEntry() });
    try {
      await expect(workers.scoreLive({ ...liveJob('00000000-0000-4000-8000-0000000000b3', [teamId(0)]), databaseFile: join(dir, 'missing.sqlite') })).rejects.toBeInstanceOf(ScoringWorkerError);
    } finally {
      await workers.close();
    }
  }, 60_000);
});
