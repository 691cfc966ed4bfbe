import { z } from 'zod';

/**
 * A team's score with its full breakdown (see docs/scoring.md). Everything here is derived by the
 * pure scorer (src/scoring/score.ts) from the scenario's answer key, what the team was shown and
 * what it did; nothing is stored on its own.
 */

export const SCORE_COMPONENTS = ['detection', 'response', 'coordination', 'incident'] as const;
export const ScoreComponentIdSchema = z.enum(SCORE_COMPONENTS).meta({
  description: 'detection (phát hiện, phân loại), response (ứng phó), coordination (phối hợp, báo cáo), incident (xử lý sự cố).',
});
export type ScoreComponentId = z.infer<typeof ScoreComponentIdSchema>;

export const LINE_ITEM_STATUSES = ['earned', 'partial', 'missed', 'late', 'penalty', 'not-applicable', 'bonus', 'adjustment', 'info'] as const;
export const LineItemStatusSchema = z.enum(LINE_ITEM_STATUSES);
export type LineItemStatus = z.infer<typeof LineItemStatusSchema>;

export const EvidenceSchema = z
  .object({
    actionIds: z.array(z.string()),
    alertIds: z.array(z.string()),
    userIds: z.array(z.string()),
    /** Named virtual times (ms) the item was judged on, e.g. { delivered, taken, windowStart, deadline }. */
    times: z.record(z.string(), z.number().int()),
  })
  .strict();
export type Evidence = z.infer<typeof EvidenceSchema>;

export const LineItemSchema = z
  .object({
    /** Stable within one score: `<kind>:<subject>`. */
    id: z.string(),
    component: ScoreComponentIdSchema,
    /** Sub-part of the component (e.g. routing / reporting / legal-class within coordination). */
    part: z.string(),
    /** What was judged: alert-verdict, alert-severity, response, harmful, routing, report, legal-class, incident-grouping, ... */
    kind: z.string(),
    /** Answer-key id of what was judged (alert, expected response, obligation, incident, hint, ...). */
    subject: z.string(),
    status: LineItemStatusSchema,
    /** Points gained (positive) or lost (negative) in final score units, rounded to 0.01. */
    points: z.number(),
    /** Points available for this item in final units (0 for penalties and not-applicable items). */
    maxPoints: z.number(),
    /** Stable machine code of the verdict on the item, for localisation (e.g. RESPONSE_LATE). */
    code: z.string(),
    /** One English sentence for the after-action review; the console may localise from code + evidence. */
    note: z.string(),
    evidence: EvidenceSchema,
  })
  .strict();
export type LineItem = z.infer<typeof LineItemSchema>;

export const ComponentPartSchema = z
  .object({
    id: z.string(),
    applicable: z.boolean(),
    /** Share of the component's effective weight after not-applicable parts were redistributed. */
    weight: z.number(),
    earned: z.number(),
    max: z.number(),
    /** Ratio earned/max in [0, 1] before unscaled penalties; null when not applicable. */
    ratio: z.number().nullable(),
    reason: z.string().optional(),
  })
  .strict();

export const ComponentScoreSchema = z
  .object({
    id: ScoreComponentIdSchema,
    /** Weight declared by the scenario. */
    weight: z.number().int(),
    /** Weight after not-applicable components were redistributed (integers summing to maxScore). */
    effectiveWeight: z.number().int(),
    applicable: z.boolean(),
    notApplicableReason: z.string().optional(),
    score: z.number(),
    /** Sum of item points before clamping to [0, effectiveWeight]. */
    unclamped: z.number(),
    parts: z.array(ComponentPartSchema),
    items: z.array(LineItemSchema),
  })
  .strict();
export type ComponentScore = z.infer<typeof ComponentScoreSchema>;

export const BreakdownRowSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    alerts: z.number().int(),
    truePositives: z.number().int(),
    detected: z.number().int(),
    missed: z.number().int(),
    falsePositivesRaised: z.number().int(),
    /** Detection points gained in this slice (final units) and what was available. */
    points: z.number(),
    maxPoints: z.number(),
    ratio: z.number().nullable(),
  })
  .strict();
