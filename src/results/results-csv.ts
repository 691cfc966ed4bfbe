import type { Language } from '../contracts/common.schema.js';
import { CSV_VARIANTS, type ExerciseSummary, type TeamResult } from '../contracts/results.schema.js';
import { reportStrings } from './report-i18n.js';

/**
 * The CSV export: one row per team per exercise with every figure of its score. UTF-8 with a BOM
 * (Excel otherwise reads Vietnamese as mojibake), CRLF line ends and RFC 4180 quoting. Headers,
 * statuses and titles follow the file's language; times are in the organisation's time zone with
 * their offset. The `excel-vi` variant is what a spreadsheet set to Vietnamese opens directly:
 * ';' between cells and ',' before decimals.
 */

export const UTF8_BOM = '\uFEFF';

export { CSV_VARIANTS };
export type CsvVariant = (typeof CSV_VARIANTS)[number];

export interface CsvOptions {
  readonly lang: Language;
  readonly variant: CsvVariant;
  /** IANA zone the times are written in (the organisation's). */
  readonly timeZone: string;
  /** Absolute link to a team's review in the console. */
  readonly reviewLink: (exerciseId: string, teamId: string) => string;
}

type Cell = string | number | null;

interface Column {
  readonly id: string;
  readonly vi: string;
  readonly en: string;
  readonly value: (exercise: ExerciseSummary, team: TeamResult, options: CsvOptions) => Cell;
}

