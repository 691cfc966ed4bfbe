import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseNdjson } from './sigma-engine.js';
import { SigmaError } from './sigma-error.js';
import { compileSigmaRule, type CompiledSigmaRule } from './sigma-rule.js';

/** The file-system side of the Sigma module: the rest of src/sigma stays free of Node imports. */

const RULE_EXTENSIONS = new Set(['.yml', '.yaml']);

export interface LoadedRule {
  readonly file: string;
  readonly rule: CompiledSigmaRule;
}

export interface RuleLoadProblem {
  readonly file: string;
  readonly error: SigmaError;
}

function collectRuleFiles(target: string, into: string[]): void {
  const stats = statSync(target);
  if (!stats.isDirectory()) {
    into.push(target);
    return;
  }
  for (const entry of readdirSync(target).sort()) {
    const child = join(target, entry);
    if (statSync(child).isDirectory()) collectRuleFiles(child, into);
    else if (RULE_EXTENSIONS.has(extname(entry))) into.push(child);
  }
}

/** Loads rule files and folders (recursively, *.yml and *.yaml); each refusal is reported with its file. */
export function loadSigmaRules(targets: readonly string[]): { rules: LoadedRule[]; problems: RuleLoadProblem[] } {
  const rules: LoadedRule[] = [];
  const problems: RuleLoadProblem[] = [];
  for (const target of targets) {
    const files: string[] = [];
    try {
      collectRuleFiles(target, files);
    } catch {
      problems.push({ file: target, error: new SigmaError('SIGMA_NOT_FOUND', 'no such file or folder') });
      continue;
    }
    for (const file of files) {
      try {
        rules.push({ file, rule: compileSigmaRule(readFileSync(file, 'utf8')) });
      } catch (error) {
        if (!(error instanceof SigmaError)) throw error;
        problems.push({ file, error });
      }
    }
  }
  return { rules, problems };
}

export function readNdjsonEvents(file: string): Record<string, unknown>[] {
  return parseNdjson(readFileSync(file, 'utf8'));
}
