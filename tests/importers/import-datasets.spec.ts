import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, ftruncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RawEventInputSchema } from '../../src/contracts/raw-event.schema.js';
import { runCommand } from '../../src/cli/soc-drill.js';
import { parseScenario } from '../../src/scenarios/scenario-parser.js';
import { simulate } from '../../src/scoring/solver.js';
import type { ImportSummary } from '../../src/importers/importer.js';

/**
 * `soc-drill import` on every event dataset of the shared data (copied to tests/fixtures, see its
 * README) and on broken inputs. Each draft must validate, its raw events must be raw events of the
 * scenario format, its sources must carry the data's attribution, no original address or domain
 * may survive anywhere in it, and the same input must give the same bytes.
 */
const ROOT = join(__dirname, '..', '..');
const FIXTURES = join(__dirname, '..', 'fixtures', 'import');
/** The importer's heap cap in the large-input test: well under the input's 160 MB. */
const HEAP_CAP_MB = 64;
const SIGMA = join(__dirname, '..', 'fixtures', 'sigma');
const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

interface Run {
  readonly code: number;
  readonly out: string[];
  readonly err: string[];
}

async function cli(args: readonly string[], cwd: string): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCommand(['import', ...args], {
    out: (line: string) => out.push(line),
    err: (line: string) => err.push(line),
    cwd,
    databaseUrl: () => 'sqlite::memory:',
  });
  return { code, out, err };
}

interface Dataset {
  readonly name: string;
  readonly format: string;
  readonly files: readonly string[];
  readonly map: string;
  readonly licence: string | null;
  readonly extra?: readonly string[];
  /** Expected counts: alerts, raw events. */
  readonly alerts: number;
  readonly events: number;
}

const zeekLogs = ['conn', 'dce_rpc', 'dns', 'files', 'http', 'kerberos', 'notice', 'smb_files', 'ssl', 'weird', 'x509'].map((n) =>
  fixture('zeek', `SCRANTON_${n}.log`),
);

const DATASETS: readonly Dataset[] = [
  {
    name: '04 Suricata first-org-conf-2015',
    format: 'suricata-eve',
    files: [fixture('suricata', 'first-org-conf-2015.json')],
    map: 'suricata.map.yaml',
    licence: 'MIT',
    extra: ['--fit', '2h'],
    alerts: 136,
    events: 0,
  },
  {
    name: '04 Suricata wrccdc-2018',
    format: 'suricata-eve',
    files: [fixture('suricata', 'wrccdc-2018.json')],
    map: 'suricata.map.yaml',
    licence: 'MIT',
    extra: ['--speed', '20'],
    alerts: 207,
    events: 0,
  },
  { name: '03 Zeek apt29 (JSON lines, every log)', format: 'zeek', files: zeekLogs, map: 'otrf.map.yaml', licence: 'MIT', alerts: 1, events: 401 },
  {
    name: '03 Zeek conn (TSV with #fields)',
    format: 'zeek',
    files: [fixture('zeek', 'SCRANTON_conn.tsv.log')],
    map: 'otrf.map.yaml',
    licence: 'MIT',
    alerts: 0,
    events: 3,
  },
  {
    name: '01 ProxyLogon key events (Sysmon, Security)',
    format: 'sysmon',
    files: [fixture('sysmon', '01-proxylogon-key-events.DERIVED.jsonl')],
    map: 'otrf.map.yaml',
    licence: 'MIT',
    alerts: 0,
    events: 27,
  },
  {
    name: '01 ProxyLogon with the SigmaHQ rules',
    format: 'sysmon',
    files: [join(SIGMA, 'events', '01-proxylogon.DERIVED.ndjson')],
    map: 'otrf.map.yaml',
    licence: 'MIT',
    extra: ['--sigma', join(SIGMA, 'rules')],
    // The five baseline matches of expected_sigma_matches.DERIVED.json on dataset 01.
    alerts: 5,
    events: 415,
  },
  {
    name: '02 Log4Shell Windows Sysmon with the SigmaHQ rules',
    format: 'sysmon',
    files: [join(SIGMA, 'events', '02-log4shell-sysmon-windows.DERIVED.ndjson')],
    map: 'otrf.map.yaml',
    licence: 'MIT',
    extra: ['--sigma', join(SIGMA, 'rules')],
    alerts: 2,
    events: 31,
  },
  {
    name: '02 Log4Shell Linux Sysmon (syslog)',
    format: 'sysmon',
    files: [join(SIGMA, 'events', '02-log4shell-sysmon-linux.DERIVED.ndjson')],
    map: 'otrf.map.yaml',
    licence: 'MIT',
    alerts: 0,
    events: 41,
  },
  {
    name: '02 Log4Shell Security auditing',
    format: 'sysmon',
    files: [join(SIGMA, 'events', '02-log4shell-security.DERIVED.ndjson')],
    map: 'otrf.map.yaml',
    licence: 'MIT',
    alerts: 0,
    events: 14,
  },
  {
    name: 'Wazuh alerts.json (written)',
    format: 'wazuh',
    files: [fixture('wazuh', 'alerts.json')],
    map: 'written.map.yaml',
    licence: null,
    alerts: 5,
    events: 0,
  },
  { name: 'ECS NDJSON (written)', format: 'ecs', files: [fixture('ecs', 'events.ndjson')], map: 'written.map.yaml', licence: null, alerts: 2, events: 3 },
];

