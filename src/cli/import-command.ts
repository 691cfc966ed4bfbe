import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { parseDuration } from '../contracts/common.schema.js';
import { formatProblem, parseScenario } from '../scenarios/scenario-parser.js';
import { buildDraft } from '../importers/import-draft.js';
import { ImportError } from '../importers/import-error.js';
import { IMPORT_FORMATS, isImportFormat } from '../importers/import-formats.js';
import { ImportMappingSchema, type ImportMapping } from '../importers/import-mapping.js';
import { formatImportSummary } from '../importers/import-summary.js';
import { DEFAULT_MAX_ALERTS, DEFAULT_MAX_EVENTS, importRecords } from '../importers/importer.js';
import { loadSigmaRules } from '../sigma/sigma-loader.js';
import type { CompiledSigmaRule } from '../sigma/sigma-rule.js';
import type { CliIo } from './cli-io.js';

/** Inputs above this are refused before a byte is read (override with --max-bytes). */
export const DEFAULT_IMPORT_MAX_BYTES = 256 * 1024 * 1024;

export const IMPORT_USAGE = `Usage: soc-drill import <format> <files...> [--map mapping.yaml] [--out draft.yaml] [options]

Turns a SOC's export into a scenario draft: alert records become timeline alerts (each keyed as
a true positive for the author to complete), the other records raw events for the log corpus.
Formats: ${IMPORT_FORMATS.join(', ')} (JSON lines or a JSON array; Zeek also TSV with #fields).

Options:
  --map <file>          Mapping file (YAML): named assets, renames, what to keep, the data's
                        sources and licence. See docs/import.md.
  --out <file>          Write the draft here (raw events beside it as <name>.events.ndjson) and
                        the summary on stdout; without it the draft goes to stdout, the summary to stderr.
  --id <id>             The scenario id (default: from the first file's name).
  --title <text>        Title of the draft.
  --speed <n>           Compress time n times (10: ten hours of records become one hour). Default 1.
  --fit <duration>      Compress time so that the records fit in this duration (e.g. 2h): sets the speed.
  --sigma <rules>       Sigma rule file or folder (may be repeated): an event a rule matches also
                        becomes a timeline alert showing the rule's author (DRL-1.1).
  --inline-events       Put the raw events in the draft (logs.events) instead of a sibling file.
  --max-alerts <n>      Keep at most n alerts (default ${DEFAULT_MAX_ALERTS}); the rest are counted as skipped.
  --max-events <n>      Keep at most n raw events (default ${DEFAULT_MAX_EVENTS}).
  --max-bytes <n>       Refuse an input file above n bytes (default ${DEFAULT_IMPORT_MAX_BYTES}; k, m, g suffixes).
  --report <file>       Write the summary and the renaming report as JSON.
  --json                Print the summary as JSON instead of text.

Addresses and names are renamed the same way in every field and raw line: private addresses to
the draft's assets (10.20.0.0/16), public ones to the RFC 5737 documentation ranges, domains to
.example. The same input gives byte-identical output. Exit 0 when the draft validates, 1 when an
input was refused (IMPORT_*) or the draft does not validate, 2 on wrong usage.`;

const VALUED = new Set(['--sigma', '--fit', '--map', '--out', '--id', '--title', '--speed', '--max-alerts', '--max-events', '--max-bytes', '--report']);
const FLAGS = new Set(['--inline-events', '--json', '--help', '-h']);

