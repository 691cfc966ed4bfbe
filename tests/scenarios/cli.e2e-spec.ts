import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');

function run(...args: string[]) {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('soc-drill CLI', () => {
  it('validates the bundled scenarios and the valid fixtures with exit 0', () => {
    const result = run('validate', 'scenarios/', 'tests/fixtures/scenarios/valid');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/(\d+) of \1 scenario file\(s\) valid/);
  });

  it('prints one file:line:col  path  message line per problem and exits non-zero', () => {
    const result = run('validate', 'tests/fixtures/scenarios/invalid/unknown-asset.yaml', 'tests/fixtures/scenarios/invalid/weights-sum.yaml');
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^tests\/fixtures\/scenarios\/invalid\/unknown-asset\.yaml:62:12 {2}timeline\.0\.asset {2}unknown asset "web-99"/),
      expect.stringMatching(/^tests\/fixtures\/scenarios\/invalid\/weights-sum\.yaml:177:\d+ {2}scoring\.weights {2}weights add up to 1050, not 1000/),
    ]);
  });

  it('validates a whole folder of broken files without crashing on hostile ones', () => {
    const result = run('validate', 'tests/fixtures/scenarios/invalid');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/alias-bomb\.yaml:1:1 {2}\(file\) {2}.*SCENARIO_ALIAS_LIMIT/);
    expect(result.stderr).toMatch(/binary\.yaml:\d+:\d+ {2}\(file\) {2}.*SCENARIO_BINARY/);
  });

  it('reports a missing file and usage errors', () => {
    expect(run('validate', 'nope.yaml').code).toBe(1);
    expect(run('validate').code).toBe(2);
    expect(run('frobnicate').code).toBe(2);
  });

  it('answers --help on every command instead of taking it for a file name', () => {
    for (const command of ['validate', 'simulate', 'schema']) {
      const result = run(command, '--help');
      expect({ command, code: result.code, stderr: result.stderr }).toEqual({ command, code: 0, stderr: '' });
      expect(result.stdout).toContain(`Usage: soc-drill ${command}`);
    }
    const typo = run('validate', '--hepl');
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('unknown option --hepl');
  });

  it('prints one JSON document with --json', () => {
    const result = run('validate', '--json', 'tests/fixtures/scenarios/invalid/unknown-asset.yaml', 'tests/fixtures/scenarios/valid/minimal.yaml');
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as { valid: boolean; files: Array<{ file: string; valid: boolean; problems: Array<{ code: string; line: number; path: string }>; warnings: Array<{ code: string }> }> };
    expect(report.valid).toBe(false);
    expect(report.files).toEqual([
      expect.objectContaining({ file: 'tests/fixtures/scenarios/invalid/unknown-asset.yaml', valid: false, problems: [expect.objectContaining({ code: 'SCENARIO_UNKNOWN_REFERENCE', path: 'timeline.0.asset', line: 62 })] }),
      expect.objectContaining({ file: 'tests/fixtures/scenarios/valid/minimal.yaml', valid: true, problems: [], warnings: [expect.objectContaining({ code: 'SCENARIO_MISSING_BRIEFING' })] }),
    ]);
  });

  it('simulates a bundled drill by its catalogue id, as the README writes it', () => {
    const result = run('simulate', 'portal-defacement', '--solver', 'idle', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ scenario: 'portal-defacement' });
    const missing = run('simulate', 'no-such-drill');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[SCENARIO_NOT_FOUND]');
  });

  it('prints the JSON Schema', () => {
    const result = run('schema');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ title: 'SOC Drill scenario', type: 'object' });
  });
});
