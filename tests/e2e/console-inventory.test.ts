import type { Page } from 'puppeteer-core';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import { formatDate } from '../../src/packets/packet-format.js';
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
  VIEWPORTS,
} from '../support/console-browser.js';
import { createAsset, createClient, createInitiative } from '../support/planner-factories.js';
import { apiClient, startTestApp, unique, type ApiClient, type TestApp } from '../support/test-app.js';

const ASSETS = 1000;
const CATEGORIES = ['laptop', 'desktop', 'server', 'printer'] as const;
const MODELS = ['Latitude 5440', 'OptiPlex 7010', 'PowerEdge R650', 'LaserJet M404'];

/** A client's inventory as an RMM would sync it: mixed categories, ages, blanks, and some retired devices. */
function inventory(count: number) {
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(4, '0');
    const kind = index % CATEGORIES.length;
    const year = 2019 + (index % 8);
    const month = String((index % 12) + 1).padStart(2, '0');
    return {
      externalId: `rmm-${number}`,
      name: `Device ${number}`,
      category: CATEGORIES[kind],
      manufacturer: 'Dell',
      model: MODELS[kind],
      serialNumber: `SN-${number}`,
      assignedTo: index % 5 === 0 ? 'Front desk' : `User ${index % 40}`,
      inServiceOn: index % 17 === 0 ? null : `${year}-${month}-15`,
      replacementCost: index % 11 === 0 ? null : 90_000 + (index % 7) * 10_000,
      status: index % 23 === 0 ? 'retired' : 'active',
    };
  });
}