export type BreakdownRow = z.infer<typeof BreakdownRowSchema>;

export const ScoreMetricsSchema = z
  .object({
    alertsDelivered: z.number().int(),
    alertsAcknowledged: z.number().int(),
    meanTimeToAcknowledgeMs: z.number().nullable(),
    meanTimeToVerdictMs: z.number().nullable(),
    meanTimeToContainMs: z.number().nullable(),
    truePositivesDelivered: z.number().int(),
    truePositivesDetected: z.number().int(),
    /** Detected true positives / delivered true positives; null when none was delivered. */
    detectionRate: z.number().nullable(),
    /** Share of the team's true-positive verdicts that were wrong; null when it gave none. */
    falsePositiveRate: z.number().nullable(),
    reportsDue: z.number().int(),
    reportsOnTime: z.number().int(),
    responsesDue: z.number().int(),
    responsesInWindow: z.number().int(),
    harmfulActions: z.number().int(),
    hintsUsed: z.number().int(),
  })
  .strict();
export type ScoreMetrics = z.infer<typeof ScoreMetricsSchema>;

export const MemberContributionSchema = z
  .object({
    userId: z.string(),
    actions: z.number().int(),
    actionsByType: z.record(z.string(), z.number().int()),
    /** Points of line items traced to this member (shared equally when several acted); never replaces the team score. */
    pointsGained: z.number(),
    pointsLost: z.number(),
  })
  .strict();
export type MemberContribution = z.infer<typeof MemberContributionSchema>;

export const ManualAdjustmentSchema = z
  .object({
    id: z.string().min(1).max(120),
    component: ScoreComponentIdSchema,
    points: z.number().min(-1000).max(1000),
    reason: z.string().trim().min(3).max(2_000),
    by: z.string().min(1).max(120),
  })
  .strict()
  .meta({ id: 'ManualAdjustment', description: 'A judge\'s adjustment (cộng/trừ điểm thủ công) with its reason; applied before clamping.' });
export type ManualAdjustment = z.infer<typeof ManualAdjustmentSchema>;

export const TeamScoreSchema = z
  .object({
    scenarioId: z.string(),
    scenarioVersion: z.string(),
    teamId: z.string().nullable(),
    seed: z.string().nullable(),
    /** Virtual time (ms) the score was computed at (the exercise end for a final score). */
    endMs: z.number().int(),
    maxScore: z.number().int(),
    total: z.number(),
    /** total / maxScore, in [0, 1] (chỉ số). */
    index: z.number(),
    components: z
      .object({
        detection: ComponentScoreSchema,
        response: ComponentScoreSchema,
        coordination: ComponentScoreSchema,
        incident: ComponentScoreSchema,
      })
      .strict(),
    breakdowns: z
      .object({ layers: z.array(BreakdownRowSchema), phases: z.array(BreakdownRowSchema), techniques: z.array(BreakdownRowSchema) })
      .strict(),
    metrics: ScoreMetricsSchema,
    members: z.array(MemberContributionSchema),
    /** Latest virtual time (ms) of an action that earned points; earlier wins a tie. Null when none. */
    lastScoringActionMs: z.number().int().nullable(),
  })
  .strict()
  .meta({ id: 'TeamScore' });
export type TeamScore = z.infer<typeof TeamScoreSchema>;

export const RankedTeamSchema = z
  .object({
    rank: z.number().int().min(1),
    teamId: z.string().nullable(),
    total: z.number(),
    index: z.number(),
    components: z.object({ detection: z.number(), response: z.number(), coordination: z.number(), incident: z.number() }).strict(),
    lastScoringActionMs: z.number().int().nullable(),
  })
  .strict()
  .meta({ id: 'RankedTeam' });
export type RankedTeam = z.infer<typeof RankedTeamSchema>;
