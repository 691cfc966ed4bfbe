import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SCENARIO_MAX_BYTES, formatProblem, parseScenario, type ScenarioProblem } from '../scenarios/scenario-parser.js';
import { formatRulesProblem, loadRules } from '../scenarios/rule-packs.js';
import { readRulesFiles } from '../scenarios/rules-files.js';
import { scenarioJsonSchemaText } from '../scenarios/scenario-json-schema.js';
import { SOLVERS, simulate, simulationSummary, type SolverName } from '../scoring/solver.js';
import type { CliIo } from './cli-io.js';
import { BACKUP_USAGE, runBackup, type BackupIo } from './backup-command.js';
import { runSigma } from './sigma-command.js';
import { IMPORT_USAGE, runImport } from './import-command.js';

export type { CliIo } from './cli-io.js';

const SCENARIO_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

const COMMAND_USAGE = {
  validate: `Usage: soc-drill validate <files or folders...> [--json]

Checks scenario files (YAML or JSON), folders recursively. Problems go to stderr as
"file:line:column  path  message [code]", warnings to stdout; exit 0 when every file is valid,
1 when one is not, 2 on a usage error. --json prints one JSON document on stdout instead:
{ "valid", "files": [{ "file", "valid", "problems", "warnings" }] }.`,
  schema: `Usage: soc-drill schema

Prints the scenario JSON Schema (the same as scenarios/scenario.schema.json).`,
  simulate: `Usage: soc-drill simulate <file or bundled scenario id> [--solver perfect|naive|idle] [--seed N] [--json] [--full]

Plays the scenario headless (real engine, triage and scoring) with a built-in solver (default
perfect) and prints its score. A bundled drill can be named by its id (e.g. portal-defacement).
--json prints the summary as JSON; --full adds the whole breakdown (line items).`,
  rules: `Usage: soc-drill rules [files or folders...] [--json]

Checks the eras and reporting rule packs: the bundled rules folder, then the files or folders given
(an organisation's own, as RULES_EXTRA_DIR). Lists each era and each rule with its legal basis;
problems go to stderr as "file:line:column  path  message [code]". Exit 0 when all load, 1 when not.`,
} as const;
type Command = keyof typeof COMMAND_USAGE;

const USAGE = `Usage: soc-drill <command> [options]

Commands:
  validate <files or folders...> [--json]   Check scenario files (YAML or JSON). Exit 0 when all are valid.
  schema                                    Print the scenario JSON Schema.
  simulate <file or id> [--solver perfect|naive|idle] [--seed N] [--json] [--full]
                                            Play the scenario headless with a built-in solver and print its score.
  import <format> <files...> [--map mapping.yaml] [--out draft.yaml] [--speed N]
                                            Turn a SOC export (suricata-eve, wazuh, ecs, zeek, sysmon) into a scenario draft.
  sigma test <rules...> --events <file.ndjson> [--json]
                                            Run Sigma rules over raw events; see soc-drill sigma --help.
  backup <file> [--force] [--data-dir <folder>]
                                            Copy the embedded database, consistently, while the server runs.
  rules [files or folders...] [--json]      Check and list the eras and reporting rule packs.
  help [command]                            Show this help, or a command's.

Every command takes --help.`;

const wantsHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');

/** Options a command accepts; anything else starting with "-" is a usage error, never a file name. */
function unknownOption(args: readonly string[], known: ReadonlySet<string>): string | undefined {
  return args.find((a) => a.startsWith('-') && a !== '-' && !known.has(a.split('=')[0]!));
}

function usageError(io: CliIo, command: Command, message: string): number {
  io.err(`${command}: ${message}\n\n${COMMAND_USAGE[command]}`);
  return 2;
}

function notFoundLine(shown: string): string {
  return `${shown}:1:1  (file)  no such file or folder [SCENARIO_NOT_FOUND]`;
}

function collectFiles(target: string, into: string[]): boolean {
  let stats;
  try {
    stats = statSync(target);
  } catch {
    return false;
  }
  if (stats.isDirectory()) {
    for (const entry of readdirSync(target).sort()) {
      const child = join(target, entry);
      if (statSync(child).isDirectory()) collectFiles(child, into);
      else if (SCENARIO_EXTENSIONS.has(extname(entry)) && !entry.endsWith('.schema.json')) into.push(child);
    }
  } else into.push(target);
  return true;
}

interface FileReport {
  readonly file: string;
  readonly valid: boolean;
  readonly problems: readonly ScenarioProblem[];
  readonly warnings: readonly ScenarioProblem[];
}

