import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';

/**
 * Scenario files as authors get them wrong: the minimal fixture with a handful of edits of the
 * kinds that reach the engine (noise variables, schedules, trigger conditions, windows, ids,
 * durations). Many stay valid, many do not; the property is about the valid ones.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Doc = Record<string, Json>;

const minimal = parseYaml(readFileSync(join(__dirname, '..', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8')) as Doc;

const ALERT_IDS = ['a-exploit', 'a-backup', 'a-webshell', 'a-webshell-again', 'a-spread', 'inj-press', 'scan-1', 'scan-3', 'a-new'];
const TRIGGER_IDS = ['t-spread', 't-other'];
const PHASES = ['exploit', 'webshell', 'spread', 'nope'];
const ASSETS = ['web-01', 'db-01'];

const REAL_ALERT_IDS = ALERT_IDS.slice(0, 5);
// Mostly inside the fixture's hour, sometimes beyond it.
const seconds = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.constantFrom('0s', '1m', '5m', '15m', '30m', '45m', '1h')) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: 0, max: 8_000 }), fc.constantFrom('59m59s', '1h5m', '2h')) },
);
const alertRef = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...REAL_ALERT_IDS) }, { weight: 1, arbitrary: fc.constantFrom(...ALERT_IDS) });
const timeRef: fc.Arbitrary<Json> = fc.oneof(seconds, fc.record({ event: alertRef }), fc.record({ event: alertRef, plus: seconds }));
const octet = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 400 }));
const cidr = fc.tuple(octet, octet, octet, octet, fc.integer({ min: 8, max: 32 })).map(([a, b, c, d, p]) => `${a}.${b}.${c}.${d}/${p}`);
const noiseVar: fc.Arbitrary<Json> = fc.oneof(
  cidr.map((c) => ({ ipv4In: c })),
  fc.tuple(fc.integer({ min: -1e15, max: 1e15 }), fc.integer({ min: -1e15, max: 1e15 })).map(([a, b]) => ({ int: [a, b] })),
  fc.integer({ min: 1, max: 128 }).map((n) => ({ hex: n })),
  fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.integer()), { minLength: 1, maxLength: 4 }).map((pick) => ({ pick })),
);
const action = fc.constantFrom('isolate-host', 'block-ip', 'block-domain', 'maintenance-page', 'request-coordination', 'reset-credentials', 'patch');
const target = fc.option(fc.constantFrom('web-01', 'db-01', '203.0.113.7', '203.0.113.0/24', '198.51.100.300', 'evil.example', 'vncert', 'operator', 'nope'), {
  nil: undefined,
});
const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.record({ taken: fc.record({ action, target, by: fc.option(timeRef, { nil: undefined }) }, { requiredKeys: ['action'] }) }),
  fc.record({ notTaken: fc.record({ action, target, by: timeRef }, { requiredKeys: ['action', 'by'] }) }),
  fc.record({ verdict: fc.record({ alert: alertRef, is: fc.constantFrom('true-positive', 'false-positive', 'benign', 'duplicate') }) }),
  fc.record({
    routed: fc.record({ to: fc.constantFrom('operator', 'soc', 'vncert'), alert: fc.option(alertRef, { nil: undefined }) }, { requiredKeys: ['to'] }),
  }),
  fc.record({
    reported: fc.record({ kind: fc.constantFrom('initial', 'notification'), by: fc.option(timeRef, { nil: undefined }) }, { requiredKeys: ['kind'] }),
  }),
  fc.record({ delivered: alertRef }),
  fc.record({ time: timeRef }),
);
const condition: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: leaf },
  fc.array(leaf, { minLength: 1, maxLength: 3 }).map((all) => ({ all })),
  fc.array(leaf, { minLength: 1, maxLength: 3 }).map((any) => ({ any })),
  leaf.map((not) => ({ not })),
);

type Edit = (doc: Doc) => void;
const list = (doc: Doc, key: string): Array<Record<string, Json>> => doc[key] as Array<Record<string, Json>>;
const alertIndex = fc.integer({ min: 0, max: 4 });

const edits: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.constantFrom('ip', 'path', 'extra'), noiseVar).map(([name, variable]): Edit => (doc) => {
    (list(doc, 'noise')[0]!['vars'] as Record<string, Json>)[name] = variable;
  }),
  fc.tuple(fc.integer({ min: 1, max: 300 }), seconds, seconds, fc.boolean()).map(([count, from, to, ordered]): Edit => (doc) => {
    const seconds = (t: Json) => (typeof t === 'number' ? t : 0);
    Object.assign(list(doc, 'noise')[0]!, { count, between: ordered && seconds(from) > seconds(to) ? [to, from] : [from, to] });
  }),
  fc.constantFrom('{{ip}}', '{{path}}', '{{extra}}', '{{ipp}}', '{{ ip }}').map((placeholder): Edit => (doc) => {
    (list(doc, 'noise')[0]!['template'] as Record<string, Json>)['title'] = { vi: `Quét ${placeholder}`, en: `Scan ${placeholder}` };
  }),
  fc
    .tuple(
      alertIndex,
      fc.option(seconds, { nil: undefined }),
      fc.option(fc.record({ trigger: fc.constantFrom(...TRIGGER_IDS), delay: seconds }), { nil: undefined }),
    )
    .map(([i, at, after]): Edit => (doc) => {
      const alert = list(doc, 'timeline')[i]!;
      delete alert['at'];
      delete alert['after'];
      if (at !== undefined) alert['at'] = at;
      if (after !== undefined) alert['after'] = after;
    }),
  fc.tuple(alertIndex, alertRef).map(([i, original]): Edit => (doc) => {
    (list(doc, 'timeline')[i]!['answer'] as Record<string, Json>)['duplicateOf'] = original;
  }),
  fc.tuple(alertIndex, fc.constantFrom(...PHASES), fc.constantFrom(...ASSETS)).map(([i, phase, asset]): Edit => (doc) => {
    Object.assign(list(doc, 'timeline')[i]!, { phase, asset });
  }),
  fc.tuple(fc.option(timeRef, { nil: undefined }), timeRef, action, target).map(([from, deadline, act, tgt]): Edit => (doc) => {
    const response: Record<string, Json> = { ...list(doc, 'responses')[0]!, deadline, action: act };
    delete response['from'];
    delete response['target'];
    if (from !== undefined) response['from'] = from;
    if (tgt !== undefined) response['target'] = tgt;
    list(doc, 'responses')[0] = response;
  }),
  fc.tuple(timeRef, seconds).map(([from, deadline]): Edit => (doc) => {
    Object.assign(list(doc, 'reporting')[0]!, { from, deadline });
  }),
  fc
    .tuple(condition, fc.array(alertRef, { maxLength: 3 }), fc.array(fc.constantFrom(...PHASES), { maxLength: 2 }))
    .map(([when, cancel, cancelPhases]): Edit => (doc) => {
      Object.assign(list(doc, 'triggers')[0]!, { when, cancel, cancelPhases });
    }),
  fc.tuple(condition, fc.array(alertRef, { maxLength: 2 })).map(([when, cancel]): Edit => (doc) => {
    list(doc, 'triggers').push({ id: 't-other', description: { vi: 'Khác', en: 'Other' }, when, cancel });
  }),
  fc.constantFrom(...ALERT_IDS, 'inj-2').map((id): Edit => (doc) => {
    list(doc, 'injects').push({ ...list(doc, 'injects')[0]!, id });
  }),
  fc
    .tuple(fc.oneof(seconds, fc.constantFrom('20m', '50m', '3h')), fc.option(fc.integer({ min: 60, max: 5_000 }), { nil: undefined }))
    .map(([duration, triageWindow]): Edit => (doc) => {
      doc['duration'] = duration;
      if (triageWindow !== undefined) (doc['scoring'] as Record<string, Json>)['triageWindow'] = triageWindow;
    }),
  fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })).map(([a, b, c]): Edit => (doc) => {
    // Sorted cut points: four weights that add up to 1000, any of them possibly 0.
    const [x, y, z] = [a, b, c].sort((p, q) => p - q) as [number, number, number];
    (doc['scoring'] as Record<string, Json>)['weights'] = { detection: x, response: y - x, coordination: z - y, incident: 1000 - z };
  }),
  fc.oneof(fc.record({ alert: alertRef }), fc.record({ phase: fc.constantFrom(...PHASES) })).map((forWhat): Edit => (doc) => {
    list(doc, 'hints').push({ id: 'hint-2', for: forWhat, text: { vi: 'Gợi ý', en: 'Hint' }, penalty: 5 });
  }),
  fc.tuple(action, target, fc.integer({ min: 0, max: 1000 })).map(([act, tgt, penalty]): Edit => (doc) => {
    list(doc, 'harmful').push({ id: 'h-2', action: act, ...(tgt === undefined ? {} : { target: tgt }), penalty, reason: { vi: 'Hại', en: 'Harm' } });
  }),
);

/** A scenario as JSON text: the minimal fixture with 1–4 edits, under the given id. */
export function scenarioArbitrary(id = 'generated'): fc.Arbitrary<string> {
  return fc.array(edits, { minLength: 1, maxLength: 4 }).map((changes) => {
    const doc = structuredClone(minimal);
    doc['id'] = id;
    for (const change of changes) change(doc);
    return JSON.stringify(doc);
  });
}
