import { currencyDecimals } from '../../../src/domain/money.js';
import fc from 'fast-check';
import {
  expandTwoDigitYear,
  isZeroDate,
  looksLikeScientificNotation,
  mapCategory,
  mapStatus,
  parseImportDate,
  parseMoney,
  parseWholeNumber,
  warrantyEndOn,
} from '../../../src/imports/values.js';

describe('parseImportDate', () => {
  it.each([
    ['2023-01-05', '2023-01-05'],
    ['2023/1/5', '2023-01-05'],
    ['1/23/23', '2023-01-23'],
    ['01/23/2023', '2023-01-23'],
    ['1-23-2023', '2023-01-23'],
    ['10/27/28', '2028-10-27'],
    ['12/31/1999', '1999-12-31'],
    ['2/29/24', '2024-02-29'],
    ['5-Jan-23', '2023-01-05'],
    ['5 January 2023', '2023-01-05'],
    ['Jan 5, 2023', '2023-01-05'],
    ['Sept 30 2024', '2024-09-30'],
    ['2023-01-05 00:00:00', '2023-01-05'],
    ['1/23/2023 0:00', '2023-01-23'],
    ['1/23/2023 12:30 PM', '2023-01-23'],
    ['2023-01-05T10:00:00Z', '2023-01-05'],
    ['  3/1/23  ', '2023-03-01'],
  ])('when a US export says %j, then the date is %s', (raw, iso) => {
    expect(parseImportDate(raw)).toEqual({ value: iso });
  });

  it.each([
    ['00', 2000],
    ['23', 2023],
    ['69', 2069],
    ['70', 1970],
    ['99', 1999],
  ])('when the year is written %s, then it is %i (00–69 → 20xx, 70–99 → 19xx)', (yy, year) => {
    expect(parseImportDate(`6/15/${yy}`).value).toBe(`${year}-06-15`);
    expect(expandTwoDigitYear(Number(yy))).toBe(year);
  });

  it('when a date does not exist, then it is an error that says why rather than a date in the next month', () => {
    expect(parseImportDate('2/30/23')).toEqual({
      error: 'is not a real calendar date: February 2023 has 28 days',
    });
    expect(parseImportDate('2/29/23')).toEqual({
      error: 'is not a real calendar date: February 2023 has 28 days',
    });
    expect(parseImportDate('4/31/2024').error).toMatch(/April 2024 has 30 days/);
    expect(parseImportDate('2023-13-01').error).toMatch(/no month 13/);
  });

  it('when a day-first date comes in a month-first file, then it is an error, not a silently swapped date', () => {
    expect(parseImportDate('23/1/2023').error).toMatch(/no month 23/);
    expect(parseImportDate('23/1/2023', 'dmy')).toEqual({ value: '2023-01-23' });
    expect(parseImportDate('3/4/23', 'dmy')).toEqual({ value: '2023-04-03' });
    expect(parseImportDate('23.1.2023', 'dmy')).toEqual({ value: '2023-01-23' });
  });

  it('when the text is not a date or lies outside 1900–2199, then it is an error', () => {
    expect(parseImportDate('soon')).toEqual({ error: 'is not a date; use YYYY-MM-DD or M/D/YYYY' });
    expect(parseImportDate('44927').error).toMatch(/is not a date/);
    expect(parseImportDate('1/2/1899')).toEqual({ error: 'must be a date from 1900 to 2199' });
    expect(parseImportDate('Foo 5, 2023').error).toMatch(/is not a date/);
  });

  it('when any real date is written M/D/YYYY, then reading it gives back the same day', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1900-01-01T00:00:00Z'),
          max: new Date('2199-12-31T00:00:00Z'),
          noInvalidDate: true,
        }),
        (date) => {
          const iso = date.toISOString().slice(0, 10);
          const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
          expect(parseImportDate(`${month}/${day}/${year}`)).toEqual({ value: iso });
          expect(parseImportDate(`${day}/${month}/${year}`, 'dmy')).toEqual({ value: iso });
        },
      ),
    );
  });

  it("when an export writes MySQL's zero date, then it counts as no date", () => {
    expect(isZeroDate('0000-00-00')).toBe(true);
    expect(isZeroDate('0000-00-00 00:00:00')).toBe(true);
    expect(isZeroDate('2000-01-01')).toBe(false);
  });
});

describe('warrantyEndOn', () => {
  it.each([
    ['2016-04-05', 14, '2017-06-05'],
    ['2016-01-31', 20, '2017-09-30'],
    ['2023-01-31', 1, '2023-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2024-02-29', 12, '2025-02-28'],
  ])(
    'when bought on %s with %i months of warranty, then it ends on %s (clamped to the month end)',
    (bought, months, end) => {
      expect(warrantyEndOn(bought, months)).toBe(end);
    },
  );
});

