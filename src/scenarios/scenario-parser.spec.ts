import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { parseScenario, type ScenarioParseOptions } from './scenario-parser.js';
import { scenarioJsonSchema, scenarioJsonSchemaText } from './scenario-json-schema.js';

const root = join(__dirname, '..', '..');
const invalidDir = join(root, 'tests', 'fixtures', 'scenarios', 'invalid');
const validDirs = [join(root, 'tests', 'fixtures', 'scenarios', 'valid'), join(root, 'scenarios')];

interface Expectation {
  code: string;
  path: string;
  line?: number;
  options?: ScenarioParseOptions;
}

const expected = JSON.parse(readFileSync(join(invalidDir, 'expected.json'), 'utf8')) as Record<string, Expectation>;
const invalidFiles = readdirSync(invalidDir).filter((f) => f !== 'expected.json');
const validFiles = validDirs.flatMap((dir) =>
  readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f) && !f.endsWith('.schema.json'))
    .map((f) => join(dir, f)),
);

describe('invalid scenario fixtures', () => {
  it('has at least 25 broken files, each with a declared expectation', () => {
    expect(invalidFiles.length).toBeGreaterThanOrEqual(25);
    expect(invalidFiles.filter((f) => !expected[f])).toEqual([]);
    expect(Object.keys(expected).filter((f) => !invalidFiles.includes(f))).toEqual([]);
  });

  it.each(invalidFiles)('%s is refused with the declared error', (file) => {
    const expectation = expected[file]!;
    const result = parseScenario(readFileSync(join(invalidDir, file)), expectation.options);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const match = result.problems.find((p) => p.code === expectation.code && p.path === expectation.path);
    expect({ file, problems: result.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.code}`) }).toEqual(
      expect.objectContaining({ problems: expect.arrayContaining([expect.stringContaining(` ${expectation.path} ${expectation.code}`)]) }),
    );
    if (match && expectation.line !== undefined) expect(match.line).toBe(expectation.line);
    for (const problem of result.problems) {
      expect(problem.line).toBeGreaterThanOrEqual(1);
      expect(problem.column).toBeGreaterThanOrEqual(1);
      expect(problem.message.length).toBeGreaterThan(0);
    }
  });
});

describe('valid scenarios', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const validateJsonSchema = ajv.compile(scenarioJsonSchema());

  it('includes the fixtures and the bundled drills', () => {
    expect(validFiles.length).toBeGreaterThanOrEqual(1);
  });

  it.each(validFiles)('%s parses, and round-trips through JSON and the JSON Schema', (file) => {
    const text = readFileSync(file, 'utf8');
    const result = parseScenario(text, { maxBytes: 20 * 1024 * 1024 });
    if (!result.ok) throw new Error(result.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`).join('\n'));
    const raw = file.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
    expect(validateJsonSchema(raw) ? [] : validateJsonSchema.errors).toEqual([]);
    // The same content as JSON gives the same scenario.
    const asJson = parseScenario(JSON.stringify(raw), { maxBytes: 20 * 1024 * 1024 });
    expect(asJson.ok && asJson.scenario).toEqual(result.scenario);
  });
});

