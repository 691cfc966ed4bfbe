import type { Scenario } from '../contracts/scenario.schema.js';
import type {
  AarAnnotation,
  AarLabels,
  AarTimelineEntry,
  AfterActionReview,
  LineItem,
  ManualAdjustment,
  ReportGrade,
  TeamScore,
} from '../contracts/scoring.schema.js';
import type { RecordedAction } from '../contracts/triage.schema.js';
import { AnswerKey } from './answer-key.js';
import { findingText, ScenarioNames } from './review-findings.js';
import { COMPONENT_WORDS, formatNumber, INCIDENT_PHASE_WORDS, REPORT_KIND_WORDS, SEVERITY_WORDS, VERDICT_WORDS, word } from './review-vocabulary.js';
import type { ScoringDeliveredEvent } from './score.js';

/**
 * The after-action review (đánh giá sau diễn tập) of one team: the attack stages as the team saw
 * them, the alerts delivered and the team's actions on one timeline, annotated from the score's line
 * items and evidence, with what was missed and what the ideal response would have been.
 *
 * Pure: the same inputs give the same review. Scenario texts are copied verbatim (they are
 * untrusted: the HTML renderer escapes them).
 */

export interface ReviewInput {
  readonly exerciseId: string;
  readonly teamId: string;
  readonly teamName: string;
  readonly scenario: Scenario;
  /** The team's full score (detail 'full'): the annotations are built from its line items. */
  readonly score: TeamScore;
  readonly delivered: readonly ScoringDeliveredEvent[];
  readonly actions: readonly RecordedAction[];
  readonly adjustments: readonly ManualAdjustment[];
  /** The instructors' hand grades of the team's reports, oldest first (the latest of each report is shown). */
  readonly reportGrades?: readonly ReportGrade[];
  /** The opaque alert reference the team's console used for an event (to cross-reference the debrief). */
  readonly refOf?: (eventId: string) => string;
}

type Text = { readonly vi: string; readonly en: string };
type Tone = AarAnnotation['tone'];

