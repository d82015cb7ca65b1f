import { createForecastAccumulator, forecast, refreshEventsOf } from '../../../../src/domain/forecast.js';
import type { ForecastContext, ForecastResult } from '../../../../src/domain/forecast.types.js';
import { aPolicy, aRecurringCost, anAsset, anInitiative, windowsTenLookup } from './builders.js';

// Most cases: asOf 2026-03-15, fiscal year from July, so the quarters run FY2026-Q3 (Jan–Mar 2026),
// FY2026-Q4 (Apr–Jun), FY2027-Q1 (Jul–Sep), FY2027-Q2 (Oct–Dec), … and 12 of them end on 2028-12-31.
const asOf = '2026-03-15';
const july: ForecastContext = { asOf, fiscalYearStartMonth: 7 };

function period(result: ForecastResult, key: string) {
  const found = result.periods.find((p) => p.key === key);
  if (!found) throw new Error(`no period ${key} in ${result.periods.map((p) => p.key).join(', ')}`);
  return found;
}

/** key → amount for the periods where the selector is not zero. */
function nonZero(result: ForecastResult, select: (p: ForecastResult['periods'][number]) => number) {
  return Object.fromEntries(result.periods.filter((p) => select(p) !== 0).map((p) => [p.key, select(p)]));
}

