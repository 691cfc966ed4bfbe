import { SEVERITY_RANK, type Layer } from '../../contracts/common.schema.js';
import type { Evidence, LineItemStatus } from '../../contracts/scoring.schema.js';
import type { AnswerKey } from '../answer-key.js';
import { NO_JUDGEMENT } from '../settlement.js';
import { keyFor, rootOf } from './score-context.js';
import { evidence, NO_EVIDENCE, severityCredit, span } from './score-helpers.js';
import type { Context, DetectionTally, MetricsAcc, RawComponent, RawItem, ScoringAction } from './score-types.js';
import { SCORING_RULES } from './scoring-rules.js';

/** Detection & triage: each delivered alert's verdict and severity at its settle instant against the answer key. */

export const LAYER_KEYS: Readonly<Record<Layer, string>> = { 1: '1', 2: '2', 3: '3', 4: '4' };

export function scoreDetection(ctx: Context, key: AnswerKey, tallies: DetectionTally[], metrics: MetricsAcc): RawComponent {
  const tpItems: RawItem[] = [];
  const noiseItems: RawItem[] = [];
  const R = SCORING_RULES;
  // Totals never show a line item's note: building 200 teams' worth of them was a third of the scorer's allocations.
  const lean = ctx.lean;
  for (const delivered of ctx.delivered) {
    const alertId = delivered.eventId;
    const k = delivered.key;
    if (k === undefined) {
      noiseItems.push({
        id: `alert:${alertId}`,
        kind: 'alert-verdict',
        subject: alertId,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        scaled: true,
        code: 'ALERT_NO_KEY',
        note: lean ? '' : `${alertId} is an ad-hoc inject without an answer key: not scored.`,
        evidence: evidence({ alertIds: [alertId], times: { delivered: delivered.virtualMs } }),
      });
      continue;
    }
    const st = ctx.state.alerts[alertId];
    // What counts is the team's judgement at the settle instant, not its current one.
    const jd = ctx.judgements.get(alertId) ?? NO_JUDGEMENT;
    const verdict = jd.verdict;
    const w = SEVERITY_RANK[k.answer.severity];
    const verdictAction = ctx.verdictBy.get(alertId);
    const severityAction = ctx.severityBy.get(alertId);
    const ev = (user: ScoringAction | undefined): Evidence => {
      if (ctx.lean) return NO_EVIDENCE;
      const times: Record<string, number> = { delivered: delivered.virtualMs };
      if (st?.acknowledgedAtMs !== null && st?.acknowledgedAtMs !== undefined) times.acknowledged = st.acknowledgedAtMs;
      if (jd.verdictAtMs !== null) times.verdict = jd.verdictAtMs;
      if (delivered.settleMs !== null) times.settled = delivered.settleMs;
      return evidence({
        alertIds: jd.duplicateOf ? [alertId, jd.duplicateOf] : [alertId],
        actionIds: user ? [user.actionId] : [],
        userIds: user ? [user.userId] : [],
        times,
      });
    };
    const items = k.answer.verdict === 'true-positive' ? tpItems : noiseItems;
    const tally: DetectionTally = {
      part: k.answer.verdict === 'true-positive' ? 'true-positives' : 'noise',
      layer: LAYER_KEYS[k.layer],
      phase: k.phase ?? '',
      technique: k.technique ?? '',
      tp: k.answer.verdict === 'true-positive',
      detected: false,
      missed: false,
      falseAlarm: false,
      raw: 0,
      rawMax: w,
    };
    metrics.delivered += 1;
    if (st?.acknowledgedAtMs !== null && st?.acknowledgedAtMs !== undefined) {
      metrics.acknowledged += 1;
      metrics.ackSum += Math.max(0, st.acknowledgedAtMs - delivered.virtualMs);
    }
    if (st?.firstVerdictAtMs !== null && st?.firstVerdictAtMs !== undefined) {
      metrics.verdicts += 1;
      metrics.verdictSum += Math.max(0, st.firstVerdictAtMs - delivered.virtualMs);
    }
    if (delivered.settleMs === null) {
      // Pending: its triage window is still open, so it is neither judged nor missed yet.
      items.push({
        id: `alert-verdict:${alertId}`,
        kind: 'alert-verdict',
        subject: alertId,
        status: 'not-applicable',
        raw: 0,
        rawMax: 0,
        scaled: true,
        code: 'ALERT_PENDING',
        note: lean ? '' : `${alertId} is still within its triage window: pending, not judged yet.`,
        evidence: ev(undefined),
      });
      continue;
    }
    if (verdict === 'true-positive') metrics.tpVerdicts += 1;
    const sevLabel = `${k.answer.severity}`;
    const verdictAt = jd.verdictAtMs ?? undefined;

    if (k.answer.verdict === 'true-positive') {
      metrics.tpDelivered += 1;
      const vMax = w * R.tpVerdictShare;
      const sMax = w * R.tpSeverityShare;
      let vRaw = 0;
      let vStatus: LineItemStatus = 'missed';
      let vCode = 'TP_MISSED_UNTRIAGED';
      let vNote = lean ? '' : `${alertId} (true positive, ${sevLabel}) was never given a verdict: missed.`;
      let duplicateAccepted = false;
      if (verdict === 'true-positive') {
        vRaw = vMax;
        vStatus = 'earned';
        vCode = 'TP_CONFIRMED';
        vNote = lean ? '' : `${alertId} confirmed as a true positive ${span((verdictAt ?? delivered.virtualMs) - delivered.virtualMs)} after delivery.`;
      } else if (verdict === 'duplicate') {
        const named = jd.duplicateOf;
        const namedKey = named === null ? undefined : keyFor(ctx, key, named);
        if (named !== null && k.answer.duplicateOf !== undefined && rootOf(ctx, named) === rootOf(ctx, alertId)) {
          vRaw = vMax;
          vStatus = 'earned';
          vCode = 'DUPLICATE_ACCEPTED';
          vNote = lean ? '' : `${alertId} closed as a duplicate of ${named}, which the key accepts (original ${rootOf(ctx, alertId)}).`;
          duplicateAccepted = true;
        } else if (namedKey !== undefined && namedKey.answer.verdict === 'true-positive') {
          vRaw = vMax * 0.5;
          vStatus = 'partial';
          vCode = 'DUPLICATE_WRONG_ORIGINAL';
          vNote = lean ? '' : `${alertId} closed as a duplicate of ${named}: it is a true positive but not a repeat of that alert (half credit).`;
        } else {
          vCode = 'TP_MISSED_AS_DUPLICATE';
          vNote = lean ? '' : `${alertId} (true positive, ${sevLabel}) closed as a duplicate of ${named ?? 'nothing'}, which is not a true positive: missed.`;
        }
      } else if (verdict === 'false-positive' || verdict === 'benign') {
        vCode = 'TP_MISSED_CLOSED';
        vNote = lean ? '' : `${alertId} (true positive, ${sevLabel}) was closed as ${verdict}: missed.`;
      }
      const detected = vRaw > 0;
      tally.detected = detected;
      tally.missed = !detected;
      if (detected) metrics.tpDetected += 1;
      items.push({
        id: `alert-verdict:${alertId}`,
        kind: 'alert-verdict',
        subject: alertId,
        status: vStatus,
        raw: vRaw,
        rawMax: vMax,
        scaled: true,
        code: vCode,
        note: vNote,
        evidence: ev(verdictAction),
        actedAtMs: verdictAt,
      });
      tally.raw += vRaw;
      if (!detected) {
        const penalty = w * R.missedPenaltyShare;
        items.push({
          id: `alert-missed:${alertId}`,
          kind: 'alert-missed',
          subject: alertId,
          status: 'penalty',
          raw: -penalty,
          rawMax: 0,
          scaled: true,
          code: 'TP_MISSED_PENALTY',
          note: lean ? '' : `Missed true positive ${alertId} (${sevLabel}, layer ${k.layer}${k.phase ? `, phase ${k.phase}` : ''}) costs extra.`,
          evidence: ev(verdictAction),
        });
        tally.raw -= penalty;
      }
      // Severity: judged only once the alert is recognised; an accepted duplicate inherits the original's.
      let sRaw = 0;
      let sStatus: LineItemStatus = 'missed';
      let sCode = 'SEVERITY_NOT_JUDGED';
      let sNote = lean ? '' : `Severity of ${alertId} not judged: the alert was not recognised as a true positive.`;
      if (detected) {
        const given = jd.severity;
        if (duplicateAccepted && (given === null || given === k.answer.severity)) {
          sRaw = sMax;
          sStatus = 'earned';
          sCode = 'SEVERITY_FROM_ORIGINAL';
          sNote = lean ? '' : `Severity of ${alertId} follows its original (${sevLabel}).`;
        } else {
          const credit = severityCredit(given, k.answer.severity);
          sRaw = sMax * credit.share;
          sStatus = credit.share === 1 ? 'earned' : credit.share > 0 ? 'partial' : 'missed';
          sCode = credit.code;
          sNote = lean
            ? ''
            : given === null
              ? `Severity of ${alertId} never set (key: ${sevLabel}).`
              : `Severity of ${alertId} set to ${given} (key: ${sevLabel}).`;
        }
      }
      items.push({
        id: `alert-severity:${alertId}`,
        kind: 'alert-severity',
        subject: alertId,
        status: sStatus,
        raw: sRaw,
        rawMax: sMax,
        scaled: true,
        code: sCode,
        note: sNote,
        evidence: ev(severityAction),
        actedAtMs: sRaw > 0 && severityAction ? severityAction.virtualMs : undefined,
      });
      tally.raw += sRaw;
    } else {
      // Noise (false positive / benign): closing it with a reason is the skill.
      const reason = jd.verdictReason;
      const hasReason = reason !== null && reason.trim().length >= 3;
      let raw = 0;
      let status: LineItemStatus = 'missed';
      let code = 'NOISE_LEFT_OPEN';
      let note = lean ? '' : `${alertId} (${k.answer.verdict}) was left open.`;
      if (verdict === k.answer.verdict) {
        raw = hasReason ? w : w * R.noReasonShare;
        status = hasReason ? 'earned' : 'partial';
        code = hasReason ? 'NOISE_CLOSED' : 'NOISE_CLOSED_NO_REASON';
        note = lean ? '' : hasReason ? `${alertId} closed as ${verdict} with a reason.` : `${alertId} closed as ${verdict} without a reason (half credit).`;
      } else if (verdict === 'false-positive' || verdict === 'benign') {
        raw = w * R.otherNoiseVerdictShare * (hasReason ? 1 : R.noReasonShare);
        status = 'partial';
        code = 'NOISE_OTHER_VERDICT';
        note = lean ? '' : `${alertId} closed as ${verdict}; the key says ${k.answer.verdict} (partial credit).`;
      } else if (verdict === 'duplicate') {
        const named = jd.duplicateOf;
        const namedKey = named === null ? undefined : keyFor(ctx, key, named);
        if (named !== null && k.answer.duplicateOf !== undefined && rootOf(ctx, named) === rootOf(ctx, alertId)) {
          raw = w;
          status = 'earned';
          code = 'DUPLICATE_ACCEPTED';
          note = lean ? '' : `${alertId} closed as a duplicate of ${named}, which the key accepts.`;
        } else if (namedKey !== undefined && namedKey.answer.verdict !== 'true-positive') {
          raw = w * R.noReasonShare;
          status = 'partial';
          code = 'NOISE_DUPLICATE_OF_NOISE';
          note = lean ? '' : `${alertId} closed as a duplicate of ${named} (also noise): half credit.`;
        } else {
          code = 'NOISE_DUPLICATE_OF_TP';
          note = lean ? '' : `${alertId} (${k.answer.verdict}) closed as a duplicate of ${named ?? 'nothing'}, a true positive: no credit.`;
        }
      } else if (verdict === 'true-positive') {
        code = 'FALSE_ALARM';
        note = lean ? '' : `${alertId} is ${k.answer.verdict} but was called a true positive.`;
        metrics.wrongTpVerdicts += 1;
        tally.falseAlarm = true;
      }
      items.push({
        id: `alert-verdict:${alertId}`,
        kind: 'alert-verdict',
        subject: alertId,
        status,
        raw,
        rawMax: w,
        scaled: true,
        code,
        note,
        evidence: ev(verdictAction),
        actedAtMs: raw > 0 ? verdictAt : undefined,
      });
      tally.raw += raw;
      if (verdict === 'true-positive') {
        const penalty = w * R.falseAlarmPenaltyShare;
        items.push({
          id: `alert-false-alarm:${alertId}`,
          kind: 'alert-false-alarm',
          subject: alertId,
          status: 'penalty',
          raw: -penalty,
          rawMax: 0,
          scaled: true,
          code: 'FALSE_ALARM_PENALTY',
          note: lean ? '' : `False alarm on ${alertId} costs extra (wasted escalation).`,
          evidence: ev(verdictAction),
        });
        tally.raw -= penalty;
      }
    }
    tallies.push(tally);
  }
  return {
    id: 'detection',
    parts: [
      { id: 'true-positives', share: R.detectionShares['true-positives'], items: tpItems },
      { id: 'noise', share: R.detectionShares.noise, items: noiseItems },
    ],
    unscaled: [],
  };
}
