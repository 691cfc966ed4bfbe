import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/soc-drill.js';
import { parseScenario } from '../../src/scenarios/scenario-parser.js';
import { SOLVERS, simulate } from '../../src/scoring/solver.js';

/**
 * docs/scenario-tutorial.md cannot rot: its ```yaml snippets, put one after the other, are the
 * scenario file at each step; every `$ npx soc-drill …` line of a ```console block is run on the
 * file as it stands there and must print exactly what the page shows; the whole file is the fixture.
 */

const root = join(__dirname, '..', '..');
const markdown = readFileSync(join(root, 'docs', 'scenario-tutorial.md'), 'utf8');
const fixture = join(root, 'tests', 'fixtures', 'scenarios', 'valid', 'tutorial-portal-webshell.yaml');
const FILE_NAME = 'portal-webshell.yaml';

interface Block {
  readonly lang: string;
  readonly body: string;
}

function fencedBlocks(text: string): Block[] {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

interface Command {
  readonly args: string[];
  readonly expected: string;
  /** The scenario file as the tutorial has built it by this command. */
  readonly file: string;
}

function commands(blocks: readonly Block[]): Command[] {
  const found: Command[] = [];
  let file = '';
  for (const block of blocks) {
    if (block.lang === 'yaml') file += block.body;
    if (block.lang !== 'console') continue;
    for (const chunk of block.body.split(/^(?=\$ )/m)) {
      const [first, ...output] = chunk.split('\n');
      const prefix = '$ npx soc-drill ';
      if (!first!.startsWith(prefix)) throw new Error(`a console block line that is not a soc-drill command: ${first}`);
      found.push({ args: first!.slice(prefix.length).split(' '), expected: output.join('\n').trimEnd(), file });
    }
  }
  return found;
}

const blocks = fencedBlocks(markdown);
const finalFile = blocks
  .filter((b) => b.lang === 'yaml')
  .map((b) => b.body)
  .join('');

describe('docs/scenario-tutorial.md', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'soc-drill-tutorial-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds, snippet by snippet, exactly the fixture file', () => {
    expect(blocks.filter((b) => b.lang === 'yaml').length).toBeGreaterThanOrEqual(6);
    expect(finalFile).toBe(readFileSync(fixture, 'utf8'));
  });

  const all = commands(blocks);
  it('shows validate and simulate commands, the last ones on the finished file', () => {
    expect(all.length).toBeGreaterThanOrEqual(8);
    expect(all.at(-1)!.file).toBe(finalFile);
  });

  it.each(all.map((c, i) => [`${i + 1}: soc-drill ${c.args.join(' ')}`, c] as const))('%s prints what the tutorial shows', (_name, command) => {
    writeFileSync(join(dir, FILE_NAME), command.file);
    const lines: string[] = [];
    const push = (line: string): void => {
      lines.push(line);
    };
    // Paths are read from the process's folder; output names them relative to `cwd`, as in a shell there.
    const args = command.args.map((a) => (a === FILE_NAME ? join(dir, a) : a));
    runCli(args, { out: push, err: push, cwd: dir });
    expect(lines.join('\n')).toBe(command.expected);
  });

  it('is a valid scenario that the perfect solver plays to 1,000 points and the idle and naive ones do not', () => {
    const parsed = parseScenario(finalFile);
    if (!parsed.ok) throw new Error(parsed.problems.map((p) => `${p.line}:${p.column} ${p.path} ${p.message}`).join('\n'));
    expect(parsed.warnings).toEqual([]);
    const totals = Object.fromEntries(SOLVERS.map((solver) => [solver, simulate({ scenario: parsed.scenario, solver, seed: 1 }).score.total]));
    expect(totals.perfect).toBe(1000);
    expect(totals.idle).toBeLessThanOrEqual(50);
    expect(totals.naive).toBeLessThanOrEqual(500);
  });
});
