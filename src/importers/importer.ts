import type { RawEventInput } from '../contracts/raw-event.schema.js';
import { toSigmaEvent } from '../sigma/sigma-event.js';
import type { CompiledSigmaRule } from '../sigma/sigma-rule.js';
import { ImportError, type ImportErrorCode } from './import-error.js';
import { guessFormat, interpretRecord, type AlertFacts, type ImportFormat } from './import-formats.js';
import { readInputItems } from './import-input.js';
import { Anonymiser, type ImportMapping, type Remapped } from './import-mapping.js';
import { rawEventFields, rawEventSource } from './raw-event-fields.js';

/** One input file: its name (for the summary) and its bytes as they stream. */
export interface ImportInput {
  readonly name: string;
  readonly chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
}

export interface ImportOptions {
  readonly format: ImportFormat;
  readonly mapping: ImportMapping;
  /** Virtual time runs this many times faster than the records' time (10: ten hours become one). */
  readonly speed: number;
  /** Instead of `speed`: compress so that the records span at most this many seconds (never slower than real time). */
  readonly fitSeconds?: number;
  /** Alerts beyond this many are skipped (and counted): a scenario file must stay small enough to upload. */
  readonly maxAlerts: number;
  /** Raw events beyond this many are skipped (and counted). */
  readonly maxEvents: number;
  /** Sigma rules run over the records that are not alerts: a match also becomes a timeline alert, with the rule's author (DRL-1.1). */
  readonly sigmaRules?: readonly CompiledSigmaRule[];
}

export const DEFAULT_MAX_ALERTS = 1_000;
export const DEFAULT_MAX_EVENTS = 20_000;
/** Malformed lines listed one by one in the summary; the rest are counted. */
const MAX_LISTED = 100;

export interface FileSummary {
  readonly file: string;
  read: number;
  alerts: number;
  events: number;
  skipped: number;
  malformed: number;
}

/** What the import read, kept and left out, and why: the author's check that nothing was lost silently. */
export interface ImportSummary {
  readonly format: ImportFormat;
  readonly files: FileSummary[];
  readonly read: number;
  readonly imported: number;
  readonly alerts: number;
  /** Of the alerts, those raised by a Sigma rule on an event (the event stays a raw event too). */
  readonly sigmaAlerts: number;
  readonly events: number;
  /** Records read but left out, grouped by reason, with where the first one was. */
  readonly skipped: Array<{ reason: string; count: number; file: string; line: number }>;
  readonly malformedCount: number;
  /** The first malformed lines, each with its file and line number. */
  readonly malformed: Array<{ file: string; line: number; reason: string }>;
  readonly remapped: Remapped[];
  readonly speed: number;
  /** First and last record time (UTC, ISO 8601) and the virtual span they cover. */
  readonly firstTime: string | null;
  readonly lastTime: string | null;
  readonly spanSeconds: number;
  /** Allowed but to fix: IMPORT_NO_ALERTS (a placeholder alert was added), IMPORT_NO_SOURCE (no attribution given). */
  readonly warnings: Array<{ code: 'IMPORT_NO_ALERTS' | 'IMPORT_NO_SOURCE'; message: string }>;
}

/** An imported alert: its facts (addresses already renamed), the mapped record, where it came from. */
export interface ImportedAlert {
  readonly at: number;
  readonly facts: AlertFacts;
  readonly raw: string;
  readonly file: string;
  readonly line: number;
  /** Private addresses of the alert, renamed (the draft turns them into assets). */
  readonly sourceAsset?: string;
  readonly destinationAsset?: string;
  /** The host name the record was logged on (Sysmon's Computer), renamed. */
  readonly host?: string;
}

export interface ImportedEvent {
  readonly event: RawEventInput;
  /** The record's host name (Windows `Computer`), for the draft's assets. */
  readonly host?: string;
}

export interface ImportResult {
  readonly summary: ImportSummary;
  readonly alerts: ImportedAlert[];
  readonly events: ImportedEvent[];
  /** T+0: the first record's time (ms since the epoch). */
  readonly start: number;
  readonly anonymiser: Anonymiser;
}

const RAW_MAX = 20_000;

function rawText(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length <= RAW_MAX ? text : `${text.slice(0, RAW_MAX - 40)}… [cut: ${text.length} characters in all]`;
}

interface Pending {
  readonly time: number;
  readonly file: string;
  readonly line: number;
  readonly value: unknown;
  readonly kind: string;
  readonly isAlert: boolean;
  readonly sigma?: readonly CompiledSigmaRule[];
}

function refusal(code: ImportErrorCode, message: string): never {
  throw new ImportError(code, message);
}

/**
 * Reads the inputs in order and keeps what a drill needs: alert records become timeline alerts,
 * the others raw events. Records are kept in input order and sorted by time at the end (stable:
 * ties keep input order), so the same input always gives the same result. A record that cannot
 * be read is counted with its line, never thrown; a whole input is refused only when it is binary,
 * empty, or of another format than the one chosen (ImportError).
 */
