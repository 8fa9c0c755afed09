// Rows as the API shows them. Instants leave as ISO 8601 (UTC).
import type { Static } from 'typebox';
import { formatGiftCode } from './gift-certificates.service.js';
import type { GiftCertificateRow } from './gift-certificates.sql.js';
import type { GiftCertificate, Payment, Payout, Refund, StripeAccount } from './payments.schemas.js';
import type { PaymentRow } from './payments.sql.js';
import type { PayoutBarber, PayoutRow } from './payouts.sql.js';
import type { RefundRow } from './refunds.sql.js';

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

export function paymentView(row: PaymentRow): Payment {
  return {
    id: row.id,
    location_id: row.location_id,
    appointment_id: row.appointment_id,
    barber_id: row.barber_id,
    client_id: row.client_id,
    kind: row.kind,
    status: row.status,
    amount_cents: row.amount_cents,
    currency: row.currency,
    gift_certificate_cents: row.gift_certificate_cents,
    gift_certificate_refunded_cents: row.gift_certificate_refunded_cents,
    platform_fee_cents: row.platform_fee_cents,
    barber_share_cents: row.barber_share_cents,
    refunded_cents: row.refunded_cents,
    stripe_payment_intent_id: row.stripe_payment_intent_id,
    payout_id: row.payout_id,
    completed_at: isoOrNull(row.completed_at),
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

export function refundView(row: RefundRow): Static<typeof Refund> {
  return {
    id: row.id,
    payment_id: row.payment_id,
    amount_cents: row.amount_cents,
    reason: row.reason,
    status: row.status,
    stripe_refund_id: row.stripe_refund_id,
    created_at: row.created_at.toISOString(),
  };
}

export function giftCertificateView(row: GiftCertificateRow): Static<typeof GiftCertificate> {
  return {
    id: row.id,
    location_id: row.location_id,
    code: formatGiftCode(row.code),
    initial_cents: row.initial_cents,
    balance_cents: row.balance_cents,
    currency: row.currency,
    recipient_name: row.recipient_name,
    purchaser_email: row.purchaser_email,
    expires_at: isoOrNull(row.expires_at),
    created_at: row.created_at.toISOString(),
  };
}

export function payoutView(row: PayoutRow & { payments?: number }): Static<typeof Payout> {
  return {
    id: row.id,
    location_id: row.location_id,
    barber_id: row.barber_id,
    period_start: row.period_start,
    period_end: row.period_end,
    amount_cents: row.amount_cents,
    currency: row.currency,
    status: row.status,
    stripe_transfer_id: row.stripe_transfer_id,
    clawback_cents: row.clawback_cents,
    ...(row.payments === undefined ? {} : { payments: row.payments }),
    created_at: row.created_at.toISOString(),
  };
}

export function stripeAccountView(row: PayoutBarber): Static<typeof StripeAccount> {
  return {
    barber_id: row.id,
    stripe_account_id: row.stripe_account_id,
    stripe_payouts_enabled: row.stripe_payouts_enabled,
  };
}
