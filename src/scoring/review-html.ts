import type { AfterActionReview } from '../contracts/scoring.schema.js';
import {
  ACTION_WORDS,
  COMPONENT_WORDS,
  formatClock,
  formatIndex,
  formatNumber,
  layerWord,
  REPORT_KIND_WORDS,
  REPORT_STATUS_WORDS,
  SEVERITY_WORDS,
  VERDICT_WORDS,
  word,
} from './review-vocabulary.js';

/** No scripts, no remote anything: the page is printable and every scenario text in it is inert. */
export const REVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/** Scenario and team texts are untrusted: everything interpolated into the page goes through here. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"'`]/g, (c) => ESCAPES[c] ?? c);
}

const STYLE = `
body{font-family:"Segoe UI",Arial,sans-serif;margin:24px;color:#1b1f24;font-size:13px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:20px 0 6px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #d0d4d9;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f1f3f5}.good{color:#1a7f37}.info{color:#0b5cad}.warning{color:#9a6700}.critical{color:#cf222e}
.en{color:#57606a;font-size:12px}.muted{color:#57606a}
@media print{body{margin:8mm}h2{page-break-after:avoid}tr{page-break-inside:avoid}}
`;

type Lang = 'vi' | 'en';

const T = {
  vi: {
    title: 'Đánh giá sau diễn tập',
    team: 'Đội',
    end: 'Kết thúc lúc',
    score: 'Tổng điểm',
    index: 'chỉ số',
    component: 'Trụ cột',
    points: 'Điểm',
    weight: 'Trọng số',
    adjustments: 'Điều chỉnh thủ công',
    reason: 'Lý do',
    stages: 'Các giai đoạn tấn công',
    stage: 'Giai đoạn',
    firstAlert: 'Cảnh báo đầu tiên',
    trueAlerts: 'Cảnh báo đúng',
    detected: 'Đã phát hiện',
    missed: 'Bỏ lọt',
    notes: 'Nhận xét',
    time: 'Thời điểm',
    note: 'Nhận xét',
    missedAlerts: 'Cảnh báo bị bỏ lọt',
    alert: 'Cảnh báo',
    teamVerdict: 'Đội kết luận',
    ideal: 'Đúng ra',
    reports: 'Báo cáo theo quy định',
    report: 'Báo cáo',
    recipients: 'Nơi nhận',
    status: 'Đánh giá',
    due: 'Hạn chót',
    filed: 'Đã gửi lúc',
    idealResponse: 'Cách ứng phó chuẩn',
    action: 'Hành động',
    window: 'Thời hạn',
    taken: 'Đội thực hiện',
    description: 'Mô tả',
    from: 'Bắt đầu tính',
    content: 'Nội dung bắt buộc',
    legal: 'Căn cứ',
    harmful: 'Hành động cần tránh',
    penalty: 'Điểm trừ',
    why: 'Lý do',
    timeline: 'Diễn biến',
    channel: 'Kênh trao đổi của đội',
    member: 'Thành viên',
    message: 'Nội dung',
    handover: 'Bàn giao',
    kind: 'Loại',
    event: 'Sự việc',
    noVerdict: 'chưa kết luận',
    tp: 'cảnh báo đúng',
    noise: 'nhiễu',
    required: 'bắt buộc',
    optional: 'khuyến khích',
    kinds: { stage: 'Giai đoạn', alert: 'Cảnh báo', action: 'Thao tác', deadline: 'Hạn chót' },
    itemStatuses: {
      earned: 'Đúng hạn',
      bonus: 'Đúng hạn',
      partial: 'Trễ một phần',
      late: 'Quá hạn',
      missed: 'Không làm',
      'not-applicable': 'Không áp dụng',
      penalty: 'Bị trừ điểm',
      adjustment: 'Điều chỉnh',
      info: 'Ghi chú',
    },
  },
  en: {
    title: 'After-action review',
    team: 'Team',
    end: 'Ended at',
    score: 'Total',
    index: 'index',
    component: 'Component',
    points: 'Points',
    weight: 'Weight',
    adjustments: 'Manual adjustments',
    reason: 'Reason',
    stages: 'Attack stages',
    stage: 'Stage',
    firstAlert: 'First alert',
    trueAlerts: 'True alerts',
    detected: 'Detected',
    missed: 'Missed',
    notes: 'Annotations',
    time: 'Time',
    note: 'Note',
    missedAlerts: 'Missed alerts',
    alert: 'Alert',
    teamVerdict: 'Team verdict',
    ideal: 'Ideal',
    reports: 'Required reports',
    report: 'Report',
    recipients: 'Recipients',
    status: 'Assessment',
    due: 'Due',
    filed: 'Filed at',
    idealResponse: 'The ideal response',
    action: 'Action',
    window: 'Window',
    taken: 'Team took it',
    description: 'Description',
    from: 'Clock starts',
    content: 'Required content',
    legal: 'Legal basis',
    harmful: 'Actions to avoid',
    penalty: 'Penalty',
    why: 'Why',
    timeline: 'What happened',
    channel: 'Team channel',
    member: 'Member',
    message: 'Message',
    handover: 'Hand-over',
    kind: 'Kind',
    event: 'Event',
    noVerdict: 'no verdict',
    tp: 'true alert',
    noise: 'noise',
    required: 'required',
    optional: 'recommended',
    kinds: { stage: 'Stage', alert: 'Alert', action: 'Action', deadline: 'Deadline' },
    itemStatuses: {
      earned: 'In time',
      bonus: 'In time',
      partial: 'Partly late',
      late: 'Too late',
      missed: 'Not done',
      'not-applicable': 'Not applicable',
      penalty: 'Penalised',
      adjustment: 'Adjustment',
      info: 'Note',
    },
  },
} as const;

const CONTENT_WORDS: Record<string, { vi: string; en: string }> = {
  'what-happened': { vi: 'Diễn biến sự cố', en: 'What happened' },
  'detected-at': { vi: 'Thời điểm phát hiện', en: 'When it was detected' },
  'affected-systems': { vi: 'Hệ thống bị ảnh hưởng', en: 'Affected systems' },
  'security-level': { vi: 'Cấp độ hệ thống', en: 'System security level' },
  impact: { vi: 'Mức độ ảnh hưởng', en: 'Impact' },
  'actions-taken': { vi: 'Biện pháp đã thực hiện', en: 'Actions taken' },
  iocs: { vi: 'Dấu hiệu (IoC)', en: 'Indicators (IoCs)' },
  'support-request': { vi: 'Đề nghị hỗ trợ', en: 'Request for support' },
};

/**
 * A self-contained printable page of the review in one language (inline CSS only, no scripts).
 * Everything is named by its title in that language; ids stay in the JSON.
 */
