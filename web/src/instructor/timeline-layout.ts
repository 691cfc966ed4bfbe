import { formatDuration } from '@contracts/common.schema.js';

/** Tick spacings the axis may use, in seconds: round minutes and hours as authors write them. */
const TICK_STEPS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800];

/** Axis ticks from 0 to the duration: the smallest round step that gives at most `maxTicks` intervals. */
export function axisTicks(durationSeconds: number, maxTicks = 12): number[] {
  const step = TICK_STEPS.find((s) => durationSeconds / s <= maxTicks) ?? Math.ceil(durationSeconds / maxTicks);
  const ticks: number[] = [];
  for (let t = 0; t <= durationSeconds; t += step) ticks.push(t);
  return ticks;
}

/** Where a time falls across the track, in percent (clamped: a band may reach past the end). */
export function percentAt(seconds: number, durationSeconds: number): number {
  if (durationSeconds <= 0) return 0;
  return Math.min(100, Math.max(0, (seconds / durationSeconds) * 100));
}

/** A time as the author writes it: "0", "40m", "1h20m". */
export function authorTime(seconds: number): string {
  return seconds === 0 ? '0' : formatDuration(seconds);
}

/**
 * Sub-rows for marks in one lane, so marks closer than `gapSeconds` do not hide each other: each
 * goes to the first row whose last mark is far enough behind it; past `rows`, to the emptiest
 * row's end anyway (marks may then touch). Items without a time get -1.
 */
export function stackRows(times: ReadonlyArray<number | null>, gapSeconds: number, rows: number): number[] {
  const order = times.map((_, i) => i).filter((i) => times[i] !== null);
  order.sort((a, b) => times[a]! - times[b]! || a - b);
  const lastAt = new Array<number>(rows).fill(-Infinity);
  const result = times.map(() => -1);
  for (const i of order) {
    const at = times[i]!;
    let row = lastAt.findIndex((last) => at - last >= gapSeconds);
    if (row < 0) row = lastAt.indexOf(Math.min(...lastAt));
    lastAt[row] = at;
    result[i] = row;
  }
  return result;
}

/** How dense a noise band is drawn: alerts per minute against the densest band of the file (0.15–1). */
export function noiseOpacity(count: number, from: number, to: number, densest: number): number {
  const rate = count / Math.max(60, to - from);
  if (densest <= 0) return 0.15;
  return 0.15 + 0.85 * Math.min(1, rate / densest);
}

/** Alerts per minute of a noise band, for its label. */
export function perMinute(count: number, from: number, to: number): number {
  return (count * 60) / Math.max(60, to - from);
}

/**
 * Where a validator problem at `column` (1-based) sits in its line: from that character to the end
 * of the word there (a key, a value), at least one character, within the line.
 */
export function problemRange(lineText: string, column: number): { from: number; to: number } {
  const from = Math.min(Math.max(0, column - 1), lineText.length);
  if (from >= lineText.length) return { from: Math.max(0, lineText.length - 1), to: lineText.length };
  const rest = lineText.slice(from);
  const word = /^[^\s,:{}[\]]+/.exec(rest)?.[0].length ?? 0;
  return { from, to: from + Math.max(1, word) };
}
