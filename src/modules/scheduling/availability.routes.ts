// GET /api/v2/appointments/availability: public, no login. The path shares the /appointments prefix
// with the booking module, so it is registered from here with its full path.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ValidationFailed } from '../../platform/http/errors.js';
import { AvailabilityQuery, BarberAvailability, LocationAvailability } from './scheduling.schemas.js';
import type { SchedulingService } from './scheduling.service.js';

export const availabilityRoutes: FastifyPluginAsyncTypebox<{ scheduling: SchedulingService }> = async (
  app,
  { scheduling },
) => {
  app.get(
    '/api/v2/appointments/availability',
    {
      config: { routeClass: 'public' },
      schema: {
        tags: ['scheduling'],
        summary: 'Free slots of a barber (barber_id) or of any barber of a location (location_id)',
        querystring: AvailabilityQuery,
        response: { 200: Type.Union([BarberAvailability, LocationAvailability]) },
      },
    },
    async (request, reply) => {
      const { barber_id, location_id, service_id, date } = request.query;
      if ((barber_id === undefined) === (location_id === undefined)) {
        throw ValidationFailed('give exactly one of barber_id and location_id', {
          errors: [
            { field: '/querystring/barber_id', message: 'give exactly one of barber_id, location_id' },
          ],
        });
      }
      if (barber_id) {
        // Already JSON text matching BarberAvailability: Fastify sends a string with a JSON content type
        // as is, so the warm path is a cache lookup and a socket write.
        const json = await scheduling.barberAvailabilityJson(barber_id, date, service_id);
        return reply.type('application/json; charset=utf-8').send(json as never);
      }
      return scheduling.locationAvailability(location_id!, date, service_id);
    },
  );
};
