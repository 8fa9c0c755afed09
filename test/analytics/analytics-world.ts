// Analytics fixtures inserted directly with SQL: clients, appointments and payments at exact instants,
// so tests state their figures by hand. (The payments module's routes are not needed for this.)
import type { TestApp } from '../support/build-app.js';
import type { TestShop } from '../support/shop-factory.js';

export async function insertClient(ctx: TestApp, locationId: string, name: string): Promise<string> {
  const { rows } = await ctx.db.primary.query<{ id: string }>(
    'INSERT INTO clients (location_id, name) VALUES ($1, $2) RETURNING id',
    [locationId, name],
  );
  return rows[0]!.id;
}

export interface AppointmentSpec {
  barberId: string;
  clientId: string;
  status: 'pending' | 'confirmed' | 'in_progress' | 'completed' | 'cancelled' | 'no_show' | 'held';
  /** ISO instant. */
  start: string;
  minutes?: number;
  priceCents?: number;
}

export async function insertAppointment(
  ctx: TestApp,
  shop: TestShop,
  spec: AppointmentSpec,
): Promise<string> {
  const start = new Date(spec.start);
  const end = new Date(start.getTime() + (spec.minutes ?? 30) * 60_000);
  const { rows } = await ctx.db.primary.query<{ id: string }>(
    `INSERT INTO appointments (location_id, barber_id, service_id, client_id, status, start_time, end_time,
       busy_until, price_cents, hold_expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, CASE WHEN $5 = 'held' THEN now() + interval '5 minutes' END)
     RETURNING id`,
    [
      shop.location.id,
      spec.barberId,
      shop.services[0]!.id,
      spec.status === 'held' ? null : spec.clientId,
      spec.status,
      start,
      end,
      spec.priceCents ?? 3000,
    ],
  );
  return rows[0]!.id;
}

export interface PaymentSpec {
  barberId: string;
  /** ISO instant of completion. */
  completedAt: string;
  /** Charged through Stripe. */
  amountCents: number;
  /** Paid from a gift certificate, on top of amountCents. */
  giftCertificateCents?: number;
  /** Of giftCertificateCents, what went back to the certificate. */
  giftCertificateRefundedCents?: number;
  refundedCents?: number;
  status?: 'succeeded' | 'failed' | 'processing';
  /** The appointment paid for; by default a cancelled one of its own (so fixtures never overlap). */
  appointmentId?: string;
  clientId?: string;
}

export async function insertPayment(ctx: TestApp, shop: TestShop, spec: PaymentSpec): Promise<void> {
  const clientId = spec.clientId ?? (await insertClient(ctx, shop.location.id, 'Payer'));
  const appointmentId =
    spec.appointmentId ??
    (await insertAppointment(ctx, shop, {
      barberId: spec.barberId,
      clientId,
      status: 'cancelled',
      start: spec.completedAt,
    }));
  const fee = Math.round(spec.amountCents * 0.3);
  await ctx.db.primary.query(
    `INSERT INTO payments (location_id, appointment_id, barber_id, client_id, kind, status, amount_cents,
       platform_fee_cents, barber_share_cents, refunded_cents, completed_at, gift_certificate_cents,
       gift_certificate_refunded_cents)
     VALUES ($1, $2, $3, $4, 'full', $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      shop.location.id,
      appointmentId,
      spec.barberId,
      clientId,
      spec.status ?? 'succeeded',
      spec.amountCents,
      fee,
      spec.amountCents - fee,
      spec.refundedCents ?? 0,
      new Date(spec.completedAt),
      spec.giftCertificateCents ?? 0,
      spec.giftCertificateRefundedCents ?? 0,
    ],
  );
}

/** Query string of an analytics request. */
export function analyticsPath(
  route: 'revenue' | 'appointments' | 'dashboard',
  params: Record<string, string | undefined>,
): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  return `/api/v2/analytics/${route}?${query.toString()}`;
}

/** The test app's environment: no rate limits (tests send bursts) and no overload shedding. */
export const ANALYTICS_TEST_ENV = { RATE_LIMIT: 'off', MAX_EVENT_LOOP_DELAY_MS: '0' };
