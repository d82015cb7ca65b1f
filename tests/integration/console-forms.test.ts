import { loadDemo, type LoadedDemo } from '../../src/demo/demo.service.js';
import { ConsoleVisitor } from '../support/console-browserless.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** The console's form parser: large checklists are read, a body past its limits is a page that says so, never a 500. */
describe('console forms at their limits', () => {
  let app: TestApp;
  let demo: LoadedDemo;
  beforeAll(async () => {
    app = await startTestApp();
    demo = await loadDemo(app.database.db, app.context.clock);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('when a form names 600 clients, then it is read; when its body passes 100 kB, then a 413 page answers', async () => {
    const visitor = new ConsoleVisitor(app.url);
    expect((await visitor.signIn(demo.user.email, demo.user.password)).status).toBe(303);
    const token = ConsoleVisitor.formToken((await visitor.get('/sessions')).html);
    const many = new URLSearchParams({ _csrf: token });
    for (let index = 0; index < 600; index += 1) many.append('clientIds', crypto.randomUUID());
    const read = await fetch(`${app.url}/packet-runs`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        cookie: [...visitor.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
      },
      body: many.toString(),
    });
    // Read and answered by the page (here: this test app has no packet queue, so 503 "cannot start runs"), not
    // refused by the parser (413) nor failing (500), as a 50-parameter limit did.
    expect([413, 500]).not.toContain(read.status);
    expect(await read.text()).not.toContain('larger than the console accepts');

    const huge = await visitor.post('/packet-runs', { _csrf: token, note: 'x'.repeat(120 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.html).toContain('larger than the console accepts');
  });
});
