import { ImportError } from './import-error.js';

/** One record cut from an input file, or why a piece of it could not be read. */
export type InputItem =
  { readonly kind: 'value'; readonly line: number; readonly value: unknown } | { readonly kind: 'malformed'; readonly line: number; readonly reason: string };

/** How an input file is laid out, told from its first bytes. */
export type InputLayout = 'json-lines' | 'json-array' | 'zeek-tsv';

/** A record longer than this is skipped as malformed, so one endless line cannot fill the memory. */
export const MAX_RECORD_CHARS = 1024 * 1024;
const SNIFF_BYTES = 8192;

/** NUL bytes or mostly non-text bytes in the first block: a binary file (pcap, zip, executable). */
function looksBinary(bytes: Uint8Array): boolean {
  let odd = 0;
  for (const byte of bytes) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) odd++;
  }
  return bytes.length > 0 && odd / bytes.length > 0.1;
}

function layoutOf(text: string): InputLayout {
  const first = /\S/.exec(text.replace(/^\uFEFF/, ''))?.[0];
  if (first === '[') return 'json-array';
  if (first === '#' && /^#(separator|fields|path|set_separator)\b/m.test(text)) return 'zeek-tsv';
  return 'json-lines';
}

function parseJson(text: string, line: number): InputItem {
  try {
    return { kind: 'value', line, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\s+/g, ' ').slice(0, 160) : 'not JSON';
    return { kind: 'malformed', line, reason: `not valid JSON (${message})` };
  }
}

/** Zeek's TSV logs: `#fields` names the columns, `#types` their types, `-` is unset. */
class ZeekTsv {
  private separator = '\t';
  private setSeparator = ',';
  private unset = '-';
  private empty = '(empty)';
  private path: string | undefined;
  private fields: string[] | undefined;
  private types: string[] = [];

  line(text: string, line: number): InputItem | undefined {
    if (text.startsWith('#')) {
      const [directive, ...rest] = text.slice(1).split(directiveSplit(text));
      const value = rest.join(this.separator);
      if (directive === 'separator') this.separator = value.replace(/\\x([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
      else if (directive === 'set_separator') this.setSeparator = value;
      else if (directive === 'unset_field') this.unset = value;
      else if (directive === 'empty_field') this.empty = value;
      else if (directive === 'path') this.path = value;
      else if (directive === 'fields') this.fields = rest;
      else if (directive === 'types') this.types = rest;
      return undefined;
    }
    if (this.fields === undefined) return { kind: 'malformed', line, reason: 'a Zeek row before its #fields header' };
    const cells = text.split(this.separator);
    if (cells.length !== this.fields.length) return { kind: 'malformed', line, reason: `${cells.length} columns where #fields names ${this.fields.length}` };
    const record: Record<string, unknown> = {};
    if (this.path !== undefined) record['_path'] = this.path;
    this.fields.forEach((field, i) => {
      const cell = cells[i]!;
      if (cell === this.unset) return;
      record[field] = this.typed(cell === this.empty ? '' : cell, this.types[i] ?? 'string');
    });
    return { kind: 'value', line, value: record };
  }

  private typed(cell: string, type: string): unknown {
    if (type.startsWith('set[') || type.startsWith('vector[')) return cell === '' ? [] : cell.split(this.setSeparator);
    if (type === 'time' || type === 'interval' || type === 'double' || type === 'count' || type === 'int' || type === 'port') {
      const n = Number(cell);
      return Number.isFinite(n) ? n : cell;
    }
    if (type === 'bool') return cell === 'T';
    return cell;
  }
}

/** Zeek headers use the file's separator; `#separator` itself is always followed by one space. */
function directiveSplit(text: string): string | RegExp {
  return text.startsWith('#separator') ? ' ' : /\t/;
}

/** A top-level JSON array cut into its elements as the text streams by, with each element's line. */
class ArraySplitter {
  private depth = 0;
  private inString = false;
  private escape = false;
  private started = false;
  private closed = false;
  private element = '';
  private elementLine = 0;
  private oversized = false;
  private trailingReported = false;

  feed(text: string, lineAtStart: number, out: InputItem[]): void {
    let line = lineAtStart;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\n') line++;
      if (this.closed) {
        if (!this.trailingReported && !/\s/.test(ch)) {
          this.trailingReported = true;
          out.push({ kind: 'malformed', line, reason: 'text after the end of the JSON array' });
        }
        continue;
      }
      if (!this.started) {
        if (ch === '[') this.started = true;
        else if (!/\s|\uFEFF/.test(ch)) {
          this.closed = true;
          this.trailingReported = true;
          out.push({ kind: 'malformed', line, reason: 'not a JSON array' });
        }
        continue;
      }
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (ch === '\\') this.escape = true;
        else if (ch === '"') this.inString = false;
        this.append(ch);
        continue;
      }
      if (this.depth === 0 && (ch === ',' || ch === ']')) {
        this.flush(out);
        if (ch === ']') this.closed = true;
        continue;
      }
      if (this.depth === 0 && this.element === '' && !this.oversized && /\s/.test(ch)) continue;
      if (this.element === '' && !this.oversized) this.elementLine = line;
      if (ch === '"') this.inString = true;
      else if (ch === '{' || ch === '[') this.depth++;
      else if (ch === '}' || ch === ']') this.depth--;
      this.append(ch);
    }
  }

  end(line: number, out: InputItem[]): void {
    if (!this.started && !this.closed) return;
    if (!this.closed) {
      if (this.element.trim() !== '' || this.oversized)
        out.push({ kind: 'malformed', line: this.elementLine, reason: 'truncated JSON: the record is not complete' });
      out.push({ kind: 'malformed', line, reason: 'truncated JSON: the array is not closed' });
    }
  }

  private append(ch: string): void {
    if (this.oversized) return;
    if (this.element.length >= MAX_RECORD_CHARS) {
      this.oversized = true;
      this.element = '';
      return;
    }
    this.element += ch;
  }

  private flush(out: InputItem[]): void {
    if (this.oversized) out.push({ kind: 'malformed', line: this.elementLine, reason: `record longer than ${MAX_RECORD_CHARS} characters` });
    else if (this.element.trim() !== '') out.push(parseJson(this.element, this.elementLine));
    this.element = '';
    this.oversized = false;
  }
}

/**
 * Reads one input file as it streams: JSON lines, a JSON array, or a Zeek TSV log. Memory stays
 * bounded by the longest record (at most MAX_RECORD_CHARS); a broken record becomes a
 * `malformed` item with its line number, never an exception. A binary file is refused
 * (IMPORT_BINARY) from its first block.
 */
export async function* readInputItems(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<InputItem> {
  const decoder = new TextDecoder('utf-8');
  let layout: InputLayout | undefined;
  let pending = '';
  let sniffed = new Uint8Array(0);
  let line = 1;
  let skippingLong = false;
  const array = new ArraySplitter();
  const zeek = new ZeekTsv();
  const out: InputItem[] = [];

  const lineItem = (text: string, at: number): InputItem | undefined => {
    const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (trimmed.trim() === '') return undefined;
    if (layout === 'zeek-tsv') return zeek.line(trimmed, at);
    return parseJson(trimmed, at);
  };

  const process = (text: string, final: boolean): void => {
    if (layout === 'json-array') {
      array.feed(text, line, out);
      for (const ch of text) if (ch === '\n') line++;
      if (final) array.end(line, out);
      return;
    }
    pending += text;
    let start = 0;
    for (;;) {
      const newline = pending.indexOf('\n', start);
      if (newline < 0) break;
      if (skippingLong) skippingLong = false;
      else {
        const item = lineItem(pending.slice(start, newline), line);
        if (item) out.push(item);
      }
      line++;
      start = newline + 1;
    }
    pending = pending.slice(start);
    if (pending.length > MAX_RECORD_CHARS) {
      if (!skippingLong) out.push({ kind: 'malformed', line, reason: `line longer than ${MAX_RECORD_CHARS} characters` });
      skippingLong = true;
      pending = '';
    }
    if (final && pending !== '' && !skippingLong) {
      const item = lineItem(pending, line);
      if (item) out.push(item.kind === 'malformed' && layout === 'json-lines' ? { ...item, reason: `${item.reason}; the file may be truncated` } : item);
      pending = '';
    }
  };

  for await (const chunk of chunks) {
    if (layout === undefined) {
      const joined = new Uint8Array(sniffed.length + chunk.length);
      joined.set(sniffed);
      joined.set(chunk, sniffed.length);
      sniffed = joined;
      if (sniffed.length < SNIFF_BYTES) continue;
      if (looksBinary(sniffed.subarray(0, SNIFF_BYTES)))
        throw new ImportError('IMPORT_BINARY', 'the file is binary, not text (a pcap, an archive?): export the logs as JSON or TSV text');
      const text = decoder.decode(sniffed, { stream: true });
      layout = layoutOf(text);
      sniffed = new Uint8Array(0);
      process(text, false);
    } else process(decoder.decode(chunk, { stream: true }), false);
    yield* out.splice(0);
  }
  if (layout === undefined) {
    if (looksBinary(sniffed)) throw new ImportError('IMPORT_BINARY', 'the file is binary, not text (a pcap, an archive?): export the logs as JSON or TSV text');
    const text = decoder.decode(sniffed, { stream: true });
    layout = layoutOf(text);
    process(text, false);
  }
  process(decoder.decode(), true);
  yield* out.splice(0);
}
