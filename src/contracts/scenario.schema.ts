import { z } from 'zod';
import { AttackTechniqueSchema, DurationSchema, EraSchema, ERAS, IdSchema, LayerSchema, SeveritySchema, TextSchema } from './common.schema.js';
import { ScenarioLogsSchema } from './raw-event.schema.js';

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
  'codebase', // a source-code repository or a CMS code base several sites share (issue #22)
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
export const PartyKindSchema = z.enum(PARTY_KINDS).meta({
  description:
    'operator (Đơn vị vận hành HTTT), owner (Chủ quản HTTT), provincial-csirt (Đội ứng cứu sự cố ATTT mạng tỉnh), specialised-unit (Đơn vị chuyên trách về ATTT), soc (Lớp 2), assessor (Lớp 3), national-monitoring (Lớp 4), national-coordinator (VNCERT/CC), vendor, other.',
});

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
export const ObservableTypeSchema = z.enum(OBSERVABLE_TYPES).meta({ description: 'What kind of indicator the value is.' });

export const VERDICTS = ['true-positive', 'false-positive', 'benign', 'duplicate'] as const;
export const VerdictSchema = z.enum(VERDICTS).meta({
  description: 'true-positive (Cảnh báo đúng), false-positive (Cảnh báo nhầm), benign (hợp lệ), duplicate (trùng lặp).',
});
export type Verdict = z.infer<typeof VerdictSchema>;

/** Answer-key verdicts: "duplicate" is a trainee shortcut, the key says what the alert really is. */
export const KeyVerdictSchema = z
  .enum(['true-positive', 'false-positive', 'benign'])
  .meta({ description: 'What the alert really is: true-positive (Cảnh báo đúng), false-positive (Cảnh báo nhầm) or benign (hợp lệ).' });

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
export const ResponseActionSchema = z
  .enum(RESPONSE_ACTIONS)
  .meta({ description: 'A response action of the fixed vocabulary (e.g. isolate-host: cô lập máy chủ).' });
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
export const ReportContentFieldSchema = z.enum(REPORT_CONTENT_FIELDS).meta({ description: 'A part of the report form the team must fill in.' });
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
    value: z.string().min(1).max(2_000).meta({ description: 'The indicator as the sensor shows it (an IP, a domain, a hash, ...).' }),
    role: z
      .enum(['attacker', 'victim', 'infrastructure', 'artifact'])
      .optional()
      .meta({ description: "The author's note of what the indicator is; never shown to trainees." }),
  })
  .strict()
  .meta({ description: 'An indicator (IOC) shown with the alert.' });

// --- Constructs block (issue #22): ECS values may be lists -----------------------------------
const EcsScalarSchema = z.union([z.string().max(10_000), z.number(), z.boolean()]);
/** One ECS value: a scalar, or a list of scalars as ECS keeps for related.ip, process.args, file.hash lists. */
export const EcsValueSchema = z
  .union([EcsScalarSchema, z.array(EcsScalarSchema).max(100)])
  .meta({ description: 'Text, number or boolean, or a list of up to 100 of them (e.g. related.ip: [203.0.113.5, 10.0.0.4]).' });
export type EcsValue = z.infer<typeof EcsValueSchema>;
// --- end of constructs block ----------------------------------------------------------------

/** ECS-like field map (`source.ip`, `url.original`, `process.command_line`, ...). Flat keys, scalar values. */
export const EcsFieldsSchema = z
  .record(
    z
      .string()
      .regex(/^[a-z@][a-z0-9_.@]*$/, 'ECS field names are lowercase dotted paths such as source.ip')
      .refine((key) => key !== 'constructor' && key !== 'prototype', 'reserved name'),
    EcsValueSchema,
  )
  .meta({
    description:
      'ECS-like fields shown with the alert: flat lowercase dotted keys (source.ip, url.original); a text, number or boolean value, or a list of them (related.ip: [a, b]).',
  });

/** A point in virtual time: an offset, or relative to when another event was (or will be) delivered. */
export const TimeRefSchema = z
  .union([
    DurationSchema,
    z
      .object({
        event: IdSchema.meta({ description: 'A timeline alert id: the time is when that alert was delivered to the team.' }),
        plus: DurationSchema.optional().meta({ description: 'Added to the delivery time (default 0).' }),
      })
      .strict(),
  ])
  .meta({ description: 'An offset from the start ("40m"), or { event: id, plus: "10m" }: relative to an event\'s delivery.' });
