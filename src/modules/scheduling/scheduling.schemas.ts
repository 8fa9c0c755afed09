// Shapes of the scheduling API (DESIGN §4): each is the validator, the type and the OpenAPI entry.
import { type Static, Type } from 'typebox';

export const Uuid = Type.String({ format: 'uuid' });
export const LocalDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'A local date in the location’s time zone',
  examples: ['2026-03-08'],
});
export const WallTime = Type.String({
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$',
  description: 'Wall-clock time HH:MM in the location’s time zone (24:00 = end of day)',
  examples: ['09:30'],
});
export const Instant = Type.String({
  format: 'date-time',
  description: 'ISO 8601 with offset',
  examples: ['2026-03-08T09:00:00-04:00'],
});

export const AvailabilityQuery = Type.Object(
  {
    barber_id: Type.Optional(Uuid),
    location_id: Type.Optional(Uuid),
    service_id: Uuid,
    date: LocalDate,
  },
  { description: 'Give barber_id for one barber, or location_id for any barber of the location' },
);
export type AvailabilityQuery = Static<typeof AvailabilityQuery>;

const SlotSchema = Type.Object({ start_time: Instant, end_time: Instant });

export const BarberAvailability = Type.Object(
  {
    barber_id: Uuid,
    date: LocalDate,
    timezone: Type.String({ examples: ['America/New_York'] }),
    slots: Type.Array(SlotSchema),
  },
  { $id: 'BarberAvailability', description: 'Bookable start times of one barber on one local date' },
);

export const LocationAvailability = Type.Object(
  {
    location_id: Uuid,
    date: LocalDate,
    timezone: Type.String(),
    slots: Type.Array(
      Type.Object({
        start_time: Instant,
        end_time: Instant,
        barber_id: Type.String({ description: 'The first free barber in display order: book this one' }),
        barber_ids: Type.Array(Type.String(), { description: 'Every barber free at this start' }),
      }),
    ),
  },
  { $id: 'LocationAvailability', description: 'Each start time at which at least one barber is free' },
);

export const BarberParams = Type.Object({ id: Uuid });

export const WorkingHours = Type.Object(
  {
    hours: Type.Array(
      Type.Object({
        weekday: Type.Integer({ minimum: 1, maximum: 7, description: 'ISO weekday, 1 = Monday' }),
        start: WallTime,
        end: WallTime,
      }),
      { maxItems: 100 },
    ),
  },
  { description: 'The whole week; several windows a day, the gaps are breaks' },
);

export const WorkingHoursView = Type.Object({
  barber_id: Uuid,
  hours: WorkingHours.properties.hours,
});

export const TimeOffInput = Type.Object({
  start_time: Instant,
  end_time: Instant,
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});

export const TimeOffView = Type.Object({
  id: Uuid,
  barber_id: Uuid,
  start_time: Instant,
  end_time: Instant,
  reason: Type.Union([Type.String(), Type.Null()]),
});

export const TimeOffQuery = Type.Object({
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
});

const Window = Type.Object({ start: WallTime, end: WallTime });

export const SpecialDayInput = Type.Object({
  date: LocalDate,
  available: Type.Boolean({ description: 'false: closed all day; true: `windows` replace the weekly hours' }),
  windows: Type.Optional(Type.Array(Window, { maxItems: 20 })),
});

export const SpecialDayView = Type.Object({
  barber_id: Uuid,
  date: LocalDate,
  available: Type.Boolean(),
  windows: Type.Array(Window),
});
