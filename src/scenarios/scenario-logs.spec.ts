import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from './scenario-parser.js';

const flagship = readFileSync(join(__dirname, '..', '..', 'scenarios', 'portal-defacement.yaml'), 'utf8');

/** The flagship with its logs section's first lines replaced by `logs` (YAML text). */
function withLogs(logs: string): string {
  const start = flagship.indexOf('\nlogs:\n');
  const end = flagship.indexOf('\nscoring:', start);
  return `${flagship.slice(0, start)}\n${logs}${flagship.slice(end)}`.replace(/ {4}cancelLogs: \[[^\]]*\]\n/g, '');
}

describe('scenario logs section', () => {
  it('validates the bundled flagship with its corpus', () => {
    const result = parseScenario(flagship);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.scenario.logs!.events.length).toBeGreaterThan(250);
  });

  it('locates unknown references, times past the end, duplicate ids and unknown placeholders', () => {
    const text = withLogs(`logs:
  events:
    - { "id": "a", "at": 10, "source": "waf", "asset": "no-such-host", "raw": "x" }
    - { "id": "a", "at": "3h", "source": "waf", "phase": "no-phase", "raw": "y" }
    - { "after": { "trigger": "no-trigger" }, "source": "dns", "raw": "z" }
    - { "source": "dns", "raw": "never" }
  background:
    - { id: bg, perHour: 10, source: dns, raw: "{{time.iso}} {{nope}}" }
`);
    const result = parseScenario(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const found = result.problems.map((p) => `${p.code} ${p.path}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'SCENARIO_UNKNOWN_REFERENCE logs.events.0.asset',
        'SCENARIO_DUPLICATE_ID logs.events.1.id',
        'SCENARIO_BEYOND_DURATION logs.events.1.at',
        'SCENARIO_UNKNOWN_REFERENCE logs.events.1.phase',
        'SCENARIO_UNKNOWN_REFERENCE logs.events.2.after.trigger',
        'SCENARIO_MISSING_SCHEDULE logs.events.3',
        'SCENARIO_UNKNOWN_VARIABLE logs.background.0.raw',
      ]),
    );
    const asset = result.problems.find((p) => p.path === 'logs.events.0.asset')!;
    expect(asset.line).toBe(text.slice(0, text.indexOf('\nlogs:\n')).split('\n').length + 3);
  });

  it('reads sibling NDJSON files with the file, line and field of each problem, and refuses them in an upload', () => {
    const text = withLogs(`logs:
  files:
    - path: extra.ndjson
`);
    const ndjson = ['{"at": 10, "source": "waf", "raw": "a", "fields": {"source.ip": "1.2.3.4"}}', '', '{"at": 20, "source": "nope", "raw": "b"}', '{broken'].join('\n');
    const bad = parseScenario(text, { readLogFile: (path) => (path === 'extra.ndjson' ? Buffer.from(ndjson) : null) });
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.problems.map((p) => [p.file, p.line, p.path, p.code])).toEqual([
        ['extra.ndjson', 3, 'source', 'SCENARIO_INVALID_VALUE'],
        ['extra.ndjson', 4, '', 'SCENARIO_SYNTAX'],
      ]);
    }
    const good = parseScenario(text, { readLogFile: () => Buffer.from(ndjson.split('\n').slice(0, 2).join('\n')) });
    expect(good.ok).toBe(true);
    if (good.ok) {
      expect(good.scenario.logs!.events).toHaveLength(1);
      expect(good.scenario.logs!.files).toEqual([]);
    }
    const upload = parseScenario(text);
    expect(upload.ok).toBe(false);
    if (!upload.ok) expect(upload.problems[0]!.code).toBe('SCENARIO_LOG_FILE_UNAVAILABLE');
    const missing = parseScenario(text, { readLogFile: () => null });
    if (!missing.ok) expect(missing.problems[0]!.message).toContain('does not exist');
  });

  it('refuses a cancelLogs name no raw event has', () => {
    const text = flagship.replace('    cancelLogs: [g-deface]', '    cancelLogs: [g-nothing]');
    const result = parseScenario(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.code)).toContain('SCENARIO_UNKNOWN_REFERENCE');
  });
});
