// Turns an access token into the caller: a valid signature and a session that is still live.
import type { Database } from '../../platform/db/pool.js';
import type { Authenticator } from '../../platform/http/auth-guard.js';
import { Unauthenticated } from '../../platform/http/errors.js';
import { findLiveSession } from './auth.sql.js';
import type { AccessTokens } from './tokens.js';

export function createAuthenticator(db: Database, tokens: AccessTokens): Authenticator {
  return {
    async authenticate(token) {
      let claims: ReturnType<AccessTokens['verify']>;
      try {
        claims = tokens.verify(token);
      } catch {
        throw Unauthenticated('the access token is invalid or expired');
      }
      const session = await findLiveSession(db.primary, claims.sessionId, claims.userId);
      if (!session) throw Unauthenticated('this session has ended; sign in again');
      return { userId: claims.userId, sessionId: claims.sessionId, isAdmin: session.is_admin };
    },
  };
}
