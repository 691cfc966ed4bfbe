/**
 * `npm run bench`: the benchmarks of real drill load. They talk to the server as its clients do
 * (REST and socket.io), starting it through `createApp` from the build, so refactors inside src/
 * do not break them. `--json` prints one JSON object per figure per line; `--only=drill,timing`
 * (or `--only drill`) runs a subset. Each benchmark runs in a fresh child process, so the heap one
 * leaves behind cannot put its garbage collections into the next one's latency tails.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { benchCluster } from './cluster.bench.js';
import { benchDrill } from './drill/drill.bench.js';
import { benchLogSearch } from './log-search.bench.js';
import { benchMemory } from './memory.bench.js';
import { benchScenario } from './scenario.bench.js';
import { benchScoring } from './scoring.bench.js';
import type { BenchResult } from './support/bench-result.js';
import { benchTiming } from './timing.bench.js';

const BENCHES: ReadonlyArray<{ name: string; run: () => Promise<BenchResult[]> }> = [
  { name: 'drill', run: benchDrill },
  { name: 'timing', run: benchTiming },
  { name: 'memory', run: benchMemory },
  { name: 'scoring', run: benchScoring },
  { name: 'scenario', run: benchScenario },
  { name: 'search', run: benchLogSearch },
  { name: 'cluster', run: benchCluster },
];

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

function onlyOf(argv: readonly string[]): string[] | null {
  const inline = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const index = argv.indexOf('--only');
  const value = inline ?? (index >= 0 ? argv[index + 1] : undefined);
  return value ? value.split(',') : null;
}

async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const inProcess = argv.includes('--in-process');
  const only = onlyOf(argv);
  const unknown = (only ?? []).filter((name) => !BENCHES.some((b) => b.name === name));
  if (unknown.length > 0) throw new Error(`unknown benchmark ${unknown.join(', ')}; known: ${BENCHES.map((b) => b.name).join(', ')}`);
  let failed = 0;
  for (const bench of BENCHES) {
    if (only && !only.includes(bench.name)) continue;
    for (const result of inProcess ? await bench.run() : await runIsolated(bench.name)) {
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
