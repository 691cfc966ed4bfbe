import { i18next } from '../i18n/i18n.js';

/** Console texts of self-paced practice (luyện tập), in their own namespace; error texts join the main one. */
const vi = {
  badge: 'Luyện tập',
  ended: 'Bài luyện tập đã kết thúc.',
  catalogue: {
    title: 'Tự luyện tập',
    intro: 'Chạy một mình các kịch bản mà đơn vị đã mở cho luyện tập, theo tốc độ của bạn, có gợi ý. Kết quả luyện tập không tính vào xếp hạng diễn tập.',
    empty: 'Tổ chức của bạn chưa mở kịch bản nào cho luyện tập.',
    scenario: 'Kịch bản',
    duration: 'Thời lượng',
    hints: 'Gợi ý',
    hasHints: 'Có gợi ý',
    noHints: 'Không có gợi ý',
    speed: 'Tốc độ',
    start: 'Bắt đầu luyện tập',
    resume: 'Tiếp tục bài luyện tập đang mở',
    oneAtATime: 'Mỗi lần chỉ một bài luyện tập; bài bỏ dở quá {{minutes}} phút sẽ tự kết thúc.',
    minutes: '{{count}} phút',
  },
  controls: {
    label: 'Điều khiển đồng hồ bài luyện tập',
    pause: 'Tạm dừng',
    resume: 'Tiếp tục',
    speed: 'Tốc độ',
    skip: 'Tua tới +{{minutes}} phút',
    finish: 'Kết thúc luyện tập',
    confirmFinish: 'Kết thúc bài luyện tập bây giờ? Điểm được chốt và bạn xem đánh giá sau luyện tập.',
  },
  hints: {
    ask: 'Xin gợi ý luyện tập',
    selectAlert: 'Chọn một cảnh báo để xin gợi ý.',
    taken: 'Gợi ý luyện tập',
    stage: 'Giai đoạn',
    none: 'Không còn gợi ý cho cảnh báo này.',
    debriefTitle: 'Gợi ý luyện tập đã dùng',
    debriefEmpty: 'Không dùng gợi ý luyện tập nào.',
    debriefNote: 'Gợi ý luyện tập không trừ điểm; chúng được ghi lại ở đây để bạn biết mình đã cần trợ giúp ở đâu.',
    at: 'Lúc',
    alert: 'Cảnh báo',
  },
  openings: {
    title: 'Luyện tập',
    open: 'Mở cho luyện tập',
    close: 'Đóng luyện tập',
    isOpen: 'Phiên bản này đang mở cho học viên của tổ chức tự luyện tập.',
    isClosed: 'Học viên chưa thể tự luyện tập phiên bản này.',
  },
  results: {
    title: 'Luyện tập (không tính xếp hạng)',
    note: 'Các bài học viên tự luyện tập, tách riêng khỏi các cuộc diễn tập được chấm xếp hạng.',
    trainee: 'Học viên',
    index: 'Chỉ số',
  },
};

const en: typeof vi = {
  badge: 'Practice',
  ended: 'The practice run has ended.',
  catalogue: {
    title: 'Practise on your own',
    intro:
      'Run alone the scenarios your organisation has opened for practice, at your own speed, with hints. Practice results never count in the drill rankings.',
    empty: 'Your organisation has not opened any scenario for practice yet.',
    scenario: 'Scenario',
    duration: 'Duration',
    hints: 'Hints',
    hasHints: 'With hints',
    noHints: 'No hints',
    speed: 'Speed',
    start: 'Start practice',
    resume: 'Resume your open practice run',
    oneAtATime: 'One practice run at a time; a run left alone for {{minutes}} minutes ends by itself.',
    minutes: '{{count}} min',
  },
  controls: {
    label: 'Practice run clock controls',
    pause: 'Pause',
    resume: 'Resume',
    speed: 'Speed',
    skip: 'Skip ahead +{{minutes}} min',
    finish: 'End practice',
    confirmFinish: 'End this practice run now? The score is final and you read your debrief.',
  },
  hints: {
    ask: 'Ask for a practice hint',
    selectAlert: 'Select an alert to ask for a hint.',
    taken: 'Practice hint',
    stage: 'Stage',
    none: 'No more hints for this alert.',
    debriefTitle: 'Practice hints taken',
    debriefEmpty: 'No practice hint was taken.',
    debriefNote: 'Practice hints cost no points; they are listed here so you see where you needed help.',
    at: 'At',
    alert: 'Alert',
  },
  openings: {
    title: 'Practice',
    open: 'Open for practice',
    close: 'Close for practice',
    isOpen: "This version is open for your organisation's trainees to practise alone.",
    isClosed: 'Trainees cannot practise this version on their own yet.',
  },
  results: {
    title: 'Practice runs (not ranked)',
    note: "Trainees' self-paced practice runs, kept apart from the ranked drills.",
    trainee: 'Trainee',
    index: 'Index',
  },
};

i18next.addResourceBundle('vi', 'practice', vi, true, true);
i18next.addResourceBundle('en', 'practice', en, true, true);
// Error codes of the practice routes, in the main namespace where ErrorText looks them up.
i18next.addResourceBundle(
  'vi',
  'translation',
  {
    errors: {
      PRACTICE_NOT_OPEN: 'Kịch bản này chưa được mở cho luyện tập.',
      PRACTICE_ALREADY_RUNNING: 'Bạn đang có một bài luyện tập chưa kết thúc.',
      PRACTICE_ONLY: 'Gợi ý luyện tập chỉ có trong bài luyện tập.',
    },
  },
  true,
  false,
);
i18next.addResourceBundle(
  'en',
  'translation',
  {
    errors: {
      PRACTICE_NOT_OPEN: 'This scenario is not open for practice.',
      PRACTICE_ALREADY_RUNNING: 'You already have a practice run open.',
      PRACTICE_ONLY: 'Practice hints exist only in practice runs.',
    },
  },
  true,
  false,
);

export const PRACTICE_NS = 'practice';
