import type { BackgroundGenerator, RawEvent, RawEventFields, RawEventSource, ScenarioLogs } from '../contracts/raw-event.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import { Prng } from '../engine/prng.js';
import { CorpusIndex } from './corpus-index.js';

/**
 * The raw-event corpus of one (scenario version, seed): immutable once built and shared by every
 * team of the exercise. Unconditional events (inline, files, background) form the `base` segment,
 * sorted by time; events released by triggers form the `conditional` segment, whose times each team
 * computes from its own firings. Background events keep only their drawn values: their fields and
 * raw line are filled from the template when read, which keeps a 100,000-event corpus small.
 */

type FieldValue = string | number | boolean;
type Values = readonly (string | number)[];

export interface CorpusEventDoc {
  readonly source: RawEventSource;
  readonly asset: string | undefined;
  readonly fields: Readonly<Record<string, FieldValue>>;
  readonly raw: string;
}

interface GeneratedPayload {
  readonly generator: number;
  readonly values: Values;
}

export class CorpusSegment {
  readonly index: CorpusIndex;
  private readonly rawLower: (string | undefined)[];

  constructor(
    /** Virtual ms of each event (conditional segment: the earliest time, `at` or 0). */
    readonly times: Float64Array,
    /** Stable key of each event (author id or position), from which the opaque ref is derived. */
    readonly keys: readonly string[],
    private readonly payloads: readonly (RawEvent | GeneratedPayload)[],
    readonly phases: readonly (string | undefined)[],
    readonly groups: readonly (string | undefined)[],
    readonly ids: readonly (string | undefined)[],
    readonly attack: Uint8Array,
    private readonly clock: LogClock,
    private readonly generators: readonly CompiledGenerator[],
  ) {
    this.rawLower = new Array<string | undefined>(times.length);
    this.index = new CorpusIndex(times.length);
  }

  /** Indexes the next events (up to `count`); true once every event is indexed and the index sealed. */
  indexMore(count: number): boolean {
    const end = Math.min(this.times.length, this.indexed + count);
    for (; this.indexed < end; this.indexed += 1) this.index.add(this.indexed, this.doc(this.indexed));
    if (this.indexed < this.times.length) return false;
    this.index.seal();
    return true;
  }

  private indexed = 0;

  get length(): number {
    return this.times.length;
  }

  assetOf(i: number): string | undefined {
    const payload = this.payloads[i]!;
    return 'generator' in payload ? this.generators[payload.generator]!.spec.asset : payload.asset;
  }

  /** The event as a team reads it (fields and raw filled for generated events). */
  doc(i: number): CorpusEventDoc {
    const payload = this.payloads[i]!;
    if ('generator' in payload) {
      const generator = this.generators[payload.generator]!;
      return generator.render(payload.values, this.times[i]!, this.clock);
    }
    return { source: payload.source, asset: payload.asset, fields: payload.fields, raw: payload.raw };
  }

  /** A field's value as text (`source` and `asset` included), for phrase checks. */
  fieldText(i: number, field: string): string | undefined {
    const doc = this.doc(i);
    if (field === 'source') return doc.source;
    if (field === 'asset') return doc.asset;
    const value = doc.fields[field];
    return value === undefined ? undefined : String(value);
  }

  /** Lower-cased raw line, cached: phrase checks read it. */
  lowerRaw(i: number): string {
    let cached = this.rawLower[i];
    if (cached === undefined) {
      cached = this.doc(i).raw.toLowerCase();
      // Only authored lines are kept: generated ones are cheap to render again.
      if (!('generator' in this.payloads[i]!)) this.rawLower[i] = cached;
    }
    return cached;
  }