export function buildAfterActionReview(input: ReviewInput): AfterActionReview {
  const { scenario, score } = input;
  const key = new AnswerKey(scenario);
  const items: LineItem[] = [
    ...score.components.detection.items,
    ...score.components.response.items,
    ...score.components.coordination.items,
    ...score.components.incident.items,
  ];

  // Delivered alerts with their key.
  const firstDelivery = new Map<string, number>();
  const deliveredInfo = input.delivered
    .filter((d) => {
      if (firstDelivery.has(d.eventId)) return false;
      firstDelivery.set(d.eventId, d.virtualMs);
      return true;
    })
    .map((d) => ({ ...d, key: key.alert(d.eventId, d.injectId) }));
  const names = new ScenarioNames(scenario);
  const titleOf = (alertId: string): Text => names.alert(alertId);
  const titleOfDelivered = (d: (typeof deliveredInfo)[number]): Text => (d.injectId !== undefined ? titleOf(d.injectId) : titleOf(d.eventId));
  const injectOf = new Map(deliveredInfo.filter((d) => d.injectId !== undefined).map((d) => [d.eventId, d.injectId!]));
  // Findings name alerts by what the team saw: an inject delivered under its own event id keeps the inject's title.
  const findingNames = new ScenarioNames(scenario, (id) => {
    const inject = injectOf.get(id);
    return inject === undefined ? undefined : titleOf(inject);
  });

  // The team's latest verdict per alert (from its log).
  const verdictOf = new Map<string, string>();
  for (const a of input.actions) {
    const action = a.action as { type?: string; alertId?: string; verdict?: string };
    if (action.type === 'alert.verdict' && action.alertId !== undefined && action.verdict !== undefined) verdictOf.set(action.alertId, action.verdict);
  }

  const finding = (item: LineItem): Text => findingText(item, { names: findingNames, teamVerdict: (id) => verdictOf.get(id) ?? null });

  // ---- annotations ----
  const annotations: AarAnnotation[] = [];
  const annotate = (item: LineItem | null, a: { id: string; tone: Tone; code: string; atMs: number | null; subject: string; text: Text }): void => {
    annotations.push({
      ...a,
      points: item?.points ?? 0,
      maxPoints: item?.maxPoints ?? 0,
      evidence: item?.evidence ?? { actionIds: [], alertIds: [], userIds: [], times: {} },
    });
  };

  for (const item of items) {
    if (item.status === 'not-applicable' && item.kind !== 'response' && item.kind !== 'report') continue;
    const times = item.evidence.times;
    switch (item.kind) {
      case 'response': {
        const expected = scenario.responses.find((r) => r.id === item.subject);
        if (!expected) break;
        const tone: Tone =
          item.status === 'not-applicable'
            ? 'info'
            : times.taken === undefined
              ? 'critical'
              : item.status === 'late'
                ? 'warning'
                : item.status === 'partial'
                  ? 'info'
                  : 'good';
        const atMs = item.status === 'not-applicable' ? null : (times.taken ?? times.deadline ?? null);
        annotate(item, { id: `response:${expected.id}`, tone, code: item.code, atMs, subject: expected.id, text: finding(item) });
        break;
      }
      case 'harmful':
        annotate(item, {
          id: `harmful:${item.subject}`,
          tone: 'critical',
          code: item.code,
          atMs: times.taken ?? null,
          subject: item.subject,
          text: finding(item),
        });
        break;
      case 'report': {
        const o = scenario.reporting.find((r) => r.id === item.subject);
        if (!o || item.status === 'not-applicable') break;
        const late = times.filed !== undefined && times.deadline !== undefined && times.filed > times.deadline;
        const tone: Tone = times.filed === undefined ? 'critical' : late ? 'warning' : item.status === 'earned' ? 'good' : 'info';
        annotate(item, { id: `report:${o.id}`, tone, code: item.code, atMs: times.filed ?? times.deadline ?? null, subject: o.id, text: finding(item) });
        break;
      }
      case 'alert-verdict': {
        const d = deliveredInfo.find((x) => x.eventId === item.subject);
        const k = d?.key;
        if (!d || !k || k.answer.verdict !== 'true-positive' || (item.status !== 'missed' && item.status !== 'partial')) break;
        annotate(item, {
          id: `missed:${item.subject}`,
          tone: item.status === 'missed' ? 'critical' : 'warning',
          code: item.code,
          atMs: times.delivered ?? null,
          subject: item.subject,
          text: finding(item),
        });
        break;
      }
      case 'routing':
      case 'legal-class':
      case 'incident-grouping':
      case 'incident-phases':
      case 'incident-closed':
      case 'incident-spurious':
      case 'hint': {
        const tone: Tone = item.status === 'earned' ? 'good' : item.status === 'missed' || item.status === 'penalty' ? 'warning' : 'info';
        annotate(item, { id: item.id, tone, code: item.code, atMs: null, subject: item.subject, text: finding(item) });
        break;
      }
      default:
        break;
    }
  }
  const falseAlarms = items.filter((i) => i.kind === 'alert-false-alarm');
  if (falseAlarms.length > 0) {
    const lost = Math.round(falseAlarms.reduce((s, i) => s + i.points, 0) * 100) / 100;
    annotations.push({
      id: 'false-alarms',
      tone: 'warning',
      code: 'FALSE_ALARMS',
      atMs: null,
      subject: 'detection',
      text: {
        vi: `${falseAlarms.length} cảnh báo nhiễu bị kết luận là cảnh báo đúng (${formatNumber(lost, 'vi')} điểm): chuyển cấp xử lý không cần thiết làm quá tải các bên.`,
        en: `${falseAlarms.length} noise alerts were called true positives (${formatNumber(lost, 'en')} points): needless escalation overloads the parties.`,
      },
      points: lost,
      maxPoints: 0,
      evidence: { actionIds: [], alertIds: falseAlarms.slice(0, 50).map((i) => i.subject), userIds: [], times: {} },
    });
  }
  for (const adjustment of input.adjustments) {
    annotations.push({
      id: `adjustment:${adjustment.id}`,
      tone: 'info',
      code: 'MANUAL_ADJUSTMENT',
      atMs: null,
      subject: adjustment.component,
      text: {
        vi: `Điều chỉnh thủ công ${adjustment.points > 0 ? '+' : ''}${formatNumber(adjustment.points, 'vi')} điểm (${COMPONENT_WORDS[adjustment.component].vi}): ${adjustment.reason}`,
        en: `Manual adjustment ${adjustment.points > 0 ? '+' : ''}${formatNumber(adjustment.points, 'en')} points (${COMPONENT_WORDS[adjustment.component].en}): ${adjustment.reason}`,
      },
      points: adjustment.points,
      maxPoints: 0,
      evidence: { actionIds: [], alertIds: [], userIds: [], times: {} },
    });
  }

  // ---- stages (kill-chain phases as the team saw them) ----
  const firstOfPhase = new Map<string, number>();
  for (const d of deliveredInfo) {
    const phase = d.key?.phase;
    if (phase !== undefined && d.key?.answer.verdict === 'true-positive' && !firstOfPhase.has(phase)) firstOfPhase.set(phase, d.virtualMs);
  }
  const phaseRows = new Map(score.breakdowns.phases.map((r) => [r.key, r]));
  const stages = scenario.phases.map((p) => {
    const row = phaseRows.get(p.id);
    return {
      phaseId: p.id,
      name: p.name,
      firstAlertMs: firstOfPhase.get(p.id) ?? null,
      alerts: row?.alerts ?? 0,
      truePositives: row?.truePositives ?? 0,
      detected: row?.detected ?? 0,
      missed: row?.missed ?? 0,
    };
  });

  // ---- timeline ----
  const byAlert = new Map<string, string[]>();
  const byAction = new Map<string, string[]>();
  for (const a of annotations) {
    for (const id of a.evidence.actionIds) byAction.set(id, [...(byAction.get(id) ?? []), a.id]);
    if (a.id.startsWith('missed:')) byAlert.set(a.subject, [...(byAlert.get(a.subject) ?? []), a.id]);
  }
  const timeline: AarTimelineEntry[] = [];
  for (const stage of stages) {
    if (stage.firstAlertMs === null) continue;
    timeline.push({
      atMs: stage.firstAlertMs,
      kind: 'stage',
      id: stage.phaseId,
      label: { vi: `Giai đoạn tấn công: ${stage.name.vi}`, en: `Attack stage: ${stage.name.en}` },
      annotationIds: [],
    });
  }
  for (const d of deliveredInfo) {
    timeline.push({
      atMs: d.virtualMs,
      kind: 'alert',
      id: d.eventId,
      label: titleOfDelivered(d),
      truePositive: d.key?.answer.verdict === 'true-positive',
      verdict: verdictOf.get(d.eventId) ?? null,
      ...(input.refOf ? { ref: input.refOf(d.eventId) } : {}),
      annotationIds: byAlert.get(d.eventId) ?? [],
    });
  }
  const channel: AfterActionReview['channel'] = [];
  for (const a of input.actions) {
    if (a.action.type === 'team.message') {
      channel.push({
        atMs: a.virtualMs,
        userId: a.userId,
        username: a.username,
        text: typeof a.action.text === 'string' ? a.action.text : '',
        handover: a.action.handover === true,
      });
      continue;
    }
    timeline.push({
      atMs: a.virtualMs,
      kind: 'action',
      id: a.actionId,
      label: describeAction(a, findingNames),
      userId: a.userId,
      action: a.action,
      annotationIds: byAction.get(a.actionId) ?? [],
    });
  }
  channel.sort((x, y) => x.atMs - y.atMs);
  for (const a of annotations) {
    if ((a.id.startsWith('response:') || a.id.startsWith('report:')) && a.evidence.times.deadline !== undefined && a.tone !== 'good') {
      const what = a.id.startsWith('response:') ? names.response(a.subject) : names.obligation(a.subject);
      timeline.push({
        atMs: a.evidence.times.deadline,
        kind: 'deadline',
        id: a.id,
        label: { vi: `Hạn chót: ${what.vi}`, en: `Deadline: ${what.en}` },
        annotationIds: [a.id],
      });
    }
  }
  const kindOrder = { stage: 0, alert: 1, action: 2, deadline: 3 } as const;
  timeline.sort((x, y) => x.atMs - y.atMs || kindOrder[x.kind] - kindOrder[y.kind] || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));

  // ---- missed alerts, reports, ideal ----
  const missedAlerts = items
    .filter((i) => i.kind === 'alert-verdict' && i.status === 'missed')
    .flatMap((i) => {
      const d = deliveredInfo.find((x) => x.eventId === i.subject);
      const k = d?.key;
      if (!d || !k || k.answer.verdict !== 'true-positive') return [];
      return [
        {
          alertId: i.subject,
          ...(input.refOf ? { ref: input.refOf(i.subject) } : {}),
          title: titleOfDelivered(d),
          layer: k.layer,
          phase: k.phase ?? null,
          deliveredMs: d.virtualMs,
          teamVerdict: verdictOf.get(i.subject) ?? null,
          expected: { verdict: k.answer.verdict, severity: k.answer.severity, routing: [...k.answer.routing], incident: k.answer.incident },
        },
      ];
    });
  const reportItems = new Map(items.filter((i) => i.kind === 'report').map((i) => [i.subject, i]));
  const reports = scenario.reporting.map((o) => {
    const item = reportItems.get(o.id);
    const status: AfterActionReview['reports'][number]['status'] =
      item === undefined || item.status === 'not-applicable'
        ? 'not-applicable'
        : item.code === 'REPORT_MISSING'
          ? 'missing'
          : item.code === 'REPORT_LATE'
            ? 'late'
            : item.code === 'REPORT_INCOMPLETE'
              ? 'incomplete'
              : 'on-time';
    return {
      obligationId: o.id,
      kind: o.kind,
      status,
      dueMs: item?.evidence.times.deadline ?? null,
      filedMs: item?.evidence.times.filed ?? null,
      points: item?.points ?? 0,
      maxPoints: item?.maxPoints ?? 0,
    };
  });
  const responseItems = new Map(items.filter((i) => i.kind === 'response').map((i) => [i.subject, i]));
  const harmfulItems = new Map(items.filter((i) => i.kind === 'harmful').map((i) => [i.subject, i]));
  const ideal = {
    responses: scenario.responses.map((r) => {
      const item = responseItems.get(r.id);
      return {
        id: r.id,
        action: r.action,
        target: r.target ?? null,
        required: r.required,
        windowStartMs: item?.evidence.times.windowStart ?? null,
        deadlineMs: item?.evidence.times.deadline ?? null,
        points: r.points,
        description: r.description,
        takenMs: item?.evidence.times.taken ?? null,
        status: item?.status ?? 'not-applicable',
      };
    }),
    reports: scenario.reporting.map((o) => {
      const item = reportItems.get(o.id);
      return {
        id: o.id,
        kind: o.kind,
        recipients: [...o.recipients],
        fromMs: item?.evidence.times.from ?? null,
        dueMs: item?.evidence.times.deadline ?? null,
        requiredContent: [...o.requiredContent],
        legalBasis: o.legalBasis,
      };
    }),
    harmful: scenario.harmful.map((h) => ({
      id: h.id,
      action: h.action,
      target: h.target ?? null,
      penalty: h.penalty,
      reason: h.reason,
      takenMs: harmfulItems.get(h.id)?.evidence.times.taken ?? null,
    })),
  };

  annotations.sort((a, b) => (a.atMs ?? Number.MAX_SAFE_INTEGER) - (b.atMs ?? Number.MAX_SAFE_INTEGER) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    exerciseId: input.exerciseId,
    teamId: input.teamId,
    teamName: input.teamName,
    scenarioId: scenario.id,
    scenarioVersion: scenario.version,
    scenarioTitle: scenario.title,
    endMs: score.endMs,
    maxScore: score.maxScore,
    total: score.total,
    index: score.index,
    components: (['detection', 'response', 'coordination', 'incident'] as const).map((id) => ({
      id,
      score: score.components[id].score,
      effectiveWeight: score.components[id].effectiveWeight,
      applicable: score.components[id].applicable,
    })),
    adjustments: input.adjustments.map((a) => ({ id: a.id, component: a.component, points: a.points, reason: a.reason, by: a.by })),
    reportGrades: [...new Map((input.reportGrades ?? []).map((g) => [g.reportId, g])).values()],
    stages,
    timeline,
    channel,
    annotations,
    missedAlerts,
    reports,
    ideal,
    metrics: score.metrics,
    labels: labelsOf(
      scenario,
      deliveredInfo.map((d) => ({
        eventId: d.eventId,
        title: titleOfDelivered(d),
        phase: d.key?.phase ?? null,
        truePositive: d.key?.answer.verdict === 'true-positive',
      })),
      titleOf,
      input.refOf,
    ),
  };
}

