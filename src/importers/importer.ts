import type { RawEventInput } from '../contracts/raw-event.schema.js';
import { ImportError, type ImportErrorCode } from './import-error.js';
import { guessFormat, interpretRecord, type AlertFacts, type ImportFormat } from './import-formats.js';
import { readInputItems } from './import-input.js';
import { Anonymiser, type ImportMapping, type Remapped } from './import-mapping.js';
import { rawEventFields, rawEventSource } from './raw-event-fields.js';

/** One input file: its name (for the summary) and its bytes as they stream. */
export interface ImportInput {
  readonly name: string;
  readonly chunks: AsyncIterable<Uint8Array>;
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
  readonly warnings: string[];
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
        if (isAlert) {
          alertCount++;
          summary.alerts++;
        } else {
          eventCount++;
          summary.events++;
        }
        pending.push({ time: read.time, file: input.name, line: item.line, value: item.value, kind: read.source, isAlert });
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
    const why = malformedCount === read ? 'no line is a JSON record or a Zeek TSV row' : `no record is ${options.format} (${[...skipped.keys()].slice(0, 3).join('; ')})`;
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
      events.push({
        event: { at, source: rawEventSource(options.format, record.kind), fields, raw: rawText(mapped) },
        ...(host === undefined ? {} : { host }),
      });
    }
  }

  const warnings: string[] = [];
  if (alerts.length === 0) warnings.push('no alert record: the draft has one placeholder alert to replace (or pass --sigma rules to raise alerts from the events)');
  if (options.mapping.sources.length === 0) warnings.push('no source given: add where the data comes from and its licence to the mapping file (sources), it goes into the draft');
  const summary: ImportSummary = {
    format: options.format,
    files,
    read,
    imported: alerts.length + events.length,
    alerts: alerts.length,
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

function withAsset<K extends 'sourceAsset' | 'destinationAsset'>(key: K, asset: string | undefined): Partial<Record<K, string>> {
  return asset === undefined ? {} : ({ [key]: asset } as Partial<Record<K, string>>);
}
