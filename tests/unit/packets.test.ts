import fs from 'node:fs';
import path from 'node:path';
import { forecast } from '../../src/domain/forecast.js';
import type { ForecastContext } from '../../src/domain/forecast.types.js';
import { templatesDir } from '../../src/shared/paths.js';
import { checkLogo, logoDataUri, logoForStorage } from '../../src/packets/logo.js';
import { budgetChart, niceStep } from '../../src/packets/packet-chart.js';
import { minorToDecimal, moneyFormat } from '../../src/packets/packet-format.js';
import { renderPacketHtml } from '../../src/packets/packet-html.js';
import { packetTheme } from '../../src/packets/packet-theme.js';
import { defaultPeriodLabel, packetFilename } from '../../src/packets/packet.service.js';
import { buildPacketView, type PacketSources } from '../../src/packets/packet.view-model.js';
import type { InventoryAsset } from '../../src/packets/packet.repository.js';

const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

describe('packet formatting', () => {
  it('when minor units become decimals, then no float is involved and the digits follow the currency', () => {
    expect(minorToDecimal(123456, 2)).toBe('1234.56');
    expect(minorToDecimal(5, 2)).toBe('0.05');
    expect(minorToDecimal(9_007_199_254_740_991, 2)).toBe('90071992547409.91');
    expect(minorToDecimal(1234, 0)).toBe('1234');
    expect(moneyFormat('USD').money(9_007_199_254_740_991)).toBe('$90,071,992,547,409.91');
    expect(moneyFormat('USD').amount(120_000)).toBe('1,200.00');
    expect(moneyFormat('JPY').money(1234)).toBe('¥1,234');
    expect(moneyFormat('USD').compact(125_000_000)).toBe('$1.3M');
  });

  it('when a client name has punctuation, accents or nothing usable, then the file name is still safe ASCII', () => {
    expect(packetFilename('Harbor & Wright LLP', '2026-11-22')).toBe('harbor-wright-llp-2026-11-22.pdf');
    expect(packetFilename('Zahnärzte Müller "GmbH"\r\n; x=1', '2026-11-22')).toBe(
      'zahnarzte-muller-gmbh-x-1-2026-11-22.pdf',
    );
    expect(packetFilename('<>"/\\', '2026-11-22')).toBe('packet-2026-11-22.pdf');
  });

  it('when the fiscal year starts in July, then November 2026 is FY2027 Q2', () => {
    expect(defaultPeriodLabel('2026-11-22', 7)).toBe('FY2027 Q2 roadmap review');
    expect(defaultPeriodLabel('2026-11-22', 1)).toBe('FY2026 Q4 roadmap review');
  });
});

describe('packet logo checks', () => {
  it('when a complete PNG is given, then it passes and becomes a data URI', () => {
    expect(checkLogo('image/png', png)).toMatchObject({ ok: true, mime: 'image/png' });
    expect(logoDataUri({ mime: 'image/png', data: png })).toBe(
      `data:image/png;base64,${png.toString('base64')}`,
    );
  });

  it.each([
    ['<svg><script>x</script></svg>', /scripts/],
    ['<svg><SCRIPT>x</SCRIPT></svg>', /scripts/],
    ['<svg><svg:script>x</svg:script></svg>', /scripts/],
    ['<svg onclick="x()"></svg>', /event handler/],
    ['<svg><image xlink:href="https://x/y.png"/></svg>', /external/],
    ['<svg><use href="data:image/svg+xml;base64,AAAA"/></svg>', /external/],
    ['<svg><style>@import "x.css";</style></svg>', /import/],
    ['<svg><rect style="fill:url( https://x )"/></svg>', /external/],
    ['<svg><rect style="fill:&#117;rl(https://x)"/></svg>', /external/],
    ['<svg><rect style="fill:\\75 rl(https://x)"/></svg>', /backslash/],
    ['<svg><a href="#x"><rect/></a></svg>', /links/],
    ['<svg><foreignObject/></svg>', /embed/],
    ['<?xml-stylesheet href="x.css"?><svg></svg>', /style sheets/],
    ['<svg><rect/>', /complete/],
    ['<svg><use href="#r"><set attributeName="href" to="http://127.0.0.1/x.svg"/></use></svg>', /not <set>/],
    [
      '<svg><use xlink:href="#r"><animate attributeName="xlink:href" values="file:///etc/passwd"/></use></svg>',
      /not <animate>/,
    ],
    ['<svg><x:image xmlns:x="http://www.w3.org/2000/svg" href="#r"/></svg>', /not <image>/],
    ['<svg><filter id="f"><feImage href="#r"/></filter></svg>', /not <feImage>/],
    ['<svg><text>&lt;set to="x"/></text></svg>', /not <set>/],
  ])('when an SVG contains %s, then it is refused', (svg, message) => {
    const checked = checkLogo('image/svg+xml', Buffer.from(svg));
    expect(checked.ok).toBe(false);
    expect(checked.ok ? '' : checked.message).toMatch(message);
  });

  it('when an SVG only refers to itself, then it passes; a stored logo that no longer passes is left out', () => {
    const svg =
      '<?xml version="1.0"?><!-- logo --><svg xmlns="http://www.w3.org/2000/svg"><defs><linearGradient id="g"/></defs><rect fill="url(#g)"/><use href="#g"/></svg>';
    expect(checkLogo('image/svg+xml; charset=utf-8', Buffer.from(svg))).toMatchObject({
      ok: true,
      mime: 'image/svg+xml',
    });
    expect(logoDataUri({ mime: 'image/svg+xml', data: Buffer.from('<svg onload="x()"></svg>') })).toBeNull();
    expect(logoDataUri({ mime: 'image/gif', data: png })).toBeNull();
  });
});

