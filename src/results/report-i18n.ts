import type { Language } from '../contracts/common.schema.js';
import type { ScoreComponentId } from '../contracts/scoring.schema.js';

/** Every fixed text of the printed reports, in both languages (scenario and user texts are data). */
export interface ReportStrings {
  readonly exerciseReportTitle: string;
  readonly periodReportTitle: string;
  readonly organisation: string;
  readonly generatedAt: string;
  readonly period: string;
  readonly allTime: string;
  readonly scenario: string;
  readonly status: string;
  readonly heldAt: string;
  readonly teams: string;
  readonly leadershipSummary: string;
  readonly technicalDetails: string;
  readonly ranking: string;
  readonly rank: string;
  readonly team: string;
  readonly unit: string;
  readonly members: string;
  readonly index: string;
  readonly total: string;
  readonly weakest: string;
  readonly weakestLayer: string;
  readonly weakestPhase: string;
  readonly weakestTechnique: string;
  readonly nothingWeak: string;
  readonly trend: string;
  readonly trendNote: string;
  readonly noTrend: string;
  readonly metrics: string;
  readonly mtta: string;
  readonly mttv: string;
  readonly mttc: string;
  readonly detectionRate: string;
  readonly fpRate: string;
  readonly reportsOnTime: string;
  readonly responsesInWindow: string;
  readonly harmful: string;
  readonly hints: string;
  readonly alertsDelivered: string;
  readonly perLayer: string;
  readonly perPhase: string;
  readonly perTechnique: string;
  readonly heatmap: string;
  readonly heatmapNote: string;
  readonly slice: string;
  readonly truePositives: string;
  readonly detected: string;
  readonly missed: string;
  readonly falseAlarms: string;
  readonly points: string;
  readonly ratio: string;
  readonly pointsLost: string;
  readonly subject: string;
  readonly component: string;
  readonly note: string;
  readonly noExercises: string;
  readonly exercises: string;
  /** Period report: the count of trainees' practice runs, which the report's figures leave out. */
  readonly practiceRuns: string;
  readonly exercise: string;
  readonly meanIndex: string;
  readonly bestIndex: string;
  readonly latestIndex: string;
  readonly change: string;
  readonly unitRanking: string;
  readonly unitRule: string;
  readonly reviewLink: string;
  readonly scaleNote: string;
  readonly notApplicable: string;
  readonly components: Record<ScoreComponentId, string>;
  readonly statuses: Record<string, string>;
  readonly duration: (ms: number) => string;
  readonly moreInDetails: (n: number) => string;
}

const vi: ReportStrings = {
  exerciseReportTitle: 'Báo cáo kết quả diễn tập',
  periodReportTitle: 'Báo cáo tổng hợp kết quả diễn tập theo kỳ',
  organisation: 'Đơn vị tổ chức',
  generatedAt: 'Lập lúc',
  period: 'Kỳ báo cáo',
  allTime: 'Toàn bộ thời gian',
  scenario: 'Kịch bản',
  status: 'Trạng thái',
  heldAt: 'Thời gian tổ chức',
  teams: 'Số đội',
  leadershipSummary: 'I. Tóm tắt cho lãnh đạo',
  technicalDetails: 'II. Chi tiết cho bộ phận kỹ thuật',
  ranking: 'Xếp hạng các đội',
  rank: 'Hạng',
  team: 'Đội',
  unit: 'Đơn vị',
  members: 'Thành viên',
  index: 'Chỉ số (0–1)',
  total: 'Tổng điểm (/1000)',
  weakest: 'Điểm yếu nổi bật',
  weakestLayer: 'Lớp yếu nhất',
  weakestPhase: 'Giai đoạn tấn công yếu nhất',
  weakestTechnique: 'Kỹ thuật ATT&CK yếu nhất',
  nothingWeak: 'Không có dữ liệu',
  trend: 'Xu hướng theo đơn vị',
  trendNote: 'Chỉ số của từng đơn vị qua các cuộc diễn tập đã kết thúc (trung bình các đội của đơn vị).',
  noTrend: 'Chưa đủ dữ liệu để vẽ xu hướng.',
  metrics: 'Chỉ tiêu vận hành',
  mtta: 'Thời gian tiếp nhận TB (MTTA)',
  mttv: 'Thời gian phân loại TB',
  mttc: 'Thời gian ngăn chặn TB (MTTC)',
  detectionRate: 'Tỉ lệ phát hiện',
  fpRate: 'Tỉ lệ cảnh báo nhầm',
  reportsOnTime: 'Báo cáo đúng hạn',
  responsesInWindow: 'Ứng phó đúng thời hạn',
  harmful: 'Hành động gây hại',
  hints: 'Gợi ý đã dùng',
  alertsDelivered: 'Cảnh báo đã nhận',
  perLayer: 'Theo lớp (mô hình 4 lớp)',
  perPhase: 'Theo giai đoạn chuỗi tấn công',
  perTechnique: 'Theo kỹ thuật ATT&CK',
  heatmap: 'Bản đồ nhiệt kỹ thuật ATT&CK',
  heatmapNote: 'Mỗi ô: tỉ lệ cảnh báo đúng được phát hiện (đã phát hiện / cảnh báo đúng); "–" khi chỉ có cảnh báo nhiễu.',
  slice: 'Hạng mục',
  truePositives: 'Cảnh báo đúng',
  detected: 'Phát hiện',
  missed: 'Bỏ lọt',
  falseAlarms: 'Báo động nhầm',
  points: 'Điểm',
  ratio: 'Tỉ lệ điểm',
  pointsLost: 'Các mục mất điểm nhiều nhất',
  subject: 'Mục',
  component: 'Trụ cột',
  note: 'Nhận xét',
  noExercises: 'Không có cuộc diễn tập nào đã kết thúc trong kỳ.',
  exercises: 'Các cuộc diễn tập',
  practiceRuns: 'Bài luyện tập của học viên (không tính trong báo cáo này)',
  exercise: 'Cuộc diễn tập',
  meanIndex: 'Chỉ số TB',
  bestIndex: 'Chỉ số cao nhất',
  latestIndex: 'Chỉ số lần gần nhất',
  change: 'Thay đổi',
  unitRanking: 'Xếp hạng đơn vị trong kỳ',
  unitRule: 'Đơn vị của một đội là đơn vị có nhiều thành viên nhất trong đội.',
  reviewLink: 'Đánh giá sau diễn tập',
  scaleNote: 'Thang 1.000 điểm, chỉ số 0–1 = tổng điểm / 1.000; bốn trụ cột: phát hiện, ứng phó, phối hợp – báo cáo, xử lý sự cố.',
  notApplicable: 'không áp dụng',
  components: { detection: 'Phát hiện, phân loại', response: 'Ứng phó', coordination: 'Phối hợp, báo cáo', incident: 'Xử lý sự cố' },
  statuses: { draft: 'Nháp', running: 'Đang diễn ra', paused: 'Tạm dừng', finished: 'Đã kết thúc', aborted: 'Đã hủy' },
  moreInDetails: (n) => `… và ${n} mục khác (xem phần II).`,
  duration: (ms) => (ms < 60_000 ? `${Math.round(ms / 1000)} giây` : `${(ms / 60_000).toLocaleString('vi-VN', { maximumFractionDigits: 1 })} phút`),
};

