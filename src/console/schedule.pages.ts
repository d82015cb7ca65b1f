import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import type { Asset } from '../assets/asset.schemas.js';
import { getClient } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import { clientForecast, type ClientForecast } from '../forecast/forecast.service.js';
import { NEAR_TERM_QUARTERS } from '../packets/packet.figures.js';
import { moneyFormat, plural } from '../packets/packet-format.js';
import { CATEGORY_SINGULAR } from '../packets/packet.copy.js';
import { scheduleItemBlocks } from '../packets/packet-schedule.js';
import { clientAssetsById } from './client-assets.js';
import { clientHeader, type ClientHeaderView } from './client-nav.js';
import { formatDateOrDash } from './console-format.js';
import { layoutOf, sendMessage, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';

export const SCHEDULE_QUARTERS = [4, 8, 12] as const;

export const schedulePageQuery = z.object({
  quarters: z.coerce
    .number()
    .int()
    .refine((value) => (SCHEDULE_QUARTERS as readonly number[]).includes(value), 'must be 4, 8 or 12')
    .default(NEAR_TERM_QUARTERS),
  scenario: z.enum(['committed', 'proposed']).default('committed'),
});
export type SchedulePageQuery = z.infer<typeof schedulePageQuery>;

export interface ScheduleRowView {
  name: string;
  href: string | null;
  category: string;
  dueOn: string;
  reason: string;
  cost: string;
  covered: boolean;
}

export interface ScheduleGroupView {
  id: string;
  kind: 'backlog' | 'quarter';
  heading: string;
  summary: string;
  rows: ScheduleRowView[];
}

export interface ScheduleView extends LayoutView {
  header: ClientHeaderView;
  clientId: string;
  options: {
    quarters: { value: number; label: string; selected: boolean }[];
    scenario: { value: string; label: string; checked: boolean }[];
  };
  intro: string;
  groups: ScheduleGroupView[];
  initiativesHref: string;
}

function reasonOf(
  item: { reason?: 'age' | 'end_of_support' | undefined; cycle?: number | undefined },
  asset: Asset | undefined,
): string {
  if (item.reason === 'end_of_support' && item.cycle === 0) return 'End of support';
  const months = asset?.lifecycle.lifecycleMonths;
  if (item.cycle !== undefined && item.cycle > 0) return months ? `Next ${months}-month cycle` : 'Next cycle';
  return months ? `${months}-month lifecycle` : 'Lifecycle';
}

/**
 * The refresh schedule as the packet splits it (scheduleItemBlocks): the overdue backlog first, then each quarter,
 * one row per device with the forecast's charge for it.
 */
export function scheduleView(
  layout: LayoutView,
  client: Pick<Client, 'id' | 'name'>,
  forecast: ClientForecast,
  assets: ReadonlyMap<string, Asset>,
  query: SchedulePageQuery,
): ScheduleView {
  const money = moneyFormat(forecast.currency);
  const blocks = scheduleItemBlocks(forecast.periods, forecast.asOf);
  const groups = blocks.map((block, index): ScheduleGroupView => {
    const rows = block.items
      .map((item) => {
        const asset = assets.get(item.refId);
        // An overdue refresh is charged on asOf; the date it fell due is the asset's own.
        const dueOn = item.overdue ? (asset?.lifecycle.dueOn ?? item.date) : item.date;
        const covered = item.coveredBy !== undefined;
        return {
          sortKey: dueOn,
          view: {
            name: item.name,
            href: asset ? `/clients/${client.id}/assets/${asset.id}` : null,
            category: asset ? CATEGORY_SINGULAR[asset.category] : '—',
            dueOn: formatDateOrDash(dueOn),
            reason: reasonOf(item, asset),
            cost: covered ? 'Covered by an initiative' : money.money(item.amount),
            covered,
          },
        };
      })
      .sort((a, b) => a.sortKey.localeCompare(b.sortKey) || a.view.name.localeCompare(b.view.name))
      .map((row) => row.view);
    const charged = block.items.filter((item) => item.coveredBy === undefined);
    const amount = charged.reduce((sum, item) => sum + item.amount, 0);
    const counted = `${plural(charged.length, 'refresh', 'refreshes')}, ${money.money(amount)}`;
    return {
      id: `schedule-${index}`,
      kind: block.kind,
      heading:
        block.kind === 'backlog'
          ? 'Overdue'
          : `${block.label}${block.partial ? ` (from ${formatDateOrDash(forecast.asOf)})` : ''}`,
      summary:
        block.kind === 'backlog'
          ? `${counted}: past their replacement date, charged on ${formatDateOrDash(forecast.asOf)}`
          : `${counted}, ${formatDateOrDash(block.start)} to ${formatDateOrDash(block.end)}`,
      rows,
    };
  });
  return {
    ...layout,
    header: clientHeader(client, 'schedule'),
    clientId: client.id,
    options: {
      quarters: SCHEDULE_QUARTERS.map((value) => ({
        value,
        label: `Next ${value} quarters`,
        selected: value === query.quarters,
      })),
      scenario: [
        { value: 'committed', label: 'Committed', checked: query.scenario === 'committed' },
        { value: 'proposed', label: 'With proposed initiatives', checked: query.scenario === 'proposed' },
      ],
    },
    intro:
      `Refreshes the forecast charges as of ${formatDateOrDash(forecast.asOf)}, by fiscal quarter; costs are the ` +
      'replacement cost escalated to the date it falls on.',
    groups,
    initiativesHref: `/clients/${client.id}/initiatives`,
  };
}

export function schedulePages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;
  router.get('/clients/:clientId/schedule', async (req, res, next) => {
    const clientId = req.params.clientId;
    if (!z.uuid().safeParse(clientId).success) {
      next();
      return;
    }
    const parsed = schedulePageQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      sendMessage(res, 400, 'Bad request', `The ${issue.path.join('.')} parameter ${issue.message}.`, {
        href: `/clients/${clientId}/schedule`,
        label: 'Back to the schedule',
      });
      return;
    }
    const auth = sessionOf(res).principal;
    const today = context.clock.today();
    const client = await getClient(db, auth, clientId);
    const forecast = await clientForecast(
      db,
      auth,
      clientId,
      {
        granularity: 'quarter',
        periods: parsed.data.quarters,
        scenario: parsed.data.scenario,
        include: 'items',
      },
      today,
    );
    const assets = await clientAssetsById(db, auth, clientId, forecast.asOf);
    sendPage<ScheduleView>(
      res,
      200,
      'schedule',
      scheduleView(
        layoutOf(res, `Refresh schedule · ${client.name}`, req.path),
        client,
        forecast,
        assets,
        parsed.data,
      ),
    );
  });
  return router;
}
