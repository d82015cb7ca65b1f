/**
 * Hand-computed golden cases for SPEC §3 "Initiatives that act on assets" and the end-of-support rules: each
 * number below was worked out from the rules by hand, not read off the engine.
 */
import { forecast } from '../../../../src/domain/forecast.js';
import type { ForecastContext, ForecastResult } from '../../../../src/domain/forecast.types.js';
import { refreshClockOf } from '../../../../src/domain/refresh-clock.js';
import { aPolicy, anAsset, anInitiative, windowsTenLookup } from './builders.js';

// Calendar fiscal years, 16 quarters: FY2026 Q1 (2026-01-01, partial) to FY2029 Q4 (ends 2029-12-31).
const context: ForecastContext = {
  asOf: '2026-03-15',
  granularity: 'quarter',
  periods: 16,
  fiscalYearStartMonth: 1,
  endOfSupportLookup: windowsTenLookup,
};

const period = (result: ForecastResult, key: string) => result.periods.find((p) => p.key === key)!;
const refreshByPeriod = (result: ForecastResult) =>
  Object.fromEntries(result.periods.filter((p) => p.capex.refresh > 0).map((p) => [p.key, p.capex.refresh]));
const refreshItems = (result: ForecastResult) =>
  result.periods
    .flatMap((p) => p.items ?? [])
    .filter((item) => item.type === 'refresh')
    .map(({ date, amount, coveredBy, cycle }) => ({ date, amount, coveredBy, cycle }));

describe('forecast: a replacement initiative', () => {
  // Server in service 2024-06-30 with a 24-month lifecycle: due 2026-06-30, again 2028-06-30. MSP policy
  // escalates servers 5% a year.
  const withEscalation: ForecastContext = {
    ...context,
    mspPolicies: { server: aPolicy('server', { annualEscalationBps: 500 }) },
  };
  const server = anAsset({
    name: 'Practice server',
    category: 'server',
    inServiceOn: '2024-06-30',
    lifecycleMonths: 24,
    replacementCost: 950_000,
  });
  const replacement = anInitiative({
    title: 'Replace the practice server',
    kind: 'replacement',
    status: 'approved',
    targetOn: '2026-09-15',
    capexCost: 1_250_000,
    assetIds: [server.id],
  });

  it('when nothing replaces the server, then both of its own refreshes are charged', () => {
    // 2026-06-30: 3 whole months from asOf → y 0 → 950,000. 2028-06-30: 27 months → y 2 → 950,000 × 1.05² =
    // 1,047,375 exactly.
    const result = forecast(withEscalation, { assets: [server] });
    expect(refreshByPeriod(result)).toEqual({ 'FY2026-Q2': 950_000, 'FY2028-Q2': 1_047_375 });
  });

  it('when an approved replacement acts on it mid-horizon, then its own refreshes are covered and a fresh clock starts on the replacement date', () => {
    // D = 2026-09-15. Own events 2026-06-30 and 2028-06-30 are dropped (covered, amount 0). The new server's
    // clock: D + 24 months = 2028-09-15, 30 whole months from asOf → y 2 → 1,047,375; D + 48 is past 2029.
    const result = forecast(
      withEscalation,
      { assets: [server], initiatives: [replacement] },
      { includeItems: true },
    );
    expect(refreshByPeriod(result)).toEqual({ 'FY2028-Q3': 1_047_375 });
    expect(period(result, 'FY2026-Q3').capex.initiatives).toBe(1_250_000);
    expect(result.totals.capex.total).toBe(1_047_375 + 1_250_000);
    expect(result.totals.refreshCount).toBe(1);
    expect(refreshItems(result)).toEqual([
      { date: '2026-06-30', amount: 0, coveredBy: replacement.id, cycle: 0 },
      { date: '2028-06-30', amount: 0, coveredBy: replacement.id, cycle: 1 },
      { date: '2028-09-15', amount: 1_047_375, coveredBy: undefined, cycle: 1 },
    ]);
  });

  it('when the replacement is only proposed, then the committed scenario charges the server as before', () => {
    const proposed = { ...replacement, status: 'proposed' as const };
    expect(forecast(withEscalation, { assets: [server], initiatives: [proposed] }).totals.capex).toEqual(
      forecast(withEscalation, { assets: [server] }).totals.capex,
    );
    expect(
      refreshByPeriod(
        forecast({ ...withEscalation, scenario: 'proposed' }, { assets: [server], initiatives: [proposed] }),
      ),
    ).toEqual({ 'FY2028-Q3': 1_047_375 });
  });

  it('when the replaced asset is undated, then the replacement still starts its clock and it stays counted undated', () => {
    // Undated laptop, 12-month lifecycle, replaced D = 2026-04-01: 2027-04-01, 2028-04-01, 2029-04-01.
    const laptop = anAsset({ name: 'Spare laptop', lifecycleMonths: 12, replacementCost: 140_000 });
    const result = forecast(context, {
      assets: [laptop],
      initiatives: [anInitiative({ kind: 'replacement', targetOn: '2026-04-01', assetIds: [laptop.id] })],
    });
    expect(refreshByPeriod(result)).toEqual({
      'FY2027-Q2': 140_000,
      'FY2028-Q2': 140_000,
      'FY2029-Q2': 140_000,
    });
    expect(result.counts).toEqual({ undated: 1, unpriced: 0, overdue: 0 });
  });

  it('when the asset is retired, then a replacement does nothing to it', () => {
    const retired = anAsset({ status: 'retired', inServiceOn: '2020-01-01', replacementCost: 100_000 });
    const result = forecast(context, {
      assets: [retired],
      initiatives: [anInitiative({ kind: 'replacement', targetOn: '2026-04-01', assetIds: [retired.id] })],
    });
    expect(result.totals.capex.refresh).toBe(0);
    expect(result.totals.refreshCount).toBe(0);
  });
});

