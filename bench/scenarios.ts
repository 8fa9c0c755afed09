// The load scenarios of DESIGN §5, written against the §4 contract. Each says how to make its next
// request, which answers are expected, and what its target is; correctness checks that need the
// database (no overlaps, every 201 stored) live in checks.ts.
import { createHash } from 'node:crypto';
import pg from 'pg';
import { FUTURE_DAYS } from './generate.js';
import type { RequestSpec } from './load.js';
import { mintTokens, type World } from './world.js';

export interface Target {
  /** Minimum req/s as a fraction of the ceiling. */
  ratio?: number;
  /** Minimum req/s (or bookings/s) in absolute terms. */
  rps?: number;
  /** Maximum p99 in milliseconds. */
  p99?: number;
}

export interface Scenario {
  name: string;
  target: Target;
  /** Statuses that are correct answers under this load (others count as errors). */
  expected: readonly number[];
  next: () => RequestSpec;
  onResponse?: (status: number, body: string) => void;
  /**
   * A steady-state scenario: the same load runs for a few seconds, unmeasured, before the measurement,
   * so that every worker has met each session, user and key once (JIT and caches warm), as in
   * production, where a session's first request is one among thousands. Not for the cold and booking
   * scenarios, whose point is what has not been seen yet.
   */
  warmUp?: boolean;
}

const API = '/api/v2';

/** A deterministic shuffle (seeded by content), so two runs on one data set send the same requests. */
function shuffled<T>(items: T[], key: (item: T) => string): T[] {
  const weight = (item: T) => createHash('md5').update(key(item)).digest().readUInt32BE(0);
  return items
    .map((item) => [weight(item), item] as const)
    .sort((a, b) => a[0] - b[0])
    .map(([, item]) => item);
}

function rotating<T>(items: readonly T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length]!;
}

function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

function availabilityPath(barberId: string, date: string, serviceId: string): string {
  return `${API}/appointments/availability?barber_id=${barberId}&date=${date}&service_id=${serviceId}`;
}

export function healthScenario(): Scenario {
  return {
    name: 'GET /health',
    target: { ratio: 0.8 },
    expected: [200],
    next: () => ({ method: 'GET', path: '/health' }),
  };
}

/** A small fixed set of barber-days, after a warm-up: the availability cache (if any) answers. */
export function availabilityWarmScenario(world: World): Scenario {
  const days = world.barbers.slice(0, 8).map((barber, i) => {
    const date = world.futureDates[(i * 5) % world.futureDates.length]!;
    return availabilityPath(barber.id, date, barber.haircutId);
  });
  const next = rotating(days);
  return {
    name: 'availability warm',
    target: { ratio: 0.5, p99: 5 },
    expected: [200],
    next: () => ({ method: 'GET', path: next() }),
    warmUp: true,
  };
}

function everyAvailabilityPath(world: World): string[] {
  return world.barbers.flatMap((barber) =>
    world.futureDates.flatMap((date) =>
      barber.serviceIds.map((serviceId) => availabilityPath(barber.id, date, serviceId)),
    ),
  );
}

/** Every barber × future date × service, shuffled and never repeated before all were asked: misses. */
export function availabilityColdScenario(world: World, name = 'availability cold'): Scenario {
  const combos = everyAvailabilityPath(world);
  const next = rotating(shuffled(combos, (p) => p));
  return {
    name,
    target: { ratio: 0.15, p99: 15 },
    expected: [200],
    next: () => ({ method: 'GET', path: next() }),
  };
}

/**
 * Every barber × future date × service, drawn at random (seeded) with replacement: the soak's one-off
 * availability. Its mix of misses and repeats is the same from the first minute to the last, where the
 * cold scenario's rotation, once it wraps (after about ten minutes on the full data set), turns every
 * request into a repeat: a change of load, which a soak would read as growth.
 */
export function availabilityRandomScenario(world: World): Scenario {
  const combos = everyAvailabilityPath(world);
  const random = mulberry32(combos.length);
  return {
    name: 'availability random',
    target: {},
    expected: [200],
    next: () => ({ method: 'GET', path: combos[Math.floor(random() * combos.length)]! }),
  };
}

export function authenticatedGetScenario(world: World, name: string, path: string): Scenario {
  const token = rotating(mintTokens(world.clients));
  return {
    name,
    target: { ratio: 0.4 },
    expected: [200],
    next: () => ({ method: 'GET', path, headers: bearer(token()) }),
    warmUp: true,
  };
}