const en: ReportStrings = {
  exerciseReportTitle: 'Exercise results report',
  periodReportTitle: 'Drill results report for the period',
  organisation: 'Organisation',
  generatedAt: 'Generated',
  period: 'Period',
  allTime: 'All time',
  scenario: 'Scenario',
  status: 'Status',
  heldAt: 'Held at',
  teams: 'Teams',
  leadershipSummary: 'I. Summary for leadership',
  technicalDetails: 'II. Details for the technical team',
  ranking: 'Team ranking',
  rank: 'Rank',
  team: 'Team',
  unit: 'Unit',
  members: 'Members',
  index: 'Index (0–1)',
  total: 'Total (/1000)',
  weakest: 'Main weaknesses',
  weakestLayer: 'Weakest layer',
  weakestPhase: 'Weakest attack phase',
  weakestTechnique: 'Weakest ATT&CK technique',
  nothingWeak: 'No data',
  trend: 'Trend per unit',
  trendNote: "Each unit's index over the finished exercises (mean of the unit's teams).",
  noTrend: 'Not enough data for a trend yet.',
  metrics: 'Operational metrics',
  mtta: 'Mean time to acknowledge (MTTA)',
  mttv: 'Mean time to verdict',
  mttc: 'Mean time to contain (MTTC)',
  detectionRate: 'Detection rate',
  fpRate: 'False-positive rate',
  reportsOnTime: 'Reports on time',
  responsesInWindow: 'Responses in window',
  harmful: 'Harmful actions',
  hints: 'Hints used',
  alertsDelivered: 'Alerts delivered',
  perLayer: 'Per layer (four-layer model)',
  perPhase: 'Per kill-chain phase',
  perTechnique: 'Per ATT&CK technique',
  heatmap: 'ATT&CK technique heat map',
  heatmapNote: 'Each cell: share of true positives detected (detected / true positives); "–" when only noise was involved.',
  slice: 'Slice',
  truePositives: 'True positives',
  detected: 'Detected',
  missed: 'Missed',
  falseAlarms: 'False alarms',
  points: 'Points',
  ratio: 'Points ratio',
  pointsLost: 'Where the most points were lost',
  subject: 'Item',
  component: 'Component',
  note: 'Note',
  noExercises: 'No finished exercise in this period.',
  exercises: 'Exercises',
  practiceRuns: "Trainees' practice runs (not counted in this report)",
  exercise: 'Exercise',
  meanIndex: 'Mean index',
  bestIndex: 'Best index',
  latestIndex: 'Latest index',
  change: 'Change',
  unitRanking: 'Unit ranking for the period',
  unitRule: "A team's unit is the unit most of its members belong to.",
  reviewLink: 'After-action review',
  scaleNote: '1,000-point scale, index 0–1 = total / 1,000; four pillars: detection, response, coordination & reporting, incident handling.',
  notApplicable: 'not applicable',
  components: { detection: 'Detection & triage', response: 'Response', coordination: 'Coordination & reporting', incident: 'Incident handling' },
  statuses: { draft: 'Draft', running: 'Running', paused: 'Paused', finished: 'Finished', aborted: 'Aborted' },
  moreInDetails: (n) => `… and ${n} more (see part II).`,
  duration: (ms) => (ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 60_000).toLocaleString('en-GB', { maximumFractionDigits: 1 })} min`),
};

export function reportStrings(lang: Language): ReportStrings {
  return lang === 'en' ? en : vi;
}
