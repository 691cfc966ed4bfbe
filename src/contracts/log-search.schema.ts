import { z } from 'zod';
import { RawEventViewSchema } from './raw-event.schema.js';
import { ObservableTypeSchema } from './scenario.schema.js';

/** Searching a team's raw logs (Tra cứu nhật ký), its pivots and the saved queries. */

const VirtualMsSchema = z.coerce
  .number()
  .int()
  .min(0)
  .max(366 * 86_400_000);

export const LogSearchBodySchema = z
  .object({
    teamId: z.string().min(1).max(64).optional().meta({ description: "Staff: the team whose logs to search (trainees always search their own team's)." }),
    query: z.string().max(2_000).default('').meta({
      description: 'Lucene/KQL-style query: field:value, "phrase", wildcards * ?, [a TO b], :>=, /regex/, AND OR NOT -, parentheses; empty = everything.',
    }),
    fromMs: VirtualMsSchema.optional().meta({ description: 'Virtual time range start (ms from T+0), default 0.' }),
    toMs: VirtualMsSchema.optional().meta({ description: "Virtual time range end (ms, inclusive), default and at most the team's present." }),
    limit: z.coerce.number().int().min(1).max(500).default(100).meta({ description: 'Events per page (newest first).' }),
    offset: z.coerce.number().int().min(0).max(10_000).default(0).meta({ description: 'Events to skip (paging).' }),
    buckets: z.coerce.number().int().min(0).max(240).default(60).meta({ description: 'Histogram bars over the range (0: no histogram).' }),
  })
  .strict()
  .meta({ id: 'LogSearchBody' });
export type LogSearchBody = z.infer<typeof LogSearchBodySchema>;

export const LogSearchResultSchema = z
  .object({
    teamId: z.string(),
    /** The team's present: nothing after it is ever returned. */
    nowMs: z.number().int().meta({ description: "The team's present in virtual ms: nothing later is ever returned." }),
    total: z.number().int().meta({ description: 'Events matching in the range.' }),
    fromMs: z.number().int(),
    toMs: z.number().int(),
    hits: z.array(RawEventViewSchema),
    histogram: z.object({ fromMs: z.number().int(), bucketMs: z.number().int(), counts: z.array(z.number().int()) }),
    fields: z.array(z.string()).meta({ description: 'Field names of the events returned, for choosing columns.' }),
    tookMs: z.number().meta({ description: 'Server time spent on the search.' }),
  })
  .meta({ id: 'LogSearchResult' });
export type LogSearchResult = z.infer<typeof LogSearchResultSchema>;

export const LogPivotQuerySchema = z
  .object({
    teamId: z.string().min(1).max(64).optional().meta({ description: 'Staff: the team (trainees: their own).' }),
    type: ObservableTypeSchema,
    value: z.string().min(1).max(2_000).meta({ description: 'The indicator (an IP, a domain, a URL, a hash, an account, a host, a file path).' }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()
  .meta({ id: 'LogPivotQuery' });
export type LogPivotQuery = z.infer<typeof LogPivotQuerySchema>;

export const LogPivotResultSchema = z
  .object({
    query: z.string().meta({ description: 'The search that finds the events (open it in the search to refine).' }),
    events: LogSearchResultSchema,
    alerts: z
      .array(z.object({ ref: z.string(), virtualMs: z.number().int(), title: z.object({ vi: z.string(), en: z.string() }), asset: z.string().optional() }))
      .meta({ description: 'Alerts delivered to the team that carry the indicator (observables, fields or raw text).' }),
    incidents: z.array(z.object({ id: z.string(), title: z.string() })).meta({ description: "The team's incidents that list it as an IOC." }),
  })
  .meta({ id: 'LogPivotResult' });
export type LogPivotResult = z.infer<typeof LogPivotResultSchema>;

export const AlertContextQuerySchema = z
  .object({
    teamId: z.string().min(1).max(64).optional(),
    windowMs: z.coerce
      .number()
      .int()
      .min(1_000)
      .max(6 * 3_600_000)
      .default(900_000)
      .meta({ description: "Events this long before and after the alert's time (default 15 min; never past the team's present)." }),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict()
  .meta({ id: 'AlertContextQuery' });
export type AlertContextQuery = z.infer<typeof AlertContextQuerySchema>;

export const AlertContextResultSchema = z
  .object({
    query: z.string().meta({ description: 'The search that finds the events (the host of the alert).' }),
    alertVirtualMs: z.number().int(),
    events: LogSearchResultSchema,
  })
  .meta({ id: 'AlertContextResult' });
export type AlertContextResult = z.infer<typeof AlertContextResultSchema>;

export const SavedLogQueryBodySchema = z
  .object({
    name: z.string().trim().min(1).max(120).meta({ description: 'A name the user recognises.' }),
    query: z.string().max(2_000).meta({ description: 'The query text.' }),
    columns: z.array(z.string().min(1).max(200)).max(30).default([]).meta({ description: 'Field columns shown with the results.' }),
  })
  .strict()
  .meta({ id: 'SavedLogQueryBody' });
export type SavedLogQueryBody = z.infer<typeof SavedLogQueryBodySchema>;

export const SavedLogQuerySchema = z
  .object({ id: z.string(), name: z.string(), query: z.string(), columns: z.array(z.string()), createdAt: z.string() })
  .meta({ id: 'SavedLogQuery' });
export type SavedLogQuery = z.infer<typeof SavedLogQuerySchema>;
