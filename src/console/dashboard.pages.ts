import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { clientDashboard, type Dashboard, type DashboardClient } from '../dashboard/dashboard.service.js';
import { formatDate } from '../packets/packet-format.js';
import { DASH, formatDateOrDash, formatMoney } from './console-format.js';
import { layoutOf, sendMessage, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';

const SORT_KEYS = ['name', 'overdue', 'dueSoon', 'nextMeeting', 'capex', 'lastIssued'] as const;
type SortKey = (typeof SORT_KEYS)[number];

export const dashboardQuery = z.object({
  q: z.string().trim().max(200).optional(),
  sort: z.enum(SORT_KEYS).default('name'),
  dir: z.enum(['asc', 'desc']).default('asc'),
});
export type DashboardQuery = z.infer<typeof dashboardQuery>;

export interface DashboardView extends LayoutView {
  search: string;
  sort: SortKey;
  dir: 'asc' | 'desc';
  quarters: string;
  shown: number;
  total: number;
  columns: { label: string; href: string; ariaSort: 'ascending' | 'descending' | 'none'; numeric: boolean }[];
  rows: {
    href: string;
    name: string;
    vcioName: string;
    overdue: number;
    overdueTone: string;
    dueSoon: number;
    dueSoonTone: string;
    nextMeeting: string;
    capex: string;
    lastIssued: string;
    draftsWaiting: string | null;
  }[];
  waiting: string | null;
  empty: string | null;
}

const COLUMNS: { key: SortKey; label: string; numeric: boolean; firstDir: 'asc' | 'desc' }[] = [
  { key: 'name', label: 'Client', numeric: false, firstDir: 'asc' },
  { key: 'overdue', label: 'Overdue', numeric: true, firstDir: 'desc' },
  { key: 'dueSoon', label: 'Due soon', numeric: true, firstDir: 'desc' },
  { key: 'nextMeeting', label: 'Next meeting', numeric: false, firstDir: 'asc' },
  { key: 'capex', label: 'Capex, next 4 quarters', numeric: true, firstDir: 'desc' },
  { key: 'lastIssued', label: 'Last issued packet', numeric: false, firstDir: 'desc' },
];

/** Sort keys put blanks (no meeting, no packet, no figure) last whichever way the column is sorted. */
function sortValue(client: DashboardClient, key: SortKey): string | number | null {
  switch (key) {
    case 'name':
      return client.name.toLocaleLowerCase('en');
    case 'overdue':
      return client.overdue;
    case 'dueSoon':
      return client.dueSoon;
    case 'nextMeeting':
      return client.nextMeetingOn;
    case 'capex':
      return client.capexNextQuarters;
    case 'lastIssued':
      return client.lastIssued?.issuedAt ?? null;
  }
}

function compare(a: string | number | null, b: string | number | null): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en');
}

function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `/?${text}` : '/';
}

export function dashboardView(
  layout: LayoutView,
  dashboard: Dashboard,
  query: DashboardQuery,
): DashboardView {
  const needle = query.q?.toLocaleLowerCase('en') ?? '';
  const matching = dashboard.clients.filter(
    (client) =>
      needle === '' ||
      client.name.toLocaleLowerCase('en').includes(needle) ||
      (client.vcioName ?? '').toLocaleLowerCase('en').includes(needle),
  );
  const sign = query.dir === 'asc' ? 1 : -1;
  const sorted = [...matching].sort((a, b) => {
    const left = sortValue(a, query.sort);
    const right = sortValue(b, query.sort);
    if (left === null || right === null) return left === right ? 0 : left === null ? 1 : -1;
    return sign * compare(left, right) || compare(a.name, b.name);
  });
  return {
    ...layout,
    search: query.q ?? '',
    sort: query.sort,
    dir: query.dir,
    quarters: `${dashboard.quarters.from} – ${dashboard.quarters.to}`,
    shown: sorted.length,
    total: dashboard.clients.length,
    columns: COLUMNS.map((column) => {
      const current = column.key === query.sort;
      const dir = current ? (query.dir === 'asc' ? 'desc' : 'asc') : column.firstDir;
      return {
        label: column.label,
        numeric: column.numeric,
        href: queryString({ q: query.q, sort: column.key, dir }),
        ariaSort: current ? (query.dir === 'asc' ? 'ascending' : 'descending') : 'none',
      };
    }),
    rows: sorted.map((client) => ({
      href: `/clients/${client.id}`,
      name: client.name,
      vcioName: client.vcioName ?? DASH,
      overdue: client.overdue,
      overdueTone: client.overdue > 0 ? 'alert' : '',
      dueSoon: client.dueSoon,
      dueSoonTone: client.dueSoon > 0 ? 'warn' : '',
      nextMeeting: formatDateOrDash(client.nextMeetingOn),
      capex: formatMoney(client.capexNextQuarters, client.currency),
      lastIssued: client.lastIssued
        ? `${client.lastIssued.periodLabel}, issued ${formatDate(client.lastIssued.issuedAt.slice(0, 10))}`
        : 'None yet',
      draftsWaiting:
        client.draftsWaiting > 0
          ? `${client.draftsWaiting} ${client.draftsWaiting === 1 ? 'draft' : 'drafts'} to issue`
          : null,
    })),
    waiting: waitingLine(dashboard.clients.filter((client) => client.draftsWaiting > 0).length),
    empty:
      dashboard.clients.length === 0
        ? 'No clients yet. Add them through the API or import a CSV with the command line.'
        : sorted.length === 0
          ? 'No client matches this search.'
          : null,
  };
}

/** The book-wide count of clients whose newest packets are drafts nobody has issued yet. */
function waitingLine(clients: number): string | null {
  if (clients === 0) return null;
  return clients === 1
    ? '1 client has packets waiting to be issued.'
    : `${clients} clients have packets waiting to be issued.`;
}

export function dashboardPages(context: AppContext): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const parsed = dashboardQuery.safeParse(req.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      sendMessage(res, 400, 'Bad request', `The ${issue.path.join('.')} parameter ${issue.message}.`, {
        href: '/',
        label: 'All clients',
      });
      return;
    }
    const session = sessionOf(res);
    const dashboard = await clientDashboard(context.database.db, session.principal, context.clock.today());
    sendPage<DashboardView>(
      res,
      200,
      'dashboard',
      dashboardView(layoutOf(res, 'Clients', '/'), dashboard, parsed.data),
    );
  });
  return router;
}
