// Access tokens: short-lived HS256 JWTs carrying the user, the session (refresh-token family) and the
// admin flag. Refresh tokens are opaque random strings, stored only as SHA-256 hashes.
import { createHash, randomBytes } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
const ISSUER = 'bookedbarber';
const AUDIENCE = 'bookedbarber-api';

export interface AccessClaims {
  readonly userId: string;
  readonly sessionId: string;
  readonly isAdmin: boolean;
}

export interface AccessTokens {
  sign(claims: AccessClaims): string;
  /** Throws on a bad signature, a wrong issuer/audience or an expired token. */
  verify(token: string): AccessClaims;
}

export function createAccessTokens(secret: string): AccessTokens {
  const signer = createSigner({
    key: secret,
    algorithm: 'HS256',
    expiresIn: ACCESS_TOKEN_TTL_SECONDS * 1000,
    iss: ISSUER,
    aud: AUDIENCE,
  });
  // Verified tokens are cached (bounded, keyed by token, honouring expiry): the hot path skips the HMAC.
  const verifier = createVerifier({
    key: secret,
    algorithms: ['HS256'],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    cache: 10_000,
    requiredClaims: ['sub', 'sid', 'exp'],
  });
  return {
    sign: (claims) => signer({ sub: claims.userId, sid: claims.sessionId, adm: claims.isAdmin }),
    verify(token) {
      const payload = verifier(token) as { sub: string; sid: string; adm?: boolean };
      return { userId: payload.sub, sessionId: payload.sid, isAdmin: payload.adm === true };
    },
  };
}

export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashOpaqueToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