export type TimeRef = z.output<typeof TimeRefSchema>;

export const AlertAnswerSchema = z
  .object({
    verdict: KeyVerdictSchema,
    severity: SeveritySchema.meta({ description: 'The severity the team should set.' }),
    /** Party ids that must handle or be told about this alert; empty for noise. */
    routing: z.array(IdSchema).max(20).default([]).meta({ description: 'Party ids that must handle or be told about this alert; empty for noise.' }),
    incident: IdSchema.nullable()
      .default(null)
      .meta({ description: 'The incident (from `incidents`) this alert belongs to; required for a true positive, null for noise.' }),
    /** A repeat of an earlier alert: closing it as a duplicate of that one is also right. */
    duplicateOf: IdSchema.optional().meta({ description: 'An earlier alert this one repeats: closing it as a duplicate of that one is also right.' }),
    rationale: TextSchema.optional().meta({ description: 'Why this is the answer; shown in the after-action review.' }),
  })
  .strict()
  .meta({ description: 'The answer key for the alert (never shown to trainees during the drill).' });
export type AlertAnswer = z.output<typeof AlertAnswerSchema>;

const AlertBodyShape = {
  layer: LayerSchema.meta({ description: 'The layer the alert comes from: 1 on-site, 2 SOC, 3 assessor, 4 national monitoring.' }),
  sensor: SensorSchema,
  severity: SeveritySchema.meta({ description: 'Severity as the sensor reports it (the key may disagree).' }),
  title: TextSchema.meta({ description: 'The alert title trainees see in the queue.' }),
  description: TextSchema.meta({ description: 'The alert text trainees see.' }),
  technique: AttackTechniqueSchema.optional().meta({ description: 'ATT&CK technique the alert shows (trainees see it).' }),
  phase: IdSchema.optional().meta({ description: 'Kill-chain phase id from `phases` (not shown to trainees; triggers can cancel by phase).' }),
  asset: IdSchema.optional().meta({ description: 'The asset id the alert is about.' }),
  observables: z.array(ObservableSchema).max(100).default([]).meta({ description: 'Indicators shown with the alert.' }),
  raw: z.string().max(20_000).optional().meta({ description: 'Raw log excerpt as the sensor emitted it.' }),
  fields: EcsFieldsSchema.optional(),
  rule: z
    .object({
      name: z.string().min(1).max(500).meta({ description: 'Rule title.' }),
      id: z.string().max(200).optional().meta({ description: 'Rule id (e.g. the Sigma rule UUID).' }),
      author: z.string().max(500).optional().meta({ description: 'Rule author, shown to trainees.' }),
    })
    .strict()
    .optional()
    .meta({ description: 'Detection rule that matched (for Sigma rules the author must be shown: DRL-1.1).' }),
  answer: AlertAnswerSchema,
};

export const AlertEventSchema = z
  .object({
    id: IdSchema.meta({ description: 'Alert id, unique among alerts, noise ids and injects; never shown to trainees.' }),
    kind: z.literal('alert').default('alert').meta({ description: 'Always "alert" (may be left out).' }),
    at: DurationSchema.optional().meta({
      description: 'Offset from the start. With `after` too: the earliest it may arrive (max(at, trigger + delay)).',
    }),
    after: z
      .object({
        trigger: IdSchema.meta({ description: 'The trigger (from `triggers`) that releases this alert.' }),
        delay: DurationSchema.default(0).meta({ description: 'Time after the trigger fires (default 0).' }),
      })
      .strict()
      .optional()
      .meta({ description: 'Released when a trigger fires, plus `delay`; never delivered if the trigger never fires.' }),
    ...AlertBodyShape,
  })
  .strict();
export type AlertEvent = z.output<typeof AlertEventSchema>;

/** A template for generated noise and for the instructor's inject library (no id, no time). */
export const AlertTemplateSchema = z.object({ ...AlertBodyShape }).strict();
export type AlertTemplate = z.output<typeof AlertTemplateSchema>;

export const NoiseVariableSchema = z
  .union([
    z
      .object({
        pick: z
          .array(z.union([z.string(), z.number()]))
          .min(1)
          .max(10_000)
          .meta({ description: 'One of these values, picked at random (seeded).' }),
      })
      .strict(),
    z
      .object({
        ipv4In: z
          .string()
          .regex(/^\d{1,3}(?:\.\d{1,3}){3}\/(?:[8-9]|[12]\d|3[0-2])$/, 'must be an IPv4 CIDR such as 203.0.113.0/24')
          .meta({ description: 'A random address in this IPv4 CIDR (prefix /8 to /32).' }),
      })
      .strict(),
    z.object({ int: z.tuple([z.number().int(), z.number().int()]).meta({ description: '[min, max]: a random whole number, both ends included.' }) }).strict(),
    z.object({ hex: z.number().int().min(1).max(128).meta({ description: 'A random hexadecimal string of this many characters.' }) }).strict(),
  ])
  .meta({ description: 'A noise variable: pick, ipv4In, int or hex.' });

