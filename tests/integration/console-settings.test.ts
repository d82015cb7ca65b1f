import { Resvg } from '@resvg/resvg-js';
import { ConsoleVisitor } from '../support/console-browserless.js';
import { createConsoleUser } from '../support/console-browser.js';
import { startTestApp, type TestApp, type Tenant } from '../support/test-app.js';
import { createClient } from '../support/planner-factories.js';
import { LOGO_MAX_BYTES } from '../../src/packets/logo.js';
import type { UserRole } from '../../src/users/user.schemas.js';

/** Sends a multipart form as a browser would, with the visitor's cookies. */
async function postMultipart(
  app: TestApp,
  visitor: ConsoleVisitor,
  path: string,
  fields: Record<string, string>,
  file?: { name: string; filename: string; type: string; data: Buffer },
): Promise<{ status: number; html: string; location: string | null }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  if (file) form.append(file.name, new Blob([new Uint8Array(file.data)], { type: file.type }), file.filename);
  const response = await fetch(`${app.url}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      accept: 'text/html',
      cookie: [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    },
    body: form,
  });
  return { status: response.status, html: await response.text(), location: response.headers.get('location') };
}

const png = (): Buffer =>
  new Resvg(
    '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="#123456"/></svg>',
  )
    .render()
    .asPng();

describe('the console’s settings over HTTP', () => {
  let app: TestApp;
  let tenant: Tenant;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  async function signedIn(role: UserRole, owner: Tenant = tenant) {
    const person = await createConsoleUser(app, owner.mspId, role);
    const visitor = new ConsoleVisitor(app.url);
    expect((await visitor.signIn(person.email, person.password)).status).toBe(303);
    const users = await app.database.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', person.email)
      .executeTakeFirstOrThrow();
    return { visitor, id: users.id, ...person };
  }

  it('when an admin uploads a PNG logo through the multipart form, then it is stored; without a session or token, or on another path, it is refused unread', async () => {
    const admin = await signedIn('admin');
    const page = await admin.visitor.get('/settings/branding');
    const token = ConsoleVisitor.formToken(page.html);
    const logo = { name: 'logo', filename: 'logo.png', type: 'image/png', data: png() };

    expect((await postMultipart(app, admin.visitor, '/settings/branding/logo', {}, logo)).status).toBe(403);
    const wrongToken = await postMultipart(
      app,
      admin.visitor,
      '/settings/branding/logo',
      { _csrf: 'nope' },
      logo,
    );
    expect(wrongToken.status).toBe(403);
    // Another path takes no file: its body is not read, so its token is missing.
    const elsewhere = await postMultipart(
      app,
      admin.visitor,
      '/settings/branding',
      { _csrf: token, name: 'X' },
      logo,
    );
    expect(elsewhere.status).toBe(403);
    // Signed out: not read either, and answered as any signed-out form is (sign in again).
    const stranger = new ConsoleVisitor(app.url);
    expect(
      (await postMultipart(app, stranger, '/settings/branding/logo', { _csrf: token }, logo)).status,
    ).toBe(401);
    expect((await tenant.api.get('/msp')).body.hasLogo).toBe(false);

    const tooLarge = await postMultipart(
      app,
      admin.visitor,
      '/settings/branding/logo',
      { _csrf: token },
      { ...logo, data: Buffer.alloc(LOGO_MAX_BYTES + 1, 1) },
    );
    expect(tooLarge.status).toBe(422);
    expect(tooLarge.html).toContain(`must be at most ${LOGO_MAX_BYTES} bytes`);

    const stored = await postMultipart(app, admin.visitor, '/settings/branding/logo', { _csrf: token }, logo);
    expect(stored).toMatchObject({ status: 303, location: '/settings/branding?done=logo' });
    expect((await tenant.api.get('/msp')).body.hasLogo).toBe(true);
    const image = await fetch(`${app.url}/settings/branding/logo`, {
      headers: { cookie: [...admin.visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; ') },
    });
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(logo.data)).toBe(true);
  });

  it('when an admin manages owners, then the service’s rules hold: only owners touch owners, the last owner stays, nobody removes themselves', async () => {
    const owner = await signedIn('owner');
    const admin = await signedIn('admin');

    // An admin cannot make an owner, demote, reset or remove one.
    const invite = await admin.visitor.submit('/users', '/users', {
      name: 'Olive Owner',
      email: 'olive-owner@example.com',
      role: 'owner',
    });
    expect(invite.status).toBe(403);
    expect(invite.html).toContain('Only an owner can make another owner');
    expect((await admin.visitor.submit('/users', `/users/${owner.id}/role`, { role: 'viewer' })).status).toBe(
      403,
    );
    expect((await admin.visitor.submit('/users', `/users/${owner.id}/password-link`)).status).toBe(403);
    expect((await admin.visitor.submit('/users', `/users/${owner.id}/remove`)).status).toBe(403);
    expect((await admin.visitor.submit('/users', `/users/${admin.id}/remove`)).status).toBe(409);

    // The owner can, but not demote or remove the last owner (themselves).
    expect((await owner.visitor.submit('/users', `/users/${owner.id}/role`, { role: 'admin' })).status).toBe(
      409,
    );
    const promoted = await owner.visitor.submit('/users', `/users/${admin.id}/role`, { role: 'owner' });
    expect(promoted).toMatchObject({ status: 303, location: '/users?done=role' });
    // Two owners now: the first may step down to admin, after which the other is the last.
    expect((await owner.visitor.submit('/users', `/users/${owner.id}/role`, { role: 'admin' })).status).toBe(
      303,
    );
    expect((await admin.visitor.submit('/users', `/users/${admin.id}/role`, { role: 'vcio' })).status).toBe(
      409,
    );
    const link = await admin.visitor.submit('/users', `/users/${owner.id}/password-link`);
    expect(link.status).toBe(200);
    expect(link.html).toMatch(/\/set-password\?token(?:=|&#x3D;)/);
    expect(link.headers.get('cache-control')).toBe('no-store');
    expect((await admin.visitor.submit('/users', `/users/${owner.id}/remove`)).status).toBe(303);
    // Removed: their session is gone.
    expect((await owner.visitor.get('/settings')).status).toBe(303);
  });

  it('when an admin names another MSP’s user, key or client, then the 404 page answers and nothing changes', async () => {
    const admin = await signedIn('admin');
    const other = await app.createTenant();
    const theirs = await signedIn('viewer', other);
    const theirKey = (await other.api.get('/api-keys')).body.items[0].id as string;
    const theirClient = await createClient(other.api, { name: 'Not Yours Dental' });

    expect((await admin.visitor.submit('/users', `/users/${theirs.id}/role`, { role: 'admin' })).status).toBe(
      404,
    );
    expect((await admin.visitor.submit('/users', `/users/${theirs.id}/remove`)).status).toBe(404);
    expect((await admin.visitor.get(`/users/${theirs.id}/remove`)).status).toBe(404);
    expect(
      (await admin.visitor.submit('/settings/api-keys', `/settings/api-keys/${theirKey}/revoke`)).status,
    ).toBe(404);
    expect((await admin.visitor.get(`/settings/api-keys/${theirKey}/revoke`)).status).toBe(404);
    const policy = await admin.visitor.submit('/settings/policies', '/settings/policies', {
      client: theirClient,
      category: 'laptop',
      lifecycleMonths: '12',
    });
    expect(policy.status).toBe(404);
    const key = await admin.visitor.submit('/settings/api-keys', '/settings/api-keys', {
      name: 'Sneaky',
      scope: 'read',
      clientId: theirClient,
    });
    expect(key.status).toBe(422);
    expect(key.html).toContain('is not a client of yours');

    expect((await other.api.get('/api-keys')).body.items[0].revokedAt).toBeNull();
    expect((await other.api.get(`/clients/${theirClient}/lifecycle-policies/laptop`)).status).toBe(404);
    expect((await theirs.visitor.get('/settings')).status).toBe(200);
  });

  it('when a policy form has a bad value, then nothing is written and the form keeps what was typed', async () => {
    const admin = await signedIn('admin');
    const answer = await admin.visitor.submit('/settings/policies', '/settings/policies', {
      category: 'server',
      lifecycleMonths: '60',
      replacementCost: 'lots',
      annualEscalationBps: '20000',
      dueSoonDays: '',
    });
    expect(answer.status).toBe(422);
    expect(answer.html).toContain('id="server-replacementCost-error"');
    expect(answer.html).toContain('must be from 0 to 10000 basis points');
    expect(answer.html).toMatch(/id="server-replacementCost"[^>]*value="lots"/);
    expect((await tenant.api.get('/lifecycle-policies/server')).status).toBe(404);

    const saved = await admin.visitor.submit('/settings/policies', '/settings/policies', {
      category: 'server',
      lifecycleMonths: '60',
      replacementCost: '$9,500.50',
      annualEscalationBps: '250',
      dueSoonDays: '',
    });
    expect(saved.status).toBe(303);
    expect((await tenant.api.get('/lifecycle-policies/server')).body).toEqual({
      category: 'server',
      lifecycleMonths: 60,
      replacementCost: 950_050,
      annualEscalationBps: 250,
      dueSoonDays: null,
    });
  });
});
