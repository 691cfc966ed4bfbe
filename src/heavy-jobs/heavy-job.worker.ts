import { parentPort } from 'node:worker_threads';
import type { WorkerAnswer } from './worker-pool.js';
import { runHeavyJob, type HeavyJob } from './heavy-job.js';

/** Entry of a heavy-job worker thread (see heavy-jobs.service.ts): one job at a time, answered in order. */
const port = parentPort;
if (port === null) throw new Error('heavy-job.worker runs as a worker thread');
port.on('message', (job: HeavyJob) => {
  let answer: WorkerAnswer<unknown>;
  try {
    answer = { ok: true, result: runHeavyJob(job) };
  } catch (error) {
    answer = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
});
port.postMessage({ ready: true } satisfies WorkerAnswer<unknown>);
