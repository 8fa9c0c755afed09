// The cookie session: HttpOnly SameSite=Lax access and refresh cookies (Secure in production) and a
// readable csrf_token cookie that the browser echoes in X-CSRF-Token (double submit). The refresh
// cookie is only sent to /api/v2/auth, where it is used.
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  ACCESS_COOKIE,
  bearerToken,
  CSRF_COOKIE,
  checkCsrf,
  REFRESH_COOKIE,
} from '../../platform/http/auth-guard.js';
import { ACCESS_TOKEN_TTL_SECONDS, type AccessTokens, REFRESH_TOKEN_TTL_SECONDS } from './tokens.js';

const REFRESH_PATH = '/api/v2/auth';

export function setSessionCookies(
  reply: FastifyReply,
  tokens: { access_token: string; refresh_token: string },
  secure: boolean,
): void {
  const base = { sameSite: 'lax', secure, path: '/' } as const;
  reply.setCookie(ACCESS_COOKIE, tokens.access_token, {
    ...base,
    httpOnly: true,
    maxAge: ACCESS_TOKEN_TTL_SECONDS,
  });
  reply.setCookie(REFRESH_COOKIE, tokens.refresh_token, {
    ...base,
    httpOnly: true,
    path: REFRESH_PATH,
    maxAge: REFRESH_TOKEN_TTL_SECONDS,
  });
  reply.setCookie(CSRF_COOKIE, randomBytes(24).toString('base64url'), {
    ...base,
    httpOnly: false,
    maxAge: REFRESH_TOKEN_TTL_SECONDS,
  });
}

export function clearSessionCookies(reply: FastifyReply, secure: boolean): void {
  const base = { sameSite: 'lax', secure, path: '/' } as const;
  reply.clearCookie(ACCESS_COOKIE, base);
  reply.clearCookie(REFRESH_COOKIE, { ...base, path: REFRESH_PATH });
  reply.clearCookie(CSRF_COOKIE, base);
}

/** The refresh token from the body, else from the cookie — which, being ambient, needs the CSRF check. */
export function refreshTokenOf(request: FastifyRequest, fromBody: string | undefined): string | undefined {
  if (fromBody) return fromBody;
  const cookie = request.cookies?.[REFRESH_COOKIE];
  if (cookie) checkCsrf(request);
  return cookie;
}

/** The session named by a valid access token (Bearer, or cookie with CSRF), without requiring one. */
export function sessionOf(request: FastifyRequest, tokens: AccessTokens): string | undefined {
  let token: string | undefined;
  try {
    token = bearerToken(request);
  } catch {
    return undefined;
  }
  if (!token) {
    token = request.cookies?.[ACCESS_COOKIE];
    if (token) checkCsrf(request);
  }
  if (!token) return undefined;
  try {
    return tokens.verify(token).sessionId;
  } catch {
    return undefined;
  }
}
