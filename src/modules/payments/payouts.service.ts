// Payouts through Stripe Connect (DESIGN §3): per barber, the unpaid barber shares of a period (net of
// refunds, less the shares of payments refunded after an earlier payout), at least $10, to an active
// Connect account. Creating the payout, the Stripe transfer and marking the payments paid out are one
// transaction per barber, under a per-barber lock, so a period can never be paid twice. The payout id
// (the transfer's idempotency key) is derived from what it pays: a retry after a lost commit asks
// Stripe for the same transfer again and cannot pay twice either.
import { createHash } from 'node:crypto';
import type { Database } from '../../platform/db/pool.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { ValidationFailed } from '../../platform/http/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/keyset-page.js';
import { BarberNotFound } from '../booking/booking.errors.js';
import { type LocationAccess, MANAGERS } from '../shops/location-access.js';
import { netBarberShare, PAYOUT_MINIMUM_CENTS } from './commission.js';
import { ConnectAccountRequired, PayoutBelowMinimum } from './payments.errors.js';
import type { PayoutListQuery, PayoutRunBody } from './payments.schemas.js';
import {
  type Clawback,
  findBarber,
  findBarbersOf,
  insertPayout,
  listPayouts,
  lockBarberPayouts,
  lockRefundedSincePayout,
  lockUnpaidShares,
  markPaidOut,
  type PayoutBarber,
  type PayoutRow,
  type RefundedSincePayout,
  setStripeAccount,
  settleClawbacks,
} from './payouts.sql.js';
import type { PaymentGateway } from './stripe-gateway.js';

export interface Skipped {
  barber_id: string;
  amount_cents: number;
  reason: 'below-minimum' | 'connect-account-required';
}

/**
 * A UUID-shaped digest of what a payout pays: the same payments (and the same clawbacks, each with
 * the refunds it settles) give the same id.
 */
function payoutIdOf(
  locationId: string,
  barberId: string,
  paymentIds: string[],
  clawbacks: readonly Clawback[],
): string {
  const settled = clawbacks.map((c) => `${c.paymentId}:${c.refundedTo}`);
  const hex = createHash('sha256')
    .update([locationId, barberId, ...[...paymentIds].sort(), ...settled.sort()].join('|'))
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * What each payment refunded after its share was paid out takes back: its net share when last settled
 * minus its net share now. Negative when a refund failed after all and the share is the barber's again;
 * zero when a refund of a few cents does not move the rounded share (settled all the same).
 */
function clawbacksOf(payments: readonly RefundedSincePayout[]): Clawback[] {
  return payments.map((p) => ({
    paymentId: p.id,
    amountCents: netBarberShare({ ...p, refunded_cents: p.paid_out_refunded_cents }) - netBarberShare(p),
    refundedFrom: p.paid_out_refunded_cents,
    refundedTo: p.refunded_cents,
  }));
}

function isRealDate(date: string): boolean {
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date);
}

export class PayoutsService {
  constructor(
    private readonly db: Database,
    private readonly access: LocationAccess,
    private readonly gateway: PaymentGateway,
  ) {}

  async run(
    auth: AuthContext,
    body: PayoutRunBody,
  ): Promise<{ payouts: (PayoutRow & { payments: number })[]; skipped: Skipped[] }> {
    await this.access.require(auth, body.location_id, ['owner']);
    for (const field of ['period_start', 'period_end'] as const) {
      if (!isRealDate(body[field])) {
        throw ValidationFailed(`${field} is not a calendar date`, {
          errors: [{ field: `/body/${field}`, message: 'is not a calendar date' }],
        });
      }
    }
    if (body.period_end < body.period_start) {
      throw ValidationFailed('period_end is before period_start', {
        errors: [{ field: '/body/period_end', message: 'must not be before period_start' }],
      });
    }
    let barbers: PayoutBarber[];
    if (body.barber_id) {
      const barber = await findBarber(this.db.primary, body.barber_id);
      if (!barber || barber.location_id !== body.location_id) throw BarberNotFound('no such barber here');
      barbers = [barber];
    } else {
      barbers = await findBarbersOf(this.db.primary, body.location_id);
    }
    const payouts: (PayoutRow & { payments: number })[] = [];
    const skipped: Skipped[] = [];
    for (const barber of barbers) {
      const outcome = await this.payOut(barber, body.period_start, body.period_end);
      if ('payout' in outcome) payouts.push(outcome.payout);
      else if (outcome.skipped.amount_cents > 0 || body.barber_id) skipped.push(outcome.skipped);
    }
    const refused = body.barber_id ? skipped[0] : undefined;
    if (refused?.reason === 'below-minimum') {
      throw PayoutBelowMinimum(
        `${refused.amount_cents} cents unpaid in the period; the minimum is ${PAYOUT_MINIMUM_CENTS}`,
      );
    }
    if (refused) throw ConnectAccountRequired('connect a Stripe account with payouts enabled first');
    return { payouts, skipped };
  }

