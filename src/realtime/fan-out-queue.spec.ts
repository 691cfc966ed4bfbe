import { chunked, FanOutQueue, type FanOutScheduler, stillInRoom } from './fan-out-queue.js';

/** Time moves only when a job says so; deferred work runs only when the test turns the loop. */
class ManualScheduler implements FanOutScheduler {
  nowMs = 0;
  readonly deferred: Array<() => void> = [];
  now(): number {
    return this.nowMs;
  }
  defer(work: () => void): void {
    this.deferred.push(work);
  }
  /** One event-loop turn: runs what was deferred before it started. */
  turn(): number {
    const due = this.deferred.splice(0);
    for (const work of due) work();
    return due.length;
  }
}

describe('FanOutQueue', () => {
  function setup(sliceMs = 2, catchUpShare?: number) {
    const scheduler = new ManualScheduler();
    const errors: unknown[] = [];
    const queue = new FanOutQueue(sliceMs, scheduler, (error) => errors.push(error), catchUpShare);
    const ran: string[] = [];
    const job = (name: string, costMs: number) => () => {
      ran.push(name);
      scheduler.nowMs += costMs;
    };
    return { scheduler, queue, ran, job, errors };
  }

  it('runs nothing in the caller: the first slice waits for the next loop turn', () => {
    const { scheduler, queue, ran, job } = setup();
    queue.push(job('a', 0));
    expect(ran).toEqual([]);
    expect(scheduler.deferred).toHaveLength(1);
    scheduler.turn();
    expect(ran).toEqual(['a']);
    expect(queue.size).toBe(0);
  });

  it('stops a slice once it has used its time, and goes on after the next turn, in order', () => {
    const { scheduler, queue, ran, job } = setup(2);
    for (const name of ['a', 'b', 'c', 'd', 'e']) queue.push(job(name, 0.9));
    // One drain is scheduled however many jobs are queued.
    expect(scheduler.deferred).toHaveLength(1);
    scheduler.turn();
    // 0.9 + 0.9 < 2, the third crosses it: the slice ends after it.
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(2);
    expect(scheduler.deferred).toHaveLength(1);
    scheduler.turn();
    expect(ran).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(scheduler.turn()).toBe(0);
  });

  it('keeps the order of jobs queued while it drains, behind those already queued', () => {
    const { scheduler, queue, ran, job } = setup(1);
    queue.push(() => {
      ran.push('a');
      queue.push(job('late', 0));
      scheduler.nowMs += 1;
    });
    queue.push(job('b', 0));
    scheduler.turn();
    expect(ran).toEqual(['a']);
    scheduler.turn();
    expect(ran).toEqual(['a', 'b', 'late']);
    expect(queue.size).toBe(0);
    expect(scheduler.turn()).toBe(0);
  });

  it('lengthens a slice by a share of how long the oldest job has waited, so a busy loop cannot leave it behind for good', () => {
    const { scheduler, queue, ran, job } = setup(2);
    for (let i = 0; i < 100; i++) queue.push(job(`j${i}`, 1));
    // The loop was busy elsewhere for 100 ms before the first slice: 2 + 0.25 × 100 = 27 ms.
    scheduler.nowMs += 100;
    scheduler.turn();
    expect(ran).toHaveLength(27);
    // The next slice starts 127 ms after those jobs were queued: 2 + 0.25 × 127 = 33.75 ms.
    scheduler.turn();
    expect(ran).toHaveLength(27 + 34);
  });

  it('gives a job queued just now a plain slice, whatever came before it', () => {
    const { scheduler, queue, ran, job } = setup(2);
    queue.push(job('old', 0));
    scheduler.nowMs += 500;
    scheduler.turn();
    expect(ran).toEqual(['old']);
    for (const name of ['a', 'b', 'c']) queue.push(job(name, 1));
    scheduler.turn();
    expect(ran).toEqual(['old', 'a', 'b']);
  });

  it('reports a failing job and runs the rest', () => {
    const { scheduler, queue, ran, job, errors } = setup();
    queue.push(job('a', 0));
    queue.push(() => {
      throw new Error('socket gone');
    });
    queue.push(job('c', 0));
    scheduler.turn();
    expect(ran).toEqual(['a', 'c']);
    expect(errors).toEqual([new Error('socket gone')]);
  });

  it('flush runs everything queued at once, whatever the slice', () => {
    const { queue, ran, job } = setup(1);
    for (const name of ['a', 'b', 'c']) queue.push(job(name, 5));
    queue.flush();
    expect(ran).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(0);
  });

  it('gives every job its turn across many slices', () => {
    const names = Array.from({ length: 3000 }, (_, i) => `j${i}`);
    const turnsWith = (catchUpShare: number) => {
      const { scheduler, queue, ran, job } = setup(2, catchUpShare);
      for (const name of names) queue.push(job(name, 1));
      let turns = 0;
      while (scheduler.turn() > 0) turns++;
      expect(ran).toEqual(names);
      return turns;
    };
    // Fixed 2 ms slices: two jobs a turn. Catching up, the slices grow with the backlog's age.
    expect(turnsWith(0)).toBe(1500);
    expect(turnsWith(0.25)).toBeLessThan(40);
  });
});

describe('chunked', () => {
  it('splits into groups of at most the size, keeping order', () => {
    expect(chunked([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunked([], 3)).toEqual([]);
    expect(chunked([1, 2], 5)).toEqual([[1, 2]]);
  });
});

describe('stillInRoom', () => {
  const room = 'team:a';
  it('keeps a socket that stayed in the room since the message was published', () => {
    expect(stillInRoom(new Set([room]), new Map([[room, 3]]), room, 3)).toBe(true);
    expect(stillInRoom(new Set([room]), new Map([[room, 1]]), room, 7)).toBe(true);
    // Rooms joined without the counter (the exercise's own rooms): membership alone decides.
    expect(stillInRoom(new Set([room]), undefined, room, 0)).toBe(true);
  });

  it('drops a socket that has left, or left and joined again (its replay carried the message)', () => {
    expect(stillInRoom(new Set(), new Map([[room, 1]]), room, 5)).toBe(false);
    expect(stillInRoom(new Set([room]), new Map([[room, 6]]), room, 5)).toBe(false);
  });
});
