// Public listings by slug (no login): /api/v2/public/locations/{slug}[/services|/barbers]. And the
// per-barber offerings under /api/v2/barbers/{id}/services (staff).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import type { CatalogueService } from './shops.catalogue.service.js';
import {
  items,
  Offering,
  OfferingsInput,
  PageQuery,
  PublicBarber,
  PublicLocation,
  PublicService,
  page,
  SlugParams,
} from './shops.schemas.js';
import type { ShopsService } from './shops.service.js';

export const publicShopsRoutes: FastifyPluginAsyncTypebox<{
  shops: ShopsService;
  catalogue: CatalogueService;
}> = async (app, { shops, catalogue }) => {
  const config = { routeClass: 'public' } as const;
  const tags = ['public'];

  app.get(
    '/:slug',
    { config, schema: { tags, params: SlugParams, response: { 200: PublicLocation } } },
    async (request) => shops.publicLocation(request.params.slug),
  );

  app.get(
    '/:slug/services',
    {
      config,
      schema: { tags, params: SlugParams, querystring: PageQuery, response: { 200: page(PublicService) } },
    },
    async (request) =>
      catalogue.publicServices(await shops.publicLocation(request.params.slug), request.query),
  );

  app.get(
    '/:slug/barbers',
    {
      config,
      schema: { tags, params: SlugParams, querystring: PageQuery, response: { 200: page(PublicBarber) } },
    },
    async (request) =>
      catalogue.publicBarbers(await shops.publicLocation(request.params.slug), request.query),
  );
};

export const offeringRoutes: FastifyPluginAsyncTypebox<{ catalogue: CatalogueService }> = async (
  app,
  { catalogue },
) => {
  const config = { routeClass: 'booking' } as const;
  const tags = ['shops'];
  const params = Type.Object({ id: Type.String({ format: 'uuid' }) });

  app.get(
    '/:id/services',
    { config, schema: { tags, params, response: { 200: items(Offering) } } },
    async (request) => ({ items: await catalogue.offerings(requireAuth(request.auth), request.params.id) }),
  );

  app.put(
    '/:id/services',
    { config, schema: { tags, params, body: OfferingsInput, response: { 200: items(Offering) } } },
    async (request) => ({
      items: await catalogue.replaceOfferings(
        requireAuth(request.auth),
        request.params.id,
        request.body.services,
      ),
    }),
  );
};
