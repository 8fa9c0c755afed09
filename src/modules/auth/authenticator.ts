// Turns an access token into the caller: a valid signature and a session that is still live. Both
// checks are cached (fast-jwt's verifier cache, the session cache), so a warm request does no I/O.
import type { Authenticator } from '../../platform/http/auth-guard.js';
import { Unauthenticated } from '../../platform/http/errors.js';
import { andThen } from '../../platform/maybe-async.js';
import type { SessionCache, SessionFacts } from './sessions.cache.js';
import type { AccessTokens } from './tokens.js';

export function createAuthenticator(tokens: AccessTokens, sessions: SessionCache): Authenticator {
  return {
    authenticate(token) {
      let claims: ReturnType<AccessTokens['verify']>;
      try {
        claims = tokens.verify(token);
      } catch {
        throw Unauthenticated('the access token is invalid or expired');
      }
      const caller = (session: SessionFacts | undefined) => {
        if (!session || session.userId !== claims.userId) {
          throw Unauthenticated('this session has ended; sign in again');
        }
        return { userId: claims.userId, sessionId: claims.sessionId, isAdmin: session.isAdmin };
      };
      return andThen(sessions.live(claims.sessionId), caller);
    },
  };
}
