import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../contracts/scenario.schema.js';
import { compileScenario, deliveryJitterMs } from '../engine/compiled-scenario.js';
import { fixtureAlert, fixtureScenario, fixtureTrigger } from '../engine/engine-fixtures.js';
import { ExerciseEngine } from '../engine/exercise-engine.js';
import { TeamStream } from '../engine/team-stream.js';
import { parseScenario } from './scenario-parser.js';

const MIN = 60_000;
const SCENARIOS = join(__dirname, '..', '..', 'scenarios');

function bundled(): Scenario[] {
  return readdirSync(SCENARIOS)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => {
      const parsed = parseScenario(readFileSync(join(SCENARIOS, f)));
      if (!parsed.ok) throw new Error(`${f} does not parse`);
      return parsed.scenario;
    });
}

/** Every event an idle team is shown over the whole drill, by origin (timeline vs generated noise). */
function deliveredInstants(scenario: Scenario, seed: number): { timeline: number[]; noise: number[] } {
  const engine = new ExerciseEngine({ scenario, seed, teamIds: ['t'] });
  engine.start(0);
  const batches = engine.tick(scenario.duration * 1000);
  const out = { timeline: [] as number[], noise: [] as number[] };
  for (const event of batches.batches.get('t')?.events ?? []) if (event.origin !== 'inject') out[event.origin].push(event.virtualMs);
  return out;
}

/** Kolmogorov–Smirnov distance between two samples of sub-minute offsets (0…59 s). */
function ksDistance(a: readonly number[], b: readonly number[]): number {
  let worst = 0;
  for (let s = 0; s < 60; s++) {
    const fa = a.filter((x) => x <= s).length / a.length;
    const fb = b.filter((x) => x <= s).length / b.length;
    worst = Math.max(worst, Math.abs(fa - fb));
  }
  return worst;
}

describe('delivery instants', () => {
  const scenarios = bundled();
  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];

  it('fall on whole seconds, timeline and noise alike, in every bundled drill', () => {
    for (const scenario of scenarios) {
      for (const seed of seeds.slice(0, 2)) {
        const { timeline, noise } = deliveredInstants(scenario, seed);
        expect(timeline.length).toBeGreaterThan(0);
        expect([...timeline, ...noise].filter((ms) => ms % 1000 !== 0)).toEqual([]);
      }
    }
  });

  it('do not tell timeline alerts from noise by their sub-minute offset: no whole-minute cluster, one distribution', () => {
    const offsets = { timeline: [] as number[], noise: [] as number[] };
    for (const scenario of scenarios) {
      for (const seed of seeds) {
        const instants = deliveredInstants(scenario, seed);
        for (const group of ['timeline', 'noise'] as const) for (const ms of instants[group]) offsets[group].push((ms % MIN) / 1000);
      }
    }
    expect(offsets.timeline.length).toBeGreaterThan(500);
    expect(offsets.noise.length).toBeGreaterThan(500);
    // Uniform over 60 seconds puts ~1.7 % on any one second; authored times used to put most timeline alerts on :00.
    for (const group of ['timeline', 'noise'] as const) {
      const atZero = offsets[group].filter((s) => s === 0).length / offsets[group].length;
      expect(atZero).toBeLessThan(0.05);
      const seconds = new Set(offsets[group]);
      expect(seconds.size).toBe(60);
    }
    expect(ksDistance(offsets.timeline, offsets.noise)).toBeLessThan(0.06);
  });

  it('are deterministic per seed and differ between seeds', () => {
    const scenario = scenarios[0]!;
    expect(deliveredInstants(scenario, 3)).toEqual(deliveredInstants(scenario, 3));
    expect(deliveredInstants(scenario, 3).timeline).not.toEqual(deliveredInstants(scenario, 4).timeline);
    expect(deliveryJitterMs(3, 'a')).toBe(deliveryJitterMs(3, 'a'));
    for (const id of ['a', 'b', 'c']) expect(deliveryJitterMs(3, id) % 1000).toBe(0);
  });

  it('put a trigger-scheduled alert on a whole second, jittered, even when an action at an odd millisecond fired it', () => {
    const scenario = fixtureScenario({
      timeline: [fixtureAlert('a1', { at: '1m' }), fixtureAlert('follow-up', { after: { trigger: 'contained', delay: '2m' } })],
      triggers: [fixtureTrigger('contained', { taken: { action: 'isolate-host' } })],
    });
    const compiled = compileScenario(scenario, 9);
    const stream = new TeamStream('t', compiled);
    const actedAt = 3 * MIN + 7_345;
    const step = stream.applyAction({ type: 'response', actionId: 'r1', virtualMs: actedAt, action: 'isolate-host', target: 'web-01' });
    const due = step.fired[0]!.scheduled[0]!.dueMs;
    expect(due % 1000).toBe(0);
    expect(due).toBe(Math.ceil((actedAt + 2 * MIN) / 1000) * 1000 + deliveryJitterMs(9, 'follow-up'));
    // The authored one moved by its own jitter.
    expect(compiled.events[0]!.atMs).toBe(MIN + deliveryJitterMs(9, 'a1'));
  });
});
