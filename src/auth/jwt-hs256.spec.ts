import { createHmac } from 'node:crypto';
import { JwtError, signJwtHs256, verifyJwtHs256 } from './jwt-hs256.js';

const key = Buffer.from('k'.repeat(48));
const now = 1_800_000_000;
const options = { nowSeconds: now, issuer: 'iss', audience: 'aud' };
const claims = { sub: 'u1', iss: 'iss', aud: 'aud', iat: now - 10, exp: now + 60 };

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof JwtError) return error.reason;
    throw error;
  }
  return 'accepted';
}

function forge(header: object, payload: object, signWith: Buffer = key): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', signWith).update(`${h}.${p}`).digest('base64url')}`;
}

describe('HS256 JWT', () => {
  it('round-trips claims', () => {
    expect(verifyJwtHs256(signJwtHs256(claims, key), key, options)).toMatchObject({ sub: 'u1' });
  });

  it('produces a standard JWS that an independent HMAC check accepts', () => {
    const [h, p, s] = signJwtHs256(claims, key).split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')).toBe(s);
  });

  it('rejects expiry, future iat/nbf, wrong issuer or audience', () => {
    expect(reason(() => verifyJwtHs256(signJwtHs256({ ...claims, exp: now }, key), key, options))).toBe('expired');
    expect(reason(() => verifyJwtHs256(signJwtHs256({ ...claims, exp: now - 5 }, key), key, { ...options, leewaySeconds: 10 }))).toBe('accepted');
    expect(reason(() => verifyJwtHs256(signJwtHs256({ ...claims, nbf: now + 100 }, key), key, options))).toBe('not-yet-valid');
    expect(reason(() => verifyJwtHs256(signJwtHs256({ ...claims, iat: now + 100 }, key), key, options))).toBe('not-yet-valid');
    expect(reason(() => verifyJwtHs256(signJwtHs256({ ...claims, iss: 'x' }, key), key, options))).toBe('claims');
    expect(reason(() => verifyJwtHs256(signJwtHs256({ ...claims, aud: ['aud'] }, key), key, options))).toBe('claims');
    expect(reason(() => verifyJwtHs256(signJwtHs256({ ...claims, exp: '9999999999' }, key), key, options))).toBe('claims');
  });

  it('rejects other keys, algorithms, tampering and garbage', () => {
    expect(reason(() => verifyJwtHs256(signJwtHs256(claims, Buffer.from('other-key'.repeat(5))), key, options))).toBe('signature');
    expect(reason(() => verifyJwtHs256(forge({ alg: 'none' }, claims), key, options))).toBe('malformed');
    expect(reason(() => verifyJwtHs256(forge({ alg: 'HS512' }, claims), key, options))).toBe('malformed');
    expect(reason(() => verifyJwtHs256(forge({ alg: 'HS256', crit: ['x'] }, claims), key, options))).toBe('malformed');
    const token = signJwtHs256(claims, key);
    const [h, , s] = token.split('.');
    const evil = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    expect(reason(() => verifyJwtHs256(`${h}.${evil}.${s}`, key, options))).toBe('signature');
    for (const junk of ['', 'a.b', 'a.b.c.d', '...', `${token}x`, `${token}=`, 'é.é.é', 'x'.repeat(5000)]) {
      expect(['malformed', 'signature']).toContain(reason(() => verifyJwtHs256(junk, key, options)));
    }
    expect(reason(() => verifyJwtHs256(`${Buffer.from('[1]').toString('base64url')}.e30.sig`, key, options))).toBe('malformed');
  });
});
