// Queries of a location's catalogue: barbers, services and per-barber offerings.
import type { Queryable } from '../../platform/db/pool.js';
import { setClause } from './shops.sql.js';

export interface BarberRow {
  id: string;
  location_id: string;
  user_id: string | null;
  display_name: string;
  bio: string | null;
  commission_rate: number;
  is_active: boolean;
}

const BARBER_COLUMNS = 'id, location_id, user_id, display_name, bio, commission_rate, is_active';

export async function insertBarber(
  tx: Queryable,
  locationId: string,
  barber: { userId: string; displayName: string; commissionRate?: number | undefined },
): Promise<BarberRow> {
  const result = await tx.query<BarberRow>(
    `INSERT INTO barbers (location_id, user_id, display_name, commission_rate)
     VALUES ($1, $2, $3, COALESCE($4, 0.3)) RETURNING ${BARBER_COLUMNS}`,
    [locationId, barber.userId, barber.displayName, barber.commissionRate ?? null],
  );
  return result.rows[0]!;
}

/** A page by (display_name, id). Served by barbers_pkey (location_id, id), then a sort of one shop's barbers. */
export async function findBarbers(
  db: Queryable,
  locationId: string,
  page: { activeOnly: boolean; limit: number; after?: { name: string; id: string } | undefined },
) {
  const result = await db.query<BarberRow>({
    name: 'shops_barbers',
    text: `SELECT ${BARBER_COLUMNS} FROM barbers WHERE location_id = $1 AND (is_active OR NOT $2)
              AND ($3::text IS NULL OR (display_name, id) > ($3, $4::uuid))
            ORDER BY display_name, id LIMIT $5`,
    values: [locationId, page.activeOnly, page.after?.name ?? null, page.after?.id ?? null, page.limit + 1],
  });
  return result.rows;
}

/** Served by barbers_id_idx. */
export async function findBarberById(db: Queryable, barberId: string) {
  const result = await db.query<BarberRow>(`SELECT ${BARBER_COLUMNS} FROM barbers WHERE id = $1`, [barberId]);
  return result.rows[0];
}

const PATCHABLE_BARBER = ['display_name', 'bio', 'commission_rate', 'is_active'] as const;

export async function updateBarber(
  db: Queryable,
  locationId: string,
  barberId: string,
  patch: Partial<Record<(typeof PATCHABLE_BARBER)[number], unknown>>,
) {
  const set = setClause(PATCHABLE_BARBER, patch, 3);
  const result = await db.query<BarberRow>(
    `UPDATE barbers SET ${set.sql ? `${set.sql}, ` : ''}updated_at = now()
      WHERE location_id = $1 AND id = $2 RETURNING ${BARBER_COLUMNS}`,
    [locationId, barberId, ...set.values],
  );
  return result.rows[0];
}

export interface ServiceRow {
  id: string;
  location_id: string;
  name: string;
  description: string | null;
  duration_minutes: number;
  price_cents: number;
  currency: string;
  buffer_minutes: number;
  deposit_cents: number;
  is_active: boolean;
  bookable_online: boolean;
}

const SERVICE_COLUMNS = `id, location_id, name, description, duration_minutes, price_cents, currency, buffer_minutes,
  deposit_cents, is_active, bookable_online`;

export async function insertService(
  db: Queryable,
  locationId: string,
  service: Omit<ServiceRow, 'id' | 'location_id' | 'is_active' | 'bookable_online'>,
): Promise<ServiceRow> {
  const result = await db.query<ServiceRow>(
    `INSERT INTO services (location_id, name, description, duration_minutes, price_cents, currency, buffer_minutes,
       deposit_cents) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${SERVICE_COLUMNS}`,
    [
      locationId,
      service.name,
      service.description,
      service.duration_minutes,
      service.price_cents,
      service.currency,
      service.buffer_minutes,
      service.deposit_cents,
    ],
  );
  return result.rows[0]!;
}