describe('packet logo storage', () => {
  const pngSignature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

  it('when an SVG logo with image-set() in a style is stored, then it is stored as a PNG that refers to nothing', () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><rect width="60" height="20" ' +
        "style=\"fill:#0a5;background-image:image-set('http://127.0.0.1:9/x.png' 1x, 'file:///etc/passwd' 2x)\"/></svg>",
    );
    expect(checkLogo('image/svg+xml', svg).ok).toBe(true);
    const stored = logoForStorage('image/svg+xml', svg);
    expect(stored).toMatchObject({ ok: true, mime: 'image/png' });
    const data = stored.ok ? stored.data : Buffer.alloc(0);
    expect(data.subarray(0, 8).equals(pngSignature)).toBe(true);
    expect(data.readUInt32BE(16)).toBe(1200);
    expect(data.readUInt32BE(20)).toBe(400);
    expect(data.toString('latin1')).not.toMatch(/http|file:|image-set/);
  });

  it('when a PNG logo is stored, then it is kept as sent', () => {
    expect(logoForStorage('image/png', png)).toEqual({ ok: true, mime: 'image/png', data: png });
  });
});

describe('packet chart and theme', () => {
  it('when the tallest bar is given, then the axis step is 1, 2, 2.5 or 5 × 10^k and covers it', () => {
    expect(niceStep(364_628_00)).toBe(10_000_000);
    expect(niceStep(7)).toBe(2);
    expect(niceStep(0)).toBe(1);
  });

  it('when periods are charted, then bars stack opex on capex in proportion and the refresh counts are kept', () => {
    const format = moneyFormat('USD');
    const chart = budgetChart(
      [
        {
          label: 'FY2027 Q1',
          capex: 300_000,
          opex: 100_000,
          refreshCount: 3,
          backlog: 120_000,
          partial: true,
        },
        { label: 'FY2027 Q2', capex: 0, opex: 200_000, refreshCount: 0, backlog: 0, partial: false },
      ],
      format,
      'partial',
    );
    const [first, second] = chart.bars;
    expect(first!.capexHeight).toBeCloseTo(3 * (second!.opexHeight / 2), 1);
    expect(first!.opexY + first!.opexHeight).toBeCloseTo(first!.capexY, 5);
    expect(second!.capexHeight).toBe(0);
    expect([first!.quarter, first!.year, first!.refreshCount]).toEqual(['Q1', 'FY2027', 3]);
    expect(chart.gridlines[0]!.label).toBe('0');
    // The backlog is the bottom of the first bar's capex, in proportion; the partial period says so.
    expect(first!.backlogHeight).toBeCloseTo(first!.capexHeight * 0.4, 1);
    expect(first!.backlogY + first!.backlogHeight).toBeCloseTo(first!.capexY + first!.capexHeight, 5);
    expect([first!.note, second!.note]).toEqual(['partial', '']);
    expect(chart.bars.map((bar) => bar.totalLabel)).toEqual(['$4.0K', '$2.0K']);
    expect(chart.description).toContain('FY2027 Q1 at $4,000.00');
  });

  it('when the accent is not #rrggbb, then the default is used; a pale accent gets a darker text colour', () => {
    expect(packetTheme('red; } body { background: url(x)').accent).toBe('#1f4e79');
    const pale = packetTheme('#FFE066');
    expect(pale.accent).toBe('#ffe066');
    expect(pale.accentText).not.toBe('#ffe066');
    expect(pale.onAccent).toBe('#111111');
  });
});

