import { parseAllDocuments } from 'yaml';
import { type ConditionNode, evaluateCondition, parseCondition } from './sigma-condition.js';
import { SigmaError, unsupported } from './sigma-error.js';
import { KNOWN_CATEGORIES, KNOWN_SERVICES, logsourceCovers, type SigmaEvent, type SigmaLogsource } from './sigma-event.js';
import { type SigmaLevel, SigmaRuleSchema } from './sigma-rule.schema.js';
import { compileFieldEntry, compileKeywords, type FieldTest, type KeywordTest } from './sigma-value.js';

/** A Sigma rule compiled to a matcher, with what must be shown next to a match (DRL-1.1: the author). */
export interface CompiledSigmaRule {
  readonly id: string | null;
  readonly title: string;
  readonly level: SigmaLevel | null;
  /** DRL-1.1 requires the author wherever a match is shown. */
  readonly author: string | null;
  readonly logsource: SigmaLogsource;
  /** Rule-level notes that do not stop evaluation, e.g. a log source no event shape maps to. */
  readonly warnings: readonly string[];
  matches(event: SigmaEvent): boolean;
}

type SearchTest = (event: SigmaEvent) => boolean;

const MAX_RULE_BYTES = 1024 * 1024;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A map: every entry must hold (AND). A `|all`-style key without a field name is a keyword entry. */
function compileMap(name: string, map: Record<string, unknown>): SearchTest {
  const entries = Object.entries(map);
  if (entries.length === 0) throw new SigmaError('SIGMA_INVALID_DETECTION', `search identifier "${name}" is an empty map`);
  const tests: SearchTest[] = entries.map(([key, value]) => {
    if (key.startsWith('|') || key === '') {
      const keywords: KeywordTest = compileKeywords(key, value);
      return (event) => keywords(event.strings());
    }
    const entry: { field: string; test: FieldTest } = compileFieldEntry(key, value);
    return (event) => entry.test(event.lookup(entry.field));
  });
  return (event) => tests.every((test) => test(event));
}

/** A search identifier: a map, a list of maps (OR), or a list of keywords (OR). */
function compileSearch(name: string, value: unknown): SearchTest {
  if (isObject(value)) return compileMap(name, value);
  if (!Array.isArray(value)) throw new SigmaError('SIGMA_INVALID_DETECTION', `search identifier "${name}" must be a map or a list`);
  if (value.length === 0) throw new SigmaError('SIGMA_INVALID_DETECTION', `search identifier "${name}" is an empty list`);
  const maps = value.filter(isObject);
  if (maps.length === value.length) {
    const tests = maps.map((map) => compileMap(name, map));
    return (event) => tests.some((test) => test(event));
  }
  if (maps.length > 0) throw new SigmaError('SIGMA_INVALID_DETECTION', `search identifier "${name}" mixes maps and keywords in one list`);
  const keywords = compileKeywords('', value);
  return (event) => keywords(event.strings());
}

/** Top-level forms of Sigma documents other than a single detection rule, each refused by name. */
function refuseOtherDocumentKinds(document: Record<string, unknown>): void {
  if ('correlation' in document) throw unsupported('correlation rules', 'are not supported: only single-event detection rules are evaluated');
  if ('filter' in document && !('detection' in document)) throw unsupported('Sigma filters (meta filters)', 'are not supported');
  if ('action' in document) throw unsupported(`rule collections (action: ${String(document['action'])})`, 'are not supported: give each rule as its own file');
  const detection = document['detection'];
  if (isObject(detection)) {
    if (Array.isArray(detection['condition'])) throw unsupported('condition lists', 'are Sigma 1 syntax that this evaluator does not implement');
    if ('timeframe' in detection) throw unsupported('detection timeframe', 'belongs to aggregations, which this evaluator does not implement');
  }
}

function schemaProblem(issues: readonly { path: readonly PropertyKey[]; message: string }[]): SigmaError {
  const first = issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(rule)'}: ${issue.message}`)
    .join('; ');
  return new SigmaError('SIGMA_INVALID_RULE', `the rule does not follow the Sigma rule schema — ${first}`);
}

/** Parses and compiles one Sigma rule file (YAML text). Throws SigmaError with a SIGMA_* code. */
export function compileSigmaRule(text: string): CompiledSigmaRule {
  if (text.length > MAX_RULE_BYTES) throw new SigmaError('SIGMA_SYNTAX', `a rule file is limited to ${MAX_RULE_BYTES} bytes`);
  const documents = parseAllDocuments(text);
  if (!Array.isArray(documents)) throw new SigmaError('SIGMA_SYNTAX', 'the file is not YAML');
  const nonEmpty = documents.filter((document) => document.contents !== null);
  if (nonEmpty.length > 1) throw unsupported('multi-document rule files', 'are not supported: give each rule as its own file');
  const document = nonEmpty[0];
  if (!document) throw new SigmaError('SIGMA_SYNTAX', 'the file holds no YAML document');
  const error = document.errors[0];
  if (error) throw new SigmaError('SIGMA_SYNTAX', `YAML: ${error.message.split('\n')[0]}`);
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  if (!isObject(value)) throw new SigmaError('SIGMA_INVALID_RULE', 'a Sigma rule is a YAML map');
  refuseOtherDocumentKinds(value);
  const parsed = SigmaRuleSchema.safeParse(value);
  if (!parsed.success) throw schemaProblem(parsed.error.issues);
  const rule = parsed.data;

  const { condition, ...searches } = rule.detection;
  const names = Object.keys(searches);
  const tests = new Map<string, SearchTest>(names.map((name) => [name, compileSearch(name, searches[name])]));
  const tree: ConditionNode = parseCondition(condition, names);

  const logsource: SigmaLogsource = { category: rule.logsource.category, product: rule.logsource.product, service: rule.logsource.service };
  const warnings: string[] = [];
  if (logsource.category !== undefined && !KNOWN_CATEGORIES.has(logsource.category)) {
    warnings.push(`log source category "${logsource.category}" is given to no event by the supported event shapes: the rule will match no event`);
  }
  if (logsource.service !== undefined && !KNOWN_SERVICES.has(logsource.service)) {
    warnings.push(`log source service "${logsource.service}" is given to no event by the supported event shapes: the rule will match no event`);
  }

  return {
    id: rule.id ?? null,
    title: rule.title,
    level: rule.level ?? null,
    author: rule.author ?? null,
    logsource,
    warnings,
    matches(event) {
      if (!logsourceCovers(logsource, event)) return false;
      const cache = new Map<string, boolean>();
      return evaluateCondition(tree, (name) => {
        let result = cache.get(name);
        if (result === undefined) {
          result = tests.get(name)!(event);
          cache.set(name, result);
        }
        return result;
      });
    },
  };
}