export async function importRecords(inputs: readonly ImportInput[], options: ImportOptions): Promise<ImportResult> {
  const files: FileSummary[] = [];
  const skipped = new Map<string, { reason: string; count: number; file: string; line: number }>();
  const malformed: Array<{ file: string; line: number; reason: string }> = [];
  let malformedCount = 0;
  const guesses = new Map<string, number>();
  const pending: Pending[] = [];
  let alertCount = 0;
  let eventCount = 0;
  const skip = (reason: string, file: string, line: number): void => {
    const entry = skipped.get(reason);
    if (entry) entry.count++;
    else skipped.set(reason, { reason, count: 1, file, line });
  };

  for (const input of inputs) {
    const summary: FileSummary = { file: input.name, read: 0, alerts: 0, events: 0, skipped: 0, malformed: 0 };
    files.push(summary);
    try {
      for await (const item of readInputItems(input.chunks)) {
        summary.read++;
        if (item.kind === 'malformed') {
          summary.malformed++;
          malformedCount++;
          if (malformed.length < MAX_LISTED) malformed.push({ file: input.name, line: item.line, reason: item.reason });
          continue;
        }
        const read = interpretRecord(options.format, item.value);
        if (!read.ok) {
          summary.skipped++;
          skip(read.reason, input.name, item.line);
          const guess = guessFormat(item.value);
          if (guess !== undefined && guess !== options.format) guesses.set(guess, (guesses.get(guess) ?? 0) + 1);
          continue;
        }
        const isAlert = read.alert !== undefined;
        if (isAlert && alertCount >= options.maxAlerts) {
          summary.skipped++;
          skip(`more than ${options.maxAlerts} alerts (--max-alerts)`, input.name, item.line);
          continue;
        }
        if (!isAlert && eventCount >= options.maxEvents) {
          summary.skipped++;
          skip(`more than ${options.maxEvents} raw events (--max-events)`, input.name, item.line);
          continue;
        }
        const matched = !isAlert && options.sigmaRules !== undefined ? sigmaMatches(options.sigmaRules, item.value) : [];
        const sigma = matched.slice(0, Math.max(0, options.maxAlerts - alertCount));
        if (sigma.length < matched.length) skip(`more than ${options.maxAlerts} alerts (--max-alerts): Sigma matches left out`, input.name, item.line);
        if (isAlert || sigma.length > 0) {
          alertCount += isAlert ? 1 : sigma.length;
          summary.alerts += isAlert ? 1 : sigma.length;
        }
        if (!isAlert) {
          eventCount++;
          summary.events++;
        }
        pending.push({
          time: read.time,
          file: input.name,
          line: item.line,
          value: item.value,
          kind: read.source,
          isAlert,
          ...(sigma === undefined ? {} : { sigma }),
        });
      }
    } catch (error) {
      if (error instanceof ImportError) throw new ImportError(error.code, `${input.name}: ${error.message}`);
      throw error;
    }
  }

  const read = files.reduce((n, f) => n + f.read, 0);
  if (read === 0) refusal('IMPORT_EMPTY', `no record in ${inputs.map((i) => i.name).join(', ')}: the files are empty`);
  if (pending.length === 0) {
    const [guess] = [...guesses.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const why =
      malformedCount === read ? 'no line is a JSON record or a Zeek TSV row' : `no record is ${options.format} (${[...skipped.keys()].slice(0, 3).join('; ')})`;
    refusal('IMPORT_WRONG_FORMAT', `${why}${guess === undefined ? '' : `; the records look like ${guess[0]}: try "import ${guess[0]}"`}`);
  }

  // Stable sort by time: equal times keep the input's order.
  const order = pending.map((_, i) => i).sort((a, b) => pending[a]!.time - pending[b]!.time || a - b);
  const start = pending[order[0]!]!.time;
  const last = pending[order[order.length - 1]!]!.time;
  // A whole factor keeps every offset exact; the records then fit in at most `fitSeconds`.
  const speed = options.fitSeconds === undefined ? options.speed : Math.max(1, Math.ceil((last - start) / 1000 / Math.max(1, options.fitSeconds)));
  const anonymiser = new Anonymiser(options.mapping);
  const alerts: ImportedAlert[] = [];
  const events: ImportedEvent[] = [];
  let sigmaAlerts = 0;
  for (const index of order) {
    const record = pending[index]!;
    anonymiser.nextRecord();
    const mapped = anonymiser.value(record.value);
    // Milliseconds kept for raw events (logs are finer than alerts); alerts arrive on whole seconds.
    const at = Math.round((record.time - start) / speed) / 1000;
    const again = interpretRecord(options.format, mapped);
    if (!again.ok) continue; // cannot happen: renaming keeps the fields the first reading used
    if (record.isAlert && again.alert) {
      alerts.push({
        at: Math.floor(at),
        facts: again.alert,
        raw: rawText(mapped),
        file: record.file,
        line: record.line,
        ...(again.alert.source === undefined ? {} : withAsset('sourceAsset', anonymiser.assetForMapped(again.alert.source))),
        ...(again.alert.destination === undefined ? {} : withAsset('destinationAsset', anonymiser.assetForMapped(again.alert.destination))),
      });
    } else {
      const json = mapped as Record<string, unknown>;
      const fields = rawEventFields(options.format, json);
      const host = typeof fields['host.name'] === 'string' ? fields['host.name'] : undefined;
      const raw = rawText(mapped);
      events.push({
        event: { at, source: rawEventSource(options.format, record.kind), fields, raw },
        ...(host === undefined ? {} : { host }),
      });
      for (const rule of record.sigma ?? []) {
        sigmaAlerts++;
        const facts = sigmaFacts(rule, fields, host);
        alerts.push({
          at: Math.floor(at),
          facts,
          raw,
          file: record.file,
          line: record.line,
          ...(host === undefined ? {} : { host }),
          ...(facts.source === undefined ? {} : withAsset('sourceAsset', anonymiser.assetForMapped(facts.source))),
          ...(facts.destination === undefined ? {} : withAsset('destinationAsset', anonymiser.assetForMapped(facts.destination))),
        });
      }
    }
  }

  const warnings: ImportSummary['warnings'] = [];
  if (alerts.length === 0)
    warnings.push({
      code: 'IMPORT_NO_ALERTS',
      message: 'no alert record: the draft has one placeholder alert to replace (or pass --sigma rules to raise alerts from the events)',
    });
  if (options.mapping.sources.length === 0)
    warnings.push({
      code: 'IMPORT_NO_SOURCE',
      message: 'no source given: add where the data comes from and its licence to the mapping file (sources), it goes into the draft',
    });
  const summary: ImportSummary = {
    format: options.format,
    files,
    read,
    imported: pending.length,
    alerts: alerts.length,
    sigmaAlerts,
    events: events.length,
    skipped: [...skipped.values()],
    malformedCount,
    malformed,
    remapped: anonymiser.report(),
    speed,
    firstTime: new Date(start).toISOString(),
    lastTime: new Date(last).toISOString(),
    spanSeconds: Math.ceil((last - start) / speed / 1000),
    warnings,
  };
  return { summary, alerts, events, start, anonymiser };
}

/** Every rule that matches the record, in the rules' order: each match is an alert of its own. */
function sigmaMatches(rules: readonly CompiledSigmaRule[], value: unknown): CompiledSigmaRule[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const event = toSigmaEvent(value as Record<string, unknown>);
  return rules.filter((rule) => rule.matches(event));
}

const SIGMA_SEVERITY: Record<string, AlertFacts['severity']> = { informational: 'low', low: 'low', medium: 'medium', high: 'high', critical: 'critical' };

/** A Sigma match as an alert: the rule's title, level and author (DRL-1.1: shown wherever the match is), the event's own fields. */
function sigmaFacts(rule: CompiledSigmaRule, fields: Readonly<Record<string, string | number | boolean>>, host: string | undefined): AlertFacts {
  const pick = (name: string): string | undefined =>
    typeof fields[name] === 'string' ? (fields[name] as string) : fields[name] === undefined ? undefined : String(fields[name]);
  const source = pick('source.ip');
  const destination = pick('destination.ip');
  const detail = pick('process.command_line') ?? pick('file.path') ?? pick('process.executable');
  const ecs: Record<string, string | number | boolean> = { 'event.kind': 'alert', 'rule.name': rule.title };
  if (rule.id !== null) ecs['rule.id'] = rule.id;
  if (rule.author !== null) ecs['rule.author'] = rule.author;
  for (const name of [
    'host.name',
    'user.name',
    'process.executable',
    'process.command_line',
    'process.parent.executable',
    'file.path',
    'source.ip',
    'destination.ip',
    'destination.port',
  ]) {
    if (fields[name] !== undefined) ecs[name] = fields[name];
  }
  const observables: Array<AlertFacts['observables'][number]> = [];
  if (pick('process.command_line') !== undefined) observables.push({ type: 'process', value: pick('process.command_line')!.slice(0, 2_000) });
  if (pick('file.path') !== undefined) observables.push({ type: 'file-path', value: pick('file.path')!.slice(0, 2_000) });
  if (pick('user.name') !== undefined) observables.push({ type: 'account', value: pick('user.name')! });
  return {
    title: rule.title,
    severity: SIGMA_SEVERITY[rule.level ?? 'medium'] ?? 'medium',
    sensor: 'edr',
    layer: 2,
    category: `Sigma: ${rule.logsource.category ?? rule.logsource.service ?? rule.logsource.product ?? 'rule'}`,
    rule: { name: rule.title, ...(rule.id === null ? {} : { id: rule.id }), ...(rule.author === null ? {} : { author: rule.author }) },
    ...(source === undefined ? {} : { source }),
    ...(destination === undefined ? {} : { destination }),
    fields: ecs,
    observables,
    summary: `Sigma rule "${rule.title}" (author: ${rule.author ?? 'not given'}) matched${host === undefined ? '' : ` on ${host}`}${detail === undefined ? '' : `: ${detail.slice(0, 500)}`}`,
  };
}

function withAsset<K extends 'sourceAsset' | 'destinationAsset'>(key: K, asset: string | undefined): Partial<Record<K, string>> {
  return asset === undefined ? {} : ({ [key]: asset } as Partial<Record<K, string>>);
}