export const NoiseGeneratorSchema = z
  .object({
    id: IdSchema.meta({ description: 'Generator id; the generated alerts are <id>-1, <id>-2, ... (never shown to trainees).' }),
    description: TextSchema.optional().meta({ description: "The author's note on what this noise stands for." }),
    count: z.number().int().min(1).max(1_000_000).meta({ description: 'How many alerts to generate.' }),
    between: z.tuple([DurationSchema, DurationSchema]).meta({ description: 'Virtual-time range the generated alerts fall in.' }),
    vars: z
      .record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/, 'variable names start with a letter'), NoiseVariableSchema)
      .default({})
      .meta({ description: 'Variables for {{name}} placeholders, drawn anew for every generated alert.' }),
    template: AlertTemplateSchema.meta({ description: 'Texts, raw and fields may use {{var}} placeholders.' }),
  })
  .strict()
  .meta({ description: 'A generator of seeded benign or false-positive alerts.' });
export type NoiseGenerator = z.output<typeof NoiseGeneratorSchema>;

// ---------------------------------------------------------------------------------------------
// Triggers (consequences)
// ---------------------------------------------------------------------------------------------

export const ActionMatchSchema = z
  .object({
    action: ResponseActionSchema,
    target: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .meta({ description: 'Asset id, account, IP or CIDR, domain or party id, compared case-insensitively; omitted = any target.' }),
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
      z
        .object({
          taken: ActionMatchSchema.extend({ by: TimeRefSchema.optional().meta({ description: 'Taken at or before this time; omitted = ever.' }) })
            .strict()
            .meta({ description: 'True once the team has taken this response action (on this target).' }),
        })
        .strict(),
      z
        .object({
          notTaken: ActionMatchSchema.extend({ by: TimeRefSchema.meta({ description: 'Checked at this time: an action at or after it is too late.' }) })
            .strict()
            .meta({ description: 'True at `by` if the team had not taken the action (on this target) before it.' }),
        })
        .strict(),
      z
        .object({
          verdict: z
            .object({
              alert: IdSchema.meta({ description: 'Alert id.' }),
              is: VerdictSchema.meta({ description: "The team's current verdict on that alert." }),
            })
            .strict()
            .meta({ description: "True while the team's current verdict on the alert is `is`." }),
        })
        .strict(),
      z
        .object({
          routed: z
            .object({
              to: IdSchema.meta({ description: 'Party id.' }),
              alert: IdSchema.optional().meta({ description: 'Only a routing of this alert counts; omitted = any routing to the party.' }),
            })
            .strict()
            .meta({ description: 'True once the team has routed something (this alert) to the party.' }),
        })
        .strict(),
      z
        .object({
          reported: z
            .object({
              kind: ReportKindSchema,
              by: TimeRefSchema.optional().meta({ description: 'Filed at or before this time; omitted = ever.' }),
            })
            .strict()
            .meta({ description: 'True once the team has filed a report of this kind.' }),
        })
        .strict(),
      z.object({ delivered: IdSchema.meta({ description: 'True once this timeline alert has been delivered to the team.' }) }).strict(),
      z.object({ time: TimeRefSchema.meta({ description: 'True from this time on.' }) }).strict(),
      z.object({ all: z.array(ConditionSchema).min(1).max(50).meta({ description: 'True when every condition is.' }) }).strict(),
      z.object({ any: z.array(ConditionSchema).min(1).max(50).meta({ description: 'True when at least one condition is.' }) }).strict(),
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
    id: IdSchema.meta({ description: 'Trigger id, named by `after.trigger` of the alerts it releases.' }),
    description: TextSchema.meta({ description: "The author's note on the consequence (instructors see it, trainees do not)." }),
    when: ConditionSchema,
    /** Events to cancel when the trigger fires (e.g. the defacement when the portal is on a maintenance page). */
    cancel: z.array(IdSchema).max(1_000).default([]).meta({ description: 'Timeline alert ids to cancel if not delivered yet.' }),
    /** Cancel every pending event of these kill-chain phases (e.g. spread stops once the host is isolated). */
    cancelPhases: z
      .array(IdSchema)
      .max(50)
      .default([])
      .meta({ description: 'Cancel every undelivered alert, and every raw event not yet happened, of these phases.' }),
    /** Only on these assets (with cancelPhases). */
    cancelAssets: z.array(IdSchema).max(50).optional().meta({ description: 'With cancelPhases: only the alerts (and raw events) about these assets.' }),
    /** Raw events the firing stops from happening (the attacker's later log lines once the host is isolated). */
    cancelLogs: z.array(IdSchema).max(1_000).default([]).meta({
      description:
        'Raw events (from `logs`) to cancel: each entry is a raw event `id` or `group`; events after the firing then never happen for the team. `cancelPhases` drops raw events of those phases too.',
    }),
  })
  .strict()
  .meta({ description: 'A consequence: fires once per team, the first time `when` holds; cancels and releases alerts and raw events.' });
