// Barber schedules under /api/v2/barbers/{id}: working hours, time off, special days.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import type { ScheduleService } from './schedules.service.js';
import {
  BarberParams,
  LocalDate,
  SpecialDayInput,
  SpecialDayView,
  TimeOffInput,
  TimeOffQuery,
  TimeOffView,
  Uuid,
  WorkingHours,
  WorkingHoursView,
} from './scheduling.schemas.js';

const booking = { routeClass: 'booking' } as const;
const tags = ['scheduling'];

export const scheduleRoutes: FastifyPluginAsyncTypebox<{ schedules: ScheduleService }> = async (
  app,
  { schedules },
) => {
  app.get(
    '/:id/working-hours',
    { config: booking, schema: { tags, params: BarberParams, response: { 200: WorkingHoursView } } },
    async (request) => schedules.workingHours(requireAuth(request.auth), request.params.id),
  );

  app.put(
    '/:id/working-hours',
    {
      config: booking,
      schema: { tags, params: BarberParams, body: WorkingHours, response: { 200: WorkingHoursView } },
    },
    async (request) =>
      schedules.replaceWorkingHours(requireAuth(request.auth), request.params.id, request.body.hours),
  );

  app.post(
    '/:id/time-off',
    {
      config: booking,
      schema: { tags, params: BarberParams, body: TimeOffInput, response: { 201: TimeOffView } },
    },
    async (request, reply) => {
      reply.code(201);
      return schedules.addTimeOff(requireAuth(request.auth), request.params.id, request.body);
    },
  );

  app.get(
    '/:id/time-off',
    {
      config: booking,
      schema: {
        tags,
        params: BarberParams,
        querystring: TimeOffQuery,
        response: { 200: Type.Object({ items: Type.Array(TimeOffView) }) },
      },
    },
    async (request) => schedules.listTimeOff(requireAuth(request.auth), request.params.id, request.query),
  );

  app.delete(
    '/:id/time-off/:time_off_id',
    {
      config: booking,
      schema: { tags, params: Type.Object({ id: Uuid, time_off_id: Uuid }), response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await schedules.removeTimeOff(requireAuth(request.auth), request.params.id, request.params.time_off_id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:id/special-days',
    {
      config: booking,
      schema: { tags, params: BarberParams, body: SpecialDayInput, response: { 201: SpecialDayView } },
    },
    async (request, reply) => {
      reply.code(201);
      return schedules.setSpecialDay(requireAuth(request.auth), request.params.id, request.body);
    },
  );

  app.get(
    '/:id/special-days',
    {
      config: booking,
      schema: {
        tags,
        params: BarberParams,
        querystring: Type.Object({ from: Type.Optional(LocalDate) }),
        response: { 200: Type.Object({ items: Type.Array(SpecialDayView) }) },
      },
    },
    async (request) =>
      schedules.listSpecialDays(requireAuth(request.auth), request.params.id, request.query.from),
  );

  app.delete(
    '/:id/special-days/:date',
    {
      config: booking,
      schema: { tags, params: Type.Object({ id: Uuid, date: LocalDate }), response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      await schedules.removeSpecialDay(requireAuth(request.auth), request.params.id, request.params.date);
      return reply.code(204).send(null);
    },
  );
};
