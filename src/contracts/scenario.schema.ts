import { z } from 'zod';
import { AttackTechniqueSchema, DurationSchema, EraSchema, ERAS, IdSchema, LayerSchema, SeveritySchema, TextSchema } from './common.schema.js';

export const SCENARIO_SCHEMA_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Vocabularies
// ---------------------------------------------------------------------------------------------

export const ASSET_KINDS = [
  'web-server',
  'web-portal',
  'database',
  'workstation',
  'file-server',
  'mail-server',
  'domain-controller',
  'dns',
  'firewall',
  'waf',
  'load-balancer',
  'backup',
  'network',
  'cloud-service',
  'saas',
  'other',
] as const;

export const PARTY_KINDS = [
  'operator', // Đơn vị vận hành HTTT (Lớp 1)
  'owner', // Chủ quản HTTT
  'provincial-csirt', // Đội ứng cứu sự cố ATTT mạng tỉnh (Lớp 1)
  'specialised-unit', // Đơn vị chuyên trách về ATTT (Sở TT&TT / Công an tỉnh per era)
  'soc', // Lớp 2 SOC provider
  'assessor', // Lớp 3 independent assessor
  'national-monitoring', // Lớp 4: NCSC / Trung tâm ANM quốc gia per era
  'national-coordinator', // VNCERT/CC
  'vendor', // software vendor / hosting provider
  'other',
] as const;
export const PartyKindSchema = z.enum(PARTY_KINDS);

export const SENSORS = [
  'waf',
  'ids',
  'edr',
  'av',
  'fim',
  'page-integrity',
  'uptime',
  'siem',
  'firewall',
  'netflow',
  'dns',
  'proxy',
  'mail-gateway',
  'auth-log',
  'db-audit',
  'human-report',
  'helpdesk',
  'official-letter',
  'assessment-report',
  'threat-intel',
  'press',
] as const;
export const SensorSchema = z.enum(SENSORS).meta({ description: 'Which sensor or channel produced the alert.' });
export type Sensor = z.infer<typeof SensorSchema>;

export const OBSERVABLE_TYPES = [
  'ip',
  'domain',
  'url',
  'hash-md5',
  'hash-sha1',
  'hash-sha256',
  'file-path',
  'file-name',
  'account',
  'process',
  'email',
  'cve',
  'user-agent',
  'registry-key',
] as const;
export const ObservableTypeSchema = z.enum(OBSERVABLE_TYPES);

