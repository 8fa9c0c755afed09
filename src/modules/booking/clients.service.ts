// A location's clients for its staff: the record booking keeps (visits, spend, no-shows,
// cancellations, last visit) and the staff's private notes. Clients never see this view.
import type { Database } from '../../platform/db/pool.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { ValidationFailed } from '../../platform/http/errors.js';
import { type LocationAccess, STAFF } from '../shops/location-access.js';
import { ClientNotFound } from './booking.errors.js';
import { type ClientRow, findClient, listClients, updateClientNotes } from './clients.sql.js';

export class ClientsService {
  constructor(
    private readonly db: Database,
    private readonly access: LocationAccess,
  ) {}

  async list(auth: AuthContext, locationId: string, limit: number, cursor: string | undefined) {
    await this.access.require(auth, locationId, STAFF);
    const rows = await listClients(
      this.db.primary,
      locationId,
      cursor ? decodeCursor(cursor) : undefined,
      limit + 1,
    );
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last) : null };
  }

  /** Another location's client, or one of a location the caller is not staff of, is not found. */
  async get(auth: AuthContext, id: string): Promise<ClientRow> {
    const client = await findClient(this.db.primary, id);
    if (!client) throw ClientNotFound('no such client');
    try {
      await this.access.require(auth, client.location_id, STAFF);
    } catch (error) {
      if ((error as { status?: number }).status === 404) throw ClientNotFound('no such client');
      throw error;
    }
    return client;
  }

  async updateNotes(auth: AuthContext, id: string, notes: string | null): Promise<ClientRow> {
    const client = await this.get(auth, id);
    const updated = await updateClientNotes(this.db.primary, client.location_id, id, notes);
    if (!updated) throw ClientNotFound('no such client');
    return updated;
  }
}

function encodeCursor(row: ClientRow): string {
  return Buffer.from(JSON.stringify([row.name, row.id])).toString('base64url');
}

function decodeCursor(cursor: string): { name: string; id: string } {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (typeof name === 'string' && typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id)) return { name, id };
  } catch {
    // fall through to the problem below
  }
  throw ValidationFailed('the cursor is not one this API returned', {
    errors: [{ field: '/querystring/cursor', message: 'is not a valid cursor' }],
  });
}