export type Trigger = z.output<typeof TriggerSchema>;

// ---------------------------------------------------------------------------------------------
// Constructs block (issue #22): conditional key, ordering, response target choices, placeholders
// ---------------------------------------------------------------------------------------------

/** An answer-key entry that counts only for teams where a trigger fired (or did not). */
export const OnlyIfSchema = z
  .union([
    z.object({ fired: IdSchema.meta({ description: 'A trigger id: the entry counts only if this trigger fired for the team.' }) }).strict(),
    z.object({ notFired: IdSchema.meta({ description: 'A trigger id: the entry counts only if this trigger never fired for the team.' }) }).strict(),
  ])
  .meta({
    description:
      '{ fired: trigger } or { notFired: trigger }: the entry is part of the key only for the teams where the trigger fired (did not fire) by the end; for the others it is not applicable.',
  });
export type OnlyIf = z.output<typeof OnlyIfSchema>;

export const RESPONSE_TARGET_KINDS = ['asset', 'account', 'address', 'domain', 'file'] as const;
export const ResponseTargetKindSchema = z.enum(RESPONSE_TARGET_KINDS).meta({
  description:
    'asset (an asset id: host actions), account (reset-credentials, disable-account), address (an IP or CIDR: block-ip), domain (block-domain), file (a path: remove-webshell, remove-malware, preserve-evidence).',
});
export type ResponseTargetKind = z.infer<typeof ResponseTargetKindSchema>;

/** Which target kinds each response action takes (request-coordination names a party, always from `parties`). */
export const TARGET_KINDS_OF_ACTION: Readonly<Record<ResponseAction, readonly ResponseTargetKind[]>> = {
  'isolate-host': ['asset'],
  'block-ip': ['address'],
  'block-domain': ['domain'],
  'maintenance-page': ['asset'],
  'preserve-evidence': ['asset', 'file'],
  'remove-webshell': ['asset', 'file'],
  'remove-malware': ['asset', 'file'],
  patch: ['asset'],
  'reset-credentials': ['asset', 'account'],
  'restore-backup': ['asset'],
  'review-shared-code': ['asset'],
  'request-coordination': [],
  'heightened-monitoring': ['asset'],
  reassessment: ['asset'],
  'rate-limit': ['asset'],
  'disable-account': ['asset', 'account'],
};

export const ResponseTargetChoiceSchema = z
  .object({
    kind: ResponseTargetKindSchema,
    value: z
      .string()
      .trim()
      .min(1)
      .max(500)
      .meta({ description: 'The target as the action records it: an asset id, account name, IP or CIDR, domain or file path.' }),
    label: TextSchema.optional().meta({ description: 'What the picker shows next to the value (trainees see it): never say whether it is the right target.' }),
  })
  .strict()
  .meta({ description: 'A target trainees may pick.' });
export type ResponseTargetChoice = z.output<typeof ResponseTargetChoiceSchema>;

export const ResponseTargetsSchema = z
  .object({
    choices: z.array(ResponseTargetChoiceSchema).max(2_000).default([]).meta({
      description:
        'The targets the console offers in its searchable picker (trainees see all of them, so include decoys). Without an `asset` choice every asset of the scenario is offered to host actions.',
    }),
    freeText: z
      .array(ResponseActionSchema)
      .max(RESPONSE_ACTIONS.length)
      .default([])
      .meta({ description: 'Actions whose target a trainee may also type freely (any well-formed target); for every other action only a choice is accepted.' }),
  })
  .strict()
  .meta({
    description:
      'Response targets offered as choices. When present, a response target must be one of `choices` (or, for host actions without asset choices, any asset) unless its action is in `freeText`; when absent, targets are typed freely as before.',
  });
