import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { getClient } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import { clientForecast, type ClientForecast } from '../forecast/forecast.service.js';
import { budgetChart, type ChartView } from '../packets/packet-chart.js';
import { moneyFormat } from '../packets/packet-format.js';
import { PARTIAL } from '../packets/packet.copy.js';
import { clientHeader, type ClientHeaderView } from './client-nav.js';
import { DASH, formatDateOrDash } from './console-format.js';
import { layoutOf, sendMessage, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';

export const clientPageQuery = z.object({
  granularity: z.enum(['quarter', 'year']).default('quarter'),
  scenario: z.enum(['committed', 'proposed']).default('committed'),
});
export type ClientPageQuery = z.infer<typeof clientPageQuery>;

export interface ClientView extends LayoutView {
  header: ClientHeaderView;
  client: {
    id: string;
    name: string;
    currency: string;
    vcioName: string;
    contact: string;
    nextMeeting: string;
    fiscalYear: string;
  };
  options: {
    granularity: { value: string; label: string; checked: boolean }[];
    scenario: { value: string; label: string; checked: boolean }[];
  };
  summary: { label: string; value: string; tone: string }[];
  chart: ChartView;
  table: {
    caption: string;
    rows: {
      label: string;
      /** A partial first period says where it starts. */
      partialNote: string | null;
      refresh: string;
      initiativesCapex: string;
      capex: string;
      recurring: string;
      initiativesOpex: string;
      opex: string;
      total: string;
      refreshCount: number;
    }[];
    totals: {
      refresh: string;
      initiativesCapex: string;
      capex: string;
      recurring: string;
      initiativesOpex: string;
      opex: string;
      total: string;
      refreshCount: number;
    };
  };
  notes: string[];
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function clientView(
  layout: LayoutView,
  client: Client,
  forecast: ClientForecast,
  query: ClientPageQuery,
): ClientView {
  const money = moneyFormat(forecast.currency);
  const cell = (amount: number) => (amount === 0 ? DASH : money.amount(amount));
  const scenarioLabel = query.scenario === 'committed' ? 'Committed' : 'Committed and proposed';
  return {
    ...layout,
    header: clientHeader(client, 'forecast'),
    client: {
      id: client.id,
      name: client.name,
      currency: forecast.currency,
      vcioName: client.vcioName ?? DASH,
      contact: client.contactName ?? DASH,
      nextMeeting: formatDateOrDash(client.nextMeetingOn),
      fiscalYear: `Starts in ${MONTHS[client.fiscalYearStartMonth - 1]}`,
    },
    options: {
      granularity: [
        { value: 'quarter', label: 'By quarter', checked: query.granularity === 'quarter' },
        { value: 'year', label: 'By fiscal year', checked: query.granularity === 'year' },
      ],
      scenario: [
        {
          value: 'committed',
          label: 'Committed (approved and in progress)',
          checked: query.scenario === 'committed',
        },
        { value: 'proposed', label: 'With proposed initiatives', checked: query.scenario === 'proposed' },
      ],
    },
    summary: [
      { label: 'Capex over the horizon', value: money.money(forecast.totals.capex.total), tone: '' },
      { label: 'Opex over the horizon', value: money.money(forecast.totals.opex.total), tone: '' },
      { label: 'Refreshes', value: String(forecast.totals.refreshCount), tone: '' },
      {
        label: 'Overdue',
        value: String(forecast.counts.overdue),
        tone: forecast.counts.overdue > 0 ? 'alert' : '',
      },
    ],
    chart: budgetChart(
      forecast.periods.map((period) => ({
        label: period.label,
        capex: period.capex.total,
        opex: period.opex.total,
        refreshCount: period.refreshCount,
        // The console's chart draws the overdue backlog inside the first period's capex, as the table counts it.
        backlog: 0,
        partial: period.partial,
      })),
      money,
      PARTIAL,
    ),
    table: {
      caption: `${scenarioLabel} forecast in ${forecast.currency}, as of ${formatDateOrDash(forecast.asOf)}`,
      rows: forecast.periods.map((period) => ({
        label: period.label,
        partialNote: period.partial ? `from ${formatDateOrDash(forecast.asOf)}` : null,
        refresh: cell(period.capex.refresh),
        initiativesCapex: cell(period.capex.initiatives),
        capex: cell(period.capex.total),
        recurring: cell(period.opex.recurring),
        initiativesOpex: cell(period.opex.initiatives),
        opex: cell(period.opex.total),
        total: cell(period.total),
        refreshCount: period.refreshCount,
      })),
      totals: {
        refresh: cell(forecast.totals.capex.refresh),
        initiativesCapex: cell(forecast.totals.capex.initiatives),
        capex: cell(forecast.totals.capex.total),
        recurring: cell(forecast.totals.opex.recurring),
        initiativesOpex: cell(forecast.totals.opex.initiatives),
        opex: cell(forecast.totals.opex.total),
        total: cell(forecast.totals.total),
        refreshCount: forecast.totals.refreshCount,
      },
    },
    notes: [
      ...(forecast.counts.undated > 0
        ? [`${forecast.counts.undated} asset(s) have no in-service or purchase date and are not forecast.`]
        : []),
      ...(forecast.counts.unpriced > 0
        ? [`${forecast.counts.unpriced} refresh(es) have no replacement cost and count as zero.`]
        : []),
    ],
  };
}

export function clientPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;
  router.get('/clients/:clientId', async (req, res, next) => {
    const clientId = req.params.clientId;
    if (!z.uuid().safeParse(clientId).success) {
      next();
      return;
    }
    const parsed = clientPageQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      sendMessage(res, 400, 'Bad request', `The ${issue.path.join('.')} parameter ${issue.message}.`, {
        href: `/clients/${clientId}`,
        label: 'Back to the client',
      });
      return;
    }
    const auth = sessionOf(res).principal;
    const today = context.clock.today();
    const client = await getClient(db, auth, clientId);
    const forecast = await clientForecast(db, auth, clientId, parsed.data, today);
    sendPage<ClientView>(
      res,
      200,
      'client',
      clientView(layoutOf(res, client.name, `/clients/${client.id}`), client, forecast, parsed.data),
    );
  });
  return router;
}
