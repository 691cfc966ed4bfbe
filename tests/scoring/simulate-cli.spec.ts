import { join } from 'node:path';
import { runCli } from '../../src/cli/soc-drill.js';

const root = join(__dirname, '..', '..');

function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: root });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('soc-drill simulate', () => {
  it('prints one JSON object with the score and its components', () => {
    const result = run('simulate', join(root, 'tests/fixtures/scenarios/valid/minimal.yaml'), '--solver', 'perfect', '--seed', '3', '--json');
    expect(result.code).toBe(0);
    const json = JSON.parse(result.out) as Record<string, unknown>;
    expect(json).toMatchObject({
      scenario: 'fixture-minimal',
      solver: 'perfect',
      seed: '3',
      score: 1000,
      maxScore: 1000,
      index: 1,
      components: { detection: 300, response: 300, coordination: 250, incident: 150 },
    });
  });

  it('adds the full breakdown with --full and prints a table without --json', () => {
    const full = JSON.parse(run('simulate', join(root, 'tests/fixtures/scenarios/valid/minimal.yaml'), '--solver=idle', '--json', '--full').out) as {
      breakdown: { components: unknown };
    };
    expect(full.breakdown.components).toBeDefined();
    const text = run('simulate', join(root, 'tests/fixtures/scenarios/valid/minimal.yaml'), '--solver', 'naive');
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^fixture-minimal — solver naive, seed 1: [\d.]+ \/ 1000/);
  });

  it('refuses bad usage and invalid files', () => {
    expect(run('simulate').code).toBe(2);
    expect(run('simulate', 'scenarios/portal-defacement.yaml', '--solver', 'genius').code).toBe(2);
    expect(run('simulate', 'scenarios/portal-defacement.yaml', '--seed', 'abc').code).toBe(2);
    expect(run('simulate', join(root, 'tests/fixtures/scenarios/invalid/unknown-asset.yaml')).code).toBe(1);
    expect(run('simulate', 'nope.yaml').code).toBe(1);
  });
});
