import { z } from 'zod';
import { SeveritySchema } from './common.schema.js';
import {
  IncidentPhaseSchema,
  LegalClassSchema,
  ObservableSchema,
  ReportContentFieldSchema,
  ReportKindSchema,
  ResponseActionSchema,
  VerdictSchema,
} from './scenario.schema.js';

/**
 * Trainee actions. Every action carries a client-generated `actionId` (a retry with the same id is
 * acknowledged again, never applied twice) and is appended to the exercise's immutable action log;
 * the state of alerts, incidents and reports is derived from that log.
 */

const ShortId = z.string().min(1).max(120);
const Message = z.string().trim().max(4_000);

export const ActionIdSchema = z.uuid().meta({ description: 'Client-generated UUID; the idempotency key of the action.' });

const base = { actionId: ActionIdSchema, exerciseId: z.uuid() };

/** Where an alert or incident is routed: the scenario's party ids (named per era in the console). */
export const RouteTargetSchema = z.union([z.object({ alertId: ShortId }).strict(), z.object({ incidentId: ShortId }).strict()]);

export const ReportContentSchema = z
  .object({
    whatHappened: z.string().trim().min(1).max(10_000),
    detectedAt: z.string().trim().max(200).optional().meta({ description: 'When the incident was detected (as the team knows it).' }),
    affectedSystems: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
    securityLevel: z.number().int().min(1).max(5).optional(),
    impact: z.string().trim().max(10_000).optional(),
    actionsTaken: z.string().trim().max(10_000).optional(),
    iocs: z
      .array(ObservableSchema.pick({ type: true, value: true }))
      .max(200)
      .default([]),
    supportRequest: z.string().trim().max(10_000).optional(),
  })
  .strict();
export type ReportContent = z.output<typeof ReportContentSchema>;

