import type { Scenario } from '../../src/contracts/scenario.schema';

/**
 * What must never appear in an output rendered in Vietnamese: the scorer's English words, internal
 * ids (scenario ids, console alert references, API paths) and "leo thang" outside privilege
 * escalation (the glossary's escalation is "chuyển cấp xử lý").
 */

/** English words of the scorer's vocabulary (verdicts, severities, components, statuses, note phrases). */
const SCORER_ENGLISH = [
  'true positive',
  'false positive',
  'true-positive',
  'false-positive',
  'benign',
  'duplicate',
  'severity',
  'low',
  'medium',
  'high',
  'critical',
  'routed',
  'routing',
  'never',
  'window',
  'layer',
  'points',
  'report',
  'reports',
  'incident',
  'detection',
  'response',
  'coordination',
  'missed',
  'late',
  'partial',
  'earned',
  'penalty',
  'not applicable',
  'not-applicable',
  'bonus',
  'noise',
  'alert',
  'escalation',
  'verdict',
  'filed',
  'deadline',
  'ideal',
  'hint',
  'finished',
  'running',
  'aborted',
  'draft',
  'paused',
  'min',
  'note',
  'basis',
  'taken',
  'due',
  'after',
  'before',
  'the',
  'was',
  'and',
];
const ENGLISH = new RegExp(`(^|[^\\p{L}\\p{N}_-])(${SCORER_ENGLISH.join('|')})(?=$|[^\\p{L}\\p{N}_-])`, 'giu');

/** Every answer-key id a reader could be shown by mistake (assets are named by the organisers' names, often the same as their ids). */
export function scenarioIds(scenario: Scenario): string[] {
  return [
    ...scenario.timeline.map((a) => a.id),
    ...scenario.injects.map((a) => a.id),
    ...scenario.noise.map((n) => n.id),
    ...scenario.responses.map((r) => r.id),
    ...scenario.harmful.map((h) => h.id),
    ...scenario.reporting.map((o) => o.id),
    ...scenario.parties.map((p) => p.id),
    ...scenario.incidents.map((i) => i.id),
    ...scenario.hints.map((h) => h.id),
    ...scenario.phases.map((p) => p.id),
  ].filter((id) => id.includes('-') || id.length > 3);
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The problems of a text meant to be Vietnamese. `allowed` are data texts the check must not judge
 * (team, unit and organisation names typed by people, which may hold anything).
 */
export function vietnameseProblems(text: string, scenarios: readonly Scenario[], allowed: readonly string[] = []): string[] {
  let t = text;
  for (const a of [...allowed].sort((x, y) => y.length - x.length)) if (a) t = t.split(a).join(' ');
  const problems: string[] = [];
  for (const m of t.matchAll(ENGLISH))
    problems.push(`English "${m[2]}" in «${t.slice(Math.max(0, (m.index ?? 0) - 40), (m.index ?? 0) + 40).replace(/\s+/g, ' ')}»`);
  const ids = new Set(scenarios.flatMap(scenarioIds));
  for (const id of ids) {
    const re = new RegExp(`(^|[^\\w-])${escape(id)}($|[^\\w-])`);
    const m = re.exec(t);
    if (m) problems.push(`id "${id}" in «${t.slice(Math.max(0, m.index - 40), m.index + 40).replace(/\s+/g, ' ')}»`);
  }
  for (const m of t.matchAll(/AL-[0-9a-f]{6,}|\/api\/(?:exercises|results|scenarios)\/[\w/-]+/g)) problems.push(`internal reference "${m[0]}"`);
  for (const m of t.matchAll(/leo thang(?! đặc quyền| quyền)/gi))
    problems.push(`"${m[0]}" outside privilege escalation in «${t.slice(Math.max(0, (m.index ?? 0) - 40), (m.index ?? 0) + 40)}»`);
  return [...new Set(problems)];
}

/** The visible text of an HTML page (tags and styles dropped, entities decoded). */
export function htmlText(html: string): string {
  return html
    .replace(/<style[\s\S]*?<\/style>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}
