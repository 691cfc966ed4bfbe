import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { DEFAULT_SCENARIO_MAX_BYTES, formatProblem, parseScenario } from '../scenarios/scenario-parser.js';
import { scenarioJsonSchemaText } from '../scenarios/scenario-json-schema.js';
import { SOLVERS, simulate, simulationSummary, type SolverName } from '../scoring/solver.js';
import { runSigma } from './sigma-command.js';

export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly cwd: string;
}

const SCENARIO_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
const USAGE = `Usage: soc-drill <command> [options]

Commands:
  validate <files or folders...>   Check scenario files (YAML or JSON). Exit 0 when all are valid.
  schema                           Print the scenario JSON Schema.
  simulate <file> --solver perfect|naive|idle [--seed N] [--json] [--full]
                                   Play the scenario headless (real engine, triage and scoring)
                                   with a built-in solver and print its score. --full adds the
                                   whole breakdown (line items) to the JSON.
  sigma test <rules...> --events <file.ndjson> [--json]
                                   Run Sigma rules over raw events; see soc-drill sigma --help.
  help                             Show this help.`;

function collectFiles(target: string, io: CliIo, into: string[]): boolean {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    io.err(`${target}:1:1  (file)  no such file or folder [SCENARIO_NOT_FOUND]`);
    return false;
  }
  if (stats.isDirectory()) {
    for (const entry of readdirSync(target).sort()) {
      const child = join(target, entry);
      const childStats = statSync(child);
      if (childStats.isDirectory()) collectFiles(child, io, into);
      else if (SCENARIO_EXTENSIONS.has(extname(entry)) && !entry.endsWith('.schema.json')) into.push(child);
    }
  } else into.push(target);
  return true;
}

export function runValidate(args: readonly string[], io: CliIo): number {
  if (args.length === 0) {
    io.err('validate: give at least one file or folder');
    return 2;
  }
  const files: string[] = [];
  let ok = true;
  for (const arg of args) ok = collectFiles(arg, io, files) && ok;
  let invalid = 0;
  for (const file of files) {
    const shown = relative(io.cwd, file) || file;
    const bytes = readFileSync(file);
    const result = parseScenario(bytes, { maxBytes: DEFAULT_SCENARIO_MAX_BYTES });
    if (result.ok) {
      // A warning does not fail validation: it goes to stdout, errors to stderr.
      for (const warning of result.warnings) io.out(`${formatProblem(shown, warning)} (warning)`);
      continue;
    }
    invalid++;
    for (const problem of result.problems) io.err(formatProblem(shown, problem));
  }
  io.out(`${files.length - invalid} of ${files.length} scenario file(s) valid`);
  return ok && invalid === 0 ? 0 : 1;
}

function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

export function runSimulate(args: readonly string[], io: CliIo): number {
  const valued = new Set(['--solver', '--seed']);
  const positional = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
  const solver = optionValue(args, '--solver') ?? 'perfect';
  const seedText = optionValue(args, '--seed');
  if (positional.length !== 1) {
    io.err('simulate: give exactly one scenario file');
    return 2;
  }
  if (!(SOLVERS as readonly string[]).includes(solver)) {
    io.err(`simulate: --solver must be one of ${SOLVERS.join(', ')}`);
    return 2;
  }
  if (seedText !== undefined && !/^\d{1,15}$/.test(seedText)) {
    io.err('simulate: --seed must be a non-negative integer');
    return 2;
  }
  const file = positional[0]!;
  const shown = relative(io.cwd, file) || file;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    io.err(`${shown}:1:1  (file)  no such file or folder [SCENARIO_NOT_FOUND]`);
    return 1;
  }
  const parsed = parseScenario(bytes, { maxBytes: DEFAULT_SCENARIO_MAX_BYTES });
  if (!parsed.ok) {
    for (const problem of parsed.problems) io.err(formatProblem(shown, problem));
    return 1;
  }
  const result = simulate({ scenario: parsed.scenario, solver: solver as SolverName, seed: seedText === undefined ? 1 : Number(seedText) });
  const summary = simulationSummary(result);
  if (args.includes('--json')) {
    io.out(JSON.stringify(args.includes('--full') ? { ...summary, breakdown: result.score } : summary));
    return 0;
  }
  const c = result.score.components;
  io.out(`${result.scenarioId} — solver ${solver}, seed ${result.seed}: ${result.score.total} / ${result.score.maxScore} (index ${result.score.index})`);
  for (const component of [c.detection, c.response, c.coordination, c.incident]) {
    io.out(`  ${component.id.padEnd(13)} ${String(component.score).padStart(8)} / ${component.effectiveWeight}${component.applicable ? '' : '  (not applicable)'}`);
  }
  io.out(`  ${result.delivered.length} alerts delivered, ${result.actions.length} actions, triggers fired: ${result.fired.map((f) => f.triggerId).join(', ') || 'none'}`);
  return 0;
}

export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return runValidate(rest, io);
    case 'schema':
      io.out(scenarioJsonSchemaText().trimEnd());
      return 0;
    case 'simulate':
      return runSimulate(rest, io);
    case 'sigma':
      return runSigma(rest, io);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`Unknown command "${command}".\n${USAGE}`);
      return 2;
  }
}