function sizeOf(text: string): number | undefined {
  const match = /^(\d+)([kmg]?)$/i.exec(text.trim());
  if (!match) return undefined;
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[match[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(match[1]) * unit;
}

function idFrom(file: string): string {
  const base = basename(file)
    .replace(/\.[a-z0-9]+$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return /^[a-z0-9]/.test(base) ? `imported-${base}`.slice(0, 80).replace(/-+$/, '') : 'imported-drill';
}

function usage(io: CliIo, message: string): number {
  io.err(`import: ${message}\n\n${IMPORT_USAGE}`);
  return 2;
}

/** Reads and checks the --map file; null (after printing why) when it is not valid. */
function readMapping(file: string | undefined, io: CliIo): ImportMapping | null {
  if (file === undefined) return ImportMappingSchema.parse({});
  const shown = relative(io.cwd, file) || file;
  if (!existsSync(file)) {
    io.err(`${shown}: no such mapping file [IMPORT_INVALID_MAPPING]`);
    return null;
  }
  let value: unknown;
  try {
    value = parse(readFileSync(file, 'utf8')) ?? {};
  } catch (error) {
    io.err(`${shown}: not YAML (${error instanceof Error ? error.message.split('\n')[0]! : 'unreadable'}) [IMPORT_INVALID_MAPPING]`);
    return null;
  }
  const parsed = ImportMappingSchema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) io.err(`${shown}: ${issue.path.join('.') || '(file)'}: ${issue.message} [IMPORT_INVALID_MAPPING]`);
    return null;
  }
  return parsed.data;
}

/** `soc-drill import …` */
export async function runImport(args: readonly string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h') || args.length === 0) {
    io.out(IMPORT_USAGE);
    return args.length === 0 ? 2 : 0;
  }
  const options = new Map<string, string>();
  const sigmaTargets: string[] = [];
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (VALUED.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) return usage(io, `${name} needs a value`);
      if (name === '--sigma') sigmaTargets.push(resolvePath(value, io));
      options.set(name, value);
    } else if (FLAGS.has(name)) flags.add(name);
    else if (arg.startsWith('-') && arg !== '-') return usage(io, `unknown option ${arg}`);
    else positional.push(arg);
  }
  const [format, ...files] = positional;
  if (format === undefined || !isImportFormat(format))
    return usage(io, `the format must be one of ${IMPORT_FORMATS.join(', ')}${format === undefined ? '' : ` (got "${format}")`} [IMPORT_UNKNOWN_FORMAT]`);
  if (files.length === 0) return usage(io, 'give at least one input file');
  const speed = Number(options.get('--speed') ?? '1');
  if (!Number.isFinite(speed) || speed < 1 || speed > 10_000) return usage(io, '--speed must be a number from 1 to 10000');
  const fit = options.has('--fit') ? parseDuration(options.get('--fit')!) : undefined;
  if (fit === null || (fit !== undefined && (fit < 60 || fit > 366 * 86_400))) return usage(io, '--fit must be a duration from 1m, such as 2h or 90m');
  if (fit !== undefined && options.has('--speed')) return usage(io, 'give --speed or --fit, not both');
  const maxAlerts = Number(options.get('--max-alerts') ?? DEFAULT_MAX_ALERTS);
  const maxEvents = Number(options.get('--max-events') ?? DEFAULT_MAX_EVENTS);
  if (!Number.isInteger(maxAlerts) || maxAlerts < 1 || maxAlerts > 100_000) return usage(io, '--max-alerts must be a whole number from 1 to 100000');
  if (!Number.isInteger(maxEvents) || maxEvents < 0 || maxEvents > 200_000) return usage(io, '--max-events must be a whole number from 0 to 200000');
  const maxBytes = options.has('--max-bytes') ? sizeOf(options.get('--max-bytes')!) : DEFAULT_IMPORT_MAX_BYTES;
  if (maxBytes === undefined) return usage(io, '--max-bytes must be a size such as 500m');
  const id = options.get('--id') ?? idFrom(files[0]!);
  if (!/^[a-z0-9][a-z0-9._-]{0,79}$/.test(id)) return usage(io, '--id must be a lowercase slug (a-z, 0-9, ".", "_", "-")');

  const resolved = files.map((f) => resolvePath(f, io));
  for (const [i, file] of resolved.entries()) {
    const shown = files[i]!;
    if (!existsSync(file) || !statSync(file).isFile()) {
      io.err(`${shown}: no such file`);
      return 1;
    }
    const size = statSync(file).size;
    if (size > maxBytes) {
      io.err(`${shown}: ${size} bytes, above the limit of ${maxBytes} (--max-bytes): split the export or raise the limit [IMPORT_TOO_LARGE]`);
      return 1;
    }
  }
  const mapping = readMapping(options.has('--map') ? resolvePath(options.get('--map')!, io) : undefined, io);
  if (mapping === null) return 1;

  let sigmaRules: CompiledSigmaRule[] | undefined;
  if (sigmaTargets.length > 0) {
    const { rules, problems } = loadSigmaRules(sigmaTargets);
    for (const { file, error } of problems) io.err(`${relative(io.cwd, file) || file}: ${error.message} [${error.code}]`);
    if (problems.length > 0 || rules.length === 0) {
      io.err(problems.length > 0 ? `${problems.length} Sigma rule file(s) refused: nothing was imported` : 'no .yml or .yaml Sigma rule found');
      return 1;
    }
    sigmaRules = rules.map((loaded) => loaded.rule);
  }

  const out = options.has('--out') ? resolvePath(options.get('--out')!, io) : undefined;
  const eventsPath = out === undefined ? `${id}.events.ndjson` : `${basename(out).replace(/\.(ya?ml|json)$/i, '')}.events.ndjson`;
  let result;
  try {
    result = await importRecords(
      resolved.map((file, i) => ({ name: files[i]!, chunks: createReadStream(file, { highWaterMark: 256 * 1024 }) })),
      { format, mapping, speed, maxAlerts, maxEvents, ...(fit === undefined ? {} : { fitSeconds: fit }), ...(sigmaRules === undefined ? {} : { sigmaRules }) },
    );
  } catch (error) {
    if (error instanceof ImportError) {
      io.err(`${error.message} [${error.code}]`);
      return 1;
    }
    throw error;
  }
  const draft = buildDraft(result, {
    id,
    ...(options.has('--title') ? { title: options.get('--title')! } : {}),
    mapping,
    events: flags.has('--inline-events') ? { kind: 'inline' } : { kind: 'file', path: eventsPath },
    inputNames: files.map((f) => basename(f)),
  });
  const summaryText = flags.has('--json') ? JSON.stringify(result.summary) : formatImportSummary(result.summary);
  if (options.has('--report')) writeFileSync(resolvePath(options.get('--report')!, io), `${JSON.stringify(result.summary, null, 2)}\n`);
  // The sibling file is checked as the validator will read it, before either file is written.
  const parsed = parseScenario(draft.yaml, {
    maxBytes: 64 * 1024 * 1024,
    readLogFile: (path) => (path === eventsPath && draft.eventsNdjson !== '' ? new TextEncoder().encode(draft.eventsNdjson) : null),
  });
  if (out === undefined) {
    io.out(draft.yaml.trimEnd());
    io.err(summaryText);
  } else {
    writeFileSync(out, draft.yaml);
    if (draft.eventsNdjson !== '') writeFileSync(join(dirname(out), eventsPath), draft.eventsNdjson);
    io.out(summaryText);
    if (!flags.has('--json')) io.out(`Draft written to ${relative(io.cwd, out) || out}${draft.eventsNdjson === '' ? '' : `, raw events to ${eventsPath}`}.`);
  }
  if (!parsed.ok) {
    for (const problem of parsed.problems) io.err(formatProblem(out === undefined ? `${id}.yaml` : relative(io.cwd, out) || out, problem));
    return 1;
  }
  return 0;
}

function resolvePath(file: string, io: CliIo): string {
  return file.startsWith('/') ? file : join(io.cwd, file);
}
