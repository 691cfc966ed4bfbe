import { EngineError } from './engine-error.js';

/** cyrb128: spreads a string into four 32-bit words to seed sfc32 (tiny, well-distributed). */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i += 1) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * Seeded sfc32 generator. Only integer arithmetic on 32-bit words, so the sequence is identical
 * on every platform and Node version.
 */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string | number) {
    [this.a, this.b, this.c, this.d] = cyrb128(`${seed}`);
    // Discard the first outputs: sfc32 mixes poorly for a few rounds after seeding.
    for (let i = 0; i < 15; i += 1) this.nextUint32();
  }

  nextUint32(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4_294_967_296;
  }

  /** Uniform integer in [min, max] (inclusive, either order). Exact for spans up to 2^53. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max)) throw new EngineError('INVALID_ARGUMENT', `int range needs integers, got ${min}..${max}`);
    const low = Math.min(min, max);
    const span = Math.max(min, max) - low + 1;
    if (span <= 4_294_967_296) return low + Math.floor(this.next() * span);
    const wide = this.nextUint32() * 2_097_152 + (this.nextUint32() >>> 11);
    return low + Math.floor((wide / 9_007_199_254_740_992) * span);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new EngineError('INVALID_ARGUMENT', 'cannot pick from an empty list');
    return items[this.int(0, items.length - 1)];
  }

  hex(length: number): string {
    let out = '';
    while (out.length < length) out += this.nextUint32().toString(16).padStart(8, '0');
    return out.slice(0, length);
  }

  /** A host address inside the CIDR; network and broadcast addresses are avoided when the block has hosts. */
  ipv4In(cidr: string): string {
    const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr.trim());
    if (!match) throw new EngineError('INVALID_ARGUMENT', `not an IPv4 CIDR: ${cidr}`);
    const octets = match.slice(1, 5).map(Number);
    const prefix = Number(match[5]);
    if (octets.some((o) => o > 255) || prefix > 32) throw new EngineError('INVALID_ARGUMENT', `not an IPv4 CIDR: ${cidr}`);
    const base = ((octets[0] * 256 + octets[1]) * 256 + octets[2]) * 256 + octets[3];
    const size = 2 ** (32 - prefix);
    const network = base - (base % size);
    const offset = size > 2 ? this.int(1, size - 2) : this.int(0, size - 1);
    const address = network + offset;
    return [address >>> 24, (address >>> 16) & 255, (address >>> 8) & 255, address & 255].join('.');
  }
}
