import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExerciseDto } from '../../src/contracts/exercise.schema';
import type { TriageAction } from '../../src/contracts/triage.schema';
import { parseScenario } from '../../src/scenarios/scenario-parser';
import { simulate, type SolverName } from '../../src/scoring/solver';
import type { ScoringAction } from '../../src/scoring/score';
import { renameActionAlertIds } from '../../src/exercises/alert-refs';
import { api } from '../support/api';

export const SCENARIOS_DIR = join(__dirname, '..', '..', 'scenarios');

/** The solver's action log for one bundled scenario (same engine, same seed as the exercise). */
export function solverActions(
  scenarioName: string,
  solver: SolverName,
  seed: number,
): { actions: readonly ScoringAction[]; total: number; durationMs: number } {
  const parsed = parseScenario(readFileSync(join(SCENARIOS_DIR, `${scenarioName}.yaml`), 'utf8'));
  if (!parsed.ok) throw new Error(`${scenarioName} does not parse`);
  const result = simulate({ scenario: parsed.scenario, solver, seed });
  return { actions: result.actions, total: result.score.total, durationMs: parsed.scenario.duration * 1000 };
}

export interface PlayingTeam {
  readonly teamId: string;
  /** Access tokens of the team's members; each alert is handled by one of them (alert ownership). */
  readonly tokens: readonly string[];
  readonly actions: readonly ScoringAction[];
}

function hash(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return h;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Replays solver action logs through the real API (the exercise must be started): the instructor seeks the shared clock to each
 * action's virtual time, then each team posts its actions there (POST /exercises/:id/actions).
 * Alert actions go to one member per alert (ownership); the rest alternate between members.
 * Solver logs name alerts by scenario event id; trainees name them by the exercise's opaque
 * references, so `ref` (see alertRefsOf in tests/support/test-app.ts) renames them before posting.
 * Returns the number of actions the server refused (expected 0).
 */
export async function play(
  baseUrl: string,
  instructor: string,
  exercise: ExerciseDto,
  teams: readonly PlayingTeam[],
  durationMs: number,
  ref: (eventId: string) => string,
): Promise<{ refused: string[] }> {
  const refused: string[] = [];
  let clockMs = 0;
  const seek = async (virtualMs: number) => {
    const target = Math.min(virtualMs, durationMs - 5_000);
    if (target <= clockMs) return;
    const response = await api<{ virtualMs: number }>(baseUrl, instructor, 'POST', `/exercises/${exercise.id}/seek`, { virtualMs: target });
    if (response.status === 200) clockMs = Math.max(clockMs, response.body.virtualMs);
    else if ((response.body as { error?: { code?: string } }).error?.code !== 'SEEK_BACKWARDS')
      throw new Error(`seek: ${response.status} ${JSON.stringify(response.body)}`);
  };
  const times = [...new Set(teams.flatMap((t) => t.actions.map((a) => a.virtualMs)))].sort((a, b) => a - b);
  const rr = new Map<string, number>();
  const post = async (team: PlayingTeam, recorded: ScoringAction): Promise<void> => {
    const action = renameActionAlertIds(recorded.action as unknown as TriageAction, (id) => ref(id)) as unknown as Record<string, unknown>;
    const alertId = typeof action.alertId === 'string' && String(action.type).startsWith('alert.') ? action.alertId : null;
    const n = rr.get(team.teamId) ?? 0;
    rr.set(team.teamId, n + 1);
    const token = team.tokens[(alertId === null ? n : hash(alertId)) % team.tokens.length]!;
    const body = { ...action, actionId: randomUUID(), exerciseId: exercise.id };
    for (let attempt = 0; ; attempt += 1) {
      const response = await api<{ error?: { code: string; message: string } }>(baseUrl, token, 'POST', `/exercises/${exercise.id}/actions`, body);
      if (response.status === 200) return;
      const code = response.body.error?.code;
      if (code === 'RATE_LIMITED' && attempt < 50) {
        await sleep(120);
        continue;
      }
      if (code === 'ALERT_NOT_DELIVERED' && attempt < 5) {
        // A conditional alert scheduled from a trigger our (slightly later) action fired.
        await seek(clockMs + 2_000);
        continue;
      }
      refused.push(`${String(action.type)} @${recorded.virtualMs}: ${code} ${response.body.error?.message ?? ''}`);
      return;
    }
  };
  for (const time of times) {
    await seek(time);
    await Promise.all(
      teams.map(async (team) => {
        for (const recorded of team.actions.filter((a) => a.virtualMs === time)) await post(team, recorded);
      }),
    );
  }
  const finish = await api(baseUrl, instructor, 'POST', `/exercises/${exercise.id}/finish`);
  if (finish.status !== 200) throw new Error(`finish: ${finish.status} ${JSON.stringify(finish.body)}`);
  return { refused };
}

export async function startExercise(baseUrl: string, instructor: string, exercise: ExerciseDto): Promise<void> {
  const start = await api(baseUrl, instructor, 'POST', `/exercises/${exercise.id}/start`);
  if (start.status !== 200) throw new Error(`start: ${start.status} ${JSON.stringify(start.body)}`);
}

/** RFC 4180 parser (quoted fields, doubled quotes, CRLF). */
export function parseCsv(text: string, separator = ','): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === separator) {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function hasPoppler(): boolean {
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
    execFileSync('pdftotext', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Share of non-white pixels of a binary PGM (P5) image, as `pdftoppm -gray` writes it. */
export function inkShare(pgm: Buffer): number {
  let offset = 0;
  const tokens: string[] = [];
  while (tokens.length < 4) {
    while (offset < pgm.length && /\s/.test(String.fromCharCode(pgm[offset]!))) offset += 1;
    if (pgm[offset] === 0x23) {
      while (offset < pgm.length && pgm[offset] !== 0x0a) offset += 1;
      continue;
    }
    let token = '';
    while (offset < pgm.length && !/\s/.test(String.fromCharCode(pgm[offset]!))) token += String.fromCharCode(pgm[offset++]!);
    tokens.push(token);
  }
  offset += 1;
  if (tokens[0] !== 'P5') throw new Error(`not a binary PGM: ${tokens[0]}`);
  const width = Number(tokens[1]);
  const height = Number(tokens[2]);
  let ink = 0;
  for (let i = 0; i < width * height; i += 1) if (pgm[offset + i]! < 200) ink += 1;
  return ink / (width * height);
}