describe('forecast: refresh events', () => {
  it('when the asset is overdue, then its first event is on asOf, flagged, and later cycles escalate', () => {
    // In service 2022-01-10 + 36 months = due 2025-01-10 < asOf → E1 on 2026-03-15, overdue.
    // E2 = 2026-03-15 + 36 months = 2029-03-15: 36 whole months → y = 3 → 100000 × 1.03³ = 109272.7 → 109273.
    const context: ForecastContext = {
      ...july,
      periods: 16,
      mspPolicies: { laptop: aPolicy('laptop', { annualEscalationBps: 300 }) },
    };
    const asset = anAsset({ name: 'Reception PC', inServiceOn: '2022-01-10', replacementCost: 100_000 });
    const result = forecast(context, { assets: [asset] }, { includeItems: true });

    expect(nonZero(result, (p) => p.capex.refresh)).toEqual({ 'FY2026-Q3': 100_000, 'FY2029-Q3': 109_273 });
    expect(period(result, 'FY2026-Q3').items).toEqual([
      {
        type: 'refresh',
        refId: asset.id,
        name: 'Reception PC',
        date: '2026-03-15',
        amount: 100_000,
        overdue: true,
        reason: 'age',
        cycle: 0,
      },
    ]);
    expect(period(result, 'FY2029-Q3').items).toEqual([
      {
        type: 'refresh',
        refId: asset.id,
        name: 'Reception PC',
        date: '2029-03-15',
        amount: 109_273,
        overdue: false,
        reason: 'age',
        cycle: 1,
      },
    ]);
    expect(result.counts).toEqual({ undated: 0, unpriced: 0, overdue: 1 });
    expect(result.totals.refreshCount).toBe(2);
  });

  it('when an asset cycles several times in the horizon, then each cycle is L months after the first and escalates by year', () => {
    // In service 2025-04-30, L = 12: E1 2026-04-30 (1 whole month from asOf → y 0) = 50000,
    // E2 2027-04-30 (13 → y 1) = 55000, E3 2028-04-30 (25 → y 2) = 60500; E4 2029-04-30 is past 2028-12-31.
    const context: ForecastContext = {
      ...july,
      mspPolicies: { server: aPolicy('server', { annualEscalationBps: 1_000 }) },
    };
    const asset = anAsset({
      category: 'server',
      inServiceOn: '2025-04-30',
      lifecycleMonths: 12,
      purchaseCost: 50_000,
    });
    const result = forecast(context, { assets: [asset] });

    expect(nonZero(result, (p) => p.capex.refresh)).toEqual({
      'FY2026-Q4': 50_000,
      'FY2027-Q4': 55_000,
      'FY2028-Q4': 60_500,
    });
    expect(result.totals.capex.refresh).toBe(165_500);
    expect(result.totals.refreshCount).toBe(3);
    expect(result.counts.overdue).toBe(0);
  });

  it('when the first event is on a month end, then later cycles are counted from it and do not creep to the 28th', () => {
    // In service 2025-12-31, L = 1: E1 = 2026-01-31, E2 = +1 → 02-28, E3 = +2 from E1 → 03-31 (not 03-28).
    const context: ForecastContext = { asOf: '2026-01-15', periods: 1 };
    const asset = anAsset({ inServiceOn: '2025-12-31', lifecycleMonths: 1, replacementCost: 1_000 });
    const result = forecast(context, { assets: [asset] }, { includeItems: true });

    expect(result.periods[0]!.items!.map((item) => item.date)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
    ]);
    expect(result.periods[0]!.capex.refresh).toBe(3_000);
  });

  it('when the end of support comes before the age due date, then the first event is at end of support and the next a full lifecycle later', () => {
    // Age due 2024-06-01 + 24 = 2026-06-01; end of support 2026-05-01 is earlier → E1 2026-05-01,
    // E2 = 2026-05-01 + 24 = 2028-05-01 (the replacement's own clock; the old end of support no longer applies).
    const asset = anAsset({ inServiceOn: '2024-06-01', lifecycleMonths: 24, endOfSupportOn: '2026-05-01' });
    const events = refreshEventsOf(asset, july);

    expect(events.map(({ date, reason, cycle }) => ({ date, reason, cycle }))).toEqual([
      { date: '2026-05-01', reason: 'end_of_support', cycle: 0 },
      { date: '2028-05-01', reason: 'age', cycle: 1 },
    ]);
  });

  it('when the catalogue says the operating system is already unsupported, then the asset is overdue on asOf', () => {
    // Windows 10 ended 2025-10-14 < asOf, well before the age due date 2027-06-01.
    const context: ForecastContext = { ...july, endOfSupportLookup: windowsTenLookup };
    const asset = anAsset({
      inServiceOn: '2024-06-01',
      operatingSystem: 'Windows 10 Pro',
      replacementCost: 90_000,
    });
    const result = forecast(context, { assets: [asset] }, { includeItems: true });

    expect(period(result, 'FY2026-Q3').items).toMatchObject([
      { date: '2026-03-15', amount: 90_000, overdue: true },
    ]);
    expect(result.counts.overdue).toBe(1);
  });

  it('when an event is 11 whole months after asOf, then it is not escalated; at 12 whole months it is', () => {
    // Due 2027-03-14: 2026-03-15 + 12 months = 2027-03-15 > 2027-03-14, so 11 whole months → y 0 → 200000.
    // Due 2027-03-15: 12 whole months → y 1 → 200000 × 1.05 = 210000.
    const context: ForecastContext = {
      ...july,
      mspPolicies: { laptop: aPolicy('laptop', { replacementCost: 200_000, annualEscalationBps: 500 }) },
    };
    const eleven = anAsset({ name: 'eleven', inServiceOn: '2024-03-14' });
    const twelve = anAsset({ name: 'twelve', inServiceOn: '2024-03-15' });
    const result = forecast(context, { assets: [eleven, twelve] }, { includeItems: true });

    expect(
      period(result, 'FY2027-Q3').items!.map(({ name, date, amount }) => ({ name, date, amount })),
    ).toEqual([
      { name: 'eleven', date: '2027-03-14', amount: 200_000 },
      { name: 'twelve', date: '2027-03-15', amount: 210_000 },
    ]);
  });

  it('when asOf is a month end, then whole months clamp too: Jan 31 to Jan 30 next year is 11 months, to Jan 31 is 12', () => {
    const context: ForecastContext = {
      asOf: '2026-01-31',
      mspPolicies: { laptop: aPolicy('laptop', { replacementCost: 100_000, annualEscalationBps: 1_000 }) },
    };
    const result = forecast(
      context,
      {
        assets: [
          anAsset({ name: 'a', inServiceOn: '2024-01-30' }),
          anAsset({ name: 'b', inServiceOn: '2024-01-31' }),
        ],
      },
      { includeItems: true },
    );
    const items = result.periods
      .flatMap((p) => p.items!)
      .map(({ name, date, amount }) => ({ name, date, amount }));
    expect(items).toEqual([
      { name: 'a', date: '2027-01-30', amount: 100_000 },
      { name: 'b', date: '2027-01-31', amount: 110_000 },
    ]);
  });

  it('when the replacement cost comes from different layers, then asset beats client policy beats MSP policy beats purchase cost', () => {
    const context: ForecastContext = {
      ...july,
      mspPolicies: {
        laptop: aPolicy('laptop', { replacementCost: 3_000 }),
        server: aPolicy('server', { replacementCost: 3_000 }),
      },
      clientPolicies: { laptop: aPolicy('laptop', { replacementCost: 2_000 }) },
    };
    const dueInApril = { inServiceOn: '2023-04-01', purchaseCost: 4_000 };
    const cases = [
      [anAsset({ ...dueInApril, replacementCost: 1_000 }), 1_000],
      [anAsset({ ...dueInApril }), 2_000],
      [anAsset({ ...dueInApril, category: 'server' }), 3_000],
      [anAsset({ ...dueInApril, category: 'firewall' }), 4_000],
    ] as const;
    for (const [asset, cost] of cases) {
      expect(forecast(context, { assets: [asset] }).totals.capex.refresh).toBe(cost);
    }
  });

  it('when the client policy sets an escalation rate, then it wins over the MSP rate', () => {
    // Due 2027-04-01: 12 whole months → y 1; the client's 2% gives 100000 × 1.02 = 102000 (the MSP's 9% would not).
    const context: ForecastContext = {
      ...july,
      mspPolicies: { laptop: aPolicy('laptop', { annualEscalationBps: 900 }) },
      clientPolicies: { laptop: aPolicy('laptop', { annualEscalationBps: 200 }) },
    };
    const asset = anAsset({ inServiceOn: '2024-04-01', replacementCost: 100_000 });
    expect(forecast(context, { assets: [asset] }).totals.capex.refresh).toBe(102_000);
  });
});

