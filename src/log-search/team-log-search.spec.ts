import { ScenarioLogsSchema } from '../contracts/raw-event.schema.js';
import { TriggerSchema, type Scenario } from '../contracts/scenario.schema.js';
import { LogQueryError, parseLogQuery } from './log-query.js';
import { buildRawCorpus, corpusSize } from './raw-corpus.js';
import { searchTeamLogs, type TeamLogState } from './team-log-search.js';

const logs = ScenarioLogsSchema.parse({
  start: '2025-03-14',
  events: [
    {
      at: 60,
      source: 'web-access',
      asset: 'portal',
      fields: { 'source.ip': '203.0.113.9', 'url.original': '/wp-login.php', 'http.response.status_code': 200 },
      raw: '203.0.113.9 - - [{{time.clf}}] "GET /wp-login.php HTTP/1.1" 200 512',
    },
    {
      at: 120,
      source: 'waf',
      asset: 'portal',
      fields: { 'source.ip': '203.0.113.9', 'rule.name': 'SQL injection' },
      raw: 'ModSecurity: SQL injection UNION SELECT from 203.0.113.9',
    },
    {
      id: 'upload',
      group: 'shell',
      at: '30m',
      phase: 'install',
      attack: true,
      source: 'web-access',
      asset: 'portal',
      fields: { 'url.original': '/uploads/shell.php', 'http.response.status_code': 201 },
      raw: 'POST /uploads/shell.php 201',
    },
    {
      at: '50m',
      phase: 'install',
      source: 'sysmon',
      asset: 'portal',
      fields: { 'process.command_line': 'cmd.exe /c whoami' },
      raw: 'w3wp.exe -> cmd.exe /c whoami',
    },
    {
      after: { trigger: 'reinfect', delay: '5m' },
      source: 'edr',
      asset: 'portal',
      fields: { 'file.path': 'C:\\inetpub\\wwwroot\\x.aspx' },
      raw: 'new file C:\\inetpub\\wwwroot\\x.aspx',
    },
  ],
  background: [
    {
      id: 'web',
      perHour: 3600,
      source: 'web-access',
      asset: 'portal',
      vars: {
        ip: { ipv4In: '10.20.0.0/16' },
        path: { pick: ['/', '/tin-tuc', '/lien-he'] },
        status: {
          weighted: [
            [200, 9],
            [404, 1],
          ],
        },
      },
      fields: { 'source.ip': '{{ip}}', 'url.original': '{{path}}', 'http.response.status_code': '{{status}}' },
      raw: '{{ip}} - - [{{time.clf}}] "GET {{path}} HTTP/1.1" {{status}} 1024',
    },
  ],
});
const triggers = [
  TriggerSchema.parse({ id: 'isolate', description: { vi: 'x', en: 'x' }, when: { taken: { action: 'isolate-host' } }, cancelPhases: ['install'] }),
  TriggerSchema.parse({ id: 'reinfect', description: { vi: 'x', en: 'x' }, when: { time: '40m' }, cancelLogs: ['shell'] }),
];
const scenario = { logs, duration: 7200, wallClockStart: '08:00', triggers } as unknown as Scenario;
const corpus = buildRawCorpus(scenario, 42);
const end: TeamLogState = { gateMs: 7_200_000, fired: [] };

function search(query: string, team: TeamLogState = end, range: { fromMs?: number; toMs?: number } = {}) {
  return searchTeamLogs(corpus, team, { query: parseLogQuery(query), limit: 50, offset: 0, buckets: 10, ...range });
}

describe('raw corpus', () => {
  it('generates the background from the seed, the same every time and different for another seed', () => {
    expect(corpusSize(scenario)).toBe(5 + 7200);
    expect(corpus.base.length).toBe(4 + 7200);
    expect(corpus.conditional.length).toBe(1);
    const again = buildRawCorpus(scenario, 42);
    expect(again.base.doc(100)).toEqual(corpus.base.doc(100));
    expect(buildRawCorpus(scenario, 43).base.doc(100)).not.toEqual(corpus.base.doc(100));
  });

  it("fills the time placeholders on the logs' clock (UTC+7)", () => {
    const first = search('"wp-login.php"').hits[0]!;
    expect(first.raw).toContain('[14/Mar/2025:08:01:00 +0700]');
    expect(first.virtualMs).toBe(60_000);
  });
});

