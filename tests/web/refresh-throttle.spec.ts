import { RefreshThrottle, type ThrottleClock } from '../../web/src/realtime/refresh-throttle';

/** A clock driven by hand: `advance` runs the timers that fall due, in order. */
function manualClock(): ThrottleClock & { advance(ms: number): void } {
  let now = 1_000_000;
  let nextId = 0;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      timers.set(++nextId, { at: now + ms, callback });
      return nextId;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms: number) {
      const until = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].callback();
      }
      now = until;
    },
  };
}

describe("console refresh throttle (teammates' actions → refetch of derived state)", () => {
  it('fires at once after a quiet interval, then once at the end of a busy one', () => {
    const clock = manualClock();
    const fired: number[] = [];
    const throttle = new RefreshThrottle(1000, () => fired.push(clock.now()), clock);
    throttle.request();
    expect(fired).toEqual([1_000_000]);
    // A busy team: a batch every 200 ms for 3 s gives one refetch a second, not fifteen (the
    // batch at 3 s is answered by a last fire a second later).
    for (let i = 0; i < 15; i++) {
      clock.advance(200);
      throttle.request();
    }
    clock.advance(1000);
    expect(fired).toEqual([1_000_000, 1_001_000, 1_002_000, 1_003_000, 1_004_000]);
    // Quiet again: the next request fires at once.
    clock.advance(5000);
    throttle.request();
    expect(fired).toHaveLength(6);
    expect(fired[5]).toBe(clock.now());
  });

  it("fires at once for the user's own action, replacing a pending trailing fire", () => {
    const clock = manualClock();
    let fires = 0;
    const throttle = new RefreshThrottle(1000, () => (fires += 1), clock);
    throttle.request();
    clock.advance(100);
    throttle.request();
    expect(fires).toBe(1);
    throttle.now();
    expect(fires).toBe(2);
    clock.advance(5000);
    expect(fires).toBe(2);
  });

  it('fires nothing after cancel', () => {
    const clock = manualClock();
    let fires = 0;
    const throttle = new RefreshThrottle(1000, () => (fires += 1), clock);
    throttle.request();
    clock.advance(10);
    throttle.request();
    throttle.cancel();
    clock.advance(5000);
    expect(fires).toBe(1);
  });
});
