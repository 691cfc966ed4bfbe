import { z } from 'zod';
import { LanguageSchema, TextSchema } from './common.schema.js';
import { ExerciseKindSchema, ExerciseStatusSchema } from './exercise.schema.js';
import { ScoreMetricsSchema, DetectionFiguresShape } from './scoring.schema.js';

/**
 * Results for provincial leadership (reviewers) and instructors: exercises over time, rankings
 * with the 0–1 index (chỉ số) and its four components, per-unit trends and aggregated weaknesses.
 * Every figure is taken from ScoringService (src/scoring/scoring.service.ts); nothing here is
 * scored a second time. Only the caller's own organisation is visible.
 */

const IdListSchema = z
  .union([z.string().max(8_000), z.array(z.string().max(200)).max(200)])
  .transform((value, ctx) => {
    const items = (Array.isArray(value) ? value : [value])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    const unique = [...new Set(items)];
    if (unique.length > 200) ctx.addIssue({ code: 'custom', message: 'at most 200 ids' });
    if (unique.some((id) => !/^[0-9a-fA-F-]{36}$/.test(id))) ctx.addIssue({ code: 'custom', message: 'ids must be UUIDs' });
    return unique.map((id) => id.toLowerCase());
  })
  .meta({ description: 'Comma-separated UUIDs (or the parameter repeated).' });

const DateBoundSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })])
  .meta({ description: 'ISO date (YYYY-MM-DD, whole day in UTC) or date-time.' });

export const ResultsPeriodQuerySchema = z
  .object({ from: DateBoundSchema.optional(), to: DateBoundSchema.optional() })
  .strict()
  .meta({ id: 'ResultsPeriodQuery' });
export type ResultsPeriodQuery = z.output<typeof ResultsPeriodQuerySchema>;

export const ResultsTrendQuerySchema = z
  .object({ unitIds: IdListSchema.optional(), from: DateBoundSchema.optional(), to: DateBoundSchema.optional() })
  .strict();
export type ResultsTrendQuery = z.output<typeof ResultsTrendQuerySchema>;

export const HEATMAP_AXES = ['unit', 'team'] as const;
export const ResultsWeaknessQuerySchema = z
  .object({
    exerciseIds: IdListSchema.optional().meta({ description: 'Default: every finished exercise of the organisation in [from, to].' }),
    from: DateBoundSchema.optional(),
    to: DateBoundSchema.optional(),
    by: z.enum(HEATMAP_AXES).default('unit').meta({ description: 'Columns of the technique heat map: units (default) or teams.' }),
  })
  .strict();
export type ResultsWeaknessQuery = z.output<typeof ResultsWeaknessQuerySchema>;

/** rfc4180: ',' between cells, '.' decimals; excel-vi: what a spreadsheet set to Vietnamese opens directly (';' and ','). */
export const CSV_VARIANTS = ['rfc4180', 'excel-vi'] as const;

export const ResultsExportQuerySchema = z
  .object({
    exerciseIds: IdListSchema.optional().meta({ description: 'Default: every exercise of the organisation in [from, to] that has scores.' }),
    from: DateBoundSchema.optional(),
    to: DateBoundSchema.optional(),
    lang: LanguageSchema.default('vi').meta({ description: 'Language of the headers, statuses and titles.' }),
    variant: z
      .enum(CSV_VARIANTS)
      .default('rfc4180')
      .meta({ description: "rfc4180: ',' separator and '.' decimals; excel-vi: ';' separator and ',' decimals (Vietnamese spreadsheet settings)." }),
  })
  .strict();
export type ResultsExportQuery = z.output<typeof ResultsExportQuerySchema>;

export const ExerciseReportQuerySchema = z.object({ lang: LanguageSchema.default('vi') }).strict();
export type ExerciseReportQuery = z.output<typeof ExerciseReportQuerySchema>;

export const PeriodReportQuerySchema = z
  .object({ from: DateBoundSchema.optional(), to: DateBoundSchema.optional(), lang: LanguageSchema.default('vi') })
  .strict();
export type PeriodReportQuery = z.output<typeof PeriodReportQuerySchema>;

// ---- building blocks ----

