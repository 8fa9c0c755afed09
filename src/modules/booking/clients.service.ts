// A location's clients for its staff: the record booking keeps (visits, spend, no-shows,
// cancellations, last visit) and the staff's private notes. Clients never see this view.
import type { Database } from '../../platform/db/pool.js';
import type { AuthContext } from '../../platform/http/auth-context.js';
import { decodeCursor, pageOf } from '../../platform/http/keyset-page.js';
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
    const rows = await listClients(this.db.primary, locationId, decodeCursor(cursor), limit + 1);
    const page = pageOf(rows, limit, (row) => ({ name: row.name, id: row.id }));
    return { items: page.items, nextCursor: page.next_cursor };
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
