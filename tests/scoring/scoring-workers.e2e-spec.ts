import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app-factory';
import { loadConfig } from '../../src/config/app-config';
import type { Scenario } from '../../src/contracts/scenario.schema';
import type { RecordedAction } from '../../src/contracts/triage.schema';
import { fixtureAlert, fixtureScenario } from '../../src/engine/engine-fixtures';
import { ExerciseLogRepository, type JournalAppend } from '../../src/exercise-log/exercise-log.repository';
import type { LoggedEvent } from '../../src/exercise-log/logged-event';
import { serialTransaction } from '../../src/persistence/serial-transaction';
import { ExerciseScoresService } from '../../src/scoring/exercise-scores.service';
import { ScoreCalculator } from '../../src/scoring/score-calculator.service';
import { databaseEnv, sql } from '../support/test-database';

const TEAMS = 40;
const ALERTS = 300;
const EXERCISE_ID = '00000000-0000-4000-8000-0000000005c0';

function scenario(): Scenario {
  return fixtureScenario({
    id: 'scoring-workers',
    duration: '1h',
    timeline: Array.from({ length: ALERTS }, (_, i) =>
      fixtureAlert(`a-${i}`, {
        at: Math.floor((i * 3_000) / ALERTS),
        answer:
          i % 4 === 0
            ? { verdict: 'true-positive', severity: 'high', routing: ['soc'], incident: null }
            : { verdict: 'false-positive', severity: 'low', routing: [], incident: null },
      }),
    ),
  });
}

/** A team's recorded actions: a verdict on most alerts (right for most teams' most alerts), a severity on the true positives it saw. */
function teamActions(s: Scenario, team: number, teamId: string): RecordedAction[] {
  const actions: RecordedAction[] = [];
  s.timeline.forEach((alert, i) => {
    if ((i + team) % 7 === 0) return;
    const right = (i * 31 + team * 17) % 10 < 7;
    const tp = alert.answer.verdict === 'true-positive';
    const verdict = right === tp ? 'true-positive' : 'false-positive';
    const drafts: Array<Record<string, unknown> & { type: string }> = [
      { type: 'alert.verdict', alertId: alert.id, verdict, ...(verdict === 'true-positive' ? {} : { reason: 'checked' }) },
    ];
    if (verdict === 'true-positive') drafts.push({ type: 'alert.severity', alertId: alert.id, severity: team % 2 ? 'high' : 'medium' });
    for (const draft of drafts) {
      const actionId = randomUUID();
      const virtualMs = ((alert.at ?? 0) + 30 + actions.length) * 1000;
      actions.push({
        actionId,
        exerciseId: EXERCISE_ID,
        teamId,
        userId: `00000000-0000-4000-9000-${team.toString(16).padStart(12, '0')}`,
        username: `t-${team}`,
        seq: actions.length + 1,
        virtualMs,
        wallMs: 1_763_900_000_000 + virtualMs,
        action: { actionId, exerciseId: EXERCISE_ID, ...draft },
      } as RecordedAction);
    }
  });
  return actions;
}