export const VERDICTS = ['true-positive', 'false-positive', 'benign', 'duplicate'] as const;
export const VerdictSchema = z.enum(VERDICTS).meta({
  description: 'true-positive (Cảnh báo đúng), false-positive (Cảnh báo nhầm), benign (hợp lệ), duplicate (trùng lặp).',
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** Answer-key verdicts: "duplicate" is a trainee shortcut, the key says what the alert really is. */
export const KeyVerdictSchema = z.enum(['true-positive', 'false-positive', 'benign']);

/** The response vocabulary (Vietnamese UI wording lives in the web console's dictionary). */
export const RESPONSE_ACTIONS = [
  'isolate-host', // cô lập máy chủ
  'block-ip', // chặn IP
  'block-domain', // chặn tên miền
  'maintenance-page', // chuyển trang bảo trì / tạm dừng cổng
  'preserve-evidence', // thu thập, bảo toàn chứng cứ
  'remove-webshell', // gỡ webshell
  'remove-malware', // gỡ mã độc
  'patch', // vá lỗ hổng / cập nhật CMS
  'reset-credentials', // đổi mật khẩu quản trị, khóa tài khoản lạ
  'restore-backup', // khôi phục từ bản sao lưu sạch
  'review-shared-code', // rà soát các website dùng chung mã nguồn
  'request-coordination', // đề nghị hỗ trợ điều phối (VNCERT/CC)
  'heightened-monitoring', // giám sát tăng cường sau khôi phục
  'reassessment', // kiểm tra, đánh giá lại (Lớp 3)
  'rate-limit', // giới hạn truy cập / chống DDoS upstream
  'disable-account', // vô hiệu hoá tài khoản
] as const;
export const ResponseActionSchema = z.enum(RESPONSE_ACTIONS);
export type ResponseAction = z.infer<typeof ResponseActionSchema>;

/** Response actions whose target is an asset id (the triage rules and the console's target picker agree on it). */
export const HOST_TARGET_ACTIONS: ReadonlySet<ResponseAction> = new Set<ResponseAction>([
  'isolate-host',
  'maintenance-page',
  'remove-webshell',
  'remove-malware',
  'patch',
  'restore-backup',
  'reset-credentials',
  'heightened-monitoring',
  'reassessment',
  'preserve-evidence',
  'review-shared-code',
  'rate-limit',
  'disable-account',
]);

export const REPORT_KINDS = ['notification', 'emergency', 'initial', 'situation-update', 'response-plan', 'guidance-request', 'closing'] as const;
export const ReportKindSchema = z.enum(REPORT_KINDS).meta({
  description:
    'notification (Thông báo sự cố), emergency (Báo cáo khẩn cấp), initial (Báo cáo ban đầu), situation-update (Báo cáo diễn biến tình hình), response-plan (Phương án ứng cứu), guidance-request (Xin ý kiến chỉ đạo), closing (Báo cáo kết thúc).',
});
export type ReportKind = z.infer<typeof ReportKindSchema>;

export const REPORT_CONTENT_FIELDS = [
  'what-happened',
  'detected-at',
  'affected-systems',
  'security-level',
  'impact',
  'actions-taken',
  'iocs',
  'support-request',
] as const;
export const ReportContentFieldSchema = z.enum(REPORT_CONTENT_FIELDS);
export type ReportContentField = z.infer<typeof ReportContentFieldSchema>;

export const INCIDENT_PHASES = ['detection-analysis', 'containment', 'eradication', 'recovery', 'closed'] as const;
export const IncidentPhaseSchema = z.enum(INCIDENT_PHASES).meta({
  description: 'phát hiện và phân tích → ngăn chặn → loại bỏ → khôi phục → kết thúc.',
});

export const LegalClassSchema = z.enum(['ordinary', 'serious']).meta({
  description: 'sự cố thông thường (ordinary) or sự cố nghiêm trọng (serious).',
});

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

export const ObservableSchema = z
  .object({
    type: ObservableTypeSchema,
    value: z.string().min(1).max(2_000),
    role: z.enum(['attacker', 'victim', 'infrastructure', 'artifact']).optional(),
  })
  .strict();

/** ECS-like field map (`source.ip`, `url.original`, `process.command_line`, ...). Flat keys, scalar values. */
export const EcsFieldsSchema = z.record(
  z
    .string()
    .regex(/^[a-z@][a-z0-9_.@]*$/, 'ECS field names are lowercase dotted paths such as source.ip')
    .refine((key) => key !== 'constructor' && key !== 'prototype', 'reserved name'),
  z.union([z.string().max(10_000), z.number(), z.boolean()]),
);

/** A point in virtual time: an offset, or relative to when another event was (or will be) delivered. */
export const TimeRefSchema = z
  .union([DurationSchema, z.object({ event: IdSchema, plus: DurationSchema.optional() }).strict()])
  .meta({ description: 'An offset from the start ("40m"), or { event: id, plus: "10m" }: relative to an event\'s delivery.' });
export type TimeRef = z.output<typeof TimeRefSchema>;

export const AlertAnswerSchema = z
  .object({
    verdict: KeyVerdictSchema,
    severity: SeveritySchema,
    /** Party ids that must handle or be told about this alert; empty for noise. */
    routing: z.array(IdSchema).max(20).default([]),
    incident: IdSchema.nullable().default(null),
    /** A repeat of an earlier alert: closing it as a duplicate of that one is also right. */
    duplicateOf: IdSchema.optional(),
    rationale: TextSchema.optional(),
  })
  .strict();
export type AlertAnswer = z.output<typeof AlertAnswerSchema>;

const AlertBodyShape = {
  layer: LayerSchema,
  sensor: SensorSchema,
  severity: SeveritySchema.meta({ description: 'Severity as the sensor reports it (the key may disagree).' }),
  title: TextSchema,
  description: TextSchema,
  technique: AttackTechniqueSchema.optional(),
  phase: IdSchema.optional().meta({ description: 'Kill-chain phase id from `phases`.' }),
  asset: IdSchema.optional(),
  observables: z.array(ObservableSchema).max(100).default([]),
  raw: z.string().max(20_000).optional().meta({ description: 'Raw log excerpt as the sensor emitted it.' }),
  fields: EcsFieldsSchema.optional(),
  rule: z
    .object({ name: z.string().min(1).max(500), id: z.string().max(200).optional(), author: z.string().max(500).optional() })
    .strict()
    .optional()
    .meta({ description: 'Detection rule that matched (for Sigma rules the author must be shown: DRL-1.1).' }),
  answer: AlertAnswerSchema,
};

export const AlertEventSchema = z
  .object({
    id: IdSchema,
    kind: z.literal('alert').default('alert'),
    at: DurationSchema.optional(),
    after: z
      .object({ trigger: IdSchema, delay: DurationSchema.default(0) })
      .strict()
      .optional(),
    ...AlertBodyShape,
  })
  .strict();
export type AlertEvent = z.output<typeof AlertEventSchema>;

/** A template for generated noise and for the instructor's inject library (no id, no time). */
export const AlertTemplateSchema = z.object({ ...AlertBodyShape }).strict();
export type AlertTemplate = z.output<typeof AlertTemplateSchema>;

export const NoiseVariableSchema = z.union([
  z
    .object({
      pick: z
        .array(z.union([z.string(), z.number()]))
        .min(1)
        .max(10_000),
    })
    .strict(),
  z.object({ ipv4In: z.string().regex(/^\d{1,3}(?:\.\d{1,3}){3}\/(?:[8-9]|[12]\d|3[0-2])$/, 'must be an IPv4 CIDR such as 203.0.113.0/24') }).strict(),
  z.object({ int: z.tuple([z.number().int(), z.number().int()]) }).strict(),
  z.object({ hex: z.number().int().min(1).max(128) }).strict(),
]);

export const NoiseGeneratorSchema = z
  .object({
    id: IdSchema,
    description: TextSchema.optional(),
    count: z.number().int().min(1).max(1_000_000),
    between: z.tuple([DurationSchema, DurationSchema]).meta({ description: 'Virtual-time range the generated alerts fall in.' }),
    vars: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'variable names start with a letter'), NoiseVariableSchema).default({}),
    template: AlertTemplateSchema.meta({ description: 'Texts, raw and fields may use {{var}} placeholders.' }),
  })
  .strict();
