import type { TFunction } from 'i18next';
import type { Text } from '@contracts/common.schema.js';
import type { AarAnnotation, AfterActionReview } from '@contracts/scoring.schema.js';

/** How an annotation reads in the debrief's filter: what the team missed, did late, got wrong or right. */
export type NoteKind = 'missed' | 'late' | 'wrong' | 'right' | 'info';
export const NOTE_KINDS: readonly NoteKind[] = ['missed', 'late', 'wrong', 'right', 'info'];

export interface ReviewNote {
  readonly id: string;
  readonly kind: NoteKind;
  readonly atMs: number | null;
  /** The attack stage it belongs to, when known (for the stage filter). */
  readonly phase: string | null;
  readonly text: string;
  readonly points: number;
  readonly maxPoints: number;
  /** The alert it is about, by the reference the console showed. */
  readonly alertRef: string | null;
}

type Lang = 'vi' | 'en';
const pickIn = (text: Text | null | undefined, lang: Lang): string => (text ? text[lang] : '');

/** Virtual time as the console shows it (T+mm:ss or T+hh:mm:ss). */
export function clock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const two = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  return `T+${h > 0 ? `${two(h)}:` : ''}${two(m)}:${two(total % 60)}`;
}

/** A duration in whole minutes, in words ("14 phút", "1 giờ 5 phút"). */
export function minutes(t: TFunction, ms: number): string {
  const total = Math.max(0, Math.round(ms / 60_000));
  const h = Math.floor(total / 60);
  return h > 0 ? t('duration.hm', { h, m: total % 60 }) : t('duration.m', { n: total });
}

/** Names for the ids a review mentions, in one language; unknown ids fall back to a neutral word, never the id. */
export class ReviewNames {
  constructor(
    private readonly review: AfterActionReview,
    private readonly t: TFunction,
    private readonly tt: TFunction,
    readonly lang: Lang,
  ) {}

  alert(id: string): string {
    return pickIn(this.review.labels.alerts[id]?.title, this.lang) || this.t('timeline.alert');
  }
  asset(id: string | null): string {
    if (id === null) return '';
    // A response's target is an asset, a party (request-coordination) or an address typed by the team.
    return pickIn(this.review.labels.assets[id] ?? this.review.labels.parties[id], this.lang) || id;
  }
  party(id: string): string {
    return pickIn(this.review.labels.parties[id], this.lang) || id;
  }
  parties(ids: readonly string[]): string {
    return ids.map((id) => this.party(id)).join(', ');
  }
  incident(id: string | null): string {
    if (id === null) return '';
    return pickIn(this.review.labels.incidents[id], this.lang);
  }
  phase(id: string | null): string {
    if (id === null) return '';
    return pickIn(this.review.stages.find((s) => s.phaseId === id)?.name, this.lang);
  }
  /** An expected or harmful response as "Cô lập máy chủ: Máy chủ Cổng Thông tin điện tử tỉnh". */
  response(action: string, target: string | null): string {
    return `${this.tt(`response.actions.${action}`, { defaultValue: action })}${target ? `: ${this.asset(target)}` : ''}`;
  }
  reportKind(kind: string): string {
    return this.tt(`report.kinds.${kind}`, { defaultValue: kind });
  }
  verdict(verdict: string): string {
    return this.tt(`verdict.${verdict}`, { defaultValue: verdict });
  }
  severity(severity: string): string {
    return this.tt(`severity.${severity}`, { defaultValue: severity });
  }
}

function kindOfTone(tone: AarAnnotation['tone']): NoteKind {
  switch (tone) {
    case 'good':
      return 'right';
    case 'info':
      return 'info';
    case 'warning':
      return 'wrong';
    case 'critical':
      return 'missed';
  }
}

/**
 * The review's annotations as sentences written in the reader's language from the review's
 * structured data (the server's own sentences carry scenario ids and scorer English).
 * `t` is the debrief namespace, `tt` the console's.
 */
