import { LIVE_INTERVAL_MS, LIVE_MAX_INTERVAL_MS, liveIntervalMs } from './live-interval.js';

describe('live scoreboard pacing', () => {
  it('recomputes every second while a recomputation is cheap', () => {
    expect(liveIntervalMs(0)).toBe(LIVE_INTERVAL_MS);
    expect(liveIntervalMs(60)).toBe(1000);
    expect(liveIntervalMs(100)).toBe(1000);
  });

  it('backs off to ten times the last recomputation on a busy server, up to five seconds', () => {
    expect(liveIntervalMs(250)).toBe(2500);
    expect(liveIntervalMs(420.4)).toBe(4204);
    expect(liveIntervalMs(2000)).toBe(LIVE_MAX_INTERVAL_MS);
    expect(LIVE_MAX_INTERVAL_MS).toBe(5000);
  });
});
