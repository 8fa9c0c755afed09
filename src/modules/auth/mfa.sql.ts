// Queries of MFA state: the TOTP secret, the last accepted time step, recovery codes.
import type { Queryable } from '../../platform/db/pool.js';

export interface MfaState {
  email: string;
  mfa_secret: string | null;
  mfa_enabled: boolean;
  mfa_last_step: number | null;
}

/** Locks the user row: a code is checked and its step recorded atomically. Served by users_pkey. */
export async function lockMfaState(db: Queryable, userId: string): Promise<MfaState | undefined> {
  const result = await db.query<MfaState>({
    name: 'mfa_lock_state',
    text: `SELECT email, mfa_secret, mfa_enabled_at IS NOT NULL AS mfa_enabled, mfa_last_step
           FROM users WHERE id = $1 FOR UPDATE`,
    values: [userId],
  });
  return result.rows[0];
}

export async function setPendingMfaSecret(db: Queryable, userId: string, secret: string): Promise<void> {
  await db.query('UPDATE users SET mfa_secret = $2, updated_at = now() WHERE id = $1', [userId, secret]);
}

export async function recordMfaStep(db: Queryable, userId: string, step: number): Promise<void> {
  await db.query('UPDATE users SET mfa_last_step = $2 WHERE id = $1', [userId, step]);
}

export async function enableMfa(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE users SET mfa_enabled_at = now(), updated_at = now() WHERE id = $1', [userId]);
}

export async function disableMfa(db: Queryable, userId: string): Promise<void> {
  await db.query(
    `UPDATE users SET mfa_secret = NULL, mfa_enabled_at = NULL, mfa_last_step = NULL, updated_at = now()
     WHERE id = $1`,
    [userId],
  );
  await db.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
}

export async function replaceRecoveryCodes(db: Queryable, userId: string, hashes: Buffer[]): Promise<void> {
  await db.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
  await db.query('INSERT INTO mfa_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])', [
    userId,
    hashes,
  ]);
}

/** Spends an unused recovery code; true when there was one. Served by the (user_id, code_hash) key. */
export async function useRecoveryCode(db: Queryable, userId: string, hash: Buffer): Promise<boolean> {
  const result = await db.query(
    `UPDATE mfa_recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL`,
    [userId, hash],
  );
  return (result.rowCount ?? 0) > 0;
}
