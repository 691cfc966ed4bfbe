import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { DEFAULT_SCENARIO_MAX_BYTES, formatProblem, parseScenario } from '../scenarios/scenario-parser.js';
import { scenarioJsonSchemaText } from '../scenarios/scenario-json-schema.js';

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
    if (result.ok) continue;
    invalid++;
    for (const problem of result.problems) io.err(formatProblem(shown, problem));
  }
  io.out(`${files.length - invalid} of ${files.length} scenario file(s) valid`);
  return ok && invalid === 0 ? 0 : 1;
}

export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return runValidate(rest, io);
    case 'schema':
      io.out(scenarioJsonSchemaText().trimEnd());
      return 0;
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