  /** First index whose time is >= ms (times ascending). */
  lowerBound(ms: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid]! < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export interface ConditionalRelease {
  readonly triggerIndex: number;
  readonly delayMs: number;
}

export interface CorpusTrigger {
  readonly id: string;
  /** Base and conditional event indices the firing drops (when they fall after it). */
  readonly cancelBase: Int32Array;
  readonly cancelConditional: Int32Array;
}

export interface RawCorpus {
  readonly seed: string;
  readonly base: CorpusSegment;
  readonly conditional: CorpusSegment;
  /** Per conditional event: the trigger that releases it and the delay. */
  readonly releases: readonly ConditionalRelease[];
  readonly triggers: readonly CorpusTrigger[];
  readonly triggerIndexById: ReadonlyMap<string, number>;
  readonly clock: LogClock;
}

// ---------------------------------------------------------------------------------------------
// The logs' clock
// ---------------------------------------------------------------------------------------------

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Log lines carry Vietnam's local time (UTC+7), as the province's servers write them. */
const OFFSET_MS = 7 * 3_600_000;

export class LogClock {
  /** Epoch ms of T+0. */
  readonly epochMs: number;

  constructor(date: string, wallClockStart: string | undefined) {
    const [h, m, s] = (wallClockStart ?? '00:00').split(':').map(Number);
    this.epochMs = Date.parse(`${date}T00:00:00Z`) - OFFSET_MS + ((h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0)) * 1000;
  }

