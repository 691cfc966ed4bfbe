import type { ScenarioTimeline } from '../contracts/scenario-timeline.schema.js';
import { workerEntry, type HeavyJobKind } from '../heavy-jobs/heavy-jobs.service.js';
import { sourceOfBody, type BodyRefusal, type UploadBody } from './scenario-body.js';
import { projectTimeline } from './scenario-timeline.js';
import { parseForStorage, type ScenarioUpload, type ScenarioUploadOptions } from './scenario-upload.js';

/**
 * Parse and check a scenario file and prepare its row (validation, upload, copy, publication): its
 * text, or an upload's request body as bytes, which the worker decodes as well.
 */
export interface ParseJob extends ScenarioUploadOptions {
  readonly source: string | UploadBody;
  /** Project a valid file onto the instructor's timeline as well (the editor's check). */
  readonly timeline?: boolean;
}

/** A parse job's answer for a valid file: its row, and its timeline when asked for. */
export type ParsedUpload = ScenarioUpload & { readonly timeline?: ScenarioTimeline };

/** What a parse job answers: the checked file, or the request body's refusal (not valid JSON, a wrong shape, …). */
export type ParseOutcome = ParsedUpload | { readonly ok: false; readonly refused: BodyRefusal };

/** At most two checks in flight per user; each runs in a heavy-job worker (scenario-jobs.worker.ts). */
export const PARSE_JOB: HeavyJobKind = { name: 'parse', entry: workerEntry(import.meta.url, 'scenario-jobs.worker'), perUser: 2, label: 'scenario check' };

/** What a worker does with a parse job: the same body rules, parser and validator as the rest of the server. */
export function runParseJob(job: ParseJob): ParseOutcome {
  let source: string | Uint8Array;
  if (typeof job.source === 'string') source = job.source;
  else {
    const body = sourceOfBody(job.source);
    if (!body.ok) return { ok: false, refused: body.refusal };
    source = body.source;
  }
  // The parsed object stays in the worker: the server stores the text forms, and the editor gets the compact timeline.
  const { scenario, locate, ...upload } = parseForStorage(source, job);
  if (job.timeline === true && upload.ok && scenario && locate) return { ...upload, timeline: projectTimeline(scenario, (path) => locate(path).line) };
  return upload as ScenarioUpload;
}
