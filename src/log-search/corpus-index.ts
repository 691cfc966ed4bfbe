/**
 * An inverted index over one corpus segment, built once: for every field, its whole values and
 * their words (lower-cased) → the events that carry them; for the raw line (the free-text field
 * ""), its words. Query evaluation works on bitsets (one byte per event), which at 100,000 events
 * is a few microseconds per AND/OR/NOT.
 */

export type Bitset = Uint8Array;

/** The free-text field: words of the raw line. */
export const TEXT_FIELD = '';

/** Letters and digits (any script above Latin-1's symbols, so Vietnamese words stay whole). */
function isWordChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 0xc0 && c !== 0xd7 && c !== 0xf7 && !(c >= 0x2000 && c <= 0x206f) && !(c >= 0x3000 && c <= 0x303f))
  );
}

/** Characters that join words into one compound: . _ @ : - */
function isJoiner(c: number): boolean {
  return c === 46 || c === 95 || c === 64 || c === 58 || c === 45;
}

function addSegment(text: string, from: number, to: number, into: Set<string>): void {
  let a = from;
  let b = to;
  while (a < b && isJoiner(text.charCodeAt(a))) a += 1;
  while (b > a && isJoiner(text.charCodeAt(b - 1))) b -= 1;
  if (a >= b) return;
  const segment = text.slice(a, b);
  into.add(segment);
  // "10.0.0.5:443" also yields the address alone.
  if (segment.includes(':')) for (const part of segment.split(':')) if (part !== '') into.add(part);
}

/**
 * Words of a text, in one pass: compounds (an IP, a domain, a file name: runs of letters, digits
 * and . _ @ : -, ended by spaces, slashes, quotes or brackets) and their alphanumeric parts, so
 * `shell.php`, `shell` and `php` all find `/uploads/shell.php`.
 */
export function tokenize(text: string, into: Set<string> = new Set()): Set<string> {
  const lower = text.toLowerCase();
  const n = lower.length;
  let segmentStart = -1;
  let wordStart = -1;
  for (let i = 0; i <= n; i += 1) {
    const c = i < n ? lower.charCodeAt(i) : 32;
    if (isWordChar(c)) {
      if (wordStart < 0) wordStart = i;
      if (segmentStart < 0) segmentStart = i;
      continue;
    }
    if (wordStart >= 0) {
      into.add(lower.slice(wordStart, i));
      wordStart = -1;
    }
    if (isJoiner(c)) {
      if (segmentStart < 0) segmentStart = i;
      continue;
    }
    if (segmentStart >= 0) {
      addSegment(lower, segmentStart, i, into);
      segmentStart = -1;
    }
  }
  return into;
}

interface FieldIndex {
  /** Lower-cased whole values and words → term id. */
  readonly terms: Map<string, number>;
  /** Numeric values → term id while building; sorted arrays once sealed. */
  numbers: Map<number, number> | null;
  numberValues: Float64Array;
  numberTerms: Int32Array;
  /** Term id of "the field is present". */
  readonly existsTerm: number;
}

export interface IndexedDoc {
  readonly source: string;
  readonly asset: string | undefined;
  readonly fields: Readonly<Record<string, string | number | boolean>>;
  readonly raw: string;
}

const NUMERIC = /^-?\d+(?:\.\d+)?$/;

/** A growable Int32Array: millions of (term, event) pairs without millions of small arrays to collect. */
class IntList {
  data = new Int32Array(1024);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }
}

/**
 * The postings of every term of every field live in one compressed-row table (`offsets`, `docs`):
 * a term's events are docs[offsets[t] .. offsets[t + 1]), ascending.
 */
export class CorpusIndex {
  private readonly fieldIndex = new Map<string, FieldIndex>();
  private readonly scratch = new Set<string>();
  private pairTerms: IntList | null = new IntList();
  private pairDocs: IntList | null = new IntList();
  /** Per term: the last event it was recorded for (an event lists a term once). */
  private lastDoc = new Int32Array(1024).fill(-1);
  private termCount = 0;
  private offsets = new Int32Array(1);
  private docs = new Int32Array(0);

  constructor(readonly size: number) {}

  private newTerm(): number {
    if (this.termCount === this.lastDoc.length) {
      const grown = new Int32Array(this.lastDoc.length * 2).fill(-1);
      grown.set(this.lastDoc);
      this.lastDoc = grown;
    }
    return this.termCount++;
  }

  private field(name: string): FieldIndex {
    let index = this.fieldIndex.get(name);
    if (index === undefined) {
      index = { terms: new Map(), numbers: new Map(), numberValues: new Float64Array(0), numberTerms: new Int32Array(0), existsTerm: this.newTerm() };
      this.fieldIndex.set(name, index);
    }
    return index;
  }

