// GET|PATCH /users/profile: the caller's own profile. Only name and phone can change.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import { ProfilePatch, User } from './users.schemas.js';
import type { UsersService } from './users.service.js';

export interface UsersRoutesDeps {
  users: UsersService;
}

export const usersRoutes: FastifyPluginAsyncTypebox<UsersRoutesDeps> = async (app, { users }) => {
  const config = { routeClass: 'account' as const };
  const security = [{ bearer: [] }];

  app.get(
    '/profile',
    { config, schema: { tags: ['users'], security, response: { 200: User } } },
    async (request) => users.profileOf(requireAuth(request.auth).userId),
  );

  app.patch(
    '/profile',
    { config, schema: { tags: ['users'], security, body: ProfilePatch, response: { 200: User } } },
    async (request) => users.updateProfile(requireAuth(request.auth).userId, request.body),
  );
};