/** A finished exercise of TEAMS teams written straight into the database, its log through the exercise log repository. */
async function seedFinished(app: INestApplication, s: Scenario): Promise<void> {
  const dataSource = app.get(DataSource);
  const log = app.get(ExerciseLogRepository);
  const versionId = randomUUID();
  const now = new Date().toISOString();
  await sql(
    dataSource,
    'INSERT INTO scenario_versions (id, scenario_id, version, content_hash, title_vi, title_en, origin, format, source_text, normalized_json, event_count, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [versionId, s.id, s.version, 'test', s.title.vi, s.title.en, 'upload', 'json', '{}', JSON.stringify(s), s.timeline.length, null, now],
  );
  const clock = JSON.stringify({ status: 'finished', anchorWallMs: Date.now(), anchorVirtualMs: s.duration * 1000, speed: 1 });
  await sql(
    dataSource,
    'INSERT INTO exercises (id, scenario_version_id, title, status, era, seed, start_mode, scheduled_at, score_visibility, clock_json, org_id, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [EXERCISE_ID, versionId, 'Workers', 'finished', s.era, '1', 'manual', null, 'full', clock, null, null, now],
  );
  let ordinal = 0;
  for (let t = 0; t < TEAMS; t++) {
    const teamId = `00000000-0000-4000-a000-${t.toString(16).padStart(12, '0')}`;
    await sql(dataSource, 'INSERT INTO exercise_teams (id, exercise_id, name, ordinal) VALUES (?, ?, ?, ?)', [teamId, EXERCISE_ID, `Team ${t + 1}`, t]);
    const events: LoggedEvent[] = s.timeline.map((alert, i) => {
      const ms = (alert.at ?? 0) * 1000;
      // A few alerts reached this team late (a catch-up): the scorer reads when it was received.
      const delivered = (i + t) % 11 === 0 ? ms + 90_000 : ms;
      return {
        seq: i + 1,
        eventId: alert.id,
        virtualMs: ms,
        deliveredVirtualMs: delivered,
        scheduledWallMs: 1_763_900_000_000 + ms,
        catchUp: delivered > ms,
        origin: 'timeline',
        alert: { id: alert.id, raw: 'x'.repeat(200) },
      };
    });
    const journal: JournalAppend[] = teamActions(s, t, teamId).map((recorded) => ({
      ordinal: ordinal++,
      entry: {
        type: 'action',
        teamId,
        action: { type: 'other', kind: String(recorded.action.type), actionId: recorded.actionId, virtualMs: recorded.virtualMs },
      },
      userId: recorded.userId,
      wallMs: recorded.wallMs,
      teamSeq: recorded.seq,
      detail: JSON.stringify(recorded),
    }));
    await serialTransaction(dataSource, (manager) => log.append(manager, EXERCISE_ID, { journal, events: [{ teamId, events }] }));
  }
}

async function boot(dataDir: string, scoringWorkers: string): Promise<{ app: INestApplication; healthUrl: string }> {
  const app = await createApp(
    loadConfig({
      NODE_ENV: 'test',
      DATA_DIR: dataDir,
      LOAD_BUNDLED_SCENARIOS: 'false',
      LOG_LEVEL: 'error',
      SCORING_WORKERS: scoringWorkers,
      ...(await databaseEnv(dataDir)),
    }),
    { logger: false },
  );
  await app.listen(0, '127.0.0.1');
  return { app, healthUrl: `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}/api/health` };
}

