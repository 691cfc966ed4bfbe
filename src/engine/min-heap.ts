import { EngineError } from './engine-error.js';

/** Negative when a sorts before b. Must be a total order for deterministic pops. */
export type Comparator<T> = (a: T, b: T) => number;

export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(
    private readonly compare: Comparator<T>,
    initial: Iterable<T> = [],
  ) {
    for (const item of initial) this.items.push(item);
    for (let i = (this.items.length >> 1) - 1; i >= 0; i -= 1) this.down(i);
  }

  get size(): number {
    return this.items.length;
  }

  isEmpty(): boolean {
    return this.items.length === 0;
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  pop(): T {
    const items = this.items;
    if (items.length === 0) throw new EngineError('EMPTY_HEAP', 'pop from an empty heap');
    const top = items[0];
    const last = items.pop() as T;
    if (items.length > 0) {
      items[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Drains a copy in order; for diagnostics and tests, O(n log n). */
  toSortedArray(): T[] {
    return [...this.items].sort(this.compare);
  }

  private up(index: number): void {
    const items = this.items;
    const item = items[index];
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.compare(item, items[parent]) >= 0) break;
      items[index] = items[parent];
      index = parent;
    }
    items[index] = item;
  }

  private down(index: number): void {
    const items = this.items;
    const length = items.length;
    const item = items[index];
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && this.compare(items[right], items[left]) < 0 ? right : left;
      if (this.compare(items[child], item) >= 0) break;
      items[index] = items[child];
      index = child;
    }
    items[index] = item;
  }
}
