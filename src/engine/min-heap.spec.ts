import { EngineError } from './engine-error.js';
import { MinHeap } from './min-heap.js';
import { Prng } from './prng.js';

describe('MinHeap', () => {
  it('pops in comparator order', () => {
    const prng = new Prng(7);
    const values = Array.from({ length: 500 }, () => prng.int(0, 100));
    const heap = new MinHeap<number>((a, b) => a - b);
    for (const v of values) heap.push(v);
    const out: number[] = [];
    while (!heap.isEmpty()) out.push(heap.pop());
    expect(out).toEqual([...values].sort((a, b) => a - b));
  });

  it('breaks ties deterministically with a secondary key', () => {
    type Item = { due: number; order: number };
    const heap = new MinHeap<Item>(
      (a, b) => a.due - b.due || a.order - b.order,
      [
        { due: 5, order: 3 },
        { due: 5, order: 1 },
        { due: 1, order: 9 },
        { due: 5, order: 2 },
      ],
    );
    expect(heap.size).toBe(4);
    expect(heap.peek()).toEqual({ due: 1, order: 9 });
    expect([heap.pop(), heap.pop(), heap.pop(), heap.pop()].map((i) => i.order)).toEqual([9, 1, 2, 3]);
  });

  it('throws a coded error when empty', () => {
    const heap = new MinHeap<number>((a, b) => a - b);
    expect(heap.peek()).toBeUndefined();
    expect(() => heap.pop()).toThrow(EngineError);
  });
});
