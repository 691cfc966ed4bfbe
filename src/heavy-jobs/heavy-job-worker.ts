import { parentPort } from 'node:worker_threads';

/** What the pool posts to a worker: the job and an id the worker names when it starts it. */
export interface HeavyTask<Job> {
  readonly id: number;
  readonly job: Job;
}

/** Posted by a worker the moment it starts a job: the time limit counts from then, not from the queue. */
export interface HeavyJobStarted {
  readonly heavyJobStarted: number;
}

export function isHeavyJobStarted(message: unknown): message is HeavyJobStarted {
  return typeof message === 'object' && message !== null && typeof (message as { heavyJobStarted?: unknown }).heavyJobStarted === 'number';
}

/**
 * The default export of a feature's worker file (e.g. scenarios/scenario-jobs.worker.ts): runs one
 * job of that feature in a pool thread (see heavy-jobs.service.ts).
 */
export function heavyJobHandler<Job, Result>(run: (job: Job) => Result): (task: HeavyTask<Job>) => Result {
  return (task) => {
    parentPort?.postMessage({ heavyJobStarted: task.id } satisfies HeavyJobStarted);
    return run(task.job);
  };
}
