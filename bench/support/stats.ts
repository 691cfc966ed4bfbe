import { readFileSync } from 'node:fs';
import { cpus, getPriority, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Epoch milliseconds with sub-millisecond resolution (Date.now() has 1 ms steps). */
export function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

/** How busy the machine was: figures taken on a loaded machine are not the idle-machine figures. */
export function machineNote(): string {
  let pressure = '';
  try {
    const some = /some avg10=([\d.]+)/.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    if (some) pressure = `, CPU pressure ${some[1]}% (time runnable tasks waited for a core, last 10 s)`;
  } catch {
    // not Linux, or no PSI
  }
  const nice = getPriority();
  return `machine: ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}${pressure}${nice === 0 ? '' : `, bench at nice ${nice}`}`;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((sum, v) => sum + v, 0) / Math.max(1, sorted.length);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? Number.NaN, mean };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs `work` over `items` with at most `concurrency` in flight. */
export async function inPool<T, R>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return results;
}