export type ResponseTargets = z.output<typeof ResponseTargetsSchema>;

// --- end of constructs block ----------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// Answer key beyond alerts: incidents, responses, reporting, hints, scoring
// ---------------------------------------------------------------------------------------------

export const IncidentKeySchema = z
  .object({
    id: IdSchema.meta({ description: 'Incident id, named by `answer.incident`, responses and reports.' }),
    title: TextSchema.meta({ description: 'What the incident is (answer key).' }),
    severity: SeveritySchema.meta({ description: 'The severity the team should give the incident.' }),
    legalClass: LegalClassSchema,
    assets: z.array(IdSchema).min(1).max(100).meta({ description: 'Asset ids the incident affects.' }),
    /** Phases the team is expected to walk through, in order. */
    phases: z
      .array(IncidentPhaseSchema)
      .default([...INCIDENT_PHASES])
      .meta({ description: 'Response phases the team is expected to walk through, in order (default: all five).' }),
    rationale: TextSchema.optional().meta({ description: 'Why, for the after-action review.' }),
    playbook: IdSchema.optional().meta({
      description:
        "The playbook (from `playbooks`) this incident calls for. The after-action review names it; the console offers every playbook to every incident, so the choice stays the team's.",
    }),
  })
  .strict()
  .meta({ description: 'An expected incident (answer key).' });

export const PlaybookTaskSchema = z
  .object({
    id: IdSchema.meta({ description: 'Task id, unique within its playbook.' }),
    title: TextSchema.meta({ description: 'What to do, as an imperative line (trainees see it as a task of their incident).' }),
    description: TextSchema.optional().meta({ description: 'How to do it or what to look for (shown under the task).' }),
  })
  .strict()
  .meta({ description: 'One task of a playbook.' });

export const PlaybookSchema = z
  .object({
    id: IdSchema.meta({ description: 'Playbook id, named by `incidents[].playbook`.' }),
    title: TextSchema.meta({ description: 'The playbook\'s name as the team picks it (e.g. "Xử lý sự cố thay đổi giao diện website").' }),
    tasks: z.array(PlaybookTaskSchema).min(1).max(100).meta({ description: 'The tasks, in the order the team should work them.' }),
  })
  .strict()
  .meta({
    description:
      "A response playbook (quy trình ứng cứu): the organisation's standing procedure, public to trainees like the briefing. Applied to an incident, its tasks become the incident's checklist.",
  });

export const ExpectedResponseSchema = z
  .object({
    id: IdSchema.meta({ description: 'Expected-response id.' }),
    action: ResponseActionSchema,
    target: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .meta({ description: 'What the trainee must name: asset id, account, IP or CIDR, domain or party id (case-insensitive). Omitted: any target.' }),
    incident: IdSchema.optional().meta({ description: 'The incident this response belongs to.' }),
    /** The window opens when this happens (default: scenario start). */
    from: TimeRefSchema.optional().meta({ description: 'The window opens at this time (default: the start).' }),
    deadline: TimeRefSchema.meta({ description: 'The window closes at this time: an offset from the start or { event, plus }, not a span after `from`.' }),
    points: z.number().int().min(0).max(1_000).meta({ description: 'Points (before scaling to the response weight).' }),
    required: z.boolean().default(true).meta({ description: 'false: not taking it costs nothing (default true).' }),
    description: TextSchema.meta({ description: 'What the response is, for instructors and the after-action review.' }),
    // Constructs (issue #22):
    onlyIf: OnlyIfSchema.optional(),
    takenAfter: z.array(IdSchema).min(1).max(20).optional().meta({
      description:
        'Expected-response ids that must be taken first (e.g. preserve-evidence before restore-backup): taken before any of them, this response earns nothing (RESPONSE_OUT_OF_ORDER).',
    }),
  })
  .strict()
  .meta({ description: 'An expected response action with its window (answer key).' });
export type ExpectedResponse = z.output<typeof ExpectedResponseSchema>;

