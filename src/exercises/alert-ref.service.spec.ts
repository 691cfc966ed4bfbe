import type { DataSource } from 'typeorm';
import type { ExerciseLogRepository } from '../exercise-log/exercise-log.repository.js';
import { AlertRefService } from './alert-ref.service.js';

describe('AlertRefService cache', () => {
  // prime() and cached() never query: the data source is never touched.
  const service = () => new AlertRefService({} as DataSource, {} as ExerciseLogRepository);
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `exercise-${from + i}`);

  it('keeps the exercises looked up most recently and evicts the least recently used', () => {
    const refs = service();
    for (const id of ids(0, 256)) refs.prime(id, `salt-${id}`);
    // exercise-0 is looked up (twice: the second lookup finds it already youngest), then 255 more arrive.
    expect(refs.cached('exercise-0')).toBeDefined();
    expect(refs.cached('exercise-0')).toBeDefined();
    for (const id of ids(256, 255)) refs.prime(id, `salt-${id}`);
    expect(refs.cached('exercise-0')).toBeDefined();
    for (const id of ids(1, 255)) expect({ id, cached: refs.cached(id) !== undefined }).toEqual({ id, cached: false });
    expect(refs.cached('exercise-510')).toBeDefined();
  });

  it('moves an entry again once a newer one has arrived after its last lookup', () => {
    const refs = service();
    refs.prime('a', 'salt-a');
    expect(refs.cached('a')).toBeDefined();
    refs.prime('b', 'salt-b');
    // a was the youngest, but b arrived since: this lookup must move a behind b.
    expect(refs.cached('a')).toBeDefined();
    for (const id of ids(0, 255)) refs.prime(id, `salt-${id}`);
    expect(refs.cached('b')).toBeUndefined();
    expect(refs.cached('a')).toBeDefined();
  });
});
