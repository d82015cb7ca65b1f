import crypto from 'node:crypto';
import http from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import type { Page } from 'puppeteer-core';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import { moneyFormat } from '../../src/packets/packet-format.js';
import type { WebhookQueue } from '../../src/webhooks/webhook-queue.js';
import { startWebhookQueue } from '../../src/webhooks/webhook.worker.js';
import {
  SLOW,
  VIEWPORTS,
  clickAndWait,
  expectAccessible,
  launchConsoleBrowser,
  screenshots as shoot,
  signIn,
  textOf,
  type ConsoleBrowser,
} from '../support/console-browser.js';
import { testDatabaseUrl, urlForDatabase, WORKER_DATABASE_PREFIX } from '../support/databases.js';
import { createClient, createInitiative } from '../support/planner-factories.js';
import { apiClient, startTestApp, unique, type ApiClient, type TestApp } from '../support/test-app.js';

/** A receiver on 127.0.0.1 that keeps what it is sent (the app may deliver there: private targets are allowed). */
async function startReceiver() {
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    received,
    url: `http://127.0.0.1:${port}/hooks`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A Standard Webhooks signature checked with node:crypto alone, as a receiver would. */
function signedBy(secret: string, delivery: { headers: http.IncomingHttpHeaders; body: string }): boolean {
  const id = String(delivery.headers['webhook-id']);
  const timestamp = String(delivery.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${delivery.body}`).digest();
  return String(delivery.headers['webhook-signature'])
    .split(' ')
    .some((signature) => {
      const [version, value] = signature.split(',');
      const given = Buffer.from(value ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && crypto.timingSafeEqual(given, expected);
    });
}

describe('the client portal in Chromium', () => {
  let app: TestApp;
  let queue: WebhookQueue;
  let demo: LoadedDemo;
  let api: ApiClient;
  let chromium: ConsoleBrowser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let webhookSecret: string;
  let clientId: string;

  beforeAll(async () => {
    app = await startTestApp({
      env: {
        WEBHOOK_SECRET_KEY: crypto.randomBytes(32).toString('base64'),
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_RETRY_DELAY_SECONDS: '1',
      },
    });
    const base = testDatabaseUrl();
    queue = await startWebhookQueue({
      database: app.database,
      databaseUrl:
        base && urlForDatabase(base, `${WORKER_DATABASE_PREFIX}${process.env.JEST_WORKER_ID ?? '1'}`),
      settings: app.context.config.webhooks,
      role: 'worker',
      logger: app.context.logger,
      pollingIntervalSeconds: 0.5,
    });
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
    clientId = demo.clients[0]!.id;
    receiver = await startReceiver();
    const hook = await api.post('/webhooks', { url: receiver.url, events: ['decision.recorded'] });
    expect(hook.status).toBe(201);
    webhookSecret = hook.body.secret;
    chromium = await launchConsoleBrowser();
  }, SLOW);
  afterAll(async () => {
    await chromium?.close();
    await receiver?.close();
    await queue?.stop({ timeoutMs: 2000 });
    await app?.close();
  });

  const screenshots = (page: Page, name: string) => shoot(page, 'portal', name, ['desktop', 'phone']);

  async function shareLink(scope: 'view' | 'view_and_decide', client = clientId) {
    const created = await api.post(`/clients/${client}/share-links`, {
      recipientName: 'Dana Whitfield',
      recipientEmail: 'dana@example.com',
      scope,
      expiresOn: '2027-01-31',
    });
    expect(created.status).toBe(201);
    return created.body as { id: string; url: string };
  }

  async function decide(
    page: Page,
    title: string,
    choice: 'approved' | 'declined' | 'deferred',
    signer: { name: string; role: string; note?: string },
  ): Promise<void> {
    const [link] = await page.$$(`xpath/.//section[@id='decisions-needed']//a[normalize-space()='${title}']`);
    expect(link).toBeDefined();
    await Promise.all([page.waitForNavigation(), link!.click()]);
    await page.click(`input[name=decision][value=${choice}]`);
    await page.type('#decidedBy', signer.name);
    await page.type('#role', signer.role);
    if (signer.note) await page.type('#note', signer.note);
    await page.click('input[name=authorised]');
    expect(await clickAndWait(page, '.portal-decide button[type=submit]')).toBe(200);
    expect(await textOf(page, 'h1')).toBe('Decision recorded');
  }

  it(
    'when the owner opens a deciding link, then the forecast matches the API, and approving one and declining another leaves the trail',
    async () => {
      const approve = await createInitiative(api, clientId, {
        title: unique('Replace the firewall'),
        summary: 'The firewall’s support ends in March; a replacement keeps the practice covered.',
        capexCost: 480_000,
        targetOn: '2027-02-15',
      });
      const decline = await createInitiative(api, clientId, {
        title: unique('Move phones to VoIP'),
        capexCost: 120_000,
        monthlyOpexCost: 9_900,
        opexMonths: 36,
        targetOn: '2027-05-01',
      });
      const link = await shareLink('view_and_decide');
      const page = await chromium.newPage();
      await page.setViewport(VIEWPORTS.desktop);
      const response = await page.goto(link.url);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['referrer-policy']).toBe('no-referrer');
      await expectAccessible(page);

      const forecast = await api.get(`/clients/${clientId}/forecast`);
      const money = moneyFormat(forecast.body.currency);
      const cell = (amount: number) => (amount === 0 ? '—' : money.amount(amount));
      const rows = await page.$$eval('table.forecast tbody tr', (trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')),
      );
      expect(rows).toEqual(
        forecast.body.periods.map(
          (period: {
            capex: { total: number };
            opex: { total: number };
            total: number;
            refreshCount: number;
          }) => [
            cell(period.total),
            cell(period.capex.total),
            cell(period.opex.total),
            String(period.refreshCount),
          ],
        ),
      );
      expect(await textOf(page, 'table.forecast tfoot td:nth-of-type(1)')).toBe(
        cell(forecast.body.totals.total),
      );
      await screenshots(page, 'plan');

      await decide(page, approve.title, 'approved', { name: 'Dana Whitfield', role: 'Owner' });
      await expectAccessible(page);
      await screenshots(page, 'receipt');
      await page.goto(link.url);
      await decide(page, decline.title, 'declined', {
        name: 'Dana Whitfield',
        role: 'Owner',
        note: 'Not this year',
      });

      const userAgent = await page.browser().userAgent();
      for (const [initiative, decision] of [
        [approve, 'approved'],
        [decline, 'declined'],
      ] as const) {
        const read = await api.get(`/clients/${clientId}/initiatives/${initiative.id}`);
        expect(read.body.status).toBe(decision);
        expect(read.body.decisions).toEqual([
          expect.objectContaining({
            decision,
            decidedBy: 'Dana Whitfield',
            role: 'Owner',
            via: 'portal',
            shareLinkId: link.id,
            ipAddress: expect.stringMatching(/127\.0\.0\.1/),
            userAgent: expect.stringContaining('Chrome'),
          }),
        ]);
        expect(userAgent).toContain('Chrome');
      }

      // The MSP's tools hear of it: a signed decision.recorded reaches the receiver.
      const until = Date.now() + 30_000;
      const forApproval = () =>
        receiver.received.find((delivery) => JSON.parse(delivery.body).data.initiativeId === approve.id);
      while (!forApproval() && Date.now() < until) await delay(100);
      const delivery = forApproval();
      expect(delivery).toBeDefined();
      expect(signedBy(webhookSecret, delivery!)).toBe(true);
      expect(JSON.parse(delivery!.body)).toMatchObject({
        type: 'decision.recorded',
        data: { clientId, initiativeId: approve.id, decision: 'approved', decidedBy: 'Dana Whitfield' },
      });

      await page.goto(link.url);
      expect(await textOf(page, '#decisions')).toContain('Not this year');
    },
    SLOW,
  );

  it(
    'when the owner decides on a phone, then nothing overflows the screen and a later decision appends',
    async () => {
      const initiative = await createInitiative(api, clientId, {
        title: unique('Back up to the cloud'),
        capexCost: 90_000,
        targetOn: '2027-03-01',
      });
      const link = await shareLink('view_and_decide');
      const page = await chromium.newPage();
      await page.setViewport(VIEWPORTS.phone);
      await page.goto(link.url);
      const overflow = () => page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
      expect(await overflow()).toBeLessThanOrEqual(0);
      await decide(page, initiative.title, 'deferred', { name: 'Lee Park', role: 'Practice manager' });
      expect(await overflow()).toBeLessThanOrEqual(0);
      await page.goto(`${link.url}/initiatives/${initiative.id}`);
      expect(await overflow()).toBeLessThanOrEqual(0);
      await expectAccessible(page);
      await screenshots(page, 'initiative-deferred');
      // Deferred is still open: the next decision is added after the first.
      await page.click('input[name=decision][value=approved]');
      await page.type('#decidedBy', 'Lee Park');
      await page.type('#role', 'Practice manager');
      expect(await clickAndWait(page, '.portal-decide button[type=submit]')).toBe(422);
      expect(await textOf(page, '#authorised-error')).toContain('authorised');
      await expectAccessible(page);
      await screenshots(page, 'initiative-error');
      await page.click('input[name=authorised]');
      expect(await clickAndWait(page, '.portal-decide button[type=submit]')).toBe(200);
      const read = await api.get(`/clients/${clientId}/initiatives/${initiative.id}`);
      expect(read.body.decisions.map((decision: { decision: string }) => decision.decision)).toEqual([
        'deferred',
        'approved',
      ]);
    },
    SLOW,
  );

  it(
    'when a view link is opened, then there is no decision form and a forged decision is refused',
    async () => {
      const initiative = await createInitiative(api, clientId, { title: unique('New laptops') });
      const link = await shareLink('view');
      const page = await chromium.newPage();
      await page.goto(`${link.url}/initiatives/${initiative.id}`);
      expect(await page.$('form.portal-decide')).toBeNull();
      expect(await page.$('input[name=decision]')).toBeNull();
      await expectAccessible(page);
      await screenshots(page, 'view-only');
      const forged = await fetch(`${link.url}/initiatives/${initiative.id}/decisions`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `vcio_portal_form=${'f'.repeat(43)}`,
        },
        body: new URLSearchParams({
          _csrf: 'f'.repeat(43),
          decision: 'approved',
          decidedBy: 'Mallory',
          role: 'Owner',
          authorised: 'yes',
        }).toString(),
      });
      expect(forged.status).toBe(403);
      expect((await api.get(`/clients/${clientId}/initiatives/${initiative.id}`)).body.decisions).toEqual([]);
    },
    SLOW,
  );

  it(
    'when a link is revoked or expired, then the browser shows a plain 410 page; another client’s id answers 404',
    async () => {
      const revoked = await shareLink('view_and_decide');
      expect((await api.post(`/clients/${clientId}/share-links/${revoked.id}/revoke`)).status).toBe(200);
      const expired = await shareLink('view');
      await app.database.db
        .updateTable('share_links')
        .set({ expires_on: '2026-11-01' })
        .where('id', '=', expired.id)
        .execute();
      const page = await chromium.newPage();
      for (const url of [revoked.url, expired.url]) {
        const response = await page.goto(url);
        expect(response?.status()).toBe(410);
        expect(await textOf(page, 'h1')).toBe('This link is no longer available');
        expect(await textOf(page, 'body')).not.toContain(demo.clients[0]!.name);
      }
      await expectAccessible(page);
      await screenshots(page, 'gone');

      const other = await createClient(api);
      const foreign = await createInitiative(api, other);
      const live = await shareLink('view_and_decide');
      expect((await page.goto(`${live.url}/initiatives/${foreign.id}`))?.status()).toBe(404);
    },
    SLOW,
  );

  it(
    'when the vCIO creates a link in the console, then its URL is shown once, opens the portal, and revoking it closes it',
    async () => {
      const page = await chromium.newPage();
      expect(await signIn(page, app.url, demo.user.email, demo.user.password)).toBe(200);
      await page.goto(`${app.url}/clients/${clientId}/share-links`);
      await expectAccessible(page);
      // A bad date is refused next to its field, with what was typed kept.
      const recipient = unique('Chris Owner');
      await page.type('#recipientName', recipient);
      await page.$eval(
        '#expiresOn',
        (input) => ((input as unknown as { value: string }).value = '2026-01-01'),
      );
      expect(await clickAndWait(page, '.share-link-create button[type=submit]')).toBe(422);
      expect(await textOf(page, '#expiresOn-error')).toContain('today');
      expect(
        await page.$eval('#recipientName', (input) => (input as unknown as { value: string }).value),
      ).toBe(recipient);
      await expectAccessible(page);
      await page.$eval(
        '#expiresOn',
        (input) => ((input as unknown as { value: string }).value = '2027-01-15'),
      );
      const [created] = await Promise.all([
        page.waitForNavigation(),
        page.click('.share-link-create button[type=submit]'),
      ]);
      expect(created?.status()).toBe(201);
      expect(created?.headers()['cache-control']).toBe('no-store');
      const url = await page.$eval('#share-url', (input) => (input as unknown as { value: string }).value);
      expect(url).toMatch(new RegExp(`^${app.url}/p/[A-Za-z0-9_-]{43}$`));
      await expectAccessible(page);
      // Desktop only: a phone viewport reloads the page, which would post the form again.
      await shoot(page, 'portal', 'console-created', ['desktop']);

      await page.goto(`${app.url}/clients/${clientId}/share-links`);
      expect(await page.content()).not.toContain(url.split('/p/')[1]);
      await screenshots(page, 'console-list');
      const portal = await chromium.newPage();
      expect((await portal.goto(url))?.status()).toBe(200);

      const row = await page.$$(`xpath/.//tr[th[normalize-space()='${recipient}']]//button`);
      expect(row).toHaveLength(1);
      await Promise.all([page.waitForNavigation(), row[0]!.click()]);
      expect(await textOf(page, '.notice')).toContain('revoked');
      expect((await portal.goto(url))?.status()).toBe(410);
    },
    SLOW,
  );
});
