import type { Severity } from '../contracts/common.schema.js';
import type { Scenario } from '../contracts/scenario.schema.js';
import type { AlertState, IncidentState, TeamState } from '../contracts/triage.schema.js';
import { fixtureAlert, fixtureScenario, text } from '../engine/engine-fixtures.js';
import { AnswerKey } from '../scoring/answer-key.js';
import { computeScore, type ScoringDeliveredEvent } from '../scoring/score.js';
import { judged, type BenchResult } from './bench-result.js';

const TEAMS = 200;
const ALERTS = 1_000;
const TARGET_MS = 1_000;
const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** A cheap deterministic sequence so every run scores the same synthetic teams. */
function lcg(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1_664_525) + 1_013_904_223) >>> 0;
    return x / 2 ** 32;
  };
}

function syntheticScenario(): Scenario {
  const timeline = Array.from({ length: ALERTS }, (_, i) => {
    const tp = i % 10 < 3;
    const incident = `inc-${i % 3}`;
    return fixtureAlert(`a-${i}`, {
      at: Math.floor((i * 7_000) / ALERTS),
      layer: ((i % 4) + 1) as 1 | 2 | 3 | 4,
      phase: tp ? ['recon', 'exploit', 'spread', 'impact'][i % 4] : undefined,
      technique: tp ? ['T1190', 'T1505.003', 'T1021.002', 'T1491.002'][i % 4] : undefined,
      answer: tp
        ? { verdict: 'true-positive', severity: SEVERITIES[i % 4], routing: i % 2 ? ['soc'] : ['soc', 'csirt'], incident }
        : { verdict: i % 2 ? 'benign' : 'false-positive', severity: 'low', routing: [], incident: null },
    });
  });
  return fixtureScenario({
    duration: '2h',
    timeline,
    incidents: [0, 1, 2].map((n) => ({ id: `inc-${n}`, title: text(`Incident ${n}`), severity: 'high' as const, legalClass: 'ordinary' as const, assets: ['portal'] })),
    responses: Array.from({ length: 20 }, (_, n) => ({
      id: `r-${n}`,
      action: 'block-ip' as const,
      target: `203.0.113.${n + 1}`,
      incident: `inc-${n % 3}`,
      from: { event: `a-${n * 40}` },
      deadline: { event: `a-${n * 40}`, plus: '30m' },
      points: 10 + n,
      description: text(`Block ${n}`),
    })),
    harmful: [{ id: 'h-db', action: 'isolate-host', target: 'db', penalty: 30, reason: text('healthy') }],
    reporting: Array.from({ length: 5 }, (_, n) => ({
      id: `rep-${n}`,
      kind: (['notification', 'initial', 'situation-update', 'response-plan', 'closing'] as const)[n],
      incident: 'inc-0',
      recipients: ['soc', 'csirt'],
      from: { event: `a-${n * 100}` },
      deadline: '30m',
      requiredContent: ['what-happened', 'affected-systems', 'impact'] as ('what-happened' | 'affected-systems' | 'impact')[],
      legalBasis: text('QĐ 05/2017/QĐ-TTg (compressed)'),
      points: 40,
    })),
  });
}

