import { findReservedKey } from './reserved-keys.js';

describe('findReservedKey', () => {
  it('finds __proto__, constructor and prototype at any depth, in objects and arrays', () => {
    expect(findReservedKey(JSON.parse('{"a":1,"__proto__":{"x":1}}'))).toBe('__proto__');
    expect(findReservedKey(JSON.parse('{"a":{"b":[{"ok":1},{"constructor":{}}]}}'))).toBe('a.b.1.constructor');
    expect(findReservedKey(JSON.parse('[{"prototype":1}]'))).toBe('0.prototype');
  });

  it('accepts ordinary bodies, including values that merely contain the words', () => {
    expect(findReservedKey({ title: '__proto__', notes: ['constructor'] })).toBeNull();
    expect(findReservedKey(null)).toBeNull();
    expect(findReservedKey('text')).toBeNull();
  });

  it('walks very deep bodies without overflowing the stack', () => {
    let deep: unknown = { constructor: 1 };
    for (let i = 0; i < 20_000; i += 1) deep = { d: deep };
    expect(findReservedKey(deep)).toMatch(/\.constructor$/);
  });
});
