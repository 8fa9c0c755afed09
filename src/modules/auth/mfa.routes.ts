// /auth/mfa/*: TOTP enrolment and removal for the signed-in caller (class `account`). Code-checking
// routes get 10 tries a minute per user: six digits must not be guessable by volume.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import { MfaCodeBody, MfaSetup, RecoveryCodes } from './auth.schemas.js';
import type { MfaService } from './mfa.service.js';

const tags = ['auth'];
const security = [{ bearer: [] }];
const CHECKS_CODE = { routeClass: 'account' as const, rateLimitPerMinute: 10 };

export const mfaRoutes: FastifyPluginAsyncTypebox<{ mfa: MfaService }> = async (app, { mfa }) => {
  app.post(
    '/setup',
    { config: { routeClass: 'account' }, schema: { tags, security, response: { 200: MfaSetup } } },
    async (request) => mfa.setup(requireAuth(request.auth).userId),
  );

  app.post(
    '/verify',
    { config: CHECKS_CODE, schema: { tags, security, body: MfaCodeBody, response: { 200: RecoveryCodes } } },
    async (request) => mfa.verify(requireAuth(request.auth).userId, request.body.code),
  );

  app.post(
    '/disable',
    { config: CHECKS_CODE, schema: { tags, security, body: MfaCodeBody, response: { 204: Type.Null() } } },
    async (request, reply) => {
      await mfa.disable(requireAuth(request.auth).userId, request.body.code);
      return reply.code(204).send(null);
    },
  );
};
