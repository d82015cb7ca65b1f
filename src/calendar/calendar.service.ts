import type { Client } from '../clients/client.schemas.js';
import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { readSnapshot } from '../db/unit-of-work.js';
import { forecastContextFor, planningFactsOf } from '../forecast/forecast-context.js';
import { assetBatches, listInitiatives, listRecurringCosts } from '../forecast/forecast.repository.js';
import { horizonOf } from '../domain/fiscal-calendar.js';
import { assetActionsOf, refreshEventsOf } from '../domain/forecast.js';
import { addMonths } from '../domain/dates.js';
import type { ForecastContext } from '../domain/forecast.types.js';
import type { Principal } from '../auth/principal.js';
import { renderCalendar, type CalendarEvent } from './icalendar.js';

const formatMoney = (amount: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount / 100);

/**
 * The client's lifecycle calendar for the vCIO: refresh due dates, warranty expirations, annual renewals and
 * contract ends over the next `quarters` fiscal quarters.
 */
export async function clientCalendar(
  db: Executor,
  auth: Principal,
  clientId: string,
  options: { asOf: string; quarters: number; now: Date },
): Promise<string> {
  return readSnapshot(db, async (tx) => {
    const client = await getClient(tx, auth, clientId);
    const context = forecastContextFor(
      {
        asOf: options.asOf,
        granularity: 'quarter',
        periods: options.quarters,
        fiscalYearStartMonth: client.fiscalYearStartMonth,
      },
      await planningFactsOf(tx, auth, clientId),
    );
    return calendarOf(tx, auth, client, context, options);
  });
}

async function calendarOf(
  db: Executor,
  auth: Principal,
  client: Client,
  context: ForecastContext,
  options: { asOf: string; now: Date },
): Promise<string> {
  const horizon = horizonOf(context);
  const end = horizon.periods.at(-1)!.end;
  const within = (date: string | null): date is string =>
    date !== null && date >= options.asOf && date <= end;
  const events: CalendarEvent[] = [];
  // The committed plan: an approved replacement moves its assets' refreshes, an approved upgrade its OS end.
  const actions = assetActionsOf(await listInitiatives(db, auth.mspId, client.id), context);

  for await (const batch of assetBatches(db, auth.mspId, { clientId: client.id })) {
    for (const asset of batch) {
      for (const event of refreshEventsOf(asset, context, actions)) {
        const reason =
          event.reason === 'end_of_support' ? 'operating system end of support' : 'end of lifecycle';
        events.push({
          uid: `refresh-${asset.id}-${event.date}@vcio-planner`,
          date: event.date,
          summary: `${event.overdue ? 'Overdue refresh' : 'Refresh due'}: ${asset.name}`,
          description: `${client.name}: replace ${asset.name} (${asset.category}), ${reason}. Budget ${formatMoney(event.amount, client.currency)}.`,
          categories: ['Refresh'],
        });
      }
      if (within(asset.warrantyExpiresOn)) {
        events.push({
          uid: `warranty-${asset.id}-${asset.warrantyExpiresOn}@vcio-planner`,
          date: asset.warrantyExpiresOn,
          summary: `Warranty expires: ${asset.name}`,
          description: `${client.name}: the warranty of ${asset.name} (${asset.category}) ends.`,
          categories: ['Warranty'],
        });
      }
    }
  }

  for (const cost of await listRecurringCosts(db, auth.mspId, client.id)) {
    if (cost.interval === 'year') {
      for (let year = 0; ; year += 1) {
        const date = addMonths(cost.startsOn, 12 * year);
        if (date > end || (cost.endsOn !== null && date > cost.endsOn)) break;
        if (date < options.asOf) continue;
        events.push({
          uid: `renewal-${cost.id}-${date}@vcio-planner`,
          date,
          summary: `Renewal: ${cost.name}`,
          description: `${client.name}: ${cost.name}${cost.vendor ? ` (${cost.vendor})` : ''} renews.`,
          categories: ['Renewal'],
        });
      }
    }
    if (within(cost.endsOn)) {
      events.push({
        uid: `contract-end-${cost.id}-${cost.endsOn}@vcio-planner`,
        date: cost.endsOn,
        summary: `Contract ends: ${cost.name}`,
        description: `${client.name}: ${cost.name}${cost.vendor ? ` (${cost.vendor})` : ''} ends; renew, replace or cancel.`,
        categories: ['Renewal'],
      });
    }
  }
  events.sort((a, b) => (a.date === b.date ? a.uid.localeCompare(b.uid) : a.date < b.date ? -1 : 1));
  return renderCalendar({
    name: `${client.name} — lifecycle`,
    description: `Refreshes, warranties and renewals for ${client.name}`,
    generatedAt: options.now,
    events,
  });
}
