// /api/v2/appointments/* for signed-in callers (route class `booking`). GET /appointments/availability
// is the scheduling module's; these routes use full paths so the two plugins share the prefix.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import type { AppointmentLifecycle } from './booking.lifecycle.js';
import {
  Appointment,
  AppointmentPage,
  BookingBody,
  CancelBody,
  Hold,
  HoldBody,
  IdParams,
  ListQuery,
  RescheduleBody,
  StatusBody,
} from './booking.schemas.js';
import type { BookingService } from './booking.service.js';
import { appointmentView, holdView } from './booking.views.js';

export interface BookingRoutesDeps {
  booking: BookingService;
  lifecycle: AppointmentLifecycle;
}

const config = { routeClass: 'booking' as const };
const tags = ['appointments'];
const security = [{ bearer: [] }];
export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'A retry with the same key and body returns the first booking and creates nothing',
    }),
  ),
});

export const bookingRoutes: FastifyPluginAsyncTypebox<BookingRoutesDeps> = async (
  app,
  { booking, lifecycle },
) => {
  const base = '/api/v2/appointments';

  app.post(
    base,
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Book an appointment',
        headers: IdempotencyHeaders,
        body: BookingBody,
        response: { 201: Appointment },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await booking.book(requireAuth(request.auth), request.body, key);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(appointmentView(result.appointment));
    },
  );

  app.get(
    base,
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Appointments the caller may see',
        querystring: ListQuery,
        response: { 200: AppointmentPage },
      },
    },
    async (request) => {
      const page = await lifecycle.list(requireAuth(request.auth), request.query);
      return { items: page.items.map(appointmentView), next_cursor: page.nextCursor };
    },
  );

  app.post(
    `${base}/holds`,
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Hold a slot during checkout',
        body: HoldBody,
        response: { 201: Hold },
      },
    },
    async (request, reply) => {
      const hold = await booking.hold(requireAuth(request.auth), request.body);
      return reply.code(201).send(holdView(hold));
    },
  );

  app.delete(
    `${base}/holds/:id`,
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Release your hold',
        params: IdParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await booking.releaseHold(requireAuth(request.auth), request.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/:id`,
    { config, schema: { tags, security, params: IdParams, response: { 200: Appointment } } },
    async (request) => appointmentView(await lifecycle.get(requireAuth(request.auth), request.params.id)),
  );

  app.post(
    `${base}/:id/cancel`,
    {
      config,
      // The body is optional: a bodyless POST validates as {}.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags,
        security,
        summary: 'Cancel; the refund follows the location’s policy',
        params: IdParams,
        body: CancelBody,
        response: { 200: Appointment },
      },
    },
    async (request) =>
      appointmentView(
        await lifecycle.cancel(requireAuth(request.auth), request.params.id, request.body.reason),
      ),
  );

  app.post(
    `${base}/:id/reschedule`,
    {
      config,
      schema: { tags, security, params: IdParams, body: RescheduleBody, response: { 200: Appointment } },
    },
    async (request) =>
      appointmentView(
        await lifecycle.reschedule(requireAuth(request.auth), request.params.id, request.body.start_time),
      ),
  );

  app.patch(
    `${base}/:id/status`,
    {
      config,
      schema: { tags, security, params: IdParams, body: StatusBody, response: { 200: Appointment } },
    },
    async (request) =>
      appointmentView(
        await lifecycle.changeStatus(requireAuth(request.auth), request.params.id, request.body.status),
      ),
  );
};
