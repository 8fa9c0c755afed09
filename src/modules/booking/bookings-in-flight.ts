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

export class BookingsInFlight {
  private readonly byBarber = new Map<string, Claim[]>();

  /**
   * True when a booking of this process for an overlapping time committed while this request waited
   * for it. A retry of that same request is never answered here (the database replays it).
   */
  async lostTo(request: SlotRequest): Promise<boolean> {
    const rival = this.byBarber
      .get(request.barberId)
      ?.find((claim) => claim.start < request.end && request.start < claim.end);
    if (!rival) return false;
    if (request.retryOf !== undefined && rival.retryOf === request.retryOf) return false;
    return rival.booked;
  }

  /** Runs the insert as a claim on the time; it books when it returns a row. */
  async claim<T>(request: SlotRequest, insert: () => Promise<T | undefined>): Promise<T | undefined> {
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
      return row;
    } finally {
      claims.splice(claims.indexOf(claim), 1);
      if (claims.length === 0) this.byBarber.delete(request.barberId);
      settle(row !== undefined);
    }
  }

  /** Barbers with a booking in flight (for tests: nothing is left behind). */
  get size(): number {
    return this.byBarber.size;
  }
}