export const TriageActionSchema = z
  .discriminatedUnion('type', [
    z
      .object({ ...base, type: z.literal('alert.acknowledge'), alertId: ShortId })
      .strict()
      .meta({ description: 'Tiếp nhận: take ownership of an alert within the team.' }),
    z.object({ ...base, type: z.literal('alert.release'), alertId: ShortId }).strict(),
    z.object({ ...base, type: z.literal('alert.request-takeover'), alertId: ShortId, message: Message.optional() }).strict(),
    z
      .object({ ...base, type: z.literal('alert.assign'), alertId: ShortId, userId: z.uuid() })
      .strict()
      .meta({ description: 'The owner (or anyone, when nobody owns it) hands the alert to a teammate.' }),
    z
      .object({
        ...base,
        type: z.literal('alert.verdict'),
        alertId: ShortId,
        verdict: VerdictSchema,
        reason: Message.optional(),
        duplicateOf: ShortId.optional(),
      })
      .strict()
      .refine((a) => !['false-positive', 'benign'].includes(a.verdict) || (a.reason !== undefined && a.reason.length >= 3), {
        message: 'closing as false positive or benign needs a reason',
        path: ['reason'],
      })
      .refine((a) => a.verdict !== 'duplicate' || a.duplicateOf !== undefined, { message: 'a duplicate names the alert it duplicates', path: ['duplicateOf'] }),
    z.object({ ...base, type: z.literal('alert.severity'), alertId: ShortId, severity: SeveritySchema }).strict(),
    z.object({ ...base, type: z.literal('alert.note'), alertId: ShortId, text: Message.min(1) }).strict(),
    z
      .object({
        ...base,
        type: z.literal('route'),
        target: RouteTargetSchema,
        to: z.array(ShortId).min(1).max(10),
        escalate: z.boolean().default(false),
        message: Message.optional(),
      })
      .strict()
      .meta({ description: 'Route or escalate (chuyển cấp xử lý) an alert or incident to layers/parties.' }),
    z
      .object({
        ...base,
        type: z.literal('incident.create'),
        title: z.string().trim().min(1).max(300),
        alertIds: z.array(ShortId).max(500).default([]),
        severity: SeveritySchema.optional(),
        legalClass: LegalClassSchema.optional(),
      })
      .strict(),
    z.object({ ...base, type: z.literal('incident.link'), incidentId: ShortId, alertIds: z.array(ShortId).min(1).max(500) }).strict(),
    z.object({ ...base, type: z.literal('incident.unlink'), incidentId: ShortId, alertIds: z.array(ShortId).min(1).max(500) }).strict(),
    z.object({ ...base, type: z.literal('incident.merge'), incidentId: ShortId, sourceIncidentIds: z.array(ShortId).min(1).max(50) }).strict(),
    z
      .object({
        ...base,
        type: z.literal('incident.update'),
        incidentId: ShortId,
        title: z.string().trim().min(1).max(300).optional(),
        severity: SeveritySchema.optional(),
        legalClass: LegalClassSchema.optional(),
        assets: z.array(ShortId).max(100).optional(),
        phase: IncidentPhaseSchema.optional(),
      })
      .strict(),
    z.object({ ...base, type: z.literal('incident.observable'), incidentId: ShortId, observable: ObservableSchema.pick({ type: true, value: true }) }).strict(),
    z
      .object({ ...base, type: z.literal('response'), action: ResponseActionSchema, target: ShortId, incidentId: ShortId.optional(), note: Message.optional() })
      .strict()
      .meta({ description: 'A response action on an asset (or IP/domain/party) from the scenario vocabulary.' }),
    z
      .object({
        ...base,
        type: z.literal('report.file'),
        kind: ReportKindSchema,
        recipients: z.array(ShortId).min(1).max(20),
        incidentId: ShortId.optional(),
        content: ReportContentSchema,
        correctsReportId: ShortId.optional().meta({ description: 'A filed report is immutable; a correction is a new report naming the one it corrects.' }),
      })
      .strict(),
    z
      .object({ ...base, type: z.literal('incident.playbook'), incidentId: ShortId, playbookId: ShortId })
      .strict()
      .meta({ description: "Applies one of the scenario's playbooks to an incident: its tasks join the incident's checklist (a task already there is kept)." }),
    z
      .object({ ...base, type: z.literal('incident.task-add'), incidentId: ShortId, title: z.string().trim().min(1).max(300) })
      .strict()
      .meta({ description: "Adds the team's own task to an incident's checklist." }),
    z
      .object({
        ...base,
        type: z.literal('incident.task'),
        incidentId: ShortId,
        taskId: ShortId,
        assigneeId: z.uuid().nullable().optional().meta({ description: 'A teammate to hand the task to; null takes it off anyone.' }),
        done: z.boolean().optional().meta({ description: 'Ticks the task off (true) or reopens it (false).' }),
      })
      .strict()
      .refine((a) => a.assigneeId !== undefined || a.done !== undefined, { message: 'give assigneeId or done', path: ['done'] })
      .meta({ description: 'Assigns a task of an incident to a teammate and/or ticks it off.' }),
    z
      .object({ ...base, type: z.literal('incident.note'), incidentId: ShortId, text: Message.min(1) })
      .strict()
      .meta({ description: "A note on the incident's timeline (what was found, what was decided)." }),
    z
      .object({
        ...base,
        type: z.literal('team.message'),
        text: z.string().trim().min(1).max(2_000),
        handover: z.boolean().default(false).meta({ description: 'A hand-over note (bàn giao ca), shown apart from chat lines.' }),
      })
      .strict()
      .meta({ description: 'A line in the team channel: seen by teammates and the instructors, shown in the debrief.' }),
    z
      .object({ ...base, type: z.literal('hint.request'), for: z.union([z.object({ alertId: ShortId }).strict(), z.object({ phase: ShortId }).strict()]) })
      .strict(),
  ])
  .meta({ id: 'TriageAction' });
export type TriageAction = z.output<typeof TriageActionSchema>;
export type TriageActionInput = z.input<typeof TriageActionSchema>;
export type TriageActionType = TriageAction['type'];

/** An action as recorded in the log and broadcast to teammates and the cockpit. */
export const RecordedActionSchema = z
  .object({
    actionId: z.string(),
    exerciseId: z.string(),
    teamId: z.string(),
    userId: z.string(),
    username: z.string(),
    /** Per team: 1, 2, 3, ... in the order the actions were committed. */
    seq: z.number().int(),
    virtualMs: z.number().int(),
    wallMs: z.number().int(),
    action: z.record(z.string(), z.unknown()),
    /** What the server assigned (e.g. the new incident's id, the report id, the hint text). */
    result: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'RecordedAction' });
export type RecordedAction = z.infer<typeof RecordedActionSchema>;

export const ActionAckSchema = z
  .object({
    actionId: z.string(),
    seq: z.number().int(),
    virtualMs: z.number().int(),
    /** False when this was a retry of an action already applied: nothing was applied again. */
    applied: z.boolean(),
    result: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'ActionAck' });
export type ActionAck = z.infer<typeof ActionAckSchema>;

/** Most actions one bulk request may carry (the console sends a larger group in several requests). */
export const MAX_BULK_ACTIONS = 200;

