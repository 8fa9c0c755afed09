// /api/v2/payouts/*, /api/v2/gift-certificates/* and PUT /api/v2/barbers/{id}/stripe-account
// (route class `financial`).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import type { GiftCertificateService } from './gift-certificates.service.js';
import {
  GiftCertificate,
  GiftCertificateBody,
  GiftCodeParams,
  GiftLookupQuery,
  IdParams,
  PayoutListQuery,
  PayoutPage,
  PayoutRunBody,
  PayoutRunResult,
  StripeAccount,
  StripeAccountBody,
} from './payments.schemas.js';
import { giftCertificateView, payoutView, stripeAccountView } from './payments.views.js';
import type { PayoutsService } from './payouts.service.js';

const config = { routeClass: 'financial' as const };
const security = [{ bearer: [] }];

export interface PayoutsRoutesDeps {
  payouts: PayoutsService;
  giftCertificates: GiftCertificateService;
}

export const payoutsRoutes: FastifyPluginAsyncTypebox<PayoutsRoutesDeps> = async (
  app,
  { payouts, giftCertificates },
) => {
  app.get(
    '/api/v2/payouts',
    {
      config,
      schema: {
        tags: ['payouts'],
        security,
        summary: 'A location’s payouts, newest first (a barber sees their own)',
        querystring: PayoutListQuery,
        response: { 200: PayoutPage },
      },
    },
    async (request) => {
      const page = await payouts.list(requireAuth(request.auth), request.query);
      return { items: page.items.map(payoutView), next_cursor: page.next_cursor };
    },
  );

  app.post(
    '/api/v2/payouts/run',
    {
      config,
      schema: {
        tags: ['payouts'],
        security,
        summary: 'Pay each barber their unpaid shares of the period (owners)',
        description:
          'Barbers below $10 or without an active Connect account are listed in `skipped`; with barber_id, such a refusal is an error.',
        body: PayoutRunBody,
        response: { 201: PayoutRunResult },
      },
    },
    async (request, reply) => {
      const result = await payouts.run(requireAuth(request.auth), request.body);
      return reply.code(201).send({ payouts: result.payouts.map(payoutView), skipped: result.skipped });
    },
  );

  app.put(
    '/api/v2/barbers/:id/stripe-account',
    {
      config,
      schema: {
        tags: ['payouts'],
        security,
        summary: 'Connect a barber’s Stripe account (owners); payouts start once Stripe enables them',
        params: IdParams,
        body: StripeAccountBody,
        response: { 200: StripeAccount },
      },
    },
    async (request) =>
      stripeAccountView(
        await payouts.setAccount(
          requireAuth(request.auth),
          request.params.id,
          request.body.stripe_account_id,
        ),
      ),
  );

  app.post(
    '/api/v2/gift-certificates',
    {
      config,
      schema: {
        tags: ['gift certificates'],
        security,
        summary: 'Issue a gift certificate (owners and managers)',
        body: GiftCertificateBody,
        response: { 201: GiftCertificate },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(giftCertificateView(await giftCertificates.issue(requireAuth(request.auth), request.body))),
  );

  app.get(
    '/api/v2/gift-certificates/:code',
    {
      config,
      schema: {
        tags: ['gift certificates'],
        security,
        summary: 'A gift certificate’s balance (staff of its location)',
        params: GiftCodeParams,
        querystring: GiftLookupQuery,
        response: { 200: GiftCertificate },
      },
    },
    async (request) =>
      giftCertificateView(
        await giftCertificates.lookUp(
          requireAuth(request.auth),
          request.query.location_id,
          request.params.code,
        ),
      ),
  );
};
