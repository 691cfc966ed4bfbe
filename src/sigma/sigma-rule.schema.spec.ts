import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { SigmaRuleSchema } from './sigma-rule.schema.js';

const FIXTURES = join(__dirname, '..', '..', 'tests', 'fixtures', 'sigma');

/** The upstream JSON schema (SigmaHQ/sigma-specification), with ajv's usual `uuid` format. */
function upstreamValidator(): (value: unknown) => boolean {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  ajv.addFormat('uuid', /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i);
  const schema = JSON.parse(readFileSync(join(FIXTURES, 'sigma-detection-rule-schema.json'), 'utf8')) as Record<string, unknown>;
  // The draft-2020 meta-schema URI carries a trailing '#', which ajv does not know by that name.
  delete schema['$schema'];
  const validate = ajv.compile(schema);
  return (value) => validate(value) === true;
}

function fixtureRules(): { name: string; value: Record<string, unknown> }[] {
  const rulesDir = join(FIXTURES, 'rules');
  const files = readdirSync(rulesDir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(rulesDir, f));
  files.push(join(FIXTURES, 'regression', 'rule.yml'));
  return files.map((file) => ({ name: file, value: parse(readFileSync(file, 'utf8')) as Record<string, unknown> }));
}

describe('the zod Sigma rule schema', () => {
  const upstream = upstreamValidator();

  it('accepts the SigmaHQ rules, as the upstream JSON schema does', () => {
    const rules = fixtureRules();
    expect(rules).toHaveLength(15);
    for (const { name, value } of rules) {
      expect({ name, upstream: upstream(value), zod: SigmaRuleSchema.safeParse(value).success }).toEqual({ name, upstream: true, zod: true });
    }
  });

  it('agrees with the upstream JSON schema on broken rules', () => {
    const base = fixtureRules()[0]!.value;
    const variants: Record<string, Record<string, unknown>> = {
      'no title': { ...base, title: undefined },
      'long title': { ...base, title: 'x'.repeat(257) },
      'no logsource': { ...base, logsource: undefined },
      'no detection': { ...base, detection: undefined },
      'no condition': { ...base, detection: { selection: { a: 'b' } } },
      'condition list': { ...base, detection: { selection: { a: 'b' }, condition: ['selection'] } },
      'string search identifier': { ...base, detection: { selection: 'abc', condition: 'selection' } },
      'boolean in a keyword list': { ...base, detection: { keywords: [true], condition: 'keywords' } },
      'bad id': { ...base, id: 'abc' },
      'bad level': { ...base, level: 'severe' },
      'bad status': { ...base, status: 'production' },
      'bad date': { ...base, date: '2022/10/01' },
      'bad modified': { ...base, modified: '2022-13-01' },
      'bad tag': { ...base, tags: ['Attack.T1059'] },
      'duplicate tags': { ...base, tags: ['attack.t1059', 'attack.t1059'] },
      'duplicate references': { ...base, references: ['a', 'a'] },
      'short falsepositive': { ...base, falsepositives: ['x'] },
      'bad relation': { ...base, related: [{ id: '5f7f6c2e-3f4a-4c5b-9d7e-1a2b3c4d5e6f', type: 'cousin' }] },
      'relation without id': { ...base, related: [{ type: 'derived' }] },
      'logsource not a map': { ...base, logsource: 'windows' },
      'author not a string': { ...base, author: ['a', 'b'] },
      'extra top-level key': { ...base, regression_tests_path: 'x/info.yml' },
      'integer list': { ...base, detection: { selection: { EventID: [1, 2] }, keywords: [4688], condition: 'selection or keywords' } },
    };
    for (const [name, variant] of Object.entries(variants)) {
      const value = JSON.parse(JSON.stringify(variant)) as unknown;
      expect({ name, zod: SigmaRuleSchema.safeParse(value).success }).toEqual({ name, zod: upstream(value) });
    }
  });
});
