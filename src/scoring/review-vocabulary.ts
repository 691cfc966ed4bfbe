import type { Language, Severity, Text } from '../contracts/common.schema.js';
import type { INCIDENT_PHASES, ReportKind, ResponseAction, Verdict } from '../contracts/scenario.schema.js';
import type { LineItemStatus, ScoreComponentId } from '../contracts/scoring.schema.js';

/**
 * The scorer's vocabulary in both languages, for every text the server writes for people (review
 * page, printed reports, CSV). Same words as the console's dictionary (web/src/i18n) and the
 * glossary: "chuyển cấp xử lý" for escalation, never "leo thang".
 */

type Words<K extends string> = Readonly<Record<K, Text>>;

export const VERDICT_WORDS: Words<Verdict> = {
  'true-positive': { vi: 'Cảnh báo đúng', en: 'True positive' },
  'false-positive': { vi: 'Cảnh báo nhầm', en: 'False positive' },
  benign: { vi: 'Hợp lệ (lành tính)', en: 'Benign (legitimate)' },
  duplicate: { vi: 'Trùng lặp', en: 'Duplicate' },
};

export const SEVERITY_WORDS: Words<Severity> = {
  low: { vi: 'Thấp', en: 'Low' },
  medium: { vi: 'Trung bình', en: 'Medium' },
  high: { vi: 'Cao', en: 'High' },
  critical: { vi: 'Nghiêm trọng', en: 'Critical' },
};

export const ACTION_WORDS: Words<ResponseAction> = {
  'isolate-host': { vi: 'Cô lập máy chủ', en: 'Isolate host' },
  'block-ip': { vi: 'Chặn IP', en: 'Block IP' },
  'block-domain': { vi: 'Chặn tên miền', en: 'Block domain' },
  'maintenance-page': { vi: 'Chuyển trang bảo trì / tạm dừng cổng', en: 'Maintenance page / suspend portal' },
  'preserve-evidence': { vi: 'Thu thập, bảo toàn chứng cứ', en: 'Collect and preserve evidence' },
  'remove-webshell': { vi: 'Gỡ webshell', en: 'Remove web shell' },
  'remove-malware': { vi: 'Gỡ mã độc', en: 'Remove malware' },
  patch: { vi: 'Vá lỗ hổng / cập nhật CMS', en: 'Patch / update CMS' },
  'reset-credentials': { vi: 'Đổi mật khẩu quản trị', en: 'Reset admin credentials' },
  'restore-backup': { vi: 'Khôi phục từ bản sao lưu sạch', en: 'Restore from clean backup' },
  'review-shared-code': { vi: 'Rà soát website dùng chung mã nguồn', en: 'Review sites sharing the code' },
  'request-coordination': { vi: 'Đề nghị điều phối, hỗ trợ ứng cứu', en: 'Request coordination support' },
  'heightened-monitoring': { vi: 'Giám sát tăng cường sau khôi phục', en: 'Heightened monitoring after recovery' },
  reassessment: { vi: 'Kiểm tra, đánh giá lại (Lớp 3)', en: 'Re-assessment (Layer 3)' },
  'rate-limit': { vi: 'Giới hạn truy cập / chống DDoS', en: 'Rate limit / upstream DDoS filtering' },
  'disable-account': { vi: 'Khóa tài khoản lạ', en: 'Disable rogue account' },
};

export const REPORT_KIND_WORDS: Words<ReportKind> = {
  notification: { vi: 'Thông báo sự cố', en: 'Incident notification' },
  emergency: { vi: 'Báo cáo khẩn cấp', en: 'Emergency report' },
  initial: { vi: 'Báo cáo ban đầu', en: 'Initial report' },
  'situation-update': { vi: 'Báo cáo diễn biến tình hình', en: 'Situation update' },
  'response-plan': { vi: 'Phương án ứng cứu', en: 'Response plan' },
  'guidance-request': { vi: 'Xin ý kiến chỉ đạo', en: 'Request for guidance' },
  closing: { vi: 'Báo cáo kết thúc', en: 'Closing report' },
};

export const INCIDENT_PHASE_WORDS: Words<(typeof INCIDENT_PHASES)[number]> = {
  'detection-analysis': { vi: 'Phát hiện và phân tích', en: 'Detection and analysis' },
  containment: { vi: 'Ngăn chặn', en: 'Containment' },
  eradication: { vi: 'Loại bỏ', en: 'Eradication' },
  recovery: { vi: 'Khôi phục', en: 'Recovery' },
  closed: { vi: 'Kết thúc xử lý sự cố', en: 'Closed' },
};

