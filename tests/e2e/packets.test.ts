import crypto from 'node:crypto';
import {
  createAsset,
  createClient,
  createInitiative,
  createRecurringCost,
} from '../support/planner-factories.js';
import { startCanaryServer, type CanaryServer } from '../support/canary-server.js';
import {
  brokenWords,
  forecastTableRows,
  headingIndex,
  opensSection,
  pageReach,
  pdfInfo,
  pdfPages,
  pdfText,
  squeeze,
  tinyPng,
  usd,
} from '../support/packets-support.js';
import { checkedFetch, startTestApp, unique, type TestApp, type Tenant } from '../support/test-app.js';

const AS_OF = '2026-11-22';
const HOST_NAMES = [
  'RVM-LT-ALVAREZ-13',
  'RVM-LT-FITZGERALD-14',
  'RVM-LT-KOWALCZYK-15',
  'RVM-LT-NAKAMURA-16',
  'RVM-LT-OYELARAN-17',
];

/**
 * Each page reaches at least a fifth of the way down its body unless it is the last page of its section (the
 * next page opens a section) or of the packet: a forced break never strands a row or two on a page.
 */
function expectNoStrandedPages(pdf: Buffer) {
  const reach = pageReach(pdf);
  const opens = opensSection(pdfPages(pdf));
  expect(opens).toHaveLength(reach.length);
  const stranded = reach
    .map((fraction, index) => ({ page: index + 1, fraction }))
    .filter(({ page, fraction }) => page < reach.length && !opens[page] && fraction < 0.2);
  expect(stranded).toEqual([]);
  // The measure is not vacuous: full pages reach most of the way down.
  expect(Math.max(...reach)).toBeGreaterThan(0.8);
}

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
    let clientName: string;
    let packet: any;
    let pdf: Buffer;
    let text: string;
    let forecast: any;

    beforeAll(async () => {
      const api = tenant.api;
      clientName = unique('Bright Smile Dental');
      clientId = await createClient(api, {
        name: clientName,
        fiscalYearStartMonth: 7,
        vcioName: 'Priya Raman',
        contactName: 'Dana Kowalski',
      });
      await createAsset(api, clientId, {
        name: 'Front desk PC',
        manufacturer: 'Dell',
        model: 'OptiPlex 7090',
        assignedTo: 'Dana Kowalski',
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
      // Long hyphenated host names in narrow columns: the kind Chromium broke after a hyphen.
      for (const [index, name] of HOST_NAMES.entries()) {
        await createAsset(api, clientId, {
          name,
          category: 'laptop',
          manufacturer: 'Lenovo',
          model: 'ThinkPad X1 Carbon Gen 10',
          assignedTo: 'Marisol Alvarez-Fitzgerald',
          operatingSystem: index % 2 === 0 ? 'Microsoft Windows 10 Pro' : 'Windows 10 Pro 22H2',
          inServiceOn: '2022-0' + (index + 1) + '-10',
          warrantyExpiresOn: '2025-0' + (index + 1) + '-10',
          replacementCost: 145_000,
        });
      }
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
        'Roadmap timeline by quarter',
        'Decisions since the last issued packet',
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
      expect(summary).toContain('Executive summary');
      expect(summary).toContain(usd(capex));
      expect(summary).toContain(usd(opex));
    });

    it('then the summary’s budget by fiscal year, backlog and whole plan equal the forecast API’s', () => {
      const summary = squeeze(pdfPages(pdf)[1]!);
      const byYear = new Map<string, { capex: number; opex: number; total: number }>();
      for (const period of forecast.periods) {
        const year = period.key.slice(0, 6);
        const sums = byYear.get(year) ?? { capex: 0, opex: 0, total: 0 };
        byYear.set(year, {
          capex: sums.capex + period.capex.total,
          opex: sums.opex + period.opex.total,
          total: sums.total + period.total,
        });
      }
      expect([...byYear.keys()]).toEqual(['FY2027', 'FY2028', 'FY2029', 'FY2030']);
      for (const [year, sums] of byYear)
        expect(summary).toMatch(
          new RegExp(
            `${year}.*?${[sums.capex, sums.opex, sums.total].map((n) => usd(n).replace(/[$.]/g, '\\$&')).join('')}`,
          ),
        );
      const backlog = forecast.periods[0].items
        .filter((item: any) => item.type === 'refresh' && item.overdue && item.coveredBy === undefined)
        .reduce((sum: number, item: any) => sum + item.amount, 0);
      expect(backlog).toBeGreaterThan(0);
      expect(summary).toContain(squeeze(usd(backlog)));
      expect(summary).toContain(
        squeeze(
          `${usd(forecast.totals.capex.total)} ${usd(forecast.totals.opex.total)} ${usd(forecast.totals.total)}`,
        ),
      );
      // The whole plan stands apart from the decisions: its total is not on the line of any decision's price.
      const lines = pdfPages(pdf)[1]!.split('\n');
      const decision = lines.findIndex((line) => line.includes('Replace the firewall'));
      expect(lines[decision]).toContain('$4,500.00 one-time');
      expect(lines.slice(decision, decision + 3).join(' ')).not.toContain(usd(forecast.totals.total));
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
        // The reception laptop and the five hosts.
        expiredWarranties: 6,
      });
    });

    it('then the refresh schedule gives reasons and costs, and proposed initiatives get boxes and signature lines', () => {
      // Raw order keeps each table cell's words together, however the cell wraps.
      const raw = pdfText(pdf, 'raw');
      const schedule = squeeze(
        raw.slice(headingIndex(raw, '3 · REFRESH SCHEDULE'), headingIndex(raw, '4 · RISK')),
      );
      expect(schedule).toContain(squeeze('Overdue since Oct 14, 2025: Windows 10 end of support'));
      expect(schedule).toContain(squeeze('End of its 48-month lifecycle'));
      expect(schedule).toContain('9,000.00');
      // Grouped by model: the five laptops are one line with its count and cost, their names under it.
      const nearTermRefresh = forecast.periods
        .slice(0, 4)
        .reduce((sum: number, period: any) => sum + period.capex.refresh, 0);
      expect(schedule).toContain(squeeze(`replacements for ${usd(nearTermRefresh)}`));
      const layout = text.slice(headingIndex(text, '3 · REFRESH SCHEDULE'), headingIndex(text, '4 · RISK'));
      expect(layout).toMatch(/ThinkPad X1 Carbon Gen 10\s+5\s+OVERDUE/);
      const roadmap = text.slice(headingIndex(text, '5 · ROADMAP'), headingIndex(text, '6 · RECORD'));
      // The firewall is proposed; the Wi-Fi survey was deferred, so it shows its decision instead of boxes.
      expect(roadmap.match(/Approve\s+Decline\s+Defer/g)).toHaveLength(1);
      expect(roadmap.match(/SIGNATURE\s+NAME AND ROLE\s+DATE/g)).toHaveLength(1);
      expect(roadmap).toMatch(/Replace the firewall[\s\S]*Approve\s+Decline/);
      expect(roadmap).toContain('After the busy season.');
    });

    it('then every page but the cover carries the running header and "Page X of Y"; the cover carries neither', () => {
      const pages = pdfPages(pdf);
      expect(pages).toHaveLength(packet.pageCount);
      const header = `${clientName} · FY2027 Q2 roadmap review`;
      expect(pages[0]).not.toMatch(/Page \d+ of \d+/);
      expect(pages[0]).not.toContain(header);
      expect(pages[0]).toContain(clientName);
      pages.slice(1).forEach((page, index) => {
        expect(page).toMatch(new RegExp(`Page ${index + 2} of ${packet.pageCount}\\b`));
        expect(page.split('\n')[0]).toContain(header);
      });
    });

    it('then no asset, client or initiative name is broken across lines', () => {
      const raw = pdfText(pdf, 'raw');
      const names = [
        clientName,
        'Front desk PC',
        'File server',
        'Reception laptop',
        'Core switch',
        'Spare laptop',
        'Old NAS',
        ...HOST_NAMES,
        'Replace the firewall',
        'Managed detection and response',
        'Wi-Fi survey',
        'Marisol Alvarez-Fitzgerald',
        'ThinkPad X1 Carbon Gen 10',
      ];
      expect(brokenWords(raw, names)).toEqual([]);
      const flowing = raw.replace(/\s+/g, ' ');
      expect(names.filter((name) => !flowing.includes(name))).toEqual([]);
      // Operating systems read the same however they were recorded.
      expect(flowing).not.toContain('Microsoft Windows 10 Pro');
    });

    it('then no page but the last of its section is left less than a fifth filled', () => {
      expectNoStrandedPages(pdf);
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
  it('when a client has 1,000 assets, then the packet stays readable: the schedule summarises, the appendix lists every one', async () => {
    const clientId = await createClient(tenant.api);
    const models = ['OptiPlex 7090', 'OptiPlex 5000', 'Latitude 5440', 'Precision 3660', 'PowerEdge R650'];
    const names = Array.from(
      { length: 1000 },
      (_, index) =>
        `RVM-WS-${String(index + 1).padStart(4, '0')}-${crypto.randomUUID().slice(0, 4).toUpperCase()}`,
    );
    const synced = await tenant.api.post(`/clients/${clientId}/assets/sync`, {
      externalSource: 'rmm',
      assets: names.map((name, index) => ({
        externalId: `device-${index}`,
        name,
        category: index % 50 === 0 ? 'server' : index % 3 === 0 ? 'laptop' : 'desktop',
        manufacturer: 'Dell',
        model: models[index % models.length],
        assignedTo: `User ${index}`,
        operatingSystem: index % 3 === 0 ? 'Windows 10 Pro 22H2' : 'Windows 11 Pro 23H2',
        inServiceOn: `20${20 + (index % 6)}-0${1 + (index % 9)}-15`,
        warrantyExpiresOn: `20${23 + (index % 6)}-0${1 + (index % 9)}-15`,
        replacementCost: 95_000 + index,
      })),
    });
    expect(synced.status).toBe(200);
    const { packet, pdf } = await makePacket(tenant, clientId);
    expect(pdfInfo(pdf).pages).toBe(packet.pageCount);
    const pages = pdfPages(pdf);
    const opens = opensSection(pages);
    const sectionPages = (eyebrow: string) => {
      const start = pages.findIndex((page) => squeeze(page).includes(squeeze(eyebrow)));
      const next = opens.findIndex((opening, index) => index > start && opening);
      return (next === -1 ? pages.length : next) - start;
    };
    // About 45 appendix rows a page: the appendix is most of the packet, and everything before it is short. The
    // schedule's 834 refreshes in four quarters, grouped by model, take three pages and part of a fourth (with
    // Chromium 156 and the Liberation fonts; a point of font metrics moves the last group across the page break).
    expect(sectionPages('3 · REFRESH SCHEDULE')).toBeLessThanOrEqual(4);
    expect(sectionPages('4 · RISK')).toBeLessThanOrEqual(3);
    expect(packet.pageCount).toBeLessThanOrEqual(45);
    const text = pdfText(pdf);
    const appendix = text.slice(text.indexOf('Full inventory'));
    expect(names.filter((name) => !appendix.includes(name))).toEqual([]);
    expect(brokenWords(pdfText(pdf, 'raw'), names)).toEqual([]);
    expectNoStrandedPages(pdf);
    expect(text).toContain(`Page ${packet.pageCount} of ${packet.pageCount}`);
  });
});
