import crypto from 'node:crypto';
import {
  createAsset,
  createClient,
  createInitiative,
  createRecurringCost,
} from '../support/planner-factories.js';
import { startCanaryServer, type CanaryServer } from '../support/canary-server.js';
import {
  forecastTableRows,
  headingIndex,
  pdfInfo,
  pdfPages,
  pdfText,
  squeeze,
  tinyPng,
  usd,
} from '../support/packets-support.js';
import { checkedFetch, startTestApp, unique, type TestApp, type Tenant } from '../support/test-app.js';

const AS_OF = '2026-11-22';

describe('roadmap packets rendered to PDF by Chromium', () => {
  let app: TestApp;
  let tenant: Tenant;
  let canary: CanaryServer;
  beforeAll(async () => {
    app = await startTestApp({ renderer: true });
    tenant = await app.createTenant();
    canary = await startCanaryServer();
  });
  afterAll(async () => {
    await app.close();
    await canary.close();
  });

  /** Makes a packet over the API and downloads its PDF. */
  async function makePacket(
    owner: Tenant,
    clientId: string,
    body: Record<string, unknown> = { asOf: AS_OF },
  ) {
    const created = await owner.api.post(`/clients/${clientId}/packets`, body);
    expect(created.status).toBe(201);
    const download = await checkedFetch(
      `${app.url}/api/v1/clients/${clientId}/packets/${created.body.id}.pdf`,
      {
        headers: { authorization: `Bearer ${owner.key}` },
      },
    );
    expect(download.status).toBe(200);
    return { packet: created.body, pdf: Buffer.from(await download.arrayBuffer()) };
  }

  describe('for a client with assets, recurring costs, initiatives and decisions', () => {
    let clientId: string;
    let packet: any;
    let pdf: Buffer;
    let text: string;
    let forecast: any;

    beforeAll(async () => {
      const api = tenant.api;
      clientId = await createClient(api, {
        name: unique('Bright Smile Dental'),
        fiscalYearStartMonth: 7,
        vcioName: 'Priya Raman',
        contactName: 'Dana Kowalski',
      });
      await createAsset(api, clientId, {
        name: 'Front desk PC',
        category: 'desktop',
        inServiceOn: '2023-06-01',
        replacementCost: 120_000,
        operatingSystem: 'Windows 10 Pro',
      });
      await createAsset(api, clientId, {
        name: 'File server',
        category: 'server',
        inServiceOn: '2023-03-01',
        replacementCost: 900_000,
        lifecycleMonths: 48,
      });
      await createAsset(api, clientId, {
        name: 'Reception laptop',
        category: 'laptop',
        inServiceOn: '2024-06-15',
        purchaseCost: 150_055,
        warrantyExpiresOn: '2025-06-15',
      });
      await createAsset(api, clientId, {
        name: 'Core switch',
        category: 'network_switch',
        inServiceOn: '2021-02-01',
      });
      await createAsset(api, clientId, { name: 'Spare laptop', category: 'laptop', status: 'in_storage' });
      await createAsset(api, clientId, {
        name: 'Old NAS',
        category: 'storage',
        status: 'retired',
        inServiceOn: '2015-01-01',
      });
      await createRecurringCost(api, clientId, {
        name: 'Microsoft 365',
        amount: 2_200,
        quantity: 18,
        interval: 'month',
        startsOn: '2026-01-01',
      });
      await createRecurringCost(api, clientId, {
        name: 'Practice management',
        amount: 540_000,
        interval: 'year',
        startsOn: '2025-03-15',
        annualEscalationBps: 500,
      });
      await createInitiative(api, clientId, {
        title: 'Replace the firewall',
        status: 'proposed',
        capexCost: 450_000,
        targetOn: '2027-02-15',
        priority: 'high',
      });
      await createInitiative(api, clientId, {
        title: 'Managed detection and response',
        status: 'approved',
        monthlyOpexCost: 120_000,
        opexMonths: 36,
        targetOn: '2026-12-01',
      });
      const deferred = await createInitiative(api, clientId, {
        title: 'Wi-Fi survey',
        status: 'proposed',
        capexCost: 45_000,
        targetOn: '2027-04-01',
      });
      const decided = await api.post(`/clients/${clientId}/initiatives/${deferred.id}/decisions`, {
        decision: 'deferred',
        decidedBy: 'Dana Kowalski',
        role: 'Practice manager',
        note: 'After the busy season.',
      });
      expect(decided.status).toBe(201);

      ({ packet, pdf } = await makePacket(tenant, clientId));
      text = pdfText(pdf);
      forecast = (await api.get(`/clients/${clientId}/forecast?asOf=${AS_OF}&include=items`)).body;
    });

    it('when the packet is made, then the stored PDF is the one downloaded and pdfinfo agrees on its pages', async () => {
      expect(crypto.createHash('sha256').update(pdf).digest('hex')).toBe(packet.sha256);
      expect(pdf.byteLength).toBe(packet.sizeBytes);
      const info = pdfInfo(pdf);
      expect(info.pages).toBe(packet.pageCount);
      expect(info.pageSize).toBe('612 x 792 pts (letter)');
      expect(packet.periodLabel).toBe('FY2027 Q2 roadmap review');
    });

    it('then every section of the packet is there, cover first', () => {
      const pages = pdfPages(pdf);
      expect(pages[0]).toContain('Bright Smile Dental');
      expect(pages[0]).toContain('FY2027 Q2 roadmap review');
      expect(pages[0]).toContain('November 22, 2026');
      expect(pages[0]).toContain('Priya Raman');
      for (const heading of [
        'Executive summary',
        'Budget forecast by fiscal quarter',
        'Refresh schedule, next four quarters',
        'Warranty and end-of-support exposure',
        'Roadmap initiatives by quarter',
        'Decisions since the last packet',
        'Full inventory',
      ]) {
        expect(text).toContain(heading);
      }
      for (const asset of [
        'Front desk PC',
        'File server',
        'Reception laptop',
        'Core switch',
        'Spare laptop',
        'Old NAS',
      ]) {
        expect(text).toContain(asset);
      }
    });

    it('then the executive summary prints the forecast API’s next-four-quarter capex and twelve months of opex', () => {
      const nearTerm = forecast.periods.slice(0, 4);
      const capex = nearTerm.reduce((sum: number, period: any) => sum + period.capex.total, 0);
      const opexThrough = '2027-11-21';
      const opex = forecast.periods
        .flatMap((period: any) => period.items)
        .filter(
          (item: any) =>
            (item.type === 'recurring' || item.type === 'initiative_opex') && item.date <= opexThrough,
        )
        .reduce((sum: number, item: any) => sum + item.amount, 0);
      expect(capex).toBeGreaterThan(0);
      expect(opex).toBeGreaterThan(0);
      const summary = pdfPages(pdf)[1]!;
      expect(summary).toContain('Capital spend, next 4 quarters'.toUpperCase());
      expect(summary).toContain(usd(capex));
      expect(summary).toContain(usd(opex));
      expect(summary).toMatch(new RegExp(`${forecast.counts.overdue}\\s+`));
    });

    it('then each period of the forecast table, each fiscal-year subtotal and the total equal the forecast API', () => {
      const rows = forecastTableRows(text);
      const cellsOf = (period: any) => [
        period.capex.refresh,
        period.capex.initiatives,
        period.capex.total,
        period.opex.recurring,
        period.opex.initiatives,
        period.opex.total,
        period.total,
      ];
      expect(forecast.periods).toHaveLength(12);
      for (const period of forecast.periods) {
        expect({ label: period.label, ...rows.get(period.label) }).toEqual({
          label: period.label,
          cells: cellsOf(period),
          refreshCount: period.refreshCount,
        });
      }
      expect(rows.get('Total')).toEqual({
        cells: cellsOf(forecast.totals),
        refreshCount: forecast.totals.refreshCount,
      });
      const fy2027 = forecast.periods.filter((period: any) => period.key.startsWith('FY2027'));
      expect(rows.get('FY2027 subtotal (3 of 4 quarters)')?.cells[6]).toBe(
        fy2027.reduce((sum: number, period: any) => sum + period.total, 0),
      );
      expect(rows.get('FY2028 subtotal')?.cells[6]).toBe(
        forecast.periods
          .filter((period: any) => period.key.startsWith('FY2028'))
          .reduce((sum: number, period: any) => sum + period.total, 0),
      );
    });

    it('then the figures stored with the packet are the numbers it printed', async () => {
      const row = await app.database.db
        .selectFrom('packets')
        .select(['figures', 'periods', 'pdf'])
        .where('id', '=', packet.id)
        .executeTakeFirstOrThrow();
      const figures = row.figures as any;
      expect(row.periods).toBe(12);
      expect(Buffer.from(row.pdf!).equals(pdf)).toBe(true);
      expect(figures.periods.map((period: any) => period.total)).toEqual(
        forecast.periods.map((period: any) => period.total),
      );
      expect(figures.totals).toEqual(forecast.totals);
      expect(figures.nextFourQuarters.capex).toBe(
        forecast.periods.slice(0, 4).reduce((sum: number, period: any) => sum + period.capex.total, 0),
      );
      expect(figures.counts).toMatchObject({
        overdue: forecast.counts.overdue,
        undated: 1,
        unpriced: 2,
        decisionsNeeded: 1,
        expiredWarranties: 1,
      });
    });

    it('then the refresh schedule gives reasons and costs, and proposed initiatives get boxes and signature lines', () => {
      const schedule = squeeze(
        text.slice(headingIndex(text, '3 · REFRESH SCHEDULE'), headingIndex(text, '4 · RISK')),
      );
      expect(schedule).toContain(squeeze('Overdue since Oct 14, 2025: Windows 10 Pro end of support'));
      expect(schedule).toContain(squeeze('End of its 48-month lifecycle'));
      expect(schedule).toContain('9,000.00');
      const roadmap = text.slice(headingIndex(text, '5 · ROADMAP'), headingIndex(text, '6 · RECORD'));
      // The firewall is proposed; the Wi-Fi survey was deferred, so it shows its decision instead of boxes.
      expect(roadmap.match(/Approve\s+Decline\s+Defer/g)).toHaveLength(1);
      expect(roadmap.match(/SIGNATURE\s+NAME AND ROLE\s+DATE/g)).toHaveLength(1);
      expect(roadmap).toMatch(/Replace the firewall[\s\S]*Approve\s+Decline/);
      expect(roadmap).toContain('After the busy season.');
    });

    it('then every page says "Page X of Y" with the real page count', () => {
      const pages = pdfPages(pdf);
      expect(pages).toHaveLength(packet.pageCount);
      pages.forEach((page, index) => {
        expect(page).toMatch(new RegExp(`Page ${index + 1} of ${packet.pageCount}\\b`));
        expect(page).toContain('Bright Smile Dental');
      });
    });
  });

  it('when the MSP prints on A4, then the packet is A4; on Letter, Letter', async () => {
    const own = await app.createTenant();
    const clientId = await createClient(own.api);
    await createAsset(own.api, clientId, { inServiceOn: '2024-01-01', replacementCost: 100_000 });
    expect(
      (
        await own.api.patch('/msp', {
          pageSize: 'a4',
          accentColor: '#0F766E',
          footerText: 'Acme IT · 555-0100',
        })
      ).status,
    ).toBe(200);
    const a4 = await makePacket(own, clientId);
    expect(pdfInfo(a4.pdf).pageSize).toMatch(/^595\.\d+ x 841\.\d+ pts \(A4\)$/);
    expect(pdfText(a4.pdf)).toContain('Acme IT · 555-0100');
    expect((await own.api.patch('/msp', { pageSize: 'letter' })).status).toBe(200);
    const letter = await makePacket(own, clientId);
    expect(pdfInfo(letter.pdf).pageSize).toBe('612 x 792 pts (letter)');
  });

  it('when a client has 300 assets, then the packet renders completely and the appendix lists every one', async () => {
    const clientId = await createClient(tenant.api);
    const names = Array.from(
      { length: 300 },
      (_, index) => `WS-${String(index + 1).padStart(3, '0')}-${crypto.randomUUID().slice(0, 6)}`,
    );
    const synced = await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets: names.map((name, index) => ({
        externalId: `device-${index}`,
        name,
        category: index % 10 === 0 ? 'server' : 'desktop',
        manufacturer: 'Dell',
        model: 'OptiPlex 7090',
        operatingSystem: index % 3 === 0 ? 'Windows 10 Pro 22H2' : 'Windows 11 Pro 23H2',
        inServiceOn: `20${20 + (index % 6)}-0${1 + (index % 9)}-15`,
        warrantyExpiresOn: `20${23 + (index % 6)}-0${1 + (index % 9)}-15`,
        replacementCost: 95_000 + index,
      })),
    });
    expect(synced.status).toBe(200);
    const { packet, pdf } = await makePacket(tenant, clientId);
    expect(pdfInfo(pdf).pages).toBe(packet.pageCount);
    const text = pdfText(pdf);
    const appendix = text.slice(text.indexOf('Full inventory'));
    expect(names.filter((name) => !appendix.includes(name))).toEqual([]);
    expect(text).toContain(`Page ${packet.pageCount} of ${packet.pageCount}`);
  });

  it('when names carry HTML and CSS payloads aimed at a local server, then nothing is fetched and the payloads print as text', async () => {
    const target = canary.url;
    const payloads = [
      `<iframe src=${target}/iframe></iframe>`,
      `<img src=${target}/img.png>`,
      `<link rel=stylesheet href=${target}/style.css>`,
      `<style>@import url(${target}/import.css);</style>`,
      `<style>@font-face{font-family:x;src:url(${target}/font.woff)} body{background:url(${target}/bg.png)}</style>`,
      `<meta http-equiv=refresh content="0;url=${target}/refresh">`,
      `<object data=file:///etc/passwd></object>`,
      `<svg><image href="${target}/svg.png"/></svg>`,
      `</td></tr></table><script>fetch('${target}/script')</script>`,
      `<a href="${target}/link">{{constructor}}</a>`,
    ];
    const clientName = `${unique('Hostile')} <img src=${target}/client.png> url(${target}/client-css)`;
    const clientId = await createClient(tenant.api, {
      name: clientName,
      vcioName: `<link rel=preconnect href=${target}/vcio>`,
      contactName: `@import url(${target}/contact.css);`,
    });
    for (const [index, payload] of payloads.entries()) {
      await createAsset(tenant.api, clientId, {
        name: payload,
        category: 'desktop',
        inServiceOn: '2023-01-01',
        replacementCost: 100_000 + index,
        operatingSystem: index === 0 ? `file:///etc/passwd` : `Windows 11 <base href=${target}/>`,
        location: `<iframe src=file:///etc/passwd>`,
        assignedTo: `background:url(${target}/assigned)`,
      });
    }
    await createInitiative(tenant.api, clientId, {
      title: `<iframe src=${target}/initiative></iframe>`,
      summary: `<meta http-equiv=refresh content="0;url=${target}/summary"> @font-face{src:url(${target}/f.woff)}`,
      status: 'proposed',
      capexCost: 10_000,
      targetOn: '2027-01-15',
    });

    const preview = await tenant.api.get(`/clients/${clientId}/packets/preview?asOf=${AS_OF}`);
    expect(preview.status).toBe(200);
    expect(preview.text).not.toMatch(/<(iframe|img|link|script|object|meta http-equiv=refresh|a )[\s>]/i);

    const { pdf } = await makePacket(tenant, clientId);
    expect(canary.hits).toEqual([]);
    expect(canary.connections).toBe(0);
    const text = squeeze(pdfText(pdf, 'raw'));
    for (const payload of payloads) expect(text).toContain(squeeze(payload));
    expect(text).toContain(squeeze(clientName));
    expect(text).toContain(squeeze(`<iframe src=${target}/initiative></iframe>`));
    expect(text).not.toContain('CANARY');
    expect(text).not.toContain('root:x:0:0');
  });

  it('when the MSP has a PNG or SVG logo, then the packet carries it as an image and loads nothing', async () => {
    const own = await app.createTenant();
    const clientId = await createClient(own.api);
    await createAsset(own.api, clientId, { inServiceOn: '2024-01-01', replacementCost: 100_000 });
    const png = await own.api.raw('PUT', '/msp/logo', {
      body: tinyPng,
      headers: { 'content-type': 'image/png' },
    });
    expect(png.status).toBe(200);
    const withPng = await own.api.get(`/clients/${clientId}/packets/preview?asOf=${AS_OF}`);
    // Handlebars escapes "=" as &#x3D;, which the HTML parser turns back into "=".
    const inAttribute = (base64: string) => base64.replaceAll('=', '&#x3D;');
    expect(withPng.text).toContain(
      `<img src="data:image/png;base64,${inAttribute(tinyPng.toString('base64'))}"`,
    );
    await makePacket(own, clientId);

    const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><defs><linearGradient id="g"><stop offset="0" stop-color="#0a5"/></linearGradient></defs><rect width="120" height="40" fill="url(#g)"/><text x="8" y="26">ACME</text></svg>`;
    const put = await own.api.raw('PUT', '/msp/logo', {
      body: svg,
      headers: { 'content-type': 'image/svg+xml' },
    });
    expect(put.status).toBe(200);
    const withSvg = await own.api.get(`/clients/${clientId}/packets/preview?asOf=${AS_OF}`);
    // An SVG logo is stored as the PNG it was rasterised to on upload.
    const stored = await own.api.raw('GET', '/msp/logo');
    expect(stored.headers.get('content-type')).toBe('image/png');
    expect(withSvg.text).toContain('<img src="data:image/png;base64,');
    expect(withSvg.text).not.toContain('data:image/svg+xml');
    expect(withSvg.text).not.toContain('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"');
    const { packet } = await makePacket(own, clientId);
    expect(packet.pageCount).toBeGreaterThan(1);
    expect(canary.hits).toEqual([]);
  });
});
