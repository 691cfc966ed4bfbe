import { isNode, LineCounter, parseDocument, type Node } from 'yaml';
import { z } from 'zod';
import { DurationSchema, IdSchema, TextSchema } from '../contracts/common.schema.js';
import { PartyKindSchema, ReportContentFieldSchema, ReportKindSchema } from '../contracts/scenario.schema.js';

/**
 * Eras and reporting rule packs as data (rules/*.yaml, plus an organisation's own folder): who the
 * specialised unit and the national monitoring centre are in each era, and the reporting rules with
 * the legal basis of each. Pure: the caller reads the files. docs/rule-packs.md describes the format.
 */

const DateSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date such as "2026-07-01" (quote it)');

export const EraDefinitionSchema = z
  .object({
    id: IdSchema.meta({ description: 'Era id as scenarios and exercises name it ("pre-2025", "2025"; quote numbers).' }),
    name: TextSchema.meta({ description: 'How the console names the era.' }),
    from: DateSchema.optional().meta({ description: 'First day of the era.' }),
    until: DateSchema.optional().meta({ description: 'Last day of the era.' }),
    partyNames: z
      .partialRecord(PartyKindSchema, TextSchema)
      .default({})
      .meta({ description: 'The name of a party of this kind in the era (e.g. national-monitoring → Trung tâm An ninh mạng quốc gia).' }),
    legalBasis: TextSchema.meta({ description: 'The text that makes the era what it is.' }),
  })
  .strict();
export type EraDefinition = z.output<typeof EraDefinitionSchema>;

export const ReportingRuleSchema = z
  .object({
    id: IdSchema.meta({ description: 'Rule id, unique in its pack.' }),
    kind: ReportKindSchema,
    recipients: z.array(PartyKindSchema).min(1).max(10).meta({ description: 'The kinds of party the report must reach.' }),
    deadline: DurationSchema.optional().meta({ description: 'Real-time deadline after detection ("5d"; 0 = at once); none: as the situation requires.' }),
    requiredContent: z.array(ReportContentFieldSchema).default([]).meta({ description: 'Parts of the report the law requires.' }),
    legalBasis: TextSchema.meta({ description: 'The article(s) of law behind the rule.' }),
  })
  .strict();

export const RulePackSchema = z
  .object({
    id: IdSchema.meta({ description: 'Pack id, unique across every loaded file.' }),
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as "1.0.0"'),
    title: TextSchema,
    eras: z.array(IdSchema).min(1).meta({ description: 'The eras the pack applies in (ids from any loaded file).' }),
    effectiveFrom: DateSchema.meta({ description: 'When the legal texts took effect.' }),
    effectiveUntil: DateSchema.optional(),
    rules: z.array(ReportingRuleSchema).min(1).max(100),
  })
  .strict();
export type RulePack = z.output<typeof RulePackSchema>;

export const RulesFileSchema = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    eras: z.array(EraDefinitionSchema).max(50).default([]),
    packs: z.array(RulePackSchema).max(50).default([]),
  })
  .strict()
  .meta({ title: 'SOC Drill rules file', description: 'Eras and reporting rule packs.' });

export interface RulesProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly code: 'RULES_SYNTAX' | 'RULES_INVALID' | 'RULES_DUPLICATE_ID' | 'RULES_UNKNOWN_ERA' | 'RULES_INVALID_PERIOD';
  readonly message: string;
}

export interface RulesRegistry {
  readonly eras: readonly EraDefinition[];
  readonly packs: readonly RulePack[];
}

export type RulesLoadResult = { readonly ok: true; readonly registry: RulesRegistry } | { readonly ok: false; readonly problems: readonly RulesProblem[] };

