// Payment intents, reading payments, the explicit Stripe check and manual refunds. A payment is
// completed only when Stripe says succeeded (webhook or POST /payments/{id}/sync), or when a gift
// certificate covers all of it and nothing is charged by card.
import { newRowId } from '../../platform/db/ids.js';
import type { Database, Queryable } from '../../platform/db/pool.js';
import { withTransaction } from '../../platform/db/transaction.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { Forbidden } from '../../platform/http/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/keyset-page.js';
import { AppointmentNotFound, IdempotencyKeyReused } from '../booking/booking.errors.js';
import { FRONT_DESK } from '../booking/booking.service.js';
import { type LocationAccess, MANAGERS } from '../shops/location-access.js';
import {
  applyGiftCertificate,
  canBecome,
  type PaymentStatus,
  splitCommission,
  statusOfIntent,
} from './commission.js';
import { adjustGiftBalance, findGiftCertificate } from './gift-certificates.sql.js';
import { normaliseGiftCode } from './gift-certificates.service.js';
import {
  AppointmentNotPayable,
  GiftCertificateNotFound,
  GiftCertificateUnusable,
  NoDepositDue,
  NothingToPay,
  PaymentNotFound,
  PaymentNotRefundable,
  RefundExceedsRemaining,
} from './payments.errors.js';
import type { IntentBody, PaymentListQuery, RefundBody } from './payments.schemas.js';
import {
  addRefunded,
  findChairsOfUser,
  findOpenPayment,
  findPaidSoFar,
  findPayableAppointment,
  findPayment,
  findPaymentByIdempotencyKey,
  findPaymentByIntent,
  insertPayment,
  listPayments,
  lockAppointmentPayments,
  lockPayment,
  type PaymentRow,
  setPaymentIntent,
  updatePaymentStatus,
} from './payments.sql.js';
import { insertRefund, type RefundRow } from './refunds.sql.js';
import type { RefundSender } from './refunds.js';
import type { PaymentGateway } from './stripe-gateway.js';

/** What payments needs from booking: a paid pending appointment becomes confirmed, in payments' transaction. */
export interface AppointmentConfirmer {
  confirmPaid(tx: Queryable, locationId: string, appointmentId: string): Promise<boolean>;
}

export interface PaymentsDeps {
  db: Database;
  access: LocationAccess;
  gateway: PaymentGateway;
  appointments: AppointmentConfirmer;
  refunds: RefundSender;
}

const PAYABLE = ['pending', 'confirmed', 'in_progress', 'completed'];

export interface IntentResult {
  payment: PaymentRow;
  clientSecret: string | null;
  /** An open intent of this appointment and kind already existed: it is returned, nothing is created. */
  existing: boolean;
}

export class PaymentsService {
  constructor(private readonly deps: PaymentsDeps) {}

  /**
   * The appointment's client, front-desk staff, its own barber and admins may act on its payments; a
   * colleague barber is refused; anyone else is told it does not exist.
   */
  private async requireParty(
    auth: AuthContext,
    p: { location_id: string; client_user_id: string | null; barber_user_id: string | null },
    notFound: () => Error,
  ): Promise<void> {
    const role = await this.deps.access.roleIn(auth, p.location_id);
    if (role && FRONT_DESK.includes(role)) return;
    if (role === 'barber' && p.barber_user_id === auth.userId) return;
    if (auth.isAdmin || p.client_user_id === auth.userId) return;
    if (role) throw Forbidden('only the client, front-desk staff or the barber of this appointment');
    throw notFound();
  }

