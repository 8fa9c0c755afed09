// The authentication hook of protected route classes: a Bearer token or the session cookie, and for
// cookie sessions the double-submit CSRF check on writes.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { AuthContext } from './auth-context.js';
import { CsrfFailed, Forbidden, Unauthenticated } from './errors.js';
import { andThen, type MaybePromise } from '../maybe-async.js';
import type { NamedHook } from './route-classes.js';

export const ACCESS_COOKIE = 'access_token';
export const REFRESH_COOKIE = 'refresh_token';
export const CSRF_COOKIE = 'csrf_token';
export const CSRF_HEADER = 'x-csrf-token';

export interface Authenticator {
  /**
   * Verifies an access token and that its session is still live; throws Unauthenticated otherwise.
   * Answers synchronously when the session is cached, with a promise when it has to be read.
   */
  authenticate(accessToken: string): MaybePromise<Caller>;
}

type Caller = Omit<AuthContext, 'via'>;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Throws CsrfFailed unless a cookie-authenticated write carries X-CSRF-Token equal to the csrf_token cookie. */
export function checkCsrf(request: FastifyRequest): void {
  if (SAFE_METHODS.has(request.method)) return;
  const header = request.headers[CSRF_HEADER];
  const cookie = request.cookies?.[CSRF_COOKIE];
  if (typeof header !== 'string' || !cookie || !sameSecret(header, cookie)) {
    throw CsrfFailed('send the csrf_token cookie value in the X-CSRF-Token header');
  }
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (!header) return undefined;
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || !token)
    throw Unauthenticated('use "Authorization: Bearer <token>"');
  return token;
}

export function authenticationHook(authenticator: Authenticator): NamedHook {
  return {
    name: 'authenticate',
    run(request) {
      const bearer = bearerToken(request);
      const token = bearer ?? request.cookies?.[ACCESS_COOKIE];
      if (!token) throw Unauthenticated('sign in first');
      const accept = (caller: Caller): void => {
        request.auth = { ...caller, via: bearer ? 'bearer' : 'cookie' };
        if (!bearer) checkCsrf(request);
      };
      return andThen(authenticator.authenticate(token), accept);
    },
  };
}

/** For the ops class: platform administrators only. */
export const requireAdminHook: NamedHook = {
  name: 'require-admin',
  run(request) {
    if (!request.auth?.isAdmin) throw Forbidden('platform administrators only');
  },
};