/** Titles for every id the review mentions (alerts under both their id and their console reference). */
function labelsOf(
  scenario: Scenario,
  delivered: readonly { eventId: string; title: Text; phase: string | null; truePositive: boolean }[],
  titleOf: (alertId: string) => Text,
  refOf: ((eventId: string) => string) | undefined,
): AarLabels {
  const alerts: AarLabels['alerts'] = {};
  for (const d of delivered) {
    const label = { title: d.title, phase: d.phase, truePositive: d.truePositive };
    alerts[d.eventId] = label;
    if (refOf) alerts[refOf(d.eventId)] = label;
  }
  const phaseOf = (eventId: string): string | null => scenario.timeline.find((a) => a.id === eventId)?.phase ?? null;
  return {
    alerts,
    assets: Object.fromEntries(scenario.assets.map((a) => [a.id, a.name])),
    parties: Object.fromEntries(scenario.parties.map((p) => [p.id, p.name])),
    incidents: Object.fromEntries(scenario.incidents.map((i) => [i.id, i.title])),
    responses: Object.fromEntries(
      scenario.responses.map((r) => {
        const from = r.from !== undefined && typeof r.from !== 'number' ? r.from.event : null;
        return [r.id, { phase: from === null ? null : phaseOf(from), after: from === null ? null : titleOf(from) }];
      }),
    ),
  };
}

