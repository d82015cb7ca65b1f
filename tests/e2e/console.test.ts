import type { Page } from 'puppeteer-core';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import { moneyFormat } from '../../src/packets/packet-format.js';
import { createUserWithPassword } from '../../src/users/user.service.js';
import {
  SLOW,
  expectAccessible,
  launchConsoleBrowser,
  screenshots as shoot,
  signIn as signInAt,
  textOf,
  type ConsoleBrowser,
} from '../support/console-browser.js';
import { createClient } from '../support/planner-factories.js';
import { apiClient, startTestApp, unique, type ApiClient, type TestApp } from '../support/test-app.js';

describe('the web console in Chromium', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  let api: ApiClient;
  let chromium: ConsoleBrowser;

  beforeAll(async () => {
    app = await startTestApp();
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
    chromium = await launchConsoleBrowser();
  }, SLOW);
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  const newPage = () => chromium.newPage();
  const screenshots = (page: Page, name: string) => shoot(page, 'console', name);
  const signIn = (page: Page, email: string, password: string) => signInAt(page, app.url, email, password);

  it(
    'when the vCIO signs in with the keyboard alone, then the dashboard lists the demo clients with the API’s capex figures',
    async () => {
      const page = await newPage();
      await page.goto(`${app.url}/`);
      expect(page.url()).toBe(`${app.url}/sign-in?next=%2F`);
      await expectAccessible(page);
      await screenshots(page, 'sign-in');
      // The email field has the focus on arrival; Tab walks the form in order and Shift+Tab reaches the skip link.
      const focused = async () =>
        String(
          await page.evaluate(
            "(document.activeElement && (document.activeElement.id || document.activeElement.textContent.trim())) || ''",
          ),
        );
      expect(await focused()).toBe('email');
      const focusOrder: string[] = [];
      for (let step = 0; step < 2; step += 1) {
        await page.keyboard.press('Tab');
        focusOrder.push(await focused());
      }
      expect(focusOrder).toEqual(['password', 'Sign in']);
      const backwards: string[] = [];
      await page.keyboard.down('Shift');
      for (let step = 0; step < 4; step += 1) {
        await page.keyboard.press('Tab');
        backwards.push(await focused());
      }
      await page.keyboard.up('Shift');
      expect(backwards).toEqual(['password', 'email', 'vCIO Planner', 'Skip to content']);
      await page.focus('#email');
      await page.keyboard.type(demo.user.email);
      await page.keyboard.press('Tab');
      await page.keyboard.type(demo.user.password);
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      expect(page.url()).toBe(`${app.url}/`);

      const rows = await page.$$eval('table.clients tbody tr', (trs) =>
        trs.map((tr) =>
          [...tr.querySelectorAll('th, td')].map((cell) => cell.firstChild?.textContent?.trim() ?? ''),
        ),
      );
      expect(rows.map((row) => row[0])).toEqual(demo.clients.map((client) => client.name).sort());
      const portfolio = await api.get('/forecast?granularity=quarter&periods=4');
      expect(portfolio.status).toBe(200);
      for (const row of rows) {
        const figures = portfolio.body.clients.find((client: { name: string }) => client.name === row[0]);
        expect(row[4]).toBe(moneyFormat('USD').money(figures.totals.capex.total));
        expect(Number(row[1])).toBe(figures.counts.overdue);
      }
      await expectAccessible(page);
      await screenshots(page, 'dashboard');

      // Sorting and searching are plain links and a GET form.
      await Promise.all([page.waitForNavigation(), page.click('th[aria-sort] a[href*="sort=capex"]')]);
      const byCapex = await page.$$eval('table.clients tbody th a', (links) =>
        links.map((link) => link.textContent),
      );
      expect(byCapex[0]).toBe('Riverside Metalworks');
      await page.type('#q', 'harbor');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      expect(await page.$$eval('table.clients tbody tr', (trs) => trs.length)).toBe(1);
    },
    SLOW,
  );

  it(
    'when the vCIO opens a client and switches to years with proposed initiatives, then the chart and table show the API’s forecast',
    async () => {
      const page = await newPage();
      expect(await signIn(page, demo.user.email, demo.user.password)).toBe(200);
      const client = demo.clients.find((item) => item.name === 'Riverside Metalworks')!;
      await Promise.all([page.waitForNavigation(), page.click(`a[href="/clients/${client.id}"]`)]);
      expect(await textOf(page, 'h1')).toBe('Riverside Metalworks');
      expect(await page.$$eval('.chart svg rect.bar-capex', (bars) => bars.length)).toBe(12);
      await expectAccessible(page);
      await screenshots(page, 'client');

      await page.click('input[name=granularity][value=year]');
      await page.click('input[name=scenario][value=proposed]');
      await Promise.all([page.waitForNavigation(), page.click('.switches button[type=submit]')]);
      expect(page.url()).toContain('granularity=year');
      const forecast = await api.get(`/clients/${client.id}/forecast?granularity=year&scenario=proposed`);
      expect(forecast.status).toBe(200);
      const money = moneyFormat('USD');
      expect(await textOf(page, 'table.forecast tfoot td:nth-of-type(7)')).toBe(
        money.amount(forecast.body.totals.total),
      );
      expect(await page.$$eval('table.forecast tbody tr', (trs) => trs.length)).toBe(
        forecast.body.periods.length,
      );
      expect(await page.$$eval('.chart svg rect.bar-capex', (bars) => bars.length)).toBe(
        forecast.body.periods.length,
      );
      await screenshots(page, 'client-years');
    },
    SLOW,
  );

  it(
    'when the password is wrong, then the form says so and keeps the email; signing out ends the session',
    async () => {
      const page = await newPage();
      expect(await signIn(page, demo.user.email, 'not the right password')).toBe(401);
      expect(await textOf(page, '[role=alert]')).toBe('That email and password do not match an account.');
      expect(await page.$eval('#email', (input) => (input as unknown as { value: string }).value)).toBe(
        demo.user.email,
      );
      await expectAccessible(page);
      await screenshots(page, 'sign-in-wrong-password');

      expect(await signIn(page, demo.user.email, demo.user.password)).toBe(200);
      await page.goto(`${app.url}/sessions`);
      await expectAccessible(page);
      await screenshots(page, 'sessions');
      await Promise.all([page.waitForNavigation(), page.click('.masthead button[type=submit]')]);
      expect(page.url()).toBe(`${app.url}/sign-in`);
      await page.goto(`${app.url}/`);
      expect(page.url()).toContain('/sign-in');
    },
    SLOW,
  );

  it(
    'when a form is sent without its CSRF token, then it is refused and the session is untouched',
    async () => {
      const page = await newPage();
      await signIn(page, demo.user.email, demo.user.password);
      await page.goto(`${app.url}/sessions`);
      await page.$eval('form.actions input[name=_csrf]', (input) => input.remove());
      const [response] = await Promise.all([page.waitForNavigation(), page.click('form.actions button')]);
      expect(response?.status()).toBe(403);
      expect(await textOf(page, 'h1')).toBe('Form expired');
      await expectAccessible(page);
      const dashboard = await page.goto(`${app.url}/`);
      expect(dashboard?.status()).toBe(200);
    },
    SLOW,
  );

  it(
    'when a viewer opens the users page, then it is refused; an owner sees it',
    async () => {
      const email = `${unique('viewer').replace(' ', '-')}@example.com`;
      await createUserWithPassword(
        app.database.db,
        demo.msp.id,
        { email, name: 'Val Viewer', role: 'viewer' },
        'viewer password 123',
      );
      const page = await newPage();
      await signIn(page, email, 'viewer password 123');
      expect(await page.$('a[href="/users"]')).toBeNull();
      const refused = await page.goto(`${app.url}/users`);
      expect(refused?.status()).toBe(403);
      expect(await textOf(page, 'h1')).toBe('Not allowed');

      const owner = await newPage();
      await signIn(owner, demo.user.email, demo.user.password);
      const users = await owner.goto(`${app.url}/users`);
      expect(users?.status()).toBe(200);
      expect(await textOf(owner, 'table.data tbody')).toContain('Val Viewer');
      await expectAccessible(owner);
      await screenshots(owner, 'users');
    },
    SLOW,
  );

  it(
    "when the vCIO opens another MSP's client or an unknown address, then a 404 page answers",
    async () => {
      const other = await app.createTenant();
      const theirs = await createClient(other.api, { name: unique('Not Yours Dental') });
      const page = await newPage();
      await signIn(page, demo.user.email, demo.user.password);
      const foreign = await page.goto(`${app.url}/clients/${theirs}`);
      expect(foreign?.status()).toBe(404);
      expect(await textOf(page, 'h1')).toBe('Page not found');
      expect(await page.content()).not.toContain('Not Yours Dental');
      const unknown = await page.goto(`${app.url}/settings/nothing-here`);
      expect(unknown?.status()).toBe(404);
      await expectAccessible(page);
      await screenshots(page, 'not-found');
    },
    SLOW,
  );
});
