import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench-result.js';
import { benchFanout } from './fanout.bench.js';
import { benchMemory } from './memory.bench.js';
import { benchScenarioLoad } from './scenario-load.bench.js';
import { benchScoring } from './scoring.bench.js';
import { benchTriageActions } from './triage-actions.bench.js';
import { benchTiming } from './timing.bench.js';

type Bench = (root: string) => BenchResult[] | Promise<BenchResult[]>;

/** Every benchmark of the project; later capabilities add theirs here. */
const BENCHES: ReadonlyArray<{ name: string; run: Bench }> = [
  { name: 'scenario-load', run: benchScenarioLoad },
  { name: 'fanout', run: benchFanout },
  { name: 'timing', run: benchTiming },
  { name: 'memory', run: benchMemory },
  { name: 'triage-actions', run: benchTriageActions },
  { name: 'scoring', run: benchScoring },
];

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let failed = 0;
  for (const bench of BENCHES) {
    if (only && !only.split(',').includes(bench.name)) continue;
    for (const result of await bench.run(root)) {
      if (result.ok === false) failed++;
      // Benchmarks are a terminal program: stdout is their output.
      if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        const verdict = result.ok === undefined ? '' : result.ok ? '  OK' : '  BELOW TARGET';
        const target = result.target === undefined ? '' : ` (target ${result.target})`;
        const ratio = result.ratio === undefined ? '' : ` ratio ${result.ratio.toFixed(2)} vs baseline ${result.baseline}`;
        process.stdout.write(`${result.name}: ${result.value} ${result.unit}${target}${ratio}${verdict}${result.notes ? `  — ${result.notes}` : ''}\n`);
      }
    }
  }
  return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 2;
  },
);
