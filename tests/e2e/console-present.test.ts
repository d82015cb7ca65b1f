import crypto from 'node:crypto';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import { moneyFormat } from '../../src/packets/packet-format.js';
import {
  SLOW,
  clickAndWait,
  createConsoleUser,
  expectAccessible,
  launchConsoleBrowser,
  screenshotDir,
  signIn as signInAt,
  textOf,
  VIEWPORTS,
  type ConsoleBrowser,
} from '../support/console-browser.js';
import { createClient, createInitiative } from '../support/planner-factories.js';
import { apiClient, startTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

/** Present mode is shown on a laptop, a desktop monitor and a meeting room's projector. */
const SCREENS = {
  laptop: { width: 1280, height: 800 },
  desktop: { width: 1440, height: 900 },
  projector: { width: 1920, height: 1080 },
} as const;

interface Initiative {
  id: string;
  title: string;
  status: string;
  decisions: {
    decision: string;
    decidedBy: string;
    role: string | null;
    note: string | null;
    via: string;
    recordedBy: string | null;
  }[];
}

describe('present mode in Chromium', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  let api: ApiClient;
  let chromium: ConsoleBrowser;
  let clientId: string;
  let initiatives: Initiative[];

  beforeAll(async () => {
    app = await startTestApp();
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
    chromium = await launchConsoleBrowser();
    clientId = demo.clients.find((client) => client.name === 'Riverside Metalworks')!.id;
    initiatives = (await api.get(`/clients/${clientId}/initiatives?limit=100`)).body.items;
  }, SLOW);
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  const signIn = (page: Page, email: string, password: string) => signInAt(page, app.url, email, password);
  const present = (suffix = '') => `${app.url}/clients/${clientId}/present${suffix}`;
  const initiativeNamed = (title: string) => initiatives.find((initiative) => initiative.title === title)!;

  /**
   * Whole-page screenshots at each screen size, then back to the laptop's. `fits`: the slide is drawn to the
   * screen's height (the chart and the roadmap shrink to it), so nothing is below the fold.
   */
  async function screenshots(page: Page, name: string, fits = false): Promise<void> {
    const dir = screenshotDir('present');
    for (const [label, viewport] of Object.entries(SCREENS)) {
      await page.setViewport(viewport);
      if (fits)
        expect({ label, height: await page.evaluate('document.documentElement.scrollHeight') }).toEqual({
          label,
          height: viewport.height,
        });
      await page.screenshot({ path: path.join(dir, `${name}-${label}.png`), fullPage: true });
    }
    await page.setViewport(SCREENS.laptop);
  }

  /**
   * A POST made by hand with the user's own form token, as a crafted page would send it: a form put into the page
   * (the CSP lets scripts fetch nothing, but forms may post to the app).
   */
  async function forgePost(
    page: Page,
    action: string,
    fields: Record<string, string>,
  ): Promise<number | undefined> {
    await page.evaluate(`(() => {
      const form = document.createElement('form');
      form.method = 'post';
      form.action = ${JSON.stringify(action)};
      form.id = 'forged';
      for (const [name, value] of Object.entries(${JSON.stringify(fields)})) {
        const input = document.createElement('input');
        input.type = 'hidden';
        input.name = name;
        input.value = value;
        form.append(input);
      }
      document.body.append(form);
    })()`);
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.$eval('#forged', (form) => (form as unknown as { submit(): void }).submit()),
    ]);
    return response?.status();
  }

  /** On a phone too (a vCIO checking the deck before the meeting): nothing wider than the screen. */
  async function phoneScreenshot(page: Page, name: string): Promise<void> {
    await page.setViewport(VIEWPORTS.phone);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      VIEWPORTS.phone.width,
    );
    await page.screenshot({ path: path.join(screenshotDir('present'), `${name}-phone.png`), fullPage: true });
    await page.setViewport(SCREENS.laptop);
  }

  async function press(page: Page, key: Parameters<Page['keyboard']['press']>[0]): Promise<string> {
    await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
    return page.url();
  }

  it(
    'when the vCIO presents from the client page, then the summary shows the API’s forecast and the keyboard walks the slides',
    async () => {
      const page = await chromium.newPage();
      await signIn(page, demo.user.email, demo.user.password);
      await page.goto(`${app.url}/clients/${clientId}`);
      expect(await clickAndWait(page, `a[href="/clients/${clientId}/present"]`)).toBe(200);
      expect(page.url()).toBe(present());

      // The first four quarters of the committed forecast the API answers, and its overdue count.
      const forecast = await api.get(`/clients/${clientId}/forecast?granularity=quarter&periods=12`);
      expect(forecast.status).toBe(200);
      const nearTerm = forecast.body.periods.slice(0, 4) as {
        capex: { total: number };
        opex: { total: number };
      }[];
      const money = moneyFormat('USD');
      expect(await textOf(page, '#capex-next-four')).toBe(
        money.money(nearTerm.reduce((sum, period) => sum + period.capex.total, 0)),
      );
      expect(await textOf(page, '#opex-next-four')).toBe(
        money.money(nearTerm.reduce((sum, period) => sum + period.opex.total, 0)),
      );
      expect(await textOf(page, '#overdue-count')).toBe(String(forecast.body.counts.overdue));
      const dueSoon = await api.get(`/clients/${clientId}/assets?lifecycleStatus=due_soon&limit=500`);
      expect(await textOf(page, '#due-soon-count')).toBe(String(dueSoon.body.items.length));
      const proposed = initiatives.filter((initiative) => initiative.status === 'proposed');
      expect(await page.$$eval('.present-decisions li', (items) => items.length)).toBe(proposed.length);
      // Summary, chart, roadmap, one slide per proposed initiative, and the end.
      const total = 3 + proposed.length + 1;
      expect(await textOf(page, '.present-counter [aria-hidden]')).toBe(`1 / ${total}`);
      expect(await page.$('a[rel=prev]')).toBeNull();
      expect(await page.$('.masthead')).toBeNull();
      await expectAccessible(page);
      await screenshots(page, 'summary');
      await phoneScreenshot(page, 'summary');

      expect(await press(page, 'ArrowRight')).toBe(present('/chart'));
      expect(await textOf(page, '.present-counter [aria-hidden]')).toBe(`2 / ${total}`);
      expect(await page.$$eval('.chart svg rect.bar-capex', (bars) => bars.length)).toBe(12);
      await expectAccessible(page);
      await screenshots(page, 'chart', true);

      expect(await press(page, 'PageDown')).toBe(present('/roadmap'));
      expect(await page.$$eval('.present-timeline g.initiative', (rows) => rows.length)).toBeGreaterThan(0);
      await expectAccessible(page);
      await screenshots(page, 'roadmap', true);

      // Proposed initiatives in the packet's order: by target date.
      const first = await press(page, ' ');
      expect(first).toMatch(new RegExp(`/present/initiatives/[0-9a-f-]{36}$`));
      expect(await textOf(page, '.present-counter [aria-hidden]')).toBe(`4 / ${total}`);
      expect(await press(page, 'ArrowLeft')).toBe(present('/roadmap'));
      expect(await press(page, 'ArrowRight')).toBe(first);
      expect(await press(page, 'PageUp')).toBe(present('/roadmap'));
      expect(await press(page, 'Escape')).toBe(`${app.url}/clients/${clientId}`);

      // Without the script, the links move through the deck.
      await page.setJavaScriptEnabled(false);
      await page.goto(present('/roadmap'));
      expect(await clickAndWait(page, 'a[rel=next]')).toBe(200);
      expect(page.url()).toBe(first);
      expect(await clickAndWait(page, 'a[rel=prev]')).toBe(200);
      expect(page.url()).toBe(present('/roadmap'));
      expect(await clickAndWait(page, 'a.present-exit')).toBe(200);
      expect(page.url()).toBe(`${app.url}/clients/${clientId}`);
      for (const [asset, type] of [
        ['/assets/present.css', 'text/css'],
        ['/assets/js/present.js', 'javascript'],
      ] as const) {
        const response = await page.goto(`${app.url}${asset}`);
        expect(response?.status()).toBe(200);
        expect(response?.headers()['content-type']).toContain(type);
      }
    },
    SLOW,
  );

  it(
    'when the vCIO records the client’s approval on an initiative’s slide, then the API reads it back as said, via the console, by the vCIO',
    async () => {
      const vcio = await createConsoleUser(app, demo.msp.id, 'vcio');
      const page = await chromium.newPage();
      await signIn(page, vcio.email, vcio.password);
      const mdr = initiativeNamed('Managed detection and response');
      const slide = present(`/initiatives/${mdr.id}`);
      await page.goto(slide);
      expect(await textOf(page, 'h1')).toBe('Managed detection and response');
      expect(await textOf(page, '#initiative-opex')).toBe('$1,200.00 a month for 36 months');
      // Prefilled with the client's contact, and the role she gave on her last decision.
      expect(await page.$eval('#decidedBy', (input) => (input as unknown as { value: string }).value)).toBe(
        'Dana Kowalski',
      );
      expect(await page.$eval('#role', (input) => (input as unknown as { value: string }).value)).toBe('COO');
      await expectAccessible(page);
      await screenshots(page, 'initiative');
      await phoneScreenshot(page, 'initiative');

      // Who decided is required: the slide comes back with the error beside the field and nothing recorded.
      await page.$eval('#decidedBy', (input) => ((input as unknown as { value: string }).value = ''));
      expect(await clickAndWait(page, 'button[value=declined]')).toBe(422);
      expect(await page.$eval('#decidedBy', (input) => input.getAttribute('aria-invalid'))).toBe('true');
      expect(await textOf(page, '#decidedBy-error')).toBe('Who decided must not be empty.');
      await expectAccessible(page);
      await screenshots(page, 'initiative-error');
      expect((await api.get(`/clients/${clientId}/initiatives/${mdr.id}`)).body.decisions).toEqual([]);

      await page.type('#decidedBy', 'Dana Kowalski');
      // Enter in a field records nothing: only the three buttons answer.
      await page.keyboard.press('Enter');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(page.url()).toBe(slide);
      expect((await api.get(`/clients/${clientId}/initiatives/${mdr.id}`)).body.decisions).toEqual([]);
      await page.type('#note', 'Start with the servers.');
      expect(await clickAndWait(page, 'button[value=approved]')).toBe(200);
      expect(page.url()).toBe(slide);
      expect(await textOf(page, '.present-decided-head')).toBe('Approved today by Dana Kowalski, COO');
      expect(await textOf(page, '.present-status')).toBe('Approved');
      await expectAccessible(page);
      await screenshots(page, 'initiative-decided');

      const read = await api.get(`/clients/${clientId}/initiatives/${mdr.id}`);
      expect(read.body.status).toBe('approved');
      expect(read.body.decisions).toEqual([
        expect.objectContaining({
          decision: 'approved',
          decidedBy: 'Dana Kowalski',
          role: 'COO',
          note: 'Start with the servers.',
          via: 'console',
          recordedBy: vcio.name,
        }),
      ]);

      // The slide stays in the deck once decided; the end slide lists what was decided today.
      await page.goto(present('/end'));
      expect(await textOf(page, '.present-made')).toContain('Managed detection and response');
      expect(await textOf(page, '.present-made')).toContain('Dana Kowalski, COO');
      expect(await page.$('a[rel=next]')).toBeNull();
      await expectAccessible(page);
      await screenshots(page, 'end');
      expect(await press(page, 'ArrowLeft')).toMatch(/\/present\/initiatives\/[0-9a-f-]{36}$/);
    },
    SLOW,
  );

  it(
    'when a viewer presents, then the slides have no decision form and a forged decision is refused',
    async () => {
      const viewer = await createConsoleUser(app, demo.msp.id, 'viewer');
      const page = await chromium.newPage();
      await signIn(page, viewer.email, viewer.password);
      const token = await page.$eval('.masthead input[name=_csrf]', (input) => input.getAttribute('value'));
      const hmi = initiativeNamed('Replace Windows 7 HMIs on the plant floor');
      const slide = present(`/initiatives/${hmi.id}`);
      expect((await page.goto(slide))?.status()).toBe(200);
      expect(await page.$('form.present-form')).toBeNull();
      expect(await textOf(page, '.present-history')).toContain('Deferred');
      await expectAccessible(page);
      await screenshots(page, 'initiative-viewer');

      const status = await forgePost(page, slide, {
        _csrf: token ?? '',
        decision: 'approved',
        decidedBy: 'Someone',
      });
      expect(status).toBe(403);
      const read = await api.get(`/clients/${clientId}/initiatives/${hmi.id}`);
      expect(read.body.decisions).toHaveLength(1);
      expect(read.body.status).toBe('proposed');
    },
    SLOW,
  );

  it(
    'when the vCIO opens another MSP’s client or initiative in present mode, then the answer is 404',
    async () => {
      const other = await app.createTenant();
      const otherClient = await createClient(other.api);
      const otherInitiative = await createInitiative(other.api, otherClient);
      const page = await chromium.newPage();
      await signIn(page, demo.user.email, demo.user.password);
      for (const address of [
        `/clients/${otherClient}/present`,
        `/clients/${otherClient}/present/chart`,
        `/clients/${otherClient}/present/roadmap`,
        `/clients/${otherClient}/present/end`,
        `/clients/${otherClient}/present/initiatives/${otherInitiative.id}`,
        `/clients/${clientId}/present/initiatives/${otherInitiative.id}`,
        `/clients/${clientId}/present/initiatives/${crypto.randomUUID()}`,
      ]) {
        expect({ address, status: (await page.goto(`${app.url}${address}`))?.status() }).toEqual({
          address,
          status: 404,
        });
      }
      expect(await textOf(page, 'h1')).toBe('Page not found');
      // Decisions on another MSP's initiative are refused before anything is read from the form.
      const token = await page.$eval('.masthead input[name=_csrf]', (input) => input.getAttribute('value'));
      const status = await forgePost(
        page,
        `${app.url}/clients/${otherClient}/present/initiatives/${otherInitiative.id}`,
        {
          _csrf: token ?? '',
          decision: 'approved',
          decidedBy: 'Someone',
        },
      );
      expect(status).toBe(404);
      expect(
        (await other.api.get(`/clients/${otherClient}/initiatives/${otherInitiative.id}`)).body.decisions,
      ).toEqual([]);
    },
    SLOW,
  );
});
