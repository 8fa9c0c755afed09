// /auth/*: registration, login, refresh, logout and the e-mail token flows (class `auth`: public, with a
// strict per-IP limit), then the caller's own account (class `account`: authenticated, CSRF for cookie
// sessions, per-user limit). Routes are thin: schema, class, one service call, cookies.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../../config.js';
import { requireAuth } from '../../platform/http/auth-context.js';
import { Me } from '../users/users.schemas.js';
import type { UsersService } from '../users/users.service.js';
import { clearSessionCookies, refreshTokenOf, sessionOf, setSessionCookies } from './auth.cookies.js';
import { InvalidRefreshToken } from './auth.errors.js';
import {
  Accepted,
  ChangePasswordBody,
  ForgotPasswordBody,
  LoginBody,
  RefreshBody,
  RegisterBody,
  ResetPasswordBody,
  TokenPair,
  VerifyEmailBody,
} from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import type { AccessTokens } from './tokens.js';

export interface AuthRoutesDeps {
  auth: AuthService;
  users: UsersService;
  accessTokens: AccessTokens;
  config: Config;
}

/** Login, registration and the reset flow: 10 a minute per IP (and per account, in the service). */
const STRICT = { routeClass: 'auth' as const, rateLimitPerMinute: 10 };
const AUTH = { routeClass: 'auth' as const };
const ACCOUNT = { routeClass: 'account' as const };
const NoContent = { 204: Type.Null() };
const tags = ['auth'];
/** Refresh and logout may come with no body at all (cookie session): validate it as `{}`. */
const emptyBodyAsObject = async (request: { body: unknown }) => {
  request.body ??= {};
};
const security = [{ bearer: [] }];

export const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesDeps> = async (app, deps) => {
  const { auth, users, accessTokens } = deps;
  const secure = deps.config.cookieSecure;
  const origin = (request: { ip: string; headers: { 'user-agent'?: string | undefined } }) => ({
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  });

  app.post(
    '/register',
    { config: STRICT, schema: { tags, body: RegisterBody, response: { 201: TokenPair } } },
    async (request, reply) => {
      const issued = await auth.register(request.body, origin(request));
      setSessionCookies(reply, issued, secure);
      return reply.code(201).send(issued);
    },
  );

  app.post(
    '/login',
    { config: STRICT, schema: { tags, body: LoginBody, response: { 200: TokenPair } } },
    async (request, reply) => {
      const issued = await auth.login(request.body, origin(request));
      setSessionCookies(reply, issued, secure);
      return issued;
    },
  );

  app.post(
    '/refresh',
    {
      config: AUTH,
      preValidation: emptyBodyAsObject,
      schema: { tags, body: RefreshBody, response: { 200: TokenPair } },
    },
    async (request, reply) => {
      const token = refreshTokenOf(request, request.body.refresh_token);
      if (!token) throw InvalidRefreshToken('send refresh_token in the body or the refresh_token cookie');
      const issued = await auth.refresh(token);
      setSessionCookies(reply, issued, secure);
      return issued;
    },
  );

  app.post(
    '/logout',
    {
      config: AUTH,
      preValidation: emptyBodyAsObject,
      schema: { tags, body: RefreshBody, response: NoContent },
    },
    async (request, reply) => {
      const sessionId = sessionOf(request, accessTokens);
      await auth.logout(
        sessionId,
        sessionId ? undefined : refreshTokenOf(request, request.body.refresh_token),
      );
      clearSessionCookies(reply, secure);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/forgot-password',
    { config: STRICT, schema: { tags, body: ForgotPasswordBody, response: { 202: Accepted } } },
    async (request, reply) => {
      await auth.forgotPassword(request.body.email);
      return reply
        .code(202)
        .send({ message: 'If an account uses that e-mail, a reset token is on its way to it.' });
    },
  );

  app.post(
    '/reset-password',
    { config: STRICT, schema: { tags, body: ResetPasswordBody, response: NoContent } },
    async (request, reply) => {
      await auth.resetPassword(request.body.token, request.body.password);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/verify-email',
    { config: STRICT, schema: { tags, body: VerifyEmailBody, response: NoContent } },
    async (request, reply) => {
      await auth.verifyEmail(request.body.token);
      return reply.code(204).send(null);
    },
  );

  app.get('/me', { config: ACCOUNT, schema: { tags, security, response: { 200: Me } } }, async (request) =>
    users.me(requireAuth(request.auth).userId),
  );

  app.post(
    '/logout-all',
    { config: ACCOUNT, schema: { tags, security, response: NoContent } },
    async (request, reply) => {
      await auth.logoutAll(requireAuth(request.auth));
      clearSessionCookies(reply, secure);
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/change-password',
    {
      config: { ...ACCOUNT, rateLimitPerMinute: 10 },
      schema: { tags, security, body: ChangePasswordBody, response: NoContent },
    },
    async (request, reply) => {
      const { current_password, new_password } = request.body;
      await auth.changePassword(requireAuth(request.auth), current_password, new_password);
      return reply.code(204).send(null);
    },
  );
};