describe('soc-drill import on the shared datasets', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'soc-drill-import-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(DATASETS)('$name: a draft that validates, plays, credits its source and hides every original name', async (dataset) => {
    const args = [dataset.format, ...dataset.files, '--map', fixture(dataset.map), '--report', 'report.json', '--out', 'draft.yaml', ...(dataset.extra ?? [])];
    const first = await cli(args, dir);
    expect(first.err).toEqual([]);
    expect(first.code).toBe(0);
    const yaml = readFileSync(join(dir, 'draft.yaml'), 'utf8');
    const summary = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as ImportSummary;
    expect(summary.alerts).toBe(dataset.alerts);
    expect(summary.events).toBe(dataset.events);
    // Honest counts: every record read is imported, skipped or malformed.
    expect(summary.imported + summary.skipped.reduce((n, s) => n + s.count, 0) + summary.malformedCount).toBe(summary.read);

    const parsed = parseScenario(yaml, { readLogFile: (path) => readFileSync(join(dir, path)) });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems.slice(0, 5)));
    const scenario = parsed.scenario;
    expect(scenario.timeline.length).toBe(Math.max(1, dataset.alerts));
    if (dataset.licence !== null) expect(scenario.sources.some((s) => s.licence === dataset.licence && s.author !== undefined)).toBe(true);
    else expect(scenario.sources.length).toBeGreaterThan(0);
    if (dataset.extra?.includes('--sigma')) {
      // DRL-1.1: the rule's author is on every alert a Sigma rule raised, and credited in sources.
      for (const alert of scenario.timeline) expect(alert.rule?.author).toEqual(expect.any(String));
      expect(scenario.sources.some((s) => s.title.startsWith('Sigma') && s.author !== undefined)).toBe(true);
    }

    let events = '';
    if (dataset.events > 0) {
      expect(yaml).toMatch(/^ {2}files:\n {4}- path: draft\.events\.ndjson$/m);
      // The validator read the sibling file into the scenario.
      expect(scenario.logs?.events).toHaveLength(dataset.events);
      events = readFileSync(join(dir, 'draft.events.ndjson'), 'utf8');
      const lines = events.trimEnd().split('\n');
      expect(lines).toHaveLength(dataset.events);
      for (const line of lines) expect(RawEventInputSchema.safeParse(JSON.parse(line)).success).toBe(true);
    }

    // No original public or private address, and no original domain, survives anywhere (but in
    // the sources, whose attribution names the data's home on purpose).
    const { sources: _sources, ...shown } = scenario;
    const output = `${JSON.stringify(shown)}\n${events}`;
    for (const entry of summary.remapped) {
      if (entry.from === entry.to) continue;
      const escaped = entry.from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      expect({ value: entry.from, found: new RegExp(`(?<![\\w.-])${escaped}(?![\\w-]|\\.\\w)`, 'i').test(output) }).toEqual({
        value: entry.from,
        found: false,
      });
    }

    // The answer key is complete enough to play: the perfect solver takes every point on offer.
    const played = simulate({ scenario, solver: 'perfect', seed: 1 });
    expect(played.score.total).toBe(played.score.maxScore);

    // Byte-identical output for the same input.
    const again = await cli(args, dir);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'draft.yaml'), 'utf8')).toBe(yaml);
    if (dataset.events > 0) expect(readFileSync(join(dir, 'draft.events.ndjson'), 'utf8')).toBe(events);
    expect(again.out).toEqual(first.out);
  });

  it('maps the attacked server to the named asset, in every field and raw line', async () => {
    const run = await cli(
      ['suricata-eve', fixture('suricata', 'first-org-conf-2015.json'), '--map', fixture('suricata.map.yaml'), '--fit', '2h', '--out', 'portal.yaml'],
      dir,
    );
    expect(run.code).toBe(0);
    const parsed = parseScenario(readFileSync(join(dir, 'portal.yaml')));
    if (!parsed.ok) throw new Error('draft does not validate');
    const { scenario } = parsed;
    expect(scenario.target.asset).toBe('portal-web');
    expect(scenario.assets.find((a) => a.id === 'portal-web')).toMatchObject({ kind: 'web-portal', addresses: ['10.20.1.20'] });
    expect(scenario.duration).toBeLessThanOrEqual(2.5 * 3600);
    expect(scenario.timeline.every((a) => (a.at ?? 0) <= 2 * 3600)).toBe(true);
    // The web attacks against the portal are there, with the portal's new address in every field.
    const web = scenario.timeline.filter((a) => a.fields?.['rule.category'] === 'Web Application Attack');
    expect(web.length).toBe(27);
    expect(web.every((a) => a.asset === 'portal-web' && a.raw?.includes('10.20.1.20') && !a.raw.includes('192.168.0.2'))).toBe(true);
    expect(run.out.join('\n')).toMatch(/private-address 192\.168\.0\.2 → 10\.20\.1\.20 \(asset portal-web\)/);
  });
});

