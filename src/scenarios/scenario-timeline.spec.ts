import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Scenario } from '../contracts/scenario.schema.js';
import { ScenarioTimelineSchema, type ScenarioTimeline } from '../contracts/scenario-timeline.schema.js';
import { parseScenario } from './scenario-parser.js';
import { MAX_ALERT_MARKS, projectTimeline } from './scenario-timeline.js';

const root = join(__dirname, '..', '..');
const minimal = readFileSync(join(root, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');

function project(text: string): ScenarioTimeline {
  const result = parseScenario(text);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message} [${p.code}]`).join('\n'));
  return ScenarioTimelineSchema.parse(projectTimeline(result.scenario, (path) => result.locate(path).line));
}

/** The 1-based line on which `needle` first appears. */
const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split('\n').length;

const TRIGGER = `  - id: t-spread
    description: { vi: Không cô lập kịp thì lây lan, en: "Not isolated in time, it spreads" }
    when: { notTaken: { action: isolate-host, target: web-01, by: 25m } }`;
const withTriggers = (triggers: string) => minimal.replace(TRIGGER, triggers);

describe('projectTimeline', () => {
  const timeline = project(minimal);
  const alert = (t: ScenarioTimeline, id: string) => t.alerts.find((a) => a.id === id)!;

  it('places fixed alerts at their time, by layer, with the answer key and the line they are written on', () => {
    expect(timeline.durationSeconds).toBe(3600);
    expect(alert(timeline, 'a-exploit')).toMatchObject({ at: 300, layer: 2, verdict: 'true-positive', severity: 'high', phase: 'exploit', releasedBy: null, estimated: false });
    expect(alert(timeline, 'a-backup')).toMatchObject({ at: 600, verdict: 'benign' });
    for (const id of ['a-exploit', 'a-backup', 'a-webshell', 'a-spread']) expect(alert(timeline, id).line).toBe(lineOf(minimal, `- id: ${id}\n`));
    expect(timeline.clusters).toEqual([]);
  });

  it('releases an alert when a "not taken by" trigger fires: at its time plus the delay', () => {
    expect(timeline.triggers).toEqual([
      expect.objectContaining({ id: 't-spread', from: 1500, until: 1500, basis: ['inaction'], releases: ['a-spread'], releaseCount: 1, cancels: [], cancelCount: 0, line: lineOf(minimal, '- id: t-spread') }),
    ]);
    expect(alert(timeline, 'a-spread')).toMatchObject({ at: 1500 + 120, releasedBy: 't-spread', estimated: false });
  });

  it('draws noise as one band per generator, response windows and report deadlines as spans', () => {
    expect(timeline.noise).toEqual([expect.objectContaining({ id: 'scan', layer: 2, from: 0, to: 3000, count: 5, verdict: 'false-positive', line: lineOf(minimal, '- id: scan') })]);
    // The window opens when a-webshell (15m) arrives and closes 10 minutes after it.
    expect(timeline.responses).toEqual([expect.objectContaining({ id: 'r-isolate', action: 'isolate-host', target: 'web-01', from: 900, until: 1500, required: true, estimated: false })]);
    // A report's deadline is a span after `from`.
    expect(timeline.reports).toEqual([expect.objectContaining({ id: 'rep-initial', kind: 'initial', from: 900, until: 900 + 1800, recipients: ['operator', 'vncert'] })]);
    expect(timeline.phases.map((p) => p.id)).toEqual(['exploit', 'webshell', 'spread']);
  });

  it('places a trigger on a team action from when the answer key opens that window, and marks what it releases as estimated', () => {
    const t = project(
      withTriggers(`  - id: t-spread
    description: { vi: Cô lập thì kẻ tấn công thử lại, en: "Isolated, the attacker retries" }
    when: { taken: { action: isolate-host, target: WEB-01 } }
    cancel: [a-webshell-again]`),
    );
    expect(t.triggers[0]).toMatchObject({ from: 900, until: null, basis: ['action'], cancels: ['a-webshell-again'], cancelCount: 1 });
    expect(alert(t, 'a-spread')).toMatchObject({ at: 900 + 120, estimated: true });
    expect(alert(t, 'a-webshell-again').cancelledBy).toEqual(['t-spread']);
  });

  it('follows delivery chains and bounds "all" by a "not delivered"', () => {
    const t = project(
      withTriggers(`${TRIGGER}
  - id: t-after-spread
    description: { vi: Sau khi lây lan, en: After the spread }
    when: { all: [{ delivered: a-spread }, { not: { delivered: a-webshell-again } }] }
    cancel: [a-backup]
  - id: t-timed
    description: { vi: Hết giờ, en: Time is up }
    when: { any: [{ time: { event: a-webshell, plus: 5m } }, { verdict: { alert: a-exploit, is: false-positive } }] }
    cancel: [a-webshell-again]`),
    );
    // Released at 27m, so it can only fire then; a-webshell-again (16m) had come before, which the span shows.
    expect(t.triggers[1]).toMatchObject({ id: 't-after-spread', from: 1620, until: 960, basis: ['delivery'] });
    // Either 20m (5 minutes after the web shell) or a verdict on a-exploit, which cannot come before 5m.
    expect(t.triggers[2]).toMatchObject({ id: 't-timed', from: 300, until: null, basis: ['action', 'time'] });
  });

  it('cancels by phase on the given assets only, never what the trigger itself releases', () => {
    const t = project(
      withTriggers(`  - id: t-spread
    description: { vi: Không cô lập kịp thì lây lan, en: "Not isolated in time, it spreads" }
    when: { notTaken: { action: isolate-host, target: web-01, by: 25m } }
    cancelPhases: [webshell, spread]
    cancelAssets: [web-01]`),
    );
    expect(t.triggers[0]).toMatchObject({ cancels: ['a-webshell', 'a-webshell-again'], cancelCount: 2, cancelPhases: ['webshell', 'spread'], releases: ['a-spread'] });
    expect(alert(t, 'a-spread').cancelledBy).toEqual([]);
  });

  it('cannot place triggers that wait on each other, and says so with null rather than a made-up time', () => {
    const parsed = parseScenario(minimal);
    if (!parsed.ok) throw new Error('minimal.yaml is invalid');
    const base = parsed.scenario;
    const looped: Scenario = {
      ...base,
      timeline: [...base.timeline, { ...base.timeline[0]!, id: 'a-loop', at: undefined, after: { trigger: 't-loop', delay: 0 } }],
      triggers: [
        { ...base.triggers[0]!, when: { delivered: 'a-loop' } },
        { ...base.triggers[0]!, id: 't-loop', when: { delivered: 'a-spread' } },
      ],
    };
    const t = projectTimeline(looped, () => 1);
    expect(t.triggers.map((trigger) => trigger.from)).toEqual([null, null]);
    expect(t.alerts.find((a) => a.id === 'a-spread')!.at).toBeNull();
    expect(t.alerts.find((a) => a.id === 'a-loop')!.at).toBeNull();
  });

  it('clusters alerts by layer and slice of time when there are too many to draw, and keeps the counts exact', () => {
    const parsed = parseScenario(minimal);
    if (!parsed.ok) throw new Error('minimal.yaml is invalid');
    const base = parsed.scenario;
    const many = MAX_ALERT_MARKS + 500;
    const extra = Array.from({ length: many }, (_, i) => ({
      ...base.timeline[1]!,
      id: `a-bulk-${i}`,
      at: (i * 7) % 3000,
      layer: ((i % 4) + 1) as 1 | 2 | 3 | 4,
      phase: 'spread',
      answer: { ...base.timeline[1]!.answer, verdict: i % 10 === 0 ? ('true-positive' as const) : ('benign' as const) },
    }));
    const lines: Array<readonly (string | number)[]> = [];
    const t = projectTimeline({ ...base, timeline: [...base.timeline, ...extra], triggers: [{ ...base.triggers[0]!, cancelPhases: ['spread'] }] }, (path) => {
      lines.push(path);
      return 1;
    });
    expect(t.alerts).toEqual([]);
    const total = base.timeline.length + many;
    expect(t.clusters.reduce((n, c) => n + c.count, 0)).toBe(total);
    expect(t.clusters.reduce((n, c) => n + c.truePositives, 0)).toBe(3 + 1 + extra.filter((a) => a.answer.verdict === 'true-positive').length);
    for (const c of t.clusters) expect(c.to - c.from).toBe(15);
    // Lines are looked up per cluster, not per alert.
    expect(lines.filter((path) => path[0] === 'timeline').length).toBe(t.clusters.length);
    expect(t.triggers[0]).toMatchObject({ cancelCount: many, releaseCount: 1 });
    expect(t.triggers[0]!.cancels).toHaveLength(200);
  });

  it('projects the flagship: every alert placed, each on its own line, every band inside the duration', () => {
    const text = readFileSync(join(root, 'scenarios', 'portal-defacement.yaml'), 'utf8');
    const t = project(text);
    expect(t.alerts.length).toBeGreaterThan(50);
    expect(new Set(t.alerts.map((a) => a.line)).size).toBe(t.alerts.length);
    for (const a of t.alerts) {
      expect(a.at).not.toBeNull();
      expect(text.split('\n')[a.line - 1]).toContain(a.id);
    }
    for (const band of [...t.responses, ...t.reports]) {
      expect(band.from).not.toBeNull();
      expect(band.until!).toBeLessThanOrEqual(t.durationSeconds);
      expect(band.until!).toBeGreaterThan(band.from!);
    }
    for (const trigger of t.triggers) expect(trigger.releaseCount + trigger.cancelCount).toBeGreaterThan(0);
  });
});
