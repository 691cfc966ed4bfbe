import { setFlagsFromString } from 'node:v8';
import { stampAction, type UnstampedAction } from './engine-action.js';

const SHAPES: UnstampedAction[] = [
  { type: 'response', actionId: 'a1', action: 'isolate-host' },
  { type: 'response', actionId: 'a2', action: 'block-ip', target: '203.0.113.7' },
  { type: 'verdict', actionId: 'a3', alertId: 'evt-1', verdict: 'true-positive' },
  { type: 'verdict', actionId: 'a4', alertId: 'evt-2', verdict: 'duplicate', duplicateOf: 'evt-1' },
  { type: 'severity', actionId: 'a5', alertId: 'evt-1', severity: 'high' },
  { type: 'route', actionId: 'a6', alertId: 'evt-1', to: ['layer-2'] },
  { type: 'route', actionId: 'a7', incidentId: 'inc-1', to: ['layer-4', 'vncert'] },
  { type: 'report', actionId: 'a8', kind: 'initial', recipients: ['layer-4'] },
  { type: 'report', actionId: 'a9', kind: 'closing', recipients: ['layer-4'], incidentId: 'inc-1', content: ['what-happened'] },
  { type: 'other', actionId: 'a10', kind: 'alert.note' },
  { type: 'other', actionId: 'a11', kind: 'alert.note', data: { alertId: 'evt-1', text: 'ghi chú' } },
];

/** V8's own answer to "do these two objects share a hidden class?" (a natives-syntax intrinsic). */
function sameHiddenClass(): (a: object, b: object) => boolean {
  setFlagsFromString('--allow-natives-syntax');
  return new Function('a', 'b', 'return %HaveSameMap(a, b);') as (a: object, b: object) => boolean;
}

describe('stampAction', () => {
  it('is the action with its virtual time, field for field and in the key order of a spread', () => {
    for (const action of SHAPES) {
      const stamped = stampAction(action, 90_000);
      const spread = { ...action, virtualMs: 90_000 };
      expect(stamped).toStrictEqual(spread);
      expect(Object.keys(stamped)).toEqual(Object.keys(spread));
    }
  });

  it('gives every action of one shape the same hidden class, however many are stamped', () => {
    const same = sameHiddenClass();
    // Each shape many times over, interleaved, as a running exercise sends them (a spread's
    // copies share a class for the first dozen or so only).
    const stamped = Array.from({ length: 20 }, (_, round) => SHAPES.map((action) => stampAction(action, round))).flat();
    const first = stamped.slice(0, SHAPES.length);
    const last = stamped.slice(-SHAPES.length);
    for (let i = 0; i < SHAPES.length; i++) expect({ shape: i, same: same(first[i]!, last[i]!) }).toEqual({ shape: i, same: true });
  });
});
