import { z } from 'zod';

/**
 * The Sigma detection rule schema (Sigma specification v2.0.0, `sigma-detection-rule-schema.json`)
 * written as zod, so the product validates at run time without a JSON-Schema engine; the spec
 * `sigma-rule.schema.spec.ts` checks that this and the upstream JSON schema agree.
 */

// The `uuid` format as JSON-Schema validators define it (any version, optional urn prefix).
const UUID_PATTERN = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const DATE_PATTERN = /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$/;
const TAG_PATTERN = /^[a-z0-9_-]+\.[a-z0-9._-]+$/;

export const SIGMA_LEVELS = ['informational', 'low', 'medium', 'high', 'critical'] as const;
export const SIGMA_STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'] as const;
export const SIGMA_RELATION_TYPES = ['derived', 'obsolete', 'merged', 'renamed', 'similar'] as const;

function uniqueArray<T extends z.ZodType>(item: T) {
  return z.array(item).refine((items) => new Set(items.map((i) => JSON.stringify(i))).size === items.length, {
    message: 'items must be unique',
  });
}

const PlainObject = z.custom<Record<string, unknown>>((value) => typeof value === 'object' && value !== null && !Array.isArray(value), {
  message: 'expected a map',
});

/** A search identifier: a list (of strings, integers or maps) or a map. */
export const SearchIdentifierSchema = z.union([z.array(z.union([z.string(), z.int(), PlainObject])), PlainObject]);

export const SigmaLogsourceSchema = z.looseObject({
  category: z.string().optional(),
  product: z.string().optional(),
  service: z.string().optional(),
  definition: z.string().optional(),
});

export const SigmaDetectionSchema = z.looseObject({ condition: z.string() }).superRefine((detection, ctx) => {
  for (const [name, value] of Object.entries(detection)) {
    if (name === 'condition') continue;
    const parsed = SearchIdentifierSchema.safeParse(value);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', path: [name], message: 'a search identifier must be a list (of strings, integers or maps) or a map' });
    }
  }
});

export const SigmaRuleSchema = z.looseObject({
  title: z.string().max(256),
  id: z.string().regex(UUID_PATTERN, 'must be a UUID').optional(),
  related: z.array(z.looseObject({ id: z.string().regex(UUID_PATTERN, 'must be a UUID'), type: z.enum(SIGMA_RELATION_TYPES) })).optional(),
  name: z.string().max(256).optional(),
  taxonomy: z.string().max(256).optional(),
  status: z.enum(SIGMA_STATUSES).optional(),
  description: z.string().max(65535).optional(),
  license: z.string().optional(),
  author: z.string().optional(),
  references: uniqueArray(z.string()).optional(),
  date: z.string().regex(DATE_PATTERN, 'must be a date YYYY-MM-DD').optional(),
  modified: z.string().regex(DATE_PATTERN, 'must be a date YYYY-MM-DD').optional(),
  logsource: SigmaLogsourceSchema,
  detection: SigmaDetectionSchema,
  fields: uniqueArray(z.string()).optional(),
  falsepositives: uniqueArray(z.string().min(2)).optional(),
  level: z.enum(SIGMA_LEVELS).optional(),
  tags: uniqueArray(z.string().regex(TAG_PATTERN, 'must be namespace.value in lower case')).optional(),
  scope: z.array(z.string().min(2)).optional(),
});

export type SigmaRuleDocument = z.infer<typeof SigmaRuleSchema>;
export type SigmaLevel = (typeof SIGMA_LEVELS)[number];
