import type { Language, Text } from '../contracts/common.schema.js';
import type { Scenario, TimeRef } from '../contracts/scenario.schema.js';
import type { LineItem } from '../contracts/scoring.schema.js';
import {
  ACTION_WORDS,
  COMPONENT_WORDS,
  formatClock,
  formatNumber,
  formatSpan,
  INCIDENT_PHASE_WORDS,
  layerWord,
  LEGAL_CLASS_WORDS,
  REPORT_KIND_WORDS,
  SEVERITY_WORDS,
  VERDICT_WORDS,
  word,
} from './review-vocabulary.js';

/**
 * The scorer's findings as sentences for people, in either language. A line item is a structured
 * finding (code, subject, status, points, evidence times); this renders it with the scenario's own
 * titles for alerts, responses, parties, obligations and incidents, so no internal id and no scorer
 * English reaches a reader. The line item's `note` stays the scorer's English log line.
 */

const PLACEHOLDER = /\{\{\s*[\w.-]+\s*\}\}/g;

const both = (f: (lang: Language) => string): Text => ({ vi: f('vi'), en: f('en') });

/** Titles and names from one scenario, by answer-key id. Unknown ids give a neutral word, never the id. */
export class ScenarioNames {
  constructor(
    readonly scenario: Scenario,
    /** Title of a delivered alert when the caller knows better (an inject delivered under its own event id). */
    private readonly alertOverride?: (alertId: string) => Text | undefined,
  ) {}

  alert(alertId: string): Text {
    const known = this.alertOverride?.(alertId);
    if (known) return known;
    const timeline = this.scenario.timeline.find((a) => a.id === alertId);
    if (timeline) return timeline.title;
    const inject = this.scenario.injects.find((a) => a.id === alertId);
    if (inject) return inject.title;
    // Noise titles are templates whose placeholders were filled per alert, which the key does not know.
    const dash = alertId.lastIndexOf('-');
    const noise = dash > 0 ? this.scenario.noise.find((g) => g.id === alertId.slice(0, dash)) : undefined;
    if (noise) return { vi: noise.template.title.vi.replace(PLACEHOLDER, '…'), en: noise.template.title.en.replace(PLACEHOLDER, '…') };
    return { vi: 'cảnh báo khác', en: 'another alert' };
  }

  layerOf(alertId: string): number | null {
    const a = this.scenario.timeline.find((x) => x.id === alertId) ?? this.scenario.injects.find((x) => x.id === alertId);
    return a ? a.layer : null;
  }

  party(id: string): Text {
    const p = this.scenario.parties.find((x) => x.id === id);
    return p ? p.name : { vi: 'đơn vị khác', en: 'another party' };
  }

  parties(ids: readonly string[], lang: Language): string {
    return ids.map((id) => this.party(id)[lang]).join(', ');
  }

  /** A response target: an asset, a party (request-coordination) or an address the team typed. */
  target(target: string | null | undefined): Text | null {
    if (target === null || target === undefined) return null;
    const asset = this.scenario.assets.find((a) => a.id === target);
    if (asset) return asset.name;
    const party = this.scenario.parties.find((p) => p.id === target);
    if (party) return party.name;
    return { vi: target, en: target };
  }

  /** "Cô lập máy chủ: Máy chủ Cổng Thông tin điện tử tỉnh". */
  action(action: string, target: string | null | undefined): Text {
    const t = this.target(target);
    return both((lang) => `${word(ACTION_WORDS, action, lang, { vi: 'Hành động ứng phó', en: 'Response action' })}${t ? `: ${t[lang]}` : ''}`);
  }

  response(id: string): Text {
    const r = this.scenario.responses.find((x) => x.id === id);
    return r ? this.action(r.action, r.target) : { vi: 'Hành động ứng phó', en: 'Response action' };
  }

  harmful(id: string): Text {
    const h = this.scenario.harmful.find((x) => x.id === id);
    return h ? this.action(h.action, h.target) : { vi: 'Hành động gây hại', en: 'Harmful action' };
  }

