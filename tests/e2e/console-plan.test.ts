import type { Page } from 'puppeteer-core';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import { minorToDecimal } from '../../src/domain/money.js';
import { formatDate, moneyFormat } from '../../src/packets/packet-format.js';
import {
  SLOW,
  clickAndWait,
  createConsoleUser,
  expectAccessible,
  launchConsoleBrowser,
  screenshots as shoot,
  signIn as signInAt,
  textOf,
  type ConsoleBrowser,
} from '../support/console-browser.js';
import { createClient } from '../support/planner-factories.js';
import { apiClient, startTestApp, unique, type ApiClient, type TestApp } from '../support/test-app.js';

interface Period {
  key: string;
  label: string;
  capex: { total: number };
  total: number;
  refreshCount: number;
  items?: { type: string; name: string; overdue: boolean }[];
}

describe('the client planning pages in Chromium', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  let api: ApiClient;
  let chromium: ConsoleBrowser;
  let client: { id: string; name: string };
  const money = moneyFormat('USD');

  beforeAll(async () => {
    app = await startTestApp();
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
    chromium = await launchConsoleBrowser();
    client = demo.clients.find((item) => item.name === 'Riverside Metalworks')!;
  }, SLOW);
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  const screenshots = (page: Page, name: string) => shoot(page, 'plan', name, ['laptop', 'phone']);
  const signedIn = async (user: { email: string; password: string } = demo.user) => {
    const page = await chromium.newPage();
    expect(await signInAt(page, app.url, user.email, user.password)).toBe(200);
    return page;
  };
  const cells = (page: Page, selector: string) =>
    page.$$eval(selector, (found) =>
      found.map((cell) => (cell.textContent ?? '').replace(/\s+/g, ' ').trim()),
    );
  /**
   * Nothing in the page's content is wider than a phone: wide tables scroll inside their own region. (The masthead
   * is the layout's, checked with the dashboard.)
   */
  const expectNoPageOverflow = async (page: Page) => {
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    const overflowing = await page.$$eval('main *', (elements) =>
      elements
        // Inside a region that scrolls (a table, the client tabs), overflow is that region's to show.
        .filter((element) => {
          const styleOf = (found: unknown) =>
            (
              globalThis as unknown as { getComputedStyle(found: unknown): { overflowX: string } }
            ).getComputedStyle(found);
          for (
            let parent = element.parentElement;
            parent && parent.tagName !== 'MAIN';
            parent = parent.parentElement
          )
            if (styleOf(parent).overflowX !== 'visible') return false;
          return true;
        })
        .filter((element) => element.getBoundingClientRect().right > 391)
        .map((element) => element.outerHTML.slice(0, 80)),
    );
    expect(overflowing).toEqual([]);
    await page.setViewport({ width: 1280, height: 800 });
  };

  it(
    'when the vCIO opens the forecast at 1280 wide, then the table fits its panel and its total row has every column',
    async () => {
      const page = await signedIn();
      await page.goto(`${app.url}/clients/${client.id}`);
      const forecast = await api.get(`/clients/${client.id}/forecast`);
      const totals = forecast.body.totals;
      expect(await cells(page, 'table.forecast tfoot td')).toEqual(
        [
          totals.capex.refresh,
          totals.capex.initiatives,
          totals.capex.total,
          totals.opex.recurring,
          totals.opex.initiatives,
          totals.opex.total,
          totals.total,
        ]
          .map((amount: number) => (amount === 0 ? '—' : money.amount(amount)))
          .concat(String(totals.refreshCount)),
      );
      const fits = await page.$eval(
        'table.forecast',
        (table) => table.parentElement!.scrollWidth <= table.parentElement!.clientWidth,
      );
      expect(fits).toBe(true);
      await expectAccessible(page);
      await screenshots(page, 'forecast');
    },
    SLOW,
  );

  it(
    'when the vCIO compares plan A with plan B and then keeps laptops two years longer, then each fiscal year shows the API’s totals and their difference',
    async () => {
      const page = await signedIn();
      await page.goto(`${app.url}/clients/${client.id}`);
      expect(await clickAndWait(page, `.client-tabs a[href="/clients/${client.id}/what-if"]`)).toBe(200);
      const plans = async () =>
        page.$$eval('input.months', (inputs) =>
          inputs.map((input) => [
            (input as unknown as { name: string }).name,
            (input as unknown as { value: string }).value,
          ]),
        );
      const expectApiFigures = async () => {
        const entries = await plans();
        const param = (plan: 'a' | 'b') =>
          entries
            .filter(([name]) => name!.startsWith(`${plan}_`))
            .map(([name, value]) => `${name!.slice(2)}:${value}`)
            .join(',');
        const forecastOf = (plan: 'a' | 'b') =>
          api.get(`/clients/${client.id}/forecast?granularity=year&lifecycleMonths=${param(plan)}`);
        const a = await forecastOf('a');
        const b = await forecastOf('b');
        expect(a.status).toBe(200);
        expect(b.status).toBe(200);
        expect(await cells(page, 'table.comparison tbody td.plan-a')).toEqual(
          a.body.periods.map((period: Period) => money.money(period.total)),
        );
        expect(await cells(page, 'table.comparison tbody td.plan-b')).toEqual(
          b.body.periods.map((period: Period) => money.money(period.total)),
        );
        const difference = b.body.totals.total - a.body.totals.total;
        expect(await textOf(page, 'table.comparison tfoot td.difference')).toBe(
          difference === 0 ? '—' : `${difference > 0 ? '+' : '−'}${money.money(Math.abs(difference))}`,
        );
        return { a: a.body, b: b.body };
      };
      // Plan A is the policy, plan B twelve months longer.
      const before = await plans();
      const laptopA = Number(before.find(([name]) => name === 'a_laptop')![1]);
      expect(Number(before.find(([name]) => name === 'b_laptop')![1])).toBe(laptopA + 12);
      const first = await expectApiFigures();
      expect(first.b.totals.refreshCount).toBeLessThan(first.a.totals.refreshCount);
      await expectAccessible(page);
      await screenshots(page, 'what-if');
      await expectNoPageOverflow(page);

      await page.$eval('#what-if-b_laptop', (input) => ((input as unknown as { value: string }).value = ''));
      await page.type('#what-if-b_laptop', String(laptopA + 24));
      expect(await clickAndWait(page, '.what-if-form button[type=submit]')).toBe(200);
      expect(page.url()).toContain(`b_laptop=${laptopA + 24}`);
      const second = await expectApiFigures();
      expect(second.b.totals.total).not.toBe(first.b.totals.total);

      // A month count out of range is refused next to its field, and nothing is compared.
      await page.$eval('#what-if-a_laptop', (input) => ((input as unknown as { value: string }).value = '0'));
      expect(await clickAndWait(page, '.what-if-form button[type=submit]')).toBe(400);
      expect(await page.$eval('#what-if-a_laptop', (input) => input.getAttribute('aria-invalid'))).toBe(
        'true',
      );
      expect(await textOf(page, '#what-if-a_laptop-error')).toBe(
        'must be a whole number of months from 1 to 600',
      );
      expect(await page.$('table.comparison')).toBeNull();
      await expectAccessible(page);
    },
    SLOW,
  );

  it(
    'when the vCIO levels under a quarterly capex cap, then the levelled quarters and what moved are the API’s',
    async () => {
      const original = await api.get(`/clients/${client.id}/forecast?periods=12`);
      const highest = Math.max(...original.body.periods.map((period: Period) => period.capex.total));
      const cap = Math.round((highest * 0.8) / 100) * 100;
      const body = { quarterlyCapexCap: cap, windowMonths: 3, periods: 12 };
      const levelled = await api.post(`/clients/${client.id}/forecast/level`, body);
      expect(levelled.status).toBe(200);
      expect(levelled.body.optimal).toBe(true);
      expect(levelled.body.moves.length).toBeGreaterThan(0);

      const page = await signedIn();
      await page.goto(`${app.url}/clients/${client.id}/what-if`);
      await page.type('#what-if-cap', minorToDecimal(cap, 2));
      await page.$eval('#what-if-window', (input) => ((input as unknown as { value: string }).value = '3'));
      expect(await clickAndWait(page, '.level-form button[type=submit]')).toBe(200);
      expect(await cells(page, 'table.levelled tbody td.original')).toEqual(
        original.body.periods.map((period: Period) => money.money(period.capex.total)),
      );
      expect(await cells(page, 'table.levelled tbody td.levelled')).toEqual(
        levelled.body.forecast.periods.map((period: Period) => money.money(period.capex.total)),
      );
      const moves = await page.$$eval('table.moves tbody tr', (rows) =>
        rows.map((row) => [...row.children].map((cell) => (cell.textContent ?? '').trim())),
      );
      expect(moves).toEqual(
        levelled.body.moves.map(
          (move: { name: string; fromDate: string; toDate: string; monthsMoved: number; amount: number }) => [
            move.name,
            formatDate(move.fromDate),
            formatDate(move.toDate),
            `${move.monthsMoved > 0 ? '+' : '−'}${Math.abs(move.monthsMoved)}`,
            money.money(move.amount),
          ],
        ),
      );
      await expectAccessible(page);
      await screenshots(page, 'what-if-levelled');
      await expectNoPageOverflow(page);

      // A cap that is not money stays in its field with the reason beside it.
      await page.$eval('#what-if-cap', (input) => ((input as unknown as { value: string }).value = 'lots'));
      expect(await clickAndWait(page, '.level-form button[type=submit]')).toBe(400);
      expect(await page.$eval('#what-if-cap', (input) => (input as unknown as { value: string }).value)).toBe(
        'lots',
      );
      expect(await textOf(page, '#what-if-cap-error')).toContain('is not an amount of money');
      expect(await page.$('table.levelled')).toBeNull();
    },
    SLOW,
  );

  it(
    'when the vCIO opens the refresh schedule, then the overdue devices come first and each quarter lists the API’s refreshes',
    async () => {
      const forecast = await api.get(`/clients/${client.id}/forecast?periods=4&include=items`);
      const refreshes = (period: Period, overdue: boolean) =>
        (period.items ?? [])
          .filter((item) => item.type === 'refresh' && item.overdue === overdue)
          .map((item) => item.name)
          .sort();
      const overdue = refreshes(forecast.body.periods[0], true);
      expect(overdue.length).toBeGreaterThan(0);

      const page = await signedIn();
      await page.goto(`${app.url}/clients/${client.id}`);
      expect(await clickAndWait(page, `.client-tabs a[href="/clients/${client.id}/schedule"]`)).toBe(200);
      const headings = await cells(page, '.schedule-group h2');
      expect(headings[0]).toBe('Overdue');
      expect(headings.slice(1).map((heading) => heading.replace(/ \(from .*\)$/, ''))).toEqual(
        forecast.body.periods.map((period: Period) => period.label),
      );
      const groups = await page.$$('.schedule-group');
      const namesOf = async (group: number) =>
        (
          await groups[group]!.$$eval('tbody th', (found) =>
            found.map((cell) => (cell.textContent ?? '').trim()),
          )
        ).sort();
      expect(await namesOf(0)).toEqual(overdue);
      expect(await namesOf(1)).toEqual(refreshes(forecast.body.periods[0], false));
      expect(await namesOf(2)).toEqual(refreshes(forecast.body.periods[1], false));
      await expectAccessible(page);
      await screenshots(page, 'schedule');
      await expectNoPageOverflow(page);
    },
    SLOW,
  );

  it(
    'when the vCIO adds, edits and deletes a recurring cost, then the API reads back each change; bad input stays in the form',
    async () => {
      const page = await signedIn();
      await page.goto(`${app.url}/clients/${client.id}`);
      expect(await clickAndWait(page, `.client-tabs a[href="/clients/${client.id}/costs"]`)).toBe(200);
      await expectAccessible(page);
      const name = unique('Backup licences');

      // Ends before it starts and an amount that is not money: both marked, the name kept.
      await page.type('#cost-name', name);
      await page.type('#cost-amount', 'twelve');
      await page.$eval(
        '#cost-startsOn',
        (input) => ((input as unknown as { value: string }).value = '2027-03-01'),
      );
      await page.$eval(
        '#cost-endsOn',
        (input) => ((input as unknown as { value: string }).value = '2027-01-01'),
      );
      expect(await clickAndWait(page, '.cost-form button[type=submit]')).toBe(422);
      expect(await page.$eval('#cost-name', (input) => (input as unknown as { value: string }).value)).toBe(
        name,
      );
      expect(await page.$eval('#cost-amount', (input) => input.getAttribute('aria-describedby'))).toBe(
        'cost-amount-error',
      );
      expect(await textOf(page, '#cost-amount-error')).toContain('is not an amount of money');
      expect(await textOf(page, '#cost-endsOn-error')).toBe('must be on or after startsOn');
      await expectAccessible(page);
      await screenshots(page, 'costs-errors');
      const listed = async () =>
        (await api.get(`/clients/${client.id}/recurring-costs?q=${encodeURIComponent(name)}`)).body.items;
      expect(await listed()).toEqual([]);

      await page.$eval(
        '#cost-amount',
        (input) => ((input as unknown as { value: string }).value = '1,234.50'),
      );
      await page.$eval('#cost-endsOn', (input) => ((input as unknown as { value: string }).value = ''));
      await page.type('#cost-vendor', 'Acme Backup');
      await page.$eval('#cost-quantity', (input) => ((input as unknown as { value: string }).value = '3'));
      await page.select('#cost-interval', 'year');
      await page.$eval(
        '#cost-escalation',
        (input) => ((input as unknown as { value: string }).value = '2.5'),
      );
      expect(await clickAndWait(page, '.cost-form button[type=submit]')).toBe(200);
      expect(page.url()).toBe(`${app.url}/clients/${client.id}/costs?done=added`);
      expect(await textOf(page, '.notice')).toBe('The recurring cost was added.');
      const [added] = await listed();
      expect(added).toMatchObject({
        name,
        vendor: 'Acme Backup',
        amount: 123450,
        quantity: 3,
        interval: 'year',
        startsOn: '2027-03-01',
        endsOn: null,
        annualEscalationBps: 250,
      });
      const row = await page.$$eval(
        'table.costs tbody tr',
        (rows, wanted) => {
          const found = rows.find((tr) => tr.querySelector('th')?.textContent === wanted)!;
          return [...found.querySelectorAll('td')].map((cell) => (cell.textContent ?? '').trim());
        },
        name,
      );
      expect(row.slice(0, 9)).toEqual([
        'Acme Backup',
        '$1,234.50',
        '3',
        'Yearly',
        'Mar 1, 2027',
        'Open-ended',
        '2.5%',
        money.money(Math.round((123450 * 3) / 12)),
        money.money(123450 * 3),
      ]);
      await screenshots(page, 'costs');
      await expectNoPageOverflow(page);

      expect(await clickAndWait(page, `a[href="/clients/${client.id}/costs/${added.id}"]`)).toBe(200);
      expect(await page.$eval('#cost-amount', (input) => (input as unknown as { value: string }).value)).toBe(
        '1234.50',
      );
      await expectAccessible(page);
      await screenshots(page, 'cost-edit');
      await page.$eval('#cost-quantity', (input) => ((input as unknown as { value: string }).value = '5'));
      await page.$eval(
        '#cost-endsOn',
        (input) => ((input as unknown as { value: string }).value = '2029-02-28'),
      );
      expect(await clickAndWait(page, '.cost-form button[type=submit]')).toBe(200);
      expect(await textOf(page, '.notice')).toBe('The recurring cost was saved.');
      const saved = await api.get(`/clients/${client.id}/recurring-costs/${added.id}`);
      expect(saved.body).toMatchObject({ quantity: 5, endsOn: '2029-02-28', amount: 123450 });

      await page.goto(`${app.url}/clients/${client.id}/costs/${added.id}`);
      expect(await clickAndWait(page, 'form[action$="/delete"] button')).toBe(200);
      expect(await textOf(page, '.notice')).toBe('The recurring cost was deleted.');
      expect((await api.get(`/clients/${client.id}/recurring-costs/${added.id}`)).status).toBe(404);
      expect(await page.content()).not.toContain(name);
    },
    SLOW,
  );

  it(
    'when a viewer opens the recurring costs, then there are no forms, and a forged POST is refused 403',
    async () => {
      const viewer = await createConsoleUser(app, demo.msp.id, 'viewer');
      const page = await signedIn(viewer);
      const costs = await page.goto(`${app.url}/clients/${client.id}/costs`);
      expect(costs?.status()).toBe(200);
      expect(await page.$$('table.costs tbody tr')).not.toHaveLength(0);
      expect(await page.$('form.cost-form')).toBeNull();
      expect(await page.$(`a[href^="/clients/${client.id}/costs/"]`)).toBeNull();
      await expectAccessible(page);
      await screenshots(page, 'costs-viewer');
      const before = (await api.get(`/clients/${client.id}/recurring-costs?limit=500`)).body.items.length;
      // A form the page never showed them, with the viewer's own form token (the CSP allows no fetch).
      const [response] = await Promise.all([
        page.waitForNavigation(),
        page.$eval(
          'input[name=_csrf]',
          (input, action) => {
            const form = input.ownerDocument.createElement('form');
            form.method = 'post';
            form.action = action;
            const fields = {
              _csrf: (input as unknown as { value: string }).value,
              name: 'Forged',
              amount: '10',
              quantity: '1',
              interval: 'month',
              startsOn: '2027-01-01',
            };
            for (const [name, value] of Object.entries(fields)) {
              const field = input.ownerDocument.createElement('input');
              field.name = name;
              field.value = value;
              form.append(field);
            }
            input.ownerDocument.body.append(form);
            form.submit();
          },
          `/clients/${client.id}/costs`,
        ),
      ]);
      const status = response?.status();
      expect(status).toBe(403);
      expect((await api.get(`/clients/${client.id}/recurring-costs?limit=500`)).body.items).toHaveLength(
        before,
      );
      const [cost] = (await api.get(`/clients/${client.id}/recurring-costs`)).body.items;
      expect((await page.goto(`${app.url}/clients/${client.id}/costs/${cost.id}`))?.status()).toBe(403);
      // Reading the planning pages is fine.
      expect((await page.goto(`${app.url}/clients/${client.id}/what-if`))?.status()).toBe(200);
      expect((await page.goto(`${app.url}/clients/${client.id}/schedule`))?.status()).toBe(200);
    },
    SLOW,
  );

  it(
    "when the vCIO opens another MSP's client on a planning page, then a 404 page answers",
    async () => {
      const other = await app.createTenant();
      const theirs = await createClient(other.api, { name: unique('Not Yours Dental') });
      const created = await other.api.post(`/clients/${theirs}/recurring-costs`, {
        name: 'Their licences',
        amount: 1000,
        interval: 'month',
        startsOn: '2027-01-01',
      });
      expect(created.status).toBe(201);
      const page = await signedIn();
      for (const path of ['what-if', 'schedule', 'costs', `costs/${created.body.id}`]) {
        const response = await page.goto(`${app.url}/clients/${theirs}/${path}`);
        expect(response?.status()).toBe(404);
        expect(await textOf(page, 'h1')).toBe('Page not found');
      }
      // Their cost under our own client is not found either.
      const mixed = await page.goto(`${app.url}/clients/${client.id}/costs/${created.body.id}`);
      expect(mixed?.status()).toBe(404);
    },
    SLOW,
  );
});
