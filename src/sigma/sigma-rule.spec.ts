import { SigmaError } from './sigma-error.js';
import { toSigmaEvent } from './sigma-event.js';
import { compileSigmaRule } from './sigma-rule.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

function rule(detection: string, logsource = 'logsource:\n  product: windows\n  category: process_creation', extra = ''): string {
  return `title: Test rule\nid: 5f7f6c2e-3f4a-4c5b-9d7e-1a2b3c4d5e6f\nauthor: Jane Doe\nlevel: high\n${extra}${logsource}\ndetection:\n${detection}`;
}

function proc(fields: Record<string, unknown>): ReturnType<typeof toSigmaEvent> {
  return toSigmaEvent({ Channel: SYSMON, EventID: 1, ...fields });
}

function refusal(text: string): SigmaError {
  try {
    compileSigmaRule(text);
  } catch (error) {
    if (error instanceof SigmaError) return error;
    throw error;
  }
  throw new Error('expected a SigmaError');
}

describe('compileSigmaRule', () => {
  it('keeps what a match must show: id, title, level and the author (DRL-1.1)', () => {
    const compiled = compileSigmaRule(rule('  selection:\n    Image|endswith: \\cmd.exe\n  condition: selection'));
    expect(compiled).toMatchObject({ id: '5f7f6c2e-3f4a-4c5b-9d7e-1a2b3c4d5e6f', title: 'Test rule', level: 'high', author: 'Jane Doe' });
    expect(compiled.matches(proc({ Image: 'C:\\Windows\\System32\\cmd.exe' }))).toBe(true);
    expect(compiled.matches(proc({ Image: 'C:\\Windows\\System32\\whoami.exe' }))).toBe(false);
  });

  it('joins the entries of a map with AND and the maps of a list with OR', () => {
    const andRule = compileSigmaRule(rule('  selection:\n    Image|endswith: \\cmd.exe\n    CommandLine|contains: whoami\n  condition: selection'));
    expect(andRule.matches(proc({ Image: 'C:\\cmd.exe', CommandLine: 'cmd /c whoami' }))).toBe(true);
    expect(andRule.matches(proc({ Image: 'C:\\cmd.exe', CommandLine: 'cmd /c dir' }))).toBe(false);
    const orRule = compileSigmaRule(rule('  selection:\n    - Image|endswith: \\cmd.exe\n    - CommandLine|contains: whoami\n  condition: selection'));
    expect(orRule.matches(proc({ Image: 'C:\\x.exe', CommandLine: 'whoami' }))).toBe(true);
    expect(orRule.matches(proc({ Image: 'C:\\x.exe', CommandLine: 'dir' }))).toBe(false);
  });

  it('evaluates conditions over search identifiers, with wildcards over their names', () => {
    const compiled = compileSigmaRule(
      rule(
        [
          '  selection_parent:',
          '    ParentImage|endswith: \\w3wp.exe',
          '  selection_child:',
          '    Image|endswith: \\cmd.exe',
          '  filter_main_benign:',
          '    CommandLine|contains: healthcheck',
          '  condition: all of selection_* and not 1 of filter_main_*',
        ].join('\n'),
      ),
    );
    expect(compiled.matches(proc({ ParentImage: 'C:\\w3wp.exe', Image: 'C:\\cmd.exe', CommandLine: 'cmd /c whoami' }))).toBe(true);
    expect(compiled.matches(proc({ ParentImage: 'C:\\w3wp.exe', Image: 'C:\\cmd.exe', CommandLine: 'cmd /c healthcheck' }))).toBe(false);
    expect(compiled.matches(proc({ ParentImage: 'C:\\explorer.exe', Image: 'C:\\cmd.exe' }))).toBe(false);
  });

  it('searches keyword lists in every field, and |all keyword maps need each keyword', () => {
    const keywords = compileSigmaRule(rule("  keywords:\n    - 'UNION SELECT'\n    - '@@version'\n  condition: keywords", 'logsource:\n  category: webserver'));
    expect(keywords.matches(toSigmaEvent({ 'cs-method': 'GET', 'cs-uri-query': 'id=1%20union select 1' }))).toBe(true);
    expect(keywords.matches(toSigmaEvent({ 'cs-method': 'GET', 'cs-uri-query': 'id=1' }))).toBe(false);
    const all = compileSigmaRule(
      rule("  keywords:\n    '|all':\n      - 'OabVirtualDirectory'\n      - ' -ExternalUrl '\n  condition: keywords", 'logsource:\n  product: windows'),
    );
    expect(all.matches(proc({ Payload: 'Set-OabVirtualDirectory -ExternalUrl http://x' }))).toBe(true);
    expect(all.matches(proc({ Payload: 'Set-OabVirtualDirectory' }))).toBe(false);
  });

  it('combines field selections with keywords (SigmaHQ web rules)', () => {
    const compiled = compileSigmaRule(
      rule(
        "  selection:\n    cs-method: 'GET'\n  keywords:\n    - '=whoami'\n  filter:\n    sc-status: 404\n  condition: selection and keywords and not filter",
        'logsource:\n  category: webserver',
      ),
    );
    expect(compiled.matches(toSigmaEvent({ 'cs-method': 'GET', 'cs-uri-query': 'cmd=whoami', 'sc-status': 200 }))).toBe(true);
    expect(compiled.matches(toSigmaEvent({ 'cs-method': 'GET', 'cs-uri-query': 'cmd=whoami', 'sc-status': 404 }))).toBe(false);
    expect(compiled.matches(toSigmaEvent({ 'cs-method': 'POST', 'cs-uri-query': 'cmd=whoami', 'sc-status': 200 }))).toBe(false);
  });

  it('applies a rule only to the events of its log source', () => {
    const compiled = compileSigmaRule(rule('  selection:\n    Image|endswith: \\cmd.exe\n  condition: selection'));
    expect(compiled.matches(toSigmaEvent({ Channel: SYSMON, EventID: 3, Image: 'C:\\cmd.exe' }))).toBe(false);
    expect(compiled.matches(toSigmaEvent({ Image: 'C:\\cmd.exe' }))).toBe(false);
    const anywhere = compileSigmaRule(rule('  selection:\n    Image|endswith: \\cmd.exe\n  condition: selection', 'logsource: {}'));
    expect(anywhere.matches(toSigmaEvent({ Image: 'C:\\cmd.exe' }))).toBe(true);
  });

  it('warns about a log source that no supported event shape has', () => {
    expect(compileSigmaRule(rule('  selection:\n    a: b\n  condition: selection', 'logsource:\n  category: antivirus')).warnings).toHaveLength(1);
    expect(compileSigmaRule(rule('  selection:\n    a: b\n  condition: selection', 'logsource:\n  product: windows\n  service: sysmon')).warnings).toHaveLength(
      0,
    );
  });

  it('refuses YAML errors and rules that do not follow the Sigma schema', () => {
    expect(refusal('title: [unclosed').code).toBe('SIGMA_SYNTAX');
    expect(refusal('').code).toBe('SIGMA_SYNTAX');
    expect(refusal('- a list').code).toBe('SIGMA_INVALID_RULE');
    expect(refusal('title: No detection\nlogsource: {}').code).toBe('SIGMA_INVALID_RULE');
    expect(refusal(rule('  selection:\n    a: b\n  condition: selection').replace('level: high', 'level: severe')).code).toBe('SIGMA_INVALID_RULE');
    expect(refusal(rule('  selection:\n    a: b\n  condition: selection', undefined, 'tags:\n  - Attack.T1059\n')).message).toContain('tags.0');
    expect(refusal(rule('  selection: just a string\n  condition: selection')).code).toBe('SIGMA_INVALID_RULE');
    expect(refusal(rule('  selection:\n    a: b\n  condition: selection').replace(/^id: .*$/m, 'id: not-a-uuid')).code).toBe('SIGMA_INVALID_RULE');
  });

  it('refuses detections that are not maps, lists of maps or keyword lists', () => {
    expect(refusal(rule('  selection:\n    - a: b\n    - keyword\n  condition: selection')).code).toBe('SIGMA_INVALID_DETECTION');
    expect(refusal(rule('  selection: []\n  condition: selection')).code).toBe('SIGMA_INVALID_DETECTION');
    expect(refusal(rule('  selection: {}\n  condition: selection')).code).toBe('SIGMA_INVALID_DETECTION');
    expect(refusal(rule('  selection:\n    a: b\n  condition: selection and missing')).code).toBe('SIGMA_INVALID_CONDITION');
  });

  it('refuses by name the Sigma documents and features it does not evaluate (SIGMA_UNSUPPORTED)', () => {
    const cases: [string, string][] = [
      ['title: c\ncorrelation:\n  type: event_count\n  rules: [a]\n  timespan: 1h', 'correlation rules'],
      ['title: f\nlogsource: {}\nfilter:\n  rules: [a]\n  selection:\n    User: x\n  condition: not selection', 'Sigma filters (meta filters)'],
      [rule('  selection:\n    a: b\n  condition: selection', undefined, 'action: global\n'), 'rule collections (action: global)'],
      [
        `${rule('  selection:\n    a: b\n  condition: selection')}\n---\n${rule('  selection:\n    a: c\n  condition: selection')}`,
        'multi-document rule files',
      ],
      [rule('  selection:\n    a: b\n  condition:\n    - selection\n    - not selection'), 'condition lists'],
      [rule('  selection:\n    a: b\n  timeframe: 5m\n  condition: selection'), 'detection timeframe'],
      [rule('  selection:\n    a: b\n  condition: selection | count() > 5'), 'aggregation expressions (`| count() …`)'],
      [rule('  selection:\n    User|expand: "%Administrators%"\n  condition: selection'), 'modifier expand'],
      [rule('  selection:\n    User|fieldref: TargetUser\n  condition: selection'), 'modifier fieldref'],
    ];
    for (const [text, feature] of cases) {
      const error = refusal(text);
      expect({ code: error.code, feature: error.feature }).toEqual({ code: 'SIGMA_UNSUPPORTED', feature });
    }
  });
});