describe('the console inventory in Chromium', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  let api: ApiClient;
  let chromium: ConsoleBrowser;
  let clientId: string;

  beforeAll(async () => {
    app = await startTestApp();
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
    chromium = await launchConsoleBrowser();
    clientId = await createClient(api, { name: unique('Harborview Logistics') });
    const synced = await api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'ninjaone',
      assets: inventory(ASSETS),
    });
    expect(synced.status).toBe(200);
    expect(synced.body.created).toBe(ASSETS);
  }, SLOW);
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  const signIn = async (email = demo.user.email, password = demo.user.password) => {
    const page = await chromium.newPage();
    expect(await signInAt(page, app.url, email, password)).toBe(200);
    return page;
  };
  /** Screenshots at the laptop and phone sizes; on the phone, nothing makes the page wider than the screen. */
  const screenshots = async (page: Page, name: string) => {
    await page.setViewport(VIEWPORTS.phone);
    const overflow = await page.evaluate(() => {
      const root = (
        globalThis as unknown as {
          document: { documentElement: { scrollWidth: number; clientWidth: number } };
        }
      ).document.documentElement;
      return root.scrollWidth - root.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await shoot(page, 'inventory', name, ['laptop', 'phone']);
  };
  const rowNames = (page: Page) =>
    page.$$eval('table.inventory tbody th a', (links) => links.map((link) => link.textContent ?? ''));
  /** Every asset the API lists for the query, following its cursors. */
  const apiNames = async (query: string, limit = 50, pages = 1): Promise<string[][]> => {
    const out: string[][] = [];
    let cursor: string | null = null;
    for (let page = 0; page < pages; page += 1) {
      const response: { status: number; body: { items: { name: string }[]; nextCursor: string | null } } =
        await api.get(
          `/clients/${clientId}/assets?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
        );
      expect(response.status).toBe(200);
      out.push(response.body.items.map((item: { name: string }) => item.name));
      cursor = response.body.nextCursor;
      if (!cursor) break;
    }
    return out;
  };
  const apiCount = async (query: string) => (await apiNames(query, 500, 100)).flat().length;

  it(
    'when the vCIO searches, filters and pages the inventory, then each page shows the rows the API returns for the same query',
    async () => {
      const page = await signIn();
      const started = Date.now();
      expect((await page.goto(`${app.url}/clients/${clientId}/assets`))?.status()).toBe(200);
      const firstLoad = Date.now() - started;
      expect(await textOf(page, '#inventory-showing')).toBe('Showing 1–50 of 1,000 assets.');
      const [firstPage] = await apiNames('');
      expect(await rowNames(page)).toEqual(firstPage);
      expect(await textOf(page, '.client-tabs a[aria-current=page]')).toBe('Inventory');
      await expectAccessible(page);
      await screenshots(page, 'inventory');

      // Search and filters are one GET form, sent with the keyboard.
      await page.type('#inventory-q', 'latitude');
      await page.select('#inventory-category', 'laptop');
      await page.select('#inventory-lifecycle', 'overdue');
      await page.focus('#inventory-q');
      await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
      const query = 'q=latitude&category=laptop&lifecycleStatus=overdue';
      expect(page.url()).toContain(query);
      const total = await apiCount(query);
      expect(total).toBeGreaterThan(50);
      const [filteredFirst, filteredSecond] = await apiNames(query, 50, 2);
      expect(await rowNames(page)).toEqual(filteredFirst);
      expect(await textOf(page, '#inventory-showing')).toBe(`Showing 1–50 of ${total} assets that match.`);
      expect(
        await page.$$eval('table.inventory tbody .status-tag', (tags) => [
          ...new Set(tags.map((tag) => tag.textContent)),
        ]),
      ).toEqual(['Overdue']);

      expect(await clickAndWait(page, '.pager a[rel=next]')).toBe(200);
      expect(page.url()).toContain('page=2');
      expect(await rowNames(page)).toEqual(filteredSecond);
      expect(await textOf(page, '#inventory-showing')).toBe(
        `Showing 51–${50 + filteredSecond!.length} of ${total} assets that match.`,
      );
      expect(await textOf(page, '.pager a[aria-current=page]')).toBe('2');
      await expectAccessible(page);
      await screenshots(page, 'inventory-filtered-page-2');

      // The last page of the whole list, by its page link, is the API's 20th page.
      await page.goto(`${app.url}/clients/${clientId}/assets`);
      expect(await clickAndWait(page, '.pager a[href$="page=20"]')).toBe(200);
      expect(await textOf(page, '#inventory-showing')).toBe('Showing 951–1,000 of 1,000 assets.');
      expect(await rowNames(page)).toEqual((await apiNames('', 50, 20))[19]);

      // Sorting by the refresh due date puts the earliest due first; undated and retired go last.
      await page.goto(`${app.url}/clients/${clientId}/assets`);
      const sortedAt = Date.now();
      expect(await clickAndWait(page, 'th a[href*="sort=dueOn"]')).toBe(200);
      const sortedLoad = Date.now() - sortedAt;
      const all: { name: string; lifecycle: { dueOn: string | null } }[] = [];
      let cursor: string | null = null;
      do {
        const response: { body: { items: typeof all; nextCursor: string | null } } = await api.get(
          `/clients/${clientId}/assets?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
        );
        all.push(...response.body.items);
        cursor = response.body.nextCursor;
      } while (cursor);
      const earliest = all
        .map((asset) => asset.lifecycle.dueOn)
        .filter((due): due is string => due !== null)
        .sort()[0]!;
      expect(await textOf(page, 'table.inventory tbody tr:first-child td:nth-of-type(4)')).toBe(
        formatDate(earliest),
      );
      expect(await page.$eval('th[aria-sort=ascending]', (th) => th.textContent?.trim())).toBe('Refresh due');
      // A 1,000-asset client: generous bounds for a shared machine, to catch a page that reads everything slowly.
      expect(firstLoad).toBeLessThan(5000);
      expect(sortedLoad).toBeLessThan(5000);
    },
    SLOW,
  );

  it(
    "when the vCIO opens an asset, then it shows the API's lifecycle dates and where each date came from",
    async () => {
      const page = await signIn();
      const listed = await api.get(`/clients/${clientId}/assets?q=Device%200002&limit=1`);
      const asset = listed.body.items[0];
      expect(asset.lifecycle.dueOn).not.toBeNull();
      const initiative = await createInitiative(api, clientId, {
        title: unique('Replace the front-desk PCs'),
        kind: 'replacement',
        targetOn: '2027-03-01',
        assetIds: [asset.id],
      });
      await page.goto(`${app.url}/clients/${clientId}/assets?q=Device+0002`);
      expect(await clickAndWait(page, `a[href="/clients/${clientId}/assets/${asset.id}"]`)).toBe(200);
      expect(await textOf(page, 'h2')).toContain('Device 0002');
      const tiles = await page.$$eval('.tiles li', (items) =>
        items.map((item) => [
          item.querySelector('.tile-label')?.textContent,
          item.querySelector('.tile-value')?.textContent,
        ]),
      );
      expect(Object.fromEntries(tiles)).toMatchObject({
        'In service since': formatDate(asset.inServiceOn),
        'Refresh due': formatDate(asset.lifecycle.dueOn),
      });
      const provenance = await page.$$eval('table.provenance tbody tr', (rows) =>
        rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim())),
      );
      expect(provenance).toContainEqual([
        'In service on',
        formatDate(asset.inServiceOn),
        'From a sync with ninjaone',
      ]);
      expect(provenance).toContainEqual(['Purchased on', '—', 'Not recorded']);
      expect(await textOf(page, '.linked-initiatives')).toBe(
        `${initiative.title} Replaces it · Proposed — decision needed · target Mar 1, 2027`,
      );
      expect(await textOf(page, '.lifecycle-used span')).toMatch(
        new RegExp(`of ${asset.lifecycle.lifecycleMonths} months used`),
      );
      await expectAccessible(page);
      await screenshots(page, 'asset');
    },
    SLOW,
  );

  it(
    'when the vCIO edits an asset, then the API reads the change; a bad amount is shown next to its field with the input kept',
    async () => {
      const asset = await createAsset(api, clientId, {
        name: unique('Reception PC'),
        category: 'desktop',
        model: 'OptiPlex 3000',
        inServiceOn: '2021-03-01',
      });
      const page = await signIn();
      await page.goto(`${app.url}/clients/${clientId}/assets/${asset.id}`);
      expect(await clickAndWait(page, '.asset-actions a[href$="/edit"]')).toBe(200);
      await page.$eval('#asset-model', (input) => ((input as unknown as { value: string }).value = ''));
      await page.type('#asset-model', 'OptiPlex 7020');
      await page.type('#asset-replacementCost', 'twelve hundred');
      await page.type('#asset-lifecycleMonths', '48');
      expect(await clickAndWait(page, '.asset-form button[type=submit]')).toBe(422);
      expect(await textOf(page, '#asset-replacementCost-error')).toBe(
        'Replacement cost is not an amount of money (e.g. 1234.56 or $1,234.56).',
      );
      expect(
        await page.$eval('#asset-replacementCost', (input) => [
          (input as unknown as { value: string }).value,
          input.getAttribute('aria-invalid'),
          input.getAttribute('aria-describedby'),
        ]),
      ).toEqual(['twelve hundred', 'true', 'asset-replacementCost-hint asset-replacementCost-error']);
      expect(await page.$eval('#asset-model', (input) => (input as unknown as { value: string }).value)).toBe(
        'OptiPlex 7020',
      );
      expect(await textOf(page, '[role=alert]')).toContain('1 field needs a fix.');
      const unchanged = await api.get(`/clients/${clientId}/assets/${asset.id}`);
      expect(unchanged.body.model).toBe('OptiPlex 3000');
      await expectAccessible(page);
      await screenshots(page, 'asset-edit-error');

      await page.$eval(
        '#asset-replacementCost',
        (input) => ((input as unknown as { value: string }).value = ''),
      );
      await page.type('#asset-replacementCost', '1,450.00');
      expect(await clickAndWait(page, '.asset-form button[type=submit]')).toBe(200);
      expect(page.url()).toBe(`${app.url}/clients/${clientId}/assets/${asset.id}?done=saved`);
      expect(await textOf(page, '.notice')).toBe('The asset was saved.');
      const saved = await api.get(`/clients/${clientId}/assets/${asset.id}`);
      expect(saved.body).toMatchObject({
        model: 'OptiPlex 7020',
        replacementCost: 145_000,
        lifecycleMonths: 48,
        inServiceOn: '2021-03-01',
        lifecycle: { lifecycleMonths: 48, dueOn: '2025-03-01', status: 'overdue' },
      });

      // Resetting the clock records today as the in-service date; retiring stops the clock.
      expect(await clickAndWait(page, 'form[action$="/reset-clock"] button')).toBe(200);
      const reset = await api.get(`/clients/${clientId}/assets/${asset.id}`);
      expect(reset.body.inServiceOn).toBe(app.context.clock.today());
      expect(reset.body.dateSources.inServiceOn).toBe('manual');
      expect(reset.body.lifecycle).toMatchObject({ status: 'ok', dueOn: '2030-11-22' });
      expect(await textOf(page, '.notice')).toContain('The refresh clock restarts today');
      await screenshots(page, 'asset-after-reset');
      expect(await clickAndWait(page, 'form[action$="/retire"] button')).toBe(200);
      const retired = await api.get(`/clients/${clientId}/assets/${asset.id}`);
      expect(retired.body).toMatchObject({ status: 'retired', lifecycle: { status: 'inactive' } });
      expect(await page.$('form[action$="/retire"]')).toBeNull();
    },
    SLOW,
  );

  it(
    'when a viewer opens an asset, then there are no forms, and an edit or a forged POST is refused',
    async () => {
      const asset = await createAsset(api, clientId, { name: unique('Viewer laptop') });
      const viewer = await createConsoleUser(app, demo.msp.id, 'viewer');
      const page = await signIn(viewer.email, viewer.password);
      expect((await page.goto(`${app.url}/clients/${clientId}/assets/${asset.id}`))?.status()).toBe(200);
      expect(await page.$$('main form')).toEqual([]);
      expect(await page.$('a[href$="/edit"]')).toBeNull();
      await expectAccessible(page);
      const edit = await page.goto(`${app.url}/clients/${clientId}/assets/${asset.id}/edit`);
      expect(edit?.status()).toBe(403);
      expect(await textOf(page, 'h1')).toBe('Not allowed');

      // A form built by hand with the viewer's own (valid) form token: the role, not the token, refuses it.
      for (const path of ['retire', 'reset-clock', '']) {
        await page.goto(`${app.url}/clients/${clientId}/assets/${asset.id}`);
        // The form is built in the page (the CSP allows posting to the app only), as a crafted page would.
        await page.evaluate(
          (action: string) => {
            const doc = (globalThis as unknown as { document: any }).document;
            const form = doc.createElement('form');
            form.method = 'post';
            form.action = action;
            const fields = {
              _csrf: doc.querySelector('input[name=_csrf]').value,
              name: 'Hijacked',
              category: 'laptop',
            };
            for (const [name, value] of Object.entries(fields)) {
              const input = doc.createElement('input');
              input.type = 'hidden';
              input.name = name;
              input.value = value;
              form.append(input);
            }
            form.id = 'forged';
            form.append(doc.createElement('button'));
            doc.body.append(form);
          },
          `/clients/${clientId}/assets/${asset.id}${path ? `/${path}` : ''}`,
        );
        expect(await clickAndWait(page, '#forged button')).toBe(403);
        expect(await textOf(page, 'h1')).toBe('Not allowed');
      }
      const after = await api.get(`/clients/${clientId}/assets/${asset.id}`);
      expect(after.body).toMatchObject({ name: asset.name, status: 'active', inServiceOn: null });
    },
    SLOW,
  );

  it(
    "when the vCIO opens another MSP's asset or client inventory, then a 404 page answers and shows nothing of it",
    async () => {
      const other = await app.createTenant();
      const theirClient = await createClient(other.api, { name: unique('Not Yours Dental') });
      const theirAsset = await createAsset(other.api, theirClient, { name: unique('Their server') });
      const page = await signIn();
      for (const path of [
        `/clients/${theirClient}/assets`,
        `/clients/${theirClient}/assets/${theirAsset.id}`,
        `/clients/${clientId}/assets/${theirAsset.id}`,
        `/clients/${theirClient}/assets/${theirAsset.id}/edit`,
      ]) {
        const response = await page.goto(`${app.url}${path}`);
        expect(response?.status()).toBe(404);
        expect(await textOf(page, 'h1')).toBe('Page not found');
        expect(await page.content()).not.toContain('Their server');
        expect(await page.content()).not.toContain('Not Yours Dental');
      }
      await expectAccessible(page);
    },
    SLOW,
  );
});
