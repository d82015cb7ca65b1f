import crypto from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'puppeteer-core';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
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
import { apiClient, checkedFetch, startTestApp, type ApiClient, type TestApp } from '../support/test-app.js';

/** Rendering several packets on a shared machine: more time than one page needs. */
const RENDERING = SLOW;

describe('packets in the web console, rendered by Chromium', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  let api: ApiClient;
  let chromium: ConsoleBrowser;

  beforeAll(async () => {
    app = await startTestApp({ renderer: true, packetQueue: true });
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
    chromium = await launchConsoleBrowser();
  }, SLOW);
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
  });

  const screenshots = (page: Page, name: string) => shoot(page, 'packets', name, ['laptop', 'phone']);
  const signIn = (page: Page, email: string, password: string) => signInAt(page, app.url, email, password);
  const clientNamed = (name: string) => demo.clients.find((client) => client.name === name)!;

  /** The text of `selector` once the page (reloading itself by meta refresh) shows one of `wanted`. */
  async function waitForText(page: Page, selector: string, wanted: readonly string[]): Promise<string> {
    const until = Date.now() + RENDERING - 30_000;
    for (;;) {
      // The page may be between two documents (a meta refresh): read again next time round.
      const text = await page
        .$eval(selector, (element) => (element.textContent ?? '').replace(/\s+/g, ' ').trim())
        .catch(() => '');
      if (wanted.includes(text)) {
        await page.waitForNetworkIdle({ idleTime: 100 }).catch(() => undefined);
        return text;
      }
      if (Date.now() > until) throw new Error(`${selector} still reads “${text}” at ${page.url()}`);
      await delay(250);
    }
  }

  /** Bytes the console serves at `href` to the page's session, fetched as the browser's own navigation would be. */
  async function consoleBytes(
    page: Page,
    href: string,
  ): Promise<{ status: number; type: string; bytes: Buffer }> {
    const cookies = await page.browserContext().cookies();
    const response = await fetch(`${app.url}${href}`, {
      headers: {
        accept: 'text/html,application/xhtml+xml,*/*;q=0.8',
        cookie: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; '),
      },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  }

  /** A form POST with the page's session and its form token, as a forged form would send it; not followed. */
  async function consolePost(page: Page, path: string, fields: Record<string, string>) {
    const cookies = await page.browserContext().cookies();
    const token = await page.$eval('input[name=_csrf]', (input) => input.getAttribute('value') ?? '');
    const response = await fetch(`${app.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join('; '),
      },
      body: new URLSearchParams({ ...fields, _csrf: token }).toString(),
    });
    return { status: response.status, text: await response.text() };
  }

  it(
    'when the vCIO generates a packet, then the page follows its progress, and the download is the API’s PDF, issued through the console',
    async () => {
      const client = clientNamed('Riverside Metalworks');
      const page = await chromium.newPage();
      expect(await signIn(page, demo.user.email, demo.user.password)).toBe(200);
      const userName = (await textOf(page, '.who > span')).replace(/\s*owner$/, '');
      expect(await clickAndWait(page, `a[href="/clients/${client.id}"]`)).toBe(200);
      expect(await clickAndWait(page, `.client-tabs a[href="/clients/${client.id}/packets"]`)).toBe(200);
      expect(await textOf(page, '.client-tabs a[aria-current=page]')).toBe('Packets');
      expect(await page.$eval('#asOf', (input) => (input as unknown as { value: string }).value)).toBe(
        '2026-11-22',
      );
      expect(await textOf(page, '.empty')).toContain('No packets yet');
      await expectAccessible(page);
      await screenshots(page, 'packets-empty');

      // Too few quarters (past the browser's own check): the form comes back with the message beside the field and
      // the input kept.
      await page.$eval('#periods', (input) => input.removeAttribute('min'));
      await page.$eval('#periods', (input) => ((input as unknown as { value: string }).value = '2'));
      await page.$eval(
        '#periodLabel',
        (input) => ((input as unknown as { value: string }).value = 'Winter review'),
      );
      expect(await clickAndWait(page, 'form[method=post][action$="/packets"] button[type=submit]')).toBe(422);
      expect(await textOf(page, '#periods-error')).toBe('The forecast must be from 4 to 40 quarters.');
      expect(await page.$eval('#periods', (input) => input.getAttribute('aria-invalid'))).toBe('true');
      expect(await page.$eval('#periodLabel', (input) => (input as unknown as { value: string }).value)).toBe(
        'Winter review',
      );
      await expectAccessible(page);
      await screenshots(page, 'packets-invalid');
      expect((await api.get(`/clients/${client.id}/packets`)).body.items).toEqual([]);

      await page.$eval('#periods', (input) => ((input as unknown as { value: string }).value = '8'));
      await page.$eval('#periodLabel', (input) => ((input as unknown as { value: string }).value = ''));
      // Without script, as the plainest browser: the status page reloads itself by meta refresh until it is done.
      await page.setJavaScriptEnabled(false);
      expect(await clickAndWait(page, 'form[method=post][action$="/packets"] button[type=submit]')).toBe(200);
      expect(page.url()).toMatch(new RegExp(`/clients/${client.id}/packets/runs/[0-9a-f-]{36}$`));
      const first = await textOf(page, '#generation-state');
      if (first !== 'Done') {
        // While it renders, the page reloads itself and shows an indeterminate progress bar. (axe-core would flag
        // the meta refresh, which only a browser without script gets; the page with script is checked below.)
        expect(await page.$eval('meta[http-equiv=refresh]', (meta) => meta.getAttribute('content'))).toBe(
          '2',
        );
        expect(await page.$('progress')).not.toBeNull();
        await screenshots(page, 'generating');
      }
      expect(await waitForText(page, '#generation-state', ['Done', 'Failed'])).toBe('Done');
      expect(await page.$('meta[http-equiv=refresh]')).toBeNull();
      await page.setJavaScriptEnabled(true);
      await page.reload();
      await expectAccessible(page);
      await screenshots(page, 'generated');

      const listed = await api.get(`/clients/${client.id}/packets`);
      expect(listed.body.items).toHaveLength(1);
      const packet = listed.body.items[0];
      expect(packet).toMatchObject({ asOf: '2026-11-22', status: 'draft', scenario: 'committed' });
      const href = await page.$eval('a.button-link[download]', (link) => link.getAttribute('href'));
      expect(href).toBe(`/clients/${client.id}/packets/${packet.id}.pdf`);
      const download = await consoleBytes(page, href!);
      expect(download.status).toBe(200);
      expect(download.type).toBe('application/pdf');
      expect(download.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(crypto.createHash('sha256').update(download.bytes).digest('hex')).toBe(packet.sha256);
      const fromApi = await checkedFetch(`${app.url}/api/v1${href}`, {
        headers: { authorization: `Bearer ${demo.apiKey}` },
      });
      expect(Buffer.from(await fromApi.arrayBuffer()).equals(download.bytes)).toBe(true);
      const inline = await consoleBytes(page, `/clients/${client.id}/packets/${packet.id}/view`);
      expect(inline.bytes.equals(download.bytes)).toBe(true);

      // The HTML preview is the packet's own document under its own CSP.
      const preview = await consoleBytes(page, `/clients/${client.id}/packets/preview?asOf=2026-11-22`);
      expect(preview.status).toBe(200);
      expect(preview.bytes.toString('utf8')).toContain('Riverside Metalworks');

      // The history lists it as a draft; Issue asks first, then issues it.
      expect(await clickAndWait(page, `a[href="/clients/${client.id}/packets"]`)).toBe(200);
      const row = await textOf(page, 'table.packets tbody tr');
      expect(row).toContain('Draft');
      expect(row).toContain(packet.sha256.slice(0, 12));
      expect(row).toContain(`${packet.pageCount}`);
      await expectAccessible(page);
      await screenshots(page, 'packets-history');
      expect(await clickAndWait(page, `a[href="/clients/${client.id}/packets/${packet.id}/issue"]`)).toBe(
        200,
      );
      expect(await textOf(page, 'main')).toContain('Issuing hands this packet to the client');
      await expectAccessible(page);
      await screenshots(page, 'issue-confirm');
      expect(await clickAndWait(page, 'form[action$="/issue"] button[type=submit]')).toBe(200);
      expect(page.url()).toBe(`${app.url}/clients/${client.id}/packets?done=issued`);
      expect(await textOf(page, '.notice.done')).toContain('was issued');
      const issuedRow = await textOf(page, 'table.packets tbody tr');
      expect(issuedRow).toContain('Issued');
      expect(issuedRow).toContain(`by ${userName}`);
      expect(await page.$(`a[href$="/${packet.id}/issue"]`)).toBeNull();
      const issued = await api.get(`/clients/${client.id}/packets`);
      expect(issued.body.items[0]).toMatchObject({ id: packet.id, status: 'issued', sha256: packet.sha256 });
      await screenshots(page, 'packets-issued');

      // Issuing again (a second click, a stale tab) changes nothing, as in the API.
      const confirm = await consoleBytes(page, `/clients/${client.id}/packets/${packet.id}/issue`);
      expect(confirm.bytes.toString('utf8')).toContain('Issuing it again changes nothing');
      const again = await api.get(`/clients/${client.id}/packets`);
      expect(again.body.items[0].issuedAt).toBe(issued.body.items[0].issuedAt);
    },
    RENDERING,
  );

  it(
    'when the vCIO starts a packet run for all clients, then every client reaches done with a packet to download',
    async () => {
      const page = await chromium.newPage();
      expect(await signIn(page, demo.user.email, demo.user.password)).toBe(200);
      expect(await clickAndWait(page, 'nav[aria-label=Main] a[href="/packet-runs"]')).toBe(200);
      expect(await page.$$eval('.client-choice input[name=clientIds]', (boxes) => boxes.length)).toBe(
        demo.clients.length,
      );
      await expectAccessible(page);
      await screenshots(page, 'runs-empty');
      expect(await clickAndWait(page, 'form[action="/packet-runs"] button[type=submit]')).toBe(200);
      const runId = page.url().match(/\/packet-runs\/([0-9a-f-]{36})$/)?.[1];
      expect(runId).toBeDefined();
      if ((await textOf(page, '.page-head .status')) !== 'Done') {
        // With script, the page swaps in the server's fresh copy of itself; the meta refresh is for browsers without.
        expect(await page.$eval('main', (main) => main.getAttribute('data-refresh'))).toBe('2');
        expect(await page.$('meta[http-equiv=refresh]')).toBeNull();
        await page.evaluate('window.sameDocument = true');
        await expectAccessible(page);
        await screenshots(page, 'run-running');
      }
      expect(await waitForText(page, '.page-head .status', ['Done', 'Failed'])).toBe('Done');
      // The run page was never reloaded: the script replaced its content in place, and stopped once it was done.
      expect(page.url()).toBe(`${app.url}/packet-runs/${runId}`);
      if (await page.evaluate('window.sameDocument === true'))
        expect(await page.$('.run-progress.large')).not.toBeNull();
      expect(await page.$eval('main', (main) => main.hasAttribute('data-refresh'))).toBe(false);
      const states = await page.$$eval('table.run-clients tbody .status', (cells) =>
        cells.map((cell) => cell.textContent),
      );
      expect(states).toHaveLength(demo.clients.length);
      for (const state of states) expect(['Rendered', 'Reused']).toContain(state);
      expect(await page.$$eval('table.run-clients a[download]', (links) => links.length)).toBe(
        demo.clients.length,
      );
      const progress = await page.$eval('.run-progress.large progress', (bar) => [
        Number(bar.getAttribute('value')),
        Number(bar.getAttribute('max')),
      ]);
      expect(progress).toEqual([demo.clients.length, demo.clients.length]);
      await expectAccessible(page);
      await screenshots(page, 'run-done');

      const run = await api.get(`/packet-runs/${runId}`);
      expect(run.body).toMatchObject({
        status: 'done',
        total: demo.clients.length,
        done: demo.clients.length,
      });

      // A client's packet in the run downloads as the API serves it.
      const entry = run.body.clients[0];
      const href = `/clients/${entry.clientId}/packets/${entry.packetId}.pdf`;
      expect(await page.$(`table.run-clients a[href="${href}"]`)).not.toBeNull();
      const bytes = await consoleBytes(page, href);
      expect(bytes.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');

      expect(await clickAndWait(page, 'nav[aria-label=Main] a[href="/packet-runs"]')).toBe(200);
      expect(await page.$(`table.runs a[href="/packet-runs/${runId}"]`)).not.toBeNull();
      expect(await textOf(page, 'table.runs tbody tr')).toContain(
        `${demo.clients.length} of ${demo.clients.length} done`,
      );
      await expectAccessible(page);
      await screenshots(page, 'runs');
    },
    RENDERING,
  );

  it(
    'when a viewer opens the packets, then there is nothing to generate or issue, and a forged POST is refused',
    async () => {
      const client = clientNamed('Riverside Metalworks');
      const viewer = await createConsoleUser(app, demo.msp.id, 'viewer');
      const page = await chromium.newPage();
      expect(await signIn(page, viewer.email, viewer.password)).toBe(200);
      expect(await page.goto(`${app.url}/clients/${client.id}/packets`).then((r) => r?.status())).toBe(200);
      expect(await page.$('form[method=post][action$="/packets"]')).toBeNull();
      expect(await page.$('a[href$="/issue"]')).toBeNull();
      expect(await page.$$eval('table.packets a[download]', (links) => links.length)).toBeGreaterThan(0);
      await expectAccessible(page);
      await screenshots(page, 'packets-viewer');
      expect(await page.$('form[action="/packet-runs"]')).toBeNull();

      const draft = (await api.get(`/clients/${client.id}/packets`)).body.items.find(
        (packet: { status: string }) => packet.status === 'draft',
      );
      // Forms the viewer was never shown, sent with their own valid token.
      const forge = async (action: string, fields: Record<string, string>) =>
        (await consolePost(page, action, fields)).status;
      const options = { asOf: '2026-11-22', periodLabel: '', scenario: 'committed', periods: '8' };
      const runsBefore = (await api.get('/packet-runs')).body.items.length;
      const packetsBefore = (await api.get(`/clients/${client.id}/packets`)).body.items.length;
      expect(await forge(`/clients/${client.id}/packets`, options)).toBe(403);
      expect(await forge('/packet-runs', options)).toBe(403);
      // The packet run before left this client a draft (its packet for 12 quarters, beside the issued one for 8).
      expect(draft).toBeDefined();
      expect(await forge(`/clients/${client.id}/packets/${draft.id}/issue`, {})).toBe(403);
      // Nothing was made or issued.
      expect((await api.get('/packet-runs')).body.items).toHaveLength(runsBefore);
      const after = (await api.get(`/clients/${client.id}/packets`)).body.items;
      expect(after).toHaveLength(packetsBefore);
      expect(after.find((packet: { id: string }) => packet.id === draft.id).status).toBe('draft');
    },
    SLOW,
  );

  it(
    'when the vCIO asks for another MSP’s packet, then the console answers its 404 page',
    async () => {
      const other = await app.createTenant();
      const theirs = { id: await createClient(other.api, { name: 'Not Yours Dental' }) };
      const created = await other.api.post(`/clients/${theirs.id}/packets`, { asOf: '2026-11-22' });
      expect(created.status).toBe(201);
      const theirRun = await other.api.post('/packet-runs', { asOf: '2026-11-22', clientIds: [theirs.id] });
      expect(theirRun.status).toBe(202);
      const ours = clientNamed('Riverside Metalworks');
      const page = await chromium.newPage();
      expect(await signIn(page, demo.user.email, demo.user.password)).toBe(200);
      for (const path of [
        `/clients/${theirs.id}/packets`,
        `/clients/${theirs.id}/packets/${created.body.id}.pdf`,
        `/clients/${ours.id}/packets/${created.body.id}.pdf`,
        `/clients/${ours.id}/packets/${created.body.id}/view`,
        `/clients/${ours.id}/packets/${created.body.id}/issue`,
        `/clients/${theirs.id}/packets/preview`,
        `/packet-runs/${theirRun.body.id}`,
        `/clients/${theirs.id}/packets/runs/${theirRun.body.id}`,
        `/clients/${ours.id}/packets/runs/${theirRun.body.id}`,
      ]) {
        const response = await page.goto(`${app.url}${path}`);
        expect([path, response?.status()]).toEqual([path, 404]);
        expect(await textOf(page, 'h1')).toBe('Page not found');
      }
      await expectAccessible(page);
      const forged = await consolePost(page, `/clients/${ours.id}/packets/${created.body.id}/issue`, {});
      expect(forged.status).toBe(404);
      expect(
        (await consolePost(page, `/clients/${theirs.id}/packets/${created.body.id}/issue`, {})).status,
      ).toBe(404);
      const stillDraft = await other.api.get(`/clients/${theirs.id}/packets`);
      expect(stillDraft.body.items[0].status).toBe('draft');
    },
    SLOW,
  );
});