/** Reads a scenario's sibling NDJSON files (paths relative to its folder; the schema refuses "..") or null. */
export function siblingReader(file: string): (path: string) => Uint8Array | null {
  return (path) => {
    const full = join(dirname(file), path);
    return existsSync(full) && statSync(full).isFile() ? readFileSync(full) : null;
  };
}

export function runValidate(args: readonly string[], io: CliIo): number {
  if (wantsHelp(args)) {
    io.out(COMMAND_USAGE.validate);
    return 0;
  }
  const unknown = unknownOption(args, new Set(['--json']));
  if (unknown !== undefined) return usageError(io, 'validate', `unknown option ${unknown}`);
  const json = args.includes('--json');
  const targets = args.filter((a) => !a.startsWith('-') || a === '-');
  if (targets.length === 0) return usageError(io, 'validate', 'give at least one file or folder');
  const reports: FileReport[] = [];
  const files: string[] = [];
  for (const target of targets) {
    if (!collectFiles(target, files)) {
      const missing: ScenarioProblem = { path: '', line: 1, column: 1, message: 'no such file or folder', code: 'SCENARIO_NOT_FOUND' };
      reports.push({ file: relative(io.cwd, target) || target, valid: false, problems: [missing], warnings: [] });
    }
  }
  for (const file of files) {
    const shown = relative(io.cwd, file) || file;
    const result = parseScenario(readFileSync(file), { maxBytes: DEFAULT_SCENARIO_MAX_BYTES, readLogFile: siblingReader(file) });
    reports.push(
      result.ok
        ? { file: shown, valid: true, problems: [], warnings: result.warnings }
        : { file: shown, valid: false, problems: result.problems, warnings: [] },
    );
  }
  const allValid = reports.every((r) => r.valid);
  if (json) {
    io.out(JSON.stringify({ valid: allValid, files: reports }));
    return allValid ? 0 : 1;
  }
  for (const report of reports) {
    // A warning does not fail validation: it goes to stdout, errors to stderr.
    for (const warning of report.warnings) io.out(`${formatProblem(report.file, warning)} (warning)`);
    for (const problem of report.problems) io.err(problem.code === 'SCENARIO_NOT_FOUND' ? notFoundLine(report.file) : formatProblem(report.file, problem));
  }
  const checked = reports.filter((r) => r.problems[0]?.code !== 'SCENARIO_NOT_FOUND');
  io.out(`${checked.filter((r) => r.valid).length} of ${checked.length} scenario file(s) valid`);
  return allValid ? 0 : 1;
}

function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  const inline = args.find((a) => a.startsWith(`${name}=`));
  return inline?.slice(name.length + 1);
}

