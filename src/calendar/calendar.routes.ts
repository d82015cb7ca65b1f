import { z } from 'zod';
import { clientParams } from '../clients/client.schemas.js';
import { defineRoute } from '../http/route.js';
import { isoDate } from '../http/schemas.js';
import { clientCalendar } from './calendar.service.js';
import { forecastOutOfRange } from '../forecast/forecast.schemas.js';

export const calendarRoutes = [
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/calendar.ics',
    operationId: 'getClientCalendar',
    summary: "The client's lifecycle calendar (iCalendar): refresh due dates, warranty expirations, renewals",
    description:
      'Subscribe to it from a calendar app. Apps cannot send headers, so this route also accepts the key as ' +
      '`?token=`; give it a read key limited to the client.',
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
        .describe('The API key, for calendar apps that cannot send headers'),
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
];
