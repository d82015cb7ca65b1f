import type { Page } from 'puppeteer-core';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import { fiscalPeriodKey, fiscalQuarterOf, fiscalYearOf } from '../../src/domain/fiscal-calendar.js';
import {
  SLOW,
  createConsoleUser,
  expectAccessible,
  launchConsoleBrowser,
  screenshots as shoot,
  signIn as signInAt,
  textOf,
  type ConsoleBrowser,
} from '../support/console-browser.js';
import { createAsset, createClient, createInitiative } from '../support/planner-factories.js';
import { apiClient, startTestApp, unique, type ApiClient, type TestApp } from '../support/test-app.js';

/** The page's document, inside `page.evaluate` (the tests compile without the DOM library). */
declare const document: any;

/** The board's column for a target date, computed here from the fiscal calendar as the forecast names quarters. */
function columnKeyOf(targetOn: string | null, fiscalYearStartMonth: number): string {
  if (targetOn === null) return 'unscheduled';
  return fiscalPeriodKey(
    fiscalYearOf(targetOn, fiscalYearStartMonth),
    fiscalQuarterOf(targetOn, fiscalYearStartMonth),
  ).toLowerCase();
}

interface ApiInitiative {
  id: string;
  title: string;
  targetOn: string | null;
  capexCost: number;
  kind: string;
  priority: string;
  assetIds: string[];
  decisions: {
    decision: string;
    decidedBy: string;
    role: string | null;
    via: string;
    recordedBy: string | null;
  }[];
}

