import type { Scenario, TimeRef } from '../contracts/scenario.schema.js';
import type { AarAnnotation, AarLabels, AarTimelineEntry, AfterActionReview, LineItem, ManualAdjustment, TeamScore } from '../contracts/scoring.schema.js';
import type { RecordedAction } from '../contracts/triage.schema.js';
import { AnswerKey } from './answer-key.js';
import { at, span, type ScoringDeliveredEvent } from './score.js';

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
  /** The opaque alert reference the team's console used for an event (to cross-reference the debrief). */
  readonly refOf?: (eventId: string) => string;
}

type Text = { readonly vi: string; readonly en: string };
type Tone = AarAnnotation['tone'];

const PLACEHOLDER = /\{\{\s*[\w.-]+\s*\}\}/g;

/** Noise titles are templates: their placeholders were filled per alert, which the key does not know. */
function plain(text: Text): Text {
  return { vi: text.vi.replace(PLACEHOLDER, '…'), en: text.en.replace(PLACEHOLDER, '…') };
}

function vi(ms: number): string {
  return span(ms).replace(/h/g, ' giờ ').replace(/m(?!s)/g, ' phút ').replace(/s/g, ' giây').replace(/\s+/g, ' ').trim();
}

const ACTION_VI: Record<string, string> = {
  'isolate-host': 'cô lập',
  'block-ip': 'chặn IP',
  'block-domain': 'chặn tên miền',
  'maintenance-page': 'bật trang bảo trì cho',
  'remove-webshell': 'gỡ webshell trên',
  'remove-malware': 'gỡ mã độc trên',
  patch: 'vá',
  'restore-backup': 'khôi phục từ bản sao lưu cho',
  'reset-credentials': 'đặt lại thông tin đăng nhập của',
  'heightened-monitoring': 'tăng cường giám sát',
  reassessment: 'đánh giá lại',
  'preserve-evidence': 'bảo toàn chứng cứ trên',
  'review-shared-code': 'rà soát mã dùng chung của',
  'rate-limit': 'giới hạn tần suất truy cập',
  'disable-account': 'vô hiệu hoá tài khoản',
  'request-coordination': 'đề nghị phối hợp với',
};

const REPORT_KIND_VI: Record<string, string> = {
  notification: 'thông báo sự cố',
  initial: 'báo cáo ban đầu',
  'situation-update': 'báo cáo cập nhật tình hình',
  'response-plan': 'phương án ứng phó',
  closing: 'báo cáo kết thúc',
};

