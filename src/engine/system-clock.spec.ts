import { SystemClock, SystemTimer } from './system-clock.js';

describe('SystemTimer (fake timers, no sleeping)', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('fires once at the absolute wall time and re-arming replaces the previous timer', () => {
    const clock = new SystemClock();
    const timer = new SystemTimer();
    const calls: string[] = [];
    timer.arm(clock.now() + 1_000, () => calls.push('first'));
    timer.arm(clock.now() + 2_000, () => calls.push('second'));
    jest.advanceTimersByTime(1_999);
    expect(calls).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(calls).toEqual(['second']);
    jest.advanceTimersByTime(10_000);
    expect(calls).toEqual(['second']);
  });

  it('keeps the armed timer when re-armed for the same instant, and calls the latest callback once', () => {
    const timer = new SystemTimer();
    const calls: string[] = [];
    const at = Date.now() + 500;
    timer.arm(at, () => calls.push('first'));
    const set = jest.spyOn(globalThis, 'setTimeout');
    const cleared = jest.spyOn(globalThis, 'clearTimeout');
    timer.arm(at, () => calls.push('latest'));
    // Neither cleared nor set again: the armed timer is kept.
    expect(set).not.toHaveBeenCalled();
    expect(cleared).not.toHaveBeenCalled();
    set.mockRestore();
    cleared.mockRestore();
    expect(jest.getTimerCount()).toBe(1);
    jest.advanceTimersByTime(500);
    expect(calls).toEqual(['latest']);
    // Fired: arming the same instant again sets a new timer (the time is already past).
    timer.arm(at, () => calls.push('again'));
    jest.advanceTimersByTime(0);
    expect(calls).toEqual(['latest', 'again']);
  });

  it('disarms and handles waits longer than setTimeout allows', () => {
    const timer = new SystemTimer();
    const calls: number[] = [];
    timer.arm(Date.now() + 10, () => calls.push(1));
    timer.disarm();
    jest.advanceTimersByTime(100);
    expect(calls).toEqual([]);
    const far = Date.now() + 3_000_000_000;
    timer.arm(far, () => calls.push(Date.now()));
    jest.advanceTimersByTime(2_999_999_999);
    expect(calls).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(calls).toEqual([far]);
  });

  it('fires immediately for a time already past', () => {
    const timer = new SystemTimer();
    let fired = false;
    timer.arm(Date.now() - 5, () => {
      fired = true;
    });
    jest.advanceTimersByTime(0);
    expect(fired).toBe(true);
  });
});
