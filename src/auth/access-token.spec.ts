import { createHmac } from 'node:crypto';
import { JwtError, signJwtHs256, verifyJwtHs256 } from './access-token.js';

const key = Buffer.from('k'.repeat(48));
const now = 1_800_000_000;
const options = { nowSeconds: now, issuer: 'iss', audience: 'aud' };
const claims = { sub: 'u1', iss: 'iss', aud: 'aud', iat: now - 10, exp: now + 60 };

async function reason(token: string | Promise<string>, opts: typeof options & { leewaySeconds?: number } = options): Promise<string> {
  try {
    await verifyJwtHs256(await token, key, opts);
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

describe('HS256 access tokens (jose)', () => {
  it('round-trips claims', async () => {
    await expect(verifyJwtHs256(await signJwtHs256(claims, key), key, options)).resolves.toMatchObject({ sub: 'u1' });
  });

  it('produces a standard JWS that an independent HMAC check accepts', async () => {
    const [h, p, s] = (await signJwtHs256(claims, key)).split('.');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')).toBe(s);
  });

  it('rejects expiry, future iat/nbf, wrong issuer or audience', async () => {
    expect(await reason(signJwtHs256({ ...claims, exp: now }, key))).toBe('expired');
    expect(await reason(signJwtHs256({ ...claims, exp: now - 5 }, key), { ...options, leewaySeconds: 10 })).toBe('accepted');
    expect(await reason(signJwtHs256({ ...claims, nbf: now + 100 }, key))).toBe('not-yet-valid');
    expect(await reason(signJwtHs256({ ...claims, iat: now + 100 }, key))).toBe('not-yet-valid');
    expect(await reason(signJwtHs256({ ...claims, iss: 'x' }, key))).toBe('claims');
    expect(await reason(signJwtHs256({ ...claims, aud: ['aud'] }, key))).toBe('claims');
    expect(await reason(forge({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: '9999999999' }))).toBe('claims');
    const { exp: _exp, ...withoutExp } = claims;
    expect(await reason(signJwtHs256(withoutExp, key))).toBe('claims');
  });

  it('rejects other keys, algorithms, tampering and garbage', async () => {
    expect(await reason(signJwtHs256(claims, Buffer.from('other-key'.repeat(5))))).toBe('signature');
    expect(await reason(forge({ alg: 'none' }, claims))).toBe('malformed');
    expect(await reason(forge({ alg: 'HS512' }, claims))).toBe('malformed');
    expect(await reason(forge({ alg: 'HS256', crit: ['x'] }, claims))).toBe('malformed');
    expect(await reason(forge({ alg: 'HS256', typ: 'at+jwt' }, claims))).toBe('malformed');
    const token = await signJwtHs256(claims, key);
    const [h, , s] = token.split('.');
    const evil = Buffer.from(JSON.stringify({ ...claims, sub: 'admin' })).toString('base64url');
    expect(await reason(`${h}.${evil}.${s}`)).toBe('signature');
    for (const junk of ['', 'a.b', 'a.b.c.d', '...', `${token}x`, `${token}=`, 'é.é.é', 'x'.repeat(5000)]) {
      expect(['malformed', 'signature']).toContain(await reason(junk));
    }
    expect(await reason(`${Buffer.from('[1]').toString('base64url')}.e30.sig`)).toBe('malformed');
  });
});