export const HarmfulActionSchema = z
  .object({
    id: IdSchema.meta({ description: 'Harmful-action id.' }),
    action: ResponseActionSchema,
    target: z.string().min(1).max(500).optional().meta({ description: 'The target that makes the action harmful (case-insensitive); omitted: any target.' }),
    penalty: z.number().int().min(0).max(1_000).meta({ description: 'Points taken off the response component.' }),
    reason: TextSchema.meta({ description: 'Why it is harmful, for the after-action review.' }),
    onlyIf: OnlyIfSchema.optional(), // constructs (issue #22)
  })
  .strict()
  .meta({ description: 'An action that does harm, with its penalty (answer key).' });

export const ReportObligationSchema = z
  .object({
    id: IdSchema.meta({ description: 'Obligation id.' }),
    kind: ReportKindSchema,
    incident: IdSchema.optional().meta({ description: 'The incident the report is about.' }),
    recipients: z.array(IdSchema).min(1).max(20).meta({ description: 'Parties the law requires the report to reach; each one missing costs its share.' }),
    inappropriateRecipients: z.array(IdSchema).max(20).default([]).meta({
      description:
        "Parties that must not receive this report (e.g. the press before the incident is closed). Any other extra recipient costs nothing; each of these costs a required recipient's share.",
    }),
    /** The deadline clock starts here: usually the delivery of the first alert that reveals the incident. */
    from: TimeRefSchema.meta({ description: 'The deadline clock starts here: usually { event: <first alert that reveals the incident> }.' }),
    deadline: DurationSchema.meta({ description: 'Virtual time allowed after `from` (a span, not a point in time).' }),
    requiredContent: z.array(ReportContentFieldSchema).default([]).meta({ description: 'Parts of the report form that must be filled in.' }),
    legalBasis: TextSchema.meta({ description: 'The legal text behind the obligation, e.g. QĐ 05/2017/QĐ-TTg Điều 11.' }),
    points: z.number().int().min(0).max(1_000).meta({ description: 'Points (before scaling to the coordination weight).' }),
    onlyIf: OnlyIfSchema.optional(), // constructs (issue #22)
  })
  .strict()
  .meta({ description: 'A reporting obligation (rule pack entry).' });
export type ReportObligation = z.output<typeof ReportObligationSchema>;

export const HintSchema = z
  .object({
    id: IdSchema.meta({ description: 'Hint id.' }),
    for: z
      .union([
        z.object({ alert: IdSchema.meta({ description: 'An alert id.' }) }).strict(),
        z.object({ phase: IdSchema.meta({ description: 'A phase id.' }) }).strict(),
      ])
      .meta({ description: 'What the hint helps with: { alert: id } or { phase: id }.' }),
    text: TextSchema.meta({ description: 'The hint; a trainee reads it only after buying it.' }),
    penalty: z.number().int().min(0).max(1_000).meta({ description: 'Points a bought hint costs.' }),
  })
  .strict()
  .meta({ description: 'A hint trainees may buy.' });

