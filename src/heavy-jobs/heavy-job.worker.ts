import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { WorkerAnswer } from './worker-pool.js';
import { runHeavyJob, type HeavyJob } from './heavy-job.js';

/** Entry of a heavy-job worker thread (see heavy-jobs.service.ts): one job at a time, answered in order. */
const port = parentPort;
if (port === null) throw new Error('heavy-job.worker runs as a worker thread');
lowerThreadPriority();
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

/**
 * On Linux a thread has its own nice value: this one yields the cores to the server's event loop
 * (and to other processes) whenever they want them, and takes what is left. Elsewhere it is a no-op.
 */
function lowerThreadPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // No /proc (not Linux), or not permitted: the job runs at the server's priority.
  }
}