export function reviewNotes(review: AfterActionReview, t: TFunction, tt: TFunction, lang: Lang): ReviewNote[] {
  const names = new ReviewNames(review, t, tt, lang);
  const refOf = (eventId: string): string | null =>
    review.missedAlerts.find((m) => m.alertId === eventId)?.ref ?? review.timeline.find((e) => e.kind === 'alert' && e.id === eventId)?.ref ?? null;
  return review.annotations.map((a): ReviewNote => {
    const base = { id: a.id, atMs: a.atMs, points: a.points, maxPoints: a.maxPoints, phase: null as string | null, alertRef: null as string | null };
    const times = a.evidence.times;
    const [prefix] = a.id.split(':', 1);
    switch (prefix) {
      case 'response': {
        const ideal = review.ideal.responses.find((r) => r.id === a.subject);
        const label = review.labels.responses[a.subject];
        const what = ideal ? names.response(ideal.action, ideal.target) : t('notes.codes.other');
        const alert = pickIn(label?.after, lang);
        const windowMs = times.deadline !== undefined && times.windowStart !== undefined ? times.deadline - times.windowStart : null;
        const window = windowMs === null ? '' : t('notes.window', { window: minutes(t, windowMs) });
        const phase = label?.phase ?? null;
        const status = ideal?.status ?? 'not-applicable';
        if (status === 'not-applicable') return { ...base, phase, kind: 'info', text: t('notes.responseNotApplicable', { what }) };
        if (times.taken === undefined) {
          // Vietnamese puts "Không" before the action, so the action loses its capital there.
          const whatLower = what.charAt(0).toLocaleLowerCase('vi') + what.slice(1);
          return {
            ...base,
            phase,
            kind: 'missed',
            text: t(alert ? 'notes.responseMissing' : 'notes.responseMissingNoAlert', { what, whatLower, alert, window }),
          };
        }
        const after = times.windowStart !== undefined ? times.taken - times.windowStart : null;
        const tail = status === 'late' ? t('notes.late') : status === 'partial' ? t('notes.partial') : '';
        const key = !alert ? 'notes.responseDoneNoAlert' : after !== null && after > 0 ? 'notes.responseDone' : 'notes.responseDoneAtOnce';
        return {
          ...base,
          phase,
          kind: status === 'late' || status === 'partial' ? 'late' : 'right',
          text: t(key, { what, time: clock(times.taken), after: minutes(t, after ?? 0), alert, window: `${window}${tail}` }),
        };
      }
      case 'harmful': {
        const harmful = review.ideal.harmful.find((h) => h.id === a.subject);
        const what = harmful ? names.response(harmful.action, harmful.target) : t('notes.codes.other');
        return { ...base, kind: 'wrong', text: t('notes.harmful', { what, time: clock(times.taken ?? 0), reason: pickIn(harmful?.reason, lang) }) };
      }
      case 'report': {
        const obligation = review.ideal.reports.find((r) => r.id === a.subject);
        const report = review.reports.find((r) => r.obligationId === a.subject);
        const kind = names.reportKind(obligation?.kind ?? report?.kind ?? '');
        const to = names.parties(obligation?.recipients ?? []);
        const due = times.deadline !== undefined ? clock(times.deadline) : '—';
        if (times.filed === undefined) return { ...base, kind: 'missed', text: t('notes.reportMissing', { kind, to, due }) };
        const time = clock(times.filed);
        if (report?.status === 'late' && times.deadline !== undefined)
          return { ...base, kind: 'late', text: t('notes.reportLate', { kind, time, due, late: minutes(t, times.filed - times.deadline) }) };
        if (report?.status === 'incomplete') return { ...base, kind: 'wrong', text: t('notes.reportIncomplete', { kind, time }) };
        return { ...base, kind: 'right', text: t('notes.reportOnTime', { kind, time, due }) };
      }
      case 'missed': {
        const missed = review.missedAlerts.find((m) => m.alertId === a.subject);
        const label = review.labels.alerts[a.subject];
        const expected = missed?.expected;
        const teamVerdict = missed?.teamVerdict ?? null;
        const vars = {
          title: pickIn(missed?.title ?? label?.title, lang),
          layer: missed?.layer ?? '—',
          team: teamVerdict ? t('notes.teamCalled', { verdict: names.verdict(teamVerdict) }) : t('notes.untriaged'),
          severity: names.severity(expected?.severity ?? ''),
          routing: expected && expected.routing.length ? t('notes.routing', { to: names.parties(expected.routing) }) : '',
        };
        return {
          ...base,
          phase: missed?.phase ?? label?.phase ?? null,
          alertRef: refOf(a.subject),
          kind: a.tone === 'critical' ? 'missed' : 'wrong',
          text: t(a.tone === 'critical' ? 'notes.missedAlert' : 'notes.partlyAlert', vars),
        };
      }
      case 'false-alarms':
        return { ...base, kind: 'wrong', text: t('notes.falseAlarms', { n: a.evidence.alertIds.length }) };
      case 'adjustment': {
        const adj = review.adjustments.find((x) => `adjustment:${x.id}` === a.id);
        return {
          ...base,
          kind: 'info',
          text: t('notes.adjustment', {
            points: `${a.points > 0 ? '+' : ''}${a.points}`,
            component: tt(`cockpit.components.${adj?.component ?? a.subject}`),
            reason: adj?.reason ?? '',
          }),
        };
      }
      default:
        // Routing, incident and hint items: the server writes these in both languages with the scenario's titles.
        return { ...base, kind: kindOfTone(a.tone), text: pickIn(a.text, lang) || t(`notes.codes.${a.code}`, { defaultValue: t('notes.codes.other') }) };
    }
  });
}

