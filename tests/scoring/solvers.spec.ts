import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../../src/contracts/scenario.schema.js';
import { deliveredEventsFor } from '../../src/engine/index.js';
import { parseScenario } from '../../src/scenarios/scenario-parser.js';
import { rankTeams, scoreTeam } from '../../src/scoring/score-team.js';
import { simulate } from '../../src/scoring/solver.js';

/**
 * The answer-key checks CI runs for every bundled scenario and every valid fixture: a solver that
 * follows the key scores exactly maxScore, doing nothing scores at most 5 %, and calling every
 * alert a high-severity true positive escalated to everyone scores at most half of perfect.
 */

const root = join(__dirname, '..', '..');
const folders = [join(root, 'scenarios'), join(root, 'tests', 'fixtures', 'scenarios', 'valid')];
const files = folders.flatMap((folder) =>
  readdirSync(folder)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.schema.json'))
    .sort()
    .map((f) => join(folder, f)),
);

function load(file: string): Scenario {
  const parsed = parseScenario(readFileSync(file));
  if (!parsed.ok) throw new Error(`${file}: ${JSON.stringify(parsed.problems.slice(0, 3))}`);
  return parsed.scenario;
}

describe.each(files.map((f) => [f.slice(root.length + 1), f]))('%s', (_name, file) => {
  const scenario = load(file);
  const perfect = simulate({ scenario, solver: 'perfect', seed: 1 });

  it('perfect solver scores exactly maxScore', () => {
    const lost = Object.values(perfect.score.components)
      .flatMap((c) => c.items)
      .filter((i) => i.points < i.maxPoints || i.points < 0)
      .map((i) => `${i.id}: ${i.note}`);
    expect(lost).toEqual([]);
    expect(perfect.score.total).toBe(scenario.scoring.maxScore);
  });

  it('idle solver scores at most 5 %', () => {
    expect(simulate({ scenario, solver: 'idle', seed: 1 }).score.total).toBeLessThanOrEqual(0.05 * scenario.scoring.maxScore);
  });

  it('naive solver scores at most half of perfect', () => {
    expect(simulate({ scenario, solver: 'naive', seed: 1 }).score.total).toBeLessThanOrEqual(0.5 * perfect.score.total);
  });

  it("the engine replay of the solver's actions delivers the same events, and scoring from the log alone gives the same score", () => {
    const replay = deliveredEventsFor({ scenario, seed: 1, actions: perfect.engineActions, upToVirtualMs: perfect.endMs });
    expect(replay.delivered.map((d) => [d.eventId, d.virtualMs])).toEqual(perfect.delivered.map((d) => [d.eventId, d.virtualMs]));
    const fromLog = scoreTeam({ scenario, seed: 1, teamId: 'solver-team', delivered: replay.delivered, actions: perfect.actions, endMs: perfect.endMs });
    expect(JSON.stringify(fromLog)).toBe(JSON.stringify(perfect.score));
  });
});

describe('solver determinism and ranking', () => {
  const scenario = load(join(root, 'scenarios', 'portal-defacement.yaml'));

  it('two runs with the same seed give byte-identical scores', () => {
    expect(JSON.stringify(simulate({ scenario, solver: 'naive', seed: 42 }).score)).toBe(
      JSON.stringify(simulate({ scenario, solver: 'naive', seed: 42 }).score),
    );
  });

  it('ranks teams by total, ties by the earlier last scoring action', () => {
    const perfect = simulate({ scenario, solver: 'perfect' }).score;
    const naive = simulate({ scenario, solver: 'naive' }).score;
    const idle = simulate({ scenario, solver: 'idle' }).score;
    const ranked = rankTeams([
      { ...idle, teamId: 'c' },
      { ...naive, teamId: 'b' },
      { ...perfect, teamId: 'a2', lastScoringActionMs: (perfect.lastScoringActionMs ?? 0) + 1 },
      { ...perfect, teamId: 'a1' },
    ]);
    expect(ranked.map((r) => [r.rank, r.teamId])).toEqual([
      [1, 'a1'],
      [2, 'a2'],
      [3, 'b'],
      [4, 'c'],
    ]);
    const tied = rankTeams([
      { ...idle, teamId: 'x' },
      { ...idle, teamId: 'y' },
    ]);
    expect(tied.map((r) => r.rank)).toEqual([1, 1]);
  });
});
