// Staff routes of the shops module under /api/v2/locations (tenant-scoped through LocationAccess).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import type { CatalogueService } from './shops.catalogue.service.js';
import {
  Barber,
  BarberCreate,
  BarberPatch,
  items,
  Location,
  LocationCreate,
  LocationParams,
  LocationPatch,
  Member,
  MemberCreate,
  PageQuery,
  page,
  Service,
  ServiceCreate,
  ServicePatch,
} from './shops.schemas.js';
import type { ShopsService } from './shops.service.js';

const config = { routeClass: 'booking' } as const;
const tags = ['shops'];
const security = [{ bearer: [] }];
const Uuid = Type.String({ format: 'uuid' });

export const shopsRoutes: FastifyPluginAsyncTypebox<{
  shops: ShopsService;
  catalogue: CatalogueService;
}> = async (app, { shops, catalogue }) => {
  app.post(
    '/',
    { config, schema: { tags, security, body: LocationCreate, response: { 201: Location } } },
    async (request, reply) => {
      reply.code(201);
      return shops.createLocation(requireAuth(request.auth), request.body);
    },
  );

  app.get(
    '/:id',
    { config, schema: { tags, security, params: LocationParams, response: { 200: Location } } },
    async (request) => shops.location(requireAuth(request.auth), request.params.id),
  );

  app.patch(
    '/:id',
    {
      config,
      schema: { tags, security, params: LocationParams, body: LocationPatch, response: { 200: Location } },
    },
    async (request) => shops.updateLocation(requireAuth(request.auth), request.params.id, request.body),
  );

  app.post(
    '/:id/members',
    {
      config,
      schema: { tags, security, params: LocationParams, body: MemberCreate, response: { 201: Member } },
    },
    async (request, reply) => {
      reply.code(201);
      return shops.addMember(requireAuth(request.auth), request.params.id, request.body);
    },
  );

  app.get(
    '/:id/members',
    { config, schema: { tags, security, params: LocationParams, response: { 200: items(Member) } } },
    async (request) => ({ items: await shops.members(requireAuth(request.auth), request.params.id) }),
  );

  app.delete(
    '/:id/members/:user_id',
    {
      config,
      schema: {
        tags,
        security,
        params: Type.Object({ id: Uuid, user_id: Uuid }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await shops.removeMember(requireAuth(request.auth), request.params.id, request.params.user_id);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/:id/barbers',
    {
      config,
      schema: { tags, security, params: LocationParams, body: BarberCreate, response: { 201: Barber } },
    },
    async (request, reply) => {
      reply.code(201);
      return catalogue.addBarber(requireAuth(request.auth), request.params.id, request.body);
    },
  );

  app.get(
    '/:id/barbers',
    {
      config,
      schema: {
        tags,
        security,
        params: LocationParams,
        querystring: PageQuery,
        response: { 200: page(Barber) },
      },
    },
    async (request) => catalogue.barbers(requireAuth(request.auth), request.params.id, request.query),
  );

  app.patch(
    '/:id/barbers/:barber_id',
    {
      config,
      schema: {
        tags,
        security,
        params: Type.Object({ id: Uuid, barber_id: Uuid }),
        body: BarberPatch,
        response: { 200: Barber },
      },
    },
    async (request) =>
      catalogue.updateBarber(
        requireAuth(request.auth),
        request.params.id,
        request.params.barber_id,
        request.body,
      ),
  );

  app.post(
    '/:id/services',
    {
      config,
      schema: { tags, security, params: LocationParams, body: ServiceCreate, response: { 201: Service } },
    },
    async (request, reply) => {
      reply.code(201);
      return catalogue.addService(requireAuth(request.auth), request.params.id, request.body);
    },
  );

  app.get(
    '/:id/services',
    {
      config,
      schema: {
        tags,
        security,
        params: LocationParams,
        querystring: PageQuery,
        response: { 200: page(Service) },
      },
    },
    async (request) => catalogue.services(requireAuth(request.auth), request.params.id, request.query),
  );

  app.patch(
    '/:id/services/:service_id',
    {
      config,
      schema: {
        tags,
        security,
        params: Type.Object({ id: Uuid, service_id: Uuid }),
        body: ServicePatch,
        response: { 200: Service },
      },
    },
    async (request) =>
      catalogue.updateService(
        requireAuth(request.auth),
        request.params.id,
        request.params.service_id,
        request.body,
      ),
  );
};
