import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseScenario } from '../scenarios/scenario-parser.js';
import { machineNote, round } from './bench-support.js';
import { type BenchResult, judged } from './bench-result.js';

const WARMUP = 5;
const RUNS = 21;

/**
 * Validating the flagship scenario as `POST /api/scenarios/validate` and the CLI do it: the file's
 * bytes to a parsed, shape-checked and meaning-checked scenario. Warm (after a few runs, so the JIT
 * has settled); the median, so one garbage collection does not decide the figure.
 */
export function benchScenarioValidate(root: string): BenchResult[] {
  const bytes = readFileSync(join(root, 'scenarios', 'portal-defacement.yaml'));
  const timings: number[] = [];
  for (let run = 0; run < WARMUP + RUNS; run++) {
    const started = performance.now();
    const result = parseScenario(bytes);
    const elapsed = performance.now() - started;
    if (!result.ok)
      throw new Error(
        `the flagship scenario is invalid: ${result.problems
          .slice(0, 3)
          .map((p) => `${p.path} ${p.message}`)
          .join('; ')}`,
      );
    if (run >= WARMUP) timings.push(elapsed);
  }
  timings.sort((a, b) => a - b);
  return [
    judged(
      {
        name: 'scenario.flagship_validate_ms',
        value: round(timings[RUNS >> 1]!, 1),
        unit: 'ms',
        target: 150,
        notes: `portal-defacement.yaml, ${(bytes.length / 1024).toFixed(0)} KB YAML, median of ${RUNS} warm runs (min ${round(timings[0]!, 1)}, max ${round(timings[RUNS - 1]!, 1)} ms); ${machineNote()}`,
      },
      false,
    ),
  ];
}
