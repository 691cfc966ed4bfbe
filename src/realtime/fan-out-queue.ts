/** How the queue reads time and gets back to work after the event loop has read its sockets. */
export interface FanOutScheduler {
  now(): number;
  /** Runs `work` after pending I/O (setImmediate in the server). */
  defer(work: () => void): void;
}

/**
 * Room broadcasts, written in the order they were queued but in slices of at most `sliceMs`, with
 * the event loop free to read sockets (and so to take actions and send their acks) between slices.
 *
 * One scoreboard publish or one alert delivery to fifty teams is ~500 socket writes. Written in
 * one go they held every ack behind them for 20-50 ms once a second, which alone put the ack p99
 * above 10 ms at 200 actions/s. A job is one emit to a few sockets, so no slice runs much past
 * `sliceMs`. The caller resolves each job's recipients when it queues it, so a job sent late still
 * goes to the sockets that were in the room when the message was published.
 *
 * A loop kept busy by reads could give the queue too small a share to keep up, and broadcasts
 * would then fall behind without bound. So a slice also gets `catchUpShare` of the time the
 * oldest queued job has waited: 100 ms behind, a 2 ms slice becomes 27 ms.
 */
export class FanOutQueue {
  private jobs: Array<{ readonly run: () => void; readonly queuedAt: number } | undefined> = [];
  private head = 0;
  private scheduled = false;

  constructor(
    private readonly sliceMs: number,
    private readonly scheduler: FanOutScheduler,
    private readonly onError: (error: unknown) => void,
    private readonly catchUpShare = 0.25,
  ) {}

  /** Jobs queued and not yet run. */
  get size(): number {
    return this.jobs.length - this.head;
  }

  push(job: () => void): void {
    this.jobs.push({ run: job, queuedAt: this.scheduler.now() });
    if (!this.scheduled) {
      this.scheduled = true;
      this.scheduler.defer(() => this.drain());
    }
  }

  /** Runs every queued job now (at shutdown, before the sockets close). */
  flush(): void {
    while (this.head < this.jobs.length) this.runNext();
    this.compact();
  }

  private drain(): void {
    this.scheduled = false;
    const now = this.scheduler.now();
    const behindMs = now - (this.jobs[this.head]?.queuedAt ?? now);
    const endsAt = now + this.sliceMs + behindMs * this.catchUpShare;
    while (this.head < this.jobs.length) {
      this.runNext();
      if (this.scheduler.now() >= endsAt) break;
    }
    this.compact();
    if (this.head < this.jobs.length && !this.scheduled) {
      this.scheduled = true;
      this.scheduler.defer(() => this.drain());
    }
  }

  private runNext(): void {
    const job = this.jobs[this.head];
    this.jobs[this.head++] = undefined;
    try {
      job?.run();
    } catch (error) {
      this.onError(error);
    }
  }

  private compact(): void {
    if (this.head === this.jobs.length) {
      this.jobs = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.jobs.length) {
      this.jobs = this.jobs.slice(this.head);
      this.head = 0;
    }
  }
}

/** Splits recipients into groups of at most `size`: one emit each, so one job stays short. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Whether a socket that was in `room` when a message was published (join counter `publishedAt`)
 * should still get it when its group is written: not if it has left the room since, nor if it
 * left and joined again (its join replayed the message already).
 */
export function stillInRoom(rooms: ReadonlySet<string>, joins: ReadonlyMap<string, number> | undefined, room: string, publishedAt: number): boolean {
  return rooms.has(room) && (joins?.get(room) ?? 0) <= publishedAt;
}