export const ScoringSchema = z
  .object({
    maxScore: z.literal(1000).default(1000).meta({ description: 'Always 1000.' }),
    weights: z
      .object({
        detection: z.number().int().min(0).max(1000).meta({ description: 'Points for verdicts and severities of the alerts.' }),
        response: z.number().int().min(0).max(1000).meta({ description: 'Points for expected responses (less harmful actions).' }),
        coordination: z.number().int().min(0).max(1000).meta({ description: 'Points for routing, reports and the legal class of incidents.' }),
        incident: z.number().int().min(0).max(1000).meta({ description: 'Points for incidents: grouping of alerts, severity, phases walked, closing.' }),
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
  .strict()
  .meta({ description: 'Score weights and the triage window.' });

// ---------------------------------------------------------------------------------------------
// Scenario
// ---------------------------------------------------------------------------------------------

export const AssetSchema = z
  .object({
    id: IdSchema.meta({ description: 'Asset id: trainees see it and type it as the target of host actions.' }),
    kind: z.enum(ASSET_KINDS).meta({ description: 'What the asset is.' }),
    name: TextSchema.meta({ description: 'Asset name.' }),
    hostname: z.string().max(253).optional().meta({ description: 'Host name.' }),
    addresses: z.array(z.string().max(100)).max(50).default([]).meta({ description: 'IP addresses.' }),
    role: TextSchema.optional().meta({ description: 'What the asset does.' }),
    os: z.string().max(200).optional().meta({ description: 'Operating system.' }),
    securityLevel: z.number().int().min(1).max(5).optional().meta({ description: 'Cấp độ 1–5 of the system it belongs to.' }),
    services: z.array(z.string().max(200)).max(50).default([]).meta({ description: 'Services it runs (e.g. "nginx 1.18", "https/443").' }),
  })
  .strict()
  .meta({ description: 'A host or service (trainees see the assets).' });
export type Asset = z.output<typeof AssetSchema>;

export const PartySchema = z
  .object({
    id: IdSchema.meta({ description: 'Party id: trainees see it and route, report and request coordination with it.' }),
    kind: PartyKindSchema,
    layer: LayerSchema.nullable().default(null).meta({ description: 'The layer (1–4) the party belongs to, or null (owner, coordinator, vendor).' }),
    name: TextSchema.meta({ description: 'Party name.' }),
    /** A different name in another era (e.g. NCSC → Trung tâm An ninh mạng quốc gia). */
    eraNames: z
      .partialRecord(EraSchema, TextSchema)
      .optional()
      .meta({ description: 'The name in a given era, keyed "pre-2025" or "2025" (e.g. NCSC → Trung tâm An ninh mạng quốc gia).' }),
    description: TextSchema.optional().meta({ description: 'Who the party is (trainees see it).' }),
  })
  .strict()
  .meta({ description: 'A party: one of the four layers, or a reporting recipient.' });
export type Party = z.output<typeof PartySchema>;

export const PhaseSchema = z
  .object({
    id: IdSchema.meta({ description: 'Phase id, named by alerts, hints and cancelPhases.' }),
    name: TextSchema.meta({ description: 'Phase name, e.g. Khai thác lỗ hổng.' }),
    techniques: z.array(AttackTechniqueSchema).max(50).default([]).meta({ description: 'ATT&CK techniques of the phase.' }),
  })
  .strict()
  .meta({ description: 'A kill-chain phase.' });

export const SourceSchema = z
  .object({
    title: z.string().min(1).max(500).meta({ description: 'Title of the source.' }),
    url: z.string().max(2_000).optional().meta({ description: 'Where to find it.' }),
    licence: z.string().max(200).optional().meta({ description: 'Its licence (e.g. DRL-1.1 for Sigma rules).' }),
    author: z.string().max(500).optional().meta({ description: 'Its author.' }),
    notes: z.string().max(5_000).optional().meta({ description: 'What was taken from it.' }),
  })
  .strict()
  .meta({ description: 'A source the scenario draws on (article, rule set), with its licence.' });

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

// ---------------------------------------------------------------------------------------------
// Self-paced practice (luyện tập). Coaching hints shown only in a trainee's solo practice run,
// never in a graded drill; kept apart from `hints` (the priced hints every run offers).
// ---------------------------------------------------------------------------------------------
export const PracticeHintSchema = z
  .object({
    id: IdSchema.meta({ description: 'Practice hint id (never sent to trainees).' }),
    for: z
      .union([
        z.object({ alert: IdSchema.meta({ description: 'A timeline alert id: the hint is offered on that alert.' }) }).strict(),
        z.object({ phase: IdSchema.meta({ description: 'A phase id: the hint is offered on any delivered alert of that phase.' }) }).strict(),
      ])
      .meta({ description: 'What the hint coaches: { alert: id } (one alert) or { phase: id } (an attack stage).' }),
    text: TextSchema.meta({ description: 'The coaching text (vi and en); the trainee reads it on request in a practice run.' }),
  })
  .strict()
  .meta({ description: 'A coaching hint for self-paced practice runs only.' });
export type PracticeHint = z.output<typeof PracticeHintSchema>;
// ---------------------------------------------------------------------------------------------

export const ScenarioSchema = z
  .object({
    $schema: z.string().optional().meta({ description: 'Path or URL of this JSON Schema, for editors; ignored.' }),
    schemaVersion: z.literal(SCENARIO_SCHEMA_VERSION).meta({ description: 'Version of the scenario format: 1.' }),
    id: IdSchema.meta({ description: 'Scenario id (lowercase slug), unique in its library.' }),
    version: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version such as 1.0.0')
      .meta({ description: 'Semantic version, quoted or not: "1.0.0". A new upload must be higher.' }),
    title: TextSchema.meta({ description: 'Scenario title (trainees see it).' }),
    description: TextSchema.meta({ description: "The instructor's notes on the scenario: storyline and decision points. Never shown to trainees." }),
    briefing: BriefingSchema.optional().meta({ description: 'What trainees read before and during the drill (validators warn when it is missing).' }),
    difficulty: z.enum(['basic', 'intermediate', 'advanced', 'expert']).meta({ description: 'basic, intermediate, advanced or expert.' }),
    duration: DurationSchema.meta({ description: 'Virtual duration: the exercise ends here (unless overtime is allowed); every time must fit in it.' }),
    wallClockStart: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/, 'must be a time of day such as 08:00 or 08:00:00')
      .optional()
      .meta({
        description:
          'The time of day at T+0 in the raw logs (HH:MM or HH:MM:SS), e.g. 08:00: the console then shows every virtual time as this clock, consistent with the logs.',
      }),
    // Constructs (issue #22): the date of T+0 for {{now|...}} placeholders with date tokens.
    wallClockDate: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date such as 2025-05-20 (quote it)')
      .optional()
      .meta({ description: 'The calendar date at T+0 (YYYY-MM-DD, Vietnam time): needed by {{now|...}} formats that print a date (YYYY, MM, DD, MMM).' }),
    tags: z.array(z.string().min(1).max(60)).max(50).default([]).meta({ description: 'Free tags for the library.' }),
    techniques: z.array(AttackTechniqueSchema).max(200).default([]).meta({ description: 'ATT&CK techniques the scenario covers.' }),
    era: EraSchema.default('2025').meta({ description: 'Default era; an exercise may choose another.' }),
    eras: z
      .array(EraSchema)
      .min(1)
      .default([...ERAS])
      .meta({ description: 'Eras an exercise may choose (default both); must include `era`.' }),
    target: z
      .object({
        asset: IdSchema.meta({ description: 'The asset id of the target system.' }),
        name: TextSchema.meta({ description: 'Name of the target system (trainees see it).' }),
        securityLevel: z.number().int().min(1).max(5).meta({ description: 'Cấp độ 1–5 of the target system.' }),
        nationalCritical: z
          .boolean()
          .default(false)
          .meta({ description: 'On the national-critical list: context for the legal class; scoring uses `legalClass` of `incidents`.' }),
      })
      .strict()
      .meta({ description: 'The target system of the drill.' }),
    sources: z.array(SourceSchema).max(50).default([]).meta({ description: 'Sources and licences; kept when the scenario is copied.' }),
    assets: z.array(AssetSchema).min(1).max(10_000).meta({ description: 'Hosts and services.' }),
    parties: z.array(PartySchema).min(1).max(100).meta({ description: 'The parties: the four layers and the reporting recipients.' }),
    phases: z.array(PhaseSchema).min(1).max(50).meta({ description: 'The kill chain.' }),
    timeline: z.array(AlertEventSchema).min(1).max(1_000_000).meta({ description: 'The scripted alerts, each `at` a time and/or `after` a trigger.' }),
    noise: z.array(NoiseGeneratorSchema).max(100).default([]).meta({ description: 'Generators of seeded noise.' }),
    injects: z
      .array(z.object({ id: IdSchema, ...AlertBodyShape }).strict())
      .max(500)
      .default([])
      .meta({ description: "The instructor's inject library: alerts delivered on demand." }),
    playbooks: z
      .array(PlaybookSchema)
      .max(50)
      .default([])
      .meta({ description: 'Response playbooks the team may apply to its incidents (public, like the briefing; not the answer key).' }),
    incidents: z.array(IncidentKeySchema).max(100).default([]).meta({ description: 'Expected incidents (answer key).' }),
    responses: z.array(ExpectedResponseSchema).max(500).default([]).meta({ description: 'Expected response actions (answer key).' }),
    harmful: z.array(HarmfulActionSchema).max(500).default([]).meta({ description: 'Harmful actions and their penalties (answer key).' }),
    reporting: z.array(ReportObligationSchema).max(100).default([]).meta({ description: 'Reporting obligations (answer key).' }),
    triggers: z.array(TriggerSchema).max(500).default([]).meta({ description: 'Consequences of what the team does, and does not do.' }),
    hints: z.array(HintSchema).max(500).default([]).meta({ description: 'Hints trainees may buy.' }),
    practiceHints: z
      .array(PracticeHintSchema)
      .max(500)
      .optional()
      .meta({ description: 'Coaching hints for self-paced practice runs only (never offered in a graded drill); each one taken is listed in the debrief.' }),
    logs: ScenarioLogsSchema.optional().meta({
      description:
        'The raw-event corpus trainees search ("Tra cứu nhật ký"): inline events, sibling NDJSON files and seeded background traffic. A team sees an event only once its virtual time has passed, and only the events its own actions produced.',
    }),
    responseTargets: ResponseTargetsSchema.optional(), // constructs (issue #22)
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
export type Playbook = Scenario['playbooks'][number];
