import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HTTPResponse, Page } from 'puppeteer-core';
import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import { insertSubscription } from '../../src/webhooks/webhook.repository.js';
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
import { apiClient, startTestApp, unique, type ApiClient, type TestApp } from '../support/test-app.js';

const valueOf = (page: Page, selector: string): Promise<string> =>
  page.$eval(selector, (input) => (input as unknown as { value: string }).value);

/** Replaces an input's value, as a person selecting it all and typing would. */
async function retype(page: Page, selector: string, value: string): Promise<void> {
  await page.$eval(selector, (input) => {
    (input as unknown as { value: string }).value = '';
  });
  await page.type(selector, value);
}

describe('the console’s settings in Chromium', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  let api: ApiClient;
  let chromium: ConsoleBrowser;
  let files: string;

  beforeAll(async () => {
    app = await startTestApp();
    demo = await loadDemo(app.database.db, app.context.clock);
    api = apiClient(app.url, demo.apiKey);
    chromium = await launchConsoleBrowser();
    files = fs.mkdtempSync(path.join(os.tmpdir(), 'console-settings-'));
  }, SLOW);
  afterAll(async () => {
    await chromium?.close();
    await app?.close();
    if (files) fs.rmSync(files, { recursive: true, force: true });
  });

  const screenshots = (page: Page, name: string) => shoot(page, 'settings', name, ['laptop', 'phone']);
  /**
   * A page that answers a POST (a secret shown once) at the laptop size only: Puppeteer reloads the page to switch
   * to the phone's mobile viewport, and reloading it would send the form again.
   */
  const laptopScreenshot = (page: Page, name: string) => shoot(page, 'settings', name, ['laptop']);
  const signIn = (page: Page, email: string, password: string) => signInAt(page, app.url, email, password);
  const asOwner = async () => {
    const page = await chromium.newPage();
    expect(await signIn(page, demo.user.email, demo.user.password)).toBe(200);
    return page;
  };
  /** No part of the page is wider than the phone's screen (wide tables scroll in their own region). */
  const noPageOverflow = async (page: Page) => {
    await page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true });
    const widths = (await page.evaluate(
      '[document.documentElement.scrollWidth, document.documentElement.clientWidth]',
    )) as [number, number];
    expect(widths[0]).toBeLessThanOrEqual(widths[1]);
    await page.setViewport({ width: 1280, height: 800 });
  };

  it(
    'when the owner changes the accent and footer, then GET /msp and the preview show them; a bad colour is marked on its field',
    async () => {
      const page = await asOwner();
      await page.goto(`${app.url}/settings`);
      expect(await textOf(page, 'h1')).toBe('Settings');
      expect(await page.$$eval('.settings-sections h2', (items) => items.map((h) => h.textContent))).toEqual([
        'Branding',
        'Lifecycle policies',
        'API keys',
        'Webhooks',
        'Users',
      ]);
      await expectAccessible(page);
      await screenshots(page, 'overview');
      await noPageOverflow(page);

      await clickAndWait(page, '.settings-sections a[href="/settings/branding"]');
      expect(await textOf(page, 'h1')).toBe('Branding');

      // A colour that is not #rrggbb: 422, the error next to the field, what was typed kept, nothing saved.
      await retype(page, '#accentColor', 'navy');
      await retype(page, '#footerText', 'Should not be saved');
      expect(await clickAndWait(page, 'button[name=intent][value=save]')).toBe(422);
      expect(await textOf(page, '#accentColor-error')).toBe('must be a colour as #rrggbb, such as #1f4e79');
      expect(await page.$eval('#accentColor', (input) => input.getAttribute('aria-invalid'))).toBe('true');
      expect(await page.$eval('#accentColor', (input) => input.getAttribute('aria-describedby'))).toContain(
        'accentColor-error',
      );
      expect(await valueOf(page, '#accentColor')).toBe('navy');
      expect(await valueOf(page, '#footerText')).toBe('Should not be saved');
      expect((await api.get('/msp')).body.footerText).toBeNull();
      await expectAccessible(page);
      await screenshots(page, 'branding-invalid');

      await retype(page, '#accentColor', '#0F766E');
      await retype(page, '#footerText', 'Acme IT · Confidential · 555-0100');
      expect(await clickAndWait(page, 'button[name=intent][value=save]')).toBe(200);
      expect(page.url()).toBe(`${app.url}/settings/branding?done=saved`);
      expect(await textOf(page, '[role=status]')).toContain('Branding saved');
      const msp = await api.get('/msp');
      expect(msp.body).toMatchObject({
        accentColor: '#0f766e',
        footerText: 'Acme IT · Confidential · 555-0100',
      });
      expect(await page.$eval('.preview-cover rect', (rect) => rect.getAttribute('fill'))).toBe('#0f766e');
      expect(await textOf(page, '#preview-footer')).toBe('Acme IT · Confidential · 555-0100');
      expect(await page.$('#contrast-warning')).toBeNull();

      // A light yellow: previewed without saving, with the contrast warning.
      await retype(page, '#accentColor', '#ffd400');
      expect(await clickAndWait(page, 'button[name=intent][value=preview]')).toBe(200);
      expect(await textOf(page, '#contrast-warning')).toContain('below');
      expect(await textOf(page, 'figcaption')).toContain('not saved');
      expect(await page.$eval('.preview-cover rect', (rect) => rect.getAttribute('fill'))).toBe('#ffd400');
      expect((await api.get('/msp')).body.accentColor).toBe('#0f766e');
      await expectAccessible(page);
      await screenshots(page, 'branding-preview-unsaved');
    },
    SLOW,
  );

  it(
    'when the owner uploads a logo, then the API has it and the preview shows it from a console route; without the form token the upload is refused',
    async () => {
      const svg = path.join(files, 'logo.svg');
      fs.writeFileSync(
        svg,
        '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" viewBox="0 0 240 80">' +
          '<rect width="80" height="80" rx="16" fill="#0f766e"/><circle cx="40" cy="40" r="22" fill="#fff"/>' +
          '<text x="96" y="52" font-family="sans-serif" font-size="34" font-weight="700" fill="#11161c">Acme</text></svg>',
      );
      const page = await asOwner();
      await page.goto(`${app.url}/settings/branding`);

      // The multipart form's token is checked like any other form's.
      const input = await page.$('#logo');
      await (input as unknown as { uploadFile(file: string): Promise<void> }).uploadFile(svg);
      await page.$eval('form[action="/settings/branding/logo"] input[name=_csrf]', (token) => token.remove());
      expect(await clickAndWait(page, 'form[action="/settings/branding/logo"] button[type=submit]')).toBe(
        403,
      );
      expect(await textOf(page, 'h1')).toBe('Form expired');
      expect((await api.get('/msp')).body.hasLogo).toBe(false);

      // Something that is not an image: the error on the file field.
      const text = path.join(files, 'notes.svg');
      fs.writeFileSync(text, 'just some text');
      await page.goto(`${app.url}/settings/branding`);
      await ((await page.$('#logo')) as unknown as { uploadFile(file: string): Promise<void> }).uploadFile(
        text,
      );
      expect(await clickAndWait(page, 'form[action="/settings/branding/logo"] button[type=submit]')).toBe(
        422,
      );
      expect(await textOf(page, '#logo-error')).toBe(
        'The file is not an SVG image (it must start with an <svg> element).',
      );

      await ((await page.$('#logo')) as unknown as { uploadFile(file: string): Promise<void> }).uploadFile(
        svg,
      );
      expect(await clickAndWait(page, 'form[action="/settings/branding/logo"] button[type=submit]')).toBe(
        200,
      );
      expect(await textOf(page, '[role=status]')).toBe('Logo saved.');
      expect((await api.get('/msp')).body.hasLogo).toBe(true);
      const logo = await api.get('/msp/logo');
      expect(logo.headers.get('content-type')).toBe('image/png');

      const src = await page.$eval('.preview-brand img', (img) => img.getAttribute('src'));
      expect(src).toMatch(/^\/settings\/branding\/logo\?v=/);
      await page.waitForFunction(
        "document.querySelector('.preview-brand img').complete && document.querySelector('.preview-brand img').naturalWidth > 0",
      );
      const served = await page.goto(`${app.url}${src}`);
      expect(served?.status()).toBe(200);
      expect(served?.headers()['content-type']).toBe('image/png');
      expect(served?.headers()['content-security-policy']).toContain('sandbox');
      await page.goto(`${app.url}/settings/branding`);
      await expectAccessible(page);
      await screenshots(page, 'branding');
      await noPageOverflow(page);
    },
    SLOW,
  );

  it(
    'when the owner sets an MSP policy and then a client override, then the client’s forecast from the API follows each',
    async () => {
      const client = demo.clients.find((item) => item.name === 'Riverside Metalworks')!;
      const forecast = async () => (await api.get(`/clients/${client.id}/forecast`)).body.totals;
      const before = await forecast();
      const page = await asOwner();
      await page.goto(`${app.url}/settings/policies`);
      expect(await textOf(page, '#policies-heading')).toBe('MSP policies');

      // The MSP's laptops last 18 months instead of 48: more refreshes fall in the horizon.
      await retype(page, '#laptop-lifecycleMonths', 'eighteen');
      expect(await clickAndWait(page, '#policy-laptop button[value=save]')).toBe(422);
      expect(await textOf(page, '#laptop-lifecycleMonths-error')).toBe('must be a whole number');
      expect(await valueOf(page, '#laptop-lifecycleMonths')).toBe('eighteen');
      await retype(page, '#laptop-lifecycleMonths', '18');
      expect(await clickAndWait(page, '#policy-laptop button[value=save]')).toBe(200);
      expect(await textOf(page, '[role=status]')).toContain('Policy saved');
      expect((await api.get('/lifecycle-policies/laptop')).body.lifecycleMonths).toBe(18);
      const withMspPolicy = await forecast();
      expect(withMspPolicy).not.toEqual(before);
      await expectAccessible(page);
      await screenshots(page, 'policies-msp');
      await noPageOverflow(page);

      // The client overrides it with 120 months; its page shows what it inherits and what it overrides.
      await page.select('#client', client.id);
      await clickAndWait(page, '.policy-picker button');
      expect(page.url()).toBe(`${app.url}/settings/policies?client=${client.id}`);
      expect(await textOf(page, '#policies-heading')).toBe('Overrides for Riverside Metalworks');
      expect(await textOf(page, '#laptop-lifecycleMonths-hint')).toBe('If empty: 18, from the MSP');
      expect(await textOf(page, '#policy-laptop .policy-status')).toBe('Inherited');
      expect(await textOf(page, '#policy-desktop .policy-status')).toBe('Overridden');
      await page.type('#laptop-lifecycleMonths', '120');
      expect(await clickAndWait(page, '#policy-laptop button[value=save]')).toBe(200);
      expect(await textOf(page, '#policy-laptop .policy-status')).toBe('Overridden');
      const override = await api.get(`/clients/${client.id}/lifecycle-policies/laptop`);
      expect(override.body).toMatchObject({ lifecycleMonths: 120, replacementCost: null });
      const withOverride = await forecast();
      expect(withOverride).not.toEqual(withMspPolicy);
      await expectAccessible(page);
      await screenshots(page, 'policies-client');

      // Clearing the override: the client inherits the MSP's 18 months again.
      expect(await clickAndWait(page, '#policy-laptop button[value=clear]')).toBe(200);
      expect(await textOf(page, '#policy-laptop .policy-status')).toBe('Inherited');
      expect((await api.get(`/clients/${client.id}/lifecycle-policies/laptop`)).status).toBe(404);
      expect(await forecast()).toEqual(withMspPolicy);

      // Another MSP's client is the 404 page.
      const other = await app.createTenant();
      const theirs = await other.api.post('/clients', { name: unique('Not Yours') });
      expect((await page.goto(`${app.url}/settings/policies?client=${theirs.body.id}`))?.status()).toBe(404);
    },
    SLOW,
  );

  it(
    'when the owner creates an API key, then its secret is shown once and works against the API, until it is revoked',
    async () => {
      const page = await asOwner();
      await page.goto(`${app.url}/settings/api-keys`);
      expect(await page.$$eval('table.api-keys tbody tr', (rows) => rows.length)).toBeGreaterThan(0);

      // No name: the error on the field.
      expect(await clickAndWait(page, 'form[action="/settings/api-keys"] button[type=submit]')).toBe(422);
      expect(await textOf(page, '#key-name-error')).toBe('must not be empty');

      const client = demo.clients[0]!;
      await page.type('#key-name', 'Quarterly export');
      await page.select('#key-scope', 'read');
      await page.select('#key-client', client.id);
      const [created] = await Promise.all([
        page.waitForNavigation(),
        page.click('form[action="/settings/api-keys"] button[type=submit]'),
      ]);
      expect(created?.status()).toBe(200);
      expect(created?.headers()['cache-control']).toBe('no-store');
      expect(page.url()).toBe(`${app.url}/settings/api-keys`);
      const secret = await valueOf(page, '#secret');
      expect(secret.length).toBeGreaterThan(20);
      await expectAccessible(page);
      await laptopScreenshot(page, 'api-key-created');

      const keyApi = apiClient(app.url, secret);
      expect((await keyApi.get(`/clients/${client.id}`)).status).toBe(200);
      expect((await keyApi.get(`/clients/${demo.clients[1]!.id}`)).status).toBe(404);

      // Listed without its secret; revoked after a confirmation.
      await page.goto(`${app.url}/settings/api-keys`);
      expect(await page.content()).not.toContain(secret);
      const row = await page.$$eval('table.api-keys tbody tr', (rows) =>
        rows.map((tr) => (tr.textContent ?? '').replace(/\s+/g, ' ').trim()),
      );
      expect(row.filter((text) => text.startsWith('Quarterly export'))).toEqual([
        expect.stringContaining(client.name),
      ]);
      await clickAndWait(page, 'a[aria-label="Revoke Quarterly export"]');
      expect(await textOf(page, '#confirm-heading')).toBe('Revoke “Quarterly export”?');
      await expectAccessible(page);
      await screenshots(page, 'api-keys-revoke');
      expect(await clickAndWait(page, '.confirm button.danger')).toBe(200);
      expect(await textOf(page, '[role=status]')).toContain('Key revoked');
      expect((await keyApi.get(`/clients/${client.id}`)).status).toBe(401);
      await noPageOverflow(page);

      // Webhooks are listed (managed through the API).
      // Stored directly: creating one through the API resolves its host, and the tests have no network.
      await insertSubscription(app.database.db, demo.msp.id, {
        id: crypto.randomUUID(),
        url: 'https://hooks.example.com/vcio',
        events: ['packet.issued'],
        description: 'PSA ticket on issue',
        secretSealed: 'sealed',
      });
      await page.goto(`${app.url}/settings/webhooks`);
      expect(await textOf(page, 'table.webhooks tbody tr')).toContain('https://hooks.example.com/vcio');
      await expectAccessible(page);
      await screenshots(page, 'webhooks');
    },
    SLOW,
  );

  it(
    'when the owner invites a user, then the one-time link lets them set a password and sign in; roles follow the rules',
    async () => {
      const page = await asOwner();
      await page.goto(`${app.url}/users`);
      const email = `${unique('ivy').replace(' ', '-')}@example.com`;
      await page.type('#invite-name', 'Ivy Invitee');
      await page.type('#invite-email', 'not an email');
      expect(await clickAndWait(page, 'form[action="/users"] button[type=submit]')).toBe(422);
      expect(await textOf(page, '#invite-email-error')).toBe('must be an email address');
      expect(await valueOf(page, '#invite-name')).toBe('Ivy Invitee');
      await retype(page, '#invite-email', email);
      await page.select('#invite-role', 'vcio');
      const [invited] = await Promise.all([
        page.waitForNavigation(),
        page.click('form[action="/users"] button[type=submit]'),
      ]);
      expect(invited?.status()).toBe(200);
      expect(invited?.headers()['cache-control']).toBe('no-store');
      const link = await valueOf(page, '#password-link');
      expect(link).toMatch(new RegExp(`^${app.url}/set-password\\?token=`));
      await expectAccessible(page);
      await laptopScreenshot(page, 'user-invited');

      const ivy = await chromium.newPage();
      await ivy.goto(link);
      expect(await textOf(ivy, 'h1')).toBe('Set your password');
      await ivy.type('#password', 'a long ivy password');
      await ivy.type('#confirm-password', 'a long ivy password');
      await clickAndWait(ivy, 'button[type=submit]');
      expect(await signIn(ivy, email, 'a long ivy password')).toBe(200);
      expect(await textOf(ivy, '.who')).toContain('Ivy Invitee');
      // A vCIO reads the settings they may see, with no form to change them.
      await ivy.goto(`${app.url}/settings/branding`);
      expect(await ivy.$('form[action="/settings/branding"]')).toBeNull();
      expect(await textOf(ivy, '.settings-nav')).not.toContain('API keys');

      // The owner makes Ivy a viewer; the last owner cannot be demoted.
      await page.goto(`${app.url}/users`);
      const ivyId = (
        await page.$$eval('table.users tbody tr', (rows) =>
          rows
            .filter((tr) => (tr.textContent ?? '').includes('Ivy Invitee'))
            .map((tr) => tr.querySelector('select')!.id.replace('role-', '')),
        )
      )[0]!;
      await page.select(`#role-${ivyId}`, 'viewer');
      expect(await clickAndWait(page, `form[action="/users/${ivyId}/role"] button`)).toBe(200);
      expect(await textOf(page, '[role=status]')).toContain('Role changed');
      const ownerId = (
        await page.$$eval('table.users tbody tr', (rows) =>
          rows
            .filter((tr) => (tr.textContent ?? '').includes('You'))
            .map((tr) => tr.querySelector('select')!.id.replace('role-', '')),
        )
      )[0]!;
      await page.select(`#role-${ownerId}`, 'admin');
      expect(await clickAndWait(page, `form[action="/users/${ownerId}/role"] button`)).toBe(409);
      expect(await textOf(page, '[role=alert]')).toContain('last owner');
      await expectAccessible(page);
      await screenshots(page, 'users');
      await noPageOverflow(page);

      // An admin cannot demote the owner, nor send the owner a password link.
      const admin = await createConsoleUser(app, demo.msp.id, 'admin');
      const adminPage = await chromium.newPage();
      await signIn(adminPage, admin.email, admin.password);
      await adminPage.goto(`${app.url}/users`);
      await adminPage.select(`#role-${ownerId}`, 'viewer');
      expect(await clickAndWait(adminPage, `form[action="/users/${ownerId}/role"] button`)).toBe(403);
      expect(await textOf(adminPage, '[role=alert]')).toContain('Only an owner');
      expect(await clickAndWait(adminPage, `form[action="/users/${ownerId}/password-link"] button`)).toBe(
        403,
      );

      // Removing Ivy: confirmed, then she is signed out.
      await clickAndWait(page, `a[href="/users/${ivyId}/remove"]`);
      expect(await textOf(page, '#confirm-heading')).toBe('Remove Ivy Invitee?');
      expect(await clickAndWait(page, '.confirm button.danger')).toBe(200);
      expect(await textOf(page, '[role=status]')).toContain('User removed');
      await ivy.goto(`${app.url}/`);
      expect(ivy.url()).toContain('/sign-in');
    },
    SLOW,
  );

  it(
    'when a vCIO or a viewer sends any admin form, even forged with their own valid token, then it is refused with 403',
    async () => {
      const keys = await api.get('/api-keys');
      const keyId = (keys.body.items as { id: string; revokedAt: string | null }[]).find(
        (key) => key.revokedAt === null,
      )!.id;
      const users = await app.database.db
        .selectFrom('users')
        .select('id')
        .where('msp_id', '=', demo.msp.id)
        .execute();
      const before = (await api.get('/msp')).body;
      for (const role of ['vcio', 'viewer'] as const) {
        const person = await createConsoleUser(app, demo.msp.id, role);
        const page = await chromium.newPage();
        await signIn(page, person.email, person.password);
        for (const address of ['/settings/api-keys', '/settings/webhooks', '/users']) {
          expect((await page.goto(`${app.url}${address}`))?.status()).toBe(403);
          expect(await textOf(page, 'h1')).toBe('Not allowed');
        }
        expect((await page.goto(`${app.url}/settings/policies`))?.status()).toBe(200);
        expect(await page.$('button[value=save]')).toBeNull();
        expect(await textOf(page, '#policy-laptop td')).toBe('18');
        expect(await textOf(page, '#policy-virtual_host td')).toBe('36, the default (inherited)');
        await expectAccessible(page);
        if (role === 'viewer') await screenshots(page, 'policies-viewer');

        const forged: { action: string; fields: Record<string, string>; multipart?: boolean }[] = [
          {
            action: '/settings/branding',
            fields: { name: 'Forged', accentColor: '#000000', footerText: 'x' },
          },
          { action: '/settings/branding/logo', fields: {}, multipart: true },
          { action: '/settings/branding/logo/remove', fields: {} },
          { action: '/settings/policies', fields: { category: 'laptop', lifecycleMonths: '1' } },
          { action: '/settings/api-keys', fields: { name: 'Forged', scope: 'admin', clientId: '' } },
          { action: `/settings/api-keys/${keyId}/revoke`, fields: {} },
          { action: '/users', fields: { name: 'Forged', email: 'forged@example.com', role: 'owner' } },
          { action: `/users/${users[0]!.id}/role`, fields: { role: 'viewer' } },
          { action: `/users/${users[0]!.id}/password-link`, fields: {} },
          { action: `/users/${users[0]!.id}/remove`, fields: {} },
        ];
        for (const form of forged) {
          await page.goto(`${app.url}/settings`);
          const submit = `(() => {
            const form = document.createElement('form');
            form.method = 'post';
            form.action = ${JSON.stringify(form.action)};
            ${form.multipart ? "form.enctype = 'multipart/form-data';" : ''}
            const fields = Object.assign({ _csrf: document.querySelector('.who input[name=_csrf]').value }, ${JSON.stringify(form.fields)});
            for (const [name, value] of Object.entries(fields)) {
              const input = document.createElement('input');
              input.type = 'hidden'; input.name = name; input.value = value;
              form.appendChild(input);
            }
            document.body.appendChild(form);
            form.submit();
          })()`;
          const [response] = (await Promise.all([page.waitForNavigation(), page.evaluate(submit)])) as [
            HTTPResponse | null,
            unknown,
          ];
          expect([form.action, response?.status()]).toEqual([form.action, 403]);
        }
      }
      expect((await api.get('/msp')).body).toEqual(before);
      expect((await api.get('/lifecycle-policies/laptop')).body.lifecycleMonths).not.toBe(1);
      expect(
        (await api.get(`/api-keys`)).body.items.find((key: { id: string }) => key.id === keyId).revokedAt,
      ).toBeNull();
    },
    SLOW,
  );
});