describe('the packet view model and templates', () => {
  const asOf = '2026-11-22';
  const asset = (fields: Partial<InventoryAsset>): InventoryAsset => ({
    id: crypto.randomUUID(),
    name: 'PC',
    category: 'desktop',
    status: 'active',
    manufacturer: null,
    model: null,
    serialNumber: null,
    assetTag: null,
    location: null,
    assignedTo: null,
    operatingSystem: null,
    purchasedOn: null,
    inServiceOn: '2024-01-01',
    warrantyExpiresOn: null,
    endOfSupportOn: null,
    purchaseCost: null,
    replacementCost: 100_000,
    lifecycleMonths: null,
    ...fields,
  });

  function sources(overrides: Partial<PacketSources> = {}): PacketSources {
    const inventory = [
      asset({ name: '<b>Overdue PC</b>', inServiceOn: '2021-01-01', warrantyExpiresOn: '2024-01-01' }),
      asset({
        name: 'Server',
        category: 'server',
        inServiceOn: '2023-06-01',
        replacementCost: 900_000,
        endOfSupportOn: '2026-01-01',
      }),
      asset({ name: 'Undated', inServiceOn: null }),
      asset({ name: 'Gone', status: 'disposed' }),
    ];
    const lifecycle: ForecastContext = {
      asOf,
      granularity: 'quarter',
      periods: 12,
      scenario: 'committed',
      fiscalYearStartMonth: 7,
    };
    const recurringCosts = [
      {
        id: crypto.randomUUID(),
        name: 'M365',
        vendor: null,
        amount: 2_200,
        quantity: 10,
        interval: 'month' as const,
        startsOn: '2026-01-01',
        endsOn: null,
        annualEscalationBps: 0,
      },
    ];
    return {
      msp: { name: 'Acme IT', pageSize: 'letter', accentColor: '#0f766e', footerText: null },
      logoSrc: null,
      client: {
        name: 'Dental {{x}}',
        currency: 'USD',
        fiscalYearStartMonth: 7,
        contactName: null,
        vcioName: 'Priya',
        nextMeetingOn: null,
      },
      periodLabel: 'FY2027 Q2 roadmap review',
      scenario: 'committed',
      preparedOn: asOf,
      periods: 8,
      forecast: {
        ...forecast(lifecycle, { assets: inventory, recurringCosts }, { includeItems: true }),
        currency: 'USD',
      },
      lifecycle,
      inventory,
      initiatives: [],
      decisions: { lastPacketAt: null, decisions: [] },
      changes: { baseline: null, changes: null },
      ...overrides,
    };
  }

  it('when built, then the figures are the forecast’s cells over the shown quarters and twelve months of opex', () => {
    const input = sources();
    const { figures } = buildPacketView(input);
    const shown = input.forecast.periods.slice(0, 8);
    expect(figures.periods.map((period) => period.total)).toEqual(shown.map((period) => period.total));
    expect(figures.totals.total).toBe(shown.reduce((sum, period) => sum + period.total, 0));
    expect(figures.nextFourQuarters.capex).toBe(
      shown.slice(0, 4).reduce((sum, period) => sum + period.capex.total, 0),
    );
    expect(figures.opexNext12Months).toEqual({ from: asOf, through: '2027-11-21', amount: 12 * 22_000 });
    expect(figures.counts).toMatchObject({
      assets: 3,
      overdue: 2,
      undated: 1,
      expiredWarranties: 1,
      unsupported: 1,
      decisionsNeeded: 0,
    });
    expect(figures.fiscalYears.map((year) => [year.key, year.quarters])).toEqual([
      ['FY2027', 3],
      ['FY2028', 4],
      ['FY2029', 1],
    ]);
  });

  it('when rendered, then user text is escaped, the CSP meta comes first and the accent sits in CSS as validated', () => {
    const { view } = buildPacketView(
      sources({
        msp: {
          name: 'Acme',
          pageSize: 'a4',
          accentColor: '#0F766E',
          footerText: '</style><script>x</script>',
        },
      }),
    );
    const document = renderPacketHtml(view);
    expect(document.html).toMatch(
      /^<!doctype html>\s*<html lang="en" class="a4">\s*<head><meta http-equiv="Content-Security-Policy"/,
    );
    expect(document.html).toContain(
      '<span class="w">&lt;b&gt;Overdue</span> <span class="w">PC&lt;/b&gt;</span>',
    );
    expect(document.html).toContain('Dental {{x}}');
    expect(document.html).toContain('--accent: #0f766e;');
    expect(document.html).toContain('size: A4;');
    expect(document.html).not.toContain('<script');
    // The footer is CSS string content in the page's margin boxes: every character but letters, digits and
    // spaces is a hex escape, so it can close neither the string nor the style element.
    expect(document.html).toContain(
      '@bottom-left { content: "\\00003c \\00002f style\\00003e \\00003c script\\00003e x\\00003c \\00002f script\\00003e "; }',
    );
    expect(document.html).toContain(
      '@bottom-right { content: "Page " counter(page) " of " counter(pages); }',
    );
    expect(document.html.match(/<\/style>/g)).toHaveLength(2);
  });

  it('when the templates are read, then none uses triple braces or an unescaped block', () => {
    const dir = path.join(templatesDir, 'packet');
    const files = [
      ...fs.readdirSync(dir),
      ...fs.readdirSync(path.join(dir, 'partials')).map((file) => path.join('partials', file)),
    ];
    for (const file of files.filter((name) => name.endsWith('.hbs') || name.endsWith('.css'))) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      expect({ file, raw: /\{\{\{|\{\{&|\{\{~?\s*else\s+if/.test(source) }).toEqual({ file, raw: false });
      // No value inside a style, href or src attribute other than the checked logo data URI.
      const attributes = [...source.matchAll(/\s(style|href|src)="[^"]*\{\{[^"]*"/g)].map((match) =>
        match[0].trim(),
      );
      expect(attributes.filter((attribute) => attribute !== 'src="{{cover.logoSrc}}"')).toEqual([]);
    }
  });
});