export const LEGAL_CLASS_WORDS: Words<'ordinary' | 'serious'> = {
  ordinary: { vi: 'Sự cố thông thường', en: 'Ordinary incident' },
  serious: { vi: 'Sự cố nghiêm trọng', en: 'Serious incident' },
};

/** The four pillars, as the cockpit, the results pages and the printed reports name them. */
export const COMPONENT_WORDS: Words<ScoreComponentId> = {
  detection: { vi: 'Phát hiện, phân loại', en: 'Detection & triage' },
  response: { vi: 'Ứng phó', en: 'Response' },
  coordination: { vi: 'Phối hợp, báo cáo', en: 'Coordination & reporting' },
  incident: { vi: 'Xử lý sự cố', en: 'Incident handling' },
};

export const ITEM_STATUS_WORDS: Words<LineItemStatus> = {
  earned: { vi: 'Đạt', en: 'Earned' },
  partial: { vi: 'Đạt một phần', en: 'Partly earned' },
  missed: { vi: 'Không đạt', en: 'Missed' },
  late: { vi: 'Quá hạn', en: 'Too late' },
  penalty: { vi: 'Bị trừ điểm', en: 'Penalised' },
  'not-applicable': { vi: 'Không áp dụng', en: 'Not applicable' },
  bonus: { vi: 'Điểm cộng', en: 'Bonus' },
  adjustment: { vi: 'Điều chỉnh', en: 'Adjustment' },
  info: { vi: 'Ghi chú', en: 'Note' },
};

export const REPORT_STATUS_WORDS: Words<'on-time' | 'late' | 'incomplete' | 'missing' | 'not-applicable'> = {
  'on-time': { vi: 'Đúng hạn', en: 'On time' },
  late: { vi: 'Trễ hạn', en: 'Late' },
  incomplete: { vi: 'Thiếu nội dung', en: 'Incomplete' },
  missing: { vi: 'Không gửi', en: 'Not filed' },
  'not-applicable': { vi: 'Không áp dụng', en: 'Not applicable' },
};

export function layerWord(layer: number | string, lang: Language): string {
  return lang === 'en' ? `Layer ${layer}` : `Lớp ${layer}`;
}

/** A word from a table, or a neutral fallback (never the raw id) when the value is unknown. */
export function word<K extends string>(table: Words<K>, key: string | null | undefined, lang: Language, fallback: Text = { vi: '—', en: '—' }): string {
  const entry = key === null || key === undefined ? undefined : (table as Readonly<Record<string, Text>>)[key];
  return (entry ?? fallback)[lang];
}

export const intlLocale = (lang: Language): string => (lang === 'en' ? 'en-GB' : 'vi-VN');

/** A number in the reader's locale ("0,53" in Vietnamese, "0.53" in English). */
export function formatNumber(value: number, lang: Language, digits = 2): string {
  return value.toLocaleString(intlLocale(lang), { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** The 0–1 index with three decimals, as the DTI-style rankings print it. */
export function formatIndex(value: number, lang: Language): string {
  return value.toLocaleString(intlLocale(lang), { minimumFractionDigits: 3, maximumFractionDigits: 3 });
}

/** A span in words: "45 giây", "14 phút", "1 giờ 5 phút" / "45 s", "14 min", "1 h 5 min". */
export function formatSpan(ms: number, lang: Language): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const sign = ms < 0 ? '−' : '';
  if (seconds < 60) return lang === 'en' ? `${sign}${seconds} s` : `${sign}${seconds} giây`;
  const minutes = Math.round(seconds / 60);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h === 0) return lang === 'en' ? `${sign}${m} min` : `${sign}${m} phút`;
  if (m === 0) return lang === 'en' ? `${sign}${h} h` : `${sign}${h} giờ`;
  return lang === 'en' ? `${sign}${h} h ${m} min` : `${sign}${h} giờ ${m} phút`;
}

/** Virtual time as the console shows it: T+mm:ss, or T+hh:mm:ss past the hour. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number): string => String(n).padStart(2, '0');
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return `T+${h > 0 ? `${two(h)}:` : ''}${two(m)}:${two(total % 60)}`;
}
