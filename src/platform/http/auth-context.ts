// Who is calling: set by the authentication hook on authenticated route classes.
import { Unauthenticated } from './errors.js';

export interface AuthContext {
  readonly userId: string;
  readonly sessionId: string;
  readonly isAdmin: boolean;
  readonly via: 'bearer' | 'cookie';
}

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export function requireAuth(auth: AuthContext | null): AuthContext {
  if (!auth) throw Unauthenticated('sign in first');
  return auth;
}
