// /api/v2/analytics/* (route class `analytics`): revenue, appointments and the six-figure dashboard.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { requireAuth } from '../../platform/http/auth-context.js';
import { AnalyticsQuery, AppointmentStats, Dashboard, Revenue, SeriesQuery } from './analytics.schemas.js';
import type { AnalyticsService } from './analytics.service.js';

const config = { routeClass: 'analytics' as const };
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
    async (request) => analytics.revenue(requireAuth(request.auth), request.query),
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
    async (request) => analytics.appointments(requireAuth(request.auth), request.query),
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
    async (request) => analytics.dashboard(requireAuth(request.auth), request.query),
  );
};
