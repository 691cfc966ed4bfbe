import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from './scenario-parser.js';
import { parseForStorage } from './scenario-upload.js';

const minimalYaml = readFileSync(join(__dirname, '..', '..', 'tests', 'fixtures', 'scenarios', 'valid', 'minimal.yaml'), 'utf8');
const maxBytes = 5 * 1024 * 1024;

describe('parseForStorage: what a worker hands back for the catalogue to store', () => {
  it('gives the row as text: the hash of the text, the parser’s normalised JSON, and the head of the scenario', () => {
    const upload = parseForStorage(minimalYaml, { maxBytes });
    const parsed = parseScenario(minimalYaml, { maxBytes });
    if (!upload.ok || !parsed.ok) throw new Error('the fixture is valid');
    expect(upload.contentHash).toBe(createHash('sha256').update(parsed.text).digest('hex'));
    expect(JSON.parse(upload.normalizedJson)).toEqual(JSON.parse(JSON.stringify(parsed.scenario)));
    expect(upload.head).toEqual({
      id: 'fixture-minimal',
      version: parsed.scenario.version,
      title: parsed.scenario.title,
      description: parsed.scenario.description,
      difficulty: parsed.scenario.difficulty,
      duration: parsed.scenario.duration,
      tags: parsed.scenario.tags,
      techniques: parsed.scenario.techniques,
      eventCount: parsed.scenario.timeline.length,
    });
    expect(upload.format).toBe('yaml');
  });

  it('renames a copy: YAML keeps its comments, JSON is re-indented', () => {
    const yaml = parseForStorage(`# kept\n${minimalYaml}`, { maxBytes, renameTo: 'copied', format: 'yaml' });
    if (!yaml.ok) throw new Error('the copy is valid');
    expect(yaml.head.id).toBe('copied');
    expect(yaml.text).toContain('# kept');
    const stored = parseForStorage(minimalYaml, { maxBytes });
    if (!stored.ok) throw new Error('the fixture is valid');
    const json = parseForStorage(stored.normalizedJson, { maxBytes, renameTo: 'copied-json', format: 'json' });
    if (!json.ok) throw new Error('the JSON copy is valid');
    expect(json.head.id).toBe('copied-json');
    expect(json.format).toBe('json');
    expect(json.text).toContain('\n  "id": "copied-json"');
  });

  it('answers problems for a broken file, as the parser does', () => {
    const upload = parseForStorage('id: x\n', { maxBytes });
    expect(upload.ok).toBe(false);
    if (upload.ok) return;
    expect(upload.problems.map((p) => p.path)).toContain('schemaVersion');
  });
});
