// /api/v2/payments/* (route class `financial`): intents, reading payments, the explicit Stripe check
// and refunds.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import {
  IdempotencyHeaders,
  IdParams,
  IntentBody,
  Payment,
  PaymentIntent,
  PaymentListQuery,
  PaymentPage,
  RefundBody,
  RefundResult,
} from './payments.schemas.js';
import type { PaymentsService } from './payments.service.js';
import { paymentView, refundView } from './payments.views.js';

const config = { routeClass: 'financial' as const };
const tags = ['payments'];
const security = [{ bearer: [] }];

export const paymentsRoutes: FastifyPluginAsyncTypebox<{ payments: PaymentsService }> = async (
  app,
  { payments },
) => {
  const base = '/api/v2/payments';

  app.post(
    `${base}/intents`,
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Pay an appointment’s deposit or the rest of its price',
        description:
          'An open intent of the same appointment and kind is returned instead of a second one (header idempotent-replayed).',
        headers: IdempotencyHeaders,
        body: IntentBody,
        response: { 201: PaymentIntent },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await payments.createIntent(requireAuth(request.auth), request.body, key);
      if (result.existing) reply.header('idempotent-replayed', 'true');
      return reply.code(201).send({ ...paymentView(result.payment), client_secret: result.clientSecret });
    },
  );

  app.get(
    base,
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Payments the caller may see, newest first',
        querystring: PaymentListQuery,
        response: { 200: PaymentPage },
      },
    },
    async (request) => {
      const page = await payments.list(requireAuth(request.auth), request.query);
      return { items: page.items.map(paymentView), next_cursor: page.next_cursor };
    },
  );

  app.get(
    `${base}/:id`,
    { config, schema: { tags, security, params: IdParams, response: { 200: Payment } } },
    async (request) => paymentView(await payments.get(requireAuth(request.auth), request.params.id)),
  );

  app.post(
    `${base}/:id/sync`,
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Ask Stripe for the payment’s status now (instead of waiting for the webhook)',
        params: IdParams,
        response: { 200: Payment },
      },
    },
    async (request) => paymentView(await payments.sync(requireAuth(request.auth), request.params.id)),
  );

  app.post(
    `${base}/:id/refund`,
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Refund part or all of what remains (owners and managers)',
        params: IdParams,
        body: RefundBody,
        response: { 201: RefundResult },
      },
    },
    async (request, reply) => {
      const result = await payments.refund(requireAuth(request.auth), request.params.id, request.body);
      return reply
        .code(201)
        .send({ refund: refundView(result.refund), payment: paymentView(result.payment) });
    },
  );
};