export const BulkActionsSchema = z
  .object({
    exerciseId: z.uuid(),
    actions: z
      .array(TriageActionSchema)
      .min(1)
      .max(MAX_BULK_ACTIONS)
      .meta({ description: 'The actions, applied in order; each keeps its own actionId, so each is recorded, scored and retried on its own.' }),
  })
  .strict()
  .meta({ id: 'BulkActions' });
export type BulkActions = z.output<typeof BulkActionsSchema>;

export const BulkAckSchema = z
  .object({
    /** One ack per action, in the order sent; applied:false for an action whose id was already applied. */
    acks: z.array(ActionAckSchema),
  })
  .meta({ id: 'BulkAck' });
export type BulkAck = z.infer<typeof BulkAckSchema>;

// ---------------------------------------------------------------------------------------------
// The team's state, derived from its action log (never stored on its own)
// ---------------------------------------------------------------------------------------------

const RouteRecordSchema = z.object({
  actionId: z.string(),
  to: z.array(z.string()),
  escalate: z.boolean(),
  message: z.string().optional(),
  userId: z.string(),
  virtualMs: z.number().int(),
});

export const AlertStateSchema = z.object({
  alertId: z.string(),
  ownerId: z.string().nullable(),
  takeoverRequests: z.array(z.object({ userId: z.string(), virtualMs: z.number().int(), message: z.string().optional() })),
  acknowledgedAtMs: z.number().int().nullable(),
  verdict: VerdictSchema.nullable(),
  verdictReason: z.string().nullable(),
  duplicateOf: z.string().nullable(),
  /** When the current verdict was set (first verdict time is kept in `firstVerdictAtMs`). */
  verdictAtMs: z.number().int().nullable(),
  firstVerdictAtMs: z.number().int().nullable(),
  severity: SeveritySchema.nullable(),
  notes: z.array(z.object({ userId: z.string(), text: z.string(), virtualMs: z.number().int() })),
  routes: z.array(RouteRecordSchema),
  incidentId: z.string().nullable(),
});
export type AlertState = z.infer<typeof AlertStateSchema>;

export const IncidentTaskSchema = z.object({
  /** `<playbookId>/<taskId>` for a playbook task, `T-<n>` for the team's own. */
  id: z.string(),
  playbookId: z.string().nullable(),
  title: z.object({ vi: z.string(), en: z.string() }),
  description: z.object({ vi: z.string(), en: z.string() }).nullable(),
  assigneeId: z.string().nullable(),
  done: z.boolean(),
  doneAtMs: z.number().int().nullable(),
  doneBy: z.string().nullable(),
  addedAtMs: z.number().int(),
});
export type IncidentTask = z.infer<typeof IncidentTaskSchema>;

export const TeamMessageSchema = z.object({
  actionId: z.string(),
  seq: z.number().int(),
  userId: z.string(),
  text: z.string(),
  handover: z.boolean(),
  virtualMs: z.number().int(),
});
export type TeamMessage = z.infer<typeof TeamMessageSchema>;

export const IncidentStateSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: SeveritySchema.nullable(),
  legalClass: LegalClassSchema.nullable(),
  assets: z.array(z.string()),
  phase: IncidentPhaseSchema,
  phaseHistory: z.array(z.object({ phase: IncidentPhaseSchema, virtualMs: z.number().int() })),
  alertIds: z.array(z.string()),
  observables: z.array(z.object({ type: z.string(), value: z.string() })),
  routes: z.array(RouteRecordSchema),
  /** Set when merged into another incident; a merged incident takes no further actions. */
  mergedInto: z.string().nullable(),
  /** The case checklist: tasks from applied playbooks and the team's own. */
  tasks: z.array(IncidentTaskSchema).default([]),
  /** The case notes timeline, oldest first. */
  notes: z.array(z.object({ actionId: z.string(), userId: z.string(), text: z.string(), virtualMs: z.number().int() })).default([]),
  createdAtMs: z.number().int(),
  createdBy: z.string(),
});
export type IncidentState = z.infer<typeof IncidentStateSchema>;

export const ResponseRecordSchema = z.object({
  actionId: z.string(),
  action: ResponseActionSchema,
  target: z.string(),
  incidentId: z.string().nullable(),
  note: z.string().optional(),
  userId: z.string(),
  virtualMs: z.number().int(),
});

export const ReportRecordSchema = z.object({
  id: z.string(),
  actionId: z.string(),
  kind: ReportKindSchema,
  recipients: z.array(z.string()),
  incidentId: z.string().nullable(),
  content: ReportContentSchema,
  correctsReportId: z.string().nullable(),
  userId: z.string(),
  virtualMs: z.number().int(),
});
export type ReportRecord = z.infer<typeof ReportRecordSchema>;