describe('trainee briefing', () => {
  const bundledFiles = validFiles.filter((f) => f.startsWith(join(root, 'scenarios')));

  it.each(bundledFiles)('%s has a briefing and loads without warnings', (file) => {
    const result = parseScenario(readFileSync(file));
    if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
    expect(result.warnings).toEqual([]);
    expect(result.scenario.briefing?.rulesOfEngagement.length).toBeGreaterThan(0);
    expect(result.scenario.briefing?.reportingChannels.length).toBeGreaterThan(0);
  });

  it('warns (code SCENARIO_MISSING_BRIEFING) but accepts a scenario without one', () => {
    const result = parseScenario(readFileSync(join(root, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml')));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.warnings.map((w) => [w.code, w.path, w.line])).toEqual([['SCENARIO_MISSING_BRIEFING', '', 1]]);
  });

  it('refuses a briefing contact that names no party of the scenario', () => {
    const minimal = parseYaml(readFileSync(join(root, 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8')) as Record<string, unknown>;
    const text = { vi: 'Nội dung', en: 'Text' };
    const briefing = { situation: text, role: text, rulesOfEngagement: [text], contacts: [{ party: 'nobody', role: text }], reportingChannels: [{ name: text, use: text }] };
    const result = parseScenario(JSON.stringify({ ...minimal, briefing }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => `${p.path} ${p.code}`)).toEqual(['briefing.contacts.0.party SCENARIO_UNKNOWN_REFERENCE']);
    const fixed = parseScenario(JSON.stringify({ ...minimal, briefing: { ...briefing, contacts: [] } }));
    expect(fixed.ok && fixed.warnings).toEqual([]);
  });
});

describe("bundled drills' reporting rule packs", () => {
  const bundledFiles = validFiles.filter((f) => f.startsWith(join(root, 'scenarios')));
  const parsed = (file: string) => {
    const result = parseScenario(readFileSync(file));
    if (!result.ok) throw new Error(result.problems.map((p) => p.message).join('\n'));
    return result.scenario;
  };

  it.each(bundledFiles)('%s: notification, initial, situation-update, emergency and closing go to the owner, the specialised unit and VNCERT/CC', (file) => {
    const scenario = parsed(file);
    const partyOf = (kind: string) => scenario.parties.find((p) => p.kind === kind)!.id;
    const law = [partyOf('owner'), partyOf('specialised-unit'), partyOf('national-coordinator')];
    for (const obligation of scenario.reporting) {
      if (obligation.kind === 'response-plan' || obligation.kind === 'guidance-request') continue;
      expect([obligation.id, law.filter((p) => !obligation.recipients.includes(p))]).toEqual([obligation.id, []]);
      // Informing Lớp 4 is allowed, never required by these rules.
      expect(obligation.recipients).not.toContain(partyOf('national-monitoring'));
    }
  });

  // Trainees read the legal basis in full: it states the law and the drill's time compression, never the answer key.
  it.each(bundledFiles)('%s: legal bases name no alert, incident, asset or expected action of the key', (file) => {
    const scenario = parsed(file);
    const secrets = [
      ...scenario.timeline.map((a) => a.id),
      ...scenario.incidents.flatMap((i) => [i.id, i.title.vi, i.title.en]),
      ...scenario.assets.map((a) => a.id),
      ...scenario.responses.map((r) => r.id),
      'webshell',
      'web shell',
    ];
    for (const obligation of scenario.reporting) {
      for (const text of [obligation.legalBasis.vi, obligation.legalBasis.en]) {
        expect(text).toMatch(/05\/2017\/QĐ-TTg|20\/2017\/TT-BTTTT/);
        for (const secret of secrets) expect([obligation.id, text.toLowerCase().includes(secret.toLowerCase()) ? secret : null]).toEqual([obligation.id, null]);
      }
    }
  });
});

describe('scenario.schema.json', () => {
  it('is committed and up to date (run `npm run schema` after changing the contract)', () => {
    expect(readFileSync(join(root, 'scenarios', 'scenario.schema.json'), 'utf8')).toBe(scenarioJsonSchemaText());
  });

  it('rejects what the zod contract rejects at the shape level', () => {
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(scenarioJsonSchema());
    expect(validate({ schemaVersion: 1, id: 'Not A Slug' })).toBe(false);
  });
});

describe('hostile input', () => {
  it('refuses files over the size limit before parsing', () => {
    const result = parseScenario('a: 1\n'.repeat(1000), { maxBytes: 100 });
    expect(result.ok || result.problems[0]!.code).toBe('SCENARIO_TOO_LARGE');
  });

  it('refuses a billion-laughs alias bomb without expanding it', () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(',')}]`);
    const result = parseScenario(levels.join('\n'));
    expect(result.ok || result.problems[0]!.code).toBe('SCENARIO_ALIAS_LIMIT');
  });

  it('refuses very deep nesting without overflowing the stack', () => {
    const result = parseScenario('['.repeat(100_000) + ']'.repeat(100_000));
    expect(result.ok || result.problems[0]!.code).toBe('SCENARIO_TOO_DEEP');
  });

  it('locates the first invalid UTF-8 byte', () => {
    const bytes = Buffer.concat([Buffer.from('schemaVersion: 1\nid: ab'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')]);
    const result = parseScenario(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]).toMatchObject({ code: 'SCENARIO_NOT_UTF8', line: 2 });
  });

  it('refuses prototype-pollution keys anywhere', () => {
    const result = parseScenario('{"schemaVersion":1,"timeline":[{"constructor":{"prototype":{"x":1}}}]}');
    expect(result.ok || result.problems[0]!.code).toBe('SCENARIO_FORBIDDEN_KEY');
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