export type NoiseGenerator = z.output<typeof NoiseGeneratorSchema>;

// ---------------------------------------------------------------------------------------------
// Triggers (consequences)
// ---------------------------------------------------------------------------------------------

export const ActionMatchSchema = z
  .object({
    action: ResponseActionSchema,
    target: z.string().min(1).max(500).optional().meta({ description: 'Asset id, IP or domain; omitted = any target.' }),
  })
  .strict();
export type ActionMatch = z.infer<typeof ActionMatchSchema>;

export type Condition =
  | { taken: ActionMatch & { by?: TimeRef } }
  | { notTaken: ActionMatch & { by: TimeRef } }
  | { verdict: { alert: string; is: z.infer<typeof VerdictSchema> } }
  | { routed: { to: string; alert?: string } }
  | { reported: { kind: ReportKind; by?: TimeRef } }
  | { delivered: string }
  | { time: TimeRef }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

export const ConditionSchema: z.ZodType<Condition, unknown> = z
  .lazy(() =>
    z.union([
      z.object({ taken: ActionMatchSchema.extend({ by: TimeRefSchema.optional() }).strict() }).strict(),
      z.object({ notTaken: ActionMatchSchema.extend({ by: TimeRefSchema }).strict() }).strict(),
      z.object({ verdict: z.object({ alert: IdSchema, is: VerdictSchema }).strict() }).strict(),
      z.object({ routed: z.object({ to: IdSchema, alert: IdSchema.optional() }).strict() }).strict(),
      z.object({ reported: z.object({ kind: ReportKindSchema, by: TimeRefSchema.optional() }).strict() }).strict(),
      z.object({ delivered: IdSchema }).strict(),
      z.object({ time: TimeRefSchema }).strict(),
      z.object({ all: z.array(ConditionSchema).min(1).max(50) }).strict(),
      z.object({ any: z.array(ConditionSchema).min(1).max(50) }).strict(),
      z.object({ not: ConditionSchema }).strict(),
    ]),
  )
  .meta({
    id: 'Condition',
    description:
      'taken: a response action was taken (by a time); notTaken: it was not taken by a time; verdict / routed / reported / delivered / time; all / any / not combine.',
  }) as unknown as z.ZodType<Condition, unknown>;

