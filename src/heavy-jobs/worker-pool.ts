import { Worker } from 'node:worker_threads';

/**
 * Runs jobs in worker threads, one job per thread at a time, each under a time and a memory limit.
 * The services see only this interface: a pool package such as piscina can take its place here.
 */
export interface JobPool<Job, Result> {
  run(job: Job): Promise<Result>;
  close(): Promise<void>;
}

export interface JobPoolOptions {
  /** The worker entry: `.js` when built, `.ts` when the sources run directly (tests, through tsx). */
  readonly entry: URL;
  readonly size: number;
  /** Wall-clock limit of one job, from the moment a ready worker takes it. */
  readonly timeoutMs: number;
  /** Old-generation heap of each worker. */
  readonly memoryMb: number;
}

/** The job ran past the time limit; its worker was stopped. */
export class JobTimeoutError extends Error {}
/** The job needed more memory than a worker has; its worker was stopped. */
export class JobMemoryError extends Error {}
/** The job threw, or its worker failed for another reason. */
export class JobFailedError extends Error {}

/** What a worker entry posts: once `ready` after loading, then one answer per job. */
export type WorkerAnswer<Result> = { readonly ready: true } | { readonly ok: true; readonly result: Result } | { readonly ok: false; readonly error: string };

interface Task<Job, Result> {
  readonly job: Job;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: Error) => void;
}

interface Slot<Job, Result> {
  readonly worker: Worker;
  ready: boolean;
  task: Task<Job, Result> | null;
  timer: NodeJS.Timeout | null;
}

/**
 * node:worker_threads behind `JobPool`. A worker that hits a limit or fails is terminated and its
 * slot starts a new one for the next job: the other slots and their jobs are not affected.
 */
export class ThreadJobPool<Job, Result> implements JobPool<Job, Result> {
  private readonly slots: Array<Slot<Job, Result> | null>;
  private readonly queue: Array<Task<Job, Result>> = [];
  private closed = false;

  constructor(private readonly options: JobPoolOptions) {
    this.slots = Array.from({ length: Math.max(1, options.size) }, () => null);
  }

  run(job: Job): Promise<Result> {
    if (this.closed) return Promise.reject(new JobFailedError('the job pool is closed'));
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const error = new JobFailedError('the job pool was closed');
    for (const task of this.queue.splice(0)) task.reject(error);
    const running = this.slots.filter((s): s is Slot<Job, Result> => s !== null);
    this.slots.fill(null);
    for (const slot of running) this.settle(slot, error);
    await Promise.all(running.map((s) => s.worker.terminate()));
  }

  private pump(): void {
    if (this.closed) return;
    for (let i = 0; i < this.slots.length && this.queue.length > 0; i++) {
      const slot = this.slots[i] ?? this.start(i);
      if (slot.ready && slot.task === null) this.dispatch(i, slot, this.queue.shift()!);
    }
  }

  private dispatch(index: number, slot: Slot<Job, Result>, task: Task<Job, Result>): void {
    slot.task = task;
    slot.worker.ref();
    slot.timer = setTimeout(() => this.discard(index, slot, new JobTimeoutError(`the job ran past its time limit of ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
    slot.worker.postMessage(task.job);
  }

  private start(index: number): Slot<Job, Result> {
    const slot: Slot<Job, Result> = { worker: spawn(this.options), ready: false, task: null, timer: null };
    this.slots[index] = slot;
    slot.worker.on('message', (answer: WorkerAnswer<Result>) => {
      if ('ready' in answer) {
        slot.ready = true;
        // Idle workers do not keep the process alive.
        slot.worker.unref();
        this.pump();
        return;
      }
      const task = slot.task;
      if (task === null) return;
      this.settle(slot, null);
      slot.worker.unref();
      if (answer.ok) task.resolve(answer.result);
      else task.reject(new JobFailedError(answer.error));
      this.pump();
    });
    slot.worker.on('error', (error: Error & { code?: string }) => {
      const failure = error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new JobMemoryError(`the job ran out of its ${this.options.memoryMb} MB of memory`) : new JobFailedError(`worker failed: ${error.message}`);
      this.discard(index, slot, failure);
    });
    slot.worker.on('exit', (code) => this.discard(index, slot, new JobFailedError(`worker exited with code ${code}`)));
    return slot;
  }

  /** Stops a worker that hit a limit or failed; the job it ran (or, if it never got ready, the next one) gets `error`. */
  private discard(index: number, slot: Slot<Job, Result>, error: Error): void {
    if (this.slots[index] !== slot) return;
    this.slots[index] = null;
    // A worker that cannot even load (e.g. a memory limit too small to start) fails the next job
    // rather than being restarted for it forever.
    const victim = slot.task ?? (slot.ready ? null : this.queue.shift() ?? null);
    this.settle(slot, null);
    victim?.reject(error);
    void slot.worker.terminate();
    this.pump();
  }

  private settle(slot: Slot<Job, Result>, error: Error | null): void {
    if (slot.timer !== null) clearTimeout(slot.timer);
    slot.timer = null;
    const task = slot.task;
    slot.task = null;
    if (error !== null) task?.reject(error);
  }
}

function spawn(options: JobPoolOptions): Worker {
  const resourceLimits = { maxOldGenerationSizeMb: options.memoryMb, maxYoungGenerationSizeMb: Math.min(32, Math.max(4, Math.floor(options.memoryMb / 8))) };
  if (options.entry.pathname.endsWith('.ts')) {
    // The TypeScript sources run directly (jest): the worker loads them through tsx, a development
    // dependency. A build runs the compiled `.js` entry and never gets here.
    return new Worker(`import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(options.entry.href)}); });`, { eval: true, resourceLimits });
  }
  return new Worker(options.entry, { resourceLimits });
}