/** A team action as a line of the timeline, with titles instead of ids. */
function describeAction(recorded: RecordedAction, names: ScenarioNames): Text {
  const a = recorded.action as Record<string, unknown>;
  const str = (value: unknown): string => (typeof value === 'string' ? value : '');
  const alert = (): Text => names.alert(str(a.alertId));
  const type = str(a.type);
  switch (type) {
    case 'alert.verdict': {
      const t = alert();
      return {
        vi: `Kết luận cảnh báo «${t.vi}»: ${word(VERDICT_WORDS, str(a.verdict), 'vi')}`,
        en: `Verdict on «${t.en}»: ${word(VERDICT_WORDS, str(a.verdict), 'en')}`,
      };
    }
    case 'alert.severity': {
      const t = alert();
      return {
        vi: `Mức độ cảnh báo «${t.vi}»: ${word(SEVERITY_WORDS, str(a.severity), 'vi')}`,
        en: `Severity of «${t.en}»: ${word(SEVERITY_WORDS, str(a.severity), 'en')}`,
      };
    }
    case 'alert.acknowledge': {
      const t = alert();
      return { vi: `Tiếp nhận cảnh báo «${t.vi}»`, en: `Acknowledged «${t.en}»` };
    }
    case 'alert.assign': {
      const t = alert();
      return { vi: `Phân công xử lý cảnh báo «${t.vi}»`, en: `Assigned «${t.en}»` };
    }
    case 'route': {
      const target = a.target as { alertId?: string; incidentId?: string } | undefined;
      const to = Array.isArray(a.to) ? a.to.map((id) => str(id)) : [];
      const what: Text =
        target?.alertId !== undefined
          ? { vi: `cảnh báo «${names.alert(target.alertId).vi}»`, en: `«${names.alert(target.alertId).en}»` }
          : { vi: 'sự cố', en: 'the incident' };
      return { vi: `Chuyển ${what.vi} tới ${names.parties(to, 'vi')}`, en: `Routed ${what.en} to ${names.parties(to, 'en')}` };
    }
    case 'response':
      return {
        vi: `Ứng phó: ${names.action(str(a.action), str(a.target) || null).vi}`,
        en: `Response: ${names.action(str(a.action), str(a.target) || null).en}`,
      };
    case 'report.file':
      return { vi: `Gửi ${word(REPORT_KIND_WORDS, str(a.kind), 'vi').toLocaleLowerCase('vi')}`, en: `Filed: ${word(REPORT_KIND_WORDS, str(a.kind), 'en')}` };
    case 'incident.create':
      return { vi: `Mở sự cố «${str(a.title)}»`, en: `Opened the incident «${str(a.title)}»` };
    case 'incident.update': {
      const phase = str(a.phase);
      return phase
        ? { vi: `Cập nhật sự cố → ${word(INCIDENT_PHASE_WORDS, phase, 'vi')}`, en: `Updated the incident → ${word(INCIDENT_PHASE_WORDS, phase, 'en')}` }
        : { vi: 'Cập nhật sự cố', en: 'Updated the incident' };
    }
    case 'hint.request':
      return { vi: 'Yêu cầu gợi ý', en: 'Asked for a hint' };
    case 'incident.playbook':
      return { vi: 'Áp dụng quy trình ứng cứu cho sự cố', en: 'Applied a playbook to the incident' };
    case 'incident.task-add':
      return { vi: `Thêm nhiệm vụ «${str(a.title)}»`, en: `Added the task «${str(a.title)}»` };
    case 'incident.task':
      return a.done === true
        ? { vi: 'Hoàn thành một nhiệm vụ của sự cố', en: 'Ticked off an incident task' }
        : { vi: 'Cập nhật nhiệm vụ của sự cố', en: 'Updated an incident task' };
    case 'incident.note':
      return { vi: `Ghi chú sự cố: ${str(a.text)}`, en: `Incident note: ${str(a.text)}` };
    default:
      return { vi: 'Thao tác khác', en: 'Other action' };
  }
}