/** Folders where bundled drills are looked up by id: the working folder's, then the package's own. */
function defaultScenarioDirs(cwd: string): string[] {
  return [join(cwd, 'scenarios'), join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios')];
}

/** A path as given, or a bundled drill's id (its file name, else the `id` inside a file of the folder). */
function resolveScenario(reference: string, io: CliIo): string | undefined {
  const asPath = join(io.cwd, reference);
  if (existsSync(reference) || existsSync(asPath)) return existsSync(reference) ? reference : asPath;
  if (!/^[a-z0-9][a-z0-9._-]{0,79}$/.test(reference)) return undefined;
  const dirs = (io.scenarioDirs ?? defaultScenarioDirs(io.cwd)).filter((d) => existsSync(d) && statSync(d).isDirectory());
  for (const dir of dirs) {
    for (const ext of SCENARIO_EXTENSIONS) if (existsSync(join(dir, `${reference}${ext}`))) return join(dir, `${reference}${ext}`);
  }
  for (const dir of dirs) {
    const files: string[] = [];
    collectFiles(dir, files);
    for (const file of files) {
      const parsed = parseScenario(readFileSync(file), { maxBytes: DEFAULT_SCENARIO_MAX_BYTES, readLogFile: siblingReader(file) });
      if (parsed.ok && parsed.scenario.id === reference) return file;
    }
  }
  return undefined;
}

export function runSimulate(args: readonly string[], io: CliIo): number {
  if (wantsHelp(args)) {
    io.out(COMMAND_USAGE.simulate);
    return 0;
  }
  const unknown = unknownOption(args, new Set(['--solver', '--seed', '--json', '--full']));
  if (unknown !== undefined) return usageError(io, 'simulate', `unknown option ${unknown}`);
  const valued = new Set(['--solver', '--seed']);
  const positional = args.filter((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
  const solver = optionValue(args, '--solver') ?? 'perfect';
  const seedText = optionValue(args, '--seed');
  if (positional.length !== 1) return usageError(io, 'simulate', 'give exactly one scenario file or bundled scenario id');
  if (!(SOLVERS as readonly string[]).includes(solver)) return usageError(io, 'simulate', `--solver must be one of ${SOLVERS.join(', ')}`);
  if (seedText !== undefined && !/^\d{1,15}$/.test(seedText)) return usageError(io, 'simulate', '--seed must be a non-negative integer');
  const reference = positional[0]!;
  const file = resolveScenario(reference, io);
  if (file === undefined) {
    io.err(`${reference}:1:1  (file)  no such file, and no bundled scenario with this id [SCENARIO_NOT_FOUND]`);
    return 1;
  }
  const shown = relative(io.cwd, file) || file;
  const parsed = parseScenario(readFileSync(file), { maxBytes: DEFAULT_SCENARIO_MAX_BYTES, readLogFile: siblingReader(file) });
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
    io.out(
      `  ${component.id.padEnd(13)} ${String(component.score).padStart(8)} / ${component.effectiveWeight}${component.applicable ? '' : '  (not applicable)'}`,
    );
  }
  io.out(
    `  ${result.delivered.length} alerts delivered, ${result.actions.length} actions, triggers fired: ${result.fired.map((f) => f.triggerId).join(', ') || 'none'}`,
  );
  return 0;
}

function runRules(args: readonly string[], io: CliIo): number {
  if (wantsHelp(args)) {
    io.out(COMMAND_USAGE.rules);
    return 0;
  }
  const bad = unknownOption(args, new Set(['--json']));
  if (bad !== undefined) return usageError(io, 'rules', `unknown option ${bad}`);
  const json = args.includes('--json');
  const bundled = [join(io.cwd, 'rules'), join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'rules')].find((d) => existsSync(d));
  let files;
  try {
    files = readRulesFiles([...(bundled === undefined ? [] : [bundled]), ...args.filter((a) => a !== '--json').map((a) => resolve(io.cwd, a))]);
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const result = loadRules(files.map((f) => ({ name: relative(io.cwd, f.name) || f.name, text: f.text })));
  if (json) {
    io.out(JSON.stringify(result.ok ? { valid: true, ...result.registry } : { valid: false, problems: result.problems }, null, 2));
    return result.ok ? 0 : 1;
  }
  if (!result.ok) {
    for (const problem of result.problems) io.err(formatRulesProblem(problem));
    return 1;
  }
  for (const era of result.registry.eras) {
    io.out(`era ${era.id}: ${era.name.en}${era.from ? ` from ${era.from}` : ''}${era.until ? ` until ${era.until}` : ''}`);
    for (const [kind, name] of Object.entries(era.partyNames)) io.out(`  ${kind}: ${name.vi}`);
  }
  for (const pack of result.registry.packs) {
    io.out(`pack ${pack.id} ${pack.version} (eras ${pack.eras.join(', ')}, in force from ${pack.effectiveFrom}): ${pack.title.en}`);
    for (const rule of pack.rules) io.out(`  ${rule.id}: ${rule.kind} to ${rule.recipients.join(', ')} — ${rule.legalBasis.vi}`);
  }
  return 0;
}

function runSchema(args: readonly string[], io: CliIo): number {
  if (wantsHelp(args)) {
    io.out(COMMAND_USAGE.schema);
    return 0;
  }
  if (args.length > 0) return usageError(io, 'schema', `unexpected argument ${args[0]!}`);
  io.out(scenarioJsonSchemaText().trimEnd());
  return 0;
}

/**
 * Every command, the asynchronous ones (backup) included; `soc-drill` runs this. runCli is the
 * synchronous part, which the tests call directly.
 */
export function runCommand(argv: readonly string[], io: BackupIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'backup') return runBackup(rest, io);
  if (command === 'import') return runImport(rest, io);
  if (command === 'help' && (rest[0] === 'backup' || rest[0] === 'import')) {
    io.out(rest[0] === 'backup' ? BACKUP_USAGE : IMPORT_USAGE);
    return Promise.resolve(0);
  }
  return Promise.resolve(runCli(argv, io));
}

export function runCli(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  switch (command) {
    case 'validate':
      return runValidate(rest, io);
    case 'schema':
      return runSchema(rest, io);
    case 'simulate':
      return runSimulate(rest, io);
    case 'sigma':
      return runSigma(rest, io);
    case 'rules':
      return runRules(rest, io);
    case 'help': {
      const topic = rest[0];
      io.out(topic !== undefined && topic in COMMAND_USAGE ? COMMAND_USAGE[topic as Command] : USAGE);
      return 0;
    }
    case undefined:
    case '--help':
    case '-h':
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.err(`Unknown command "${command}".\n${USAGE}`);
      return 2;
  }
}
