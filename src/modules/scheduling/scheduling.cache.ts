// The per-barber-day cache of the availability hot path. Each process keeps, per barber-day, the
// loaded day and, per service, the finished JSON answer; a warm request is a map lookup and a string
// write. Every write that changes a barber-day (hours, time off, special days, bookings, cancels,
// reschedules, holds) invalidates it through the invalidation bus, which reaches every process over
// Redis pub/sub when Redis is configured. The TTL bounds staleness while pub/sub is down.
import { LRUCache } from 'lru-cache';
import type { InvalidationBus } from '../../platform/cache/invalidation-bus.js';
import type { BarberDayRow } from './scheduling.sql.js';

const DAY_TOPIC = 'barber-day';
const BARBER_TOPIC = 'barber-schedule';
const LOCATION_TOPIC = 'location-schedule';
const TTL_MS = 60_000;

/** A finished answer of one service on one barber-day, exact until `validUntil` (epoch ms). */
export interface CachedAnswer {
  readonly json: string;
  readonly validUntil: number;
}

export interface CachedDay {
  readonly locationId: string;
  /** The day as loaded, service-specific parts per service id. */
  readonly rows: Map<string, BarberDayRow>;
  readonly answers: Map<string, CachedAnswer>;
}

export function barberDayKey(barberId: string, date: string): string {
  return `${barberId}|${date}`;
}

export class BarberDayCache {
  private readonly days = new LRUCache<string, CachedDay>({ max: 20_000, ttl: TTL_MS });

  constructor(private readonly bus: InvalidationBus) {
    bus.on(DAY_TOPIC, (key) => this.days.delete(key));
    bus.on(BARBER_TOPIC, (barberId) => {
      // Weekly hours changed: every cached day of the barber (rare; a scan is fine).
      for (const key of this.days.keys()) if (key.startsWith(`${barberId}|`)) this.days.delete(key);
    });
    bus.on(LOCATION_TOPIC, (locationId) => {
      // Rare (services, rules, barbers changed): a scan of this process's entries is fine.
      for (const [key, day] of this.days.entries()) if (day.locationId === locationId) this.days.delete(key);
    });
  }

  /** Read before loading; pass to store() so a load that raced an invalidation is not kept. */
  get generation(): number {
    return this.bus.generation;
  }

  answer(barberId: string, date: string, serviceId: string, now: number): string | undefined {
    const answer = this.days.get(barberDayKey(barberId, date))?.answers.get(serviceId);
    return answer && now < answer.validUntil ? answer.json : undefined;
  }

  row(barberId: string, date: string, serviceId: string): BarberDayRow | undefined {
    return this.days.get(barberDayKey(barberId, date))?.rows.get(serviceId);
  }

  storeRow(barberId: string, serviceId: string, row: BarberDayRow, generation: number): void {
    if (generation !== this.bus.generation) return;
    const key = barberDayKey(barberId, row.date);
    let day = this.days.get(key);
    if (!day) {
      day = { locationId: row.locationId, rows: new Map(), answers: new Map() };
      this.days.set(key, day);
    }
    day.rows.set(serviceId, row);
  }

  storeAnswer(barberId: string, date: string, serviceId: string, answer: CachedAnswer): void {
    this.days.get(barberDayKey(barberId, date))?.answers.set(serviceId, answer);
  }

  invalidateDays(barberId: string, dates: readonly string[]): void {
    for (const date of dates) this.bus.publish(DAY_TOPIC, barberDayKey(barberId, date));
  }

  /** Every day of one barber: their weekly hours changed. */
  invalidateBarber(barberId: string): void {
    this.bus.publish(BARBER_TOPIC, barberId);
  }

  /** Everything of a location: its rules, services, offerings or barbers changed. */
  invalidateLocation(locationId: string): void {
    this.bus.publish(LOCATION_TOPIC, locationId);
  }
}
