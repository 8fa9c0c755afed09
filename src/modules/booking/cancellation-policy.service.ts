// A location's cancellation policy (DESIGN §3): read by its staff and, before booking, by anyone
// through the public shop page; replaced by its owner or manager. Cancelling reads the same row.
import type { Database } from '../../platform/db/pool.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { ValidationFailed } from '../../platform/http/errors.js';
import { type LocationAccess, MANAGERS, STAFF } from '../shops/location-access.js';
import type { BookingService } from './booking.service.js';
import { findPolicy, type PolicyRow, upsertPolicy } from './cancellation-policy.sql.js';
import { DEFAULT_POLICY, type RefundTier } from './refund-policy.js';

export interface PolicyBody {
  tiers: RefundTier[];
  no_show_fee_cents: number;
  first_time_full_refund_min_hours: number | null;
}

function view(locationId: string, row: PolicyRow | undefined) {
  const tiers = row ? row.tiers : DEFAULT_POLICY.tiers;
  return {
    location_id: locationId,
    // The order in which they are tried: the longest notice first.
    tiers: [...tiers].sort((a, b) => b.min_hours_before - a.min_hours_before),
    no_show_fee_cents: row ? row.no_show_fee_cents : DEFAULT_POLICY.noShowFeeCents,
    first_time_full_refund_min_hours: row
      ? row.first_time_full_refund_min_hours
      : DEFAULT_POLICY.firstTimeFullRefundMinHours,
    updated_at: row ? row.updated_at.toISOString() : null,
  };
}

export class CancellationPolicyService {
  constructor(
    private readonly db: Database,
    private readonly access: LocationAccess,
    private readonly booking: Pick<BookingService, 'locationOfSlug'>,
  ) {}

  async get(auth: AuthContext, locationId: string) {
    await this.access.require(auth, locationId, STAFF);
    return view(locationId, await findPolicy(this.db.primary, locationId));
  }

  /** What a client agrees to when booking at the shop. */
  async getPublic(slug: string) {
    const locationId = await this.booking.locationOfSlug(slug);
    return view(locationId, await findPolicy(this.db.primary, locationId));
  }

  async replace(auth: AuthContext, locationId: string, body: PolicyBody) {
    await this.access.require(auth, locationId, MANAGERS);
    const thresholds = body.tiers.map((t) => t.min_hours_before);
    const repeated = thresholds.findIndex((h, i) => thresholds.indexOf(h) !== i);
    if (repeated >= 0) {
      throw ValidationFailed('two tiers have the same min_hours_before', {
        errors: [{ field: `/body/tiers/${repeated}/min_hours_before`, message: 'repeats another tier' }],
      });
    }
    const row = await upsertPolicy(this.db.primary, locationId, {
      tiers: body.tiers.map((t) => ({
        min_hours_before: t.min_hours_before,
        refund_percent: t.refund_percent,
        fee_cents: t.fee_cents,
      })),
      no_show_fee_cents: body.no_show_fee_cents,
      first_time_full_refund_min_hours: body.first_time_full_refund_min_hours,
    });
    return view(locationId, row);
  }
}
