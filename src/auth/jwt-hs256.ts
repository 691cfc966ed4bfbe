import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Compact HS256 JWS signing and verification on node:crypto.
 * (jose is ESM-only and jest here runs CommonJS, which cannot load it; HS256 is small enough to do
 * directly, and the checks below are the ones jose would apply for this one algorithm.)
 */
export type JwtFailure = 'malformed' | 'signature' | 'expired' | 'not-yet-valid' | 'claims';

export class JwtError extends Error {
  constructor(readonly reason: JwtFailure) {
    super(`JWT rejected: ${reason}`);
    this.name = 'JwtError';
  }
}

export interface JwtVerifyOptions {
  readonly nowSeconds: number;
  readonly issuer: string;
  readonly audience: string;
  /** Allowed clock skew between issuing and verifying servers. */
  readonly leewaySeconds?: number;
}

export type JwtClaims = Record<string, unknown> & { readonly exp: number; readonly iat: number };

const MAX_TOKEN_LENGTH = 4096;
const SEGMENT = /^[A-Za-z0-9_-]+$/;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function hmac(key: Uint8Array, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function decodeJsonObject(segment: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new JwtError('malformed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new JwtError('malformed');
  return value as Record<string, unknown>;
}

export function signJwtHs256(claims: Record<string, unknown>, key: Uint8Array): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signingInput = `${HEADER}.${payload}`;
  return `${signingInput}.${hmac(key, signingInput).toString('base64url')}`;
}

export function verifyJwtHs256(token: string, key: Uint8Array, options: JwtVerifyOptions): JwtClaims {
  if (token.length > MAX_TOKEN_LENGTH) throw new JwtError('malformed');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => SEGMENT.test(p))) throw new JwtError('malformed');
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJsonObject(headerPart);
  // Only HS256, never "none" or an algorithm chosen by the token; no extensions we do not understand.
  if (header.alg !== 'HS256' || (header.typ !== undefined && header.typ !== 'JWT') || header.crit !== undefined) throw new JwtError('malformed');
  const expected = hmac(key, `${headerPart}.${payloadPart}`);
  const given = Buffer.from(signaturePart, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new JwtError('signature');
  const claims = decodeJsonObject(payloadPart);
  const leeway = options.leewaySeconds ?? 0;
  const { exp, iat, nbf } = claims;
  if (typeof exp !== 'number' || !Number.isFinite(exp) || typeof iat !== 'number' || !Number.isFinite(iat)) throw new JwtError('claims');
  if (claims.iss !== options.issuer || claims.aud !== options.audience) throw new JwtError('claims');
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > options.nowSeconds + leeway)) throw new JwtError('not-yet-valid');
  if (iat > options.nowSeconds + leeway) throw new JwtError('not-yet-valid');
  if (exp <= options.nowSeconds - leeway) throw new JwtError('expired');
  return claims as JwtClaims;
}