describe('parseMoney', () => {
  it.each([
    ['$1,234.56', 123456],
    ['1234.5', 123450],
    ['1234', 123400],
    ['0', 0],
    ['.5', 50],
    ['2266.13', 226613],
    ['133289.59', 13328959],
    ['$12.58', 1258],
    [' $ 1,234,567.89 ', 123456789],
    ['USD 1,234', 123400],
    ['1234.00 USD', 123400],
    ['US$ 5', 500],
    ['1,234', 123400],
    ['1.234,56', 123456],
    ['12,5', 1250],
    ['1 234,56', 123456],
    ['1\u00a0234,56', 123456],
    ["1'234.50", 123450],
    ['1.234.567', 123456700],
  ])('when a USD cell says %j, then it is %i cents', (raw, cents) => {
    expect(parseMoney(raw, 'USD')).toEqual({ value: cents });
  });

  it('when an amount has more decimals than the currency, then it is rounded half up on the digits, not a float', () => {
    expect(parseMoney('12.345', 'USD')).toEqual({ value: 1235 });
    expect(parseMoney('12.3449', 'USD')).toEqual({ value: 1234 });
    expect(parseMoney('1.005', 'USD')).toEqual({ value: 101 });
    expect(parseMoney('0.285', 'USD')).toEqual({ value: 29 });
    expect(parseMoney('99999999999.999', 'USD')).toEqual({ value: 10_000_000_000_000 });
  });

  it('when a person typed the amount and it has more decimals than the currency, then it is refused, not rounded', () => {
    const typed = { extraDecimals: 'reject' } as const;
    expect(parseMoney('1,234.50', 'USD', typed)).toEqual({ value: 123450 });
    expect(parseMoney('12.500', 'USD', typed)).toEqual({ value: 1250 });
    expect(parseMoney('12.345', 'USD', typed)).toEqual({ error: 'has more decimals than USD has (2)' });
    expect(parseMoney('1234.5', 'JPY', typed)).toEqual({
      error: 'must be a whole amount: JPY has no decimals',
    });
    expect(parseMoney('1.2345', 'BHD', typed)).toEqual({ error: 'has more decimals than BHD has (3)' });
    expect(parseMoney('1.234', 'BHD', typed)).toEqual({ value: 1234 });
  });

  it('when the currency has no or three minor digits, then the scale follows it', () => {
    expect(currencyDecimals('JPY')).toBe(0);
    expect(currencyDecimals('BHD')).toBe(3);
    expect(parseMoney('¥1,234', 'JPY')).toEqual({ value: 1234 });
    expect(parseMoney('1234.5', 'JPY')).toEqual({ value: 1235 });
    expect(parseMoney('1.234 BHD', 'BHD')).toEqual({ value: 1234 });
    expect(parseMoney('€1.234,56', 'EUR')).toEqual({ value: 123456 });
    expect(parseMoney('1 234,56 €', 'EUR')).toEqual({ value: 123456 });
  });

  it("when the amount carries another currency's symbol or code, then it is an error, not a conversion", () => {
    expect(parseMoney('€12', 'USD')).toEqual({
      error: "is in another currency (€); this client's amounts are in USD",
    });
    expect(parseMoney('EUR 5', 'USD').error).toMatch(/another currency \(EUR\)/);
    expect(parseMoney('CA$5', 'USD').error).toMatch(/another currency \(CA\$\)/);
    expect(parseMoney('£5', 'EUR').error).toMatch(/another currency/);
  });

  it('when the amount is negative, malformed or too large, then it is an error', () => {
    expect(parseMoney('-5', 'USD')).toEqual({ error: 'must not be negative' });
    expect(parseMoney('(12.00)', 'USD')).toEqual({ error: 'must not be negative' });
    expect(parseMoney('$-5', 'USD')).toEqual({ error: 'must not be negative' });
    for (const raw of ['abc', '1,23,4', '1.2E+3', '$', '12..5', '1,2.3.4', '5 apples 3']) {
      expect(parseMoney(raw, 'USD').error).toBe('is not an amount of money (e.g. 1234.56 or $1,234.56)');
    }
    expect(parseMoney('10000000000000000', 'USD')).toEqual({ error: 'is too large' });
  });

  it('when any amount of cents is written with a dollar sign and thousands commas, then reading it gives the cents back', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000_000_000 }), (cents) => {
        const dollars = BigInt(cents) / 100n;
        const written = `$${dollars.toLocaleString('en-US')}.${String(cents % 100).padStart(2, '0')}`;
        expect(parseMoney(written, 'USD')).toEqual({ value: cents });
      }),
    );
  });
});