describe('forecast: undated, unpriced and inactive assets', () => {
  it('when the asset has no in-service or purchase date, then it is counted as undated and has no event', () => {
    const result = forecast(july, { assets: [anAsset({ replacementCost: 5_000 })] });
    expect(result.counts).toEqual({ undated: 1, unpriced: 0, overdue: 0 });
    expect(result.totals.refreshCount).toBe(0);
  });

  it('when an asset has no cost anywhere, then it is counted as unpriced and its events cost 0 but still count', () => {
    // Due 2026-06-01 (FY2026-Q4) with no replacement cost, policy cost or purchase cost.
    const result = forecast(
      july,
      { assets: [anAsset({ inServiceOn: '2023-06-01' })] },
      { includeItems: true },
    );
    expect(result.counts).toEqual({ undated: 0, unpriced: 1, overdue: 0 });
    expect(period(result, 'FY2026-Q4')).toMatchObject({ refreshCount: 1, capex: { refresh: 0 } });
    expect(period(result, 'FY2026-Q4').items).toMatchObject([{ type: 'refresh', amount: 0 }]);
  });

  it('when an unpriced asset has no event in the horizon, or no dates at all, then it is still counted as unpriced', () => {
    const beyondHorizon = anAsset({ inServiceOn: '2026-01-01', lifecycleMonths: 60 });
    const undated = anAsset();
    expect(forecast(july, { assets: [beyondHorizon, undated] }).counts).toEqual({
      undated: 1,
      unpriced: 2,
      overdue: 0,
    });
  });

  it('when an asset is retired or disposed, then it is neither forecast nor counted', () => {
    const assets = [
      anAsset({ status: 'retired', inServiceOn: '2020-01-01' }),
      anAsset({ status: 'disposed' }),
    ];
    const result = forecast(july, { assets });
    expect(result.counts).toEqual({ undated: 0, unpriced: 0, overdue: 0 });
    expect(result.totals.refreshCount).toBe(0);
  });

  it('when an asset is in storage, then it is forecast like an active one', () => {
    const result = forecast(july, {
      assets: [anAsset({ status: 'in_storage', inServiceOn: '2023-06-01', purchaseCost: 700 })],
    });
    expect(nonZero(result, (p) => p.capex.refresh)).toEqual({ 'FY2026-Q4': 700 });
  });
});

describe('forecast: what-if lifecycle overrides', () => {
  it('when laptops are assumed to last 48 months instead of 36, then their events move a year later, except an asset with its own lifecycle', () => {
    // Policy asset: 2023-06-01 + 36 = 2026-06-01 (FY2026-Q4); + 48 = 2027-06-01 (FY2027-Q4).
    // Own-lifecycle asset: 2024-06-01 + 24 = 2026-06-01 either way.
    const context: ForecastContext = {
      ...july,
      mspPolicies: { laptop: aPolicy('laptop', { lifecycleMonths: 36 }) },
    };
    const assets = [
      anAsset({ inServiceOn: '2023-06-01', replacementCost: 1_000 }),
      anAsset({ inServiceOn: '2024-06-01', lifecycleMonths: 24, replacementCost: 10 }),
    ];
    const baseline = forecast(context, { assets });
    const whatIf = forecast({ ...context, lifecycleOverrides: { laptop: 48 } }, { assets });

    // Baseline: both due 2026-06-01; the policy asset again 2029-06-01 (out), own-lifecycle again 2028-06-01.
    expect(nonZero(baseline, (p) => p.capex.refresh)).toEqual({ 'FY2026-Q4': 1_010, 'FY2028-Q4': 10 });
    expect(nonZero(whatIf, (p) => p.capex.refresh)).toEqual({
      'FY2026-Q4': 10,
      'FY2027-Q4': 1_000,
      'FY2028-Q4': 10,
    });
  });
});