/** One finished team: a mix of right, wrong and missing verdicts, routes, incidents, responses and reports. */
function syntheticTeam(scenario: Scenario, team: number): TeamState {
  const rand = lcg(team + 1);
  const alerts: Record<string, AlertState> = {};
  const incidents: Record<string, IncidentState> = {};
  for (let n = 0; n < 3; n++) {
    incidents[`INC-${n + 1}`] = {
      id: `INC-${n + 1}`, title: `Incident ${n}`, severity: 'high', legalClass: rand() < 0.8 ? 'ordinary' : 'serious', assets: ['portal'],
      phase: 'containment', phaseHistory: [{ phase: 'detection-analysis', virtualMs: 0 }, { phase: 'containment', virtualMs: 600_000 }],
      alertIds: [], observables: [], routes: [], mergedInto: null, createdAtMs: 0, createdBy: `u${team}-1`,
    };
  }
  scenario.timeline.forEach((alert, i) => {
    const delivered = (alert.at ?? 0) * 1000;
    const right = rand() < 0.75;
    const verdict = rand() < 0.1 ? null : right ? alert.answer.verdict : alert.answer.verdict === 'true-positive' ? 'false-positive' : 'true-positive';
    const incidentId = alert.answer.incident !== null && rand() < 0.8 ? `INC-${Number(alert.answer.incident.slice(4)) + 1}` : null;
    if (incidentId !== null) incidents[incidentId].alertIds.push(alert.id);
    alerts[alert.id] = {
      alertId: alert.id, ownerId: `u${team}-${i % 4}`, takeoverRequests: [], acknowledgedAtMs: delivered + 30_000,
      verdict, verdictReason: verdict === null ? null : 'checked', duplicateOf: null,
      verdictAtMs: verdict === null ? null : delivered + 60_000, firstVerdictAtMs: verdict === null ? null : delivered + 60_000,
      severity: verdict === null ? null : SEVERITIES[Math.floor(rand() * 4)], notes: [],
      routes: alert.answer.routing.length > 0 || rand() < 0.05 ? [{ actionId: `route-${i}`, to: rand() < 0.7 ? alert.answer.routing : ['soc', 'csirt'], escalate: false, userId: `u${team}-${i % 4}`, virtualMs: delivered + 90_000 }] : [],
      incidentId,
    };
  });
  const responses = scenario.responses.filter(() => rand() < 0.7).map((r, n) => ({ actionId: `resp-${n}`, action: r.action, target: r.target ?? '', incidentId: null, userId: `u${team}-2`, virtualMs: n * 40 * 7 * 1000 + Math.floor(rand() * 2_400_000) }));
  const reports = scenario.reporting.filter(() => rand() < 0.8).map((o, n) => ({
    id: `RPT-${n + 1}`, actionId: `rep-${n}`, kind: o.kind, recipients: rand() < 0.5 ? ['soc', 'csirt'] : ['soc'], incidentId: 'INC-1',
    content: { whatHappened: 'x', affectedSystems: rand() < 0.5 ? ['portal'] : [], iocs: [], impact: 'y' }, correctsReportId: null, userId: `u${team}-3`, virtualMs: n * 700_000 + 600_000,
  }));
  return { exerciseId: 'bench', teamId: `team-${team}`, lastActionSeq: 0, alerts, incidents, responses, reports, hints: [] };
}

/** Scoring a finished exercise: 200 teams × 1,000 delivered alerts, the pure function only. */
export function benchScoring(): BenchResult[] {
  const scenario = syntheticScenario();
  const delivered: ScoringDeliveredEvent[] = scenario.timeline.map((a) => ({ eventId: a.id, virtualMs: (a.at ?? 0) * 1000, origin: 'timeline' }));
  const teams = Array.from({ length: TEAMS }, (_, t) => syntheticTeam(scenario, t));
  const key = new AnswerKey(scenario);
  computeScore({ scenario, delivered, state: teams[0], key }); // warm-up
  const run = (detail: 'full' | 'totals'): BenchResult => {
    const cpu = process.cpuUsage();
    const started = performance.now();
    let checksum = 0;
    for (const state of teams) checksum += computeScore({ scenario, delivered, state, key, detail }).total;
    const elapsed = performance.now() - started;
    const used = process.cpuUsage(cpu);
    return judged(
      {
        name: `scoring-${detail}-200-teams-x-1000-alerts`,
        value: Math.round(elapsed),
        unit: 'ms',
        target: TARGET_MS,
        notes: `${TEAMS} teams × ${ALERTS} alerts, detail ${detail}; process CPU ${Math.round((used.user + used.system) / 1000)} ms (wall time suffers on a loaded machine); mean total ${(checksum / TEAMS).toFixed(2)}`,
      },
      false,
    );
  };
  return [
    run('totals'),
    run('full'),
  ];
}
