import type { RawEventView } from '../contracts/raw-event.schema.js';
import type { Bitset } from './corpus-index.js';
import { evaluateLogQuery, type ParsedLogQuery } from './log-query.js';
import { eventRef, renderConditional, type RawCorpus } from './raw-corpus.js';

/**
 * One team's view of the shared corpus, applied at query time: only events whose virtual time has
 * passed for the team (`gateMs`), only the conditional events its own trigger firings released,
 * and none that its firings cancelled before they happened.
 */
export interface TeamLogState {
  /** Virtual ms up to which the team may see events (inclusive). */
  readonly gateMs: number;
  /** The team's trigger firings, from its engine stream. */
  readonly fired: readonly { readonly triggerId: string; readonly virtualMs: number }[];
}

export interface LogSearchRequest {
  readonly query: ParsedLogQuery;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly limit: number;
  readonly offset: number;
  /** Histogram buckets over the range (0: none). */
  readonly buckets: number;
}

export interface LogSearchResult {
  readonly total: number;
  readonly fromMs: number;
  readonly toMs: number;
  readonly hits: RawEventView[];
  readonly histogram: { readonly fromMs: number; readonly bucketMs: number; readonly counts: number[] };
}

interface TeamMasks {
  /** Per event: the virtual ms after which it is cancelled for the team (Infinity: never). */
  readonly baseCancel: Map<number, number>;
  readonly conditionalCancel: Map<number, number>;
  readonly firedAt: Map<number, number>;
}

function masks(corpus: RawCorpus, team: TeamLogState): TeamMasks {
  const baseCancel = new Map<number, number>();
  const conditionalCancel = new Map<number, number>();
  const firedAt = new Map<number, number>();
  for (const firing of team.fired) {
    const index = corpus.triggerIndexById.get(firing.triggerId);
    if (index === undefined || firing.virtualMs > team.gateMs) continue;
    firedAt.set(index, Math.min(firedAt.get(index) ?? Infinity, firing.virtualMs));
    const trigger = corpus.triggers[index]!;
    for (const i of trigger.cancelBase) baseCancel.set(i, Math.min(baseCancel.get(i) ?? Infinity, firing.virtualMs));
    for (const i of trigger.cancelConditional) conditionalCancel.set(i, Math.min(conditionalCancel.get(i) ?? Infinity, firing.virtualMs));
  }
  return { baseCancel, conditionalCancel, firedAt };
}

/** Virtual ms a conditional event happens for the team, or null when its trigger has not fired. */
function conditionalTime(corpus: RawCorpus, i: number, firedAt: ReadonlyMap<number, number>): number | null {
  const release = corpus.releases[i]!;
  const fired = firedAt.get(release.triggerIndex);
  if (fired === undefined) return null;
  return Math.max(corpus.conditional.times[i]!, Math.ceil(fired + release.delayMs));
}

interface Match {
  readonly segment: 'b' | 'c';
  readonly i: number;
  readonly ms: number;
}

/** Every event of the team's view the bitsets select, in [fromMs, toMs], oldest first. */
function collect(corpus: RawCorpus, team: TeamLogState, baseBits: Bitset, conditionalBits: Bitset, fromMs: number, toMs: number): Match[] {
  const { baseCancel, conditionalCancel, firedAt } = masks(corpus, team);
  const out: Match[] = [];
  const base = corpus.base;
  const end = base.lowerBound(toMs + 0.5);
  for (let i = base.lowerBound(fromMs); i < end; i += 1) {
    if (baseBits[i] === 0) continue;
    const ms = base.times[i]!;
    const cancelled = baseCancel.get(i);
    if (cancelled !== undefined && ms > cancelled) continue;
    out.push({ segment: 'b', i, ms });
  }
  const extra: Match[] = [];
  for (let i = 0; i < conditionalBits.length; i += 1) {
    if (conditionalBits[i] === 0) continue;
    const ms = conditionalTime(corpus, i, firedAt);
    if (ms === null || ms < fromMs || ms > toMs) continue;
    const cancelled = conditionalCancel.get(i);
    if (cancelled !== undefined && ms > cancelled) continue;
    extra.push({ segment: 'c', i, ms });
  }
  if (extra.length === 0) return out;
  return [...out, ...extra].sort((a, b) => a.ms - b.ms);
}

function view(corpus: RawCorpus, match: Match): RawEventView {
  const doc = match.segment === 'b' ? corpus.base.doc(match.i) : renderConditional(corpus, match.i, match.ms);
  const key = match.segment === 'b' ? corpus.base.keys[match.i]! : corpus.conditional.keys[match.i]!;
  return {
    ref: eventRef(corpus.seed, match.segment, key),
    virtualMs: Math.round(match.ms),
    source: doc.source,
    ...(doc.asset === undefined ? {} : { asset: doc.asset }),
    fields: { ...doc.fields },
    raw: doc.raw,
  };
}

export function searchTeamLogs(corpus: RawCorpus, team: TeamLogState, request: LogSearchRequest): LogSearchResult {
  const fromMs = Math.max(0, request.fromMs ?? 0);
  const toMs = Math.min(request.toMs ?? team.gateMs, team.gateMs);
  const histogram = { fromMs, bucketMs: 0, counts: [] as number[] };
  if (toMs < fromMs) return { total: 0, fromMs, toMs: Math.max(fromMs, toMs), hits: [], histogram };
  const baseBits = evaluateLogQuery(request.query, corpus.base);
  const conditionalBits = corpus.conditional.length === 0 ? new Uint8Array(0) : evaluateLogQuery(request.query, corpus.conditional);
  const matches = collect(corpus, team, baseBits, conditionalBits, fromMs, toMs);
  if (request.buckets > 0) {
    const span = Math.max(1, toMs - fromMs + 1);
    // Whole seconds per bucket, so the bars line up with the clock the console shows.
    histogram.bucketMs = Math.max(1000, Math.ceil(span / request.buckets / 1000) * 1000);
    histogram.counts = new Array<number>(Math.ceil(span / histogram.bucketMs)).fill(0);
    for (const match of matches) histogram.counts[Math.min(histogram.counts.length - 1, Math.floor((match.ms - fromMs) / histogram.bucketMs))]! += 1;
  }
  const hits: RawEventView[] = [];
  // Newest first, as a SIEM lists them.
  for (let k = matches.length - 1 - request.offset; k >= 0 && hits.length < request.limit; k -= 1) hits.push(view(corpus, matches[k]!));
  return { total: matches.length, fromMs, toMs, hits, histogram };
}
