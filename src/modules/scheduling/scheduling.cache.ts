// The caches of the availability hot path, per process. Per barber, the profile (rules, hours,
// special days, time off, services); per barber-day, what is booked and, per service, the finished
// JSON answer: a warm request is a map lookup and a string write, a cold one a single range scan of
// the day's appointments. Every write that changes a barber's time (hours, time off, special days,
// bookings, cancels, reschedules, holds) invalidates through the invalidation bus, which reaches every
// process over Redis pub/sub when Redis is configured. The TTL bounds staleness while pub/sub is down.
import { LRUCache } from 'lru-cache';
import type { CountedCache } from '../../platform/cache/cache-census.js';
import type { InvalidationBus } from '../../platform/cache/invalidation-bus.js';
import type { BarberProfile, DayBusy } from './barber-profile.js';

const DAY_TOPIC = 'barber-day';
const BARBER_TOPIC = 'barber-schedule';
const LOCATION_TOPIC = 'location-schedule';
const TTL_MS = 60_000;

/** A finished answer of one service on one barber-day, exact until `validUntil` (epoch ms). */
export interface CachedAnswer {
  readonly json: string;
  readonly validUntil: number;
}

interface CachedDay {
  readonly locationId: string;
  readonly busy: DayBusy;
}

/** An answer is good only while its day is the cached one it was computed from (same `busy` object). */
interface StoredAnswer extends CachedAnswer {
  readonly busy: DayBusy;
}

/** Finished answers are bounded by size (UTF-16 bytes of their JSON), not count: days vary in slots. */
const ANSWERS_MAX_BYTES = 48 * 1024 * 1024;
/** The most answer keys the doorkeeper remembers per generation (two generations at most). */
const DOORKEEPER_MAX_KEYS = 50_000;

export function barberDayKey(barberId: string, date: string): string {
  return `${barberId}|${date}`;
}

/**
 * TinyLFU's doorkeeper: admits a key the second time it is offered within about a window, not the
 * first. A one-off (a random barber-day nobody asks for again) would only push out answers that are
 * asked again, and churn the old generation of the heap. Keys are remembered in two generations: the
 * sweep after a window's end (or a full generation) drops the older, so the doorkeeper holds one to two
 * windows of keys: a level under a steady load, not a set that grows until it is cleared.
 */
export class Doorkeeper implements CountedCache {
  private current = new Set<string>();
  private previous = new Set<string>();
  private generationStartedAt = Date.now();

  constructor(
    private readonly windowMs: number,
    private readonly maxKeysPerGeneration: number,
  ) {}

  get size(): number {
    return this.current.size + this.previous.size;
  }

  admit(key: string): boolean {
    if (this.current.delete(key) || this.previous.delete(key)) return true;
    if (this.current.size >= this.maxKeysPerGeneration) this.startGeneration();
    this.current.add(key);
    return false;
  }

  purgeStale(): void {
    if (Date.now() - this.generationStartedAt >= this.windowMs) this.startGeneration();
  }

  clear(): void {
    this.current.clear();
    this.previous.clear();
  }

  private startGeneration(): void {
    this.previous = this.current;
    this.current = new Set();
    this.generationStartedAt = Date.now();
  }
}

export class BarberDayCache {
  // 10,000 profiles of a few KiB each: with the other caches, within a worker's heap (WORKER_HEAP_MIB).
  private readonly profiles = new LRUCache<string, BarberProfile>({ max: 10_000, ttl: TTL_MS });
  private readonly days = new LRUCache<string, CachedDay>({ max: 20_000, ttl: TTL_MS });
  // Keyed by barber-day and service. Dropping a day needs no scan here: its answers stop matching.
  private readonly answers = new LRUCache<string, StoredAnswer>({
    maxSize: ANSWERS_MAX_BYTES,
    sizeCalculation: (answer) => answer.json.length * 2 + 64,
    ttl: TTL_MS,
  });

  /** An answer is stored the second time it is computed. Its day's busy times are cached the first time. */
  private readonly doorkeeper = new Doorkeeper(TTL_MS, DOORKEEPER_MAX_KEYS);

  constructor(private readonly bus: InvalidationBus) {
    bus.on(DAY_TOPIC, (key) => this.days.delete(key));
    bus.on(BARBER_TOPIC, (barberId) => {
      // Hours, time off or special days changed: the profile and every cached day of the barber (rare;
      // a scan is fine).
      this.profiles.delete(barberId);
      for (const key of this.days.keys()) if (key.startsWith(`${barberId}|`)) this.days.delete(key);
    });
    bus.on(LOCATION_TOPIC, (locationId) => {
      // Rare (services, rules, barbers changed): a scan of this process's entries is fine.
      for (const [key, profile] of this.profiles.entries())
        if (profile.locationId === locationId) this.profiles.delete(key);
      for (const [key, day] of this.days.entries()) if (day.locationId === locationId) this.days.delete(key);
    });
  }

  /** Read before loading; pass to a store so a load that raced an invalidation is not kept. */
  get generation(): number {
    return this.bus.generation;
  }

  caches(): Record<string, CountedCache> {
    return {
      'barber-profiles': this.profiles,
      'barber-days': this.days,
      'availability-answers': this.answers,
      'availability-doorkeeper': this.doorkeeper,
    };
  }

  profile(barberId: string): BarberProfile | undefined {
    return this.profiles.get(barberId);
  }

  storeProfile(barberId: string, profile: BarberProfile, generation: number): void {
    if (generation === this.bus.generation) this.profiles.set(barberId, profile);
  }

  answer(barberId: string, date: string, serviceId: string, now: number): string | undefined {
    const key = barberDayKey(barberId, date);
    const answer = this.answers.get(`${key}|${serviceId}`);
    if (!answer || now >= answer.validUntil) return undefined;
    return this.days.get(key)?.busy === answer.busy ? answer.json : undefined;
  }

  busy(barberId: string, date: string): DayBusy | undefined {
    return this.days.get(barberDayKey(barberId, date))?.busy;
  }

  storeBusy(barberId: string, date: string, locationId: string, busy: DayBusy, generation: number): void {
    if (generation !== this.bus.generation) return;
    this.days.set(barberDayKey(barberId, date), { locationId, busy });
  }

  /** Kept only while the day it was computed from is still the cached one, and from its second time. */
  storeAnswer(barberId: string, date: string, serviceId: string, busy: DayBusy, answer: CachedAnswer): void {
    const key = barberDayKey(barberId, date);
    if (this.days.get(key)?.busy !== busy) return;
    const answerKey = `${key}|${serviceId}`;
    if (this.doorkeeper.admit(answerKey)) this.answers.set(answerKey, { ...answer, busy });
  }

  invalidateDays(barberId: string, dates: readonly string[]): void {
    this.bus.publishAll(
      DAY_TOPIC,
      dates.map((date) => barberDayKey(barberId, date)),
    );
  }

  /** The barber's profile and every cached day: their hours, time off or special days changed. */
  invalidateBarber(barberId: string): void {
    this.bus.publish(BARBER_TOPIC, barberId);
  }

  /** Everything of a location: its rules, services, offerings or barbers changed. */
  invalidateLocation(locationId: string): void {
    this.bus.publish(LOCATION_TOPIC, locationId);
  }
}