/** A page by (name, id). Served by services_pkey (location_id, id), then a sort of one shop's services. */
export async function findServices(
  db: Queryable,
  locationId: string,
  page: { publicOnly: boolean; limit: number; after?: { name: string; id: string } | undefined },
) {
  const result = await db.query<ServiceRow>({
    name: 'shops_services',
    text: `SELECT ${SERVICE_COLUMNS} FROM services
            WHERE location_id = $1 AND ((is_active AND bookable_online) OR NOT $2)
              AND ($3::text IS NULL OR (name, id) > ($3, $4::uuid))
            ORDER BY name, id LIMIT $5`,
    values: [locationId, page.publicOnly, page.after?.name ?? null, page.after?.id ?? null, page.limit + 1],
  });
  return result.rows;
}

const PATCHABLE_SERVICE = [
  'name',
  'description',
  'duration_minutes',
  'price_cents',
  'buffer_minutes',
  'deposit_cents',
  'is_active',
  'bookable_online',
] as const;

export async function updateService(
  db: Queryable,
  locationId: string,
  serviceId: string,
  patch: Partial<Record<(typeof PATCHABLE_SERVICE)[number], unknown>>,
) {
  const set = setClause(PATCHABLE_SERVICE, patch, 3);
  const result = await db.query<ServiceRow>(
    `UPDATE services SET ${set.sql ? `${set.sql}, ` : ''}updated_at = now()
      WHERE location_id = $1 AND id = $2 RETURNING ${SERVICE_COLUMNS}`,
    [locationId, serviceId, ...set.values],
  );
  return result.rows[0];
}

export interface OfferingRow {
  service_id: string;
  name: string;
  offered: boolean;
  price_cents: number;
  duration_minutes: number;
  custom_price_cents: number | null;
  custom_duration_minutes: number | null;
}

/** Every active service as this barber offers it. Served by services_pkey and barber_services_pkey. */
export async function findOfferings(db: Queryable, locationId: string, barberId: string) {
  const result = await db.query<OfferingRow>(
    `SELECT s.id AS service_id, s.name, COALESCE(bs.offered, true) AS offered,
            COALESCE(bs.price_cents, s.price_cents) AS price_cents,
            COALESCE(bs.duration_minutes, s.duration_minutes) AS duration_minutes,
            bs.price_cents AS custom_price_cents, bs.duration_minutes AS custom_duration_minutes
       FROM services s
       LEFT JOIN barber_services bs ON bs.location_id = s.location_id AND bs.barber_id = $2 AND bs.service_id = s.id
      WHERE s.location_id = $1 AND s.is_active ORDER BY s.name, s.id`,
    [locationId, barberId],
  );
  return result.rows;
}

export interface OfferingOverride {
  service_id: string;
  offered: boolean;
  price_cents: number | null;
  duration_minutes: number | null;
}

/** Replaces the barber's overrides (call inside a transaction). */
export async function replaceOfferings(
  tx: Queryable,
  locationId: string,
  barberId: string,
  overrides: readonly OfferingOverride[],
): Promise<void> {
  await tx.query('DELETE FROM barber_services WHERE location_id = $1 AND barber_id = $2', [
    locationId,
    barberId,
  ]);
  if (overrides.length === 0) return;
  // The composite foreign key rejects a service of another location (23503 → 404 by the service).
  await tx.query(
    `INSERT INTO barber_services (location_id, barber_id, service_id, offered, price_cents, duration_minutes)
     SELECT $1, $2, o.service_id, o.offered, o.price_cents, o.duration_minutes
       FROM unnest($3::uuid[], $4::boolean[], $5::integer[], $6::integer[])
            AS o(service_id, offered, price_cents, duration_minutes)`,
    [
      locationId,
      barberId,
      overrides.map((o) => o.service_id),
      overrides.map((o) => o.offered),
      overrides.map((o) => o.price_cents),
      overrides.map((o) => o.duration_minutes),
    ],
  );
}
