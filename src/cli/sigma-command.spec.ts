import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from './soc-drill.js';

const FIXTURES = join(__dirname, '..', '..', 'tests', 'fixtures', 'sigma');

function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: FIXTURES });
  return { code, out, err };
}

const RULE = `title: Whoami from a web server
id: 0b6f3b8e-8f1c-4d2a-9a57-0e0f3b1c2d3e
author: Jane Doe
level: high
logsource:
  category: webserver
detection:
  selection:
    cs-uri-query|contains: '=whoami'
  condition: selection
`;

describe('soc-drill sigma', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sigma-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints its help with --help, and usage errors exit 2', () => {
    const help = run('sigma', '--help');
    expect(help.code).toBe(0);
    expect(help.out.join('\n')).toContain('soc-drill sigma test <rule files or folders...> --events <file.ndjson> [--json]');
    expect(run('sigma', 'test', '--help').code).toBe(0);
    expect(run('help').out.join('\n')).toContain('sigma test');
    expect(run('sigma').code).toBe(2);
    expect(run('sigma', 'convert').code).toBe(2);
    expect(run('sigma', 'test', 'rules').code).toBe(2);
    expect(run('sigma', 'test', '--events', 'x.ndjson').code).toBe(2);
  });

  it('prints each match with the rule author, and JSON lines with --json', () => {
    writeFileSync(join(dir, 'rule.yml'), RULE);
    const lines = [{ 'cs-method': 'GET', 'cs-uri-query': 'cmd=whoami' }, { 'cs-method': 'GET', 'cs-uri-query': 'q=1' }, {}, { 'cs-uri-query': 'x=WHOAMI' }];
    // A byte-order mark, CRLF line ends and blank lines are not events.
    writeFileSync(join(dir, 'events.ndjson'), `\uFEFF${lines.map((l) => JSON.stringify(l)).join('\r\n')}\r\n\n`);
    const text = run('sigma', 'test', join(dir, 'rule.yml'), '--events', join(dir, 'events.ndjson'));
    expect(text.code).toBe(0);
    expect(text.out).toEqual([
      'event 0: [high] Whoami from a web server (0b6f3b8e-8f1c-4d2a-9a57-0e0f3b1c2d3e) — author: Jane Doe',
      'event 3: [high] Whoami from a web server (0b6f3b8e-8f1c-4d2a-9a57-0e0f3b1c2d3e) — author: Jane Doe',
      '2 match(es) of 1 rule(s) on 4 event(s)',
    ]);
    const json = run('sigma', 'test', dir, `--events=${join(dir, 'events.ndjson')}`, '--json');
    expect(json.out.map((l) => JSON.parse(l) as unknown)).toEqual([
      { rule: '0b6f3b8e-8f1c-4d2a-9a57-0e0f3b1c2d3e', title: 'Whoami from a web server', level: 'high', author: 'Jane Doe', event: 0 },
      { rule: '0b6f3b8e-8f1c-4d2a-9a57-0e0f3b1c2d3e', title: 'Whoami from a web server', level: 'high', author: 'Jane Doe', event: 3 },
    ]);
  });

  it('refuses a rule that uses an unsupported feature by name, and runs no rule then', () => {
    writeFileSync(join(dir, 'a-good.yml'), RULE);
    writeFileSync(join(dir, 'b-fieldref.yml'), RULE.replace("cs-uri-query|contains: '=whoami'", 'cs-uri-query|fieldref: cs-referer'));
    writeFileSync(join(dir, 'events.ndjson'), '{"cs-uri-query":"cmd=whoami"}\n');
    const result = run('sigma', 'test', dir, '--events', join(dir, 'events.ndjson'), '--json');
    expect(result.code).toBe(1);
    expect(result.out).toEqual([]);
    expect(result.err[0]).toMatch(/b-fieldref\.yml: modifier fieldref .* \[SIGMA_UNSUPPORTED\]$/);
  });

  it('refuses an events file with a line that is not a JSON object', () => {
    writeFileSync(join(dir, 'rule.yml'), RULE);
    writeFileSync(join(dir, 'events.ndjson'), '{"cs-uri-query":"cmd=whoami"}\n[1,2]\n');
    const result = run('sigma', 'test', join(dir, 'rule.yml'), '--events', join(dir, 'events.ndjson'));
    expect(result.code).toBe(1);
    expect(result.err[0]).toMatch(/line 2: not a JSON object \[SIGMA_EVENT_INVALID\]$/);
    expect(run('sigma', 'test', join(dir, 'rule.yml'), '--events', join(dir, 'missing.ndjson')).code).toBe(1);
    const noRules = run('sigma', 'test', join(FIXTURES, 'events'), '--events', join(dir, 'events.ndjson'));
    expect(noRules).toMatchObject({ code: 1, err: ['sigma test: no .yml or .yaml rule file found'] });
    const missingRule = run('sigma', 'test', join(dir, 'missing.yml'), '--events', join(dir, 'events.ndjson'));
    expect(missingRule.code).toBe(1);
    expect(missingRule.err[0]).toMatch(/missing\.yml: no such file or folder \[SIGMA_NOT_FOUND\]$/);
  });

  it('warns about a rule whose log source no supported event shape has', () => {
    writeFileSync(join(dir, 'rule.yml'), RULE.replace('category: webserver', 'category: antivirus'));
    writeFileSync(join(dir, 'events.ndjson'), '{"a":1}\n');
    const result = run('sigma', 'test', join(dir, 'rule.yml'), '--events', join(dir, 'events.ndjson'));
    expect(result.code).toBe(0);
    expect(result.err.join('\n')).toContain('log source category "antivirus"');
  });
});