describe('initiatives and decisions in the console, in Chromium', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  let api: ApiClient;
  let chromium: ConsoleBrowser;
  let vcio: { email: string; password: string; name: string };
  let viewer: { email: string; password: string; name: string };
  /** Harbor & Wright LLP: a July fiscal year, initiatives in past, current and later quarters. */
  let harbor: { id: string; name: string };

  beforeAll(async () => {
    app = await startTestApp();
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
    chromium = await launchConsoleBrowser();
    vcio = await createConsoleUser(app, demo.msp.id, 'vcio');
    viewer = await createConsoleUser(app, demo.msp.id, 'viewer');
    harbor = demo.clients.find((client) => client.name === 'Harbor & Wright LLP')!;
  }, SLOW);
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  const screenshots = (page: Page, name: string) => shoot(page, 'initiatives', name, ['laptop', 'phone']);
  const signedIn = async (user: { email: string; password: string }) => {
    const page = await chromium.newPage();
    expect(await signInAt(page, app.url, user.email, user.password)).toBe(200);
    return page;
  };
  const submit = async (page: Page, selector: string) => {
    const [response] = await Promise.all([page.waitForNavigation(), page.click(selector)]);
    return response?.status();
  };
  const valueOf = (page: Page, selector: string) =>
    page.$eval(selector, (input) => (input as unknown as { value: string }).value);
  /** A form the person builds by hand in the page (the CSP allows forms to post to the app), sent; its status. */
  const forgePost = async (page: Page, path: string, fields: Record<string, string>) => {
    const [response] = await Promise.all([
      page.waitForNavigation(),
      page.evaluate(
        (action: string, values: Record<string, string>) => {
          const form = document.createElement('form');
          form.method = 'post';
          form.action = action;
          for (const [name, value] of Object.entries(values)) {
            const input = document.createElement('input');
            input.type = 'hidden';
            input.name = name;
            input.value = value;
            form.append(input);
          }
          document.body.append(form);
          form.submit();
        },
        path,
        fields,
      ),
    ]);
    return response?.status();
  };
  const initiativeOf = async (clientId: string, id: string): Promise<ApiInitiative> => {
    const response = await api.get(`/clients/${clientId}/initiatives/${id}`);
    expect(response.status).toBe(200);
    return response.body as ApiInitiative;
  };

  it(
    'when the vCIO opens the board, then each of the API’s initiatives sits in the column of its fiscal quarter',
    async () => {
      const page = await signedIn(vcio);
      expect((await page.goto(`${app.url}/clients/${harbor.id}/initiatives`))?.status()).toBe(200);
      const listed = await api.get(`/clients/${harbor.id}/initiatives?limit=500`);
      const expected = new Map<string, string[]>();
      for (const initiative of listed.body.items as ApiInitiative[]) {
        const key = columnKeyOf(initiative.targetOn, 7);
        expected.set(key, [...(expected.get(key) ?? []), initiative.title].sort());
      }
      const shown = await page.$$eval('section.board-column', (columns) =>
        columns.map((column) => ({
          key: column.getAttribute('aria-labelledby')!.replace(/^column-/, ''),
          heading: column.querySelector('h2')!.textContent!.replace(/\s+/g, ' ').trim(),
          titles: [...column.querySelectorAll('.card h3')].map((title) => title.textContent!.trim()).sort(),
        })),
      );
      for (const [key, titles] of expected) {
        expect(shown.find((column) => column.key === key)?.titles).toEqual(titles);
      }
      expect(shown.reduce((sum, column) => sum + column.titles.length, 0)).toBe(listed.body.items.length);
      // Today (2026-11-22) is in FY2027 Q2 of a July fiscal year; the board starts with the past quarters that hold
      // initiatives, then this quarter and the next seven, then Unscheduled.
      const current = shown.find((column) => column.heading.includes('This quarter'));
      expect(current?.key).toBe('fy2027-q2');
      expect(shown.at(-1)?.key).toBe('unscheduled');
      const mitel = await page.$$eval('.card', (cards) =>
        cards
          .filter((card) => card.querySelector('h3')!.textContent!.includes('Mitel'))
          .map((card) => card.textContent!.replace(/\s+/g, ' ')),
      );
      expect(mitel[0]).toContain('Replacement');
      expect(mitel[0]).toContain('High priority');
      expect(mitel[0]).toContain('$6,500.00');
      expect(mitel[0]).toContain('$930.00/mo, ongoing');
      await expectAccessible(page);
      await screenshots(page, 'board');
      // On a phone the columns stack and the page does not scroll sideways.
      await page.setViewport({
        width: 390,
        height: 844,
        isMobile: true,
        hasTouch: true,
        deviceScaleFactor: 2,
      });
      const layout = await page.evaluate(() => {
        const columns = [...document.querySelectorAll('section.board-column')].map((column) =>
          column.getBoundingClientRect(),
        );
        return {
          overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
          sameLeft: columns.every((box) => Math.abs(box.left - columns[0]!.left) < 1),
        };
      });
      expect(layout.overflow).toBeLessThanOrEqual(0);
      expect(layout.sameLeft).toBe(true);
    },
    SLOW,
  );

  it(
    'when the vCIO creates an initiative with the keyboard alone, moves it a quarter on and links two assets, then the API reads it back so',
    async () => {
      const clientId = await createClient(api, {
        name: unique('Keyboard Dental'),
        fiscalYearStartMonth: 7,
        contactName: 'Ana Ruiz',
      });
      const server = await createAsset(api, clientId, { name: unique('Server Alpha'), category: 'server' });
      const nas = await createAsset(api, clientId, { name: unique('Server NAS'), category: 'storage' });
      await createAsset(api, clientId, { name: unique('Laptop'), category: 'laptop' });
      const page = await signedIn(vcio);
      await page.goto(`${app.url}/clients/${clientId}/initiatives`);

      // Tab to "New initiative" and follow it with Enter.
      const focused = () =>
        page.evaluate(() => {
          const element = document.activeElement;
          return element ? `${element.tagName}:${element.id || element.textContent?.trim()}` : '';
        });
      for (let step = 0; step < 40 && (await focused()) !== 'A:New initiative'; step += 1) {
        await page.keyboard.press('Tab');
      }
      expect(await focused()).toBe('A:New initiative');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      expect(page.url()).toBe(`${app.url}/clients/${clientId}/initiatives/new`);
      await expectAccessible(page);
      await screenshots(page, 'new');

      for (let step = 0; step < 40 && (await focused()) !== 'INPUT:title'; step += 1) {
        await page.keyboard.press('Tab');
      }
      await page.keyboard.type('Replace the file server');
      const order: string[] = [];
      const tabAndType = async (text: string) => {
        await page.keyboard.press('Tab');
        order.push(await focused());
        if (text) await page.keyboard.type(text);
      };
      await tabAndType('Two hosts to one, with the NAS.');
      await tabAndType('r'); // kind: Replacement
      await tabAndType('h'); // priority: High
      await tabAndType(''); // status stays Proposed
      await tabAndType('03152027'); // target date, month/day/year
      // Tab walks the date's month, day and year before it leaves the field.
      for (let step = 0; step < 5 && (await focused()) !== 'INPUT:capexCost'; step += 1) {
        await page.keyboard.press('Tab');
      }
      await page.keyboard.type('12,500.50');
      await tabAndType('250');
      await tabAndType('36');
      expect(order).toEqual([
        'TEXTAREA:summary',
        'SELECT:kind',
        'SELECT:priority',
        'SELECT:status',
        'INPUT:targetOn',
        'INPUT:monthlyOpexCost',
        'INPUT:opexMonths',
      ]);
      const [created] = await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      expect(created?.status()).toBe(200);
      expect(await textOf(page, '.notice')).toBe('Initiative created.');
      const initiativeId = /initiatives\/([0-9a-f-]{36})/.exec(page.url())![1]!;
      let stored = await initiativeOf(clientId, initiativeId);
      expect(stored).toMatchObject({
        title: 'Replace the file server',
        kind: 'replacement',
        priority: 'high',
        status: 'proposed',
        targetOn: '2027-03-15',
        capexCost: 1_250_050,
        monthlyOpexCost: 25_000,
        opexMonths: 36,
        assetIds: [],
      });

      // 2027-03-15 is in FY2027 Q3 (January–March); one quarter on keeps the day: 2027-06-15.
      await page.select('#move-quarter', 'FY2027-Q4');
      expect(await submit(page, '.initiative-head .move button')).toBe(200);
      expect(await textOf(page, '.notice')).toBe('Initiative moved.');
      stored = await initiativeOf(clientId, initiativeId);
      expect(stored.targetOn).toBe('2027-06-15');

      // Find the two servers with the search, tick both and save.
      await page.type('#asset-q', 'Server');
      expect(await submit(page, '#link-assets form[role=search] button')).toBe(200);
      expect(await page.$$eval('#link-assets .checklist li', (items) => items.length)).toBe(2);
      await page.click(`#asset-${server.id}`);
      await page.click(`#asset-${nas.id}`);
      expect(await submit(page, '#link-assets form.checklist button[type=submit]')).toBe(200);
      expect(await textOf(page, '.notice')).toBe('Linked assets saved.');
      stored = await initiativeOf(clientId, initiativeId);
      expect(stored.assetIds).toEqual([server.id, nas.id].sort());
      expect(await textOf(page, '#link-assets')).toContain('2 linked assets');
      await expectAccessible(page);
      await screenshots(page, 'initiative');

      // Back on the board it sits in FY2027 Q4 with its two assets.
      await page.goto(`${app.url}/clients/${clientId}/initiatives`);
      const column = await textOf(page, 'section[aria-labelledby="column-fy2027-q4"]');
      expect(column).toContain('Replace the file server');
      expect(column).toContain('2 linked assets');
      // Moving from the board: to Unscheduled clears the date.
      await page.select(`#move-${initiativeId}`, 'unscheduled');
      expect(await submit(page, `#move-${initiativeId} + button`)).toBe(200);
      expect(await textOf(page, 'section[aria-labelledby="column-unscheduled"]')).toContain(
        'Replace the file server',
      );
      expect((await initiativeOf(clientId, initiativeId)).targetOn).toBeNull();

      // Deleting one without decisions goes through.
      await page.goto(`${app.url}/clients/${clientId}/initiatives/${initiativeId}`);
      expect(await submit(page, '#delete button')).toBe(200);
      expect(await textOf(page, '.notice')).toBe('Initiative deleted.');
      expect((await api.get(`/clients/${clientId}/initiatives/${initiativeId}`)).status).toBe(404);
    },
    SLOW,
  );

  it(
    'when the vCIO types more cents than the currency has or leaves the title empty, then the errors stand next to the fields and the input is kept',
    async () => {
      const clientId = await createClient(api, { name: unique('Errors Dental') });
      const initiative = await createInitiative(api, clientId, {
        title: 'Firewall refresh',
        capexCost: 100_000,
      });
      const page = await signedIn(vcio);
      await page.goto(`${app.url}/clients/${clientId}/initiatives/${initiative.id}`);
      await page.$eval('#title', (input) => ((input as unknown as { value: string }).value = ''));
      await page.$eval('#capexCost', (input) => ((input as unknown as { value: string }).value = ''));
      await page.type('#capexCost', '1,234.567');
      await page.type('#opexMonths', 'forever');
      expect(await submit(page, '.initiative-form button[type=submit]')).toBe(422);
      expect(await textOf(page, '#capexCost-error')).toBe(
        'Capex “1,234.567” has more decimals than USD has (2).',
      );
      expect(await textOf(page, '#title-error')).toBe('Title must not be empty.');
      expect(await textOf(page, '#opexMonths-error')).toBe('Opex months is not a whole number of months.');
      expect(await valueOf(page, '#capexCost')).toBe('1,234.567');
      expect(await valueOf(page, '#opexMonths')).toBe('forever');
      expect(await page.$eval('#capexCost', (input) => input.getAttribute('aria-describedby'))).toContain(
        'capexCost-error',
      );
      expect(await page.$eval('#capexCost', (input) => input.getAttribute('aria-invalid'))).toBe('true');
      await expectAccessible(page);
      await screenshots(page, 'validation');
      // Nothing was written.
      expect(await initiativeOf(clientId, initiative.id)).toMatchObject({
        title: 'Firewall refresh',
        capexCost: 100_000,
      });
    },
    SLOW,
  );

  it(
    'when the vCIO records the client’s approval, then the API shows it via console by the vCIO, the trail lists it, and the initiative can no longer be deleted',
    async () => {
      const clientId = await createClient(api, {
        name: unique('Decisive Dental'),
        contactName: 'Dr. Kim Osei',
      });
      const initiative = await createInitiative(api, clientId, { title: unique('Backup appliance') });
      const other = await createInitiative(api, clientId, { title: unique('Teams Phone') });
      await api.post(`/clients/${clientId}/initiatives/${other.id}/decisions`, {
        decision: 'deferred',
        decidedBy: 'Dr. Kim Osei',
        role: 'Owner',
      });
      const page = await signedIn(vcio);
      await page.goto(`${app.url}/clients/${clientId}/initiatives/${initiative.id}`);
      expect(await valueOf(page, '#decidedBy')).toBe('Dr. Kim Osei');
      await page.click('#decision-approved');
      await page.type('#role', 'Practice owner');
      await page.type('#note', 'Go ahead before the renewal.');
      expect(await submit(page, '.decision-form button[type=submit]')).toBe(200);
      expect(await textOf(page, '.notice')).toBe('Decision recorded.');
      const stored = await initiativeOf(clientId, initiative.id);
      expect(stored.decisions).toEqual([
        expect.objectContaining({
          decision: 'approved',
          decidedBy: 'Dr. Kim Osei',
          role: 'Practice owner',
          note: 'Go ahead before the renewal.',
          via: 'console',
          recordedBy: vcio.name,
        }),
      ]);
      const history = await textOf(page, '#decisions table tbody');
      expect(history).toContain('Approved');
      expect(history).toContain(vcio.name);
      expect(history).toContain('Console');
      await expectAccessible(page);
      await screenshots(page, 'initiative-decided');

      // The trail: newest first, both initiatives; filtered to the console, only this one.
      await page.goto(`${app.url}/clients/${clientId}/decisions`);
      const rows = await page.$$eval('table.decisions tbody tr', (trs) =>
        trs.map((tr) => tr.textContent!.replace(/\s+/g, ' ').trim()),
      );
      expect(rows).toHaveLength(2);
      expect(rows[0]).toContain(initiative.title);
      expect(rows[0]).toContain('Practice owner');
      expect(rows[0]).toContain(vcio.name);
      expect(rows[1]).toContain(other.title);
      expect(rows[1]).toContain('API');
      await expectAccessible(page);
      await screenshots(page, 'decisions');
      await page.select('#filter-via', 'console');
      expect(await submit(page, 'form.filters button')).toBe(200);
      expect(await page.$$eval('table.decisions tbody tr', (trs) => trs.length)).toBe(1);
      await page.select('#filter-via', '');
      await page.select('#filter-decision', 'declined');
      expect(await submit(page, 'form.filters button')).toBe(200);
      expect(await textOf(page, '.empty')).toBe('No decision matches these filters.');

      // With a decision on record the initiative is kept: the service's message says why.
      await page.goto(`${app.url}/clients/${clientId}/initiatives/${initiative.id}`);
      expect(await submit(page, '#delete button')).toBe(409);
      expect(await textOf(page, '#delete [role=alert]')).toBe(
        'The initiative has 1 recorded decision(s), which are kept; change its status instead',
      );
      expect((await api.get(`/clients/${clientId}/initiatives/${initiative.id}`)).status).toBe(200);
    },
    SLOW,
  );

  it(
    'when a viewer opens the pages, then they read without forms and a forged form is refused',
    async () => {
      const clientId = await createClient(api, { name: unique('Read Only Dental') });
      const initiative = await createInitiative(api, clientId, { title: unique('Switch refresh') });
      const page = await signedIn(viewer);
      for (const path of [
        `/clients/${clientId}/initiatives`,
        `/clients/${clientId}/initiatives/${initiative.id}`,
        `/clients/${clientId}/decisions`,
      ]) {
        expect((await page.goto(`${app.url}${path}`))?.status()).toBe(200);
        expect(await page.$$eval('main form[method=post]', (forms) => forms.length)).toBe(0);
        expect(await page.$('a[href$="/initiatives/new"]')).toBeNull();
      }
      await expectAccessible(page);
      await page.goto(`${app.url}/clients/${clientId}/initiatives/${initiative.id}`);
      await expectAccessible(page);
      await screenshots(page, 'viewer-initiative');
      expect((await page.goto(`${app.url}/clients/${clientId}/initiatives/new`))?.status()).toBe(403);
      // A form the viewer builds by hand, with their own valid form token, is still refused.
      const token = await valueOf(page, 'input[name=_csrf]');
      const statuses: (number | undefined)[] = [];
      for (const path of [
        `/clients/${clientId}/initiatives`,
        `/clients/${clientId}/initiatives/${initiative.id}`,
        `/clients/${clientId}/initiatives/${initiative.id}/move`,
        `/clients/${clientId}/initiatives/${initiative.id}/delete`,
      ]) {
        statuses.push(await forgePost(page, path, { _csrf: token, title: 'Forged', quarter: 'unscheduled' }));
      }
      expect(statuses).toEqual([403, 403, 403, 403]);
      const listed = await api.get(`/clients/${clientId}/initiatives`);
      expect(listed.body.items.map((item: ApiInitiative) => item.title)).toEqual([initiative.title]);
    },
    SLOW,
  );

  it(
    "when the vCIO opens another MSP's initiative or decisions, then a 404 page answers",
    async () => {
      const other = await app.createTenant();
      const theirClient = await createClient(other.api, { name: unique('Not Yours Dental') });
      const theirs = await createInitiative(other.api, theirClient, { title: 'Their secret plan' });
      const ours = await createClient(api, { name: unique('Ours Dental') });
      const page = await signedIn(vcio);
      for (const path of [
        `/clients/${theirClient}/initiatives`,
        `/clients/${theirClient}/initiatives/${theirs.id}`,
        `/clients/${ours}/initiatives/${theirs.id}`,
        `/clients/${theirClient}/decisions`,
      ]) {
        const response = await page.goto(`${app.url}${path}`);
        expect(response?.status()).toBe(404);
        expect(await textOf(page, 'h1')).toBe('Page not found');
        expect(await page.content()).not.toContain('Their secret plan');
      }
      const token = await valueOf(page, 'input[name=_csrf]');
      const status = await forgePost(page, `/clients/${ours}/initiatives/${theirs.id}/move`, {
        _csrf: token,
        quarter: 'unscheduled',
      });
      expect(status).toBe(404);
      await expectAccessible(page);
    },
    SLOW,
  );
});
