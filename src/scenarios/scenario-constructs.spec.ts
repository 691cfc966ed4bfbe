import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from './scenario-parser.js';

const source = readFileSync(join(__dirname, '..', '..', 'tests', 'fixtures', 'scenarios', 'valid', 'constructs.yaml'), 'utf8');

/** The fixture with one text replaced; the problems as "line:column path code message". */
function problems(from: string, to: string): string[] {
  if (!source.includes(from)) throw new Error(`fixture has no ${from}`);
  const result = parseScenario(source.replace(from, to));
  return result.ok ? [] : result.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.code} ${p.message}`);
}
const lineOf = (text: string) => source.slice(0, source.indexOf(text)).split('\n').length;

describe('constructs in the validator', () => {
  it('accepts the fixture that uses them all', () => {
    const result = parseScenario(source);
    expect(result.ok && result.warnings).toEqual([]);
  });

  it('refuses an onlyIf naming an unknown trigger, at its line', () => {
    const out = problems('onlyIf: { fired: t-spread }\n    from: { event: a-spread }\n    deadline: { event: a-spread, plus: 15m }', 'onlyIf: { fired: t-sprad }\n    from: { event: a-spread }\n    deadline: { event: a-spread, plus: 15m }');
    expect(out).toEqual([expect.stringMatching(/^\d+:\d+ responses\.2\.onlyIf\.fired SCENARIO_UNKNOWN_REFERENCE unknown trigger "t-sprad" \(triggers: t-spread\)$/)]);
  });

  it('refuses takenAfter on an unknown response, on itself and in a circle', () => {
    expect(problems('takenAfter: [r-evidence]', 'takenAfter: [r-evidense]')).toEqual([expect.stringContaining('responses.3.takenAfter.0 SCENARIO_UNKNOWN_REFERENCE unknown expected response "r-evidense"')]);
    expect(problems('takenAfter: [r-evidence]', 'takenAfter: [r-restore]')).toEqual([expect.stringContaining('SCENARIO_INVALID_ORDER response "r-restore" cannot come after itself')]);
    const circle = problems('    onlyIf: { fired: t-spread }\n    from: { event: a-spread }\n    deadline: { event: a-spread, plus: 15m }', '    onlyIf: { fired: t-spread }\n    takenAfter: [r-restore]\n    from: { event: a-spread }\n    deadline: { event: a-spread, plus: 15m }');
    expect(circle).toEqual([expect.stringContaining('SCENARIO_INVALID_ORDER responses wait on each other in a circle: r-evidence → r-restore → r-evidence')]);
  });

  it('points at a bad placeholder inside the string, in the author’s words', () => {
    const out = problems('{{now-5s|DD/MMM/YYYY:HH:mm:ss ZZ}}', '{{now-5x|DD/MMM/YYYY:HH:mm:ss ZZ}}');
    const line = lineOf('{{now-5s|');
    const column = source.split('\n')[line - 1]!.indexOf('{{now-5s') + 1;
    expect(out).toEqual([`${line}:${column} timeline.1.raw SCENARIO_INVALID_PLACEHOLDER {{now-5x|DD/MMM/YYYY:HH:mm:ss ZZ}} is not a time placeholder: write {{now}}, {{now-30s}} or {{now+2m|DD/MMM/YYYY:HH:mm:ss ZZ}}`]);
    expect(problems('wallClockDate: "2025-05-20"\n', '')).toEqual([
      expect.stringContaining('SCENARIO_MISSING_FIELD {{now|YYYY-MM-DDTHH:mm:ssZ}} prints a date: set "wallClockDate"'),
      expect.stringContaining('SCENARIO_MISSING_FIELD {{now-5s|DD/MMM/YYYY:HH:mm:ss ZZ}} prints a date'),
    ]);
    expect(problems('{{party.monitoring}}"', '{{party.ncsc}}"')).toEqual([expect.stringContaining('timeline.1.title.vi SCENARIO_UNKNOWN_REFERENCE {{party.ncsc}} names unknown party "ncsc"')]);
    expect(problems('"shell.php xuất hiện lúc {{now}}"', '"shell.php xuất hiện lúc {{time}}"')).toEqual([
      expect.stringContaining('SCENARIO_UNKNOWN_VARIABLE placeholder {{time}} is not known here'),
    ]);
  });

  it('accepts ECS lists and refuses a nested list', () => {
    expect(problems('process.args: [php-fpm, --nodaemonize]', 'process.args: [[php-fpm]]')).toEqual([expect.stringContaining('timeline.0.fields.process.args')]);
  });

  it('checks target choices and refuses a key that asks for a target no team can pick', () => {
    expect(problems('- { kind: address, value: 198.51.100.23 }', '- { kind: address, value: 198.51.100.300 }')).toEqual([
      expect.stringContaining('SCENARIO_INVALID_TARGET "198.51.100.300" is not an IP address or CIDR'),
    ]);
    expect(problems('- { kind: asset, value: cms-code }', '- { kind: asset, value: cms }')).toEqual([expect.stringContaining('SCENARIO_UNKNOWN_REFERENCE "cms" is not an asset id of the scenario')]);
    expect(problems('- { kind: file, value: /var/www/html/index.php }', '- { kind: file, value: index.php }')).toEqual([expect.stringContaining('is not a file path')]);
    expect(problems("    - { kind: file, value: /var/www/html/uploads/shell.php, label: { vi: Tệp mới trong thư mục tải lên, en: New file in the upload folder } }\n", '')).toEqual([
      expect.stringContaining('responses.1.target SCENARIO_UNKNOWN_REFERENCE unknown asset "/var/www/html/uploads/shell.php"'),
    ]);
    expect(problems('    - { kind: asset, value: db-01 }\n', '')).toEqual(
      expect.arrayContaining([expect.stringContaining('responses.2.target SCENARIO_TARGET_NOT_OFFERED preserve-evidence "db-01" is not among responseTargets.choices')]),
    );
    // block-ip is free text: any address is fine for the key.
    expect(problems('target: 203.0.113.7\n    from: { event: a-webshell }\n    deadline: 50m', 'target: 192.0.2.1\n    from: { event: a-webshell }\n    deadline: 50m')).toEqual([]);
  });

  it('reserves now and party as noise variable names', () => {
    const noise = `noise:\n  - id: scan\n    count: 2\n    between: [0, 10m]\n    vars: { now: { pick: [a] } }\n    template:\n      layer: 2\n      sensor: waf\n      severity: low\n      title: { vi: "Quét {{now}}", en: "Scan {{now}}" }\n      description: { vi: x, en: x }\n      answer: { verdict: false-positive, severity: low }\nincidents:`;
    expect(problems('incidents:', noise)).toEqual([expect.stringContaining('noise.0.vars.now SCENARIO_RESERVED_VARIABLE')]);
  });

  it('accepts the codebase asset kind', () => {
    expect(problems('kind: codebase', 'kind: code-base')).toEqual([expect.stringContaining('assets.2.kind')]);
  });
});
