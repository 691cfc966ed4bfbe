import type { AfterActionReview } from '../contracts/scoring.schema.js';
import { at } from './score.js';

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

function both(text: { vi: string; en: string }): string {
  return `${escapeHtml(text.vi)}<div class="en">${escapeHtml(text.en)}</div>`;
}

/** A self-contained printable page of the review (inline CSS only, no scripts). */
export function renderReviewHtml(review: AfterActionReview): string {
  const rows = (cells: readonly string[][]): string => cells.map((c) => `<tr>${c.map((x) => `<td>${x}</td>`).join('')}</tr>`).join('');
  const head = (cells: readonly string[]): string => `<tr>${cells.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr>`;
  const time = (ms: number | null): string => (ms === null ? '—' : escapeHtml(at(ms)));
  const annotations = new Map(review.annotations.map((a) => [a.id, a]));
  const parts: string[] = [];
  parts.push(`<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${escapeHtml(REVIEW_CSP)}">`);
  parts.push(`<title>${escapeHtml(`AAR — ${review.teamName} — ${review.scenarioTitle.vi}`)}</title><style>${STYLE}</style></head><body>`);
  parts.push(`<h1>Đánh giá sau diễn tập / After-action review</h1>`);
  parts.push(`<div>${both(review.scenarioTitle)}</div>`);
  parts.push(`<p>Đội / Team: <b>${escapeHtml(review.teamName)}</b> · ${escapeHtml(review.scenarioId)}@${escapeHtml(review.scenarioVersion)} · T+end ${time(review.endMs)}</p>`);
  parts.push(`<h2>Điểm / Score: ${escapeHtml(review.total)} / ${escapeHtml(review.maxScore)} (chỉ số ${escapeHtml(review.index)})</h2>`);
  parts.push(`<table>${head(['Thành phần / Component', 'Điểm / Score', 'Trọng số / Weight'])}${rows(review.components.map((c) => [escapeHtml(c.id), escapeHtml(c.score), escapeHtml(c.effectiveWeight)]))}</table>`);
  if (review.adjustments.length > 0) {
    parts.push(`<h2>Điều chỉnh thủ công / Manual adjustments</h2><table>${head(['Thành phần', 'Điểm', 'Lý do / Reason', 'Người chấm'])}${rows(review.adjustments.map((a) => [escapeHtml(a.component), escapeHtml(a.points), escapeHtml(a.reason), escapeHtml(a.by)]))}</table>`);
  }
  parts.push(`<h2>Các giai đoạn tấn công / Attack stages</h2><table>${head(['Giai đoạn / Stage', 'Cảnh báo đầu / First alert', 'Cảnh báo', 'TP', 'Phát hiện', 'Bỏ lọt'])}${rows(
    review.stages.map((s) => [both(s.name), time(s.firstAlertMs), escapeHtml(s.alerts), escapeHtml(s.truePositives), escapeHtml(s.detected), escapeHtml(s.missed)]),
  )}</table>`);
  parts.push(`<h2>Nhận xét / Annotations</h2><table>${head(['T', 'Mã / Code', 'Nhận xét / Note', 'Điểm'])}${rows(
    review.annotations.map((a) => [time(a.atMs), `<span class="${escapeHtml(a.tone)}">${escapeHtml(a.code)}</span>`, both(a.text), `${escapeHtml(a.points)} / ${escapeHtml(a.maxPoints)}`]),
  )}</table>`);
  if (review.missedAlerts.length > 0) {
    parts.push(`<h2>Cảnh báo bị bỏ lọt / Missed alerts</h2><table>${head(['T', 'Cảnh báo / Alert', 'Đội kết luận', 'Đúng ra / Ideal'])}${rows(
      review.missedAlerts.map((m) => [
        time(m.deliveredMs),
        `${both(m.title)}<div class="muted">${escapeHtml(m.alertId)}${m.ref ? ` (${escapeHtml(m.ref)})` : ''} · Lớp ${escapeHtml(m.layer)}</div>`,
        escapeHtml(m.teamVerdict ?? '—'),
        escapeHtml(`${m.expected.verdict}, ${m.expected.severity}${m.expected.routing.length ? ` → ${m.expected.routing.join(', ')}` : ''}${m.expected.incident ? ` (${m.expected.incident})` : ''}`),
      ]),
    )}</table>`);
  }
  parts.push(`<h2>Báo cáo / Reports</h2><table>${head(['Nghĩa vụ / Obligation', 'Loại', 'Trạng thái', 'Hạn / Due', 'Gửi lúc / Filed', 'Điểm'])}${rows(
    review.reports.map((r) => [escapeHtml(r.obligationId), escapeHtml(r.kind), escapeHtml(r.status), time(r.dueMs), time(r.filedMs), `${escapeHtml(r.points)} / ${escapeHtml(r.maxPoints)}`]),
  )}</table>`);
  parts.push(`<h2>Ứng phó lý tưởng / Ideal response</h2><table>${head(['Hành động / Action', 'Cửa sổ / Window', 'Đội thực hiện / Taken', 'Trạng thái', 'Điểm', 'Mô tả'])}${rows(
    review.ideal.responses.map((r) => [
      escapeHtml(`${r.action} ${r.target ?? ''}`),
      `${time(r.windowStartMs)} → ${time(r.deadlineMs)}`,
      time(r.takenMs),
      escapeHtml(r.status),
      escapeHtml(r.points),
      both(r.description),
    ]),
  )}</table>`);
  if (review.ideal.reports.length > 0) {
    parts.push(`<table>${head(['Báo cáo / Report', 'Người nhận', 'Từ / From', 'Hạn / Due', 'Nội dung bắt buộc', 'Căn cứ / Legal basis'])}${rows(
      review.ideal.reports.map((r) => [escapeHtml(r.kind), escapeHtml(r.recipients.join(', ')), time(r.fromMs), time(r.dueMs), escapeHtml(r.requiredContent.join(', ')), both(r.legalBasis)]),
    )}</table>`);
  }
  if (review.ideal.harmful.length > 0) {
    parts.push(`<table>${head(['Không nên / Harmful', 'Phạt', 'Đội thực hiện', 'Vì sao / Why'])}${rows(
      review.ideal.harmful.map((h) => [escapeHtml(`${h.action} ${h.target ?? ''}`), escapeHtml(h.penalty), time(h.takenMs), both(h.reason)]),
    )}</table>`);
  }
  parts.push(`<h2>Dòng thời gian / Timeline</h2><table>${head(['T', 'Loại', 'Sự kiện / Event', 'Nhận xét'])}${rows(
    review.timeline.map((e) => [
      time(e.atMs),
      escapeHtml(e.kind),
      `${both(e.label)}${e.kind === 'alert' ? `<div class="muted">${escapeHtml(e.id)}${e.ref ? ` (${escapeHtml(e.ref)})` : ''}${e.truePositive ? ' · TP' : ''}${e.verdict ? ` · ${escapeHtml(e.verdict)}` : ''}</div>` : ''}`,
      e.annotationIds.map((id) => {
        const a = annotations.get(id);
        return a ? `<span class="${escapeHtml(a.tone)}">${escapeHtml(a.text.vi)}</span>` : '';
      }).join('<br>'),
    ]),
  )}</table>`);
  parts.push(`</body></html>`);
  return parts.join('\n');
}