export function renderReviewHtml(review: AfterActionReview, lang: Lang = 'vi'): string {
  const s = T[lang];
  const pick = (text: { vi: string; en: string } | undefined | null): string => (text ? text[lang] : '');
  const n = (value: number, digits = 2): string => escapeHtml(formatNumber(value, lang, digits));
  const rows = (cells: readonly string[][]): string => cells.map((c) => `<tr>${c.map((x) => `<td>${x}</td>`).join('')}</tr>`).join('');
  const head = (cells: readonly string[]): string => `<tr>${cells.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const time = (ms: number | null): string => (ms === null ? '—' : escapeHtml(formatClock(ms)));
  const party = (id: string): string => pick(review.labels.parties[id]) || (lang === 'en' ? 'another party' : 'đơn vị khác');
  const parties = (ids: readonly string[]): string => ids.map(party).join(', ');
  const target = (id: string | null): string => (id === null ? '' : pick(review.labels.assets[id] ?? review.labels.parties[id]) || id);
  const action = (a: string, t: string | null): string => `${word(ACTION_WORDS, a, lang)}${t ? `: ${target(t)}` : ''}`;
  const alertTitle = (id: string): string => pick(review.labels.alerts[id]?.title) || s.alert;
  const annotations = new Map(review.annotations.map((a) => [a.id, a]));
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${escapeHtml(REVIEW_CSP)}">`);
  parts.push(`<title>${escapeHtml(`${s.title} — ${review.teamName} — ${pick(review.scenarioTitle)}`)}</title><style>${STYLE}</style></head><body>`);
  parts.push(`<h1>${escapeHtml(s.title)}</h1>`);
  parts.push(`<div>${escapeHtml(pick(review.scenarioTitle))}</div>`);
  parts.push(`<p>${escapeHtml(s.team)}: <b>${escapeHtml(review.teamName)}</b> · ${escapeHtml(s.end)} ${time(review.endMs)}</p>`);
  parts.push(
    `<h2>${escapeHtml(s.score)}: ${n(review.total)} / ${n(review.maxScore, 0)} (${escapeHtml(s.index)} ${escapeHtml(formatIndex(review.index, lang))})</h2>`,
  );
  parts.push(
    `<table>${head([s.component, s.points, s.weight])}${rows(review.components.map((c) => [escapeHtml(COMPONENT_WORDS[c.id][lang]), n(c.score), n(c.effectiveWeight)]))}</table>`,
  );
  if (review.adjustments.length > 0) {
    parts.push(
      `<h2>${escapeHtml(s.adjustments)}</h2><table>${head([s.component, s.points, s.reason])}${rows(review.adjustments.map((a) => [escapeHtml(COMPONENT_WORDS[a.component][lang]), n(a.points), escapeHtml(a.reason)]))}</table>`,
    );
  }
  parts.push(
    `<h2>${escapeHtml(s.stages)}</h2><table>${head([s.stage, s.firstAlert, s.trueAlerts, s.detected, s.missed])}${rows(
      review.stages.map((st) => [escapeHtml(pick(st.name)), time(st.firstAlertMs), n(st.truePositives, 0), n(st.detected, 0), n(st.missed, 0)]),
    )}</table>`,
  );
  parts.push(
    `<h2>${escapeHtml(s.notes)}</h2><table>${head([s.time, s.note, s.points])}${rows(
      review.annotations.map((a) => [
        time(a.atMs),
        `<span class="${escapeHtml(a.tone)}">${escapeHtml(pick(a.text))}</span>`,
        a.maxPoints > 0 ? `${n(a.points)} / ${n(a.maxPoints)}` : n(a.points),
      ]),
    )}</table>`,
  );
  if (review.missedAlerts.length > 0) {
    parts.push(
      `<h2>${escapeHtml(s.missedAlerts)}</h2><table>${head([s.time, s.alert, s.teamVerdict, s.ideal])}${rows(
        review.missedAlerts.map((m) => [
          time(m.deliveredMs),
          `${escapeHtml(pick(m.title))}<div class="muted">${escapeHtml(layerWord(m.layer, lang))}</div>`,
          escapeHtml(m.teamVerdict ? word(VERDICT_WORDS, m.teamVerdict, lang) : s.noVerdict),
          escapeHtml(
            `${word(VERDICT_WORDS, m.expected.verdict, lang)}, ${word(SEVERITY_WORDS, m.expected.severity, lang).toLocaleLowerCase(lang)}${m.expected.routing.length ? ` → ${parties(m.expected.routing)}` : ''}${m.expected.incident ? ` (${pick(review.labels.incidents[m.expected.incident])})` : ''}`,
          ),
        ]),
      )}</table>`,
    );
  }
  const obligations = new Map(review.ideal.reports.map((r) => [r.id, r]));
  parts.push(
    `<h2>${escapeHtml(s.reports)}</h2><table>${head([s.report, s.recipients, s.status, s.due, s.filed, s.points])}${rows(
      review.reports.map((r) => [
        escapeHtml(word(REPORT_KIND_WORDS, r.kind, lang)),
        escapeHtml(parties(obligations.get(r.obligationId)?.recipients ?? [])),
        escapeHtml(word(REPORT_STATUS_WORDS, r.status, lang)),
        time(r.dueMs),
        time(r.filedMs),
        `${n(r.points)} / ${n(r.maxPoints)}`,
      ]),
    )}</table>`,
  );
  parts.push(
    `<h2>${escapeHtml(s.idealResponse)}</h2><table>${head([s.action, s.window, s.taken, s.status, s.points, s.description])}${rows(
      review.ideal.responses.map((r) => [
        `${escapeHtml(action(r.action, r.target))}<div class="muted">${escapeHtml(r.required ? s.required : s.optional)}</div>`,
        `${time(r.windowStartMs)} → ${time(r.deadlineMs)}`,
        time(r.takenMs),
        escapeHtml((s.itemStatuses as Readonly<Record<string, string>>)[r.status] ?? s.itemStatuses.info),
        n(r.points, 0),
        escapeHtml(pick(r.description)),
      ]),
    )}</table>`,
  );
  if (review.ideal.reports.length > 0) {
    parts.push(
      `<table>${head([s.report, s.recipients, s.from, s.due, s.content, s.legal])}${rows(
        review.ideal.reports.map((r) => [
          escapeHtml(word(REPORT_KIND_WORDS, r.kind, lang)),
          escapeHtml(parties(r.recipients)),
          time(r.fromMs),
          time(r.dueMs),
          escapeHtml(r.requiredContent.map((c) => CONTENT_WORDS[c]?.[lang] ?? c).join(', ')),
          escapeHtml(pick(r.legalBasis)),
        ]),
      )}</table>`,
    );
  }
  if (review.ideal.harmful.length > 0) {
    parts.push(
      `<h2>${escapeHtml(s.harmful)}</h2><table>${head([s.action, s.penalty, s.taken, s.why])}${rows(
        review.ideal.harmful.map((h) => [escapeHtml(action(h.action, h.target)), n(h.penalty, 0), time(h.takenMs), escapeHtml(pick(h.reason))]),
      )}</table>`,
    );
  }
  parts.push(
    `<h2>${escapeHtml(s.timeline)}</h2><table>${head([s.time, s.kind, s.event, s.note])}${rows(
      review.timeline.map((e) => [
        time(e.atMs),
        escapeHtml(s.kinds[e.kind]),
        `${escapeHtml(e.kind === 'alert' ? alertTitle(e.id) : pick(e.label))}${e.kind === 'alert' ? `<div class="muted">${escapeHtml(e.truePositive ? s.tp : s.noise)}${e.verdict ? ` · ${escapeHtml(word(VERDICT_WORDS, e.verdict, lang))}` : ''}</div>` : ''}`,
        e.annotationIds
          .map((id) => {
            const a = annotations.get(id);
            return a ? `<span class="${escapeHtml(a.tone)}">${escapeHtml(pick(a.text))}</span>` : '';
          })
          .join('<br>'),
      ]),
    )}</table>`,
  );
  if (review.channel.length > 0) {
    parts.push(
      `<h2>${escapeHtml(s.channel)}</h2><table>${head([s.time, s.member, s.message])}${rows(
        review.channel.map((m) => [
          time(m.atMs),
          escapeHtml(m.username),
          `${m.handover ? `<strong>${escapeHtml(s.handover)}:</strong> ` : ''}${escapeHtml(m.text)}`,
        ]),
      )}</table>`,
    );
  }
  parts.push(`</body></html>`);
  return parts.join('\n');
}
