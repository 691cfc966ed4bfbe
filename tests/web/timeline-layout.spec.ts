import { authorTime, axisTicks, noiseOpacity, percentAt, problemRange, stackRows } from '../../web/src/instructor/timeline-layout';

describe('the editor timeline layout', () => {
  it('ticks the axis at round steps, at most twelve intervals, from 0 to the end', () => {
    expect(axisTicks(7200)).toEqual([0, 600, 1200, 1800, 2400, 3000, 3600, 4200, 4800, 5400, 6000, 6600, 7200]);
    expect(axisTicks(3600)).toEqual([0, 300, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000, 3300, 3600]);
    expect(axisTicks(5 * 86_400)).toEqual(Array.from({ length: 11 }, (_, i) => i * 43_200));
    expect(axisTicks(90).length).toBeLessThanOrEqual(13);
  });

  it('writes times as the author does and places them in percent, clamped', () => {
    expect([0, 90, 2400, 4800].map(authorTime)).toEqual(['0', '1m30s', '40m', '1h20m']);
    expect(percentAt(1800, 7200)).toBe(25);
    expect(percentAt(9000, 7200)).toBe(100);
    expect(percentAt(10, 0)).toBe(0);
  });

  it('stacks marks closer than the gap into sub-rows, in time order, and leaves unplaced ones out', () => {
    // 0 and 10 collide (gap 60); 100 fits the first row again; three at 200 fill three rows, a fourth goes to the row whose last mark is oldest.
    expect(stackRows([100, 0, 10, null, 200, 205, 210, 215], 60, 3)).toEqual([0, 0, 1, -1, 0, 1, 2, 0]);
  });

  it('draws denser noise darker, within bounds', () => {
    expect(noiseOpacity(60, 0, 3600, 1 / 60)).toBeCloseTo(1);
    expect(noiseOpacity(6, 0, 3600, 1 / 60)).toBeCloseTo(0.235);
    expect(noiseOpacity(6, 0, 3600, 0)).toBe(0.15);
  });

  it('marks a problem from its column to the end of the word there, at least one character', () => {
    expect(problemRange('    at: 15 minutes', 9)).toEqual({ from: 8, to: 10 });
    expect(problemRange('  severty: high', 3)).toEqual({ from: 2, to: 9 });
    expect(problemRange('  - x', 50)).toEqual({ from: 4, to: 5 });
    expect(problemRange('', 1)).toEqual({ from: 0, to: 0 });
    expect(problemRange('a: ": b"', 4)).toEqual({ from: 3, to: 4 });
  });
});
