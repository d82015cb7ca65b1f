import { consoleCookies, safeNext } from '../../../src/console/console-http.js';
import type { AppContext } from '../../../src/app-context.js';
import type { LayoutView } from '../../../src/console/console-templates.js';
import { sessionFormToken, tokensMatch } from '../../../src/console/csrf.js';
import { dashboardQuery, dashboardView } from '../../../src/console/dashboard.pages.js';
import { describeUserAgent } from '../../../src/console/sessions.pages.js';
import type { Dashboard, DashboardClient } from '../../../src/dashboard/dashboard.service.js';

const layout: LayoutView = { title: 'Clients', nav: null };

function client(name: string, fields: Partial<DashboardClient> = {}): DashboardClient {
  return {
    id: `00000000-0000-4000-8000-${String(name.length).padStart(12, '0')}`,
    name,
    currency: 'USD',
    fiscalYearStartMonth: 1,
    vcioName: null,
    nextMeetingOn: null,
    lastIssued: null,
    draftsWaiting: 0,
    overdue: 0,
    dueSoon: 0,
    capexNextQuarters: 0,
    ...fields,
  };
}

const dashboard = (clients: DashboardClient[]): Dashboard => ({
  asOf: '2026-11-22',
  quarters: { from: 'FY2026 Q4', to: 'FY2027 Q3' },
  clients,
});

describe('the dashboard view', () => {
  const book = dashboard([
    client('Bright Smile Dental', { overdue: 17, capexNextQuarters: 7_073_500, nextMeetingOn: '2026-12-26' }),
    client('Harbor & Wright LLP', { overdue: 53, capexNextQuarters: 16_113_500, vcioName: 'Jordan Lee' }),
    client('Riverside Metalworks', { overdue: 119, capexNextQuarters: null, nextMeetingOn: '2026-12-12' }),
  ]);

  it('when sorted by capex descending, then the largest comes first and a client without figures comes last', () => {
    const view = dashboardView(layout, book, dashboardQuery.parse({ sort: 'capex', dir: 'desc' }));
    expect(view.rows.map((row) => row.name)).toEqual([
      'Harbor & Wright LLP',
      'Bright Smile Dental',
      'Riverside Metalworks',
    ]);
    expect(view.rows.map((row) => row.capex)).toEqual(['$161,135.00', '$70,735.00', '—']);
  });

  it('when sorted by next meeting, then clients without a meeting come last either way', () => {
    for (const dir of ['asc', 'desc'] as const) {
      const view = dashboardView(layout, book, dashboardQuery.parse({ sort: 'nextMeeting', dir }));
      expect(view.rows.at(-1)!.name).toBe('Harbor & Wright LLP');
    }
  });

  it('when a column is the current sort, then its link reverses the direction and it says so to screen readers', () => {
    const view = dashboardView(
      layout,
      book,
      dashboardQuery.parse({ q: 'dent', sort: 'overdue', dir: 'desc' }),
    );
    const overdue = view.columns.find((column) => column.label === 'Overdue')!;
    expect(overdue.ariaSort).toBe('descending');
    expect(overdue.href).toBe('/?q=dent&sort=overdue&dir=asc');
    expect(view.columns.find((column) => column.label === 'Client')!.ariaSort).toBe('none');
  });

  it('when searching, then clients match by name or vCIO, case-insensitively', () => {
    expect(
      dashboardView(layout, book, dashboardQuery.parse({ q: 'RIVER' })).rows.map((row) => row.name),
    ).toEqual(['Riverside Metalworks']);
    expect(dashboardView(layout, book, dashboardQuery.parse({ q: 'jordan' })).shown).toBe(1);
    expect(dashboardView(layout, book, dashboardQuery.parse({ q: 'nobody' })).empty).toBe(
      'No client matches this search.',
    );
  });

  it('when an unknown sort is asked for, then the query is refused', () => {
    expect(dashboardQuery.safeParse({ sort: 'password' }).success).toBe(false);
  });
});

describe('console plumbing', () => {
  const contextWith = (publicUrl: string | undefined) => ({ config: { publicUrl } }) as unknown as AppContext;

  it('when PUBLIC_URL is https, then cookies are Secure with the __Host- prefix; over http they are neither', () => {
    const secure = consoleCookies(contextWith('https://planner.example.com'));
    expect(secure.session).toBe('__Host-vcio_session');
    expect(secure.sessionOptions).toMatchObject({ secure: true, httpOnly: true, sameSite: 'lax', path: '/' });
    const plain = consoleCookies(contextWith('http://localhost:3000'));
    expect(plain.session).toBe('vcio_session');
    expect(plain.sessionOptions.secure).toBe(false);
  });

  it('when the form token is checked, then only the token of the same session matches', () => {
    const token = sessionFormToken('session-a');
    expect(tokensMatch(token, token)).toBe(true);
    expect(tokensMatch(token, sessionFormToken('session-b'))).toBe(false);
    expect(tokensMatch(token, undefined)).toBe(false);
    expect(tokensMatch(undefined, token)).toBe(false);
    expect(tokensMatch(token, ['array'])).toBe(false);
  });

  it('when a sign-in names where to go next, then only a path on this site is followed', () => {
    expect(safeNext('/clients/1?granularity=year')).toBe('/clients/1?granularity=year');
    expect(safeNext('//evil.example.com')).toBe('/');
    expect(safeNext('/\\evil.example.com')).toBe('/');
    expect(safeNext('https://evil.example.com')).toBe('/');
    expect(safeNext(undefined)).toBe('/');
  });

  it('when a session lists its browser, then the user agent is said briefly', () => {
    expect(
      describeUserAgent(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0',
      ),
    ).toBe('Edge on Windows');
    expect(describeUserAgent(null)).toBe('Unknown browser');
  });
});
