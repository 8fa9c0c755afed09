// POST /batch: up to 20 API calls in one round trip. Each sub-request runs through the full pipeline
// (route class hooks, validation, rate limits) with the caller's own credentials, so it can do
// exactly what the caller could do with separate requests, and nothing more.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { LightMyRequestResponse } from 'fastify';
import { Type } from 'typebox';
import { defineError } from '../../platform/http/errors.js';

export const BatchPathNotAllowed = defineError('batch-path-not-allowed', 422, 'Path not allowed in a batch');

const MAX_REQUESTS = 20;
const FORWARDED_HEADERS = ['authorization', 'cookie', 'x-csrf-token', 'user-agent'] as const;

const SubRequest = Type.Object({
  method: Type.Union(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((m) => Type.Literal(m))),
  path: Type.String({ minLength: 2, maxLength: 2048, pattern: '^/api/v2/' }),
  body: Type.Optional(Type.Unknown()),
});

const BatchRequest = Type.Object({
  requests: Type.Array(SubRequest, { minItems: 1, maxItems: MAX_REQUESTS }),
});

const BatchResponse = Type.Object({
  responses: Type.Array(Type.Object({ status: Type.Integer(), body: Type.Unknown() })),
});

export const batchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/batch',
    {
      config: { routeClass: 'booking' },
      schema: {
        tags: ['batch'],
        security: [{ bearer: [] }],
        description: `Runs up to ${MAX_REQUESTS} API requests in order, each authorised as the caller.`,
        body: BatchRequest,
        response: { 200: BatchResponse },
      },
    },
    async (request) => {
      const headers: Record<string, string> = {};
      for (const name of FORWARDED_HEADERS) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      for (const sub of request.body.requests) {
        if (sub.path.split('?')[0]?.replace(/\/+$/, '') === '/api/v2/batch') {
          throw BatchPathNotAllowed('a batch cannot contain another batch');
        }
      }
      const responses: { status: number; body: unknown }[] = [];
      // In order, not in parallel: later requests may depend on earlier ones (create, then read).
      for (const [index, sub] of request.body.requests.entries()) {
        const response: LightMyRequestResponse = await app.inject({
          method: sub.method,
          url: sub.path,
          headers: {
            ...headers,
            'x-request-id': `${request.id}.${index}`,
            ...(sub.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(sub.body !== undefined ? { payload: JSON.stringify(sub.body) } : {}),
        });
        let body: unknown = response.body;
        if ((response.headers['content-type'] ?? '').toString().includes('json') && response.body)
          body = response.json();
        responses.push({ status: response.statusCode, body });
      }
      return { responses };
    },
  );
};
