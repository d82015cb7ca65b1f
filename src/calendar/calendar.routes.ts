import { z } from 'zod';
import { clientParams } from '../clients/client.schemas.js';
import { defineRoute } from '../http/route.js';
import { isoDate } from '../http/schemas.js';
import {
  calendarFeedListSchema,
  calendarFeedParams,
  createCalendarFeedBody,
  createdCalendarFeedSchema,
} from './calendar-feed.schemas.js';
import * as feeds from './calendar-feed.service.js';
import { clientCalendar } from './calendar.service.js';
import { forecastOutOfRange } from '../forecast/forecast.schemas.js';

export const calendarRoutes = [
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/calendar.ics',
    operationId: 'getClientCalendar',
    summary: "The client's lifecycle calendar (iCalendar): refresh due dates, warranty expirations, renewals",
    description:
      'Subscribe to it from a calendar app. Apps cannot send headers, so this route also accepts a calendar feed ' +
      'token as `?token=` (create one with `POST /clients/{clientId}/calendar-feeds`); an API key is accepted ' +
      'only in the Authorization header, never in the URL.',
    tag: 'Forecasts',
    scope: 'read',
    allowQueryToken: true,
    params: clientParams,
    query: z.strictObject({
      asOf: isoDate.optional(),
      quarters: z.coerce.number().int().min(1).max(40).default(8),
      token: z
        .string()
        .max(200)
        .optional()
        .describe('A calendar feed token of this client, for calendar apps that cannot send headers'),
    }),
    responses: {
      200: { description: 'An iCalendar feed', contentTypes: ['text/calendar'] },
      422: forecastOutOfRange,
    },
    handler: async ({ app, auth, params, query, res }) => {
      const feed = await clientCalendar(app.database.db, auth, params.clientId, {
        asOf: query.asOf ?? app.clock.today(),
        quarters: query.quarters,
        now: app.clock.now(),
      });
      res
        .status(200)
        .type('text/calendar; charset=utf-8')
        .setHeader('Cache-Control', 'private, max-age=300')
        .send(feed);
      return undefined;
    },
  }),
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/calendar-feeds',
    operationId: 'createCalendarFeed',
    summary: "Create a calendar feed token: it reads this client's calendar and nothing else; shown once",
    tag: 'Forecasts',
    scope: 'write',
    params: clientParams,
    body: createCalendarFeedBody,
    responses: { 201: { description: 'The new feed with its token', schema: createdCalendarFeedSchema } },
    handler: async ({ app, auth, params, body }) => ({
      status: 201,
      // The answer carries a secret: no cache may keep it.
      headers: { 'Cache-Control': 'no-store' },
      body: await feeds.createCalendarFeed(app.database.db, auth, params.clientId, body),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/calendar-feeds',
    operationId: 'listCalendarFeeds',
    summary: "List the client's calendar feeds (never their tokens)",
    tag: 'Forecasts',
    scope: 'read',
    params: clientParams,
    responses: { 200: { description: "The client's feeds", schema: calendarFeedListSchema } },
    handler: async ({ app, auth, params }) => ({
      body: await feeds.listCalendarFeeds(app.database.db, auth, params.clientId),
    }),
  }),
  defineRoute({
    method: 'delete',
    path: '/clients/:clientId/calendar-feeds/:feedId',
    operationId: 'deleteCalendarFeed',
    summary: 'Revoke a calendar feed; its token stops working at once',
    tag: 'Forecasts',
    scope: 'write',
    params: calendarFeedParams,
    responses: { 204: { description: 'The feed is revoked' } },
    handler: async ({ app, auth, params }) => {
      await feeds.deleteCalendarFeed(app.database.db, auth, params.clientId, params.feedId);
      return { status: 204 };
    },
  }),
];