  /**
   * One open intent per appointment and kind: a second request returns it. With an Idempotency-Key, a
   * retry returns the payment the first request created, even after it was paid.
   */
  async createIntent(auth: AuthContext, body: IntentBody, idempotencyKey?: string): Promise<IntentResult> {
    const a = await findPayableAppointment(this.deps.db.primary, body.appointment_id);
    if (!a) throw AppointmentNotFound('no such appointment');
    await this.requireParty(auth, a, () => AppointmentNotFound('no such appointment'));
    if (!PAYABLE.includes(a.status)) throw AppointmentNotPayable(`a ${a.status} appointment cannot be paid`);

    const created = await withTransaction(this.deps.db.primary, async (tx) => {
      await lockAppointmentPayments(tx, a.id);
      if (idempotencyKey) {
        const first = await findPaymentByIdempotencyKey(tx, a.location_id, a.id, idempotencyKey);
        if (first && first.kind !== body.kind) {
          throw IdempotencyKeyReused('this Idempotency-Key was used for another kind of payment');
        }
        if (first) return { payment: first, clientSecret: null, existing: true };
      }
      const open = await findOpenPayment(tx, a.location_id, a.id, body.kind);
      if (open) return { payment: open, clientSecret: null, existing: true };
      const paid = await findPaidSoFar(tx, a.location_id, a.id);
      // An open intent of the other kind counts as paying: a deposit and a full intent paid both
      // never add up to more than the price.
      const left = a.price_cents - paid.paid_cents - paid.open_cents;
      let due = left;
      if (body.kind === 'deposit') {
        if (a.deposit_cents <= 0) throw NoDepositDue('this appointment asks for no deposit');
        if (paid.deposit_paid) throw NothingToPay('the deposit is already paid');
        due = Math.min(a.deposit_cents, left);
      }
      if (due <= 0) throw NothingToPay('the appointment is paid in full, or open payments cover the rest');

      let gift = { id: null as string | null, cents: 0 };
      if (body.gift_certificate_code) {
        const code = normaliseGiftCode(body.gift_certificate_code);
        const certificate = await findGiftCertificate(tx, a.location_id, code, true);
        if (!certificate) throw GiftCertificateNotFound('no gift certificate with this code here');
        if (certificate.expires_at && certificate.expires_at.getTime() <= Date.now()) {
          throw GiftCertificateUnusable('the gift certificate has expired');
        }
        if (certificate.currency !== a.currency)
          throw GiftCertificateUnusable('the gift certificate is in another currency');
        if (certificate.balance_cents <= 0)
          throw GiftCertificateUnusable('the gift certificate has no balance left');
        const used = applyGiftCertificate(due, certificate.balance_cents).giftCents;
        await adjustGiftBalance(tx, a.location_id, certificate.id, -used);
        gift = { id: certificate.id, cents: used };
      }
      const charge = due - gift.cents;
      const split = splitCommission(charge, a.commission_rate);
      const id = newRowId();
      const payment = await insertPayment(tx, {
        id,
        locationId: a.location_id,
        appointmentId: a.id,
        barberId: a.barber_id,
        clientId: a.client_id,
        kind: body.kind,
        status: charge === 0 ? 'succeeded' : 'requires_payment',
        amountCents: charge,
        currency: a.currency,
        giftCertificateId: gift.id,
        giftCertificateCents: gift.cents,
        platformFeeCents: split.platform_fee_cents,
        barberShareCents: split.barber_share_cents,
        idempotencyKey: idempotencyKey ?? null,
      });
      if (charge === 0) {
        await this.deps.appointments.confirmPaid(tx, a.location_id, a.id);
        return { payment, clientSecret: null, existing: false };
      }
      // Inside the transaction: if Stripe fails, nothing of this intent (or the certificate spend) remains.
      const intent = await this.deps.gateway.createIntent({
        amountCents: charge,
        currency: a.currency,
        idempotencyKey: `payment:${id}`,
        metadata: { payment_id: id, appointment_id: a.id, location_id: a.location_id, kind: body.kind },
      });
      const withIntent = await setPaymentIntent(tx, a.location_id, id, intent.id);
      return { payment: withIntent, clientSecret: intent.client_secret, existing: false };
    });
    if (created.existing && created.payment.stripe_payment_intent_id) {
      // The client secret is Stripe's to keep; ask for it again rather than store it.
      const intent = await this.deps.gateway.retrieveIntent(created.payment.stripe_payment_intent_id);
      return { ...created, clientSecret: intent.client_secret };
    }
    return created;
  }

  async get(auth: AuthContext, id: string): Promise<PaymentRow> {
    const payment = await findPayment(this.deps.db.primary, id);
    if (!payment) throw PaymentNotFound('no such payment');
    await this.requireParty(auth, payment, () => PaymentNotFound('no such payment'));
    return payment;
  }

  /** Clients see their own payments, barbers their chair's, front-desk staff their location's. */
  async list(auth: AuthContext, q: PaymentListQuery) {
    const memberships = await this.deps.access.membershipsOf(auth.userId);
    const relevant = q.location_id ? memberships.filter((m) => m.location_id === q.location_id) : memberships;
    const locationIds = relevant.filter((m) => FRONT_DESK.includes(m.role)).map((m) => m.location_id);
    if (q.location_id && auth.isAdmin) locationIds.push(q.location_id);
    const chairs = relevant.filter((m) => m.role === 'barber').map((m) => m.location_id);
    const barberIds = await findChairsOfUser(this.deps.db.primary, auth.userId, chairs);
    const after = decodeCursor(q.cursor);
    const rows = await listPayments(
      this.deps.db.primary,
      { locationIds, barberIds, clientUserId: auth.userId },
      {
        locationId: q.location_id,
        status: q.status,
        appointmentId: q.appointment_id,
        after: after ? { createdAt: after.name, id: after.id } : undefined,
        limit: q.limit + 1,
      },
    );
    // The cursor's "name" is created_at to the microsecond: pages are newest first by (created_at, id).
    return pageOf(rows, q.limit, (row) => ({ name: row.created_key, id: row.id }));
  }