/** "2026-12-07 15:20:13 +07:00": local time in the zone with its offset, which spreadsheets read as a date and people as the time they lived. */
export function zonedTime(iso: string | null, timeZone: string): string | null {
  if (iso === null) return null;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}:${parts.second} ${offset}`;
}

const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);

/** Column ids are stable; headers follow the language. */
export const CSV_COLUMNS: readonly Column[] = [
  { id: 'exercise_id', vi: 'Mã cuộc diễn tập', en: 'Exercise id', value: (e) => e.id },
  { id: 'exercise_title', vi: 'Tên cuộc diễn tập', en: 'Exercise title', value: (e) => e.title },
  { id: 'held_at', vi: 'Thời gian tổ chức', en: 'Held at', value: (e, _t, o) => zonedTime(e.heldAt, o.timeZone) },
  { id: 'status', vi: 'Trạng thái', en: 'Status', value: (e, _t, o) => reportStrings(o.lang).statuses[e.status] ?? e.status },
  { id: 'scenario_id', vi: 'Mã kịch bản', en: 'Scenario id', value: (e) => e.scenarioId },
  { id: 'scenario_version', vi: 'Phiên bản kịch bản', en: 'Scenario version', value: (e) => e.scenarioVersion },
  { id: 'scenario_title', vi: 'Kịch bản', en: 'Scenario', value: (e, _t, o) => (o.lang === 'en' ? e.scenarioTitle.en : e.scenarioTitle.vi) },
  { id: 'team_id', vi: 'Mã đội', en: 'Team id', value: (_e, t) => t.teamId },
  { id: 'team_name', vi: 'Đội', en: 'Team', value: (_e, t) => t.teamName },
  { id: 'unit_code', vi: 'Mã đơn vị', en: 'Unit code', value: (_e, t) => t.unit?.code ?? null },
  { id: 'unit_name', vi: 'Đơn vị', en: 'Unit', value: (_e, t) => t.unit?.name ?? null },
  { id: 'members', vi: 'Thành viên', en: 'Members', value: (_e, t) => t.members.map((m) => m.displayName).join('; ') },
  { id: 'rank', vi: 'Xếp hạng', en: 'Rank', value: (_e, t) => t.rank },
  { id: 'index', vi: 'Chỉ số (0–1)', en: 'Index (0–1)', value: (_e, t) => t.index },
  { id: 'total', vi: 'Tổng điểm', en: 'Total', value: (_e, t) => t.total },
  { id: 'max_score', vi: 'Điểm tối đa', en: 'Max score', value: (_e, t) => t.maxScore },
  { id: 'detection', vi: 'Phát hiện, phân loại', en: 'Detection & triage', value: (_e, t) => t.components.detection.score },
  { id: 'detection_max', vi: 'Phát hiện – tối đa', en: 'Detection max', value: (_e, t) => t.components.detection.max },
  { id: 'response', vi: 'Ứng phó', en: 'Response', value: (_e, t) => t.components.response.score },
  { id: 'response_max', vi: 'Ứng phó – tối đa', en: 'Response max', value: (_e, t) => t.components.response.max },
  { id: 'coordination', vi: 'Phối hợp, báo cáo', en: 'Coordination & reporting', value: (_e, t) => t.components.coordination.score },
  { id: 'coordination_max', vi: 'Phối hợp – tối đa', en: 'Coordination max', value: (_e, t) => t.components.coordination.max },
  { id: 'incident', vi: 'Xử lý sự cố', en: 'Incident handling', value: (_e, t) => t.components.incident.score },
  { id: 'incident_max', vi: 'Xử lý sự cố – tối đa', en: 'Incident max', value: (_e, t) => t.components.incident.max },
  { id: 'alerts_delivered', vi: 'Số cảnh báo nhận', en: 'Alerts delivered', value: (_e, t) => t.metrics.alertsDelivered },
  { id: 'alerts_acknowledged', vi: 'Số cảnh báo tiếp nhận', en: 'Alerts acknowledged', value: (_e, t) => t.metrics.alertsAcknowledged },
  { id: 'mtta_s', vi: 'MTTA – tiếp nhận TB (giây)', en: 'MTTA (s)', value: (_e, t) => seconds(t.metrics.meanTimeToAcknowledgeMs) },
  { id: 'mttv_s', vi: 'Thời gian phân loại TB (giây)', en: 'Mean time to verdict (s)', value: (_e, t) => seconds(t.metrics.meanTimeToVerdictMs) },
  { id: 'mttc_s', vi: 'MTTC – ngăn chặn TB (giây)', en: 'MTTC (s)', value: (_e, t) => seconds(t.metrics.meanTimeToContainMs) },
  { id: 'true_positives_delivered', vi: 'Cảnh báo đúng đã nhận', en: 'True positives delivered', value: (_e, t) => t.metrics.truePositivesDelivered },
  { id: 'true_positives_detected', vi: 'Cảnh báo đúng đã phát hiện', en: 'True positives detected', value: (_e, t) => t.metrics.truePositivesDetected },
  { id: 'detection_rate', vi: 'Tỉ lệ phát hiện', en: 'Detection rate', value: (_e, t) => t.metrics.detectionRate },
  { id: 'false_positive_rate', vi: 'Tỉ lệ cảnh báo nhầm', en: 'False-positive rate', value: (_e, t) => t.metrics.falsePositiveRate },
  { id: 'reports_due', vi: 'Báo cáo phải nộp', en: 'Reports due', value: (_e, t) => t.metrics.reportsDue },
  { id: 'reports_on_time', vi: 'Báo cáo đúng hạn', en: 'Reports on time', value: (_e, t) => t.metrics.reportsOnTime },
  { id: 'responses_due', vi: 'Biện pháp ứng phó cần làm', en: 'Responses due', value: (_e, t) => t.metrics.responsesDue },
  { id: 'responses_in_window', vi: 'Ứng phó đúng thời hạn', en: 'Responses in window', value: (_e, t) => t.metrics.responsesInWindow },
  { id: 'harmful_actions', vi: 'Hành động gây hại', en: 'Harmful actions', value: (_e, t) => t.metrics.harmfulActions },
  { id: 'hints_used', vi: 'Gợi ý đã dùng', en: 'Hints used', value: (_e, t) => t.metrics.hintsUsed },
  { id: 'review_url', vi: 'Đánh giá sau diễn tập', en: 'After-action review', value: (e, t, o) => o.reviewLink(e.id, t.teamId) },
  // Last, so that columns read by position keep their place; practice rows are never part of a graded ranking.
  {
    id: 'kind',
    vi: 'Loại',
    en: 'Kind',
    value: (e, _t, o) => (e.kind === 'practice' ? (o.lang === 'en' ? 'practice' : 'luyện tập') : o.lang === 'en' ? 'graded drill' : 'diễn tập'),
  },
];

/**
 * One cell. Text that a spreadsheet would run as a formula (= + - @, tab, CR) gets a leading
 * apostrophe (OWASP CSV injection advice), and any cell holding the separator in use, a quote, a
 * line break or an apostrophe is quoted, so "x;=1+1" stays one inert cell with either separator.
 * Numbers are written as numbers, with the variant's decimal mark.
 */
export function csvCell(value: Cell, variant: CsvVariant = 'rfc4180'): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return variant === 'excel-vi' ? String(value).replace('.', ',') : String(value);
  }
  const separator = variant === 'excel-vi' ? ';' : ',';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  const needsQuotes = text.includes(separator) || /[",;\r\n']/.test(text) || text !== text.trim();
  return needsQuotes ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultsCsv(rows: ReadonlyArray<{ exercise: ExerciseSummary; team: TeamResult }>, options: CsvOptions): string {
  const separator = options.variant === 'excel-vi' ? ';' : ',';
  const lines = [CSV_COLUMNS.map((c) => csvCell(c[options.lang], options.variant)).join(separator)];
  for (const { exercise, team } of rows) lines.push(CSV_COLUMNS.map((c) => csvCell(c.value(exercise, team, options), options.variant)).join(separator));
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
