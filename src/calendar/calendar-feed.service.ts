import { generateFeedToken } from '../auth/api-key-secret.js';
import type { Principal } from '../auth/principal.js';
import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { notFound } from '../http/errors.js';
import * as feeds from './calendar-feed.repository.js';
import type { CalendarFeed } from './calendar-feed.repository.js';

/** A new feed token for one client's calendar, answered with its secret, which is never stored or shown again. */
export async function createCalendarFeed(
  db: Executor,
  auth: Principal,
  clientId: string,
  input: { name: string },
): Promise<CalendarFeed & { token: string; path: string }> {
  await getClient(db, auth, clientId);
  const generated = generateFeedToken();
  const feed = await feeds.insertCalendarFeed(db, auth.mspId, {
    clientId,
    name: input.name,
    prefix: generated.prefix,
    hash: generated.hash,
  });
  return {
    ...feed,
    token: generated.secret,
    path: `/clients/${clientId}/calendar.ics?token=${generated.secret}`,
  };
}

export async function listCalendarFeeds(
  db: Executor,
  auth: Principal,
  clientId: string,
): Promise<{ items: CalendarFeed[] }> {
  await getClient(db, auth, clientId);
  return { items: await feeds.listCalendarFeeds(db, auth.mspId, clientId) };
}

/** Revokes a feed by deleting its token; calendar apps using it are refused from the next request on. */
export async function deleteCalendarFeed(
  db: Executor,
  auth: Principal,
  clientId: string,
  feedId: string,
): Promise<void> {
  await getClient(db, auth, clientId);
  if (!(await feeds.deleteCalendarFeed(db, auth.mspId, clientId, feedId))) throw notFound('calendar feed');
}
