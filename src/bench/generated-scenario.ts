import { parse as parseYaml } from 'yaml';
import type { ScenarioInput } from '../contracts/scenario.schema.js';

const SENSORS = ['waf', 'ids', 'edr', 'fim', 'uptime', 'page-integrity'] as const;
const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;

/**
 * A synthetic scenario with `events` timeline alerts, shaped like real ones (texts, observables,
 * raw log, ECS fields, answer key), built from a valid base scenario so every reference resolves.
 */
export function generateScenario(baseYaml: string, events: number): ScenarioInput {
  const base = parseYaml(baseYaml) as ScenarioInput & { timeline: unknown[] };
  const duration = 8 * 3600;
  const timeline: unknown[] = [];
  for (let i = 0; i < events; i++) {
    const tp = i % 5 === 0;
    const octet = i % 250;
    timeline.push({
      id: `gen-${i}`,
      at: Math.floor((i * duration) / events),
      layer: 2,
      sensor: SENSORS[i % SENSORS.length],
      severity: SEVERITIES[i % 4],
      title: { vi: `Cảnh báo tổng hợp số ${i}`, en: `Generated alert ${i}` },
      description: { vi: `Yêu cầu đáng ngờ từ 198.51.100.${octet}`, en: `Suspicious request from 198.51.100.${octet}` },
      technique: 'T1190',
      phase: 'exploit',
      asset: 'web-01',
      observables: [
        { type: 'ip', value: `198.51.100.${octet}`, role: 'attacker' },
        { type: 'url', value: `https://portal.lamson.gov.vn/index.php?id=${i}` },
      ],
      raw: `198.51.100.${octet} - - [12/Oct/2024:09:05:11 +0700] "GET /index.php?id=${i}%27%20OR%201=1 HTTP/1.1" 403 162 "-" "sqlmap/1.7"`,
      fields: { 'source.ip': `198.51.100.${octet}`, 'url.original': `/index.php?id=${i}`, 'http.response.status_code': 403, 'event.dataset': 'waf.audit' },
      answer: tp
        ? { verdict: 'true-positive', severity: 'high', routing: ['operator'], incident: 'inc-portal' }
        : { verdict: 'false-positive', severity: 'low', routing: [] },
    });
  }
  return { ...base, id: 'bench-generated', duration, timeline: timeline as ScenarioInput['timeline'], triggers: [], responses: [], reporting: [], hints: [] };
}