  /** The explicit check: asks Stripe for the intent and applies what it says. */
  async sync(auth: AuthContext, id: string): Promise<PaymentRow> {
    const payment = await this.get(auth, id);
    if (!payment.stripe_payment_intent_id) return payment;
    const intent = await this.deps.gateway.retrieveIntent(payment.stripe_payment_intent_id);
    const applied = await withTransaction(this.deps.db.primary, (tx) =>
      this.applyIntentStatus(tx, intent.id, statusOfIntent(intent.status)),
    );
    if (applied.refundReserved) this.deps.refunds.kick();
    return (await findPayment(this.deps.db.primary, id))!;
  }

  /**
   * Stripe's word on an intent, in the caller's transaction: the payment moves if the move is legal;
   * success confirms a pending appointment; a canceled intent gives its certificate balance back; a
   * payment that succeeds for an appointment cancelled meanwhile is refunded in full.
   */
  async applyIntentStatus(
    tx: Queryable,
    intentId: string,
    to: PaymentStatus,
  ): Promise<{ refundReserved: boolean }> {
    const found = await findPaymentByIntent(tx, intentId);
    if (!found) return { refundReserved: false };
    // The appointment's lock first, as intents and the cancel path take it: never a deadlock, and a
    // cancel either counts this payment or, finished first, is seen below.
    await lockAppointmentPayments(tx, found.appointment_id);
    const payment = (await lockPayment(tx, found.location_id, found.id))!;
    if (!canBecome(payment.status, to)) return { refundReserved: false };
    await updatePaymentStatus(tx, payment.location_id, payment.id, to);
    if (to === 'canceled' && payment.gift_certificate_id && payment.gift_certificate_cents > 0) {
      await adjustGiftBalance(
        tx,
        payment.location_id,
        payment.gift_certificate_id,
        payment.gift_certificate_cents,
      );
    }
    if (to !== 'succeeded') return { refundReserved: false };
    await this.deps.appointments.confirmPaid(tx, payment.location_id, payment.appointment_id);
    const appointment = await findPayableAppointment(tx, payment.appointment_id);
    const paidCents = payment.amount_cents + payment.gift_certificate_cents;
    if (appointment?.status === 'cancelled' && paidCents > 0) {
      await this.deps.refunds.reserve(tx, {
        locationId: payment.location_id,
        appointmentId: payment.appointment_id,
        amountCents: paidCents,
        reason: 'paid after the appointment was cancelled',
      });
      return { refundReserved: true }; // the caller kicks the sender after its commit
    }
    return { refundReserved: false };
  }

  async refund(
    auth: AuthContext,
    id: string,
    body: RefundBody,
  ): Promise<{ refund: RefundRow; payment: PaymentRow }> {
    const found = await findPayment(this.deps.db.primary, id);
    if (!found) throw PaymentNotFound('no such payment');
    await this.deps.access.require(auth, found.location_id, MANAGERS);
    return withTransaction(this.deps.db.primary, async (tx) => {
      // Locked: two refunds of one payment run one after the other and the second sees the first.
      const p = (await lockPayment(tx, found.location_id, id))!;
      if (p.status !== 'succeeded') throw PaymentNotRefundable(`a ${p.status} payment cannot be refunded`);
      if (!p.stripe_payment_intent_id) {
        throw PaymentNotRefundable('nothing of this payment was charged by card');
      }
      const remaining = p.amount_cents - p.refunded_cents;
      const amount = body.amount_cents ?? remaining;
      if (remaining <= 0 || amount > remaining) {
        throw RefundExceedsRemaining(`${remaining} cents remain refundable`, {
          extra: { remaining_cents: remaining },
        });
      }
      const refundId = newRowId();
      const sent = await this.deps.gateway.createRefund({
        paymentIntentId: p.stripe_payment_intent_id,
        amountCents: amount,
        idempotencyKey: `refund:${refundId}`,
        metadata: { refund_id: refundId, payment_id: p.id, location_id: p.location_id },
      });
      const status =
        sent.status === 'succeeded' ? 'succeeded' : sent.status === 'failed' ? 'failed' : 'pending';
      const refund = await insertRefund(tx, {
        id: refundId,
        locationId: p.location_id,
        paymentId: p.id,
        amountCents: amount,
        reason: body.reason,
        status,
        stripeRefundId: sent.id,
        byUserId: auth.userId,
      });
      const payment = status === 'failed' ? p : await addRefunded(tx, p.location_id, p.id, amount);
      return { refund, payment };
    });
  }
}