describe('forecast: an asset linked to several initiatives', () => {
  // Laptop in service 2023-01-31, 36 months: due 2026-01-31 < asOf → overdue; own events 2026-03-15 and
  // 2029-03-15. No escalation.
  const laptop = anAsset({ name: 'Reception laptop', inServiceOn: '2023-01-31', replacementCost: 140_000 });
  const approvedLater = anInitiative({
    kind: 'replacement',
    status: 'approved',
    targetOn: '2027-02-01',
    assetIds: [laptop.id],
  });
  const proposedSooner = anInitiative({
    kind: 'replacement',
    status: 'proposed',
    targetOn: '2026-06-01',
    assetIds: [laptop.id],
  });
  const reference = anInitiative({ kind: 'project', status: 'approved', assetIds: [laptop.id] });
  const initiatives = [approvedLater, proposedSooner, reference];

  it('when only the approved replacement counts, then its date restarts the clock past the horizon', () => {
    // Committed: D = 2027-02-01; both own events covered by it; D + 36 = 2030-02-01 is past 2029-12-31.
    const result = forecast(context, { assets: [laptop], initiatives }, { includeItems: true });
    expect(result.totals.capex.refresh).toBe(0);
    expect(refreshItems(result).map((item) => item.coveredBy)).toEqual([approvedLater.id, approvedLater.id]);
    expect(result.counts.overdue).toBe(1);
  });

  it('when both replacements count, then the earliest date wins', () => {
    // Proposed: D = 2026-06-01; the new laptop is due 2029-06-01 (38 whole months → y 3, no escalation).
    const result = forecast(
      { ...context, scenario: 'proposed' },
      { assets: [laptop], initiatives },
      { includeItems: true },
    );
    expect(refreshByPeriod(result)).toEqual({ 'FY2029-Q2': 140_000 });
    expect(refreshItems(result).filter((item) => item.coveredBy !== undefined)).toEqual([
      { date: '2026-03-15', amount: 0, coveredBy: proposedSooner.id, cycle: 0 },
      { date: '2029-03-15', amount: 0, coveredBy: proposedSooner.id, cycle: 1 },
    ]);
  });
});