describe('forecast: recurring costs', () => {
  it('when a monthly charge passes its anniversary after asOf, then charges from the anniversary on are escalated', () => {
    // Starts 2025-06-30, 1000 × 5 seats, 10%/year. Charges from asOf: 2026-03-30, 04-30, 05-30 at 5000;
    // the first anniversary after asOf is 2026-06-30, so 06-30 … 12-30 (7 charges) cost 5000 × 1.1 = 5500.
    // FY2026-Q3: 5000; FY2026-Q4: 5000 + 5000 + 5500 = 15500; FY2027-Q1: 3 × 5500; FY2027-Q2: 3 × 5500.
    const cost = aRecurringCost({
      amount: 1_000,
      quantity: 5,
      startsOn: '2025-06-30',
      annualEscalationBps: 1_000,
    });
    const result = forecast({ ...july, periods: 4 }, { recurringCosts: [cost] }, { includeItems: true });

    expect(result.periods.map((p) => p.opex.recurring)).toEqual([5_000, 15_500, 16_500, 16_500]);
    expect(result.totals.opex).toEqual({ recurring: 53_500, initiatives: 0, total: 53_500 });
    expect(period(result, 'FY2026-Q3').items).toEqual([
      {
        type: 'recurring',
        refId: cost.id,
        name: cost.name,
        date: '2026-03-30',
        amount: 5_000,
        overdue: false,
      },
    ]);
  });

  it('when a monthly charge starts on the 31st, then each charge falls on its month end, counted from the start', () => {
    const cost = aRecurringCost({ startsOn: '2026-01-31', amount: 100 });
    const result = forecast(
      { asOf: '2026-01-15', periods: 1 },
      { recurringCosts: [cost] },
      { includeItems: true },
    );
    expect(result.periods[0]!.items!.map((item) => item.date)).toEqual([
      '2026-01-31',
      '2026-02-28',
      '2026-03-31',
    ]);
  });

  it('when an annual charge started on a leap day, then it falls on Feb 28 or 29 and escalates once per anniversary after asOf', () => {
    // Starts 2024-02-29, yearly 120000 at 3%. Anniversaries 2025-02-28 and 2026-02-28 are before asOf (in
    // today's price). 2026-02-28 < asOf is not charged. 2027-02-28: 1 anniversary after asOf → 123600.
    // 2028-02-29: 2 → 120000 × 1.0609 = 127308.
    const cost = aRecurringCost({
      interval: 'year',
      amount: 120_000,
      startsOn: '2024-02-29',
      annualEscalationBps: 300,
    });
    const result = forecast(
      { asOf, granularity: 'year', periods: 3 },
      { recurringCosts: [cost] },
      { includeItems: true },
    );
    expect(result.periods.map((p) => [p.key, p.opex.recurring])).toEqual([
      ['FY2026', 0],
      ['FY2027', 123_600],
      ['FY2028', 127_308],
    ]);
    expect(result.periods.flatMap((p) => p.items!).map((item) => item.date)).toEqual([
      '2027-02-28',
      '2028-02-29',
    ]);
  });

  it('when an anniversary falls on asOf, then it is already in the price; a day after asOf, it escalates', () => {
    // Starts 2025-03-15: the anniversary 2026-03-15 is asOf itself → the 2026-03-15 charge is 1000.
    // Starts 2025-03-20: the anniversary 2026-03-20 is after asOf → the 2026-03-20 charge is 1000 × 1.05 = 1050.
    const onAsOf = aRecurringCost({
      name: 'on',
      interval: 'year',
      startsOn: '2025-03-15',
      annualEscalationBps: 500,
    });
    const after = aRecurringCost({
      name: 'after',
      interval: 'year',
      startsOn: '2025-03-20',
      annualEscalationBps: 500,
    });
    const result = forecast(
      { ...july, periods: 1 },
      { recurringCosts: [onAsOf, after] },
      { includeItems: true },
    );
    expect(result.periods[0]!.items!.map(({ name, date, amount }) => ({ name, date, amount }))).toEqual([
      { name: 'on', date: '2026-03-15', amount: 1_000 },
      { name: 'after', date: '2026-03-20', amount: 1_050 },
    ]);
  });

  it('when a contract ends, then no charge falls after its end date, and one ended before asOf costs nothing', () => {
    // Monthly on the 1st, ending 2026-05-01: charges 2026-04-01 and 2026-05-01 (03-01 is before asOf).
    const ending = aRecurringCost({ startsOn: '2025-01-01', endsOn: '2026-05-01' });
    const ended = aRecurringCost({ startsOn: '2025-01-01', endsOn: '2026-03-01' });
    const result = forecast(july, { recurringCosts: [ending, ended] });
    expect(nonZero(result, (p) => p.opex.recurring)).toEqual({ 'FY2026-Q4': 2_000 });
  });

  it('when a contract starts after the horizon, then it costs nothing in it', () => {
    const later = aRecurringCost({ startsOn: '2029-01-01' });
    expect(forecast(july, { recurringCosts: [later] }).totals.opex.total).toBe(0);
  });
});

