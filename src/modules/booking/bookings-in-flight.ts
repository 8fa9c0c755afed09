// This process's bookings in flight, by barber. A request for a time that overlaps one of them waits
// for it: when it books, the slot is taken and the request is answered 409 without a statement; when it
// does not (its client was unknown, the database failed), the request goes to the database as usual.
// Under contention (a day opens and many clients ask for its first slots) most requests lose, and a
// losing statement costs the database nearly what a winning one does: lock, purge, client, insert, then
// the exclusion violation and the rollback. The exclusion constraint stays the only judge of what is
// stored: this only gives early an answer the database would give, and only once a booking committed.

interface Claim {
  readonly start: number;
  readonly end: number;
  /** Scope and Idempotency-Key of the request: its retries must reach the database and be replayed. */
  readonly retryOf: string | undefined;
  /** Resolves to whether the booking was stored; never rejects. */
  readonly booked: Promise<boolean>;
}

export interface SlotRequest {
  barberId: string;
  /** [start, end) in epoch ms: the chair's busy time, buffer included (as the constraint sees it). */
  start: number;
  end: number;
  retryOf: string | undefined;
}

/** What a claim came to: it lost to a booking of this process, or it ran its insert (a row or nothing). */
export type ClaimOutcome<T> = { lost: true } | { lost: false; row: T | undefined };

export class BookingsInFlight {
  private readonly byBarber = new Map<string, Claim[]>();

  /**
   * Runs the insert as a claim on the time, unless a booking of this process for an overlapping time is
   * in flight: then waits for it, and loses when it is stored. Looking for a rival and registering the
   * claim happen in one synchronous step: requests handled in the same turn of the event loop (a pair
   * arriving together) must not both find the time free. A retry of the request in flight (same scope
   * and Idempotency-Key) is never answered here: it runs, and the database replays it.
   */
  async claim<T>(request: SlotRequest, insert: () => Promise<T | undefined>): Promise<ClaimOutcome<T>> {
    for (;;) {
      const rival = this.rivalOf(request);
      if (!rival) break;
      if (await rival.booked) return { lost: true };
      // It stored nothing: look again, another waiter may have claimed the time meanwhile.
    }
    let settle!: (booked: boolean) => void;
    const claim: Claim = {
      start: request.start,
      end: request.end,
      retryOf: request.retryOf,
      booked: new Promise((resolve) => (settle = resolve)),
    };
    const claims = this.byBarber.get(request.barberId) ?? [];
    claims.push(claim);
    this.byBarber.set(request.barberId, claims);
    let row: T | undefined;
    try {
      row = await insert();
      return { lost: false, row };
    } finally {
      claims.splice(claims.indexOf(claim), 1);
      if (claims.length === 0) this.byBarber.delete(request.barberId);
      settle(row !== undefined);
    }
  }

  private rivalOf(request: SlotRequest): Claim | undefined {
    const rival = this.byBarber
      .get(request.barberId)
      ?.find((claim) => claim.start < request.end && request.start < claim.end);
    return rival && (request.retryOf === undefined || rival.retryOf !== request.retryOf) ? rival : undefined;
  }

  /** Barbers with a booking in flight (for tests: nothing is left behind). */
  get size(): number {
    return this.byBarber.size;
  }
}