const VERDICT_VI: Record<string, string> = {
  'true-positive': 'đúng (true positive)',
  'false-positive': 'cảnh báo sai (false positive)',
  benign: 'lành tính (benign)',
  duplicate: 'trùng lặp',
};

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
  const titleOf = (alertId: string): Text => {
    const timeline = scenario.timeline.find((a) => a.id === alertId);
    if (timeline) return timeline.title;
    const inject = scenario.injects.find((a) => a.id === alertId);
    if (inject) return inject.title;
    const dash = alertId.lastIndexOf('-');
    const noise = dash > 0 ? scenario.noise.find((g) => g.id === alertId.slice(0, dash)) : undefined;
    if (noise) return plain(noise.template.title);
    return { vi: alertId, en: alertId };
  };
  const titleOfDelivered = (d: (typeof deliveredInfo)[number]): Text => (d.injectId !== undefined ? titleOf(d.injectId) : titleOf(d.eventId));
  const refText = (ref: TimeRef | undefined): Text => {
    if (ref === undefined) return { vi: 'đầu diễn tập', en: 'the start' };
    if (typeof ref === 'number') return { vi: at(ref * 1000), en: at(ref * 1000) };
    const t = titleOf(ref.event);
    const plus = ref.plus ? { vi: ` + ${vi(ref.plus * 1000)}`, en: ` + ${span(ref.plus * 1000)}` } : { vi: '', en: '' };
    return { vi: `cảnh báo "${t.vi}" (${ref.event})${plus.vi}`, en: `the "${t.en}" alert (${ref.event})${plus.en}` };
  };

  // The team's latest verdict per alert (from its log).
  const verdictOf = new Map<string, string>();
  for (const a of input.actions) {
    const action = a.action as { type?: string; alertId?: string; verdict?: string };
    if (action.type === 'alert.verdict' && action.alertId !== undefined && action.verdict !== undefined) verdictOf.set(action.alertId, action.verdict);
  }

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
        const label = { vi: `${ACTION_VI[expected.action] ?? expected.action} ${expected.target ?? ''}`.trim(), en: `${expected.action} ${expected.target ?? ''}`.trim() };
        const from = refText(expected.from);
        const window = times.deadline !== undefined && times.windowStart !== undefined ? times.deadline - times.windowStart : null;
        const windowText = window === null ? { vi: '', en: '' } : { vi: `; thời hạn là ${vi(window)}`, en: `; window was ${span(window)}` };
        if (item.status === 'not-applicable') {
          annotate(item, { id: `response:${expected.id}`, tone: 'info', code: item.code, atMs: null, subject: expected.id, text: { vi: `${label.vi}: không áp dụng cho đội này (${item.note})`, en: item.note } });
          break;
        }
        if (times.taken === undefined) {
          annotate(item, {
            id: `response:${expected.id}`,
            tone: 'critical',
            code: item.code,
            atMs: times.deadline ?? null,
            subject: expected.id,
            text: { vi: `Không ${label.vi}; cần thực hiện kể từ ${from.vi}${windowText.vi}.`, en: `${label.en} was never taken; it was due from ${from.en}${windowText.en}.` },
          });
          break;
        }
        const after = times.windowStart !== undefined ? Math.max(0, times.taken - times.windowStart) : null;
        const when =
          after === null || times.taken <= (times.windowStart ?? 0)
            ? { vi: `ngay khi ${from.vi} xuất hiện`, en: `as soon as ${from.en} arrived` }
            : { vi: `${vi(after)} sau ${from.vi}`, en: `${span(after)} after ${from.en}` };
        const verdictText =
          item.status === 'late'
            ? { vi: ' — quá muộn, không được điểm.', en: ' — too late, no points.' }
            : item.status === 'earned' || item.status === 'bonus'
              ? { vi: '.', en: '.' }
              : { vi: ' — trong thời hạn, điểm giảm theo độ trễ.', en: ' — inside the window, points reduced for the delay.' };
        annotate(item, {
          id: `response:${expected.id}`,
          tone: item.status === 'late' ? 'warning' : item.status === 'partial' ? 'info' : 'good',
          code: item.code,
          atMs: times.taken,
          subject: expected.id,
          text: {
            vi: `Đã ${label.vi} lúc ${at(times.taken)}, ${when.vi}${windowText.vi}${verdictText.vi}`,
            en: `${label.en} at ${at(times.taken)}, ${when.en}${windowText.en}${verdictText.en}`,
          },
        });
        break;
      }
      case 'harmful': {
        const harmful = scenario.harmful.find((h) => h.id === item.subject);
        annotate(item, {
          id: `harmful:${item.subject}`,
          tone: 'critical',
          code: item.code,
          atMs: times.taken ?? null,
          subject: item.subject,
          text: {
            vi: `Hành động gây hại ${harmful ? `${ACTION_VI[harmful.action] ?? harmful.action} ${harmful.target ?? ''}`.trim() : item.subject} lúc ${at(times.taken ?? 0)}: ${harmful?.reason.vi ?? ''} (${item.points} điểm).`,
            en: `Harmful action ${harmful ? `${harmful.action} ${harmful.target ?? ''}`.trim() : item.subject} at ${at(times.taken ?? 0)}: ${harmful?.reason.en ?? ''} (${item.points} points).`,
          },
        });
        break;
      }
      case 'report': {
        const o = scenario.reporting.find((r) => r.id === item.subject);
        if (!o) break;
        const kind = { vi: REPORT_KIND_VI[o.kind] ?? o.kind, en: `${o.kind} report` };
        if (item.status === 'not-applicable') break;
        const due = times.deadline;
        if (times.filed === undefined) {
          annotate(item, {
            id: `report:${o.id}`,
            tone: 'critical',
            code: item.code,
            atMs: due ?? null,
            subject: o.id,
            text: {
              vi: `Không gửi ${kind.vi} tới ${o.recipients.join(', ')}; hạn chót ${due === undefined ? '' : at(due)} (${vi(o.deadline * 1000)} kể từ ${refText(o.from).vi}). Căn cứ: ${o.legalBasis.vi}`,
              en: `The ${kind.en} to ${o.recipients.join(', ')} was never filed; it was due by ${due === undefined ? '' : at(due)} (${span(o.deadline * 1000)} after ${refText(o.from).en}). Basis: ${o.legalBasis.en}`,
            },
          });
          break;
        }
        const late = due !== undefined && times.filed > due;
        annotate(item, {
          id: `report:${o.id}`,
          tone: late ? 'warning' : item.status === 'earned' ? 'good' : 'info',
          code: item.code,
          atMs: times.filed,
          subject: o.id,
          text: {
            vi: `Gửi ${kind.vi} lúc ${at(times.filed)}${due === undefined ? '' : late ? `, trễ ${vi(times.filed - due)} so với hạn ${at(due)}` : `, trước hạn ${at(due)}`}${item.status === 'earned' ? '.' : '; thiếu người nhận hoặc nội dung bắt buộc.'}`,
            en: item.note,
          },
        });
        break;
      }
      case 'alert-verdict': {
        const d = deliveredInfo.find((x) => x.eventId === item.subject);
        const k = d?.key;
        if (!d || !k || k.answer.verdict !== 'true-positive' || (item.status !== 'missed' && item.status !== 'partial')) break;
        const t = titleOfDelivered(d);
        const team = verdictOf.get(item.subject) ?? null;
        annotate(item, {
          id: `missed:${item.subject}`,
          tone: item.status === 'missed' ? 'critical' : 'warning',
          code: item.code,
          atMs: times.delivered ?? null,
          subject: item.subject,
          text: {
            vi: `Bỏ lọt cảnh báo "${t.vi}" (${item.subject}, lớp ${k.layer})${team ? `: đội kết luận ${VERDICT_VI[team] ?? team}` : ': không được xử lý'}. Đúng ra: ${VERDICT_VI['true-positive']}, mức độ ${k.answer.severity}${k.answer.routing.length ? `, chuyển tới ${k.answer.routing.join(', ')}` : ''}${k.answer.incident ? `, thuộc sự cố ${k.answer.incident}` : ''}.`,
            en: `Missed "${t.en}" (${item.subject}, layer ${k.layer})${team ? `: the team called it ${team}` : ': never triaged'}. Ideal: true positive, severity ${k.answer.severity}${k.answer.routing.length ? `, routed to ${k.answer.routing.join(', ')}` : ''}${k.answer.incident ? `, part of incident ${k.answer.incident}` : ''}.`,
          },
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
        annotate(item, { id: item.id, tone, code: item.code, atMs: null, subject: item.subject, text: { vi: `${CODE_VI[item.code] ?? 'Ghi chú'}: ${item.note}`, en: item.note } });
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
        vi: `${falseAlarms.length} cảnh báo nhiễu bị kết luận là tấn công thật (${lost} điểm): leo thang không cần thiết làm quá tải các bên.`,
        en: `${falseAlarms.length} noise alerts were called true positives (${lost} points): needless escalation overloads the parties.`,
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
        vi: `Điều chỉnh thủ công ${adjustment.points > 0 ? '+' : ''}${adjustment.points} điểm (${adjustment.component}) bởi ${adjustment.by}: ${adjustment.reason}`,
        en: `Manual adjustment ${adjustment.points > 0 ? '+' : ''}${adjustment.points} points (${adjustment.component}) by ${adjustment.by}: ${adjustment.reason}`,
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
    timeline.push({ atMs: stage.firstAlertMs, kind: 'stage', id: stage.phaseId, label: { vi: `Giai đoạn tấn công: ${stage.name.vi}`, en: `Attack stage: ${stage.name.en}` }, annotationIds: [] });
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
  for (const a of input.actions) timeline.push({ atMs: a.virtualMs, kind: 'action', id: a.actionId, label: describeAction(a), userId: a.userId, action: a.action, annotationIds: byAction.get(a.actionId) ?? [] });
  for (const a of annotations) {
    if ((a.id.startsWith('response:') || a.id.startsWith('report:')) && a.evidence.times.deadline !== undefined && a.tone !== 'good') {
      timeline.push({ atMs: a.evidence.times.deadline, kind: 'deadline', id: a.id, label: { vi: `Hạn chót: ${a.subject}`, en: `Deadline: ${a.subject}` }, annotationIds: [a.id] });
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
    return { obligationId: o.id, kind: o.kind, status, dueMs: item?.evidence.times.deadline ?? null, filedMs: item?.evidence.times.filed ?? null, points: item?.points ?? 0, maxPoints: item?.maxPoints ?? 0 };
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
    harmful: scenario.harmful.map((h) => ({ id: h.id, action: h.action, target: h.target ?? null, penalty: h.penalty, reason: h.reason, takenMs: harmfulItems.get(h.id)?.evidence.times.taken ?? null })),
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
    stages,
    timeline,
    annotations,
    missedAlerts,
    reports,
    ideal,
    metrics: score.metrics,
    labels: labelsOf(scenario, deliveredInfo.map((d) => ({ eventId: d.eventId, title: titleOfDelivered(d), phase: d.key?.phase ?? null, truePositive: d.key?.answer.verdict === 'true-positive' })), titleOf, input.refOf),
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

const CODE_VI: Record<string, string> = {
  ROUTING_F1: 'Chuyển cấp xử lý',
  LEGAL_CLASS_RIGHT: 'Phân loại sự cố đúng',
  LEGAL_CLASS_WRONG: 'Phân loại sự cố sai',
  LEGAL_CLASS_NOT_SET: 'Chưa phân loại sự cố',
  LEGAL_CLASS_NO_INCIDENT: 'Không mở sự cố',
  INCIDENT_GROUPING: 'Gom nhóm cảnh báo vào sự cố',
  INCIDENT_NOT_OPENED: 'Không mở sự cố',
  INCIDENT_PHASES: 'Các bước xử lý sự cố',
  INCIDENT_CLOSED: 'Đóng sự cố',
  INCIDENT_OPEN: 'Sự cố chưa đóng',
  INCIDENT_SPURIOUS: 'Sự cố thừa',
  HINT_USED: 'Dùng gợi ý',
  HINT_FREE: 'Gợi ý miễn phí',
};

function describeAction(recorded: RecordedAction): Text {
  const a = recorded.action as Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a recorded action's fields are strings (checked when it was recorded)
  const type = String(a.type ?? 'action');
  switch (type) {
    case 'alert.verdict':
      return { vi: `Kết luận ${String(a.alertId)}: ${VERDICT_VI[String(a.verdict)] ?? String(a.verdict)}`, en: `Verdict on ${String(a.alertId)}: ${String(a.verdict)}` };
    case 'alert.severity':
      return { vi: `Mức độ ${String(a.alertId)}: ${String(a.severity)}`, en: `Severity of ${String(a.alertId)}: ${String(a.severity)}` };
    case 'alert.acknowledge':
      return { vi: `Tiếp nhận ${String(a.alertId)}`, en: `Acknowledged ${String(a.alertId)}` };
    case 'route': {
      const target = a.target as { alertId?: string; incidentId?: string } | undefined;
      const to = Array.isArray(a.to) ? a.to.join(', ') : '';
      const what = target?.alertId ?? target?.incidentId ?? '';
      return { vi: `Chuyển ${what} tới ${to}`, en: `Routed ${what} to ${to}` };
    }
    case 'response':
      return { vi: `Ứng phó: ${ACTION_VI[String(a.action)] ?? String(a.action)} ${String(a.target)}`, en: `Response: ${String(a.action)} ${String(a.target)}` };
    case 'report.file':
      return { vi: `Gửi ${REPORT_KIND_VI[String(a.kind)] ?? String(a.kind)}`, en: `Filed ${String(a.kind)} report` };
    case 'incident.create':
      return { vi: `Mở sự cố "${String(a.title)}"`, en: `Opened incident "${String(a.title)}"` };
    case 'incident.update':
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a recorded action's fields are strings (checked when it was recorded)
      return { vi: `Cập nhật sự cố ${String(a.incidentId)}${a.phase ? ` → ${String(a.phase)}` : ''}`, en: `Updated incident ${String(a.incidentId)}${a.phase ? ` → ${String(a.phase)}` : ''}` };
    case 'hint.request':
      return { vi: 'Yêu cầu gợi ý', en: 'Asked for a hint' };
    default:
      return { vi: type, en: type };
  }
}
