// Shapes of the analytics API (DESIGN §4): each is the validator, the type and the OpenAPI entry.
import { type Static, Type } from 'typebox';
import { DATE_RANGES, GROUP_BYS } from './date-range.js';

const Uuid = Type.String({ format: 'uuid' });
const LocalDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: "A local date in the location's time zone",
  examples: ['2030-03-08'],
});
const Cents = Type.Integer();
const NullableCount = (description: string) =>
  Type.Union([Type.Integer(), Type.Null()], {
    description: `${description}; null without an average ticket`,
  });
const Fraction = (description: string) =>
  Type.Union([Type.Number(), Type.Null()], { description: `${description}; null when undefined (0 / 0)` });

export const AnalyticsQuery = Type.Object(
  {
    location_id: Uuid,
    date_range: Type.Union(
      DATE_RANGES.map((r) => Type.Literal(r)),
      {
        default: 'last_30_days',
        description:
          'Local days of the location, today included: last_N_days ends today, this_month is month to date, last_month the whole previous month; custom needs from and to (at most 366 days)',
      },
    ),
    from: Type.Optional(LocalDate),
    to: Type.Optional(LocalDate),
    barber_id: Type.Optional(
      Type.String({ format: 'uuid', description: 'One barber’s figures (a barber always sees their own)' }),
    ),
  },
  { additionalProperties: false },
);

export const SeriesQuery = Type.Object(
  {
    ...AnalyticsQuery.properties,
    group_by: Type.Union(
      GROUP_BYS.map((g) => Type.Literal(g)),
      { default: 'day', description: 'Buckets: local days, ISO weeks (Monday–Sunday) or calendar months' },
    ),
  },
  { additionalProperties: false },
);
export type SeriesQuery = Static<typeof SeriesQuery>;
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

const Scope = {
  location_id: Uuid,
  barber_id: Type.Union([Uuid, Type.Null()]),
  timezone: Type.String(),
  currency: Type.String(),
  date_range: Type.String(),
  from: LocalDate,
  to: LocalDate,
};

const Money = {
  gross_cents: Type.Integer({ description: 'Charged plus paid from gift certificates' }),
  gift_certificate_cents: Type.Integer({ description: 'The part of gross paid from gift certificates' }),
  refunded_cents: Cents,
  net_cents: Type.Integer({ description: 'gross − refunded' }),
  payment_count: Type.Integer(),
};

export const Revenue = Type.Object(
  {
    ...Scope,
    group_by: Type.String(),
    totals: Type.Object({
      ...Money,
      average_ticket_cents: Type.Union([Type.Integer(), Type.Null()], {
        description: 'net / payment_count; null without payments',
      }),
    }),
    series: Type.Array(Type.Object({ from: LocalDate, to: LocalDate, ...Money })),
  },
  {
    $id: 'Revenue',
    description:
      'Succeeded payments by local completion date. Refunds count against the payment they refund, in its period.',
  },
);
export type Revenue = Static<typeof Revenue>;

const AppointmentCounts = {
  total: Type.Integer({ description: 'Appointments starting in the period (holds excluded)' }),
  pending: Type.Integer(),
  confirmed: Type.Integer(),
  in_progress: Type.Integer(),
  completed: Type.Integer(),
  cancelled: Type.Integer(),
  no_show: Type.Integer(),
};

export const AppointmentStats = Type.Object(
  {
    ...Scope,
    group_by: Type.String(),
    totals: Type.Object({
      ...AppointmentCounts,
      no_show_rate: Fraction('no_show / (completed + no_show)'),
      cancellation_rate: Fraction('cancelled / total'),
    }),
    series: Type.Array(Type.Object({ from: LocalDate, to: LocalDate, ...AppointmentCounts })),
  },
  { $id: 'AppointmentStats', description: 'Appointments by local start date and status' },
);
export type AppointmentStats = Static<typeof AppointmentStats>;

export const Dashboard = Type.Object(
  {
    ...Scope,
    days: Type.Integer(),
    revenue_cents: Type.Integer({ description: 'Net revenue (gross − refunded)' }),
    average_ticket_cents: Type.Union([Type.Integer(), Type.Null()], {
      description: 'revenue / completed appointments; null without completed appointments',
    }),
    completed_appointments: Type.Integer(),
    booked_minutes: Type.Number(),
    working_minutes: Type.Number(),
    utilisation: Fraction('booked minutes / working minutes'),
    clients: Type.Integer({ description: 'Distinct clients with a completed visit' }),
    visits_per_client: Fraction('completed appointments / clients'),
    returning_clients: Type.Integer(),
    retention_rate: Fraction('clients with more than one visit / clients'),
    rebooked_clients: Type.Integer(),
    rebooking_rate: Fraction('clients with a later booking / clients'),
    no_shows: Type.Integer(),
    no_show_rate: Fraction('no-shows / (completed + no-shows)'),
    target: Type.Object({
      annual_target_cents: Cents,
      monthly_target_cents: Type.Integer({ description: 'annual / 12' }),
      monthly_revenue_cents: Type.Integer({ description: 'revenue / days × 30.44: the run rate' }),
      monthly_gap_cents: Type.Integer({ description: 'max(0, monthly target − monthly revenue)' }),
      clients_needed_per_month: NullableCount('⌈monthly target / average ticket⌉'),
      additional_clients_per_month: NullableCount('⌈monthly gap / average ticket⌉'),
      suggested_price_increase: Fraction('min(0.30, gap / monthly revenue)'),
      price_increase_capped: Type.Boolean(),
    }),
  },
  {
    $id: 'Dashboard',
    description: 'The six-figure barber dashboard (DESIGN §3) of a location or one barber over a range',
  },
);
export type Dashboard = Static<typeof Dashboard>;
