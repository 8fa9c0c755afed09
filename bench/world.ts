// What the scenarios need to know about a generated data set (ids, time zones, accounts), read back
// from the database, plus access tokens minted with the bench's fixed secret for the generated sessions.
import pg from 'pg';
import { createAccessTokens } from '../src/modules/auth/tokens.js';
import { FUTURE_DAYS } from './generate.js';
import { ACCESS_TOKEN_SECRET } from './server.js';

export interface Barber {
  id: string;
  locationId: string;
  timezone: string;
  /** The location's 30-minute, no-buffer service. */
  haircutId: string;
  serviceIds: string[];
}

export interface Account {
  userId: string;
  sessionId: string;
  /** Set for owners: their location. */
  locationId?: string;
}

export interface World {
  barbers: Barber[];
  clients: Account[];
  owners: Account[];
  /** Local dates (YYYY-MM-DD, location time) from tomorrow to FUTURE_DAYS ahead, Mondays to Saturdays. */
  futureDates: string[];
}

export async function loadWorld(url: string): Promise<World> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const barbers = await client.query<{
      id: string;
      location_id: string;
      timezone: string;
      haircut: string;
      services: string[];
    }>(
      `SELECT b.id, b.location_id, l.timezone, s.id AS haircut,
              (SELECT array_agg(x.id ORDER BY x.name) FROM services x WHERE x.location_id = b.location_id) AS services
       FROM barbers b JOIN locations l ON l.id = b.location_id
       JOIN services s ON s.location_id = b.location_id AND s.name = 'Haircut'
       ORDER BY b.id`,
    );
    const accounts = await client.query<{ user_id: string; session_id: string; location_id: string | null }>(
      `SELECT u.id AS user_id, s.id AS session_id, m.location_id
       FROM users u JOIN sessions s ON s.user_id = u.id
       LEFT JOIN memberships m ON m.user_id = u.id
       ORDER BY u.email`,
    );
    const dates = await client.query<{ day: string }>(
      `SELECT to_char(d, 'YYYY-MM-DD') AS day
       FROM generate_series(current_date + 2, current_date + ${FUTURE_DAYS - 2}, interval '1 day') d
       WHERE extract(isodow FROM d) < 7`,
    );
    const roleOf = await client.query<{ user_id: string; role: string }>(
      'SELECT user_id, role FROM memberships',
    );
    const roles = new Map(roleOf.rows.map((r) => [r.user_id, r.role]));
    return {
      barbers: barbers.rows.map((r) => ({
        id: r.id,
        locationId: r.location_id,
        timezone: r.timezone,
        haircutId: r.haircut,
        serviceIds: r.services,
      })),
      clients: accounts.rows
        .filter((r) => r.location_id === null)
        .map((r) => ({ userId: r.user_id, sessionId: r.session_id })),
      owners: accounts.rows
        .filter((r) => roles.get(r.user_id) === 'owner')
        .map((r) => ({ userId: r.user_id, sessionId: r.session_id, locationId: r.location_id ?? undefined })),
      // Two days of margin on each side: no date is "today" or beyond the generated future in any zone.
      futureDates: dates.rows.map((r) => r.day),
    };
  } finally {
    await client.end();
  }
}

/** Tokens expire after 15 minutes: mint them right before each scenario. */
export function mintTokens(accounts: readonly Account[]): string[] {
  const tokens = createAccessTokens(ACCESS_TOKEN_SECRET);
  return accounts.map((a) => tokens.sign({ userId: a.userId, sessionId: a.sessionId, isAdmin: false }));
}
