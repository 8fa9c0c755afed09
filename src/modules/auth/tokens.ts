// Access tokens: short-lived HS256 JWTs carrying the user, the session (refresh-token family) and the
// admin flag. Refresh tokens are opaque random strings, stored only as SHA-256 hashes.
import { createHash, randomBytes } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import { LRUCache } from 'lru-cache';

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 7 * 24 * 60 * 60;
const ISSUER = 'bookedbarber';
const AUDIENCE = 'bookedbarber-api';

export interface AccessClaims {
  readonly userId: string;
  readonly sessionId: string;
  readonly isAdmin: boolean;
}

interface VerifiedClaims extends AccessClaims {
  readonly expiresAtMs: number;
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
  const verifier = createVerifier({
    key: secret,
    algorithms: ['HS256'],
    allowedIss: ISSUER,
    allowedAud: AUDIENCE,
    requiredClaims: ['sub', 'sid', 'exp'],
  });
  // Verified tokens are cached (bounded, keyed by the token itself, honouring expiry): the hot path
  // skips the HMAC. Our own map rather than fast-jwt's cache, which hashes every token with SHA-256 to
  // make its key — a measurable share of an authenticated request's CPU.
  const verified = new LRUCache<string, VerifiedClaims>({ max: 20_000 });
  return {
    sign: (claims) => signer({ sub: claims.userId, sid: claims.sessionId, adm: claims.isAdmin }),
    verify(token) {
      const hit = verified.get(token);
      if (hit && hit.expiresAtMs > Date.now()) return hit;
      const payload = verifier(token) as { sub: string; sid: string; adm?: boolean; exp: number };
      const claims: VerifiedClaims = Object.freeze({
        userId: payload.sub,
        sessionId: payload.sid,
        isAdmin: payload.adm === true,
        expiresAtMs: payload.exp * 1000,
      });
      verified.set(token, claims);
      return claims;
    },
  };
}

export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashOpaqueToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
