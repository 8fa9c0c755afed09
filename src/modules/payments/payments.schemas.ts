// Shapes of the payments API (DESIGN §4): each is the validator, the type and the OpenAPI entry.
import { type Static, Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 with offset' });
const NullableInstant = Type.Union([Instant, Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);
const Cents = Type.Integer({ minimum: 1, maximum: 100_000_000 });
const LocalDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'A date in the location’s time zone (YYYY-MM-DD)',
});
const FREE_TEXT = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';
const Limit = Type.Integer({ minimum: 1, maximum: 200, default: 50 });
const Cursor = Type.String({ maxLength: 200 });
const Status = Type.Union([
  Type.Literal('requires_payment'),
  Type.Literal('processing'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
  Type.Literal('canceled'),
]);

export const IdParams = Type.Object({ id: Uuid });

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'A retry with the same key returns the payment the first request created',
    }),
  ),
});

export const IntentBody = Type.Object(
  {
    appointment_id: Uuid,
    kind: Type.Union([Type.Literal('deposit'), Type.Literal('full')]),
    gift_certificate_code: Type.Optional(
      Type.String({ minLength: 4, maxLength: 40, pattern: '^[A-Za-z0-9 -]+$' }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Deposit: the appointment’s deposit; full: its price less what is paid. A gift certificate pays first.',
  },
);
export type IntentBody = Static<typeof IntentBody>;

export const Payment = Type.Object(
  {
    id: Uuid,
    location_id: Uuid,
    appointment_id: Uuid,
    barber_id: Uuid,
    client_id: Type.Union([Uuid, Type.Null()]),
    kind: Type.Union([Type.Literal('deposit'), Type.Literal('full')]),
    status: Status,
    amount_cents: Type.Integer({ description: 'Charged by card (after the gift certificate)' }),
    currency: Type.String(),
    gift_certificate_cents: Type.Integer({ description: 'Paid from a gift certificate' }),
    gift_certificate_refunded_cents: Type.Integer({
      description: 'Of gift_certificate_cents, what a cancellation gave back to the certificate',
    }),
    platform_fee_cents: Type.Integer(),
    barber_share_cents: Type.Integer(),
    refunded_cents: Type.Integer(),
    stripe_payment_intent_id: NullableString,
    payout_id: Type.Union([Uuid, Type.Null()]),
    completed_at: NullableInstant,
    created_at: Instant,
    updated_at: Instant,
  },
  { $id: 'Payment', description: 'A payment of an appointment; completed only when Stripe says succeeded' },
);
export type Payment = Static<typeof Payment>;

export const PaymentIntent = Type.Object(
  {
    ...Payment.properties,
    client_secret: Type.Union([Type.String(), Type.Null()], {
      description: 'For Stripe.js to confirm the card payment; null when nothing is charged by card',
    }),
  },
  { $id: 'PaymentIntent' },
);

export const PaymentListQuery = Type.Object(
  {
    location_id: Type.Optional(Uuid),
    status: Type.Optional(Status),
    appointment_id: Type.Optional(Uuid),
    limit: Limit,
    cursor: Type.Optional(Cursor),
  },
  { additionalProperties: false },
);
export type PaymentListQuery = Static<typeof PaymentListQuery>;

export const PaymentPage = Type.Object({
  items: Type.Array(Payment),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const RefundBody = Type.Object(
  {
    amount_cents: Type.Optional(Cents),
    reason: Type.String({ minLength: 1, maxLength: 500, pattern: FREE_TEXT }),
  },
  { additionalProperties: false, description: 'Without amount_cents, everything that remains is refunded' },
);
export type RefundBody = Static<typeof RefundBody>;

export const Refund = Type.Object(
  {
    id: Uuid,
    payment_id: Uuid,
    amount_cents: Type.Integer(),
    reason: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    stripe_refund_id: NullableString,
    created_at: Instant,
  },
  { $id: 'Refund' },
);

export const RefundResult = Type.Object({ refund: Refund, payment: Payment });

export const GiftCertificateBody = Type.Object(
  {
    location_id: Uuid,
    amount_cents: Cents,
    recipient_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, pattern: FREE_TEXT })),
    purchaser_email: Type.Optional(Type.String({ format: 'email', maxLength: 254 })),
    expires_at: Type.Optional(Instant),
  },
  { additionalProperties: false },
);
export type GiftCertificateBody = Static<typeof GiftCertificateBody>;

export const GiftCertificate = Type.Object(
  {
    id: Uuid,
    location_id: Uuid,
    code: Type.String({ description: 'XXXX-XXXX-XXXX-XXXX; case, spaces and dashes do not matter' }),
    initial_cents: Type.Integer(),
    balance_cents: Type.Integer(),
    currency: Type.String(),
    recipient_name: NullableString,
    purchaser_email: NullableString,
    expires_at: NullableInstant,
    created_at: Instant,
  },
  { $id: 'GiftCertificate' },
);

export const GiftCodeParams = Type.Object({
  code: Type.String({ minLength: 4, maxLength: 40, pattern: '^[A-Za-z0-9 -]+$' }),
});
export const GiftLookupQuery = Type.Object({ location_id: Uuid }, { additionalProperties: false });

export const PayoutRunBody = Type.Object(
  {
    location_id: Uuid,
    period_start: LocalDate,
    period_end: LocalDate,
    barber_id: Type.Optional(
      Type.String({
        format: 'uuid',
        description: 'Only this barber; then a refusal is an error, not a skip',
      }),
    ),
  },
  { additionalProperties: false },
);
export type PayoutRunBody = Static<typeof PayoutRunBody>;

export const Payout = Type.Object(
  {
    id: Uuid,
    location_id: Uuid,
    barber_id: Uuid,
    period_start: Type.String(),
    period_end: Type.String(),
    amount_cents: Type.Integer(),
    currency: Type.String(),
    status: Type.Union([Type.Literal('pending'), Type.Literal('paid'), Type.Literal('failed')]),
    stripe_transfer_id: NullableString,
    clawback_cents: Type.Integer({
      description:
        'Barber shares of payments refunded after an earlier payout, already taken off amount_cents',
    }),
    payments: Type.Optional(Type.Integer({ description: 'How many payments it pays out' })),
    created_at: Instant,
  },
  { $id: 'Payout' },
);

export const PayoutRunResult = Type.Object({
  payouts: Type.Array(Payout),
  skipped: Type.Array(
    Type.Object({
      barber_id: Uuid,
      amount_cents: Type.Integer(),
      reason: Type.Union([Type.Literal('below-minimum'), Type.Literal('connect-account-required')]),
    }),
  ),
});

export const PayoutListQuery = Type.Object(
  { location_id: Uuid, barber_id: Type.Optional(Uuid), limit: Limit, cursor: Type.Optional(Cursor) },
  { additionalProperties: false },
);
export type PayoutListQuery = Static<typeof PayoutListQuery>;

export const PayoutPage = Type.Object({
  items: Type.Array(Payout),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const StripeAccountBody = Type.Object(
  { stripe_account_id: Type.String({ pattern: '^acct_[A-Za-z0-9]{1,64}$' }) },
  { additionalProperties: false },
);

export const StripeAccount = Type.Object({
  barber_id: Uuid,
  stripe_account_id: NullableString,
  stripe_payouts_enabled: Type.Boolean({ description: 'Set by Stripe’s account.updated webhook' }),
});
