import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseLogQuery } from '../src/log-search/log-query.js';
import { buildRawCorpus } from '../src/log-search/raw-corpus.js';
import { searchTeamLogs, type TeamLogState } from '../src/log-search/team-log-search.js';
import { parseScenario } from '../src/scenarios/scenario-parser.js';
import { type BenchResult, judged } from './support/bench-result.js';
import { ROOT } from './support/server.js';
import { machineNote, percentile, round } from './support/stats.js';

const FLAGSHIP = join(ROOT, 'scenarios', 'portal-defacement.yaml');
const TARGET_EVENTS = 100_000;
const TEAMS = 50;
const ROUNDS = 12;

/** The typical queries of the figure: a term, a term with a time range, a wildcard, a boolean of three terms. */
const QUERIES: ReadonlyArray<{ query: string; fromMs?: number; toMs?: number }> = [
  { query: 'source.ip:203.0.113.66' },
  { query: 'cdn-thongke.example', fromMs: 30 * 60_000, toMs: 60 * 60_000 },
  { query: 'url.original:*thumb_cache*' },
  { query: 'source.ip:10.10.10.11 AND destination.port:8080 AND NOT event.action:deny' },
];

function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * `search.query_p95_ms`: the flagship's corpus scaled to 100,000 events (its background traffic
 * denser), built once and shared, then 50 teams (each at its own time, half on the branch where
 * web-01 was isolated) send each typical query at once, round after round; a query's latency runs
 * from the moment all fifty were sent to its answer, so it includes waiting for the others on the
 * one server thread. `search.corpus_mb`: the heap the shared corpus takes.
 */
export async function benchLogSearch(): Promise<BenchResult[]> {
  const parsed = parseScenario(readFileSync(FLAGSHIP));
  if (!parsed.ok) throw new Error('the flagship does not parse');
  const scenario = parsed.scenario;
  const logs = scenario.logs!;
  const perHour = logs.background.reduce((sum, g) => sum + g.perHour, 0);
  const scale = (TARGET_EVENTS - logs.events.length) / ((perHour * scenario.duration) / 3600);
  const scaled = { ...scenario, logs: { ...logs, background: logs.background.map((g) => ({ ...g, perHour: Math.round(g.perHour * scale) })) } };

  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  const corpus = buildRawCorpus(scaled, 7);
  const buildMs = performance.now() - started;
  collectGarbage();
  const corpusMb = (process.memoryUsage().heapUsed - before) / 1_048_576;
  const events = corpus.base.length + corpus.conditional.length;

  const teams: TeamLogState[] = Array.from({ length: TEAMS }, (_, i) => ({
    gateMs: 60 * 60_000 + i * 60_000,
    fired: i % 2 === 0 ? [{ triggerId: 't-web01-isolated', virtualMs: 20 * 60_000 }] : [{ triggerId: 't-spread-intranet', virtualMs: 40 * 60_000 }],
  }));
  const latencies: number[] = [];
  const perQuery = QUERIES.map(() => [] as number[]);
  for (let round = 0; round < ROUNDS; round += 1) {
    QUERIES.forEach((q, k) => {
      const sent = performance.now();
      for (const team of teams) {
        const result = searchTeamLogs(corpus, team, { query: parseLogQuery(q.query), fromMs: q.fromMs, toMs: q.toMs, limit: 100, offset: 0, buckets: 60 });
        if (result.total < 0) throw new Error('unreachable');
        const ms = performance.now() - sent;
        latencies.push(ms);
        perQuery[k]!.push(ms);
      }
    });
    // Let the loop breathe between rounds, as a server between bursts.
    await new Promise((resolve) => setImmediate(resolve));
  }
  latencies.sort((a, b) => a - b);
  const p95 = percentile(latencies, 95);
  const detail = QUERIES.map(
    (q, k) =>
      `${q.query}${q.fromMs === undefined ? '' : ' (time range)'}: p95 ${round(
        percentile(
          [...perQuery[k]!].sort((a, b) => a - b),
          95,
        ),
        1,
      )} ms`,
  ).join('; ');
  return [
    judged(
      {
        name: 'search.query_p95_ms',
        value: round(p95, 1),
        unit: 'ms',
        target: 200,
        notes: `${events} events, ${TEAMS} teams sending each query at once (${latencies.length} queries); ${detail}; ${machineNote()}`,
      },
      false,
    ),
    {
      name: 'search.corpus_mb',
      value: round(corpusMb, 1),
      unit: 'MB',
      notes: `heap of one exercise's shared corpus (${events} events with its index), built in ${round(buildMs / 1000, 1)} s; teams add no copy; ${machineNote()}`,
    },
  ];
}
