// Shapes of the booking API (DESIGN §4): each is the validator, the type and the OpenAPI entry.
import { type Static, Type } from 'typebox';
import { MANUAL_STATUSES, STATUSES } from './appointment-state.js';

const Uuid = Type.String({ format: 'uuid' });
const Instant = Type.String({
  format: 'date-time',
  description: 'ISO 8601 with offset',
  examples: ['2030-03-08T09:00:00-05:00'],
});
const NullableInstant = Type.Union([Instant, Type.Null()]);
const Email = Type.String({ format: 'email', maxLength: 254 });
const Phone = Type.String({ maxLength: 32, pattern: '^[0-9+() .-]*$' });
// Free text may span lines but never carries other control characters (PostgreSQL rejects NUL: a 500).
export const FREE_TEXT = '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f]*$';
const Notes = Type.String({ maxLength: 2000, pattern: FREE_TEXT });
const Reason = Type.String({ maxLength: 500, pattern: FREE_TEXT });
const Name = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });
const Status = Type.Union(STATUSES.filter((s) => s !== 'held').map((s) => Type.Literal(s)));

export const IdParams = Type.Object({ id: Uuid });

export const Contact = Type.Object(
  { name: Name, email: Email, phone: Type.Optional(Phone) },
  { additionalProperties: false },
);

export const BookingBody = Type.Object(
  {
    barber_id: Uuid,
    service_id: Uuid,
    start_time: Instant,
    notes: Type.Optional(Notes),
    hold_id: Type.Optional(
      Type.String({ format: 'uuid', description: 'Your own live hold of this slot: it becomes the booking' }),
    ),
    client_id: Type.Optional(
      Type.String({ format: 'uuid', description: 'Staff only: an existing client of the location' }),
    ),
    client: Type.Optional(
      Type.Object(
        { name: Name, email: Type.Optional(Email), phone: Type.Optional(Phone) },
        {
          additionalProperties: false,
          description: 'Staff only: book for this person (matched to an existing client by e-mail)',
        },
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'A client books for themself; owners, managers and receptionists book for a client with client_id or client',
  },
);
export type BookingBody = Static<typeof BookingBody>;

export const HoldBody = Type.Object(
  { barber_id: Uuid, service_id: Uuid, start_time: Instant },
  { additionalProperties: false },
);
export type HoldBody = Static<typeof HoldBody>;

export const GuestBookingBody = Type.Object(
  { barber_id: Uuid, service_id: Uuid, start_time: Instant, notes: Type.Optional(Notes), guest: Contact },
  { additionalProperties: false },
);
export type GuestBookingBody = Static<typeof GuestBookingBody>;

export const CancelBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export const GuestCancelBody = Type.Object(
  { email: Email, reason: Type.Optional(Reason) },
  { additionalProperties: false },
);
export const RescheduleBody = Type.Object({ start_time: Instant }, { additionalProperties: false });
export const StatusBody = Type.Object(
  {
    status: Type.Union(
      MANUAL_STATUSES.map((s) => Type.Literal(s)),
      {
        description: 'Cancel with POST /appointments/{id}/cancel',
      },
    ),
  },
  { additionalProperties: false },
);

export const ListQuery = Type.Object(
  {
    location_id: Type.Optional(Uuid),
    barber_id: Type.Optional(Uuid),
    status: Type.Optional(Status),
    from: Type.Optional(Instant),
    to: Type.Optional(Instant),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const Refund = Type.Object(
  {
    amount_cents: Type.Integer({ description: 'Net refund: max(0, paid × percent − fee)' }),
    fee_cents: Type.Integer(),
    percent: Type.Number(),
  },
  { description: 'Decided by the location’s cancellation policy; payments executes it' },
);

export const Appointment = Type.Object(
  {
    id: Uuid,
    status: Status,
    location_id: Uuid,
    barber_id: Uuid,
    client_id: Uuid,
    service_id: Uuid,
    start_time: Instant,
    end_time: Instant,
    price_cents: Type.Integer(),
    deposit_cents: Type.Integer(),
    currency: Type.String(),
    notes: Type.Union([Type.String(), Type.Null()]),
    confirmation_code: Type.String(),
    payment_due_by: NullableInstant,
    cancelled_at: NullableInstant,
    cancellation_reason: Type.Union([Type.String(), Type.Null()]),
    refund: Type.Union([Refund, Type.Null()]),
    created_at: Instant,
    updated_at: Instant,
  },
  {
    $id: 'Appointment',
    description: 'An appointment; a pending one awaits its deposit until payment_due_by',
  },
);
export type Appointment = Static<typeof Appointment>;

export const AppointmentPage = Type.Object({
  items: Type.Array(Appointment),
  next_cursor: Type.Union([Type.String(), Type.Null()]),
});

export const Hold = Type.Object(
  {
    id: Uuid,
    status: Type.Literal('held'),
    location_id: Uuid,
    barber_id: Uuid,
    service_id: Uuid,
    start_time: Instant,
    end_time: Instant,
    price_cents: Type.Integer(),
    currency: Type.String(),
    expires_at: Instant,
  },
  { $id: 'Hold', description: 'A slot reserved during checkout; book with its hold_id before expires_at' },
);
export type Hold = Static<typeof Hold>;

export const GuestLookupQuery = Type.Object({ email: Email }, { additionalProperties: false });
const Slug = Type.String({ pattern: '^[a-z0-9-]{1,64}$' });
export const GuestParams = Type.Object({ slug: Slug, code: Type.String({ pattern: '^[0-9A-Za-z]{1,16}$' }) });
export const SlugParams = Type.Object({ slug: Slug });
