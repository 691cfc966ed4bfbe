/**
 * Polls `GET /api/health` every ~20 ms until stopped. Latency counts from when a poll was due, and
 * a poll held up for L ms stands for every 20 ms poll that would have waited in that time: a stalled
 * event loop weighs by how long it stalled, not as one late sample.
 */
export function watchHealth(baseUrl: string): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    let due = performance.now();
    while (running) {
      due += 20;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const response = await fetch(`${baseUrl}/api/health`);
      await response.text();
      const done = performance.now();
      if (response.status !== 200) throw new Error(`health answered ${response.status}`);
      let late = done - due;
      do {
        latencies.push(Math.max(0, late));
        late -= 20;
      } while (late > 0);
      due = Math.max(due, done);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return latencies;
    },
  };
}

export function p99(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)]!;
}