  private record(term: number, doc: number): void {
    if (this.lastDoc[term] === doc) return;
    this.lastDoc[term] = doc;
    this.pairTerms!.push(term);
    this.pairDocs!.push(doc);
  }

  private recordText(index: FieldIndex, text: string, doc: number): void {
    let term = index.terms.get(text);
    if (term === undefined) {
      term = this.newTerm();
      index.terms.set(text, term);
    }
    this.record(term, doc);
  }

  private addValue(name: string, doc: number, value: string | number | boolean): void {
    const index = this.field(name);
    this.record(index.existsTerm, doc);
    const text = String(value);
    const whole = text.toLowerCase();
    this.recordText(index, whole, doc);
    if (typeof value === 'string' && whole.length <= 2_000) {
      this.scratch.clear();
      for (const word of tokenize(text, this.scratch)) if (word !== whole) this.recordText(index, word, doc);
    }
    const numeric = typeof value === 'number' ? value : typeof value === 'string' && NUMERIC.test(value) ? Number(value) : NaN;
    if (Number.isFinite(numeric)) {
      let term = index.numbers!.get(numeric);
      if (term === undefined) {
        term = this.newTerm();
        index.numbers!.set(numeric, term);
      }
      this.record(term, doc);
    }
  }

  /** Documents must be added in index order (0, 1, 2, ...). */
  add(doc: number, event: IndexedDoc): void {
    this.addValue('source', doc, event.source);
    if (event.asset !== undefined) this.addValue('asset', doc, event.asset);
    for (const key of Object.keys(event.fields)) this.addValue(key, doc, event.fields[key]!);
    const text = this.field(TEXT_FIELD);
    this.record(text.existsTerm, doc);
    this.scratch.clear();
    for (const word of tokenize(event.raw, this.scratch)) this.recordText(text, word, doc);
  }

  seal(): void {
    const terms = this.pairTerms!;
    const docs = this.pairDocs!;
    // Counting sort by term; events were added in order, so each term's events stay ascending.
    const offsets = new Int32Array(this.termCount + 1);
    for (let i = 0; i < terms.length; i += 1) offsets[terms.data[i]! + 1]! += 1;
    for (let t = 0; t < this.termCount; t += 1) offsets[t + 1]! += offsets[t]!;
    const cursor = offsets.slice(0, this.termCount);
    const sorted = new Int32Array(terms.length);
    for (let i = 0; i < terms.length; i += 1) sorted[cursor[terms.data[i]!]!++] = docs.data[i]!;
    this.offsets = offsets;
    this.docs = sorted;
    for (const index of this.fieldIndex.values()) {
      const numbers = [...index.numbers!.entries()].sort((a, b) => a[0] - b[0]);
      index.numberValues = Float64Array.from(numbers.map(([v]) => v));
      index.numberTerms = Int32Array.from(numbers.map(([, t]) => t));
      index.numbers = null;
    }
    this.pairTerms = null;
    this.pairDocs = null;
    this.lastDoc = new Int32Array(0);
  }

  private mark(term: number | undefined, into: Bitset): void {
    if (term === undefined) return;
    const end = this.offsets[term + 1]!;
    for (let i = this.offsets[term]!; i < end; i += 1) into[this.docs[i]!] = 1;
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
    this.mark(this.fieldIndex.get(field)?.terms.get(term), into);
    return into;
  }

  /** Events with any term of the field that `accept` takes (wildcards, regular expressions). */
  termsMatching(field: string, accept: (term: string) => boolean, into: Bitset = this.empty()): Bitset {
    const terms = this.fieldIndex.get(field)?.terms;
    if (terms === undefined) return into;
    for (const [text, term] of terms) if (accept(text)) this.mark(term, into);
    return into;
  }

  exists(field: string, into: Bitset = this.empty()): Bitset {
    this.mark(this.fieldIndex.get(field)?.existsTerm, into);
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
      this.mark(index.numberTerms[k], into);
    }
    return into;
  }

  /** Rough heap bytes of the index (postings, term strings and their map entries, numbers), for the corpus figure. */
  approximateBytes(): number {
    let bytes = this.offsets.byteLength + this.docs.byteLength;
    for (const [name, index] of this.fieldIndex) {
      bytes += name.length * 2 + 64 + index.numberValues.byteLength + index.numberTerms.byteLength;
      for (const text of index.terms.keys()) bytes += 40 + text.length + 16;
    }
    return bytes;
  }
}