/** Owners list one week of one of their barbers' calendars (the 1 M row table's hot read). */
export function appointmentListScenario(world: World): Scenario {
  const tokens = mintTokens(world.owners);
  const requests = world.owners.map((owner, i) => {
    const barber = world.barbers.find((b) => b.locationId === owner.locationId)!;
    const from = world.futureDates[i % 20]!;
    const to = world.futureDates[(i % 20) + 6]!;
    return {
      method: 'GET' as const,
      path: `${API}/appointments?barber_id=${barber.id}&from=${from}T00:00:00Z&to=${to}T00:00:00Z&limit=50`,
      headers: bearer(tokens[i]!),
    };
  });
  return {
    name: 'GET /appointments list',
    target: {},
    expected: [200],
    warmUp: true,
    next: rotating(requests),
  };
}

export interface Candidate {
  barberId: string;
  serviceId: string;
  startTime: string;
}

/**
 * Free, offered slots (the half hours the generator left open, on the 15-minute grid, inside the
 * working windows), shuffled deterministically. A later pass skips the ones an earlier one asked for.
 */
export async function bookingCandidates(url: string, limit: number, skip = 0): Promise<Candidate[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ barber_id: string; service_id: string; start_time: string }>(
      `SELECT b.id AS barber_id, s.id AS service_id,
              to_char((d::date + make_interval(mins => m)) AT TIME ZONE l.timezone AT TIME ZONE 'UTC',
                      'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS start_time
       FROM barbers b JOIN locations l ON l.id = b.location_id
       JOIN services s ON s.location_id = b.location_id AND s.name = 'Haircut'
       CROSS JOIN generate_series(current_date + 2, current_date + ${FUTURE_DAYS - 2}, interval '1 day') d
       CROSS JOIN unnest(ARRAY[570, 630, 690, 810, 870, 930, 990, 1050]) m
       WHERE extract(isodow FROM d) < 7
       ORDER BY md5(b.id::text || d::text || m::text)
       LIMIT $1 OFFSET $2`,
      [limit, skip],
    );
    return rows.map((r) => ({ barberId: r.barber_id, serviceId: r.service_id, startTime: r.start_time }));
  } finally {
    await client.end();
  }
}

/**
 * 64 clients contending: every candidate slot is asked for twice in a row, so two connections race
 * for it and the exclusion constraint must pick exactly one (201 and 409).
 */
export function bookingScenario(world: World, candidates: Candidate[], created: string[]): Scenario {
  const token = rotating(mintTokens(world.clients));
  let i = 0;
  return {
    name: 'POST /appointments',
    target: { rps: 1000 },
    expected: [201, 409],
    next: () => {
      const slot = candidates[Math.floor(i++ / 2) % candidates.length]!;
      return {
        method: 'POST',
        path: `${API}/appointments`,
        headers: bearer(token()),
        body: JSON.stringify({
          barber_id: slot.barberId,
          service_id: slot.serviceId,
          start_time: slot.startTime,
        }),
      };
    },
    onResponse: (status, body) => {
      if (status !== 201) return;
      try {
        created.push((JSON.parse(body) as { id: string }).id);
      } catch {
        // an unreadable 201 body is caught by the stored-bookings check (its id is missing)
      }
    },
  };
}

/**
 * Owners ask for their location's revenue of the last 30 days (DESIGN §5: p99 < 20 ms with 1 M
 * payments in the table), locations taken in a seeded random order. Answers are cached per process for
 * a few seconds, so each location's query (an index-only scan of payments_completed_idx) runs about
 * once per TTL per worker and the rest are hits; the EXPLAIN check shows the query itself.
 */
export function analyticsRevenueScenario(world: World): Scenario {
  const tokens = mintTokens(world.owners);
  const requests = world.owners.map((owner, i) => ({
    method: 'GET' as const,
    path: `${API}/analytics/revenue?location_id=${owner.locationId}&date_range=last_30_days&group_by=day`,
    headers: bearer(tokens[i]!),
  }));
  const random = mulberry32(world.owners.length);
  return {
    name: 'GET /analytics/revenue',
    target: { p99: 20 },
    expected: [200],
    next: () => requests[Math.floor(random() * requests.length)]!,
    warmUp: true,
  };
}

/** A small seeded generator, so two runs on one data set send the same requests. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
