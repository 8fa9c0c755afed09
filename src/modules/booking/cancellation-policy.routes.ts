// GET|PUT /api/v2/locations/{id}/cancellation-policy (staff read, owner/manager replace) and the public
// GET /api/v2/public/locations/{slug}/cancellation-policy shown before booking.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import { SlugParams } from './booking.schemas.js';
import type { CancellationPolicyService } from './cancellation-policy.service.js';

const Tier = Type.Object(
  {
    min_hours_before: Type.Integer({ minimum: 0, maximum: 8760, description: 'Notice, in hours, at least' }),
    refund_percent: Type.Integer({ minimum: 0, maximum: 100 }),
    fee_cents: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
  },
  { additionalProperties: false },
);

const PolicyBody = Type.Object(
  {
    tiers: Type.Array(Tier, { minItems: 1, maxItems: 10 }),
    no_show_fee_cents: Type.Integer({ minimum: 0, maximum: 100_000_000 }),
    // Null first: with type coercion on, an integer branch tried first would turn null into 0.
    first_time_full_refund_min_hours: Type.Union([Type.Null(), Type.Integer({ minimum: 0, maximum: 8760 })], {
      description:
        'A first-time client cancelling at least this many hours ahead gets 100 %; null: no such rule',
    }),
  },
  { additionalProperties: false },
);

const Policy = Type.Object({
  location_id: Type.String({ format: 'uuid' }),
  tiers: Type.Array(Tier),
  no_show_fee_cents: Type.Integer(),
  first_time_full_refund_min_hours: Type.Union([Type.Integer(), Type.Null()]),
  updated_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});

const tags = ['cancellation policy'];
const security = [{ bearer: [] }];
const LocationParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const cancellationPolicyRoutes: FastifyPluginAsyncTypebox<{
  policies: CancellationPolicyService;
}> = async (app, { policies }) => {
  const path = '/api/v2/locations/:id/cancellation-policy';
  app.get(
    path,
    {
      config: { routeClass: 'booking' },
      schema: { tags, security, params: LocationParams, response: { 200: Policy } },
    },
    async (request) => policies.get(requireAuth(request.auth), request.params.id),
  );

  app.put(
    path,
    {
      config: { routeClass: 'booking' },
      schema: { tags, security, params: LocationParams, body: PolicyBody, response: { 200: Policy } },
    },
    async (request) => policies.replace(requireAuth(request.auth), request.params.id, request.body),
  );

  app.get(
    '/api/v2/public/locations/:slug/cancellation-policy',
    { config: { routeClass: 'public' }, schema: { tags, params: SlugParams, response: { 200: Policy } } },
    async (request) => policies.getPublic(request.params.slug),
  );
};