describe('forecast: initiatives and scenarios', () => {
  // Four quarters: FY2026-Q3 … FY2027-Q2, ending 2026-12-31.
  const context: ForecastContext = { ...july, periods: 4 };
  const initiatives = [
    // Capex on 2026-09-01 (FY2027-Q1); opex 09-01, 10-01, 11-01.
    anInitiative({
      status: 'approved',
      targetOn: '2026-09-01',
      capexCost: 500_000,
      monthlyOpexCost: 10_000,
      opexMonths: 3,
    }),
    // No target date: planned on asOf. Only in the proposed scenario.
    anInitiative({ title: 'Backup', status: 'proposed', capexCost: 20_000 }),
    // Target in the past: capex moves to asOf; its opex months (2025-12-01 … 2026-03-01) are all before asOf.
    anInitiative({
      title: 'Cloud',
      status: 'in_progress',
      targetOn: '2025-12-01',
      capexCost: 30_000,
      monthlyOpexCost: 4_000,
      opexMonths: 4,
    }),
    // Open-ended opex from 2026-10-15 to the horizon's end: 10-15, 11-15, 12-15.
    anInitiative({ status: 'approved', targetOn: '2026-10-15', monthlyOpexCost: 1_500 }),
    anInitiative({ status: 'declined', targetOn: '2026-05-01', capexCost: 99_999 }),
    anInitiative({ status: 'completed', targetOn: '2026-05-01', capexCost: 99_999 }),
    anInitiative({ status: 'deferred', targetOn: '2026-05-01', capexCost: 99_999, monthlyOpexCost: 1 }),
  ];

  it('when the scenario is committed, then only approved and in-progress initiatives count', () => {
    const result = forecast({ ...context, scenario: 'committed' }, { initiatives });
    expect(nonZero(result, (p) => p.capex.initiatives)).toEqual({
      'FY2026-Q3': 30_000,
      'FY2027-Q1': 500_000,
    });
    // FY2027-Q1: 09-01 → 10000. FY2027-Q2: 10-01, 11-01 → 20000, plus 3 × 1500 open-ended → 24500.
    expect(nonZero(result, (p) => p.opex.initiatives)).toEqual({ 'FY2027-Q1': 10_000, 'FY2027-Q2': 24_500 });
    expect(result.scenario).toBe('committed');
  });

  it('when the scenario is proposed, then proposed initiatives count too, an undated one on asOf', () => {
    const result = forecast({ ...context, scenario: 'proposed' }, { initiatives }, { includeItems: true });
    expect(nonZero(result, (p) => p.capex.initiatives)).toEqual({
      'FY2026-Q3': 50_000,
      'FY2027-Q1': 500_000,
    });
    expect(
      period(result, 'FY2026-Q3').items!.map(({ type, name, date, amount }) => ({
        type,
        name,
        date,
        amount,
      })),
    ).toEqual([
      { type: 'initiative_capex', name: 'Backup', date: '2026-03-15', amount: 20_000 },
      { type: 'initiative_capex', name: 'Cloud', date: '2026-03-15', amount: 30_000 },
    ]);
  });

  it('when no scenario is given, then it is committed', () => {
    expect(forecast(context, { initiatives }).scenario).toBe('committed');
  });
});