describe('parseWholeNumber', () => {
  it('when a count of months is written with or without its unit, then it is read; fractions and ranges are errors', () => {
    expect(parseWholeNumber('36', 1, 600, 'months')).toEqual({ value: 36 });
    expect(parseWholeNumber('36 months', 1, 600, 'months')).toEqual({ value: 36 });
    expect(parseWholeNumber('36.0', 1, 600, 'months')).toEqual({ value: 36 });
    expect(parseWholeNumber('3.5', 1, 600, 'months')).toEqual({ error: 'is not a whole number of months' });
    expect(parseWholeNumber('0', 1, 600, 'months')).toEqual({ error: 'must be from 1 to 600 months' });
    expect(parseWholeNumber('601', 1, 600, 'months')).toEqual({ error: 'must be from 1 to 600 months' });
  });
});

describe('mapCategory', () => {
  it.each([
    ['Laptops', 'laptop'],
    ['Notebook', 'laptop'],
    ['MacBook Pro', 'laptop'],
    ['Workstation', 'desktop'],
    ['Desktops', 'desktop'],
    ['Thin Client', 'desktop'],
    ['Servers', 'server'],
    ['Hypervisor', 'virtual_host'],
    ['ESXi Host', 'virtual_host'],
    ['Virtual Host Server', 'virtual_host'],
    ['Switches', 'network_switch'],
    ['Network Switch', 'network_switch'],
    ['Firewall', 'firewall'],
    ['Routers', 'firewall'],
    ['Access Point', 'wireless_ap'],
    ['WAP', 'wireless_ap'],
    ['Wireless Access-Points', 'wireless_ap'],
    ['NAS', 'storage'],
    ['SAN', 'storage'],
    ['Backup Appliance', 'backup_appliance'],
    ['UPS', 'ups'],
    ['Battery Backup', 'ups'],
    ['Phones', 'phone_system'],
    ['VoIP', 'phone_system'],
    ['Desk Phone', 'phone_system'],
    ['Mobile Phone', 'mobile'],
    ['Cell Phones', 'mobile'],
    ['Tablets', 'mobile'],
    ['iPad', 'mobile'],
    ['Printers', 'printer'],
    ['Network Printer', 'printer'],
    ['MFP', 'printer'],
    ['Monitors', 'peripheral'],
    ['Docking Stations', 'peripheral'],
    ['Software', 'software'],
    ['Licences', 'software'],
    ['virtual_host', 'virtual_host'],
    ['phone system', 'phone_system'],
    ['Other', 'other'],
  ])('when the category says %j, then it is %s', (raw, category) => {
    expect(mapCategory(raw)).toEqual({ category, known: true });
  });

  it('when nothing matches, then it is other and marked as a guess', () => {
    expect(mapCategory('Ornamental Railings')).toEqual({ category: 'other', known: false });
    expect(mapCategory('quam')).toEqual({ category: 'other', known: false });
    // Whole words only: "Apparel" does not contain the word "ap", nor "Snapshot" "nas".
    expect(mapCategory('Apparel').known).toBe(false);
    expect(mapCategory('Snapshots').known).toBe(false);
  });
});

describe('mapStatus', () => {
  it.each([
    ['Deployed', false, 'active'],
    ['Ready to Deploy', false, 'in_storage'],
    ['Ready to Deploy', true, 'active'],
    ['Pending', false, 'in_storage'],
    ['Pending Diagnostics', true, 'in_storage'],
    ['Out for Repair', true, 'in_storage'],
    ['Archived', true, 'retired'],
    ['Broken', false, 'retired'],
    ['Undeployable', true, 'retired'],
    ['Lost/Stolen', false, 'disposed'],
    ['Lost', true, 'disposed'],
    ['in_storage', false, 'in_storage'],
    ['Active', false, 'active'],
    ['Disposed', false, 'disposed'],
  ] as const)('when the Snipe-IT status is %j (assigned: %s), then ours is %s', (raw, assigned, status) => {
    expect(mapStatus(raw, assigned)).toEqual({ status, known: true });
  });

  it('when the label is unknown, then the asset is active and the status marked as a guess', () => {
    expect(mapStatus('Awaiting pickup by courier', false)).toEqual({ status: 'active', known: false });
  });
});

describe('looksLikeScientificNotation', () => {
  it('when Excel has turned a long number into 6.37702E+15, then it is recognised', () => {
    expect(looksLikeScientificNotation('6.37702E+15')).toBe(true);
    expect(looksLikeScientificNotation('5.02E+18')).toBe(true);
    expect(looksLikeScientificNotation('C02E+15XYZ')).toBe(false);
    expect(looksLikeScientificNotation('1786VM80X07')).toBe(false);
  });
});