describe('forecast: an upgrade initiative', () => {
  // Desktop on Windows 10 (product end 2025-10-14), in service 2024-01-10, 48 months: age due 2028-01-10, but
  // the end of support is after the in-service date and earlier, so it is due 2025-10-14: overdue, E1 on asOf.
  const desktop = anAsset({
    name: 'Front desk PC',
    category: 'desktop',
    operatingSystem: 'Windows 10 Pro',
    inServiceOn: '2024-01-10',
    lifecycleMonths: 48,
    replacementCost: 95_000,
  });
  const upgrade = anInitiative({
    title: 'Windows 11 upgrade',
    kind: 'upgrade',
    status: 'approved',
    targetOn: '2026-05-01',
    capexCost: 20_000,
    assetIds: [desktop.id],
  });

  it('when no upgrade is planned, then the end of support makes the desktop overdue today', () => {
    const result = forecast(context, { assets: [desktop] }, { includeItems: true });
    expect(refreshByPeriod(result)).toEqual({ 'FY2026-Q1': 95_000 });
    expect(result.periods.flatMap((p) => p.items!).filter((i) => i.type === 'refresh')).toMatchObject([
      { date: '2026-03-15', overdue: true, reason: 'end_of_support' },
    ]);
  });

  it('when an approved upgrade covers it, then it is due at its age again and the upgrade is the only capex now', () => {
    // Due on = age due 2028-01-10 (21 whole months from asOf → y 1, no escalation) → 95,000 in FY2028 Q1.
    const result = forecast(context, { assets: [desktop], initiatives: [upgrade] }, { includeItems: true });
    expect(refreshByPeriod(result)).toEqual({ 'FY2028-Q1': 95_000 });
    expect(period(result, 'FY2026-Q2').capex.initiatives).toBe(20_000);
    expect(result.periods.flatMap((p) => p.items!).filter((i) => i.type === 'refresh')).toMatchObject([
      { date: '2028-01-10', overdue: false, reason: 'age', cycle: 0 },
    ]);
    // The counts and the asset's own lifecycle describe the inventory as it is.
    expect(result.counts.overdue).toBe(1);
    expect(refreshClockOf(desktop, context)).toMatchObject({ dueOn: '2025-10-14', osStatus: 'unsupported' });
  });
});

describe('forecast: end of support that does not move the clock', () => {
  it('when a Windows 11 release is out of servicing, then the refresh stays on age and the OS needs a free update', () => {
    // 23H2 ended servicing 2025-11-11; Windows 11 itself has no end. Age due 2024-03-01 + 36 = 2027-03-01.
    const laptop = anAsset({
      operatingSystem: 'Windows 11 Pro 23H2',
      inServiceOn: '2024-03-01',
      replacementCost: 120_000,
    });
    expect(refreshClockOf(laptop, context)).toMatchObject({
      dueOn: '2027-03-01',
      dueReason: 'age',
      status: 'ok',
      endOfSupportOn: null,
      osStatus: 'update_due',
      osUpdateTo: 'Windows 11 25H2',
    });
    expect(refreshByPeriod(forecast(context, { assets: [laptop] }))).toEqual({ 'FY2027-Q1': 120_000 });
  });

  it('when the operating system was already unsupported when the device went into service, then the device is due at its age', () => {
    // Windows 10 ended 2025-10-14, before this laptop went into service on 2026-01-05: a device put on an old
    // OS needs an OS upgrade, not new hardware. Age due 2029-01-05.
    const laptop = anAsset({
      operatingSystem: 'Windows 10 Pro',
      inServiceOn: '2026-01-05',
      replacementCost: 120_000,
    });
    expect(refreshClockOf(laptop, context)).toMatchObject({
      dueOn: '2029-01-05',
      dueReason: 'age',
      status: 'ok',
      endOfSupportOn: '2025-10-14',
      osStatus: 'unsupported',
      osUpdateTo: null,
    });
    expect(refreshByPeriod(forecast(context, { assets: [laptop] }))).toEqual({ 'FY2029-Q1': 120_000 });
  });

  it('when the catalogue knows the product and neither date has passed, then the OS is supported; unknown without a match', () => {
    const current = anAsset({ operatingSystem: 'Windows 11 Pro', inServiceOn: '2025-01-01' });
    const unknown = anAsset({ operatingSystem: 'Debian 12', inServiceOn: '2025-01-01' });
    expect(refreshClockOf(current, context)).toMatchObject({ osStatus: 'supported', osUpdateTo: null });
    expect(refreshClockOf(unknown, context)).toMatchObject({ osStatus: 'unknown', osUpdateTo: null });
  });
});