export const UnitRefSchema = z.object({ id: z.string(), code: z.string(), name: z.string() }).meta({ id: 'ResultsUnitRef' });
export type UnitRef = z.infer<typeof UnitRefSchema>;

/** Where a number comes from: the team's after-action review and its score in the results API. */
export const TeamLinksSchema = z
  .object({
    /** GET: the team's after-action review (every line item with its evidence). */
    review: z.string(),
    /** GET: the team's full TeamScore as the results API serves it. */
    score: z.string(),
  })
  .meta({ id: 'ResultsTeamLinks' });
export type TeamLinks = z.infer<typeof TeamLinksSchema>;

export const ComponentFigureSchema = z
  .object({
    score: z.number(),
    /** Weight after redistribution of not-applicable components (the component's maximum). */
    max: z.number().int(),
    /** score / max in [0, 1] (the pillar's index); null when the component did not apply. */
    index: z.number().nullable(),
    applicable: z.boolean(),
  })
  .meta({ id: 'ResultsComponentFigure' });
export type ComponentFigure = z.infer<typeof ComponentFigureSchema>;

export const ComponentFiguresSchema = z.object({
  detection: ComponentFigureSchema,
  response: ComponentFigureSchema,
  coordination: ComponentFigureSchema,
  incident: ComponentFigureSchema,
});
export type ComponentFigures = z.infer<typeof ComponentFiguresSchema>;

export const ResultsMemberSchema = z.object({ id: z.string(), username: z.string(), displayName: z.string(), unitId: z.string().nullable() });

export const TeamResultSchema = z
  .object({
    rank: z.number().int(),
    teamId: z.string(),
    teamName: z.string(),
    members: z.array(ResultsMemberSchema),
    /** The unit most of the team's members belong to (ties: the unit whose code sorts first); null without members. */
    unit: UnitRefSchema.nullable(),
    /** Every unit of the team's members with its member count, largest first. */
    units: z.array(UnitRefSchema.extend({ members: z.number().int() })),
    maxScore: z.number().int(),
    total: z.number(),
    index: z.number(),
    components: ComponentFiguresSchema,
    metrics: ScoreMetricsSchema,
    links: TeamLinksSchema,
  })
  .meta({ id: 'ResultsTeam' });
export type TeamResult = z.infer<typeof TeamResultSchema>;

export const ExerciseSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    scenarioId: z.string(),
    scenarioVersionId: z.string(),
    scenarioVersion: z.string(),
    scenarioTitle: TextSchema,
    status: ExerciseStatusSchema,
    /** A graded drill, or a trainee's practice run (luyện tập): never counted in graded rankings, trends or weaknesses. */
    kind: ExerciseKindSchema,
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    endedAt: z.string().nullable(),
    /** The date the exercise counts at in periods and trends: start, else schedule, else creation. */
    heldAt: z.string(),
    units: z.array(UnitRefSchema),
    teamCount: z.number().int(),
    /** Headline figures (null for drafts, or when the scores could not be computed). */
    scores: z
      .object({
        computedAt: z.string(),
        bestIndex: z.number(),
        meanIndex: z.number(),
        teams: z.array(
          z.object({ teamId: z.string(), teamName: z.string(), unitId: z.string().nullable(), rank: z.number().int(), total: z.number(), index: z.number() }),
        ),
      })
      .nullable(),
    links: z.object({ results: z.string(), reportPdf: z.string() }),
  })
  .meta({ id: 'ResultsExerciseSummary' });
export type ExerciseSummary = z.infer<typeof ExerciseSummarySchema>;

export const ExerciseListSchema = z
  .object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    /** Graded drills only. */
    exercises: z.array(ExerciseSummarySchema),
    /** Trainees' practice runs (luyện tập) of the period that have started, kept apart from the graded drills. */
    practice: z.array(ExerciseSummarySchema),
  })
  .meta({ id: 'ResultsExerciseList' });
export type ExerciseList = z.infer<typeof ExerciseListSchema>;

export const ExerciseResultsSchema = z
  .object({
    exercise: ExerciseSummarySchema,
    computedAt: z.string(),
    /** Ranked as ScoringService ranks them (ties share a rank). */
    teams: z.array(TeamResultSchema),
  })
  .meta({ id: 'ResultsExercise' });
