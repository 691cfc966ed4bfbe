import { parseScenario } from '../../src/scenarios/scenario-parser.js';
import { buildDraft } from '../../src/importers/import-draft.js';
import { ImportMappingSchema } from '../../src/importers/import-mapping.js';
import { importRecords } from '../../src/importers/importer.js';

const eve = (time: string, signature: string, src: string, dest: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({
    timestamp: time,
    event_type: 'alert',
    src_ip: src,
    dest_ip: dest,
    alert: { signature, signature_id: signature.length, severity: 1, category: 'Web Application Attack' },
    ...extra,
  });

async function draftOf(lines: readonly string[], speed = 1) {
  const mapping = ImportMappingSchema.parse({});
  const result = await importRecords([{ name: 'eve.json', chunks: [new TextEncoder().encode(lines.join('\n'))] }], {
    format: 'suricata-eve',
    mapping,
    speed,
    maxAlerts: 100,
    maxEvents: 100,
  });
  return { result, draft: buildDraft(result, { id: 'test-draft', mapping, events: { kind: 'inline' }, inputNames: ['eve.json'] }) };
}

describe('buildDraft', () => {
  it('sorts by time from T+0, keys a repeat of a rule between the same hosts as a duplicate of the first, and validates', async () => {
    const { draft } = await draftOf([
      eve('2024-05-01T10:00:30Z', 'SQL injection', '45.1.1.1', '192.168.1.10'),
      eve('2024-05-01T10:00:00Z', 'SQL injection', '45.1.1.1', '192.168.1.10'),
      eve('2024-05-01T10:05:00Z', 'SQL injection', '45.2.2.2', '192.168.1.10'),
      JSON.stringify({
        timestamp: '2024-05-01T10:01:00Z',
        event_type: 'http',
        src_ip: '45.1.1.1',
        dest_ip: '192.168.1.10',
        http: { hostname: 'portal.tinh.gov.vn', url: '/?id=1 union select' },
      }),
    ]);
    const parsed = parseScenario(draft.yaml);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const { timeline, logs, assets, target } = parsed.scenario;
    expect(timeline.map((a) => [a.id, a.at, a.answer.duplicateOf ?? null])).toEqual([
      ['alert-0001', 0, null],
      ['alert-0002', 30, 'alert-0001'],
      ['alert-0003', 300, null],
    ]);
    expect(assets.map((a) => [a.id, a.addresses])).toEqual([['host-1', ['10.20.0.10']]]);
    expect(target.asset).toBe('host-1');
    expect(timeline.every((a) => a.asset === 'host-1')).toBe(true);
    expect(logs?.events).toEqual([
      expect.objectContaining({
        at: 60,
        source: 'ids',
        asset: 'host-1',
        fields: expect.objectContaining({ 'url.domain': 'portal.site-1.example', 'source.ip': '192.0.2.1' }),
      }),
    ]);
    expect(parsed.scenario.wallClockStart).toBe('17:00:00');
    expect(logs?.start).toBe('2024-05-01');
  });

  it('compresses time by the speed and gives the same bytes for the same input', async () => {
    const lines = [eve('2024-05-01T10:00:00Z', 'A', '10.0.0.1', '10.0.0.2'), eve('2024-05-01T20:00:00Z', 'B', '10.0.0.1', '10.0.0.2')];
    const first = await draftOf(lines, 10);
    const again = await draftOf(lines, 10);
    expect(again.draft.yaml).toBe(first.draft.yaml);
    const parsed = parseScenario(first.draft.yaml);
    if (!parsed.ok) throw new Error('invalid');
    expect(parsed.scenario.timeline.map((a) => a.at)).toEqual([0, 3_600]);
    expect(parsed.scenario.duration).toBe(5_400);
  });
});
