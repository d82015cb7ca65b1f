import { createClient } from '../support/planner-factories.js';
import { ConsoleVisitor } from '../support/console-browserless.js';
import { startTestApp, unique, type TestApp, type Tenant } from '../support/test-app.js';
import type { Clock } from '../../src/shared/clock.js';
import { memoryAttemptLimiter } from '../../src/users/attempt-limiter.js';
import { createUser, createUserWithPassword } from '../../src/users/user.service.js';
import type { UserRole } from '../../src/users/user.schemas.js';

const PASSWORD = 'correct horse battery staple';

/** A clock the test moves forward, to see sessions expire. */
function movableClock(start: string): Clock & { advance(ms: number): void } {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    today: () => new Date(now).toISOString().slice(0, 10),
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('signing in to the web console', () => {
  let app: TestApp;
  let tenant: Tenant;
  const clock = movableClock('2026-11-22T09:00:00Z');

  beforeAll(async () => {
    app = await startTestApp({
      clock,
      signInLimiters: {
        account: memoryAttemptLimiter({ points: 3, durationSeconds: 900 }),
        ip: memoryAttemptLimiter({ points: 10_000, durationSeconds: 900 }),
      },
    });
    tenant = await app.createTenant();
  });
  afterAll(() => app.close());

  const newEmail = () => `${unique('person').replace(' ', '-').toLowerCase()}@example.com`;

  async function userWithPassword(role: UserRole = 'vcio', owner: Tenant = tenant) {
    const email = newEmail();
    await createUserWithPassword(app.database.db, owner.mspId, { email, name: 'Sam Ortiz', role }, PASSWORD);
    return email;
  }

  async function signedIn(role: UserRole = 'vcio', owner: Tenant = tenant) {
    const visitor = new ConsoleVisitor(app.url);
    const signIn = await visitor.signIn(await userWithPassword(role, owner), PASSWORD);
    expect(signIn.status).toBe(303);
    return visitor;
  }

  it('when a new user opens their one-time link and sets a password, then they can sign in, and the link works only once', async () => {
    const email = newEmail();
    const { link } = await createUser(
      app.database.db,
      tenant.mspId,
      { email, name: 'Robin Park', role: 'viewer' },
      { publicUrl: app.url, clock },
    );
    const path = new URL(link.url).pathname + new URL(link.url).search;
    const visitor = new ConsoleVisitor(app.url);
    const form = await visitor.get(path);
    expect(form.status).toBe(200);
    expect(form.html).toContain(email);
    const token = new URL(link.url).searchParams.get('token')!;
    const tooShort = await visitor.post('/set-password', {
      _csrf: ConsoleVisitor.formToken(form.html),
      token,
      password: 'short',
      confirmPassword: 'short',
    });
    expect(tooShort.status).toBe(400);
    expect(tooShort.html).toContain('at least 12 characters');
    const set = await visitor.post('/set-password', {
      _csrf: ConsoleVisitor.formToken(form.html),
      token,
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    expect(set.status).toBe(200);
    expect(set.html).toContain('Password set');
    const stored = await app.database.db
      .selectFrom('users')
      .select('password_hash')
      .where('email', '=', email)
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect((await visitor.get(path)).status).toBe(410);
    expect((await visitor.signIn(email, PASSWORD)).status).toBe(303);
  });

  it('when the password is wrong, then the form says so with 401 and no session cookie is set', async () => {
    const email = await userWithPassword();
    const visitor = new ConsoleVisitor(app.url);
    const wrong = await visitor.signIn(email, 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(wrong.html).toContain('That email and password do not match an account.');
    expect(visitor.cookies.has('vcio_session')).toBe(false);
    const unknown = await visitor.signIn(newEmail(), PASSWORD);
    expect(unknown.status).toBe(401);
  });

  it('when sign-in succeeds, then the session cookie is httpOnly and SameSite=Lax, not Secure over http, and the dashboard opens', async () => {
    const visitor = new ConsoleVisitor(app.url);
    const signIn = await visitor.signIn(await userWithPassword(), PASSWORD);
    const cookie = signIn.headers.getSetCookie().find((line) => line.startsWith('vcio_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    expect(signIn.location).toBe('/');
    const dashboard = await visitor.get('/');
    expect(dashboard.status).toBe(200);
    expect(dashboard.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(dashboard.headers.get('content-security-policy')).toContain("form-action 'self'");
  });

  it('when a form is posted without its token or with another session’s token, then it is refused with 403 and nothing happens', async () => {
    const visitor = await signedIn();
    const other = await signedIn();
    const noToken = await visitor.post('/sign-out', {});
    expect(noToken.status).toBe(403);
    const othersToken = ConsoleVisitor.formToken((await other.get('/')).html);
    expect((await visitor.post('/sign-out', { _csrf: othersToken })).status).toBe(403);
    expect((await visitor.get('/')).status).toBe(200);
    const signInWithoutToken = await new ConsoleVisitor(app.url).post('/sign-in', {
      email: 'x@example.com',
      password: PASSWORD,
    });
    expect(signInWithoutToken.status).toBe(403);
  });

  it('when a signed-in browser signs in again, then the session rotates: the old cookie no longer works', async () => {
    const visitor = await signedIn();
    const oldCookie = visitor.cookies.get('vcio_session')!;
    const email = await userWithPassword();
    const again = await visitor.submit('/', '/sign-in', { email, password: PASSWORD });
    expect(again.status).toBe(303);
    expect(visitor.cookies.get('vcio_session')).not.toBe(oldCookie);
    const stale = new ConsoleVisitor(app.url);
    stale.cookies.set('vcio_session', oldCookie);
    expect((await stale.get('/')).status).toBe(303);
  });

  it('when a user signs out everywhere, then every one of their sessions ends', async () => {
    const email = await userWithPassword();
    const laptop = new ConsoleVisitor(app.url);
    const phone = new ConsoleVisitor(app.url);
    await laptop.signIn(email, PASSWORD);
    await phone.signIn(email, PASSWORD);
    const sessions = await laptop.get('/sessions');
    expect(
      sessions.html.match(/\/sign-out"|sessions\/[0-9a-f-]{36}\/sign-out/g)?.length,
    ).toBeGreaterThanOrEqual(2);
    const out = await laptop.submit('/sessions', '/sessions/sign-out-everywhere');
    expect(out.status).toBe(303);
    expect((await laptop.get('/')).location).toMatch(/^\/sign-in/);
    expect((await phone.get('/')).location).toMatch(/^\/sign-in/);
  });

  it('when a session is unused for longer than its idle limit, then it has ended', async () => {
    const visitor = await signedIn();
    clock.advance(7 * 3_600_000);
    expect((await visitor.get('/')).status).toBe(200);
    clock.advance(8 * 3_600_000 + 60_000);
    expect((await visitor.get('/')).location).toBe('/sign-in?next=%2F');
  });

  it('when one account has too many sign-in attempts, then the next is refused with 429 and Retry-After, even with the right password', async () => {
    const email = await userWithPassword();
    const visitor = new ConsoleVisitor(app.url);
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await visitor.signIn(email, 'wrong password here')).status).toBe(401);
    }
    const throttled = await visitor.signIn(email, PASSWORD);
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('when a viewer opens the users page, then it is refused with 403; an admin sees the users', async () => {
    const viewer = await signedIn('viewer');
    expect((await viewer.get('/users')).status).toBe(403);
    const admin = await signedIn('admin');
    const users = await admin.get('/users');
    expect(users.status).toBe(200);
    expect(users.html).toContain('Sam Ortiz');
  });

  it("when a user opens another MSP's client, or a path that does not exist, then the answer is an HTML 404 page", async () => {
    const other = await app.createTenant();
    const othersClient = await createClient(other.api, { name: unique('Elsewhere Dental') });
    const visitor = await signedIn();
    const foreign = await visitor.get(`/clients/${othersClient}`);
    expect(foreign.status).toBe(404);
    expect(foreign.headers.get('content-type')).toContain('text/html');
    expect(foreign.html).not.toContain('Elsewhere Dental');
    const ownClient = await createClient(tenant.api, { name: unique('Own Dental') });
    expect((await visitor.get(`/clients/${ownClient}`)).status).toBe(200);
    const unknown = await visitor.get('/no/such/page');
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('Page not found');
    const json = await fetch(`${app.url}/no/such/page`);
    expect(json.headers.get('content-type')).toContain('application/problem+json');
  });
});
