// Housekeeping on the durable job queue: deletes expired holds and cancels pending bookings whose
// payment window lapsed, so their time shows as free again, and forgets day-old idempotency keys.
// Correctness never waits for it: expired holds are also purged inside every booking that needs them.
import type { RecurringJob } from '../../platform/jobs/job-queue.js';
import { deleteExpiredHolds, deleteOldIdempotencyKeys, findLapsedPending } from './booking.queries.js';
import type { BookingDeps, BookingService } from './booking.service.js';
import { changeStatus } from './booking.sql.js';

const BATCH = 500;
const NO_TALLY = { visits: 0, spentCents: 0, noShows: 0, cancellations: 0 };

export class BookingSweeper {
  constructor(
    private readonly deps: BookingDeps,
    private readonly booking: BookingService,
  ) {}

  /** One pass; returns how many holds were deleted and how many pending bookings lapsed. */
  async sweep(): Promise<{ holds: number; lapsed: number }> {
    const db = this.deps.db.primary;
    let holds = 0;
    for (;;) {
      const swept = await deleteExpiredHolds(db, BATCH);
      holds += swept.length;
      for (const row of swept) await this.booking.barberDayChanged(row, row.start_time, row.busy_until);
      if (swept.length < BATCH) break;
    }
    let lapsed = 0;
    for (const due of await findLapsedPending(db, BATCH)) {
      // Guarded by status: a payment that confirmed it meanwhile wins, and this is skipped.
      const row = await changeStatus(db, {
        locationId: due.location_id,
        id: due.id,
        from: 'pending',
        to: 'cancelled',
        // The shop let it lapse; it is not the client's cancellation.
        tally: NO_TALLY,
        cancellation: {
          reason: 'payment window lapsed',
          byUserId: null,
          refundCents: 0,
          feeCents: 0,
          percent: 0,
        },
      });
      if (!row) continue;
      lapsed++;
      await this.booking.barberDayChanged(row, row.start_time, row.busy_until);
    }
    while ((await deleteOldIdempotencyKeys(db, BATCH)) === BATCH) {
      // another full batch: keep going
    }
    return { holds, lapsed };
  }

  job(): RecurringJob {
    return {
      name: 'booking.sweep',
      cron: '* * * * *',
      run: async () => {
        await this.sweep();
      },
    };
  }
}