export const TriggerSchema = z
  .object({
    id: IdSchema,
    description: TextSchema,
    when: ConditionSchema,
    /** Events to cancel when the trigger fires (e.g. the defacement when the portal is on a maintenance page). */
    cancel: z.array(IdSchema).max(1_000).default([]),
    /** Cancel every pending event of these kill-chain phases (e.g. spread stops once the host is isolated). */
    cancelPhases: z.array(IdSchema).max(50).default([]),
    /** Only on these assets (with cancelPhases). */
    cancelAssets: z.array(IdSchema).max(50).optional(),
  })
  .strict();
export type Trigger = z.output<typeof TriggerSchema>;

// ---------------------------------------------------------------------------------------------
// Answer key beyond alerts: incidents, responses, reporting, hints, scoring
// ---------------------------------------------------------------------------------------------

export const IncidentKeySchema = z
  .object({
    id: IdSchema,
    title: TextSchema,
    severity: SeveritySchema,
    legalClass: LegalClassSchema,
    assets: z.array(IdSchema).min(1).max(100),
    /** Phases the team is expected to walk through, in order. */
    phases: z.array(IncidentPhaseSchema).default([...INCIDENT_PHASES]),
    rationale: TextSchema.optional(),
  })
  .strict();

export const ExpectedResponseSchema = z
  .object({
    id: IdSchema,
    action: ResponseActionSchema,
    target: z.string().min(1).max(500).optional(),
    incident: IdSchema.optional(),
    /** The window opens when this happens (default: scenario start). */
    from: TimeRefSchema.optional(),
    deadline: TimeRefSchema,
    points: z.number().int().min(0).max(1_000),
    required: z.boolean().default(true),
    description: TextSchema,
  })
  .strict();
export type ExpectedResponse = z.output<typeof ExpectedResponseSchema>;

export const HarmfulActionSchema = z
  .object({
    id: IdSchema,
    action: ResponseActionSchema,
    target: z.string().min(1).max(500).optional(),
    penalty: z.number().int().min(0).max(1_000),
    reason: TextSchema,
  })
  .strict();

