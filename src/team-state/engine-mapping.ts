import type { ReportContent, TriageAction } from '../contracts/triage.schema.js';
import type { REPORT_CONTENT_FIELDS } from '../contracts/scenario.schema.js';
import type { UnstampedAction } from '../engine/index.js';

type ReportContentField = (typeof REPORT_CONTENT_FIELDS)[number];

/** The report form fields the team actually filled in, named as scenarios name required content. */
export function filledContentFields(content: ReportContent): ReportContentField[] {
  const filled: ReportContentField[] = [];
  const text = (value: string | undefined) => value !== undefined && value.trim().length > 0;
  if (text(content.whatHappened)) filled.push('what-happened');
  if (text(content.detectedAt)) filled.push('detected-at');
  if (content.affectedSystems.length > 0) filled.push('affected-systems');
  if (content.securityLevel !== undefined) filled.push('security-level');
  if (text(content.impact)) filled.push('impact');
  if (text(content.actionsTaken)) filled.push('actions-taken');
  if (content.iocs.length > 0) filled.push('iocs');
  if (text(content.supportRequest)) filled.push('support-request');
  return filled;
}

/**
 * What the engine sees of a triage action, so triggers react in the same tick. `result` is the
 * reducer's result (the canonical response target, the new incident id, ...).
 */
export function toEngineAction(action: TriageAction, result?: Readonly<Record<string, unknown>>): UnstampedAction {
  const actionId = action.actionId;
  switch (action.type) {
    case 'alert.verdict':
      return {
        type: 'verdict',
        actionId,
        alertId: action.alertId,
        verdict: action.verdict,
        ...(action.duplicateOf === undefined ? {} : { duplicateOf: action.duplicateOf }),
      };
    case 'alert.severity':
      return { type: 'severity', actionId, alertId: action.alertId, severity: action.severity };
    case 'route':
      return {
        type: 'route',
        actionId,
        ...('alertId' in action.target ? { alertId: action.target.alertId } : { incidentId: action.target.incidentId }),
        to: [...new Set(action.to)],
      };
    case 'report.file':
      return {
        type: 'report',
        actionId,
        kind: action.kind,
        recipients: [...new Set(action.recipients)],
        ...(action.incidentId === undefined ? {} : { incidentId: action.incidentId }),
        content: filledContentFields(action.content),
      };
    case 'response':
      return { type: 'response', actionId, action: action.action, target: typeof result?.target === 'string' ? result.target : action.target.trim() };
    case 'alert.acknowledge':
    case 'alert.release':
    case 'alert.request-takeover':
    case 'alert.assign':
    case 'alert.note':
    case 'incident.create':
    case 'incident.link':
    case 'incident.unlink':
    case 'incident.merge':
    case 'incident.update':
    case 'incident.observable':
    case 'incident.playbook':
    case 'incident.task-add':
    case 'incident.task':
    case 'incident.note':
    case 'team.message':
    case 'hint.request': {
      // The full action lives in the triage log; the engine only needs to know something happened.
      const { actionId: _id, exerciseId: _exercise, type, ...rest } = action;
      const data: Record<string, unknown> = rest;
      if (result !== undefined) data.result = result;
      return { type: 'other', actionId, kind: type, data };
    }
    default: {
      const _never: never = action;
      throw new Error(`unknown triage action ${JSON.stringify(_never)}`);
    }
  }
}