/** Runs `work` while a 5 ms ticker on the server's own event loop records the longest gap, and /api/health is asked meanwhile. */
async function watched<T>(
  healthUrl: string,
  work: () => Promise<T>,
): Promise<{ result: T; longestGapMs: number; healthAnsweredDuring: number; healthStatuses: number[] }> {
  let last = performance.now();
  let longestGapMs = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGapMs = Math.max(longestGapMs, now - last);
    last = now;
  }, 5);
  let done = false;
  let healthAnsweredDuring = 0;
  const healthStatuses: number[] = [];
  const client = (async () => {
    while (!done) {
      const response = await fetch(healthUrl);
      await response.arrayBuffer();
      healthStatuses.push(response.status);
      if (!done) healthAnsweredDuring++;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    const result = await work();
    return { result, longestGapMs: Math.max(longestGapMs, performance.now() - last), healthAnsweredDuring, healthStatuses };
  } finally {
    done = true;
    clearInterval(ticker);
    await client;
  }
}

/**
 * Scoring from the logs in the scoring workers (piscina; each reads its share of the teams over its
 * own read-only connection) gives the very bytes the server thread's paged path gives, and the
 * server keeps answering while it runs.
 */
describe('scoring in worker threads', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'soc-drill-scoring-workers-'));
  let app: INestApplication | undefined;

  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('scores a finished exercise in the workers exactly as in the server thread, and health answers meanwhile', async () => {
    const s = scenario();
    let booted = await boot(dataDir, '2');
    app = booted.app;
    await seedFinished(app, s);
    const calculator = app.get(ScoreCalculator);

    // Starts the workers: from the TypeScript sources each compiles the scorer's imports first, which
    // a build never does and which is not what is measured here.
    await app.get(ExerciseScoresService).scoresFromLogs(EXERCISE_ID, { detail: 'totals' });
    const inWorkers = await watched(booted.healthUrl, () => app!.get(ExerciseScoresService).scoresFromLogs(EXERCISE_ID, { detail: 'full' }));
    expect(calculator.lastTiming).toMatchObject({ place: 'workers', teams: TEAMS });
    expect(calculator.lastTiming?.rows.events).toBe(TEAMS * ALERTS);
    // Generous on a shared machine: the point is that the read and the fold are not on this loop.
    expect(inWorkers.longestGapMs).toBeLessThan(250);
    expect(inWorkers.healthStatuses.every((status) => status === 200)).toBe(true);

    const stored = await watched(booted.healthUrl, () => app!.get(ExerciseScoresService).storeFinal(EXERCISE_ID, { reason: 'test', actor: null }));
    expect(calculator.lastTiming?.place).toBe('workers');
    expect(stored.longestGapMs).toBeLessThan(250);
    expect(stored.healthAnsweredDuring).toBeGreaterThan(0);
    const storedJson = (await sql(
      app.get(DataSource),
      'SELECT team_id, score_json, score_inputs, summary_json, rank FROM exercise_scores WHERE exercise_id = ? ORDER BY team_id',
      [EXERCISE_ID],
    )) as Array<Record<string, unknown>>;
    // The stored version's full scores, recomputed in the workers from the log and the recorded inputs.
    const fullFromWorkers = await app.get(ExerciseScoresService).exerciseScores(EXERCISE_ID, { detail: 'full' });
    expect(calculator.lastTiming).toMatchObject({ place: 'workers', teams: TEAMS });
    await app.close();
    app = undefined;

    // The same data folder, scored in the server thread (paged reads).
    booted = await boot(dataDir, '0');
    app = booted.app;
    const inServer = await app.get(ExerciseScoresService).scoresFromLogs(EXERCISE_ID, { detail: 'full' });
    expect(app.get(ScoreCalculator).lastTiming).toMatchObject({ place: 'server thread', teams: TEAMS });
    const { computedAt: _a, ...workerScores } = inWorkers.result;
    const { computedAt: _b, ...serverScores } = inServer;
    expect(JSON.stringify(workerScores)).toBe(JSON.stringify(serverScores));
    // The scores differ between teams (the comparison is not of empty or uniform scores).
    expect(new Set(inServer.teams.map((t) => t.score.total)).size).toBeGreaterThan(3);
    expect(inServer.teams[0]!.score.components.detection.items.length).toBeGreaterThan(0);

    // And the version stored from the workers is the one the server thread stores.
    await sql(app.get(DataSource), 'DELETE FROM exercise_scores WHERE exercise_id = ?', [EXERCISE_ID]);
    await app.get(ExerciseScoresService).storeFinal(EXERCISE_ID, { reason: 'test', actor: null });
    const storedInServer = (await sql(
      app.get(DataSource),
      'SELECT team_id, score_json, score_inputs, summary_json, rank FROM exercise_scores WHERE exercise_id = ? ORDER BY team_id',
      [EXERCISE_ID],
    )) as Array<Record<string, unknown>>;
    expect(storedInServer).toHaveLength(TEAMS);
    expect(storedInServer).toEqual(storedJson);
    // Line items are not stored: only what they are recomputed from.
    expect(storedInServer[0]!.score_json).toBe('');
    expect(String(storedInServer[0]!.score_inputs).length).toBeLessThan(1_000);
    // The full scores read from the stored version, in the server thread and in the workers, are the fresh computation's bytes.
    const fullInServer = await app.get(ExerciseScoresService).exerciseScores(EXERCISE_ID, { detail: 'full' });
    expect(app.get(ScoreCalculator).lastTiming?.place).toBe('server thread');
    const { computedAt: _c, ...storedFull } = fullInServer;
    const { computedAt: _d, ...storedFullFromWorkers } = fullFromWorkers;
    expect(JSON.stringify(storedFull)).toBe(JSON.stringify(serverScores));
    expect(JSON.stringify(storedFullFromWorkers)).toBe(JSON.stringify(serverScores));

    // A version stored before line items were recomputed keeps its full JSON, and is read from it.
    const kept = { ...JSON.parse(JSON.stringify(inServer.teams[0]!.score)), endMs: 1 } as (typeof inServer.teams)[0]['score'];
    await sql(app.get(DataSource), 'UPDATE exercise_scores SET score_json = ?, score_inputs = NULL WHERE exercise_id = ? AND team_id = ?', [
      JSON.stringify(kept),
      EXERCISE_ID,
      inServer.teams[0]!.teamId,
    ]);
    expect(await app.get(ExerciseScoresService).teamScore(EXERCISE_ID, inServer.teams[0]!.teamId, { detail: 'full' })).toEqual(kept);
  }, 180_000);
});
