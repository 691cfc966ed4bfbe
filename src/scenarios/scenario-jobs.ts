import { workerEntry, type HeavyJobKind } from '../heavy-jobs/heavy-jobs.service.js';
import { parseForStorage, type ScenarioUpload, type ScenarioUploadOptions } from './scenario-upload.js';

/** Parse and check a scenario file and prepare its row (validation, upload, copy, publication). */
export interface ParseJob extends ScenarioUploadOptions {
  readonly source: string;
}

/** At most two checks in flight per user; each runs in a heavy-job worker (scenario-jobs.worker.ts). */
export const PARSE_JOB: HeavyJobKind = { name: 'parse', entry: workerEntry(import.meta.url, 'scenario-jobs.worker'), perUser: 2, label: 'scenario check' };

/** What a worker does with a parse job: the same parser and validator as the rest of the server. */
export function runParseJob(job: ParseJob): ScenarioUpload {
  // The parsed object stays in the worker: the server stores the text forms.
  const { scenario: _scenario, ...upload } = parseForStorage(job.source, job);
  return upload as ScenarioUpload;
}
