// Guest booking (route class `public`): book at a shop by its slug, then look up and cancel with the
// confirmation code and the e-mail the booking was made with. A wrong pair is simply not found.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppointmentLifecycle } from './booking.lifecycle.js';
import { IdempotencyHeaders } from './booking.routes.js';
import {
  Appointment,
  GuestBookingBody,
  GuestCancelBody,
  GuestLookupQuery,
  GuestParams,
  SlugParams,
} from './booking.schemas.js';
import type { BookingService } from './booking.service.js';
import { appointmentView } from './booking.views.js';

const config = { routeClass: 'public' as const };
const tags = ['guest booking'];

export const guestBookingRoutes: FastifyPluginAsyncTypebox<{
  booking: BookingService;
  lifecycle: AppointmentLifecycle;
}> = async (app, { booking, lifecycle }) => {
  const base = '/api/v2/public/locations/:slug/bookings';

  app.post(
    base,
    {
      config,
      schema: {
        tags,
        summary: 'Book as a guest; the answer carries the confirmation_code',
        params: SlugParams,
        headers: IdempotencyHeaders,
        body: GuestBookingBody,
        response: { 201: Appointment },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await booking.bookAsGuest(request.params.slug, request.body, key);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send(appointmentView(result.appointment));
    },
  );

  app.get(
    `${base}/:code`,
    {
      config,
      schema: {
        tags,
        summary: 'A guest booking by confirmation code and e-mail',
        params: GuestParams,
        querystring: GuestLookupQuery,
        response: { 200: Appointment },
      },
    },
    async (request) => {
      const { slug, code } = request.params;
      return appointmentView(await lifecycle.findForGuest(slug, code, { email: request.query.email }));
    },
  );

  app.post(
    `${base}/:code/cancel`,
    {
      config,
      schema: {
        tags,
        summary: 'Cancel a guest booking; the refund follows the location’s policy',
        params: GuestParams,
        body: GuestCancelBody,
        response: { 200: Appointment },
      },
    },
    async (request) => {
      const { slug, code } = request.params;
      const { email, reason } = request.body;
      return appointmentView(await lifecycle.cancelForGuest(slug, code, { email }, reason));
    },
  );
};
