import ICAL from 'ical.js';
import {
  createAsset,
  createClient,
  createInitiative,
  createRecurringCost,
} from '../support/planner-factories.js';
import { checkedFetch, startTestApp, type TestApp, type Tenant } from '../support/test-app.js';

/**
 * One client whose forecast was computed by hand from SPEC §3 (the arithmetic is in the comments), read through
 * the API as JSON, CSV, a what-if, the portfolio and the calendar feed. Today is 2026-11-22 (fixed clock).
 */
describe('the forecast API', () => {
  let app: TestApp;
  let tenant: Tenant;
  let clientId: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
    const api = tenant.api;
    expect(
      (
        await api.put('/lifecycle-policies/laptop', {
          lifecycleMonths: 36,
          replacementCost: 150_000,
          annualEscalationBps: 1000,
          dueSoonDays: null,
        })
      ).status,
    ).toBe(200);
    clientId = await createClient(api, { fiscalYearStartMonth: 7 });
    const asset = async (key: string, fields: Record<string, unknown>) =>
      (ids[key] = (await createAsset(api, clientId, { name: key, ...fields })).id);
    // A: due 2024-01-31 + 36 months = 2027-01-31 (FY2027 Q3); 2 whole months after asOf → no escalation: 150,000.
    await asset('A', { category: 'laptop', inServiceOn: '2024-01-31' });
    // B: due 2026-03-15 < asOf → overdue, first event on asOf (FY2027 Q2) at its own replacement cost 100,000.
    await asset('B', { category: 'laptop', inServiceOn: '2023-03-15', replacementCost: 100_000 });
    // C: Windows 10 22H2 ends 2025-10-14, before age due 2027-12-10 → end of support, overdue, purchase cost 80,000.
    await asset('C', {
      category: 'desktop',
      purchasedOn: '2024-12-10',
      purchaseCost: 80_000,
      operatingSystem: 'Windows 10 Pro 22H2',
    });
    // D: no date → undated, no event.
    await asset('D', { category: 'laptop' });
    // E: a server with no cost anywhere → unpriced (its event 2028-06-01 is outside the horizon anyway).
    await asset('E', { category: 'server', inServiceOn: '2025-06-01' });
    // F: retired → not counted at all.
    await asset('F', { category: 'laptop', inServiceOn: '2020-01-01', status: 'retired' });
    // H: due 2027-11-22, exactly 12 whole months after asOf → one year of 10 %: 165,000 (FY2028 Q2).
    await asset('H', { category: 'laptop', inServiceOn: '2024-11-22' });
    // I: due 2027-11-21, 11 whole months → no escalation: 150,000 (FY2028 Q2).
    await asset('I', { category: 'laptop', inServiceOn: '2024-11-21' });
    // R1: 2,200 × 10 seats monthly from 2026-01-31 (dates clamp: Feb 28, …), +5 % from the 2027-01-31 anniversary:
    // 2026-11-30 and 2026-12-31 at 22,000; Jan–Dec 2027 at 23,100.
    ids.R1 = (
      await createRecurringCost(api, clientId, {
        name: 'R1',
        amount: 2200,
        quantity: 10,
        interval: 'month',
        startsOn: '2026-01-31',
        annualEscalationBps: 500,
      })
    ).id;
    // R2: 120,000 yearly from 2025-03-01, ends 2027-06-30 → one charge in the horizon, 2027-03-01.
    ids.R2 = (
      await createRecurringCost(api, clientId, {
        name: 'R2',
        amount: 120_000,
        interval: 'year',
        startsOn: '2025-03-01',
        endsOn: '2027-06-30',
      })
    ).id;
    // I1 approved: capex 500,000 on max(2026-10-01, asOf) = asOf; opex 10,000 monthly for 3 months from 2026-10-01 → only 2026-12-01 ≥ asOf.
    ids.I1 = (
      await createInitiative(api, clientId, {
        title: 'I1',
        status: 'approved',
        targetOn: '2026-10-01',
        capexCost: 500_000,
        monthlyOpexCost: 10_000,
        opexMonths: 3,
      })
    ).id;
    // I2 proposed: 300,000 on 2027-02-15, only in the proposed scenario. I3 declined: never.
    ids.I2 = (
      await createInitiative(api, clientId, {
        title: 'I2',
        status: 'proposed',
        targetOn: '2027-02-15',
        capexCost: 300_000,
      })
    ).id;
    await createInitiative(api, clientId, {
      title: 'I3',
      status: 'declined',
      targetOn: '2027-02-15',
      capexCost: 999_999,
    });
  });
  afterAll(() => app.close());

  const cells = (period: any) => [
    period.key,
    period.capex.refresh,
    period.capex.initiatives,
    period.opex.recurring,
    period.opex.initiatives,
    period.total,
    period.refreshCount,
  ];

  it('when the committed forecast is asked by quarter, then every cell equals the hand computation to the cent', async () => {
    const response = await tenant.api.get(`/clients/${clientId}/forecast?periods=5`);
    expect(response.status).toBe(200);
    const forecast = response.body;
    expect(forecast).toMatchObject({
      clientId,
      currency: 'USD',
      asOf: '2026-11-22',
      granularity: 'quarter',
      scenario: 'committed',
      fiscalYearStartMonth: 7,
    });
    expect(forecast.periods.map(cells)).toEqual([
      ['FY2027-Q2', 180_000, 500_000, 44_000, 10_000, 734_000, 2],
      ['FY2027-Q3', 150_000, 0, 69_300 + 120_000, 0, 339_300, 1],
      ['FY2027-Q4', 0, 0, 69_300, 0, 69_300, 0],
      ['FY2028-Q1', 0, 0, 69_300, 0, 69_300, 0],
      ['FY2028-Q2', 315_000, 0, 69_300, 0, 384_300, 2],
    ]);
    expect(forecast.periods[0]).toMatchObject({ label: 'FY2027 Q2', start: '2026-10-01', end: '2026-12-31' });
    expect(forecast.totals).toEqual({
      capex: { refresh: 645_000, initiatives: 500_000, total: 1_145_000 },
      opex: { recurring: 441_200, initiatives: 10_000, total: 451_200 },
      total: 1_596_200,
      refreshCount: 5,
    });
    expect(forecast.counts).toEqual({ undated: 1, unpriced: 1, overdue: 2 });
  });

  it('when items are included, then each period lists the charges that sum to its cells', async () => {
    const { body } = await tenant.api.get(`/clients/${clientId}/forecast?periods=5&include=items`);
    const first = body.periods[0];
    expect(first.items).toEqual([
      {
        type: 'refresh',
        refId: ids.B,
        name: 'B',
        date: '2026-11-22',
        amount: 100_000,
        overdue: true,
        reason: 'age',
        cycle: 0,
      },
      {
        type: 'refresh',
        refId: ids.C,
        name: 'C',
        date: '2026-11-22',
        amount: 80_000,
        overdue: true,
        reason: 'end_of_support',
        cycle: 0,
      },
      {
        type: 'initiative_capex',
        refId: ids.I1,
        name: 'I1',
        date: '2026-11-22',
        amount: 500_000,
        overdue: false,
      },
      { type: 'recurring', refId: ids.R1, name: 'R1', date: '2026-11-30', amount: 22_000, overdue: false },
      {
        type: 'initiative_opex',
        refId: ids.I1,
        name: 'I1',
        date: '2026-12-01',
        amount: 10_000,
        overdue: false,
      },
      { type: 'recurring', refId: ids.R1, name: 'R1', date: '2026-12-31', amount: 22_000, overdue: false },
    ]);
    for (const period of body.periods) {
      expect(period.items.reduce((sum: number, item: { amount: number }) => sum + item.amount, 0)).toBe(
        period.total,
      );
    }
  });

  it('when the proposed scenario is asked, then proposed initiatives join and declined ones still do not', async () => {
    const { body } = await tenant.api.get(`/clients/${clientId}/forecast?periods=5&scenario=proposed`);
    expect(body.periods[1].capex.initiatives).toBe(300_000);
    expect(body.totals.total).toBe(1_596_200 + 300_000);
  });

  it('when laptops get a 48-month what-if, then only the laptop refreshes move', async () => {
    const { body } = await tenant.api.get(
      `/clients/${clientId}/forecast?periods=5&lifecycleMonths=laptop:48`,
    );
    // B: 2023-03-15 + 48 = 2027-03-15 (no longer overdue, FY2027 Q3); A, H and I fall beyond the horizon.
    expect(body.lifecycleOverrides).toEqual({ laptop: 48 });
    expect(body.periods.map((period: any) => period.capex.refresh)).toEqual([80_000, 100_000, 0, 0, 0]);
    expect(body.counts.overdue).toBe(1);
  });

  it('when years are asked, then each fiscal year equals the sum of its quarters', async () => {
    const [years, quarters] = await Promise.all([
      tenant.api.get(`/clients/${clientId}/forecast?granularity=year&periods=2`),
      tenant.api.get(`/clients/${clientId}/forecast?periods=7`),
    ]);
    expect(years.body.periods.map((period: any) => period.key)).toEqual(['FY2027', 'FY2028']);
    const fy2028 = quarters.body.periods.filter((period: any) => period.key.startsWith('FY2028'));
    expect(fy2028).toHaveLength(4);
    expect(years.body.periods[1].total).toBe(
      fy2028.reduce((sum: number, period: any) => sum + period.total, 0),
    );
  });

  it('when CSV is asked, then it has one row per period, fiscal-year subtotals and the same numbers as JSON', async () => {
    const response = await tenant.api.get(`/clients/${clientId}/forecast?periods=5`, { accept: 'text/csv' });
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = response.text
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(rows.map((row) => row[1])).toEqual([
      'period_key',
      'FY2027-Q2',
      'FY2027-Q3',
      'FY2027-Q4',
      'FY2027',
      'FY2028-Q1',
      'FY2028-Q2',
      'FY2028',
      'TOTAL',
    ]);
    // For people: the horizon total in dollars, exact, under a header that names the currency.
    expect(rows[0]![12]).toBe('total_USD');
    expect(rows.at(-1)![12]).toBe('15962.00');
    // For tools: the integers of the JSON under the plain header.
    const json = await tenant.api.get(`/clients/${clientId}/forecast?periods=5`);
    const minor = await tenant.api.get(`/clients/${clientId}/forecast?periods=5&units=minor`, {
      accept: 'text/csv',
    });
    const minorRows = minor.text
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(minorRows[0]![12]).toBe('total');
    expect(minorRows.at(-1)![12]).toBe(String(json.body.totals.total));
    expect(json.body.totals.total).toBe(1_596_200);
    expect(
      (await tenant.api.get(`/clients/${clientId}/forecast`, { accept: 'application/xml' })).status,
    ).toBe(406);
  });

  it.each([
    ['periods=41', 'query.periods'],
    ['granularity=year&periods=11', 'query.periods'],
    ['asOf=2023-02-30', 'query.asOf'],
    ['scenario=optimistic', 'query.scenario'],
    ['lifecycleMonths=toaster:48', 'query.lifecycleMonths'],
    ['lifecycleMonths=laptop:0', 'query.lifecycleMonths'],
    ['include=everything', 'query.include'],
    ['units=cents', 'query.units'],
    ['periods=4&periods=8', 'query.periods'],
    ['lifecycleMonths=laptop:48&lifecycleMonths=laptop:36', 'query.lifecycleMonths'],
    ['colour=blue', 'query.colour'],
  ])('when the query has %s, then the answer is a 400 naming %s', async (query, path) => {
    const response = await tenant.api.get(`/clients/${clientId}/forecast?${query}`);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
  });

  it('when refreshes are levelled under a quarterly cap, then the overdue ones move to the next quarter and the cap holds', async () => {
    const response = await tenant.api.post(`/clients/${clientId}/forecast/level`, {
      periods: 5,
      quarterlyCapexCap: 500_000,
      windowMonths: 3,
    });
    expect(response.status).toBe(200);
    const { forecast, moves, overflow, totals, optimal } = response.body;
    // FY2027 Q2 held 680,000 of capex: the 500,000 initiative cannot move, the two overdue refreshes can.
    expect(moves.map((move: any) => move.name).sort()).toEqual(['B', 'C']);
    expect(overflow).toEqual([]);
    expect(optimal).toBe(true);
    for (const period of forecast.periods) expect(period.capex.total).toBeLessThanOrEqual(500_000);
    expect(totals.refreshBaseCost).toBe(100_000 + 80_000 + 150_000 + 150_000 + 150_000);
    expect(totals.overflowBefore).toBe(180_000);
    expect(totals.overflowAfter).toBe(0);
    const invalid = await tenant.api.post(`/clients/${clientId}/forecast/level`, {
      quarterlyCapexCap: -1,
      windowMonths: 500,
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: any) => error.path).sort()).toEqual([
      'body.quarterlyCapexCap',
      'body.windowMonths',
    ]);
  });

  it('when the portfolio is asked, then the client appears with the same totals as its own forecast', async () => {
    const other = await createClient(tenant.api, { fiscalYearStartMonth: 1 });
    await createAsset(tenant.api, other, { category: 'laptop', inServiceOn: '2024-02-10' });
    const portfolio = await tenant.api.get('/forecast?periods=4');
    expect(portfolio.status).toBe(200);
    expect(portfolio.body.periods.map((period: any) => period.key)).toEqual([
      'FY2026-Q4',
      'FY2027-Q1',
      'FY2027-Q2',
      'FY2027-Q3',
    ]);
    expect(portfolio.body.clients).toHaveLength(2);
    const usd = portfolio.body.currencies.find((entry: any) => entry.currency === 'USD');
    expect(usd.clients).toBe(2);
    const sumOfClients = portfolio.body.clients.reduce(
      (sum: number, client: any) => sum + client.totals.total,
      0,
    );
    expect(usd.totals.total).toBe(sumOfClients);
    // Calendar quarters from 2026-10-01 to 2027-09-30 hold the same charges as the July fiscal quarters FY2027 Q2 to FY2028 Q1.
    const own = await tenant.api.get(`/clients/${clientId}/forecast?periods=4`);
    expect(portfolio.body.clients.find((client: any) => client.clientId === clientId).totals).toEqual(
      own.body.totals,
    );
  });

  it('when lifecycleMonths is repeated, then every value counts, as if they were given comma-separated', async () => {
    const repeated = await tenant.api.get(
      `/clients/${clientId}/forecast?periods=5&lifecycleMonths=desktop:60&lifecycleMonths=laptop:48`,
    );
    expect(repeated.status).toBe(200);
    expect(repeated.body.lifecycleOverrides).toEqual({ desktop: 60, laptop: 48 });
    const listed = await tenant.api.get(
      `/clients/${clientId}/forecast?periods=5&lifecycleMonths=desktop:60,laptop:48`,
    );
    expect(repeated.body.totals).toEqual(listed.body.totals);
    const once = await tenant.api.get(`/clients/${clientId}/forecast?periods=4&periods=8`);
    expect(once.body.errors).toEqual([
      { path: 'query.periods', message: 'must be given once, not repeated' },
    ]);
  });

  it('when the portfolio is asked as CSV, then it has a row per client and period, client totals and book totals per currency, equal to the JSON', async () => {
    // Another MSP's client never appears in this MSP's book.
    const stranger = await app.createTenant();
    const theirs = await createClient(stranger.api, { fiscalYearStartMonth: 1 });
    const json = await tenant.api.get('/forecast?periods=4');
    const response = await tenant.api.get('/forecast?periods=4', { accept: 'text/csv' });
    expect(response.text).not.toContain(theirs);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toMatch(/portfolio-forecast-2026-11-22\.csv/);
    const rows = response.text
      .trimEnd()
      .split('\r\n')
      .map((line) => line.split(','));
    expect(rows[0]).toEqual([
      'row_type',
      'client_id',
      'client_name',
      'currency',
      'period_key',
      'period_label',
      'start',
      'end',
      'capex_USD',
      'opex_USD',
      'total_USD',
      'refresh_count',
      'partial',
      'error',
    ]);
    const clients = json.body.clients as any[];
    expect(rows.filter((row) => row[0] === 'client_period')).toHaveLength(clients.length * 4);
    const cents = (text: string) => Math.round(Number(text.replace('.', '')));
    for (const client of clients) {
      const total = rows.find((row) => row[0] === 'client_total' && row[1] === client.clientId)!;
      expect(cents(total[10]!)).toBe(client.totals.total);
      expect(total[10]).toMatch(/^\d+\.\d\d$/);
    }
    const book = rows.filter((row) => row[0] === 'book_period');
    expect(book.map((row) => row[4])).toEqual(json.body.periods.map((period: any) => period.key));
    const bookTotal = rows.find((row) => row[0] === 'book_total')!;
    expect(cents(bookTotal[10]!)).toBe(json.body.currencies[0].totals.total);

    const minor = await tenant.api.get('/forecast?periods=4&units=minor', { accept: 'text/csv' });
    const minorTotal = minor.text
      .split('\r\n')
      .find((line) => line.startsWith('book_total'))!
      .split(',');
    expect(Number(minorTotal[10])).toBe(json.body.currencies[0].totals.total);
    expect(minor.text.split('\r\n')[0]).toContain(',capex,opex,total,');

    const refused = await tenant.api.get('/forecast', { accept: 'application/xml' });
    expect(refused.status).toBe(406);
    expect(refused.body.code).toBe('not_acceptable');
  });

  it('when the calendar feed is read, then an independent parser finds the refreshes, warranties and renewals', async () => {
    const response = await tenant.api.get(`/clients/${clientId}/calendar.ics?quarters=5`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/calendar/);
    const events = new ICAL.Component(ICAL.parse(response.text))
      .getAllSubcomponents('vevent')
      .map((event) => new ICAL.Event(event));
    const summaries = events.map((event) => `${event.startDate.toString()} ${event.summary}`);
    expect(summaries).toEqual(
      expect.arrayContaining([
        '2026-11-22 Overdue refresh: B',
        '2027-01-31 Refresh due: A',
        '2027-03-01 Renewal: R2',
        '2027-06-30 Contract ends: R2',
        '2027-11-22 Refresh due: H',
      ]),
    );
  });

  it('when a calendar app sends a feed token as ?token=, then the feed is served; an API key or a wrong token is refused', async () => {
    const feed = await tenant.api.post(`/clients/${clientId}/calendar-feeds`, { name: 'Outlook' });
    const ok = await checkedFetch(
      `${app.url}/api/v1/clients/${clientId}/calendar.ics?token=${feed.body.token}`,
    );
    expect(ok.status).toBe(200);
    const apiKey = await checkedFetch(
      `${app.url}/api/v1/clients/${clientId}/calendar.ics?token=${tenant.key}`,
    );
    expect(apiKey.status).toBe(401);
    const refused = await checkedFetch(`${app.url}/api/v1/clients/${clientId}/calendar.ics?token=vcio_wrong`);
    expect(refused.status).toBe(401);
    const elsewhere = await checkedFetch(
      `${app.url}/api/v1/clients/${clientId}/forecast?token=${tenant.key}`,
    );
    expect(elsewhere.status).toBe(401);
  });
});
