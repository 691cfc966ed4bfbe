import { ListenerSet } from './listener-set.js';

describe('ListenerSet', () => {
  it('delivers to every listener in order, isolates a failing one and stops after unsubscribe', () => {
    const errors: Array<[unknown, number]> = [];
    const set = new ListenerSet<number>((error, message) => errors.push([error, message]));
    const seen: string[] = [];
    set.subscribe((n) => seen.push(`a${n}`));
    const boom = new Error('boom');
    set.subscribe(() => {
      throw boom;
    });
    const stop = set.subscribe((n) => seen.push(`c${n}`));
    set.publish(1);
    stop();
    set.publish(2);
    expect(seen).toEqual(['a1', 'c1', 'a2']);
    expect(errors).toEqual([
      [boom, 1],
      [boom, 2],
    ]);
  });
});
