import { formatDuration, SEVERITY_RANK, type Severity } from '../../contracts/common.schema.js';
import type { REPORT_CONTENT_FIELDS } from '../../contracts/scenario.schema.js';
import type { Evidence } from '../../contracts/scoring.schema.js';
import type { ReportRecord } from '../../contracts/triage.schema.js';
import { SCORING_RULES } from './scoring-rules.js';

/** Small pure helpers shared by the scorer's components: rounding, time labels, evidence, F1, severity credit. */

type ReportContentField = (typeof REPORT_CONTENT_FIELDS)[number];

export function round2(value: number): number {
  const r = Math.round(value * 100) / 100;
  return r === 0 ? 0 : r;
}

export function round4(value: number): number {
  const r = Math.round(value * 10_000) / 10_000;
  return r === 0 ? 0 : r;
}

export function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/** "T+13m" for a virtual time. */
export function at(ms: number): string {
  return `T+${formatDuration(Math.round(ms / 1000))}`;
}

/** "14m", "2m30s" for a span. */
export function span(ms: number): string {
  return ms < 0 ? `-${formatDuration(Math.round(-ms / 1000))}` : formatDuration(Math.round(ms / 1000));
}

export function normalizeTarget(target: string): string {
  return target.trim().toLowerCase();
}

/** Order-preserving de-duplication; most lists here have 0–2 entries, so no Set for them. */
export function unique(values: readonly string[] | undefined): string[] {
  if (values === undefined || values.length === 0) return [];
  if (values.length === 1) return [values[0]];
  if (values.length === 2) return values[0] === values[1] ? [values[0]] : [values[0], values[1]];
  return [...new Set(values)];
}

export const NO_EVIDENCE: Evidence = Object.freeze({ actionIds: [], alertIds: [], userIds: [], times: {} }) as Evidence;

export function evidence(parts: Partial<Evidence> = {}): Evidence {
  const userIds = unique(parts.userIds);
  if (userIds.length > 1) userIds.sort();
  return { actionIds: unique(parts.actionIds), alertIds: unique(parts.alertIds), userIds, times: parts.times ?? {} };
}

export function f1(hits: number, predicted: number, expected: number): { precision: number | null; recall: number | null; f1: number } {
  const precision = predicted === 0 ? null : hits / predicted;
  const recall = expected === 0 ? null : hits / expected;
  const p = precision ?? (expected === 0 ? 1 : 0);
  const r = recall ?? (predicted === 0 ? 1 : 0);
  return { precision, recall, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
}

export function pct(value: number | null): string {
  return value === null ? 'n/a' : `${Math.round(value * 100)}%`;
}

/** Longest common subsequence length: phases followed in order, whatever else happened between. */
export function lcs(a: readonly string[], b: readonly string[]): number {
  const row = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    let diagonal = 0;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = x === b[j - 1] ? diagonal + 1 : Math.max(row[j], row[j - 1]);
      diagonal = above;
    }
  }
  return row[b.length];
}

export function severityCredit(given: Severity | null, expected: Severity): { share: number; code: string } {
  if (given === null) return { share: 0, code: 'SEVERITY_NOT_SET' };
  const diff = Math.abs(SEVERITY_RANK[given] - SEVERITY_RANK[expected]);
  if (diff === 0) return { share: 1, code: 'SEVERITY_RIGHT' };
  if (diff === 1) return { share: SCORING_RULES.severityOneOffShare, code: 'SEVERITY_ONE_OFF' };
  return { share: 0, code: 'SEVERITY_WRONG' };
}

export function contentFields(content: ReportRecord['content'], expectedLevel: number): { present: Set<ReportContentField>; wrongLevel: number | null } {
  const present = new Set<ReportContentField>();
  if (content.whatHappened.trim().length > 0) present.add('what-happened');
  if (content.detectedAt !== undefined && content.detectedAt.trim().length > 0) present.add('detected-at');
  if (content.affectedSystems.length > 0) present.add('affected-systems');
  let wrongLevel: number | null = null;
  if (content.securityLevel !== undefined) {
    if (content.securityLevel === expectedLevel) present.add('security-level');
    else wrongLevel = content.securityLevel;
  }
  if (content.impact !== undefined && content.impact.trim().length > 0) present.add('impact');
  if (content.actionsTaken !== undefined && content.actionsTaken.trim().length > 0) present.add('actions-taken');
  if (content.iocs.length > 0) present.add('iocs');
  if (content.supportRequest !== undefined && content.supportRequest.trim().length > 0) present.add('support-request');
  return { present, wrongLevel };
}
