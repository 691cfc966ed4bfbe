import { errors, jwtVerify, SignJWT } from 'jose';

/** Signing and verification of the server's HS256 access tokens, through jose. */
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
/** Canonical compact form only: jose's decoder tolerates padding, which would give one token many spellings. */
const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export function signJwtHs256(claims: Record<string, unknown>, key: Uint8Array): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).sign(key);
}

function failureOf(error: unknown): JwtFailure {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) return error.claim === 'nbf' ? 'not-yet-valid' : 'claims';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (error instanceof errors.JOSEError) return 'malformed';
  throw error;
}

export async function verifyJwtHs256(token: string, key: Uint8Array, options: JwtVerifyOptions): Promise<JwtClaims> {
  if (token.length > MAX_TOKEN_LENGTH || !COMPACT.test(token)) throw new JwtError('malformed');
  const leeway = options.leewaySeconds ?? 0;
  let payload: Record<string, unknown>;
  let typ: string | undefined;
  try {
    // Only HS256, never "none" or an algorithm chosen by the token; jose refuses unknown `crit` headers.
    ({
      payload,
      protectedHeader: { typ },
    } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      issuer: options.issuer,
      audience: options.audience,
      currentDate: new Date(options.nowSeconds * 1000),
      clockTolerance: leeway,
      requiredClaims: ['exp', 'iat'],
    }));
  } catch (error) {
    throw new JwtError(failureOf(error));
  }
  if (typ !== undefined && typ !== 'JWT') throw new JwtError('malformed');
  // jose checks that iat is a number but accepts one in the future; a token issued later than now is not yet valid.
  if (typeof payload.iat !== 'number' || payload.iat > options.nowSeconds + leeway) throw new JwtError('not-yet-valid');
  // The audience must be our single string, not an array that merely contains it.
  if (payload.aud !== options.audience) throw new JwtError('claims');
  return payload as JwtClaims;
}
