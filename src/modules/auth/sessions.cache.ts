// Session liveness per process: an authenticated request's warm path reads memory, not PostgreSQL.
// Every revocation (logout, logout-all, password change or reset, refresh-token re-use) drops the
// session here and, through the invalidation bus, in every other process at once; the short TTL bounds
// staleness only while Redis is down (and for the admin flag, set from the command line).
import type { CountedCache } from '../../platform/cache/cache-census.js';
import { CoherentLru } from '../../platform/cache/coherent-lru.js';
import type { InvalidationBus } from '../../platform/cache/invalidation-bus.js';
import type { Database } from '../../platform/db/pool.js';
import { andThen, type MaybePromise } from '../../platform/maybe-async.js';
import { findLiveSession } from './auth.sql.js';

export interface SessionFacts {
  readonly userId: string;
  readonly isAdmin: boolean;
  readonly expiresAtMs: number;
}

/** How long a process may serve a session's cached facts (its admin flag included) without a word. */
export const SESSION_TTL_MS = 30_000;
/** The bus topic of session invalidations; its keys are session ids. */
export const SESSION_TOPIC = 'session';

function stillLive(facts: SessionFacts | undefined): SessionFacts | undefined {
  return facts && facts.expiresAtMs > Date.now() ? facts : undefined;
}

export class SessionCache {
  private readonly sessions: CoherentLru<SessionFacts>;

  constructor(
    private readonly db: Database,
    bus: InvalidationBus,
  ) {
    this.sessions = new CoherentLru(bus, { topic: SESSION_TOPIC, max: 100_000, ttlMs: SESSION_TTL_MS });
  }

  /** The session's facts while it is live, else undefined; synchronous when the session is cached. */
  live(sessionId: string): MaybePromise<SessionFacts | undefined> {
    const facts = this.sessions.get(sessionId, async () => {
      const row = await findLiveSession(this.db.primary, sessionId);
      return row && { userId: row.user_id, isAdmin: row.is_admin, expiresAtMs: row.expires_at.getTime() };
    });
    return andThen(facts, stillLive);
  }

  caches(): Record<string, CountedCache> {
    return { sessions: this.sessions };
  }

  /** Call after a session is revoked or changed, here or in any process. */
  invalidate(sessionIds: Iterable<string>): void {
    for (const id of sessionIds) this.sessions.invalidate(id);
  }
}
