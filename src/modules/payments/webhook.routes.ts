// POST /api/v2/webhooks/stripe (route class `webhook`: no hooks; the signature is the authentication).
// The body stays raw bytes in this plugin only: Stripe signs exactly what it sent.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StripeWebhooks } from './payments.webhooks.js';

export const stripeWebhookRoutes: FastifyPluginAsyncTypebox<{ webhooks: StripeWebhooks }> = async (
  app,
  { webhooks },
) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post(
    '/api/v2/webhooks/stripe',
    {
      config: { routeClass: 'webhook' },
      schema: {
        tags: ['webhooks'],
        summary: 'Stripe events, verified by their Stripe-Signature header',
        response: { 200: Type.Object({ received: Type.Boolean(), duplicate: Type.Boolean() }) },
      },
    },
    async (request) => {
      const signature = request.headers['stripe-signature'];
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = await webhooks.receive(body, typeof signature === 'string' ? signature : undefined);
      return { received: true, duplicate: result.duplicate };
    },
  );
};