describe('forecast: result shape', () => {
  it('when items are requested, then they are sorted by date, then type, then name', () => {
    const assets = [
      anAsset({ name: 'Zulu', inServiceOn: '2023-05-01', replacementCost: 1 }),
      anAsset({ name: 'Alpha', inServiceOn: '2023-05-01', replacementCost: 1 }),
    ];
    const recurringCosts = [
      aRecurringCost({ name: 'Licences', startsOn: '2026-04-01', endsOn: '2026-05-01' }),
    ];
    const initiatives = [
      anInitiative({
        title: 'Wi-Fi',
        targetOn: '2026-05-01',
        capexCost: 5,
        monthlyOpexCost: 1,
        opexMonths: 1,
      }),
    ];
    const result = forecast(
      { ...july, periods: 2 },
      { assets, recurringCosts, initiatives },
      { includeItems: true },
    );
    expect(
      period(result, 'FY2026-Q4').items!.map(({ date, type, name }) => `${date} ${type} ${name}`),
    ).toEqual([
      '2026-04-01 recurring Licences',
      '2026-05-01 refresh Alpha',
      '2026-05-01 refresh Zulu',
      '2026-05-01 recurring Licences',
      '2026-05-01 initiative_capex Wi-Fi',
      '2026-05-01 initiative_opex Wi-Fi',
    ]);
  });

  it('when items are not requested, then periods carry no items property', () => {
    const result = forecast(july, { assets: [anAsset({ inServiceOn: '2023-05-01' })] });
    expect(result.periods.every((p) => !('items' in p))).toBe(true);
  });

  it('when the forecast is built, then it echoes its parameters and totals its cells', () => {
    const result = forecast(
      { ...july, periods: 2, scenario: 'proposed' },
      {
        assets: [anAsset({ inServiceOn: '2023-05-01', replacementCost: 700 })],
        recurringCosts: [aRecurringCost({ startsOn: '2026-04-01', amount: 10 })],
        initiatives: [
          anInitiative({ status: 'proposed', targetOn: '2026-04-15', capexCost: 300, monthlyOpexCost: 5 }),
        ],
      },
    );
    expect(result).toEqual({
      asOf,
      granularity: 'quarter',
      scenario: 'proposed',
      fiscalYearStartMonth: 7,
      periods: [
        {
          key: 'FY2026-Q3',
          label: 'FY2026 Q3',
          start: '2026-01-01',
          end: '2026-03-31',
          capex: { refresh: 0, initiatives: 0, total: 0 },
          opex: { recurring: 0, initiatives: 0, total: 0 },
          total: 0,
          refreshCount: 0,
          // asOf 2026-03-15 is after the quarter's start: only its last two weeks are forecast.
          partial: true,
        },
        {
          // Refresh 2026-05-01: 700. Initiative capex 300. Recurring 04-01, 05-01, 06-01: 30. Opex 04-15, 05-15, 06-15: 15.
          key: 'FY2026-Q4',
          label: 'FY2026 Q4',
          start: '2026-04-01',
          end: '2026-06-30',
          capex: { refresh: 700, initiatives: 300, total: 1_000 },
          opex: { recurring: 30, initiatives: 15, total: 45 },
          total: 1_045,
          refreshCount: 1,
          partial: false,
        },
      ],
      totals: {
        capex: { refresh: 700, initiatives: 300, total: 1_000 },
        opex: { recurring: 30, initiatives: 15, total: 45 },
        total: 1_045,
        refreshCount: 1,
      },
      counts: { undated: 0, unpriced: 0, overdue: 0 },
    });
  });

  it('when assets are streamed in batches, then the result equals one call with all of them', () => {
    const assets = Array.from({ length: 30 }, (_, i) =>
      anAsset({ inServiceOn: `20${20 + (i % 6)}-0${1 + (i % 9)}-1${i % 10}`, purchaseCost: 1_000 + i }),
    );
    const accumulator = createForecastAccumulator(july, { includeItems: true });
    accumulator.addAssets(assets.slice(0, 7));
    accumulator.addAssets(assets.slice(7, 20));
    accumulator.addAssets(assets.slice(20));
    expect(accumulator.result()).toEqual(forecast(july, { assets }, { includeItems: true }));
  });

  it('when the context is invalid, then the forecast throws a RangeError', () => {
    expect(() => forecast({ asOf: '2026-02-30' }, {})).toThrow(RangeError);
    expect(() => forecast({ asOf, periods: 41 }, {})).toThrow(RangeError);
    expect(() => forecast({ asOf, scenario: 'maybe' as never }, {})).toThrow(RangeError);
  });
});
