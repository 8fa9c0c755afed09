// A location's client records for its staff (route class `booking`): list, read, and private notes.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import { FREE_TEXT, IdParams } from './booking.schemas.js';
import type { ClientsService } from './clients.service.js';
import type { ClientRow } from './clients.sql.js';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const Client = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    location_id: Type.String({ format: 'uuid' }),
    user_id: Nullable(Type.String({ format: 'uuid' })),
    name: Type.String(),
    email: Nullable(Type.String()),
    phone: Nullable(Type.String()),
    notes: Nullable(Type.String()),
    visits: Type.Integer({ description: 'Completed appointments' }),
    total_spent_cents: Type.Integer({ description: 'Sum of the prices of completed appointments' }),
    no_shows: Type.Integer(),
    cancellations: Type.Integer(),
    last_visit_at: Nullable(Type.String({ format: 'date-time' })),
    created_at: Type.String({ format: 'date-time' }),
  },
  { $id: 'Client', description: 'A client of one location, as its staff see them' },
);

const view = (c: ClientRow) => ({
  ...c,
  last_visit_at: c.last_visit_at ? c.last_visit_at.toISOString() : null,
  created_at: c.created_at.toISOString(),
});

const config = { routeClass: 'booking' as const };
const tags = ['clients'];
const security = [{ bearer: [] }];

export const clientsRoutes: FastifyPluginAsyncTypebox<{ clients: ClientsService }> = async (
  app,
  { clients },
) => {
  app.get(
    '/api/v2/locations/:id/clients',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'The location’s clients by name (staff)',
        params: IdParams,
        querystring: Type.Object({
          limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
          cursor: Type.Optional(Type.String({ maxLength: 400 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Client), next_cursor: Nullable(Type.String()) }) },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const page = await clients.list(requireAuth(request.auth), request.params.id, limit, cursor);
      return { items: page.items.map(view), next_cursor: page.nextCursor };
    },
  );

  app.get(
    '/api/v2/clients/:id',
    { config, schema: { tags, security, params: IdParams, response: { 200: Client } } },
    async (request) => view(await clients.get(requireAuth(request.auth), request.params.id)),
  );

  app.patch(
    '/api/v2/clients/:id',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Staff notes about the client',
        params: IdParams,
        body: Type.Object(
          { notes: Nullable(Type.String({ maxLength: 5000, pattern: FREE_TEXT })) },
          { additionalProperties: false },
        ),
        response: { 200: Client },
      },
    },
    async (request) =>
      view(await clients.updateNotes(requireAuth(request.auth), request.params.id, request.body.notes)),
  );
};
