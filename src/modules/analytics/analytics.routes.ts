// /api/v2/analytics/* (route class `analytics`): revenue, appointments and the six-figure dashboard.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import { AnalyticsQuery, AppointmentStats, Dashboard, Revenue, SeriesQuery } from './analytics.schemas.js';
import type { AnalyticsService } from './analytics.service.js';

const config = { routeClass: 'analytics' as const };
// The service answers finished JSON (cached); the response schemas document it, and `as never` tells
// the type provider that a Buffer body is that JSON.
const JSON_TYPE = 'application/json; charset=utf-8';
const tags = ['analytics'];
const security = [{ bearer: [] }];

export const analyticsRoutes: FastifyPluginAsyncTypebox<{ analytics: AnalyticsService }> = async (
  app,
  { analytics },
) => {
  app.get(
    '/revenue',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Revenue totals and series of a location or one barber',
        querystring: SeriesQuery,
        response: { 200: Revenue },
      },
    },
    async (request, reply) =>
      reply
        .type(JSON_TYPE)
        .send((await analytics.revenueJson(requireAuth(request.auth), request.query)) as never),
  );

  app.get(
    '/appointments',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'Appointment counts by status, no-show and cancellation rates, and their series',
        querystring: SeriesQuery,
        response: { 200: AppointmentStats },
      },
    },
    async (request, reply) =>
      reply
        .type(JSON_TYPE)
        .send((await analytics.appointmentsJson(requireAuth(request.auth), request.query)) as never),
  );

  app.get(
    '/dashboard',
    {
      config,
      schema: {
        tags,
        security,
        summary: 'The six-figure barber dashboard',
        querystring: AnalyticsQuery,
        response: { 200: Dashboard },
      },
    },
    async (request, reply) =>
      reply
        .type(JSON_TYPE)
        .send((await analytics.dashboardJson(requireAuth(request.auth), request.query)) as never),
  );
};