export type ExerciseResults = z.infer<typeof ExerciseResultsSchema>;

// ---- trends ----

export const TrendPointSchema = z.object({
  exerciseId: z.string(),
  exerciseTitle: z.string(),
  scenarioId: z.string(),
  heldAt: z.string(),
  /** The unit's teams in that exercise (usually one). */
  teams: z.array(z.object({ teamId: z.string(), teamName: z.string(), rank: z.number().int(), total: z.number(), index: z.number(), reviewHref: z.string() })),
  /** Mean over the unit's teams in that exercise. */
  index: z.number(),
  total: z.number(),
  components: z.object({
    detection: z.number().nullable(),
    response: z.number().nullable(),
    coordination: z.number().nullable(),
    incident: z.number().nullable(),
  }),
});
export type TrendPoint = z.infer<typeof TrendPointSchema>;

export const UnitTrendSchema = z.object({ unit: UnitRefSchema, points: z.array(TrendPointSchema) }).meta({
  id: 'ResultsUnitTrend',
  description: 'A unit over time: index and each component index (score / component maximum), mean over its teams, one point per finished exercise.',
});
export type UnitTrend = z.infer<typeof UnitTrendSchema>;

export const TrendsSchema = z.object({ units: z.array(UnitTrendSchema) }).meta({ id: 'ResultsTrends' });
export type Trends = z.infer<typeof TrendsSchema>;

// ---- weaknesses ----

export const DrillAlertSchema = z.object({
  alertId: z.string(),
  title: TextSchema,
  /** detected / missed true positive, or a false alarm raised on noise. */
  outcome: z.enum(['detected', 'missed', 'false-alarm']),
  points: z.number(),
  maxPoints: z.number(),
  code: z.string(),
});
export type DrillAlert = z.infer<typeof DrillAlertSchema>;

export const CellTeamSchema = z.object({
  exerciseId: z.string(),
  teamId: z.string(),
  teamName: z.string(),
  unitId: z.string().nullable(),
  ...DetectionFiguresShape,
  reviewHref: z.string(),
  /** True positives and false alarms behind the figures (correctly closed noise is only counted). */
  alertRefs: z.array(DrillAlertSchema),
});
export type CellTeam = z.infer<typeof CellTeamSchema>;

const CellFiguresShape = {
  ...DetectionFiguresShape,
  /** points / maxPoints (detection points earned in this slice); null when nothing was available. */
  ratio: z.number().nullable(),
  /** detected / truePositives; null without true positives. */
  detectionRatio: z.number().nullable(),
};

export const WeaknessRowSchema = z.object({
  key: z.string(),
  label: TextSchema,
  /** Scenario of a kill-chain phase (phases are scenario-specific); null for layers and techniques. */
  scenarioId: z.string().nullable(),
  ...CellFiguresShape,
  teams: z.array(CellTeamSchema),
});
export type WeaknessRow = z.infer<typeof WeaknessRowSchema>;

export const HeatCellSchema = z.object({ technique: z.string(), column: z.string(), ...CellFiguresShape, teams: z.array(CellTeamSchema) });
export type HeatCell = z.infer<typeof HeatCellSchema>;

export const WeaknessesSchema = z
  .object({
    exerciseIds: z.array(z.string()),
    layers: z.array(WeaknessRowSchema),
    phases: z.array(WeaknessRowSchema),
    techniques: z.array(WeaknessRowSchema),
    heatmap: z.object({
      by: z.enum(HEATMAP_AXES),
      columns: z.array(z.object({ key: z.string(), label: z.string() })),
      techniques: z.array(z.string()),
      cells: z.array(HeatCellSchema),
    }),
    /** Lowest-ratio rows with something at stake (null when nothing was scored). */
    weakest: z.object({ layer: z.string().nullable(), phase: z.string().nullable(), technique: z.string().nullable() }),
  })
  .meta({
    id: 'ResultsWeaknesses',
    description: 'Detection breakdowns of the selected exercises summed over their teams (figures from ScoringService), with drill-down to teams and alerts.',
  });
export type Weaknesses = z.infer<typeof WeaknessesSchema>;
