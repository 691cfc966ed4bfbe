import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseScenario } from '../scenarios/scenario-parser.js';
import { type BenchResult, judged } from './bench-result.js';
import { generateScenario } from './generated-scenario.js';

const EVENTS = 100_000;

/**
 * The scenario is the generated one (see generated-scenario.ts): 100 000 timeline alerts, each with
 * id, at, layer, sensor, severity, bilingual title and description, asset, phase/technique where
 * the kind has them, one or two observables, a raw log line on one in four, and the answer key;
 * serialized as UTF-8 JSON (Vietnamese texts are not escaped), about 640 bytes per alert.
 *
 * Loading = bytes → parsed, shape-validated and meaning-checked scenario, as the server and
 * the CLI do it. Best of several runs, after a warm-up, so JIT and GC noise do not dominate.
 */
export function benchScenarioLoad(root: string): BenchResult[] {
  const base = readFileSync(join(root, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');
  const text = JSON.stringify(generateScenario(base, EVENTS));
  const bytes = Buffer.from(text, 'utf8');
  const options = { maxBytes: 256 * 1024 * 1024 };
  const warm = parseScenario(bytes, options);
  if (!warm.ok) throw new Error(`generated scenario is invalid: ${warm.problems.slice(0, 3).map((p) => `${p.path} ${p.message}`).join('; ')}`);
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    const result = parseScenario(bytes, options);
    const elapsed = performance.now() - started;
    if (!result.ok || result.scenario.timeline.length !== EVENTS) throw new Error('generated scenario failed to load');
    best = Math.min(best, elapsed);
  }
  return [
    judged(
      {
        name: 'scenario.load.events_per_s',
        value: Math.round(EVENTS / (best / 1000)),
        unit: 'events/s',
        target: 250_000,
        notes: `${EVENTS} events, ${(bytes.length / 1e6).toFixed(1)} MB JSON (${Math.round(bytes.length / EVENTS)} B/event), best of 5: ${best.toFixed(0)} ms`,
      },
      true,
    ),
  ];
}
