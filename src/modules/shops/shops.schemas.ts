// Shapes of the shops API (DESIGN §4): each is the validator, the type and the OpenAPI entry.
import { Type } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const Slug = Type.String({ pattern: '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$', examples: ['fade-street'] });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', examples: ['USD'] });
const Cents = Type.Integer({ minimum: 0, maximum: 100_000_000 });

const rules = {
  slot_interval_minutes: Type.Integer({ minimum: 5, maximum: 240 }),
  min_notice_minutes: Type.Integer({ minimum: 0, maximum: 10_080 }),
  max_advance_days: Type.Integer({ minimum: 1, maximum: 730 }),
};

export const LocationCreate = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  slug: Type.Optional(Slug),
  timezone: Type.String({ minLength: 1, maxLength: 64, examples: ['America/New_York'] }),
  currency: Type.Optional(Currency),
  slot_interval_minutes: Type.Optional(rules.slot_interval_minutes),
  min_notice_minutes: Type.Optional(rules.min_notice_minutes),
  max_advance_days: Type.Optional(rules.max_advance_days),
});

export const LocationPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    slug: Type.Optional(Slug),
    timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    currency: Type.Optional(Currency),
    slot_interval_minutes: Type.Optional(rules.slot_interval_minutes),
    min_notice_minutes: Type.Optional(rules.min_notice_minutes),
    max_advance_days: Type.Optional(rules.max_advance_days),
    payment_window_minutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440 })),
  },
  { additionalProperties: false },
);

export const Location = Type.Object(
  {
    id: Uuid,
    name: Type.String(),
    slug: Slug,
    timezone: Type.String(),
    currency: Currency,
    ...rules,
    payment_window_minutes: Type.Integer(),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Location' },
);

export const PublicLocation = Type.Object({
  id: Uuid,
  name: Type.String(),
  slug: Slug,
  timezone: Type.String(),
  currency: Currency,
  ...rules,
});

export const LocationParams = Type.Object({ id: Uuid });
export const SlugParams = Type.Object({ slug: Type.String({ minLength: 1, maxLength: 64 }) });

export const MemberCreate = Type.Object({
  user_email: Type.String({ format: 'email', maxLength: 254 }),
  role: Type.Union([Type.Literal('manager'), Type.Literal('receptionist')]),
});

export const Member = Type.Object({
  user_id: Uuid,
  email: Type.String(),
  name: Type.String(),
  role: Type.Union([
    Type.Literal('owner'),
    Type.Literal('manager'),
    Type.Literal('barber'),
    Type.Literal('receptionist'),
  ]),
});

const CommissionRate = Type.Number({ minimum: 0, maximum: 1, description: 'Platform share, 0–1' });

export const BarberCreate = Type.Object({
  user_email: Type.String({ format: 'email', maxLength: 254 }),
  display_name: Type.String({ minLength: 1, maxLength: 200 }),
  commission_rate: Type.Optional(CommissionRate),
});

export const BarberPatch = Type.Object(
  {
    display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    bio: Type.Optional(Type.Union([Type.String({ maxLength: 2000 }), Type.Null()])),
    commission_rate: Type.Optional(CommissionRate),
    is_active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const Barber = Type.Object({
  id: Uuid,
  location_id: Uuid,
  user_id: Type.Union([Uuid, Type.Null()]),
  display_name: Type.String(),
  bio: Type.Union([Type.String(), Type.Null()]),
  commission_rate: Type.Number(),
  is_active: Type.Boolean(),
});

export const PublicBarber = Type.Object({
  id: Uuid,
  display_name: Type.String(),
  bio: Type.Union([Type.String(), Type.Null()]),
});

const serviceFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 2000 }),
  duration_minutes: Type.Integer({ minimum: 5, maximum: 720 }),
  price_cents: Cents,
  buffer_minutes: Type.Integer({ minimum: 0, maximum: 240 }),
  deposit_cents: Cents,
};

export const ServiceCreate = Type.Object({
  name: serviceFields.name,
  description: Type.Optional(serviceFields.description),
  duration_minutes: serviceFields.duration_minutes,
  price_cents: serviceFields.price_cents,
  currency: Type.Optional(Currency),
  buffer_minutes: Type.Optional(serviceFields.buffer_minutes),
  deposit_cents: Type.Optional(serviceFields.deposit_cents),
});

export const ServicePatch = Type.Object(
  {
    name: Type.Optional(serviceFields.name),
    description: Type.Optional(serviceFields.description),
    duration_minutes: Type.Optional(serviceFields.duration_minutes),
    price_cents: Type.Optional(serviceFields.price_cents),
    buffer_minutes: Type.Optional(serviceFields.buffer_minutes),
    deposit_cents: Type.Optional(serviceFields.deposit_cents),
    is_active: Type.Optional(Type.Boolean()),
    bookable_online: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const Service = Type.Object({
  id: Uuid,
  location_id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  duration_minutes: Type.Integer(),
  price_cents: Type.Integer(),
  currency: Currency,
  buffer_minutes: Type.Integer(),
  deposit_cents: Type.Integer(),
  is_active: Type.Boolean(),
  bookable_online: Type.Boolean(),
});

export const PublicService = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  duration_minutes: Type.Integer(),
  price_cents: Type.Integer(),
  currency: Currency,
  deposit_cents: Type.Integer(),
});

export const OfferingsInput = Type.Object({
  services: Type.Array(
    Type.Object({
      service_id: Uuid,
      offered: Type.Optional(Type.Boolean({ default: true })),
      price_cents: Type.Optional(Type.Union([Cents, Type.Null()])),
      duration_minutes: Type.Optional(Type.Union([serviceFields.duration_minutes, Type.Null()])),
    }),
    {
      maxItems: 500,
      description: 'Overrides; a service not listed is offered at its own price and duration',
    },
  ),
});

export const Offering = Type.Object({
  service_id: Uuid,
  name: Type.String(),
  offered: Type.Boolean(),
  price_cents: Type.Integer({ description: 'What this barber charges' }),
  duration_minutes: Type.Integer({ description: 'How long this barber takes' }),
  custom_price_cents: Type.Union([Type.Integer(), Type.Null()]),
  custom_duration_minutes: Type.Union([Type.Integer(), Type.Null()]),
});

export const items = <T extends Parameters<typeof Type.Array>[0]>(schema: T) =>
  Type.Object({ items: Type.Array(schema) });

export const page = <T extends Parameters<typeof Type.Array>[0]>(schema: T) =>
  Type.Object({ items: Type.Array(schema), next_cursor: Type.Union([Type.String(), Type.Null()]) });

export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
});
