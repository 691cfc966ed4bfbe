import { workerEntry, type HeavyJobKind } from '../heavy-jobs/heavy-jobs.service.js';

/**
 * Re-scoring a finished exercise: one at a time per user. Its scoring (every team's log read and
 * scored) runs in a heavy-job worker (rescore-jobs.worker.ts) within the time and memory limits.
 */
export const RESCORE_JOB: HeavyJobKind = { name: 'rescore', entry: workerEntry(import.meta.url, 'rescore-jobs.worker'), perUser: 1, label: 're-scoring' };