describe('soc-drill import on broken inputs', () => {
  let dir: string;
  const suricata = readFileSync(fixture('suricata', 'first-org-conf-2015.json'), 'utf8');
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'soc-drill-import-broken-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a truncated JSON array: the records before the cut are imported, the cut one is reported with its line', async () => {
    const cut = suricata.slice(0, Math.floor(suricata.length / 2));
    writeFileSync(join(dir, 'cut.json'), cut);
    const run = await cli(['suricata-eve', 'cut.json', '--report', 'cut-report.json', '--out', 'cut.yaml'], dir);
    expect(run.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'cut-report.json'), 'utf8')) as ImportSummary;
    const complete = (cut.match(/^ {2}\},?$/gm) ?? []).length;
    expect(summary.alerts).toBe(complete);
    const lastStart = cut.slice(0, cut.lastIndexOf('\n  {') + 1).split('\n').length;
    expect(summary.malformed).toEqual([
      { file: 'cut.json', line: lastStart, reason: 'truncated JSON: the record is not complete' },
      { file: 'cut.json', line: cut.split('\n').length, reason: 'truncated JSON: the array is not closed' },
    ]);
    expect(run.out.join('\n')).toContain(`cut.json:${lastStart}: truncated JSON: the record is not complete`);
  });

  it('JSON lines with a broken line in the middle and a truncated last line: both counted with their line numbers', async () => {
    const records = (JSON.parse(suricata) as unknown[]).slice(0, 10).map((r) => JSON.stringify(r));
    records.splice(4, 0, '{"timestamp": "2015-03-29T11:01:38', 'not json at all');
    const text = `${records.join('\n')}\n${records[0]!.slice(0, 40)}`;
    writeFileSync(join(dir, 'lines.json'), text);
    const run = await cli(['suricata-eve', 'lines.json', '--json', '--out', 'lines.yaml'], dir);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.out[0]!) as ImportSummary;
    expect(summary.read).toBe(13);
    expect(summary.alerts).toBe(10);
    expect(summary.malformed.map((m) => m.line)).toEqual([5, 6, 13]);
    expect(summary.malformed[2]!.reason).toMatch(/the file may be truncated/);
  });

  it('records of another format: refused with IMPORT_WRONG_FORMAT, naming the format they look like', async () => {
    const run = await cli(['suricata-eve', fixture('zeek', 'SCRANTON_dns.log'), '--out', 'wrong.yaml'], dir);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(/IMPORT_WRONG_FORMAT/);
    expect(run.err.join('\n')).toMatch(/try "import zeek"/);
    const text = await cli(['wazuh', fixture('README.md'), '--out', 'wrong.yaml'], dir);
    expect(text.code).toBe(1);
    expect(text.err.join('\n')).toMatch(/no line is a JSON record.*\[IMPORT_WRONG_FORMAT\]/);
  });

  it('a binary file (an archive) and an empty file are refused with their codes', async () => {
    const zip = Buffer.alloc(20_000);
    zip.write('PK\u0003\u0004', 0, 'latin1');
    writeFileSync(join(dir, 'capture.zip'), zip);
    const binary = await cli(['sysmon', 'capture.zip'], dir);
    expect(binary.code).toBe(1);
    expect(binary.err.join('\n')).toMatch(/binary.*\[IMPORT_BINARY\]/);
    writeFileSync(join(dir, 'empty.json'), '\n\n');
    const empty = await cli(['ecs', 'empty.json'], dir);
    expect(empty.code).toBe(1);
    expect(empty.err.join('\n')).toMatch(/\[IMPORT_EMPTY\]/);
  });

  it('a 1 GB input is refused before it is read (IMPORT_TOO_LARGE); an unknown format and a bad mapping are refused too', async () => {
    const big = join(dir, 'huge.json');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 1024 ** 3); // sparse: nothing is written to the disk
    closeSync(fd);
    const run = await cli(['suricata-eve', 'huge.json'], dir);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(/1073741824 bytes, above the limit .*\[IMPORT_TOO_LARGE\]/);
    rmSync(big);
    const unknown = await cli(['splunk', 'x.json'], dir);
    expect(unknown.code).toBe(2);
    expect(unknown.err.join('\n')).toMatch(/IMPORT_UNKNOWN_FORMAT/);
    writeFileSync(join(dir, 'bad.map.yaml'), 'assets:\n  - address: not-an-ip\n    asset: Web\n');
    const bad = await cli(['wazuh', fixture('wazuh', 'alerts.json'), '--map', 'bad.map.yaml'], dir);
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toMatch(/assets\.0\.address: an IP address \[IMPORT_INVALID_MAPPING\]/);
  });

  it('a large input streams within bounded memory, with a line longer than the record limit skipped and counted', () => {
    const record = (i: number): string =>
      JSON.stringify({
        timestamp: `2024-01-01T00:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000000+0000`,
        event_type: i % 50 === 0 ? 'alert' : 'flow',
        src_ip: `192.168.${(i >> 8) & 255}.${i & 255}`,
        dest_ip: '93.184.216.34',
        proto: 'TCP',
        alert: { signature: 'ET TEST', signature_id: 1, severity: 2, category: 'Misc activity' },
        flow: { pkts_toserver: i, bytes_toserver: i * 10, padding: 'x'.repeat(400) },
      });
    const block = Array.from({ length: 2_000 }, (_, i) => record(i)).join('\n') + '\n';
    const file = join(dir, 'large.json');
    const fd = openSync(file, 'w');
    writeSync(fd, block);
    writeSync(fd, `${'y'.repeat(2 * 1024 * 1024)}\n`); // one 2 MB line
    const blocks = Math.ceil((160 * 1024 ** 2) / block.length);
    for (let i = 0; i < blocks; i++) writeSync(fd, block);
    closeSync(fd);
    const lines = 2_000 * (blocks + 1) + 1;

    // A heap capped well below the file's size: reading it whole (160 MB as one string) dies of it, streaming
    // holds one chunk and the kept records. A cap, unlike sampling heapUsed, does not depend on when the GC runs.
    const child = spawnSync(
      process.execPath,
      [
        `--max-old-space-size=${HEAP_CAP_MB}`,
        '--import',
        pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
        join(ROOT, 'src', 'cli', 'main.ts'),
        'import',
        'suricata-eve',
        'large.json',
        '--max-alerts',
        '50',
        '--max-events',
        '200',
        '--json',
        '--out',
        'large.yaml',
      ],
      { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 },
    );
    const run = { code: child.status, out: child.stdout.split('\n').filter((line) => line !== ''), err: child.stderr };
    rmSync(file);
    expect({ code: run.code, err: run.err }).toEqual({ code: 0, err: '' });
    const summary = JSON.parse(run.out[0]!) as ImportSummary;
    expect(summary.read).toBe(lines);
    expect(summary.alerts).toBe(50);
    expect(summary.events).toBe(200);
    expect(summary.malformed).toEqual([{ file: 'large.json', line: 2_001, reason: 'line longer than 1048576 characters' }]);
    expect(summary.skipped.map((s) => s.reason).sort()).toEqual(['more than 200 raw events (--max-events)', 'more than 50 alerts (--max-alerts)']);
  }, 600_000);
});