  /** "Báo cáo ban đầu gửi Sở TT&TT, VNCERT/CC". */
  obligation(id: string): Text {
    const o = this.scenario.reporting.find((x) => x.id === id);
    if (!o) return { vi: 'Báo cáo', en: 'Report' };
    return both((lang) => `${word(REPORT_KIND_WORDS, o.kind, lang)} ${lang === 'en' ? 'to' : 'gửi'} ${this.parties(o.recipients, lang)}`);
  }

  incident(id: string | null | undefined): Text {
    const i = id === null || id === undefined ? undefined : this.scenario.incidents.find((x) => x.id === id);
    return i ? i.title : { vi: 'sự cố', en: 'the incident' };
  }

  phase(id: string | null | undefined): Text {
    const p = id === null || id === undefined ? undefined : this.scenario.phases.find((x) => x.id === id);
    return p ? p.name : { vi: 'giai đoạn khác', en: 'another stage' };
  }

  hint(id: string): Text {
    const h = this.scenario.hints.find((x) => x.id === id);
    if (!h) return { vi: 'gợi ý', en: 'a hint' };
    if ('alert' in h.for) {
      const title = this.alert(h.for.alert);
      return both((lang) => (lang === 'en' ? `the «${title.en}» alert` : `cảnh báo «${title.vi}»`));
    }
    const phase = this.phase(h.for.phase);
    return both((lang) => (lang === 'en' ? `the «${phase.en}» stage` : `giai đoạn «${phase.vi}»`));
  }

  /** Where a window or a report clock starts: the start, a time, or an alert's arrival. */
  from(ref: TimeRef | undefined): Text {
    if (ref === undefined) return { vi: 'đầu diễn tập', en: 'the start' };
    if (typeof ref === 'number') return { vi: formatClock(ref * 1000), en: formatClock(ref * 1000) };
    const title = this.alert(ref.event);
    const plus = ref.plus ? ref.plus * 1000 : 0;
    return both((lang) =>
      lang === 'en'
        ? `${plus ? `${formatSpan(plus, 'en')} after ` : ''}the «${title.en}» alert`
        : `${plus ? `${formatSpan(plus, 'vi')} sau ` : ''}cảnh báo «${title.vi}»`,
    );
  }
}

export interface FindingContext {
  readonly names: ScenarioNames;
  /** The team's last verdict on an alert (from its log), when known. */
  readonly teamVerdict?: (alertId: string) => string | null;
}

const lower = (text: string): string => text.charAt(0).toLocaleLowerCase('vi') + text.slice(1);
const pts = (value: number, lang: Language): string => formatNumber(value, lang, 2);

/** One line item as a sentence in both languages. */
export function findingText(item: LineItem, ctx: FindingContext): Text {
  return { vi: findingIn(item, ctx, 'vi'), en: findingIn(item, ctx, 'en') };
}

/** A short heading for a line item (what was judged), for tables of lost points. */
export function findingSubject(item: LineItem, names: ScenarioNames): Text {
  switch (item.kind) {
    case 'response':
      return names.response(item.subject);
    case 'harmful':
      return names.harmful(item.subject);
    case 'report': {
      // The kind alone: the recipients are in the sentence, and the list is long.
      const kind = names.scenario.reporting.find((o) => o.id === item.subject)?.kind;
      return {
        vi: word(REPORT_KIND_WORDS, kind, 'vi', { vi: 'Báo cáo', en: 'Report' }),
        en: word(REPORT_KIND_WORDS, kind, 'en', { vi: 'Báo cáo', en: 'Report' }),
      };
    }
    case 'alert-verdict':
    case 'alert-severity':
    case 'alert-false-alarm':
    case 'alert-missed':
    case 'routing-detail':
      return names.alert(item.subject);
    case 'routing':
      return { vi: 'Chuyển cảnh báo tới các bên', en: 'Routing to the parties' };
    case 'legal-class':
    case 'incident-grouping':
    case 'incident-severity':
    case 'incident-phases':
    case 'incident-closed':
      return names.incident(item.subject);
    case 'incident-spurious':
      return { vi: 'Sự cố thừa', en: 'Spurious incident' };
    case 'hint': {
      const h = names.hint(item.subject);
      return both((lang) => (lang === 'en' ? `Hint for ${h.en}` : `Gợi ý cho ${h.vi}`));
    }
    default:
      return COMPONENT_WORDS[item.component];
  }
}