describe('queries', () => {
  it('matches field:value, bare IP addresses, words and paths', () => {
    expect(search('source.ip:203.0.113.9').total).toBe(2);
    expect(search('203.0.113.9').total).toBe(2);
    expect(search('url.original:/uploads/shell.php').total).toBe(1);
    expect(search('shell.php').total).toBe(1);
    expect(search('whoami').total).toBe(1);
    expect(search('process.command_line:whoami').total).toBe(1);
    expect(search('SOURCE:waf').total).toBe(0); // field names are case-sensitive, as in ECS
    expect(search('source:waf').total).toBe(1);
  });

  it('matches wildcards, ranges, comparisons and regular expressions', () => {
    expect(search('url.original:*shell*').total).toBe(1);
    expect(search('source.ip:203.0.113.*').total).toBe(2);
    const notFound = search('http.response.status_code:404').total;
    expect(notFound).toBeGreaterThan(400);
    expect(search('http.response.status_code:[400 TO 499]').total).toBe(notFound);
    expect(search('http.response.status_code:>=201 AND source:web-access').total).toBe(notFound + 1);
    expect(search('url.original:/.*shell\\.php$/').total).toBe(1);
  });

  it('combines with AND, OR, NOT, - and parentheses, and reads phrases', () => {
    expect(search('source.ip:203.0.113.9 AND source:waf').total).toBe(1);
    expect(search('source.ip:203.0.113.9 NOT source:waf').total).toBe(1);
    expect(search('source.ip:203.0.113.9 -source:waf').total).toBe(1);
    expect(search('(source:waf OR source:sysmon) AND asset:portal').total).toBe(2);
    expect(search('"UNION SELECT"').total).toBe(1);
    expect(search('"SELECT UNION"').total).toBe(0);
  });

  it('reports a syntax error with its position in the query as typed', () => {
    expect(() => parseLogQuery('source.ip:1.2.3.4 AND (')).toThrow(LogQueryError);
    try {
      parseLogQuery('source.ip:10.0.0.5 AND foo:(');
    } catch (error) {
      expect((error as LogQueryError).position).toBe(27);
    }
    try {
      parseLogQuery('a AND');
    } catch (error) {
      expect((error as LogQueryError).position).toBe(5);
    }
    expect(() => search('http.response.status_code:>abc')).toThrow(/not a number/);
  });
});

describe('the time gate and the branch gate', () => {
  it('never shows an event after the team time, whatever the query or range', () => {
    const early: TeamLogState = { gateMs: 90_000, fired: [] };
    expect(search('source.ip:203.0.113.9', early).total).toBe(1);
    expect(search('', early, { toMs: 7_200_000 }).hits.every((h) => h.virtualMs <= 90_000)).toBe(true);
    expect(search('shell.php', early, { fromMs: 0, toMs: 3_600_000 }).total).toBe(0);
    expect(search('', early).histogram.counts.reduce((a, b) => a + b, 0)).toBe(search('', early).total);
  });

  it("shows a triggered event only to the team whose actions fired the trigger, from its firing's time", () => {
    const fired: TeamLogState = { gateMs: 7_200_000, fired: [{ triggerId: 'reinfect', virtualMs: 2_400_000 }] };
    expect(search('x.aspx').total).toBe(0);
    const hit = search('x.aspx', fired).hits[0]!;
    expect(hit.virtualMs).toBe(2_700_000);
    expect(search('x.aspx', { ...fired, gateMs: 2_699_999 }).total).toBe(0);
    expect(search('file.path:C:\\inetpub\\*', fired).total).toBe(1);
  });

  it('drops cancelled events after the firing, keeps those before it', () => {
    // isolate fired at 40m: the whoami at 50m (phase install) never happens; the upload at 30m did.
    const isolated: TeamLogState = { gateMs: 7_200_000, fired: [{ triggerId: 'isolate', virtualMs: 2_400_000 }] };
    expect(search('whoami', isolated).total).toBe(0);
    expect(search('shell.php', isolated).total).toBe(1);
    const early: TeamLogState = { gateMs: 7_200_000, fired: [{ triggerId: 'reinfect', virtualMs: 1_000_000 }] };
    expect(search('shell.php', early).total).toBe(0);
    expect(search('whoami', early).total).toBe(1);
  });

  it('gives opaque references that name neither the author id nor the attack', () => {
    const hit = search('shell.php').hits[0]!;
    expect(hit.ref).toMatch(/^EV-[0-9A-Z]{12}$/);
    expect(Object.keys(hit).sort()).toEqual(['asset', 'fields', 'raw', 'ref', 'source', 'virtualMs']);
    expect(JSON.stringify(hit)).not.toMatch(/"upload"|install|attack|"shell"/);
  });
});