  placeholder(name: string, virtualMs: number): string | undefined {
    const epoch = this.epochMs + virtualMs;
    const local = new Date(epoch + OFFSET_MS);
    const pad = (n: number, w = 2) => String(n).padStart(w, '0');
    const hms = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
    switch (name) {
      case 'time.iso':
        return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${hms}.${pad(local.getUTCMilliseconds(), 3)}+07:00`;
      case 'time.clf':
        return `${pad(local.getUTCDate())}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:${hms} +0700`;
      case 'time.syslog':
        return `${MONTHS[local.getUTCMonth()]} ${String(local.getUTCDate()).padStart(2, ' ')} ${hms}`;
      case 'time.epoch':
        return String(Math.floor(epoch / 1000));
      case 'time.epoch_ms':
        return String(Math.floor(epoch));
      case 'time.zeek':
        return (epoch / 1000).toFixed(6);
      default:
        return undefined;
    }
  }
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*\}\}/g;
const WHOLE = /^\{\{\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*\}\}$/;

/** Fills {{var}} and {{time.*}}; unknown names stay as written so authors spot them. */
export function fillLogText(text: string, lookup: (name: string) => string | number | undefined): string {
  if (!text.includes('{{')) return text;
  return text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = lookup(name);
    return value === undefined ? whole : String(value);
  });
}

function fillFields(fields: RawEventFields, lookup: (name: string) => string | number | undefined): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const key of Object.keys(fields)) {
    const value = fields[key]!;
    if (typeof value !== 'string' || !value.includes('{{')) {
      out[key] = value;
      continue;
    }
    // "{{port}}" alone keeps the variable's type, so numeric ECS fields stay numbers.
    const whole = WHOLE.exec(value);
    const single = whole ? lookup(whole[1]!) : undefined;
    out[key] = single !== undefined ? single : fillLogText(value, lookup);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Background generators
// ---------------------------------------------------------------------------------------------

class CompiledGenerator {
  private readonly names: readonly string[];
  private readonly cumulative: Map<string, { values: (string | number)[]; totals: number[] }>;

  constructor(readonly spec: BackgroundGenerator) {
    this.names = Object.keys(spec.vars);
    this.cumulative = new Map();
    for (const name of this.names) {
      const variable = spec.vars[name]!;
      if ('weighted' in variable) {
        let total = 0;
        this.cumulative.set(name, {
          values: variable.weighted.map(([v]) => v),
          totals: variable.weighted.map(([, w]) => (total += w)),
        });
      }
    }
  }

  draw(prng: Prng): Values {
    const out: (string | number)[] = new Array<string | number>(this.names.length);
    this.names.forEach((name, i) => {
      const variable = this.spec.vars[name]!;
      if ('pick' in variable) out[i] = prng.pick(variable.pick);
      else if ('weighted' in variable) {
        const table = this.cumulative.get(name)!;
        const x = prng.next() * table.totals[table.totals.length - 1]!;
        let k = 0;
        while (k < table.totals.length - 1 && table.totals[k]! <= x) k += 1;
        out[i] = table.values[k]!;
      } else if ('ipv4In' in variable) out[i] = prng.ipv4In(variable.ipv4In);
      else if ('int' in variable) out[i] = prng.int(variable.int[0], variable.int[1]);
      else out[i] = prng.hex(variable.hex);
    });
    return out;
  }

  render(values: Values, virtualMs: number, clock: LogClock): CorpusEventDoc {
    const lookup = (name: string): string | number | undefined => {
      const at = this.names.indexOf(name);
      if (at >= 0) return values[at];
      return clock.placeholder(name, virtualMs);
    };
    return { source: this.spec.source, asset: this.spec.asset, fields: fillFields(this.spec.fields, lookup), raw: fillLogText(this.spec.raw, lookup) };
  }
}

/** How many events a generator makes over the drill (perHour over its range). */
export function backgroundCount(generator: BackgroundGenerator, durationSeconds: number): number {
  const [from, to] = generator.between ?? [0, durationSeconds];
  return Math.round((generator.perHour * Math.abs(to - from)) / 3600);
}

/** Total events a scenario's corpus holds before any trigger (for validation and the library). */
export function corpusSize(scenario: Pick<Scenario, 'logs' | 'duration'>): number {
  const logs = scenario.logs;
  if (!logs) return 0;
  return logs.events.length + logs.background.reduce((sum, g) => sum + backgroundCount(g, scenario.duration), 0);
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

interface Draft {
  time: number;
  key: string;
  payload: RawEvent | GeneratedPayload;
  phase: string | undefined;
  group: string | undefined;
  id: string | undefined;
  attack: boolean;
}

function segment(drafts: Draft[], clock: LogClock, generators: readonly CompiledGenerator[]): CorpusSegment {
  const times = new Float64Array(drafts.length);
  drafts.forEach((d, i) => (times[i] = d.time));
  const attack = new Uint8Array(drafts.length);
  drafts.forEach((d, i) => (attack[i] = d.attack ? 1 : 0));
  return new CorpusSegment(
    times,
    drafts.map((d) => d.key),
    drafts.map((d) => d.payload),
    drafts.map((d) => d.phase),
    drafts.map((d) => d.group),
    drafts.map((d) => d.id),
    attack,
    clock,
    generators,
  );
}

function authoredMs(at: number | undefined): number {
  return at === undefined ? 0 : Math.round(at * 1000);
}

/** Fills the time placeholders of an authored event at its (base) time. */
function withTime(event: RawEvent, virtualMs: number, clock: LogClock): RawEvent {
  const lookup = (name: string) => clock.placeholder(name, virtualMs);
  if (!event.raw.includes('{{') && !Object.values(event.fields).some((v) => typeof v === 'string' && v.includes('{{'))) return event;
  return { ...event, raw: fillLogText(event.raw, lookup), fields: fillFields(event.fields, lookup) };
}

type CorpusScenario = Pick<Scenario, 'logs' | 'duration' | 'wallClockStart' | 'triggers'>;

/** Builds the corpus at once (tests, the benchmark, the CLI). */
export function buildRawCorpus(scenario: CorpusScenario, seed: string | number): RawCorpus {
  const corpus = draftRawCorpus(scenario, seed);
  corpus.base.indexMore(Infinity);
  corpus.conditional.indexMore(Infinity);
  return corpus;
}

/**
 * Builds the corpus in slices, yielding to the event loop between them (`pause`), so that indexing
 * a large corpus in the server never holds up the drill's deliveries for long.
 */
export async function buildRawCorpusInSlices(scenario: CorpusScenario, seed: string | number, pause: () => Promise<void>, slice = 2_000): Promise<RawCorpus> {
  const corpus = draftRawCorpus(scenario, seed);
  await pause();
  while (!corpus.base.indexMore(slice)) await pause();
  corpus.conditional.indexMore(Infinity);
  return corpus;
}

function draftRawCorpus(scenario: CorpusScenario, seed: string | number): RawCorpus {
  const logs: ScenarioLogs = scenario.logs ?? { start: '2025-03-14', files: [], events: [], background: [] };
  const clock = new LogClock(logs.start, scenario.wallClockStart);
  const generators = logs.background.map((g) => new CompiledGenerator(g));
  const triggerIndexById = new Map<string, number>();
  scenario.triggers.forEach((t, i) => triggerIndexById.set(t.id, i));

  const base: Draft[] = [];
  const conditional: Draft[] = [];
  const releases: ConditionalRelease[] = [];
  logs.events.forEach((event, n) => {
    const draft: Draft = {
      time: authoredMs(event.at),
      key: event.id ?? `e${n}`,
      payload: event,
      phase: event.phase,
      group: event.group,
      id: event.id,
      attack: event.attack,
    };
    if (event.after !== undefined) {
      const triggerIndex = triggerIndexById.get(event.after.trigger);
      // An unknown trigger is the validator's business: such an event simply never happens.
      if (triggerIndex === undefined) return;
      conditional.push(draft);
    } else {
      draft.payload = withTime(event, draft.time, clock);
      base.push(draft);
    }
  });
  const durationMs = scenario.duration * 1000;
  generators.forEach((generator, g) => {
    const prng = new Prng(`${seed}\u0000logs\u0000${generator.spec.id}`);
    const [from, to] = generator.spec.between ?? [0, scenario.duration];
    const low = Math.min(from, to) * 1000;
    const high = Math.min(Math.max(from, to) * 1000, durationMs);
    const count = backgroundCount(generator.spec, scenario.duration);
    const times: number[] = new Array<number>(count);
    for (let i = 0; i < count; i += 1) times[i] = prng.int(low, Math.max(low, high - 1));
    times.sort((a, b) => a - b);
    for (let i = 0; i < count; i += 1) {
      base.push({
        time: times[i]!,
        key: `bg:${generator.spec.id}:${i}`,
        payload: { generator: g, values: generator.draw(prng) },
        phase: undefined,
        group: undefined,
        id: undefined,
        attack: false,
      });
    }
  });
  // Stable sort: equal times keep authored order, then background order.
  base.sort((a, b) => a.time - b.time);
  conditional.sort((a, b) => a.time - b.time);
  for (const draft of conditional) {
    const event = draft.payload as RawEvent;
    releases.push({ triggerIndex: triggerIndexById.get(event.after!.trigger)!, delayMs: event.after!.delay * 1000 });
  }

  const baseSegment = segment(base, clock, generators);
  const conditionalSegment = segment(conditional, clock, generators);
  const cancels = (seg: CorpusSegment, trigger: Scenario['triggers'][number]): Int32Array => {
    const names = new Set(trigger.cancelLogs);
    const phases = new Set(trigger.cancelPhases);
    const assets = trigger.cancelAssets === undefined ? null : new Set(trigger.cancelAssets);
    const out: number[] = [];
    for (let i = 0; i < seg.length; i += 1) {
      const id = seg.ids[i];
      const group = seg.groups[i];
      const phase = seg.phases[i];
      const byName = (id !== undefined && names.has(id)) || (group !== undefined && names.has(group));
      const asset = seg.assetOf(i);
      const byPhase = phase !== undefined && phases.has(phase) && (assets === null || (asset !== undefined && assets.has(asset)));
      if (byName || byPhase) out.push(i);
    }
    return Int32Array.from(out);
  };
  const triggers: CorpusTrigger[] = scenario.triggers.map((trigger) => ({
    id: trigger.id,
    cancelBase: cancels(baseSegment, trigger),
    cancelConditional: cancels(conditionalSegment, trigger),
  }));
  return { seed: `${seed}`, base: baseSegment, conditional: conditionalSegment, releases, triggers, triggerIndexById, clock };
}

/** Fills an authored conditional event's time placeholders at the team's time of it. */
export function renderConditional(corpus: RawCorpus, i: number, virtualMs: number): CorpusEventDoc {
  const doc = corpus.conditional.doc(i);
  const lookup = (name: string) => corpus.clock.placeholder(name, virtualMs);
  return { ...doc, raw: fillLogText(doc.raw, lookup), fields: fillFields(doc.fields as RawEventFields, lookup) };
}

/** FNV-1a over the seed and key, as 13 base-36 characters: an opaque, stable event reference. */
export function eventRef(seed: string, segmentName: 'b' | 'c', key: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const text = `${seed}\u0000${segmentName}\u0000${key}`;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 16777619) >>> 0;
    h2 = Math.imul(h2 ^ c, 2246822519) >>> 0;
  }
  return `EV-${h1.toString(36).padStart(7, '0')}${(h2 >>> 8).toString(36).padStart(5, '0')}`.toUpperCase();
}
