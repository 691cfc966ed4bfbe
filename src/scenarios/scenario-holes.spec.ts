import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, type ScenarioParseResult } from './scenario-parser.js';

// Files real instructors get wrong, and hostile ones: each was accepted, or crashed, or was
// explained badly before the validator was tightened.
const minimal = readFileSync(join(__dirname, '..', '..', 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');

function problems(result: ScenarioParseResult): string[] {
  return result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.path} [${p.code}] ${p.message}`);
}

function lineOf(text: string, needle: string): number {
  return text.slice(0, text.indexOf(needle)).split('\n').length;
}

const withNoise = (vars: string, title = 'Scan from {{ip}}') =>
  minimal
    .replace('      ip: { ipv4In: 198.51.100.0/24 }\n', `${vars}\n`)
    .replace('title: { vi: "Quét từ {{ip}}", en: "Scan from {{ip}}" }', `title: { vi: "Quét từ {{ip}}", en: "${title}" }`);

describe('every file the validator accepts plays', () => {
  it('refuses an IPv4 noise block with an octet above 255 (the engine would stop the run)', () => {
    const result = parseScenario(withNoise('      ip: { ipv4In: 198.51.300.0/24 }'));
    expect(problems(result)).toEqual([expect.stringContaining('noise.0.vars.ip.ipv4In [SCENARIO_INVALID_FORMAT]')]);
    expect(parseScenario(withNoise('      ip: { ipv4In: 198.51.100.0/24 }')).ok).toBe(true);
  });

  it('refuses an expected response whose target no trainee can give (the perfect solver was refused by the triage rules)', () => {
    const text = minimal.replace('    action: isolate-host\n    target: web-01\n    from: { event: a-webshell }', '    action: reset-credentials\n    target: 203.0.113.0/24\n    from: { event: a-webshell }');
    expect(text).not.toBe(minimal);
    expect(problems(parseScenario(text))).toEqual([expect.stringContaining('responses.0.target [SCENARIO_UNKNOWN_REFERENCE] "203.0.113.0/24" is neither an asset of the scenario nor an account name')]);
    expect(parseScenario(text.replace('target: 203.0.113.0/24', 'target: admin.portal')).ok).toBe(true);
  });

  it('refuses an expected block-ip without a target (the perfect solver could not name one)', () => {
    const text = minimal.replace('    action: isolate-host\n    target: web-01\n    from: { event: a-webshell }', '    action: block-ip\n    from: { event: a-webshell }');
    expect(problems(parseScenario(text))).toEqual([expect.stringContaining('responses.0.target [SCENARIO_MISSING_FIELD] required field "target" is missing: block-ip needs the IP address or CIDR to block')]);
  });
});

describe('response targets (docs/scenario-authoring.md, "How response targets are matched")', () => {
  const withTarget = (action: string, target: string) =>
    minimal.replace('    action: isolate-host\n    target: web-01\n    from: { event: a-webshell }', `    action: ${action}\n    target: "${target}"\n    from: { event: a-webshell }`);

  it('accepts an asset id, a domain and an account in any case, and refuses targets outside ASCII that no trainee could type', () => {
    expect(parseScenario(withTarget('isolate-host', 'WEB-01')).ok).toBe(true);
    expect(parseScenario(withTarget('block-domain', 'Evil.Example.COM')).ok).toBe(true);
    expect(parseScenario(withTarget('block-domain', 'xn--cng-qla.example.vn')).ok).toBe(true);
    expect(problems(parseScenario(withTarget('block-domain', 'cổng.example.vn')))).toEqual([expect.stringContaining('responses.0.target [SCENARIO_INVALID_TARGET]')]);
    expect(problems(parseScenario(withTarget('disable-account', 'nguyễn.văn.a')))).toEqual([expect.stringContaining('responses.0.target [SCENARIO_UNKNOWN_REFERENCE]')]);
  });
});

describe('alert references name timeline alerts (docs/scenario-authoring.md, Field reference)', () => {
  const when = (condition: string, extra = '') =>
    minimal.replace('when: { notTaken: { action: isolate-host, target: web-01, by: 25m } }', `when: ${condition}${extra}`);

  it('refuses a generated noise id or an inject-library id in a condition, a TimeRef or cancel', () => {
    const cases = [
      [when('{ delivered: inj-press }'), 'triggers.0.when.delivered'],
      [when('{ delivered: scan-1 }'), 'triggers.0.when.delivered'],
      [when('{ time: { event: scan-2, plus: 1m } }'), 'triggers.0.when.time.event'],
      [when('{ notTaken: { action: isolate-host, target: web-01, by: 25m } }', '\n    cancel: [scan-3]'), 'triggers.0.cancel.0'],
    ] as const;
    for (const [text, path] of cases) {
      expect(text).not.toBe(minimal);
      expect(problems(parseScenario(text))).toEqual([expect.stringContaining(`${path} [SCENARIO_UNKNOWN_REFERENCE]`)]);
    }
    expect(parseScenario(when('{ delivered: a-exploit }')).ok).toBe(true);
  });
});

describe('bytes: the same checks for bytes and for text that was decoded lossily', () => {
  // "Công" as Windows-1258 writes it: ô is the single byte 0xF4.
  const cut = minimal.indexOf('Minimal test scenario');
  const legacy = Buffer.concat([Buffer.from(minimal.slice(0, cut)), Buffer.from([0x43, 0xf4, 0x6e, 0x67]), Buffer.from(minimal.slice(cut + 7))]);
  const at = `${lineOf(minimal, 'Minimal test scenario')}:${minimal.split('\n')[lineOf(minimal, 'Minimal test scenario') - 1]!.indexOf('Minimal') + 2}`; // the byte after "C"

  it('refuses Windows-1258 / Latin-1 bytes and the U+FFFD a lossy decoder leaves, at the same line:column', () => {
    const fromBytes = parseScenario(legacy);
    const fromText = parseScenario(legacy.toString('utf8'));
    expect(problems(fromBytes)).toEqual([expect.stringMatching(new RegExp(`^${at} {2}\\[SCENARIO_NOT_UTF8\\] the file is not UTF-8`))]);
    expect(problems(fromText)).toEqual(problems(fromBytes));
  });

  it('refuses a lone surrogate (what a JSON body with a broken escape decodes to)', () => {
    expect(problems(parseScenario(minimal.replace('Minimal test scenario', 'Minimal \ud800 x')))[0]).toContain('SCENARIO_NOT_UTF8');
  });

  it('stores text normalised to NFC', () => {
    const nfd = minimal.replace('Kịch bản', 'Kịch bản'.normalize('NFD'));
    expect(nfd).not.toBe(minimal);
    const result = parseScenario(nfd);
    if (!result.ok) throw new Error(problems(result).join('\n'));
    expect(result.text).toBe(result.text.normalize('NFC'));
    expect(result.scenario.title.vi).toBe('Kịch bản kiểm thử tối thiểu'.normalize('NFC'));
  });

  it('drops a leading byte-order mark, from bytes and from text', () => {
    expect(parseScenario(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(minimal)])).ok).toBe(true);
    expect(parseScenario(`\uFEFF${minimal}`).ok).toBe(true);
  });

  it('says the file is empty for empty and blank input', () => {
    expect(problems(parseScenario(''))).toEqual(['1:1  [SCENARIO_SYNTAX] the file is empty']);
    expect(problems(parseScenario(new Uint8Array()))).toEqual(['1:1  [SCENARIO_SYNTAX] the file is empty']);
  });
});

describe('YAML aliases are limited by what they expand to', () => {
  it('accepts one anchor reused 150 times', () => {
    const uses = Array.from({ length: 150 }, () => '*p').join(', ');
    const text = minimal.replace('path: { pick: [/wp-login.php, /.env, /admin] }', `path: { pick: [&p /wp-login.php, ${uses}] }`);
    const result = parseScenario(text);
    if (!result.ok) throw new Error(problems(result).join('\n'));
    const path = result.scenario.noise[0]!.vars['path'];
    expect(path && 'pick' in path ? path.pick : []).toHaveLength(151);
  });

  it('accepts merge keys (<<: *anchor)', () => {
    const text = minimal.replace(
      '  - id: soc\n    kind: soc\n    layer: 2\n',
      '  - &party\n    id: soc\n    kind: soc\n    layer: 2\n',
    ).replace('  - id: vncert\n    kind: national-coordinator\n', '  - <<: *party\n    id: vncert\n    kind: national-coordinator\n    layer: null\n');
    const result = parseScenario(text);
    if (!result.ok) throw new Error(problems(result).join('\n'));
    expect(result.scenario.parties.find((p) => p.id === 'vncert')).toMatchObject({ kind: 'national-coordinator', layer: null });
  });

  it('refuses an alias that names no anchor, where it stands', () => {
    expect(problems(parseScenario('a: 1\nb: *x\n'))).toEqual(['2:4  [SCENARIO_SYNTAX] the alias *x names no anchor: write &x on the block to reuse, before this line']);
  });

  it('refuses an alias that contains itself', () => {
    expect(problems(parseScenario('a: &a [1, *a]\n'))[0]).toContain('SCENARIO_ALIAS_LIMIT');
  });
});

describe('deep nesting', () => {
  it('refuses 1,500 levels of block nesting with SCENARIO_TOO_DEEP, not a stack overflow', () => {
    let deep = 'x:\n';
    for (let i = 0; i < 1500; i++) deep += `${' '.repeat(i + 1)}k${i}:\n`;
    expect(problems(parseScenario(deep))).toEqual([expect.stringMatching(/\[SCENARIO_TOO_DEEP\] the nesting is deeper than 32 levels$/)]);
    let sequences = '';
    for (let i = 0; i < 1500; i++) sequences += `${' '.repeat(i * 2)}-\n`;
    expect(problems(parseScenario(sequences))[0]).toContain('SCENARIO_TOO_DEEP');
  });

  it('does not count the indentation inside block scalars', () => {
    const raw = Array.from({ length: 80 }, (_, i) => `      ${' '.repeat(i)}- step ${i}`).join('\n');
    const text = minimal.replace(/^(\s+)raw: '203[^\n]+\n/m, `$1raw: |\n${raw}\n`);
    expect(text).not.toBe(minimal);
    const result = parseScenario(text);
    if (!result.ok) throw new Error(problems(result).join('\n'));
  });
});

describe('messages in the author’s words', () => {
  it('lists the allowed layers', () => {
    expect(problems(parseScenario(minimal.replace('    layer: 1\n', '    layer: 5\n')))).toEqual([
      `${lineOf(minimal, '    layer: 1\n')}:12 parties.0.layer [SCENARIO_INVALID_VALUE] must be one of 1, 2, 3, 4 (got the number 5)`,
    ]);
  });

  it('tells the author to quote a number YAML read where text was meant', () => {
    const era = problems(parseScenario(minimal.replace('era: "2025"', 'era: 2025')));
    expect(era).toEqual([expect.stringMatching(/era \[SCENARIO_INVALID_VALUE\] must be one of "2025", "pre-2025" \(got the number 2025\): YAML read 2025 as a number; put it in quotes: era: "2025"$/)]);
    const version = problems(parseScenario(minimal.replace('version: 1.0.0', 'version: 1.0')));
    expect(version).toEqual([expect.stringMatching(/version \[SCENARIO_INVALID_TYPE\] expected text, got the number 1: YAML read 1\.0 as a number; put it in quotes: version: "1\.0\.0"$/)]);
  });

  it('gives one root-cause message for an indentation slip, on the line to fix', () => {
    const slipped = minimal.replace('    sensor: waf\n', '     sensor: waf\n');
    const found = problems(parseScenario(slipped));
    expect(found).toEqual([expect.stringMatching(new RegExp(`^${lineOf(slipped, '     sensor: waf')}:1 {2}\\[SCENARIO_SYNTAX\\] line \\d+ is indented further`))]);
  });

  it('explains a colon inside a plain value', () => {
    const text = minimal.replace('  en: Minimal test scenario', '  en: Minimal: test scenario');
    expect(problems(parseScenario(text))).toEqual([expect.stringContaining('[SCENARIO_SYNTAX] the value "Minimal: test scenario" contains ": "')]);
  });

  it('points at the undefined placeholder itself', () => {
    const text = withNoise('      ip: { ipv4In: 198.51.100.0/24 }', 'Scan from {{ipp}}');
    const expected = `${lineOf(text, '{{ipp}}')}:${text.split('\n')[lineOf(text, '{{ipp}}') - 1]!.indexOf('{{ipp}}') + 1}`;
    expect(problems(parseScenario(text))).toEqual([expect.stringMatching(new RegExp(`^${expected} noise\\.0\\.template\\.title\\.en \\[SCENARIO_UNKNOWN_VARIABLE\\] placeholder \\{\\{ipp\\}\\} has no variable in "vars" \\(variables: ip, path\\)$`))]);
  });

  it('gives times in the units the author wrote', () => {
    const window = '    from: { event: a-webshell }\n    deadline: { event: a-webshell, plus: 10m }\n';
    expect(minimal).toContain(window);
    const minutes = minimal.replace(window, '    from: 10m\n    deadline: 5m\n');
    const inMinutes = problems(parseScenario(minutes)).find((p) => p.includes('SCENARIO_DEADLINE_BEFORE_START'));
    expect(inMinutes).toContain('deadline (5m) is not after the window opens (10m)');
    const seconds = minimal.replace(window, '    from: 600\n    deadline: 300\n');
    expect(problems(parseScenario(seconds)).find((p) => p.includes('SCENARIO_DEADLINE_BEFORE_START'))).toContain('deadline (300s) is not after the window opens (600s)');
  });

  it('suggests the field meant by a typo, and lists the forms a condition can take', () => {
    expect(problems(parseScenario(minimal.replace('    layer: 1\n', '    layr: 1\n')))).toEqual([expect.stringContaining('parties.0.layr [SCENARIO_UNKNOWN_FIELD] unknown field "layr": did you mean "layer"?')]);
    expect(problems(parseScenario(minimal.replace('for: { alert: a-webshell }', 'for: { alrt: a-webshell }')))).toEqual([
      expect.stringContaining('hints.0.for [SCENARIO_INVALID_VALUE] expected one of the forms { alert: … }, { phase: … }; got a mapping with "alrt"'),
    ]);
  });

  it('uses one code style, SCENARIO_*, for every problem', () => {
    const broken = minimal.replace('    layer: 1\n', '    layer: 5\n    colour: red\n').replace('difficulty: basic\n', '');
    const result = parseScenario(broken);
    const codes = result.ok ? [] : result.problems.map((p) => p.code);
    expect(codes.length).toBeGreaterThanOrEqual(3);
    for (const code of codes) expect(code).toMatch(/^SCENARIO_[A-Z0-9_]+$/);
  });
});