export const ReportObligationSchema = z
  .object({
    id: IdSchema,
    kind: ReportKindSchema,
    incident: IdSchema.optional(),
    recipients: z.array(IdSchema).min(1).max(20).meta({ description: 'Parties the law requires the report to reach; each one missing costs its share.' }),
    inappropriateRecipients: z.array(IdSchema).max(20).default([]).meta({
      description:
        "Parties that must not receive this report (e.g. the press before the incident is closed). Any other extra recipient costs nothing; each of these costs a required recipient's share.",
    }),
    /** The deadline clock starts here: usually the delivery of the first alert that reveals the incident. */
    from: TimeRefSchema,
    deadline: DurationSchema.meta({ description: 'Virtual time allowed after `from`.' }),
    requiredContent: z.array(ReportContentFieldSchema).default([]),
    legalBasis: TextSchema,
    points: z.number().int().min(0).max(1_000),
  })
  .strict();
export type ReportObligation = z.output<typeof ReportObligationSchema>;

export const HintSchema = z
  .object({
    id: IdSchema,
    for: z.union([z.object({ alert: IdSchema }).strict(), z.object({ phase: IdSchema }).strict()]),
    text: TextSchema,
    penalty: z.number().int().min(0).max(1_000),
  })
  .strict();

export const ScoringSchema = z
  .object({
    maxScore: z.literal(1000).default(1000),
    weights: z
      .object({
        detection: z.number().int().min(0).max(1000),
        response: z.number().int().min(0).max(1000),
        coordination: z.number().int().min(0).max(1000),
        incident: z.number().int().min(0).max(1000),
      })
      .strict()
      .meta({ description: 'Points per component; must add up to 1000.' }),
    triageWindow: DurationSchema.refine((seconds) => seconds >= 60, 'must be at least a minute')
      .optional()
      .meta({
        description:
          "Triage window (default 30m): an alert's verdict and severity count as the team left them this long after its delivery (or at the end); trainees' live figures move only every window (T+W, T+2W …).",
      }),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// Scenario
// ---------------------------------------------------------------------------------------------

export const AssetSchema = z
  .object({
    id: IdSchema,
    kind: z.enum(ASSET_KINDS),
    name: TextSchema,
    hostname: z.string().max(253).optional(),
    addresses: z.array(z.string().max(100)).max(50).default([]),
    role: TextSchema.optional(),
    os: z.string().max(200).optional(),
    securityLevel: z.number().int().min(1).max(5).optional(),
    services: z.array(z.string().max(200)).max(50).default([]),
  })
  .strict();
export type Asset = z.output<typeof AssetSchema>;

export const PartySchema = z
  .object({
    id: IdSchema,
    kind: PartyKindSchema,
    layer: LayerSchema.nullable().default(null),
    name: TextSchema,
    /** A different name in another era (e.g. NCSC → Trung tâm An ninh mạng quốc gia). */
    eraNames: z.partialRecord(EraSchema, TextSchema).optional(),
    description: TextSchema.optional(),
  })
  .strict();
export type Party = z.output<typeof PartySchema>;

export const PhaseSchema = z
  .object({
    id: IdSchema,
    name: TextSchema,
    techniques: z.array(AttackTechniqueSchema).max(50).default([]),
  })
  .strict();

export const SourceSchema = z
  .object({
    title: z.string().min(1).max(500),
    url: z.string().max(2_000).optional(),
    licence: z.string().max(200).optional(),
    author: z.string().max(500).optional(),
    notes: z.string().max(5_000).optional(),
  })
  .strict();

/**
 * What the organisers (Ban tổ chức) tell the trainees before the drill: the only scenario text a
 * trainee ever reads besides assets and parties. It must name no decision point, no expected
 * response and no time: those belong to the answer key.
 */
export const BriefingSchema = z
  .object({
    situation: TextSchema.meta({
      description: 'The target system and the situation at the start, as the team knows it before the first alert. No attack step, no decision, no time.',
    }),
    role: TextSchema.meta({ description: "The team's role in the drill: whom it plays, what it is responsible for, what it can act on." }),
    rulesOfEngagement: z
      .array(TextSchema)
      .min(1)
      .max(30)
      .meta({ description: 'Rules of engagement (quy tắc diễn tập), one rule per item: what is allowed, what is out of bounds, how actions count.' }),
    contacts: z
      .array(
        z
          .object({
            party: IdSchema.meta({ description: 'A party id from `parties`.' }),
            role: TextSchema.meta({ description: 'Who this party is in the drill and who plays it (e.g. "played by the organisers").' }),
          })
          .strict(),
      )
      .max(100)
      .default([])
      .meta({ description: "Who is who: the parties the team deals with, in the organisers' words." }),
    reportingChannels: z
      .array(
        z
          .object({
            name: TextSchema.meta({ description: 'The channel, e.g. "the Reports tab of the console", "the organisers\' desk".' }),
            use: TextSchema.meta({ description: 'What goes through it and how; never which report is due when.' }),
          })
          .strict(),
      )
      .min(1)
      .max(20)
      .meta({ description: 'How the team reports and asks for help during the drill.' }),
  })
  .strict()
  .meta({ description: 'The trainee briefing (vi and en), kept apart from the instructor `description`.' });
export type Briefing = z.output<typeof BriefingSchema>;

export const ScenarioSchema = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(SCENARIO_SCHEMA_VERSION),
    id: IdSchema,
    version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as 1.0.0'),
    title: TextSchema,
    description: TextSchema.meta({ description: "The instructor's notes on the scenario: storyline and decision points. Never shown to trainees." }),
    briefing: BriefingSchema.optional().meta({ description: 'What trainees read before and during the drill (validators warn when it is missing).' }),
    difficulty: z.enum(['basic', 'intermediate', 'advanced', 'expert']),
    duration: DurationSchema.meta({ description: 'Estimated virtual duration of the drill.' }),
    tags: z.array(z.string().min(1).max(60)).max(50).default([]),
    techniques: z.array(AttackTechniqueSchema).max(200).default([]),
    era: EraSchema.default('2025').meta({ description: 'Default era; an exercise may choose another.' }),
    eras: z
      .array(EraSchema)
      .min(1)
      .default([...ERAS]),
    target: z
      .object({
        asset: IdSchema,
        name: TextSchema,
        securityLevel: z.number().int().min(1).max(5),
        nationalCritical: z.boolean().default(false),
      })
      .strict(),
    sources: z.array(SourceSchema).max(50).default([]),
    assets: z.array(AssetSchema).min(1).max(10_000),
    parties: z.array(PartySchema).min(1).max(100),
    phases: z.array(PhaseSchema).min(1).max(50),
    timeline: z.array(AlertEventSchema).min(1).max(1_000_000),
    noise: z.array(NoiseGeneratorSchema).max(100).default([]),
    injects: z
      .array(z.object({ id: IdSchema, ...AlertBodyShape }).strict())
      .max(500)
      .default([])
      .meta({ description: "The instructor's inject library: alerts delivered on demand." }),
    incidents: z.array(IncidentKeySchema).max(100).default([]),
    responses: z.array(ExpectedResponseSchema).max(500).default([]),
    harmful: z.array(HarmfulActionSchema).max(500).default([]),
    reporting: z.array(ReportObligationSchema).max(100).default([]),
    triggers: z.array(TriggerSchema).max(500).default([]),
    hints: z.array(HintSchema).max(500).default([]),
    scoring: ScoringSchema,
  })
  .strict()
  .meta({ title: 'SOC Drill scenario', description: 'A drill scenario for SOC Drill (scenario-as-code).' });

/** What a scenario file contains after parsing (durations as seconds, defaults filled). */
export type Scenario = z.output<typeof ScenarioSchema>;
/** What an author writes. */
export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type ScenarioAlert = Scenario['timeline'][number];
export type ScenarioInject = Scenario['injects'][number];
export type IncidentKey = Scenario['incidents'][number];
export type HarmfulAction = Scenario['harmful'][number];
export type Hint = Scenario['hints'][number];
