import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ERROR_CODES } from '../../src/contracts/error-codes.js';

/** docs/scenario-authoring.md keeps up with the codes the validator and the API give, and its links lead somewhere. */

const root = join(__dirname, '..', '..');
const guidePath = join(root, 'docs', 'scenario-authoring.md');
const guide = readFileSync(guidePath, 'utf8');

/** Declared in the stable list but never returned by any route. */
const NEVER_RETURNED = new Set(['SCENARIO_VERSION_EXISTS']);

function validatorCodes(): string[] {
  const dir = join(root, 'src', 'scenarios');
  const codes = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))) {
    for (const match of readFileSync(join(dir, file), 'utf8').matchAll(/'(SCENARIO_[A-Z0-9_]+)'/g)) codes.add(match[1]!);
  }
  return [...codes];
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function anchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map((m) =>
      m[1]!
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-'),
    ),
  );
}

describe('docs/scenario-authoring.md', () => {
  it('explains every SCENARIO_* code', () => {
    const codes = [...new Set([...ERROR_CODES.filter((c) => c.startsWith('SCENARIO_')), ...validatorCodes()])].filter((c) => !NEVER_RETURNED.has(c));
    expect(codes.length).toBeGreaterThan(30);
    expect(codes.filter((code) => !guide.includes(`\`${code}\``))).toEqual([]);
  });

  it.each(['scenario-authoring.md', 'scenario-tutorial.md'])('%s links only to files and headings that exist', (name) => {
    const path = join(root, 'docs', name);
    const text = readFileSync(path, 'utf8');
    const broken: string[] = [];
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue;
      const [file, anchor] = target!.split('#');
      const linked = file === '' ? path : join(dirname(path), file!);
      if (!existsSync(linked)) broken.push(target!);
      else if (anchor !== undefined && linked.endsWith('.md') && !anchors(readFileSync(linked, 'utf8')).has(anchor)) broken.push(target!);
    }
    expect(broken).toEqual([]);
  });
});
