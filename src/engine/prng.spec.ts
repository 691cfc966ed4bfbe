import { Prng } from './prng.js';

describe('Prng', () => {
  it('repeats for the same seed and differs for another', () => {
    const a = new Prng('seed-1');
    const b = new Prng('seed-1');
    const c = new Prng('seed-2');
    const sa = Array.from({ length: 20 }, () => a.nextUint32());
    expect(Array.from({ length: 20 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 20 }, () => c.nextUint32())).not.toEqual(sa);
    expect(new Prng(1).next()).toBe(new Prng('1').next());
  });

  it('draws integers inside inclusive ranges, both ends reachable', () => {
    const prng = new Prng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2_000; i += 1) {
      const v = prng.int(-2, 2);
      expect(v).toBeGreaterThanOrEqual(-2);
      expect(v).toBeLessThanOrEqual(2);
      seen.add(v);
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([-2, -1, 0, 1, 2]);
    expect(prng.int(9, 9)).toBe(9);
    const wide = prng.int(0, 2 ** 40);
    expect(wide).toBeLessThanOrEqual(2 ** 40);
  });

  it('makes host addresses inside a CIDR and hex strings of the asked length', () => {
    const prng = new Prng('net');
    for (let i = 0; i < 200; i += 1) {
      const ip = prng.ipv4In('203.0.113.0/24');
      const last = Number(ip.split('.')[3]);
      expect(ip.startsWith('203.0.113.')).toBe(true);
      expect(last).toBeGreaterThanOrEqual(1);
      expect(last).toBeLessThanOrEqual(254);
    }
    expect(prng.ipv4In('10.1.2.3/32')).toBe('10.1.2.3');
    expect(prng.ipv4In('172.16.5.77/12').startsWith('172.')).toBe(true);
    const hex = prng.hex(37);
    expect(hex).toMatch(/^[0-9a-f]{37}$/);
    expect(prng.pick(['x'])).toBe('x');
  });
});
