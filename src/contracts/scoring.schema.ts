import { z } from 'zod';
import { LanguageSchema } from './common.schema.js';

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

/** Detection figures of one slice of the alerts (a layer, a phase, a technique); shared with the results API. */
export const DetectionFiguresShape = {
  alerts: z.number().int(),
  truePositives: z.number().int(),
  detected: z.number().int(),
  missed: z.number().int(),
  falsePositivesRaised: z.number().int(),
  /** Detection points gained in this slice (final units) and what was available. */
  points: z.number(),
  maxPoints: z.number(),
};

export const BreakdownRowSchema = z
  .object({
    key: z.string(),
    label: z.string(),
    ...DetectionFiguresShape,
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
  .meta({ id: 'ManualAdjustment', description: "A judge's adjustment (cộng/trừ điểm thủ công) with its reason; applied before clamping." });
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
    breakdowns: z.object({ layers: z.array(BreakdownRowSchema), phases: z.array(BreakdownRowSchema), techniques: z.array(BreakdownRowSchema) }).strict(),
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

// ---------------------------------------------------------------------------------------------
// Scores of a running or finished exercise (live scoreboard, stored final scores, re-scoring,
// manual adjustments, after-action review). Served by src/scoring/scoring.controller.ts.
// ---------------------------------------------------------------------------------------------

const ScoreVisibilityValues = ['none', 'own', 'rank', 'full'] as const;
const ExerciseStatusValues = ['draft', 'running', 'paused', 'finished', 'aborted'] as const;
const Bilingual = z.object({ vi: z.string(), en: z.string() }).strict();

export const ComponentTotalsSchema = z.object({ detection: z.number(), response: z.number(), coordination: z.number(), incident: z.number() }).strict();
export type ComponentTotals = z.infer<typeof ComponentTotalsSchema>;

export const ScoreboardRowSchema = z
  .object({
    rank: z.number().int().min(1),
    teamId: z.string(),
    teamName: z.string(),
    total: z.number(),
    index: z.number(),
    components: ComponentTotalsSchema,
    /** Sum of the team's manual adjustments (already inside the total). */
    adjustments: z.number(),
    lastScoringActionMs: z.number().int().nullable(),
  })
  .strict()
  .meta({ id: 'ScoreboardRow' });
export type ScoreboardRow = z.infer<typeof ScoreboardRowSchema>;

export const ScoreboardOwnSchema = z
  .object({
    teamId: z.string(),
    teamName: z.string(),
    /** Null when the visibility does not show it (own: no rank; rank: no points). */
    rank: z.number().int().nullable(),
    total: z.number().nullable(),
    index: z.number().nullable(),
    components: ComponentTotalsSchema.nullable(),
  })
  .strict();

export const ScoreboardViewSchema = z
  .object({
    exerciseId: z.string(),
    status: z.enum(ExerciseStatusValues),
    /** Who this view was cut for: instructors see everything live; trainees what the visibility allows. */
    audience: z.enum(['instructor', 'trainee']),
    visibility: z.enum(ScoreVisibilityValues),
    frozen: z.boolean(),
    frozenAt: z.string().nullable(),
    /** 'live': computed from the logs; 'final': the stored current final scores; 'frozen': the board as it was at the freeze. */
    source: z.enum(['live', 'final', 'frozen']),
    computedAt: z.string(),
    teamCount: z.number().int(),
    /** Instructors and visibility 'full': every team's totals in rank order; otherwise empty. */
    rows: z.array(ScoreboardRowSchema),
    /** A trainee's own team as the visibility allows; null for instructors and visibility 'none'. */
    own: ScoreboardOwnSchema.nullable(),
  })
  .strict()
  .meta({ id: 'ScoreboardView' });
export type ScoreboardView = z.infer<typeof ScoreboardViewSchema>;

export const ScoreboardControlSchema = z
  .object({ visibility: z.enum(ScoreVisibilityValues).optional(), frozen: z.boolean().optional() })
  .strict()
  .refine((v) => v.visibility !== undefined || v.frozen !== undefined, { message: 'give visibility and/or frozen' })
  .meta({ id: 'ScoreboardControl', description: 'Change what trainees see (visibility) and freeze/unfreeze their board; instructors always see live.' });
export type ScoreboardControl = z.infer<typeof ScoreboardControlSchema>;

export const ExerciseTeamScoreSchema = z
  .object({ teamId: z.string(), teamName: z.string(), memberIds: z.array(z.string()), score: TeamScoreSchema, rank: z.number().int() })
  .strict()
  .meta({ id: 'ExerciseTeamScore' });

export const ExerciseScoresSchema = z
  .object({
    exerciseId: z.string(),
    scenarioId: z.string(),
    scenarioVersionId: z.string(),
    status: z.enum(ExerciseStatusValues),
    computedAt: z.string(),
    teams: z.array(ExerciseTeamScoreSchema),
  })
  .strict()
  .meta({ id: 'ExerciseScores' });

export const ScoreDetailQuerySchema = z.object({ detail: z.enum(['full', 'totals']).default('full') }).strict();

export const RescoreSchema = z
  .object({
    scenarioVersionId: z.uuid().meta({ description: 'The corrected version of the SAME scenario id whose answer key to score against.' }),
    reason: z.string().trim().min(3).max(2_000),
  })
  .strict()
  .meta({ id: 'Rescore' });
export type RescoreInput = z.infer<typeof RescoreSchema>;

export const AdjustmentInputSchema = z
  .object({
    component: ScoreComponentIdSchema,
    points: z
      .number()
      .min(-1000)
      .max(1000)
      .refine((p) => p !== 0, { message: 'must not be 0' }),
    reason: z.string().trim().min(3).max(2_000),
  })
  .strict()
  .meta({ id: 'AdjustmentInput' });
export type AdjustmentInput = z.infer<typeof AdjustmentInputSchema>;

export const ScoreAdjustmentSchema = z
  .object({
    id: z.string(),
    exerciseId: z.string(),
    teamId: z.string(),
    component: ScoreComponentIdSchema,
    points: z.number(),
    reason: z.string(),
    byUserId: z.string(),
    byUsername: z.string(),
    createdAt: z.string(),
  })
  .strict()
  .meta({ id: 'ScoreAdjustment' });
export type ScoreAdjustment = z.infer<typeof ScoreAdjustmentSchema>;

export const ScoreVersionSchema = z
  .object({
    versionNo: z.number().int(),
    scenarioVersionId: z.string(),
    scenarioVersion: z.string(),
    reason: z.string(),
    computedAt: z.string(),
    computedBy: z.string().nullable(),
    current: z.boolean(),
    teams: z.array(z.object({ teamId: z.string(), teamName: z.string(), total: z.number(), index: z.number(), rank: z.number().int() }).strict()),
  })
  .strict()
  .meta({ id: 'ScoreVersion' });
export type ScoreVersion = z.infer<typeof ScoreVersionSchema>;

export const ScoreHistorySchema = z
  .object({ exerciseId: z.string(), versions: z.array(ScoreVersionSchema), adjustments: z.array(ScoreAdjustmentSchema) })
  .strict()
  .meta({ id: 'ScoreHistory' });
export type ScoreHistory = z.infer<typeof ScoreHistorySchema>;

// ---- After-action review (src/scoring/after-action-review.ts) ----

export const AarAnnotationSchema = z
  .object({
    id: z.string(),
    /** good: done well; info: context; warning: late or partial; critical: missed or harmful. */
    tone: z.enum(['good', 'info', 'warning', 'critical']),
    code: z.string(),
    atMs: z.number().int().nullable(),
    subject: z.string(),
    text: Bilingual,
    points: z.number(),
    maxPoints: z.number(),
    evidence: EvidenceSchema,
  })
  .strict();
export type AarAnnotation = z.infer<typeof AarAnnotationSchema>;

export const AarTimelineEntrySchema = z
  .object({
    atMs: z.number().int(),
    kind: z.enum(['stage', 'alert', 'action', 'deadline']),
    id: z.string(),
    label: Bilingual,
    /** For alerts: whether the key says true positive, and the team's verdict. */
    truePositive: z.boolean().optional(),
    verdict: z.string().nullable().optional(),
    /** For alerts: the opaque reference the team's console showed for it (AL-…). */
    ref: z.string().optional(),
    userId: z.string().optional(),
    /** For actions: the recorded action itself, so a client can describe it in its own words. */
    action: z.record(z.string(), z.unknown()).optional(),
    annotationIds: z.array(z.string()),
  })
  .strict();
export type AarTimelineEntry = z.infer<typeof AarTimelineEntrySchema>;

export const AarLabelsSchema = z
  .object({
    /** Keyed by scenario event id and by the opaque reference (AL-…) the console showed. */
    alerts: z.record(z.string(), z.object({ title: Bilingual, phase: z.string().nullable(), truePositive: z.boolean() }).strict()),
    assets: z.record(z.string(), Bilingual),
    parties: z.record(z.string(), Bilingual),
    incidents: z.record(z.string(), Bilingual),
    /** Per expected response: the attack stage it answers and the alert that opens its window. */
    responses: z.record(z.string(), z.object({ phase: z.string().nullable(), after: Bilingual.nullable() }).strict()),
  })
  .strict();
export type AarLabels = z.infer<typeof AarLabelsSchema>;

// ---------------------------------------------------------------------------------------------
// Manual grading of a filed report's content (chấm báo cáo thủ công)
// ---------------------------------------------------------------------------------------------

export const ReportGradeVerdictSchema = z.enum(['accepted', 'revision-requested']).meta({
  description: 'accepted (Chấp nhận) or revision-requested (Yêu cầu chỉnh sửa, with a comment saying what to fix).',
});
export type ReportGradeVerdict = z.infer<typeof ReportGradeVerdictSchema>;

export const ReportGradeInputSchema = z
  .object({
    verdict: ReportGradeVerdictSchema,
    comment: z.string().trim().max(2_000).default(''),
    points: z
      .number()
      .int()
      .min(-100)
      .max(100)
      .default(0)
      .meta({ description: "Points for the report's content as the instructor judged it, applied as a separate coordination adjustment (0: none)." }),
  })
  .strict()
  .refine((g) => g.verdict !== 'revision-requested' || g.comment.length >= 3, { message: 'a revision request needs a comment', path: ['comment'] })
  .meta({ id: 'ReportGradeInput' });
export type ReportGradeInput = z.output<typeof ReportGradeInputSchema>;

export const ReportGradeSchema = z
  .object({
    id: z.string(),
    exerciseId: z.string(),
    teamId: z.string(),
    reportId: z.string(),
    verdict: ReportGradeVerdictSchema,
    comment: z.string(),
    points: z.number().int(),
    /** The score adjustment this grade made (the change from the report's previous grade), if its points changed. */
    adjustmentId: z.string().nullable(),
    byUserId: z.string(),
    byUsername: z.string(),
    createdAt: z.string(),
  })
  .strict()
  .meta({ id: 'ReportGrade' });
export type ReportGrade = z.infer<typeof ReportGradeSchema>;

export const ReportGradesQuerySchema = z.object({ teamId: z.string().min(1).max(64).optional() }).strict();

export const ReportGradesSchema = z
  .object({
    exerciseId: z.string(),
    /** Every grade, oldest first; a report's latest grade is the one that stands. */
    grades: z.array(ReportGradeSchema),
  })
  .meta({ id: 'ReportGrades' });
export type ReportGrades = z.infer<typeof ReportGradesSchema>;

export const AfterActionReviewSchema = z
  .object({
    exerciseId: z.string(),
    teamId: z.string(),
    teamName: z.string(),
    scenarioId: z.string(),
    scenarioVersion: z.string(),
    scenarioTitle: Bilingual,
    endMs: z.number().int(),
    maxScore: z.number().int(),
    total: z.number(),
    index: z.number(),
    components: z.array(z.object({ id: ScoreComponentIdSchema, score: z.number(), effectiveWeight: z.number().int(), applicable: z.boolean() }).strict()),
    /** Judges' adjustments, listed apart from the components they changed. */
    adjustments: z.array(z.object({ id: z.string(), component: ScoreComponentIdSchema, points: z.number(), reason: z.string(), by: z.string() }).strict()),
    /** The instructors' hand grades of the team's reports: the latest grade of each graded report. */
    reportGrades: z.array(ReportGradeSchema),
    stages: z.array(
      z
        .object({
          phaseId: z.string(),
          name: Bilingual,
          firstAlertMs: z.number().int().nullable(),
          alerts: z.number().int(),
          truePositives: z.number().int(),
          detected: z.number().int(),
          missed: z.number().int(),
        })
        .strict(),
    ),
    timeline: z.array(AarTimelineEntrySchema),
    /** The team channel (chat lines and hand-over notes), oldest first; not repeated in the timeline. */
    channel: z
      .array(z.object({ atMs: z.number().int(), userId: z.string(), username: z.string(), text: z.string(), handover: z.boolean() }).strict())
      .default([]),
    annotations: z.array(AarAnnotationSchema),
    missedAlerts: z.array(
      z
        .object({
          alertId: z.string(),
          /** The opaque reference the team's console showed for it (AL-…). */
          ref: z.string().optional(),
          title: Bilingual,
          layer: z.number().int(),
          phase: z.string().nullable(),
          deliveredMs: z.number().int(),
          teamVerdict: z.string().nullable(),
          expected: z.object({ verdict: z.string(), severity: z.string(), routing: z.array(z.string()), incident: z.string().nullable() }).strict(),
        })
        .strict(),
    ),
    reports: z.array(
      z
        .object({
          obligationId: z.string(),
          kind: z.string(),
          status: z.enum(['on-time', 'late', 'incomplete', 'missing', 'not-applicable']),
          dueMs: z.number().int().nullable(),
          filedMs: z.number().int().nullable(),
          points: z.number(),
          maxPoints: z.number(),
        })
        .strict(),
    ),
    ideal: z
      .object({
        responses: z.array(
          z
            .object({
              id: z.string(),
              action: z.string(),
              target: z.string().nullable(),
              required: z.boolean(),
              windowStartMs: z.number().int().nullable(),
              deadlineMs: z.number().int().nullable(),
              points: z.number(),
              description: Bilingual,
              takenMs: z.number().int().nullable(),
              status: z.string(),
            })
            .strict(),
        ),
        reports: z.array(
          z
            .object({
              id: z.string(),
              kind: z.string(),
              recipients: z.array(z.string()),
              fromMs: z.number().int().nullable(),
              dueMs: z.number().int().nullable(),
              requiredContent: z.array(z.string()),
              legalBasis: Bilingual,
            })
            .strict(),
        ),
        harmful: z.array(
          z
            .object({
              id: z.string(),
              action: z.string(),
              target: z.string().nullable(),
              penalty: z.number(),
              reason: Bilingual,
              takenMs: z.number().int().nullable(),
            })
            .strict(),
        ),
      })
      .strict(),
    metrics: ScoreMetricsSchema,
    /** Titles for the ids the review refers to, so readers never see an internal id. */
    labels: AarLabelsSchema,
  })
  .strict()
  .meta({ id: 'AfterActionReview' });
export type AfterActionReview = z.infer<typeof AfterActionReviewSchema>;

export const ReviewQuerySchema = z
  .object({
    format: z.enum(['json', 'html']).default('json'),
    download: z.enum(['0', '1']).default('0'),
    lang: LanguageSchema.default('vi').meta({ description: 'Language of the printable page (format=html); the JSON carries both.' }),
  })
  .strict();
