// Queries of the auth module: users' credentials, sessions (refresh-token families), refresh tokens and
// single-use account tokens. MFA state is in mfa.sql.ts.
import type { Queryable } from '../../platform/db/pool.js';
import { USER_COLUMNS, type UserRow } from '../users/users.sql.js';

export interface LiveSession {
  user_id: string;
  is_admin: boolean;
  expires_at: Date;
}

/** A live session and its user's admin flag; read on a session-cache miss. Served by sessions_pkey, users_pkey. */
export async function findLiveSession(db: Queryable, sessionId: string): Promise<LiveSession | undefined> {
  const result = await db.query<LiveSession>({
    name: 'auth_find_live_session',
    text: `SELECT s.user_id, u.is_admin, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
    values: [sessionId],
  });
  return result.rows[0];
}

export interface Credentials {
  id: string;
  password_hash: string;
  mfa_enabled: boolean;
}

/** Served by users_email_lower_key. */
export async function findCredentialsByEmail(db: Queryable, email: string): Promise<Credentials | undefined> {
  const result = await db.query<Credentials>({
    name: 'auth_find_credentials_by_email',
    text: `SELECT id, password_hash, mfa_enabled_at IS NOT NULL AS mfa_enabled FROM users
           WHERE lower(email) = lower($1)`,
    values: [email],
  });
  return result.rows[0];
}

/** Served by users_pkey. */
export async function findPasswordHash(db: Queryable, userId: string): Promise<string | undefined> {
  const result = await db.query<{ password_hash: string }>({
    name: 'auth_find_password_hash',
    text: 'SELECT password_hash FROM users WHERE id = $1',
    values: [userId],
  });
  return result.rows[0]?.password_hash;
}

/** Violates users_email_lower_key when the e-mail is taken, whatever its case. */
export async function insertUser(
  db: Queryable,
  user: { email: string; passwordHash: string; name: string; phone?: string | undefined },
): Promise<UserRow> {
  const result = await db.query<UserRow>(
    `INSERT INTO users (email, password_hash, name, phone) VALUES ($1, $2, $3, $4) RETURNING ${USER_COLUMNS}`,
    [user.email, user.passwordHash, user.name, user.phone ?? null],
  );
  return result.rows[0]!;
}

export async function updatePasswordHash(db: Queryable, userId: string, passwordHash: string): Promise<void> {
  await db.query(
    'UPDATE users SET password_hash = $2, password_changed_at = now(), updated_at = now() WHERE id = $1',
    [userId, passwordHash],
  );
}

export async function markEmailVerified(db: Queryable, userId: string): Promise<void> {
  await db.query(
    `UPDATE users SET email_verified_at = COALESCE(email_verified_at, now()), updated_at = now() WHERE id = $1`,
    [userId],
  );
}

export interface SessionOrigin {
  ip: string | undefined;
  userAgent: string | undefined;
}

export async function insertSession(
  db: Queryable,
  userId: string,
  origin: SessionOrigin,
  ttlSeconds: number,
): Promise<string> {
  const result = await db.query<{ id: string }>(
    `INSERT INTO sessions (user_id, ip, user_agent, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING id`,
    [userId, origin.ip ?? null, origin.userAgent?.slice(0, 512) ?? null, ttlSeconds],
  );
  return result.rows[0]!.id;
}

export async function insertRefreshToken(
  db: Queryable,
  sessionId: string,
  tokenHash: Buffer,
  ttlSeconds: number,
): Promise<void> {
  await db.query({
    name: 'auth_insert_refresh_token',
    text: `INSERT INTO refresh_tokens (session_id, token_hash, expires_at)
           VALUES ($1, $2, now() + make_interval(secs => $3))`,
    values: [sessionId, tokenHash, ttlSeconds],
  });
}

export interface RefreshTokenState {
  id: string;
  session_id: string;
  user_id: string;
  rotated: boolean;
  /** The token and its session are unexpired and the session is not revoked. */
  usable: boolean;
}

/** Locks the token row so concurrent uses of one token are serialised. Served by refresh_tokens_token_hash_key. */
export async function lockRefreshToken(
  db: Queryable,
  tokenHash: Buffer,
): Promise<RefreshTokenState | undefined> {
  const result = await db.query<RefreshTokenState>({
    name: 'auth_lock_refresh_token',
    text: `SELECT t.id, t.session_id, s.user_id, t.rotated_at IS NOT NULL AS rotated,
                  (t.expires_at > now() AND s.expires_at > now() AND s.revoked_at IS NULL) AS usable
           FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
           WHERE t.token_hash = $1 FOR UPDATE OF t`,
    values: [tokenHash],
  });
  return result.rows[0];
}

/** Marks the token used and slides its session's expiry. */
export async function rotateRefreshToken(
  db: Queryable,
  tokenId: string,
  sessionId: string,
  ttlSeconds: number,
): Promise<void> {
  await db.query({
    name: 'auth_mark_refresh_token_rotated',
    text: 'UPDATE refresh_tokens SET rotated_at = now() WHERE id = $1',
    values: [tokenId],
  });
  await db.query({
    name: 'auth_slide_session',
    text: `UPDATE sessions SET last_used_at = now(), expires_at = now() + make_interval(secs => $2)
           WHERE id = $1`,
    values: [sessionId, ttlSeconds],
  });
}

/** Revokes one session (a refresh-token family); true when it was live. Served by sessions_pkey. */
export async function revokeSession(db: Queryable, sessionId: string, reason: string): Promise<boolean> {
  const result = await db.query(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL`,
    [sessionId, reason],
  );
  return (result.rowCount ?? 0) > 0;
}

/** Revokes a user's live sessions, but `keep`; returns the ids revoked. Served by sessions_user_id_idx. */
export async function revokeSessionsOfUser(
  db: Queryable,
  userId: string,
  reason: string,
  keep?: string,
): Promise<string[]> {
  const result = await db.query<{ id: string }>(
    `UPDATE sessions SET revoked_at = now(), revoked_reason = $2
     WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3) RETURNING id`,
    [userId, reason, keep ?? null],
  );
  return result.rows.map((r) => r.id);
}

export type AccountTokenPurpose = 'password_reset' | 'email_verification';

export async function insertAccountToken(
  db: Queryable,
  userId: string,
  purpose: AccountTokenPurpose,
  tokenHash: Buffer,
  ttlSeconds: number,
): Promise<void> {
  await db.query(
    `INSERT INTO account_tokens (user_id, purpose, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4))`,
    [userId, purpose, tokenHash, ttlSeconds],
  );
}

/**
 * Uses a token: at most once (the UPDATE is atomic), only before it expires. Every other unused token of
 * the same purpose is spent with it. Returns its user. Served by account_tokens_token_hash_key.
 */
export async function consumeAccountToken(
  db: Queryable,
  tokenHash: Buffer,
  purpose: AccountTokenPurpose,
): Promise<string | undefined> {
  const result = await db.query<{ user_id: string }>(
    `UPDATE account_tokens SET used_at = now()
     WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > now() RETURNING user_id`,
    [tokenHash, purpose],
  );
  const userId = result.rows[0]?.user_id;
  if (userId) {
    await db.query(
      `UPDATE account_tokens SET used_at = now() WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL`,
      [userId, purpose],
    );
  }
  return userId;
}

/** The session a refresh token belongs to, used or not (logout). Served by refresh_tokens_token_hash_key. */
export async function findSessionOfRefreshToken(
  db: Queryable,
  tokenHash: Buffer,
): Promise<string | undefined> {
  const result = await db.query<{ session_id: string }>(
    'SELECT session_id FROM refresh_tokens WHERE token_hash = $1',
    [tokenHash],
  );
  return result.rows[0]?.session_id;
}

/**
 * Sets the admin flag of the user with this e-mail (any case) and lists their live sessions, in one
 * statement: a session started later reads the new flag. No row when there is no such user. Served by
 * users_email_lower_key and sessions_user_id_idx.
 */
export async function setAdminFlagByEmail(
  db: Queryable,
  email: string,
  isAdmin: boolean,
): Promise<{ user_id: string; session_ids: string[] } | undefined> {
  const result = await db.query<{ user_id: string; session_ids: string[] }>({
    name: 'auth_set_admin_flag',
    text: `WITH changed AS (
             UPDATE users SET is_admin = $2, updated_at = now() WHERE lower(email) = lower($1) RETURNING id)
           SELECT c.id AS user_id,
                  ARRAY(SELECT s.id FROM sessions s
                         WHERE s.user_id = c.id AND s.revoked_at IS NULL AND s.expires_at > now()) AS session_ids
             FROM changed c`,
    values: [email, isAdmin],
  });
  return result.rows[0];
}
