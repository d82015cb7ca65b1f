import type { Client } from '../clients/client.schemas.js';

/**
 * The client pages' shared header: the client's name and the tabs between its pages. Each page passes the tab it
 * is; the paths are relative to `/clients/<id>`.
 */
export const CLIENT_TABS = [
  { key: 'forecast', path: '', label: 'Forecast' },
  { key: 'what-if', path: '/what-if', label: 'What-if' },
  { key: 'schedule', path: '/schedule', label: 'Refresh schedule' },
  { key: 'assets', path: '/assets', label: 'Inventory' },
  { key: 'initiatives', path: '/initiatives', label: 'Initiatives' },
  { key: 'costs', path: '/costs', label: 'Recurring costs' },
  { key: 'decisions', path: '/decisions', label: 'Decisions' },
  { key: 'packets', path: '/packets', label: 'Packets' },
  { key: 'share-links', path: '/share-links', label: 'Share links' },
] as const;
export type ClientTab = (typeof CLIENT_TABS)[number]['key'];

export interface ClientHeaderView {
  id: string;
  name: string;
  /** The page's own heading under the client's name (the tab's label, or an asset's name on its detail page). */
  heading: string;
  tabs: { href: string; label: string; current: boolean }[];
  presentHref: string;
}

/** The header of a client page; `heading` defaults to the tab's label. */
export function clientHeader(
  client: Pick<Client, 'id' | 'name'>,
  tab: ClientTab,
  heading?: string,
): ClientHeaderView {
  const base = `/clients/${client.id}`;
  return {
    id: client.id,
    name: client.name,
    heading: heading ?? CLIENT_TABS.find((entry) => entry.key === tab)!.label,
    tabs: CLIENT_TABS.map((entry) => ({
      href: `${base}${entry.path}`,
      label: entry.label,
      current: entry.key === tab,
    })),
    presentHref: `${base}/present`,
  };
}
