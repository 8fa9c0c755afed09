// Queries of gift certificates: issue, look up by code, spend and give back balance.
import type { Queryable } from '../../platform/db/pool.js';

export interface GiftCertificateRow {
  id: string;
  location_id: string;
  code: string;
  initial_cents: number;
  balance_cents: number;
  currency: string;
  purchaser_email: string | null;
  recipient_name: string | null;
  expires_at: Date | null;
  created_at: Date;
}

const COLUMNS = `id, location_id, code, initial_cents, balance_cents, currency, purchaser_email, recipient_name,
  expires_at, created_at`;

export async function insertGiftCertificate(
  db: Queryable,
  g: {
    locationId: string;
    code: string;
    amountCents: number;
    purchaserEmail: string | null;
    recipientName: string | null;
    expiresAt: Date | null;
    byUserId: string;
  },
): Promise<GiftCertificateRow | undefined> {
  const result = await db.query<GiftCertificateRow>({
    name: 'gift_insert',
    text: `
INSERT INTO gift_certificates (location_id, code, initial_cents, balance_cents, currency, purchaser_email,
  recipient_name, expires_at, created_by_user_id)
SELECT $1, $2, $3, $3, l.currency, $4, $5, $6, $7 FROM locations l WHERE l.id = $1
RETURNING ${COLUMNS}`,
    values: [g.locationId, g.code, g.amountCents, g.purchaserEmail, g.recipientName, g.expiresAt, g.byUserId],
  });
  return result.rows[0]; // none: no such location (an admin may name any id)
}

/** Served by gift_certificates_location_id_code_key; `lock` takes the row for spending. */
export async function findGiftCertificate(
  db: Queryable,
  locationId: string,
  code: string,
  lock = false,
): Promise<GiftCertificateRow | undefined> {
  const result = await db.query<GiftCertificateRow>({
    name: lock ? 'gift_find_for_update' : 'gift_find',
    text: `SELECT ${COLUMNS} FROM gift_certificates WHERE location_id = $1 AND code = $2${lock ? ' FOR UPDATE' : ''}`,
    values: [locationId, code],
  });
  return result.rows[0];
}

/**
 * Moves balance: negative spends, positive gives back. The table's CHECKs (balance 0..initial) make a
 * spend below zero fail rather than happen.
 */
export async function adjustGiftBalance(
  tx: Queryable,
  locationId: string,
  id: string,
  cents: number,
): Promise<void> {
  await tx.query({
    name: 'gift_adjust_balance',
    text: 'UPDATE gift_certificates SET balance_cents = balance_cents + $3 WHERE location_id = $1 AND id = $2',
    values: [locationId, id, cents],
  });
}
