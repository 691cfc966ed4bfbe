/**
 * An inverted index over one corpus segment, built once: for every field, its whole values and
 * their words (lower-cased) → the events that carry them; for the raw line (the free-text field
 * ""), its words. Query evaluation works on bitsets (one byte per event), which at 100,000 events
 * is a few microseconds per AND/OR/NOT.
 */

export type Bitset = Uint8Array;

/** The free-text field: words of the raw line. */
export const TEXT_FIELD = '';

const COMPOUND_SPLIT = /[^\p{L}\p{N}._@:\-\\/]+/u;
const WORD_SPLIT = /[^\p{L}\p{N}]+/u;

/**
 * Words of a text: compounds (an IP, a domain, a file name: split on spaces and brackets, with
 * trailing dots and slashes trimmed) and their alphanumeric parts, so `shell.php`, `shell` and
 * `php` all find `/uploads/shell.php`.
 */
export function tokenize(text: string, into: Set<string> = new Set()): Set<string> {
  const lower = text.toLowerCase();
  for (const piece of lower.split(COMPOUND_SPLIT)) {
    if (piece === '') continue;
    for (const segment of piece.split(/[/\\]+/)) {
      const trimmed = segment.replace(/^[.:\-_@]+|[.:\-_@]+$/g, '');
      if (trimmed !== '') into.add(trimmed);
      // "10.0.0.5:443" also yields the address alone.
      if (trimmed.includes(':')) for (const part of trimmed.split(':')) if (part !== '') into.add(part);
    }
    for (const word of piece.split(WORD_SPLIT)) if (word !== '') into.add(word);
  }
  return into;
}

interface FieldBuild {
  terms: Map<string, number[]>;
  numbers: Map<number, number[]>;
  exists: number[];
}

interface FieldIndex {
  readonly terms: Map<string, Int32Array>;
  /** Distinct numeric values, ascending, with their postings. */
  readonly numberValues: Float64Array;
  readonly numberPostings: Int32Array[];
  readonly exists: Int32Array;
}

export interface IndexedDoc {
  readonly source: string;
  readonly asset: string | undefined;
  readonly fields: Readonly<Record<string, string | number | boolean>>;
  readonly raw: string;
}

function push(map: Map<string, number[]>, key: string, doc: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [doc]);
  else if (list[list.length - 1] !== doc) list.push(doc);
}

export class CorpusIndex {
  private building: Map<string, FieldBuild> | null = new Map();
  private readonly fieldIndex = new Map<string, FieldIndex>();
  private readonly scratch = new Set<string>();

  constructor(readonly size: number) {}

  private field(name: string): FieldBuild {
    let build = this.building!.get(name);
    if (build === undefined) {
      build = { terms: new Map(), numbers: new Map(), exists: [] };
      this.building!.set(name, build);
    }
    return build;
  }

  private addValue(name: string, doc: number, value: string | number | boolean): void {
    const build = this.field(name);
    if (build.exists[build.exists.length - 1] !== doc) build.exists.push(doc);
    const text = String(value);
    const whole = text.toLowerCase();
    push(build.terms, whole, doc);
    if (typeof value === 'string' && whole.length <= 2_000) {
      this.scratch.clear();
      for (const word of tokenize(text, this.scratch)) if (word !== whole) push(build.terms, word, doc);
    }
    const numeric = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(?:\.\d+)?$/.test(value) ? Number(value) : NaN;
    if (Number.isFinite(numeric)) {
      const list = build.numbers.get(numeric);
      if (list === undefined) build.numbers.set(numeric, [doc]);
      else if (list[list.length - 1] !== doc) list.push(doc);
    }
  }

  /** Documents must be added in index order (0, 1, 2, ...). */
  add(doc: number, event: IndexedDoc): void {
    this.addValue('source', doc, event.source);
    if (event.asset !== undefined) this.addValue('asset', doc, event.asset);
    for (const key of Object.keys(event.fields)) this.addValue(key, doc, event.fields[key]!);
    const text = this.field(TEXT_FIELD);
    text.exists.push(doc);
    this.scratch.clear();
    for (const word of tokenize(event.raw, this.scratch)) push(text.terms, word, doc);
  }

  seal(): void {
    for (const [name, build] of this.building ?? []) {
      const terms = new Map<string, Int32Array>();
      for (const [term, list] of build.terms) terms.set(term, Int32Array.from(list));
      const numbers = [...build.numbers.entries()].sort((a, b) => a[0] - b[0]);
      this.fieldIndex.set(name, {
        terms,
        numberValues: Float64Array.from(numbers.map(([v]) => v)),
        numberPostings: numbers.map(([, list]) => Int32Array.from(list)),
        exists: Int32Array.from(build.exists),
      });
    }
    this.building = null;
  }

  /** Field names present in the segment (besides the free-text field). */
  fieldNames(): string[] {
    return [...this.fieldIndex.keys()].filter((n) => n !== TEXT_FIELD).sort();
  }

  empty(): Bitset {
    return new Uint8Array(this.size);
  }

  all(): Bitset {
    return new Uint8Array(this.size).fill(1);
  }

  /** Events carrying this exact term (whole lower-cased value or word) in the field. */
  term(field: string, term: string, into: Bitset = this.empty()): Bitset {
    const postings = this.fieldIndex.get(field)?.terms.get(term);
    if (postings !== undefined) for (let i = 0; i < postings.length; i += 1) into[postings[i]!] = 1;
    return into;
  }

  /** Events with any term of the field that `accept` takes (wildcards, regular expressions). */
  termsMatching(field: string, accept: (term: string) => boolean, into: Bitset = this.empty()): Bitset {
    const terms = this.fieldIndex.get(field)?.terms;
    if (terms === undefined) return into;
    for (const [term, postings] of terms) {
      if (!accept(term)) continue;
      for (let i = 0; i < postings.length; i += 1) into[postings[i]!] = 1;
    }
    return into;
  }

  /** Every field whose name `accept` takes (a wildcard field name such as `source.*`). */
  fieldsMatching(accept: (name: string) => boolean): string[] {
    return [...this.fieldIndex.keys()].filter((n) => n !== TEXT_FIELD && accept(n));
  }

  exists(field: string, into: Bitset = this.empty()): Bitset {
    const postings = this.fieldIndex.get(field)?.exists;
    if (postings !== undefined) for (let i = 0; i < postings.length; i += 1) into[postings[i]!] = 1;
    return into;
  }

  /** Events whose numeric value of the field lies in the range. */
  range(field: string, min: number, minInclusive: boolean, max: number, maxInclusive: boolean, into: Bitset = this.empty()): Bitset {
    const index = this.fieldIndex.get(field);
    if (index === undefined) return into;
    const values = index.numberValues;
    let lo = 0;
    let hi = values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[mid]! < min || (!minInclusive && values[mid] === min)) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < values.length; k += 1) {
      const v = values[k]!;
      if (v > max || (!maxInclusive && v === max)) break;
      const postings = index.numberPostings[k]!;
      for (let i = 0; i < postings.length; i += 1) into[postings[i]!] = 1;
    }
    return into;
  }

  /** Rough heap bytes of the index (postings, term strings, numbers), for the corpus figure. */
  approximateBytes(): number {
    let bytes = 0;
    for (const [name, index] of this.fieldIndex) {
      bytes += name.length * 2 + 64;
      for (const [term, postings] of index.terms) bytes += 48 + term.length * 2 + postings.byteLength + 64;
      bytes += index.numberValues.byteLength + index.numberPostings.reduce((s, p) => s + p.byteLength + 64, 0) + index.exists.byteLength;
    }
    return bytes;
  }
}
