import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResult } from './bench-result.js';
import { benchFanout } from './fanout.bench.js';
import { benchMemory } from './memory.bench.js';
import { benchScenarioValidate } from './scenario-validate.bench.js';
import { benchScoring } from './scoring.bench.js';
import { benchTiming } from './timing.bench.js';

type Bench = (root: string) => BenchResult[] | Promise<BenchResult[]>;

/** Every benchmark of the project; later capabilities add theirs here. */
const BENCHES: ReadonlyArray<{ name: string; run: Bench }> = [
  { name: 'scenario', run: benchScenarioValidate },
  { name: 'fanout', run: benchFanout },
  { name: 'timing', run: benchTiming },
  { name: 'memory', run: benchMemory },
  { name: 'scoring', run: benchScoring },
];

/**
 * Each benchmark runs in a fresh child process: one that runs after another inherits its heap, and
 * the old-generation collections that follow land in the next benchmark's latency tails.
 */
function runIsolated(name: string): Promise<BenchResult[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--only=${name}`, '--json', '--in-process'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      const results = out
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as BenchResult);
      // Exit code 1 only says a target was missed; the results say which.
      if (code === 0 || code === 1) resolve(results);
      else reject(new Error(`benchmark ${name} exited with ${code}`));
    });
  });
}

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const inProcess = argv.includes('--in-process');
  const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  let failed = 0;
  for (const bench of BENCHES) {
    if (only && !only.split(',').includes(bench.name)) continue;
    for (const result of inProcess ? await bench.run(root) : await runIsolated(bench.name)) {
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
