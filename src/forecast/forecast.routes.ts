import type { Request, Response } from 'express';
import { AppError } from '../http/errors.js';
import { defineRoute } from '../http/route.js';
import { clientParams } from '../clients/client.schemas.js';
import { forecastToCsv, portfolioToCsv } from './forecast-csv.js';
import {
  clientForecastQuery,
  clientForecastSchema,
  forecastOutOfRange,
  levelForecastBody,
  levelledForecastSchema,
  portfolioQuery,
  portfolioSchema,
} from './forecast.schemas.js';
import * as service from './forecast.service.js';

const tag = 'Forecasts';

const notAcceptable = { description: 'Neither JSON nor CSV is acceptable to the caller (not_acceptable)' };

/** JSON or CSV, by the Accept header (JSON when there is none); a 406 for anything else. */
function acceptedFormat(req: Request): 'application/json' | 'text/csv' {
  const format = req.accepts(['application/json', 'text/csv']);
  if (!format)
    throw new AppError('not_acceptable', 406, 'This resource is available as application/json or text/csv');
  return format as 'application/json' | 'text/csv';
}

function sendCsv(res: Response, filename: string, csv: string): void {
  res
    .status(200)
    .type('text/csv; charset=utf-8')
    .setHeader('Content-Disposition', `attachment; filename="${filename}"`)
    .send(csv);
}

export const forecastRoutes = [
  defineRoute({
    method: 'get',
    path: '/clients/:clientId/forecast',
    operationId: 'getClientForecast',
    summary: "A client's capex/opex forecast by fiscal quarter or year (JSON, or CSV with Accept: text/csv)",
    description:
      'Refresh events from every active or in-storage asset, recurring costs and initiatives of the scenario, by ' +
      "fiscal period of the client's fiscal calendar. With include=items each period lists the charges " +
      'that sum to its cells. lifecycleMonths=laptop:48 is a what-if for this request only. The CSV has one row per ' +
      'period, a subtotal row per fiscal year and a horizon total, with amounts in major units (53240.00) under ' +
      'headers that name the currency (total_USD); units=minor gives integers in minor units for tools.',
    tag,
    scope: 'read',
    params: clientParams,
    query: clientForecastQuery,
    responses: {
      200: { description: 'The forecast', schema: clientForecastSchema, contentTypes: ['text/csv'] },
      406: notAcceptable,
      422: forecastOutOfRange,
    },
    handler: async ({ app, auth, params, query, req, res }) => {
      const format = acceptedFormat(req);
      const forecast = await service.clientForecast(
        app.database.db,
        auth,
        params.clientId,
        query,
        app.clock.today(),
      );
      if (format === 'text/csv') {
        sendCsv(res, `forecast-${forecast.asOf}.csv`, forecastToCsv(forecast, query.units));
        return undefined;
      }
      return { body: forecast };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/clients/:clientId/forecast/level',
    operationId: 'levelClientForecast',
    summary:
      'What-if: level refreshes under a per-quarter capex cap by moving them within a window of months',
    description:
      'Nothing is saved. Answers the levelled forecast, every moved refresh (from, to, months, escalated amount) ' +
      'and the overflow no move can fix. The pre-escalation total of the refreshes never changes.',
    tag,
    scope: 'read',
    params: clientParams,
    body: levelForecastBody,
    responses: {
      200: { description: 'The levelled forecast', schema: levelledForecastSchema },
      422: {
        description:
          'The forecast goes out of the exact range (forecast_out_of_range), or the refresh events times the window ' +
          'are more than 200,000 placements to search (levelling_too_large, naming body.windowMonths)',
      },
    },
    handler: async ({ app, auth, params, body }) => ({
      body: await service.levelClientForecast(
        app.database.db,
        auth,
        params.clientId,
        { ...body, lifecycleMonths: body.lifecycleMonths ?? {} },
        app.clock.today(),
      ),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/forecast',
    operationId: 'getPortfolioForecast',
    summary:
      'The book of business: every client of the MSP in one forecast, per client and per period (JSON, or CSV with ' +
      'Accept: text/csv)',
    description:
      'The CSV is in long format for pivot tables: one client_period row per client and period, a client_total ' +
      'per client, then book_period and book_total rows per currency (amounts in different currencies are never ' +
      'added). Amounts are in major units unless units=minor.',
    tag,
    scope: 'read',
    mspWide: true,
    query: portfolioQuery,
    responses: {
      200: { description: 'The portfolio forecast', schema: portfolioSchema, contentTypes: ['text/csv'] },
      406: notAcceptable,
    },
    handler: async ({ app, auth, query, req, res }) => {
      const format = acceptedFormat(req);
      const portfolio = await service.portfolioForecast(app.database.db, auth, query, app.clock.today());
      if (format === 'text/csv') {
        sendCsv(res, `portfolio-forecast-${portfolio.asOf}.csv`, portfolioToCsv(portfolio, query.units));
        return undefined;
      }
      return { body: portfolio };
    },
  }),
];
