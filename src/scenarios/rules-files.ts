import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { formatRulesProblem, loadRules, type RulesLoadResult } from './rule-packs.js';

/** Reads the rules files (*.yaml, *.yml) of folders or single files, in order, each folder's files sorted by name. */
export function readRulesFiles(paths: readonly string[]): Array<{ name: string; text: string }> {
  const files: Array<{ name: string; text: string }> = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new Error(`rules: no such file or folder ${path}`);
    const names = statSync(path).isDirectory()
      ? readdirSync(path)
          .filter((f) => /\.ya?ml$/.test(f))
          .sort()
          .map((f) => join(path, f))
      : [path];
    for (const name of names) files.push({ name, text: readFileSync(name, 'utf8') });
  }
  return files;
}

/** Loads the bundled rules and an organisation's; throws one error listing every problem, so a server refuses to start on bad rules. */
export function loadRulesFolders(paths: readonly string[]): Extract<RulesLoadResult, { ok: true }>['registry'] {
  const result = loadRules(readRulesFiles(paths));
  if (!result.ok) throw new Error(`rules: ${result.problems.length} problem(s) in the rules files:\n${result.problems.map(formatRulesProblem).join('\n')}`);
  return result.registry;
}
