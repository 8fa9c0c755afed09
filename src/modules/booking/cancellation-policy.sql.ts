// The cancellation_policies row of a location (cancellation_policies_pkey); none means the defaults.
import type { Queryable } from '../../platform/db/pool.js';
import type { RefundTier } from './refund-policy.js';

export interface PolicyRow {
  tiers: RefundTier[];
  no_show_fee_cents: number;
  first_time_full_refund_min_hours: number | null;
  updated_at: Date;
}

export async function findPolicy(db: Queryable, locationId: string): Promise<PolicyRow | undefined> {
  const result = await db.query<PolicyRow>({
    name: 'booking_find_policy',
    text: `SELECT tiers, no_show_fee_cents, first_time_full_refund_min_hours, updated_at
             FROM cancellation_policies WHERE location_id = $1`,
    values: [locationId],
  });
  return result.rows[0];
}

export async function upsertPolicy(
  db: Queryable,
  locationId: string,
  policy: Omit<PolicyRow, 'updated_at'>,
): Promise<PolicyRow> {
  const result = await db.query<PolicyRow>({
    name: 'booking_upsert_policy',
    text: `INSERT INTO cancellation_policies (location_id, tiers, no_show_fee_cents, first_time_full_refund_min_hours)
           VALUES ($1, $2::jsonb, $3, $4)
           ON CONFLICT (location_id) DO UPDATE
             SET tiers = EXCLUDED.tiers, no_show_fee_cents = EXCLUDED.no_show_fee_cents,
                 first_time_full_refund_min_hours = EXCLUDED.first_time_full_refund_min_hours,
                 updated_at = now()
           RETURNING tiers, no_show_fee_cents, first_time_full_refund_min_hours, updated_at`,
    values: [
      locationId,
      JSON.stringify(policy.tiers),
      policy.no_show_fee_cents,
      policy.first_time_full_refund_min_hours,
    ],
  });
  return result.rows[0]!;
}