function findingIn(item: LineItem, ctx: FindingContext, lang: Language): string {
  const { names } = ctx;
  const en = lang === 'en';
  const times = item.evidence.times;
  const scenario = names.scenario;
  const title = (id: string): string => names.alert(id)[lang];
  switch (item.kind) {
    case 'response': {
      const expected = scenario.responses.find((r) => r.id === item.subject);
      const what = names.response(item.subject)[lang];
      const from = names.from(expected?.from)[lang];
      const windowMs = times.deadline !== undefined && times.windowStart !== undefined ? times.deadline - times.windowStart : null;
      const window = windowMs === null ? '' : en ? `; window was ${formatSpan(windowMs, lang)}` : `; thời hạn là ${formatSpan(windowMs, lang)}`;
      if (item.status === 'not-applicable') return en ? `${what}: does not apply to this team.` : `${what}: không áp dụng cho đội này.`;
      if (times.taken === undefined)
        return en ? `${what} was never done; it was due after ${from}${window}.` : `Không ${lower(what)}; cần thực hiện sau ${from}${window}.`;
      const after = times.windowStart !== undefined ? times.taken - times.windowStart : 0;
      const tail =
        item.status === 'late'
          ? en
            ? ' — too late, no points'
            : ' — quá hạn, không được điểm'
          : item.status === 'partial'
            ? en
              ? ' — inside the window, points reduced for the delay'
              : ' — trong thời hạn, điểm giảm theo độ trễ'
            : '';
      // Under a second reads as "at once": a span of "0 s" says nothing.
      const fromAlert = expected?.from !== undefined && typeof expected.from !== 'number';
      const atOnce = fromAlert ? (en ? `as soon as ${from} arrived` : `ngay khi có ${from}`) : en ? 'right away' : 'ngay từ đầu thời hạn';
      const when = after >= 1000 ? (en ? `${formatSpan(after, lang)} after ${from}` : `${formatSpan(after, lang)} sau ${from}`) : atOnce;
      return en ? `${what} at ${formatClock(times.taken)}, ${when}${window}${tail}.` : `${what} lúc ${formatClock(times.taken)}, ${when}${window}${tail}.`;
    }
    case 'harmful': {
      const h = scenario.harmful.find((x) => x.id === item.subject);
      const what = names.harmful(item.subject)[lang];
      const time = formatClock(times.taken ?? 0);
      return en
        ? `Harmful action: ${what} at ${time} — ${h?.reason.en ?? ''} (${pts(item.points, lang)} points).`
        : `Hành động gây hại: ${what} lúc ${time} — ${h?.reason.vi ?? ''} (${pts(item.points, lang)} điểm).`;
    }
    case 'report': {
      const o = scenario.reporting.find((x) => x.id === item.subject);
      const kind = word(REPORT_KIND_WORDS, o?.kind, lang, { vi: 'Báo cáo', en: 'Report' });
      const to = o ? names.parties(o.recipients, lang) : '';
      const due = times.deadline !== undefined ? formatClock(times.deadline) : '—';
      const basis = o ? (en ? ` Basis: ${o.legalBasis.en}` : ` Căn cứ: ${o.legalBasis.vi}`) : '';
      if (item.status === 'not-applicable')
        return en
          ? `${kind} to ${to}: does not apply to this team (its clock never started in the exercise).`
          : `${kind} gửi ${to}: không áp dụng cho đội này (thời hạn chưa bắt đầu tính trong bài diễn tập).`;
      if (times.filed === undefined)
        return en
          ? `The ${lower(kind)} to ${to} was never filed; it was due by ${due}.${basis}`
          : `Không gửi ${lower(kind)} tới ${to}; hạn chót ${due}.${basis}`;
      const time = formatClock(times.filed);
      if (item.code === 'REPORT_LATE' && times.deadline !== undefined)
        return en
          ? `${kind} filed at ${time}, ${formatSpan(times.filed - times.deadline, lang)} after the deadline ${due}.`
          : `Gửi ${lower(kind)} lúc ${time}, trễ ${formatSpan(times.filed - times.deadline, lang)} so với hạn ${due}.`;
      if (item.code === 'REPORT_INCOMPLETE')
        return en
          ? `${kind} filed at ${time} but without a required recipient or content.`
          : `Gửi ${lower(kind)} lúc ${time} nhưng thiếu nơi nhận hoặc nội dung bắt buộc.`;
      return en ? `${kind} filed at ${time}, before the deadline ${due}.` : `Gửi ${lower(kind)} lúc ${time}, trước hạn ${due}.`;
    }
    case 'alert-verdict': {
      const t = title(item.subject);
      const key = scenario.timeline.find((a) => a.id === item.subject)?.answer ?? scenario.injects.find((a) => a.id === item.subject)?.answer;
      const team = ctx.teamVerdict?.(item.subject) ?? null;
      const called = team
        ? en
          ? `the team called it «${word(VERDICT_WORDS, team, lang)}»`
          : `đội kết luận «${lower(word(VERDICT_WORDS, team, lang))}»`
        : en
          ? 'never triaged'
          : 'không được xử lý';
      const layer = names.layerOf(item.subject);
      const layerText = layer === null ? '' : ` (${lower(layerWord(layer, lang))})`;
      const ideal = key
        ? en
          ? `Ideal: true positive, severity ${lower(word(SEVERITY_WORDS, key.severity, lang))}${key.routing.length ? `, routed to ${names.parties(key.routing, lang)}` : ''}${key.incident ? `, part of the incident «${names.incident(key.incident).en}»` : ''}.`
          : `Đúng ra: cảnh báo đúng, mức độ ${lower(word(SEVERITY_WORDS, key.severity, lang))}${key.routing.length ? `, chuyển tới ${names.parties(key.routing, lang)}` : ''}${key.incident ? `, thuộc sự cố «${names.incident(key.incident).vi}»` : ''}.`
        : '';
      switch (item.code) {
        case 'TP_CONFIRMED':
          return en ? `«${t}» confirmed as a true positive.` : `Xác định đúng cảnh báo «${t}» là cảnh báo đúng.`;
        case 'DUPLICATE_ACCEPTED':
          return en ? `«${t}» closed as a repeat of an earlier alert, which is right.` : `Đóng cảnh báo «${t}» là trùng lặp với cảnh báo trước: đúng.`;
        case 'DUPLICATE_WRONG_ORIGINAL':
          return en
            ? `«${t}» closed as a repeat of the wrong alert (half credit).`
            : `Đóng cảnh báo «${t}» là trùng lặp nhưng chọn sai cảnh báo gốc (được một nửa điểm).`;
        case 'TP_MISSED_UNTRIAGED':
        case 'TP_MISSED_CLOSED':
        case 'TP_MISSED_AS_DUPLICATE':
          return en ? `Missed «${t}»${layerText}: ${called}. ${ideal}` : `Bỏ lọt cảnh báo «${t}»${layerText}: ${called}. ${ideal}`;
        case 'NOISE_CLOSED':
          return en ? `Noise alert «${t}» closed with a reason.` : `Đóng cảnh báo nhiễu «${t}» kèm lý do.`;
        case 'NOISE_CLOSED_NO_REASON':
          return en ? `Noise alert «${t}» closed without a reason.` : `Đóng cảnh báo nhiễu «${t}» nhưng không ghi lý do.`;
        case 'NOISE_OTHER_VERDICT':
          return en
            ? `Noise alert «${t}» closed with another harmless verdict than the key's.`
            : `Đóng cảnh báo nhiễu «${t}» với kết luận khác đáp án (vẫn không phải tấn công).`;
        case 'NOISE_LEFT_OPEN':
          return en ? `Noise alert «${t}» left without a verdict.` : `Cảnh báo nhiễu «${t}» chưa được kết luận.`;
        case 'NOISE_DUPLICATE_OF_NOISE':
          return en ? `Noise alert «${t}» closed as a repeat of another noise alert.` : `Đóng cảnh báo nhiễu «${t}» là trùng lặp với một cảnh báo nhiễu khác.`;
        case 'NOISE_DUPLICATE_OF_TP':
          return en ? `Noise alert «${t}» closed as a repeat of a true positive.` : `Đóng cảnh báo nhiễu «${t}» là trùng lặp với một cảnh báo đúng.`;
        case 'FALSE_ALARM':
          return en
            ? `Noise alert «${t}» called a true positive: needless escalation.`
            : `Kết luận nhầm cảnh báo nhiễu «${t}» là cảnh báo đúng: chuyển cấp xử lý không cần thiết.`;
        case 'ALERT_PENDING':
          return en ? `«${t}» is still within its triage window: not judged yet.` : `Cảnh báo «${t}» còn trong thời gian phân loại: chưa chấm.`;
        case 'ALERT_NO_KEY':
          return en
            ? `«${t}» was added during the drill without an answer: not scored.`
            : `Cảnh báo «${t}» được đưa thêm trong lúc diễn tập, không có đáp án: không chấm.`;
        default:
          return en ? `Verdict on «${t}».` : `Kết luận về cảnh báo «${t}».`;
      }
    }
    case 'alert-severity': {
      const t = title(item.subject);
      const key = scenario.timeline.find((a) => a.id === item.subject)?.answer ?? scenario.injects.find((a) => a.id === item.subject)?.answer;
      const sev = lower(word(SEVERITY_WORDS, key?.severity, lang));
      switch (item.code) {
        case 'SEVERITY_RIGHT':
          return en ? `Severity of «${t}» right (${sev}).` : `Đánh giá đúng mức độ cảnh báo «${t}» (${sev}).`;
        case 'SEVERITY_ONE_OFF':
          return en ? `Severity of «${t}» one step off (should be ${sev}).` : `Mức độ cảnh báo «${t}» lệch một bậc (đúng ra: ${sev}).`;
        case 'SEVERITY_NOT_SET':
          return en ? `Severity of «${t}» not set (should be ${sev}).` : `Chưa đánh giá mức độ cảnh báo «${t}» (đúng ra: ${sev}).`;
        default:
          return en ? `Severity of «${t}» wrong (should be ${sev}).` : `Đánh giá sai mức độ cảnh báo «${t}» (đúng ra: ${sev}).`;
      }
    }
    case 'alert-false-alarm':
      return en
        ? `Noise alert «${title(item.subject)}» called a true positive: needless escalation costs extra.`
        : `Kết luận nhầm cảnh báo nhiễu «${title(item.subject)}» là cảnh báo đúng: chuyển cấp xử lý không cần thiết, bị trừ thêm điểm.`;
    case 'alert-missed':
      return en ? `Missing the true positive «${title(item.subject)}» costs extra.` : `Bỏ lọt cảnh báo đúng «${title(item.subject)}» bị trừ thêm điểm.`;
    case 'routing-detail': {
      const key = scenario.timeline.find((a) => a.id === item.subject)?.answer ?? scenario.injects.find((a) => a.id === item.subject)?.answer;
      const to = key ? names.parties(key.routing, lang) : '';
      return item.code === 'ROUTING_RIGHT'
        ? en
          ? `«${title(item.subject)}» went to the right parties.`
          : `Cảnh báo «${title(item.subject)}» được chuyển tới đúng các bên.`
        : en
          ? `«${title(item.subject)}» should have gone to ${to || 'nobody'}.`
          : `Cảnh báo «${title(item.subject)}» cần được chuyển tới ${to || 'không bên nào'}.`;
    }
    case 'routing':
      return en
        ? `Routing alerts to the parties: ${pts(item.points, lang)} of ${pts(item.maxPoints, lang)} points.`
        : `Chuyển cảnh báo tới các bên: đạt ${pts(item.points, lang)}/${pts(item.maxPoints, lang)} điểm.`;
    case 'legal-class': {
      const k = scenario.incidents.find((i) => i.id === item.subject);
      const inc = names.incident(item.subject)[lang];
      const right = lower(word(LEGAL_CLASS_WORDS, k?.legalClass, lang));
      switch (item.code) {
        case 'LEGAL_CLASS_RIGHT':
          return en ? `Incident «${inc}» classed right (${right}).` : `Phân loại đúng sự cố «${inc}» (${right}).`;
        case 'LEGAL_CLASS_NOT_SET':
          return en ? `Incident «${inc}» has no legal class (should be ${right}).` : `Chưa phân loại sự cố «${inc}» (đúng ra: ${right}).`;
        case 'LEGAL_CLASS_NO_INCIDENT':
          return en
            ? `No incident was opened for «${inc}», so it was never classed (should be ${right}).`
            : `Không mở sự cố cho «${inc}» nên chưa phân loại (đúng ra: ${right}).`;
        default:
          return en ? `Incident «${inc}» classed wrong (should be ${right}).` : `Phân loại sai sự cố «${inc}» (đúng ra: ${right}).`;
      }
    }
    case 'incident-grouping': {
      const inc = names.incident(item.subject)[lang];
      if (item.code === 'INCIDENT_NOT_OPENED') return en ? `No incident groups the alerts of «${inc}».` : `Không mở sự cố nào gom các cảnh báo của «${inc}».`;
      return en
        ? `Alerts grouped into «${inc}»: ${pts(item.points, lang)} of ${pts(item.maxPoints, lang)} points.`
        : `Gom nhóm cảnh báo vào sự cố «${inc}»: đạt ${pts(item.points, lang)}/${pts(item.maxPoints, lang)} điểm.`;
    }
    case 'incident-severity': {
      const k = scenario.incidents.find((i) => i.id === item.subject);
      const inc = names.incident(item.subject)[lang];
      const sev = lower(word(SEVERITY_WORDS, k?.severity, lang));
      if (item.code === 'INCIDENT_SEVERITY_RIGHT')
        return en ? `Severity of the incident «${inc}» right (${sev}).` : `Đánh giá đúng mức độ sự cố «${inc}» (${sev}).`;
      if (item.code === 'INCIDENT_SEVERITY_NOT_SET')
        return en ? `Severity of the incident «${inc}» not set (should be ${sev}).` : `Chưa đánh giá mức độ sự cố «${inc}» (đúng ra: ${sev}).`;
      return en ? `Severity of the incident «${inc}» off (should be ${sev}).` : `Đánh giá chưa đúng mức độ sự cố «${inc}» (đúng ra: ${sev}).`;
    }
    case 'incident-phases': {
      const k = scenario.incidents.find((i) => i.id === item.subject);
      const inc = names.incident(item.subject)[lang];
      const steps = (k?.phases ?? []).map((p) => lower(word(INCIDENT_PHASE_WORDS, p, lang))).join(' → ');
      return en
        ? `Handling steps of «${inc}» (${steps}): ${pts(item.points, lang)} of ${pts(item.maxPoints, lang)} points.`
        : `Các bước xử lý sự cố «${inc}» (${steps}): đạt ${pts(item.points, lang)}/${pts(item.maxPoints, lang)} điểm.`;
    }
    case 'incident-closed': {
      const inc = names.incident(item.subject)[lang];
      return item.code === 'INCIDENT_CLOSED'
        ? en
          ? `Incident «${inc}» closed.`
          : `Đã kết thúc xử lý sự cố «${inc}».`
        : en
          ? `Incident «${inc}» was never closed.`
          : `Chưa kết thúc xử lý sự cố «${inc}».`;
    }
    case 'incident-spurious':
      return en
        ? 'An incident the team opened matches none of the scenario: it dilutes the incident score.'
        : 'Đội mở một sự cố không ứng với sự cố nào của kịch bản: làm giảm điểm xử lý sự cố.';
    case 'hint': {
      const h = names.hint(item.subject)[lang];
      const time = times.requested !== undefined ? formatClock(times.requested) : '';
      return item.code === 'HINT_USED'
        ? en
          ? `Hint for ${h} at ${time}: ${pts(item.points, lang)} points.`
          : `Dùng gợi ý cho ${h} lúc ${time}: ${pts(item.points, lang)} điểm.`
        : en
          ? `Hint for ${h} at ${time}, free of charge.`
          : `Dùng gợi ý cho ${h} lúc ${time}, không bị trừ điểm.`;
    }
    case 'manual-adjustment':
      return en ? `Manual adjustment by the judges: ${pts(item.points, lang)} points.` : `Ban giám khảo điều chỉnh thủ công: ${pts(item.points, lang)} điểm.`;
    default:
      return en
        ? `${COMPONENT_WORDS[item.component].en}: ${pts(item.points, lang)} of ${pts(item.maxPoints, lang)} points.`
        : `${COMPONENT_WORDS[item.component].vi}: đạt ${pts(item.points, lang)}/${pts(item.maxPoints, lang)} điểm.`;
  }
}
