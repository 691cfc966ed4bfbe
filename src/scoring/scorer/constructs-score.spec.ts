import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../../contracts/scenario.schema.js';
import type { TeamScore } from '../../contracts/scoring.schema.js';
import type { TriageAction } from '../../contracts/triage.schema.js';
import { deliveredEventsFor, stampAction } from '../../engine/index.js';
import { parseScenario } from '../../scenarios/scenario-parser.js';
import { toEngineAction } from '../../team-state/engine-mapping.js';
import { scoreTeam } from '../score-team.js';
import { simulate } from '../solver.js';
import type { ScoringAction } from './score-types.js';

const file = join(__dirname, '..', '..', '..', 'tests', 'fixtures', 'scenarios', 'valid', 'constructs.yaml');
const parsed = parseScenario(readFileSync(file));
if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('\n'));
const scenario: Scenario = parsed.scenario;
const MIN = 60_000;
const EXERCISE = '00000000-0000-4000-8000-000000000000';

type Draft = { atMs: number } & ({ type: 'response'; action: string; target: string } | { type: 'report.file'; kind: string; recipients: string[] });

/** Plays the drafts through the real engine (so triggers fire as live) and scores the team. */
function play(drafts: readonly Draft[], endMs = 60 * MIN): TeamScore {
  const actions: ScoringAction[] = drafts.map((d, i) => {
    const { atMs, ...rest } = d;
    const base = { actionId: `00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, exerciseId: EXERCISE };
    const action = (
      rest.type === 'report.file' ? { ...base, ...rest, content: { whatHappened: 'x', affectedSystems: [], iocs: [] } } : { ...base, ...rest }
    ) as TriageAction;
    return { actionId: base.actionId, userId: 'u1', virtualMs: atMs, seq: i + 1, action };
  });
  const { delivered } = deliveredEventsFor({
    scenario,
    seed: 1,
    actions: actions.map((a) => stampAction(toEngineAction(a.action), a.virtualMs)),
    upToVirtualMs: endMs,
  });
  return scoreTeam({ scenario, seed: 1, teamId: 't', delivered, actions, teamMemberIds: ['u1'], endMs });
}

const item = (score: TeamScore, id: string) =>
  Object.values(score.components)
    .flatMap((c) => c.items)
    .find((i) => i.id === id);

describe('onlyIf: the conditional answer key', () => {
  it('leaves the entries of a trigger that never fired out of the key', () => {
    const score = play([{ atMs: 6 * MIN, type: 'response', action: 'isolate-host', target: 'web-01' }]);
    expect(item(score, 'response:r-evidence')).toMatchObject({ status: 'not-applicable', code: 'RESPONSE_CONDITION_NOT_MET', maxPoints: 0 });
    expect(item(score, 'report:rep-update')).toMatchObject({ status: 'not-applicable', code: 'REPORT_CONDITION_NOT_MET' });
    expect(item(score, 'response:r-isolate')?.points).toBeGreaterThan(0);
  });

  it('counts them for a team where the trigger fired', () => {
    const score = play([]);
    expect(item(score, 'response:r-evidence')).toMatchObject({ status: 'missed', code: 'RESPONSE_MISSED' });
    expect(item(score, 'report:rep-update')?.status).not.toBe('not-applicable');
  });

  it('charges a notFired harmful action only while its trigger has not fired', () => {
    const quiet = play([
      { atMs: 6 * MIN, type: 'response', action: 'isolate-host', target: 'web-01' },
      { atMs: 7 * MIN, type: 'response', action: 'isolate-host', target: 'db-01' },
    ]);
    expect(item(quiet, 'harmful:h-isolate-db')?.status).toBe('penalty');
    const spread = play([{ atMs: 30 * MIN, type: 'response', action: 'isolate-host', target: 'db-01' }]);
    expect(item(spread, 'harmful:h-isolate-db')).toBeUndefined();
  });
});

describe('takenAfter: ordering between responses', () => {
  // t-spread fires at 20m (web-01 not isolated), a-spread arrives a minute later plus its jitter.
  it('gives full credit when evidence is preserved before the restore', () => {
    const score = play([
      { atMs: 22 * MIN, type: 'response', action: 'preserve-evidence', target: 'db-01' },
      { atMs: 23 * MIN, type: 'response', action: 'restore-backup', target: 'db-01' },
    ]);
    expect(item(score, 'response:r-restore')?.code).toBe('RESPONSE_IN_WINDOW');
    expect(item(score, 'response:r-restore')?.points).toBeGreaterThan(0);
  });

  it('gives nothing for a restore before the evidence, and says why', () => {
    const score = play([
      { atMs: 22 * MIN, type: 'response', action: 'restore-backup', target: 'db-01' },
      { atMs: 23 * MIN, type: 'response', action: 'preserve-evidence', target: 'db-01' },
    ]);
    expect(item(score, 'response:r-restore')).toMatchObject({ status: 'missed', code: 'RESPONSE_OUT_OF_ORDER', points: 0 });
    expect(item(score, 'response:r-restore')?.note).toContain('r-evidence');
    expect(item(score, 'response:r-evidence')?.points).toBeGreaterThan(0);
  });

  it('gives nothing for a restore when the evidence was never preserved', () => {
    const score = play([{ atMs: 22 * MIN, type: 'response', action: 'restore-backup', target: 'db-01' }]);
    expect(item(score, 'response:r-restore')?.code).toBe('RESPONSE_OUT_OF_ORDER');
  });
});

describe('solvers on the constructs fixture', () => {
  it('perfect scores the maximum, idle and naive far less', () => {
    const perfect = simulate({ scenario, solver: 'perfect', seed: 1 });
    expect(perfect.score.total).toBe(1000);
    expect(simulate({ scenario, solver: 'idle', seed: 1 }).score.total).toBeLessThanOrEqual(50);
    expect(simulate({ scenario, solver: 'naive', seed: 1 }).score.total).toBeLessThanOrEqual(500);
  });

  it('the firings given by the caller agree with the replayed ones', () => {
    const run = simulate({ scenario, solver: 'naive', seed: 1 });
    const given = scoreTeam({
      scenario,
      seed: 1,
      teamId: 't',
      delivered: run.delivered,
      actions: run.actions,
      firedTriggers: run.fired.map((f) => f.triggerId),
    });
    const replayed = scoreTeam({ scenario, seed: 1, teamId: 't', delivered: run.delivered, actions: run.actions });
    expect(replayed.total).toBe(given.total);
    expect(run.fired.map((f) => f.triggerId)).toEqual(['t-spread']);
  });
});