/** Loads every file (bundled first, then the organisation's) into one registry; any problem refuses them all. */
export function loadRules(files: ReadonlyArray<{ readonly name: string; readonly text: string }>): RulesLoadResult {
  const problems: RulesProblem[] = [];
  const eras: Array<EraDefinition & { at: () => Pick<RulesProblem, 'file' | 'line' | 'column' | 'path'> }> = [];
  const packs: Array<RulePack & { at: (suffix: Array<string | number>) => Pick<RulesProblem, 'file' | 'line' | 'column' | 'path'> }> = [];
  for (const file of files) {
    const counter = new LineCounter();
    const doc = parseDocument(file.text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
    const where = (path: Array<string | number>) => {
      const node = path.length === 0 ? doc.contents : doc.getIn(path, true);
      const offset = isNode(node) ? ((node as Node).range?.[0] ?? 0) : 0;
      const pos = counter.linePos(offset);
      return { file: file.name, line: pos.line, column: pos.col, path: path.join('.') };
    };
    if (doc.errors.length > 0) {
      const error = doc.errors[0]!;
      const pos = counter.linePos(error.pos[0]);
      problems.push({ file: file.name, line: pos.line, column: pos.col, path: '', code: 'RULES_SYNTAX', message: error.message.split('\n')[0]! });
      continue;
    }
    const parsed = RulesFileSchema.safeParse(doc.toJS());
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        // Unquoted years ("2026") and versions read as numbers: say so, as the scenario validator does.
        const hint = issue.code === 'invalid_type' && issue.expected === 'string' && typeof getPath(doc.toJS(), path) === 'number' ? ' — quote it: YAML reads unquoted digits as a number' : '';
        problems.push({ ...where(path), code: 'RULES_INVALID', message: `${issue.message}${hint}` });
      }
      continue;
    }
    parsed.data.eras.forEach((era, i) => eras.push({ ...era, at: () => where(['eras', i, 'id']) }));
    parsed.data.packs.forEach((pack, i) => packs.push({ ...pack, at: (suffix) => where(['packs', i, ...suffix]) }));
  }
  const seenEras = new Map<string, string>();
  for (const era of eras) {
    const at = era.at();
    if (seenEras.has(era.id)) problems.push({ ...at, code: 'RULES_DUPLICATE_ID', message: `era "${era.id}" is already defined in ${seenEras.get(era.id)}` });
    else seenEras.set(era.id, `${at.file}:${at.line}`);
    if (era.from !== undefined && era.until !== undefined && era.until < era.from) {
      problems.push({ ...at, code: 'RULES_INVALID_PERIOD', message: `era "${era.id}" ends (${era.until}) before it starts (${era.from})` });
    }
  }
  const seenPacks = new Map<string, string>();
  for (const pack of packs) {
    const at = pack.at(['id']);
    if (seenPacks.has(pack.id)) problems.push({ ...at, code: 'RULES_DUPLICATE_ID', message: `rule pack "${pack.id}" is already defined in ${seenPacks.get(pack.id)}: give a new pack a new id` });
    else seenPacks.set(pack.id, `${at.file}:${at.line}`);
    pack.eras.forEach((id, j) => {
      if (!seenEras.has(id)) problems.push({ ...pack.at(['eras', j]), code: 'RULES_UNKNOWN_ERA', message: `unknown era "${id}" (eras: ${[...seenEras.keys()].join(', ')})` });
    });
    const ruleIds = new Set<string>();
    pack.rules.forEach((rule, j) => {
      if (ruleIds.has(rule.id)) problems.push({ ...pack.at(['rules', j, 'id']), code: 'RULES_DUPLICATE_ID', message: `rule "${rule.id}" appears twice in pack "${pack.id}"` });
      ruleIds.add(rule.id);
    });
    if (pack.effectiveUntil !== undefined && pack.effectiveUntil < pack.effectiveFrom) {
      problems.push({ ...pack.at(['effectiveUntil']), code: 'RULES_INVALID_PERIOD', message: `pack "${pack.id}" ends (${pack.effectiveUntil}) before it takes effect (${pack.effectiveFrom})` });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, registry: { eras: eras.map(({ at: _at, ...era }) => era), packs: packs.map(({ at: _at, ...pack }) => pack) } };
}

function getPath(value: unknown, path: ReadonlyArray<string | number>): unknown {
  let current = value;
  for (const key of path) current = current !== null && typeof current === 'object' ? (current as Record<string | number, unknown>)[key] : undefined;
  return current;
}

/** "rules/x.yaml:12:5 packs.0.eras.1 RULES_UNKNOWN_ERA unknown era …": one line per problem, for logs and the CLI. */
export function formatRulesProblem(problem: RulesProblem): string {
  return `${problem.file}:${problem.line}:${problem.column}  ${problem.path ? `${problem.path}  ` : ''}${problem.message} [${problem.code}]`;
}
