import { relative } from 'node:path';
import { runSigmaRules } from '../sigma/sigma-engine.js';
import { SigmaError } from '../sigma/sigma-error.js';
import { loadSigmaRules, readNdjsonEvents } from '../sigma/sigma-loader.js';
import type { CliIo } from './cli-io.js';

export const SIGMA_USAGE = `Usage: soc-drill sigma test <rule files or folders...> --events <file.ndjson> [--json]

Runs Sigma detection rules over raw events (one JSON object per line) and prints every match
with the rule's author (Sigma rules are DRL-1.1: the author is shown wherever a match is).

Options:
  --events <file>   Events as newline-delimited JSON: Windows/Sysmon event logs, Sysmon for Linux
                    in syslog, web access logs with W3C field names, or ECS.
  --json            One JSON object per match: {"rule","title","level","author","event"}
                    ("event" counts events from 0).
  --help            Show this help.

A rule that uses a feature this evaluator does not implement is refused by name
(SIGMA_UNSUPPORTED), never evaluated in part. Exit 0 when every rule loaded, 1 when a rule or
the events file was refused, 2 on wrong usage. See docs/sigma.md.`;

function optionValue(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  if (index >= 0) return args[index + 1];
  return args.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
}

function runSigmaTest(args: readonly string[], io: CliIo): number {
  const eventsFile = optionValue(args, '--events');
  const positional = args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--events');
  if (eventsFile === undefined || eventsFile.startsWith('--')) {
    io.err('sigma test: give the events with --events <file.ndjson>');
    return 2;
  }
  if (positional.length === 0) {
    io.err('sigma test: give at least one rule file or folder');
    return 2;
  }
  const shown = (file: string): string => relative(io.cwd, file) || file;
  const { rules, problems } = loadSigmaRules(positional);
  for (const { file, error } of problems) io.err(`${shown(file)}: ${error.message} [${error.code}]`);
  if (problems.length > 0) {
    io.err(`${problems.length} rule file(s) refused: no rule was run`);
    return 1;
  }
  if (rules.length === 0) {
    io.err('sigma test: no .yml or .yaml rule file found');
    return 1;
  }
  for (const { file, rule } of rules) for (const warning of rule.warnings) io.err(`${shown(file)}: ${warning} (warning)`);
  let events: Record<string, unknown>[];
  try {
    events = readNdjsonEvents(eventsFile);
  } catch (error) {
    if (error instanceof SigmaError) {
      io.err(`${shown(eventsFile)}: ${error.message} [${error.code}]`);
      return 1;
    }
    io.err(`${shown(eventsFile)}: cannot read the events file`);
    return 1;
  }
  const matches = runSigmaRules(
    rules.map((loaded) => loaded.rule),
    events,
  );
  if (args.includes('--json')) {
    for (const match of matches) io.out(JSON.stringify(match));
    return 0;
  }
  for (const match of matches) {
    io.out(`event ${match.event}: [${match.level ?? 'no level'}] ${match.title} (${match.rule ?? 'no id'}) — author: ${match.author ?? 'not given'}`);
  }
  io.out(`${matches.length} match(es) of ${rules.length} rule(s) on ${events.length} event(s)`);
  return 0;
}

/** `soc-drill sigma …` */
export function runSigma(args: readonly string[], io: CliIo): number {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help' || rest.includes('--help') || rest.includes('-h')) {
    io.out(SIGMA_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'test') return runSigmaTest(rest, io);
  io.err(`sigma: unknown subcommand "${sub}".\n${SIGMA_USAGE}`);
  return 2;
}
