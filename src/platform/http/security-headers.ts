// Security headers for browser-facing route classes. Five static headers for a JSON API: set by hand
// rather than through helmet, whose per-request work is mostly about HTML pages we do not serve.
import type { Config } from '../../config.js';
import type { NamedHook } from './route-classes.js';

export function securityHeadersHook(config: Config): NamedHook {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'cross-origin-resource-policy': 'same-origin',
  };
  if (config.cookieSecure) headers['strict-transport-security'] = 'max-age=31536000; includeSubDomains';
  return {
    name: 'security-headers',
    run(_request, reply) {
      reply.headers(headers);
    },
  };
}
