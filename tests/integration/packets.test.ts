import crypto from 'node:crypto';
import {
  clientLimitedApi,
  createAsset,
  createClient,
  createInitiative,
} from '../support/planner-factories.js';
import { tinyPng } from '../support/packets-support.js';
import type { Clock } from '../../src/shared/clock.js';
import { apiClient, checkedFetch, startTestApp, type TestApp, type Tenant } from '../support/test-app.js';

const AS_OF = '2026-11-22';

/** Today stays fixed; each timestamp is a second after the last, so "newest" and "since" are well defined. */
function tickingClock(): Clock {
  let tick = 0;
  return { now: () => new Date(Date.UTC(2026, 10, 22, 9, 0, tick++)), today: () => AS_OF };
}
const PACKET_KEYS = [
  'id',
  'clientId',
  'asOf',
  'periodLabel',
  'scenario',
  'status',
  'issuedAt',
  'sha256',
  'pageCount',
  'sizeBytes',
  'createdAt',
].sort();

describe('the packet API', () => {
  let app: TestApp;
  let tenant: Tenant;
  let clientId: string;
  beforeAll(async () => {
    app = await startTestApp({ renderer: true, clock: tickingClock() });
    tenant = await app.createTenant();
    clientId = await createClient(tenant.api, { fiscalYearStartMonth: 7 });
    await createAsset(tenant.api, clientId, {
      name: 'Reception PC',
      category: 'desktop',
      inServiceOn: '2023-02-01',
      replacementCost: 110_000,
    });
  });
  afterAll(() => app.close());

  const download = (key: string, path: string, headers: Record<string, string> = {}) =>
    checkedFetch(`${app.url}/api/v1${path}`, { headers: { authorization: `Bearer ${key}`, ...headers } });

  it('when a packet is created, then it answers 201 with exactly the contract fields and a Location to the PDF', async () => {
    const created = await tenant.api.post(`/clients/${clientId}/packets`, {
      asOf: AS_OF,
      scenario: 'proposed',
      periods: 8,
    });
    expect(created.status).toBe(201);
    expect(Object.keys(created.body).sort()).toEqual(PACKET_KEYS);
    expect(created.body).toMatchObject({
      clientId,
      asOf: AS_OF,
      periodLabel: 'FY2027 Q2 roadmap review',
      scenario: 'proposed',
      status: 'draft',
      issuedAt: null,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      pageCount: expect.any(Number),
      sizeBytes: expect.any(Number),
    });
    expect(created.body.pageCount).toBeGreaterThanOrEqual(8);
    expect(created.headers.get('location')).toBe(
      `/api/v1/clients/${clientId}/packets/${created.body.id}.pdf`,
    );
  });

  it('when the PDF is downloaded, then its bytes hash to the sha256, the ETag is that hash and a revalidation is 304', async () => {
    const created = await tenant.api.post(`/clients/${clientId}/packets`, {
      asOf: AS_OF,
      periodLabel: 'Q2 review: "budget" & <plans>',
    });
    expect(created.status).toBe(201);
    expect(created.body.periodLabel).toBe('Q2 review: "budget" & <plans>');
    const response = await download(tenant.key, `/clients/${clientId}/packets/${created.body.id}.pdf`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    expect(response.headers.get('content-disposition')).toMatch(
      /^attachment; filename="client-[0-9a-f]{8}-2026-11-22\.pdf"$/,
    );
    expect(response.headers.get('etag')).toBe(`"${created.body.sha256}"`);
    const pdf = Buffer.from(await response.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.byteLength).toBe(created.body.sizeBytes);
    expect(crypto.createHash('sha256').update(pdf).digest('hex')).toBe(created.body.sha256);
    const again = await download(tenant.key, `/clients/${clientId}/packets/${created.body.id}.pdf`, {
      'if-none-match': `"${created.body.sha256}"`,
    });
    expect(again.status).toBe(304);
  });

  it('when packets are listed a page at a time, then they come newest first and the cursor walks each once', async () => {
    const own = await app.createTenant();
    const ownClient = await createClient(own.api);
    const ids: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const created = await own.api.post(`/clients/${ownClient}/packets`, {
        asOf: AS_OF,
        periodLabel: `Review ${index}`,
      });
      expect(created.status).toBe(201);
      ids.push(created.body.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } =
        await own.api.get(`/clients/${ownClient}/packets?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((packet) => packet.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const bad = await own.api.get(
      `/clients/${ownClient}/packets?cursor=${Buffer.from('["x","y"]').toString('base64url')}`,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: 'query.cursor', message: 'is not a cursor this API returned' }]);
  });

  it('when the preview is asked for, then it is the packet as HTML with the CSP meta first in head, the CSP header and no script', async () => {
    const response = await tenant.api.get(
      `/clients/${clientId}/packets/preview?asOf=${AS_OF}&periods=6&scenario=proposed`,
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:",
    );
    expect(response.text).toMatch(
      /^<!doctype html>\s*<html[^>]*>\s*<head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:">/,
    );
    expect(response.text).not.toMatch(/<script/i);
    expect(response.text).not.toMatch(/\son[a-z]+=/i);
    expect(response.text).toContain('FY2027 Q2 roadmap review');
    // Names are printed word by word (each unbreakable), so their text is read without the tags.
    expect(response.text.replace(/<[^>]+>/g, '')).toContain('Reception PC');
    expect((await tenant.api.get(`/clients/${clientId}/packets/preview?periods=3`)).body.errors).toEqual([
      { path: 'query.periods', message: 'must be from 4 to 40 quarters' },
    ]);
  });

  /** The decisions section of the client's packet preview. */
  const decisionsSection = async (api: Tenant['api'], ownClient: string) => {
    const html = (await api.get(`/clients/${ownClient}/packets/preview?asOf=${AS_OF}`)).text;
    return html.slice(
      html.indexOf('<section class="section decisions">'),
      html.indexOf('<section class="section appendix">'),
    );
  };
  /** The changes section of the client's packet preview. */
  const changesSection = async (api: Tenant['api'], ownClient: string) => {
    const html = (await api.get(`/clients/${ownClient}/packets/preview?asOf=${AS_OF}`)).text;
    const start = html.search(/<section class="(section changes|changes changes-brief)">/);
    return html.slice(start, html.indexOf('</section>', start));
  };

  it('when decisions are recorded around an issued packet, then the next one shows only those made after it, however often it is re-rendered', async () => {
    const own = await app.createTenant();
    const ownClient = await createClient(own.api);
    const first = await createInitiative(own.api, ownClient, { title: 'Firewall', status: 'proposed' });
    const second = await createInitiative(own.api, ownClient, { title: 'Backup', status: 'proposed' });
    const decide = (id: string, note: string) =>
      own.api.post(`/clients/${ownClient}/initiatives/${id}/decisions`, {
        decision: 'approved',
        decidedBy: 'Dana',
        role: 'COO',
        note,
      });
    expect((await decide(first.id, 'note-before-packet')).status).toBe(201);
    expect(await decisionsSection(own.api, ownClient)).toContain('note-before-packet');
    expect(await decisionsSection(own.api, ownClient)).toContain('no packet has been issued to this client');
    // A draft is not handed over: it does not reset "since the last packet".
    const draft = await own.api.post(`/clients/${ownClient}/packets`, { asOf: AS_OF });
    expect(draft.status).toBe(201);
    expect(await decisionsSection(own.api, ownClient)).toContain('note-before-packet');

    expect((await own.api.post(`/clients/${ownClient}/packets/${draft.body.id}/issue`)).status).toBe(200);
    expect((await decide(second.id, 'note-after-packet')).status).toBe(201);
    const section = await decisionsSection(own.api, ownClient);
    expect(section).toContain('note-after-packet');
    expect(section).not.toContain('note-before-packet');
    expect(section).toContain('since the last issued packet, made on');

    // Re-rendering, as a draft, does not empty it.
    expect((await own.api.post(`/clients/${ownClient}/packets`, { asOf: AS_OF })).status).toBe(201);
    expect((await own.api.post(`/clients/${ownClient}/packets`, { asOf: AS_OF })).status).toBe(201);
    const again = await decisionsSection(own.api, ownClient);
    expect(again).toContain('note-after-packet');
    expect(again).not.toContain('note-before-packet');
  });

  it('when a packet is issued, then it is 200 issued with when, the PDF and its sha256 are unchanged, and issuing again changes nothing', async () => {
    const own = await app.createTenant();
    const ownClient = await createClient(own.api);
    const created = await own.api.post(`/clients/${ownClient}/packets`, { asOf: AS_OF });
    expect(created.body).toMatchObject({ status: 'draft', issuedAt: null });
    const before = await download(own.key, `/clients/${ownClient}/packets/${created.body.id}.pdf`);
    const bytes = Buffer.from(await before.arrayBuffer());

    const issued = await own.api.post(`/clients/${ownClient}/packets/${created.body.id}/issue`);
    expect(issued.status).toBe(200);
    expect(Object.keys(issued.body).sort()).toEqual(PACKET_KEYS);
    expect(issued.body).toEqual({
      ...created.body,
      status: 'issued',
      issuedAt: expect.stringMatching(/^2026-11-22T09:\d\d:\d\d\.000Z$/),
    });
    const after = await download(own.key, `/clients/${ownClient}/packets/${created.body.id}.pdf`);
    expect(Buffer.from(await after.arrayBuffer()).equals(bytes)).toBe(true);
    expect(after.headers.get('etag')).toBe(`"${created.body.sha256}"`);

    const twice = await own.api.post(`/clients/${ownClient}/packets/${created.body.id}/issue`);
    expect(twice.status).toBe(200);
    expect(twice.body).toEqual(issued.body);
    const listed = await own.api.get(`/clients/${ownClient}/packets`);
    expect(listed.body.items).toEqual([issued.body]);

    // Who issued it is kept: the key's actor.
    const row = await app.database.db
      .selectFrom('packets')
      .select(['issued_by'])
      .where('id', '=', created.body.id)
      .executeTakeFirstOrThrow();
    expect(row.issued_by).toEqual({ kind: 'api_key', keyId: expect.any(String) });

    const reader = await own.api.post('/api-keys', { name: 'reader', scope: 'read' });
    const second = await own.api.post(`/clients/${ownClient}/packets`, { asOf: AS_OF });
    const refused = await apiClient(app.url, reader.body.key).post(
      `/clients/${ownClient}/packets/${second.body.id}/issue`,
    );
    expect(refused.status).toBe(403);
    expect((await own.api.get(`/clients/${ownClient}/packets`)).body.items[0]).toMatchObject({
      id: second.body.id,
      status: 'draft',
    });
  });

  it('when no packet was issued before, then "what changed" is one sentence; after one is issued, it lists what changed since', async () => {
    const own = await app.createTenant();
    const ownClient = await createClient(own.api, { fiscalYearStartMonth: 7 });
    const kept = await createAsset(own.api, ownClient, {
      name: 'KEPT-LAPTOP-01',
      inServiceOn: '2024-02-01',
      replacementCost: 150_000,
    });
    const leaving = await createAsset(own.api, ownClient, {
      name: 'OLD-SERVER-02',
      category: 'server',
      inServiceOn: '2021-02-01',
      replacementCost: 900_000,
    });
    const moving = await createInitiative(own.api, ownClient, {
      title: 'Move to Wi-Fi 7',
      status: 'proposed',
      targetOn: '2027-02-01',
      capexCost: 500_000,
    });
    const brief = await changesSection(own.api, ownClient);
    expect(brief).toContain('class="changes changes-brief"');
    expect(brief).toContain('no packet has been issued to this client before');

    const packet = await own.api.post(`/clients/${ownClient}/packets`, { asOf: AS_OF });
    expect((await own.api.post(`/clients/${ownClient}/packets/${packet.body.id}/issue`)).status).toBe(200);
    expect(await changesSection(own.api, ownClient)).toContain('No assets were added, retired or replaced');

    await createAsset(own.api, ownClient, { name: 'NEW-DESKTOP-03', category: 'desktop' });
    expect(
      (await own.api.patch(`/clients/${ownClient}/assets/${leaving.id}`, { status: 'retired' })).status,
    ).toBe(200);
    expect(
      (await own.api.patch(`/clients/${ownClient}/initiatives/${moving.id}`, { targetOn: '2027-05-03' }))
        .status,
    ).toBe(200);
    expect(
      (
        await own.api.post(`/clients/${ownClient}/initiatives/${moving.id}/decisions`, {
          decision: 'approved',
          decidedBy: 'Dana Whitfield',
          role: 'CFO',
        })
      ).status,
    ).toBe(201);
    const section = await changesSection(own.api, ownClient);
    expect(section).toContain('class="section changes"');
    expect(section).toContain(`Compared with the last issued packet, ${packet.body.periodLabel}`);
    expect(section).toContain('NEW-DESKTOP-03');
    expect(section).toContain('1 asset added');
    expect(section).toContain('OLD-SERVER-02');
    expect(section).toContain('1 asset retired');
    expect(section).not.toContain(kept.name);
    expect(section).toContain('Moved from Feb 1, 2027 to May 3, 2027');
    expect(section).toContain('Dana Whitfield, CFO');
    // The retired server's overdue refresh leaves the forecast: its first quarter costs less now than then.
    expect(section).toMatch(
      /FY2027 Q2<\/td><td class="num">[\d,.]+<\/td><td class="num">[\d,.]+<\/td><td class="num change-down">−9,000\.00</,
    );
  });

  it('when the body is not valid, then the answer is 400 naming each field', async () => {
    const response = await tenant.api.post(`/clients/${clientId}/packets`, {
      asOf: '2026-02-30',
      periods: 41,
      scenario: 'maybe',
      colour: 'red',
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(
      ['body.asOf', 'body.colour', 'body.periods', 'body.scenario'].sort(),
    );
  });

  describe('isolation', () => {
    let other: Tenant;
    let otherClient: string;
    let otherPacket: string;
    beforeAll(async () => {
      other = await app.createTenant();
      otherClient = await createClient(other.api);
      otherPacket = (await other.api.post(`/clients/${otherClient}/packets`, { asOf: AS_OF })).body.id;
    });

    it("when another MSP's client or packet is named, then every packet route answers 404 and nothing is made", async () => {
      const before = await app.database.db
        .selectFrom('packets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const attempts = [
        await tenant.api.post(`/clients/${otherClient}/packets`, { asOf: AS_OF }),
        await tenant.api.get(`/clients/${otherClient}/packets`),
        await tenant.api.get(`/clients/${otherClient}/packets/preview`),
        await tenant.api.get(`/clients/${otherClient}/packets/${otherPacket}.pdf`),
        await tenant.api.get(`/clients/${clientId}/packets/${otherPacket}.pdf`),
        await tenant.api.get(`/clients/${clientId}/packets/${crypto.randomUUID()}.pdf`),
        await tenant.api.get(`/clients/${clientId}/packets/not-a-uuid.pdf`),
        await tenant.api.post(`/clients/${otherClient}/packets/${otherPacket}/issue`),
        await tenant.api.post(`/clients/${clientId}/packets/${otherPacket}/issue`),
        await tenant.api.post(`/clients/${clientId}/packets/${crypto.randomUUID()}/issue`),
      ];
      for (const response of attempts) {
        expect(response.status).toBe(404);
        expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      }
      const after = await app.database.db
        .selectFrom('packets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
      const untouched = await other.api.get(`/clients/${otherClient}/packets`);
      expect(untouched.body.items[0]).toMatchObject({ id: otherPacket, status: 'draft', issuedAt: null });
    });

    it("when a key limited to one client names another client's packets, then it is 404; its own client's are served", async () => {
      const limited = await clientLimitedApi(app.url, other.api, otherClient, 'read');
      const secondClient = await createClient(other.api);
      expect((await limited.get(`/clients/${secondClient}/packets`)).status).toBe(404);
      const own = await limited.get(`/clients/${otherClient}/packets`);
      expect(own.status).toBe(200);
      expect(own.body.items.map((packet: { id: string }) => packet.id)).toEqual([otherPacket]);
      expect((await limited.post(`/clients/${otherClient}/packets`, {})).status).toBe(403);
      expect((await limited.post(`/clients/${otherClient}/packets/${otherPacket}/issue`)).status).toBe(403);
      const writer = await clientLimitedApi(app.url, other.api, secondClient, 'write');
      expect((await writer.post(`/clients/${otherClient}/packets/${otherPacket}/issue`)).status).toBe(404);
    });
  });

  describe('the MSP logo', () => {
    let own: Tenant;
    beforeAll(async () => {
      own = await app.createTenant();
    });
    const put = (body: string | Buffer, type: string, api = () => own.api) =>
      api().raw('PUT', '/msp/logo', { body, headers: { 'content-type': type } });

    it('when a PNG is uploaded, then it is stored, served back as sent, and removed by DELETE', async () => {
      const response = await put(tinyPng, 'image/png');
      expect(response.status).toBe(200);
      expect(response.body.hasLogo).toBe(true);
      const served = await download(own.key, '/msp/logo');
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await served.arrayBuffer()).equals(tinyPng)).toBe(true);
      expect((await own.api.delete('/msp/logo')).status).toBe(204);
      expect((await own.api.get('/msp/logo')).status).toBe(404);
      expect((await own.api.get('/msp')).body.hasLogo).toBe(false);
    });

    it.each([
      [
        'a PNG without its signature',
        Buffer.from('GIF89a not a png at all, but long enough to be checked'),
        'image/png',
        /PNG signature/,
      ],
      ['a truncated PNG', tinyPng.subarray(0, tinyPng.byteLength - 12), 'image/png', /IEND/],
      [
        'an SVG with a script',
        '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        'image/svg+xml',
        /scripts/,
      ],
      [
        'an SVG with an event handler',
        '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>',
        'image/svg+xml',
        /event handler/,
      ],
      [
        'an SVG loading an external image',
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="http://127.0.0.1/x.png"/></svg>',
        'image/svg+xml',
        /external/,
      ],
      [
        'an SVG with an encoded external url()',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:u&#114;l(http://x/y)"/></svg>',
        'image/svg+xml',
        /external/,
      ],
      [
        'an SVG with foreignObject',
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>',
        'image/svg+xml',
        /embed/,
      ],
      [
        'an SVG with entities',
        '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
        'image/svg+xml',
        /DOCTYPE/,
      ],
      ['a file that is not an SVG', 'hello', 'image/svg+xml', /not an SVG/],
    ])(
      'when %s is uploaded, then it is refused with 400 naming the body',
      async (_what, body, type, message) => {
        const response = await put(body, type);
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([{ path: 'body', message: expect.stringMatching(message) }]);
        expect((await own.api.get('/msp')).body.hasLogo).toBe(false);
      },
    );

    it.each([
      [
        'a <set> that points href at an http URL',
        '<svg xmlns="http://www.w3.org/2000/svg"><rect id="r"/><use href="#r"><set attributeName="href" to="http://127.0.0.1:9/x.svg"/></use></svg>',
        /not <set>/,
      ],
      [
        'an <animate> that points xlink:href at a file URL',
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"><rect id="r"/><use xlink:href="#r"><animate attributeName="xlink:href" values="file:///etc/passwd"/></use></svg>',
        /not <animate>/,
      ],
    ])('when an SVG with %s is uploaded, then it is refused', async (_what, svg, message) => {
      const response = await put(svg, 'image/svg+xml');
      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ path: 'body', message: expect.stringMatching(message) }]);
    });

    it('when an SVG is uploaded, even with image-set() in a style, then a PNG of it is stored and served, with no URL left', async () => {
      const svg =
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40" ' +
        'style="fill:#0a5;background-image:image-set(\'http://127.0.0.1:9/x.png\' 1x)"/><text x="8" y="26">ACME</text></svg>';
      const response = await put(svg, 'image/svg+xml');
      expect(response.status).toBe(200);
      const served = await download(own.key, '/msp/logo');
      expect(served.headers.get('content-type')).toBe('image/png');
      const bytes = Buffer.from(await served.arrayBuffer());
      expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
      expect({ width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) }).toEqual({
        width: 1200,
        height: 400,
      });
      expect(bytes.toString('latin1')).not.toMatch(/http|image-set|<svg/);
    });

    it('when the logo is larger than 512 KB, then it is 413; when it is a JPEG, 415; when empty, 400', async () => {
      const large = Buffer.concat([tinyPng.subarray(0, 33), Buffer.alloc(512 * 1024)]);
      expect((await put(large, 'image/png')).status).toBe(413);
      expect((await put(Buffer.from([0xff, 0xd8, 0xff]), 'image/jpeg')).status).toBe(415);
      expect((await put(Buffer.alloc(0), 'image/png')).status).toBe(400);
    });

    it('when a key without admin scope or limited to a client tries, then it is refused', async () => {
      const reader = await own.api.post('/api-keys', { name: 'reader', scope: 'write' });
      expect((await put(tinyPng, 'image/png', () => apiClient(app.url, reader.body.key))).status).toBe(403);
      const ownClient = await createClient(own.api);
      const limited = await clientLimitedApi(app.url, own.api, ownClient, 'write');
      expect((await limited.get('/msp/logo')).status).toBe(403);
    });
  });

  it('when Chromium cannot be found, then creating a packet is 503 naming the reason', async () => {
    const broken = await startTestApp({ renderer: { executablePath: '/nonexistent/chromium' } });
    try {
      const own = await broken.createTenant();
      const ownClient = await createClient(own.api);
      const response = await own.api.post(`/clients/${ownClient}/packets`, {});
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({
        code: 'renderer_unavailable',
        detail: expect.stringContaining('/nonexistent/chromium'),
      });
      // The API without Chromium stays ready (it serves everything but PDFs); /readyz reports the renderer.
      const ready = await apiClient(broken.url, undefined).get('/readyz');
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ready',
        checks: { database: true },
        renderer: { available: false, reason: expect.stringContaining('/nonexistent/chromium') },
      });
    } finally {
      await broken.close();
    }
  });

  it('when more packets are asked for than the renderer can queue, then the extra ones are 503 with Retry-After', async () => {
    const busy = await startTestApp({ renderer: { concurrency: 1, maxQueue: 0 } });
    try {
      const own = await busy.createTenant();
      const ownClient = await createClient(own.api);
      await createAsset(own.api, ownClient, { inServiceOn: '2024-01-01', replacementCost: 100_000 });
      const responses = await Promise.all(
        Array.from({ length: 6 }, () => own.api.post(`/clients/${ownClient}/packets`, { asOf: AS_OF })),
      );
      const refused = responses.filter((response) => response.status === 503);
      expect(responses.filter((response) => response.status === 201).length).toBeGreaterThanOrEqual(1);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      for (const response of refused) {
        expect(response.body.code).toBe('renderer_busy');
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await busy.close();
    }
  });

  it('when the process has no renderer, then creating a packet is 503 naming why, while the preview still works', async () => {
    const bare = await startTestApp();
    try {
      const own = await bare.createTenant();
      const ownClient = await createClient(own.api);
      const response = await own.api.post(`/clients/${ownClient}/packets`, {});
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({
        code: 'renderer_unavailable',
        detail: 'PDF rendering is not enabled in this process',
      });
      expect((await own.api.get(`/clients/${ownClient}/packets/preview`)).status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});
