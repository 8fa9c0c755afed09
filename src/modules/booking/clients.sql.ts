// Queries of a location's client records (owned by booking: created or linked on the first booking).
import type { Queryable } from '../../platform/db/pool.js';

export interface ClientRow {
  id: string;
  location_id: string;
  user_id: string | null;
  name: string;
  email: string | null;
  phone: string | null;
  notes: string | null;
  visits: number;
  total_spent_cents: number;
  no_shows: number;
  cancellations: number;
  last_visit_at: Date | null;
  created_at: Date;
}

const COLUMNS = `id, location_id, user_id, name, email, phone, notes, visits, total_spent_cents, no_shows,
  cancellations, last_visit_at, created_at`;

/** Served by clients_id_idx. */
export async function findClient(db: Queryable, id: string): Promise<ClientRow | undefined> {
  const result = await db.query<ClientRow>({
    name: 'clients_find',
    text: `SELECT ${COLUMNS} FROM clients WHERE id = $1`,
    values: [id],
  });
  return result.rows[0];
}

/**
 * A page of a location's clients by name. The location's rows come from clients_pkey (location_id, id)
 * and are sorted: a shop's client list is thousands of rows, not millions.
 */
export async function listClients(
  db: Queryable,
  locationId: string,
  after: { name: string; id: string } | undefined,
  limit: number,
): Promise<ClientRow[]> {
  const result = await db.query<ClientRow>({
    name: 'clients_list',
    text: `SELECT ${COLUMNS} FROM clients
            WHERE location_id = $1 AND ($2::text IS NULL OR (name, id) > ($2, $3::uuid))
            ORDER BY name, id LIMIT $4`,
    values: [locationId, after?.name ?? null, after?.id ?? null, limit],
  });
  return result.rows;
}

/** Served by clients_pkey. */
export async function updateClientNotes(
  db: Queryable,
  locationId: string,
  id: string,
  notes: string | null,
): Promise<ClientRow | undefined> {
  const result = await db.query<ClientRow>({
    name: 'clients_update_notes',
    text: `UPDATE clients SET notes = $3, updated_at = now() WHERE location_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    values: [locationId, id, notes],
  });
  return result.rows[0];
}
