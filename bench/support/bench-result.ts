/** One measured figure, printed as one JSON line with `--json`. */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: number;
  /** true when the value meets the target (direction given by `higherIsBetter`). */
  readonly ok?: boolean;
  readonly baseline?: number;
  readonly ratio?: number;
  readonly notes?: string;
}

export function judged(result: Omit<BenchResult, 'ok'>, higherIsBetter: boolean): BenchResult {
  if (result.target === undefined) return result;
  return { ...result, ok: higherIsBetter ? result.value >= result.target : result.value <= result.target };
}