export const HintRecordSchema = z.object({
  actionId: z.string(),
  hintId: z.string().nullable(),
  for: z.union([z.object({ alertId: z.string() }), z.object({ phase: z.string() })]),
  text: z.object({ vi: z.string(), en: z.string() }).nullable(),
  penalty: z.number().int(),
  userId: z.string(),
  virtualMs: z.number().int(),
});

export const TeamStateSchema = z
  .object({
    exerciseId: z.string(),
    teamId: z.string(),
    /** Seq of the last action applied; clients use it to catch up on missed actions. */
    lastActionSeq: z.number().int(),
    alerts: z.record(z.string(), AlertStateSchema),
    incidents: z.record(z.string(), IncidentStateSchema),
    responses: z.array(ResponseRecordSchema),
    reports: z.array(ReportRecordSchema),
    hints: z.array(HintRecordSchema),
    /** The team channel, oldest first: chat lines and hand-over notes between teammates. */
    messages: z.array(TeamMessageSchema).default([]),
    /**
     * When the team itself first recognised an incident: its first incident, first true-positive
     * verdict or first report (null until then). Report deadlines count from here, never from the
     * answer key's hidden alert.
     */
    detectedAtMs: z.number().int().nullable().optional(),
  })
  .meta({ id: 'TeamState' });
export type TeamState = z.infer<typeof TeamStateSchema>;

// ---------------------------------------------------------------------------------------------
// Report deadlines shown in the console (derived from the team's state and the clock)
// ---------------------------------------------------------------------------------------------

export const ReportDeadlineStatusSchema = z.enum(['not-started', 'upcoming', 'open', 'met', 'late', 'overdue']).meta({
  description:
    'not-started: the team has not recognised an incident yet; upcoming: the window opens later; open: counting down; met: filed in time; late: filed after the deadline; overdue: not filed and past the deadline.',
});

export const ReportDeadlineSchema = z
  .object({
    obligationId: z.string(),
    kind: ReportKindSchema,
    legalBasis: z.object({ vi: z.string(), en: z.string() }),
    /** Party ids the law requires this report to reach (public law, not the answer key). */
    recipients: z.array(z.string()),
    /** Content the report must carry (the report form's fields). */
    requiredContent: z.array(ReportContentFieldSchema),
    /** Virtual time allowed once the clock starts, in ms. */
    allowedMs: z.number().int(),
    /** `detection`: the clock starts when the team recognised the incident; `schedule`: at a fixed drill time. */
    startsFrom: z.enum(['detection', 'schedule']),
    status: ReportDeadlineStatusSchema,
    startsAtMs: z.number().int().nullable(),
    dueAtMs: z.number().int().nullable(),
    /** dueAtMs - now while open (the client counts down from here with the clock). */
    remainingMs: z.number().int().nullable(),
    filedReportId: z.string().nullable(),
    filedAtMs: z.number().int().nullable(),
  })
  .meta({ id: 'ReportDeadline' });
export type ReportDeadline = z.infer<typeof ReportDeadlineSchema>;

export const ReportDeadlinesSchema = z
  .object({
    exerciseId: z.string(),
    teamId: z.string(),
    /** Virtual time the figures were computed at. */
    virtualMs: z.number().int(),
    deadlines: z.array(ReportDeadlineSchema),
  })
  .meta({ id: 'ReportDeadlines' });
export type ReportDeadlines = z.infer<typeof ReportDeadlinesSchema>;

/** The instructor cockpit's live view of one team: how far the attack got, what the team did last, what waits. */
export const TeamProgressSchema = z
  .object({
    teamId: z.string(),
    /** Kill-chain phases the team has been shown an alert of, in scenario order, with the first one's delivery time. */
    phasesReached: z.array(z.object({ phaseId: z.string(), firstDeliveredMs: z.number().int() })),
    phaseCount: z.number().int(),
    delivered: z.number().int(),
    openAlerts: z.number().int(),
    lastAction: z.object({ type: z.string(), username: z.string(), virtualMs: z.number().int() }).nullable(),
    /** Delivered alerts without a verdict, the longest-waiting first (at most 5). */
    waitingLongest: z.array(z.object({ alertId: z.string(), title: z.object({ vi: z.string(), en: z.string() }), deliveredVirtualMs: z.number().int() })),
  })
  .meta({ id: 'TeamProgress' });
export type TeamProgress = z.infer<typeof TeamProgressSchema>;
