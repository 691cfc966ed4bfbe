import type { DataSource } from 'typeorm';
import type { ExerciseLogRepository } from '../exercise-log/exercise-log.repository.js';
import { AlertRefService } from './alert-ref.service.js';
import { alertRef } from './alert-refs.js';

describe('AlertRefService cache', () => {
  // prime() and cached() never query: the data source is never touched.
  const service = () => new AlertRefService({} as DataSource, {} as ExerciseLogRepository);
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `exercise-${from + i}`);

  it('keeps the 256 exercises looked up most recently and evicts the least recently used', () => {
    const refs = service();
    for (const id of ids(0, 256)) refs.prime(id, `salt-${id}`);
    // exercise-0 is looked up, then 255 more arrive: it stays, the 255 it was older than go.
    expect(refs.cached('exercise-0')).toBeDefined();
    for (const id of ids(256, 255)) refs.prime(id, `salt-${id}`);
    expect(refs.cached('exercise-0')).toBeDefined();
    for (const id of ids(1, 255)) expect({ id, cached: refs.cached(id) !== undefined }).toEqual({ id, cached: false });
    expect(refs.cached('exercise-510')).toBeDefined();
  });

  it('keeps the namer (and the team indexes behind it) when an exercise is primed again', () => {
    const refs = service();
    refs.prime('a', 'salt-a');
    const namer = refs.cached('a');
    refs.prime('a', 'another-salt');
    expect(refs.cached('a')).toBe(namer);
    expect(namer?.refOf('x')).toBe(alertRef('salt-a', 'x'));
  });
});