  private payOut(barber: PayoutBarber, periodStart: string, periodEnd: string) {
    return withTransaction(this.db.primary, async (tx) => {
      await lockBarberPayouts(tx, barber.id);
      const shares = await lockUnpaidShares(tx, barber.location_id, barber.id, periodStart, periodEnd);
      const refundedSince = await lockRefundedSincePayout(tx, barber.location_id, barber.id);
      const clawbacks = clawbacksOf(refundedSince);
      const clawback = clawbacks.reduce((sum, c) => sum + c.amountCents, 0);
      const amount = shares.reduce((sum, p) => sum + netBarberShare(p), 0) - clawback;
      const skip = (reason: Skipped['reason']) => ({
        skipped: { barber_id: barber.id, amount_cents: amount, reason },
      });
      if (amount < PAYOUT_MINIMUM_CENTS) return skip('below-minimum');
      if (!barber.stripe_account_id || !barber.stripe_payouts_enabled)
        return skip('connect-account-required');
      const ids = shares.map((p) => p.id);
      const id = payoutIdOf(barber.location_id, barber.id, ids, clawbacks);
      const currency = (shares[0] ?? refundedSince[0])!.currency;
      await insertPayout(tx, {
        id,
        locationId: barber.location_id,
        barberId: barber.id,
        periodStart,
        periodEnd,
        amountCents: amount,
        clawbackCents: clawback,
        currency,
      });
      const transfer = await this.gateway.createTransfer({
        amountCents: amount,
        currency,
        destination: barber.stripe_account_id,
        idempotencyKey: `payout:${id}`,
        metadata: { payout_id: id, barber_id: barber.id, location_id: barber.location_id },
      });
      const payout = await markPaidOut(tx, barber.location_id, id, transfer.id, ids);
      if (!payout) throw new Error(`payout ${id}: its payments changed under the lock`);
      await settleClawbacks(tx, barber.location_id, id, clawbacks);
      return { payout: { ...payout, payments: ids.length } };
    });
  }

  /** Owners and managers see every payout of the location, a barber their own. */
  async list(auth: AuthContext, q: PayoutListQuery) {
    const standing = await this.access.require(auth, q.location_id, [...MANAGERS, 'barber']);
    let barberId = q.barber_id;
    if (standing === 'barber') {
      const own = (await findBarbersOf(this.db.primary, q.location_id)).find(
        (b) => b.user_id === auth.userId,
      );
      if (!own) return { items: [], next_cursor: null };
      if (barberId && barberId !== own.id) return { items: [], next_cursor: null };
      barberId = own.id;
    }
    const after = decodeCursor(q.cursor);
    const rows = await listPayouts(this.db.primary, {
      locationId: q.location_id,
      barberId,
      after: after ? { createdAt: after.name, id: after.id } : undefined,
      limit: q.limit + 1,
    });
    // The cursor's "name" is created_at to the microsecond: pages are newest first by (created_at, id).
    return pageOf(rows, q.limit, (row) => ({ name: row.created_key, id: row.id }));
  }

  /** PUT /barbers/{id}/stripe-account: the owner connects a barber's Stripe account. */
  async setAccount(auth: AuthContext, barberId: string, accountId: string): Promise<PayoutBarber> {
    const barber = await findBarber(this.db.primary, barberId);
    if (!barber) throw BarberNotFound('no such barber');
    await this.access.require(auth, barber.location_id, ['owner']);
    return setStripeAccount(this.db.primary, barber.location_id, barber.id, accountId);
  }
}
