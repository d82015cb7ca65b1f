import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import { packageRoot } from '../../src/shared/paths.js';
import {
  SLOW,
  clickAndWait,
  createConsoleUser,
  expectAccessible,
  launchConsoleBrowser,
  screenshots as shoot,
  signIn as signInAt,
  textOf,
  VIEWPORTS,
  type ConsoleBrowser,
} from '../support/console-browser.js';
import { createClient } from '../support/planner-factories.js';
import { apiClient, startTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

const fixtures = path.join(packageRoot, 'tests', 'unit', 'imports', 'fixtures');
const INTUNE = path.join(fixtures, 'intune', 'graph-docs-v1.0-list-managedDevices.example.json');
const GLPI = path.join(fixtures, 'glpi', 'inventory-format-computer_1.json');

describe('the import page in Chromium', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  let api: ApiClient;
  let chromium: ConsoleBrowser;
  let vcio: { email: string; password: string };
  let scratch: string;

  beforeAll(async () => {
    app = await startTestApp();
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
    vcio = await createConsoleUser(app, demo.msp.id, 'vcio');
    chromium = await launchConsoleBrowser();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'console-import-'));
  }, SLOW);
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** Laptop and phone screenshots; at phone width the page itself must not scroll sideways. */
  async function screenshots(page: Page, name: string): Promise<void> {
    await shoot(page, 'import', name, ['laptop', 'phone']);
    await page.setViewport(VIEWPORTS.phone);
    const overflow = await page.$eval('html', (html) => html.scrollWidth - html.clientWidth);
    await page.setViewport(VIEWPORTS.laptop);
    expect({ name, overflow }).toEqual({ name, overflow: 0 });
  }

  /** A vCIO's page, signed in. */
  async function vcioPage(): Promise<Page> {
    const page = await chromium.newPage();
    expect(await signInAt(page, app.url, vcio.email, vcio.password)).toBe(200);
    return page;
  }

  /** A CSV file on disk to upload, as a person would pick it. */
  function csvFile(name: string, text: string): string {
    const file = path.join(scratch, name);
    fs.writeFileSync(file, text);
    return file;
  }

  /** Fills the upload form and sends it; the dry run's status. */
  async function upload(
    page: Page,
    clientId: string,
    file: string,
    preset = 'auto',
    fresh = true,
  ): Promise<number | undefined> {
    if (fresh) await page.goto(`${app.url}/imports`);
    await page.select('#clientId', clientId);
    await page.select('#preset', preset);
    const input = await page.$('#file');
    await (input as unknown as { uploadFile(...paths: string[]): Promise<void> }).uploadFile(file);
    return clickAndWait(page, '.import-form button[type=submit]');
  }

  const tile = (page: Page, label: string) =>
    page.$$eval(
      '.tiles li',
      (items, wanted) =>
        items
          .find((item) => item.querySelector('.tile-label')?.textContent?.trim() === wanted)
          ?.querySelector('.tile-value')
          ?.textContent?.trim(),
      label,
    );

  const outcomes = (page: Page) =>
    page.$$eval('table.import-rows tbody tr', (rows) =>
      rows.map((row) => ({
        row: row.querySelector('td')?.textContent?.trim(),
        outcome: row.querySelector('.outcome')?.textContent?.trim(),
        name: row.querySelector('th')?.textContent?.trim(),
        // What the eye reads: the words for screen readers left out.
        fields: [...row.querySelectorAll('.changes li')].map((item) => {
          const shown = item.cloneNode(true) as typeof item;
          for (const hidden of shown.querySelectorAll('.visually-hidden')) hidden.remove();
          return (shown.textContent ?? '').replace(/\s+/g, ' ').trim();
        }),
      })),
    );

  it(
    'when the vCIO uploads the Intune device list, then the dry run shows the device as new, importing it puts it in the inventory, and the same file again is all unchanged',
    async () => {
      const clientId = await createClient(api);
      const page = await vcioPage();
      await page.goto(`${app.url}/imports`);
      await expectAccessible(page);
      await screenshots(page, 'upload');

      expect(await upload(page, clientId, INTUNE)).toBe(200);
      expect(page.url()).toMatch(/\/imports\/[0-9a-f-]{36}$/);
      expect(await textOf(page, '.facts')).toContain(
        'Microsoft Intune managed devices (Graph JSON), detected',
      );
      expect(await tile(page, 'New assets')).toBe('1');
      expect(await tile(page, 'Errors')).toBe('0');
      const [device] = await outcomes(page);
      expect(device).toMatchObject({ row: '1', outcome: 'New' });
      expect(device!.fields).toContain('Serial Number: Serial Number value');
      expect(device!.fields).toContain('In Service On: Dec 31, 2016');
      // The dry run wrote nothing.
      expect((await api.get(`/clients/${clientId}/assets`)).body.items).toEqual([]);
      await expectAccessible(page);
      await screenshots(page, 'dry-run-intune');

      expect(await textOf(page, '.import-commit button')).toMatch(/^Import 1 new asset into /);
      expect(await clickAndWait(page, '.import-commit button[type=submit]')).toBe(200);
      expect(await textOf(page, '.notice')).toContain('1 new asset');
      const inventoryLink = await page.$eval('.import-links a', (link) => link.getAttribute('href'));
      expect(inventoryLink).toBe(`/clients/${clientId}/assets`);
      await expectAccessible(page);
      await screenshots(page, 'result');

      const assets = (await api.get(`/clients/${clientId}/assets`)).body.items;
      expect(assets).toHaveLength(1);
      expect(assets[0]).toMatchObject({
        externalSource: 'intune',
        serialNumber: 'Serial Number value',
        inServiceOn: '2016-12-31',
        dateSources: { inServiceOn: 'import' },
      });

      expect(await upload(page, clientId, INTUNE)).toBe(200);
      expect(await tile(page, 'Unchanged')).toBe('1');
      expect(await tile(page, 'New assets')).toBe('0');
      expect((await outcomes(page)).map((row) => row.outcome)).toEqual(['Unchanged']);
      expect(await page.$('.import-commit form')).toBeNull();
      expect(await textOf(page, '#no-commit')).toContain('Nothing to import');
    },
    SLOW,
  );

  it(
    'when the vCIO imports the GLPI inventory with its preset chosen, then the laptop is created as the API reads it and a second import changes nothing',
    async () => {
      const clientId = await createClient(api);
      const page = await vcioPage();
      expect(await upload(page, clientId, GLPI, 'glpi')).toBe(200);
      expect(await tile(page, 'New assets')).toBe('1');
      const [laptop] = await outcomes(page);
      expect(laptop).toMatchObject({ row: '1', outcome: 'New' });
      expect(laptop!.fields).toContain('Serial Number: 640HP72');
      await screenshots(page, 'dry-run-glpi');
      expect(await clickAndWait(page, '.import-commit button[type=submit]')).toBe(200);

      const assets = (await api.get(`/clients/${clientId}/assets`)).body.items;
      expect(assets).toHaveLength(1);
      expect(assets[0]).toMatchObject({
        externalSource: 'glpi',
        serialNumber: '640HP72',
        manufacturer: 'Dell Inc.',
        category: 'laptop',
      });

      expect(await upload(page, clientId, GLPI)).toBe(200);
      expect(await tile(page, 'Unchanged')).toBe('1');
      expect(await page.$('.import-commit form')).toBeNull();
      // The API's own dry run agrees.
      const again = await api.raw('POST', `/clients/${clientId}/imports?preset=glpi`, {
        body: fs.readFileSync(GLPI),
        headers: { 'content-type': 'application/json' },
      });
      expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 1, errorCount: 0 });
    },
    SLOW,
  );

  it(
    'when the inventory changes between the dry run and the commit, then nothing is written and the new dry run shows the change old → new',
    async () => {
      const clientId = await createClient(api);
      const page = await vcioPage();
      const file = csvFile(
        'two-desktops.csv',
        'Name,Asset Tag,Category\nFront desk PC,T-1,desktop\nBack office PC,T-2,desktop\n',
      );
      expect(await upload(page, clientId, file)).toBe(200);
      expect(await tile(page, 'New assets')).toBe('2');
      // Someone adds T-1 by hand while the dry run is on screen.
      expect(
        (
          await api.post(`/clients/${clientId}/assets`, {
            name: 'Reception',
            category: 'laptop',
            assetTag: 'T-1',
          })
        ).status,
      ).toBe(201);
      expect(await clickAndWait(page, '.import-commit button[type=submit]')).toBe(200);
      expect(await textOf(page, '.notice')).toContain('nothing was imported');
      expect((await api.get(`/clients/${clientId}/assets`)).body.items).toHaveLength(1);

      expect(await tile(page, 'New assets')).toBe('1');
      expect(await tile(page, 'Changed')).toBe('1');
      const [changed] = await outcomes(page);
      expect(changed).toMatchObject({ row: '2', outcome: 'Changed', name: 'Reception' });
      expect(changed!.fields).toEqual(['Name: Reception → Front desk PC', 'Category: laptop → desktop']);
      await expectAccessible(page);
      await screenshots(page, 'dry-run-changed');
      expect(await textOf(page, '.import-commit button')).toMatch(/^Import 1 new and 1 changed assets into /);
      expect(await clickAndWait(page, '.import-commit button[type=submit]')).toBe(200);
      const names = (await api.get(`/clients/${clientId}/assets`)).body.items.map(
        (asset: { name: string }) => asset.name,
      );
      expect(names.sort()).toEqual(['Back office PC', 'Front desk PC']);
    },
    SLOW,
  );

  it(
    'when a CSV has bad cells, then the dry run lists each with its row and column, the API agrees, and no import is offered',
    async () => {
      const clientId = await createClient(api);
      const text =
        'Name,Asset Tag,Purchased On,Purchase Cost\n' +
        'PC-1,T-1,2023-13-45,100\n' +
        'PC-2,T-2,2023-01-05,abc\n' +
        'PC-3,T-3,2023-02-01,50\n';
      const page = await vcioPage();
      expect(await upload(page, clientId, csvFile('bad-cells.csv', text))).toBe(200);
      expect(await tile(page, 'Errors')).toBe('2');
      const errors = await page.$$eval('table.import-errors tbody tr', (rows) =>
        rows.map((row) =>
          [...row.querySelectorAll('td')].slice(0, 3).map((cell) => cell.textContent?.trim()),
        ),
      );
      expect(errors).toEqual([
        ['2', 'Purchased On', '2023-13-45'],
        ['3', 'Purchase Cost', 'abc'],
      ]);
      const dryRun = await api.raw('POST', `/clients/${clientId}/imports`, {
        body: text,
        headers: { 'content-type': 'text/csv' },
      });
      expect(
        dryRun.body.errors.map((error: { row: number; column: string }) => [error.row, error.column]),
      ).toEqual([
        [2, 'Purchased On'],
        [3, 'Purchase Cost'],
      ]);
      expect(await page.$('.import-commit form')).toBeNull();
      expect(await textOf(page, '#no-commit')).toContain('2 errors');
      await expectAccessible(page);
      await screenshots(page, 'dry-run-errors');
    },
    SLOW,
  );

  it(
    'when a CSV has columns of its own, then the vCIO maps them by hand and imports the rows as mapped',
    async () => {
      const clientId = await createClient(api);
      const page = await vcioPage();
      const extra = Array.from({ length: 20 }, (_, index) => `Extra ${index + 1}`);
      const file = csvFile(
        'own-columns.csv',
        // Wide, as real exports are: the mapping form has a field per column.
        `Computer,S/N,Bought,Owner,${extra.join(',')}\n` +
          `Laptop A,SN-100,2024-03-01,Ann,${extra.map(() => 'x').join(',')}\n` +
          `Laptop B,SN-101,2024-04-01,Bob,${extra.map(() => 'y').join(',')}\n`,
      );
      expect(await upload(page, clientId, file)).toBe(200);
      // No preset knows these columns: the header is the error.
      expect(Number(await tile(page, 'Errors'))).toBeGreaterThan(0);
      expect(await page.$('.import-commit form')).toBeNull();

      expect(await clickAndWait(page, 'a[href$="/mapping"]')).toBe(200);
      await expectAccessible(page);
      await screenshots(page, 'mapping');
      await page.select('#column-0', 'name');
      await page.select('#column-1', 'serialNumber');
      await page.select('#column-2', 'purchasedOn');
      await page.select('#column-3', 'assignedTo');
      expect(await clickAndWait(page, 'form button[type=submit]:not(.link-button)')).toBe(200);
      expect(await textOf(page, '.notice')).toContain('mapping was applied');
      expect(await tile(page, 'New assets')).toBe('2');
      expect(await tile(page, 'Errors')).toBe('0');
      const columns = await page.$$eval('table.import-columns tbody tr', (rows) =>
        rows.map((row) => [
          row.querySelector('th')?.textContent,
          row.querySelector('td:last-child')?.textContent,
        ]),
      );
      expect(columns).toEqual([
        ['Computer', 'Name'],
        ['S/N', 'Serial Number'],
        ['Bought', 'Purchased On'],
        ['Owner', 'Assigned To'],
        ...extra.map((header) => [header, 'Not imported']),
      ]);
      expect(await clickAndWait(page, '.import-commit button[type=submit]')).toBe(200);

      const assets = (await api.get(`/clients/${clientId}/assets`)).body.items as Record<string, unknown>[];
      expect(
        assets
          .map((asset) => [asset.name, asset.serialNumber, asset.purchasedOn])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).toEqual([
        ['Laptop A', 'SN-100', '2024-03-01'],
        ['Laptop B', 'SN-101', '2024-04-01'],
      ]);
    },
    SLOW,
  );

  it(
    'when an upload comes without its form token, or with the token after the file, then it is refused with 403 before anything is stored',
    async () => {
      const clientId = await createClient(api);
      const page = await vcioPage();
      await page.goto(`${app.url}/imports`);
      await page.select('#clientId', clientId);
      const input = await page.$('#file');
      await (input as unknown as { uploadFile(...paths: string[]): Promise<void> }).uploadFile(INTUNE);
      await page.$eval('.import-form input[name=_csrf]', (token) => token.remove());
      expect(await clickAndWait(page, '.import-form button[type=submit]')).toBe(403);
      expect(await textOf(page, 'h1')).toBe('Form expired');

      const cookies = await page.browserContext().cookies();
      const cookie = cookies.map((item) => `${item.name}=${item.value}`).join('; ');
      await page.goto(`${app.url}/imports`);
      const token = await page.$eval('.import-form input[name=_csrf]', (element) =>
        element.getAttribute('value'),
      );
      const send = async (parts: [string, string | Blob][]) => {
        const form = new FormData();
        for (const [name, value] of parts) {
          if (typeof value === 'string') form.append(name, value);
          else form.append(name, value, 'devices.json');
        }
        return fetch(`${app.url}/imports`, {
          method: 'POST',
          body: form,
          headers: { cookie, accept: 'text/html' },
          redirect: 'manual',
        });
      };
      const file = new Blob([fs.readFileSync(INTUNE)], { type: 'application/json' });
      const late = await send([
        ['clientId', clientId],
        ['file', file],
        ['_csrf', token!],
      ]);
      expect(late.status).toBe(403);
      expect(await late.text()).toContain('Form expired');
      const wrong = await send([
        ['_csrf', 'not-the-token'],
        ['clientId', clientId],
        ['file', file],
      ]);
      expect(wrong.status).toBe(403);
      const right = await send([
        ['_csrf', token!],
        ['clientId', clientId],
        ['preset', 'auto'],
        ['file', file],
      ]);
      expect(right.status).toBe(303);
      expect(right.headers.get('location')).toMatch(/^\/imports\/[0-9a-f-]{36}$/);
      expect((await api.get(`/clients/${clientId}/assets`)).body.items).toEqual([]);
    },
    SLOW,
  );

  it(
    'when a viewer opens the import page, then it is refused; an upload of another MSP or another session answers 404',
    async () => {
      const viewer = await createConsoleUser(app, demo.msp.id, 'viewer');
      const viewerPage = await chromium.newPage();
      await signInAt(viewerPage, app.url, viewer.email, viewer.password);
      expect(await viewerPage.$('a[href="/imports"]')).toBeNull();
      const refused = await viewerPage.goto(`${app.url}/imports`);
      expect(refused?.status()).toBe(403);
      expect(await textOf(viewerPage, 'h1')).toBe('Not allowed');
      await expectAccessible(viewerPage);

      const other = await app.createTenant();
      const otherClient = await createClient(other.api);
      const otherVcio = await createConsoleUser(app, other.mspId, 'vcio');
      const otherPage = await chromium.newPage();
      await signInAt(otherPage, app.url, otherVcio.email, otherVcio.password);
      expect(await upload(otherPage, otherClient, INTUNE)).toBe(200);
      const foreign = new URL(otherPage.url()).pathname;

      const page = await vcioPage();
      expect((await page.goto(`${app.url}${foreign}`))?.status()).toBe(404);
      expect((await page.goto(`${app.url}${foreign}/mapping`))?.status()).toBe(404);
      // Another MSP's client id, forged into the upload form, answers 404 too.
      await page.goto(`${app.url}/imports`);
      await page.$eval(
        '#clientId',
        (select, id) => {
          const option = select.ownerDocument.createElement('option');
          option.value = id;
          option.textContent = 'Forged';
          select.append(option);
        },
        otherClient,
      );
      expect(await upload(page, otherClient, INTUNE, 'auto', false)).toBe(404);

      // The same MSP, but another session of the same user: the upload is not theirs either.
      const ownClient = await createClient(api);
      expect(await upload(page, ownClient, INTUNE)).toBe(200);
      const mine = new URL(page.url()).pathname;
      const secondSession = await vcioPage();
      expect((await secondSession.goto(`${app.url}${mine}`))?.status()).toBe(404);
    },
    SLOW,
  );
});