export interface StageRow {
  readonly phaseId: string;
  readonly name: string;
  readonly reachedMs: number | null;
  /** When every required containment response of the stage was taken (null: not contained, undefined: the stage has none). */
  readonly containedMs: number | null | undefined;
  /** Required containment responses of the stage: taken and in all. */
  readonly containTaken: number;
  readonly containTotal: number;
  /** True alerts of the stage that reached the team: the attack steps that went through. */
  readonly consequences: readonly string[];
}

/** Response actions that stop an attack from going on (eradication and recovery come after). */
const CONTAINMENT = new Set(['isolate-host', 'block-ip', 'block-domain', 'maintenance-page', 'disable-account', 'rate-limit']);

/** Each attack stage for one team: reached, contained, which attack steps went through. */
export function stageRows(review: AfterActionReview, lang: Lang): StageRow[] {
  return review.stages.map((stage) => {
    const responses = review.ideal.responses.filter(
      (r) => r.required && CONTAINMENT.has(r.action) && review.labels.responses[r.id]?.phase === stage.phaseId && r.status !== 'not-applicable',
    );
    const taken = responses.filter((r) => r.takenMs !== null);
    const containedMs = responses.length === 0 ? undefined : taken.length === responses.length ? Math.max(...taken.map((r) => r.takenMs ?? 0)) : null;
    const seen = new Set<string>();
    const consequences: string[] = [];
    for (const entry of review.timeline) {
      if (entry.kind !== 'alert' || seen.has(entry.id)) continue;
      const label = review.labels.alerts[entry.id];
      if (label?.phase !== stage.phaseId || !label.truePositive) continue;
      seen.add(entry.id);
      consequences.push(label.title[lang]);
    }
    return {
      phaseId: stage.phaseId,
      name: stage.name[lang],
      reachedMs: stage.firstAlertMs,
      containedMs,
      containTaken: taken.length,
      containTotal: responses.length,
      consequences,
    };
  });
}

export interface CrossTeamCount {
  readonly key: string;
  readonly label: string;
  readonly teams: readonly string[];
}

/** Missed alerts across teams, most missed first. */
export function mostMissed(reviews: readonly AfterActionReview[], lang: Lang): CrossTeamCount[] {
  const by = new Map<string, { label: string; teams: string[] }>();
  for (const r of reviews) {
    for (const m of r.missedAlerts) {
      const entry = by.get(m.alertId) ?? { label: m.title[lang], teams: [] };
      if (!entry.teams.includes(r.teamName)) entry.teams.push(r.teamName);
      by.set(m.alertId, entry);
    }
  }
  return [...by.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.teams.length - a.teams.length || a.label.localeCompare(b.label));
}

/** Late, incomplete or missing reports across teams, most common first. */
export function mostLateReports(reviews: readonly AfterActionReview[], names: (review: AfterActionReview) => ReviewNames): CrossTeamCount[] {
  const by = new Map<string, { label: string; teams: string[] }>();
  for (const r of reviews) {
    const n = names(r);
    for (const report of r.reports) {
      if (report.status !== 'late' && report.status !== 'missing' && report.status !== 'incomplete') continue;
      // The kind alone: the full list of recipients is too long to read from a projector.
      const entry = by.get(report.obligationId) ?? { label: n.reportKind(report.kind), teams: [] };
      if (!entry.teams.includes(r.teamName)) entry.teams.push(r.teamName);
      by.set(report.obligationId, entry);
    }
  }
  return [...by.entries()].map(([key, v]) => ({ key, ...v })).sort((a, b) => b.teams.length - a.teams.length || a.label.localeCompare(b.label));
}
