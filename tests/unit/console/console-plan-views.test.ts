import { costFormOf, parseCostForm } from '../../../src/console/costs.pages.js';
import { whatIfInputs } from '../../../src/console/what-if.pages.js';
import type { ForecastItem, ForecastPeriod } from '../../../src/domain/forecast.types.js';
import { scheduleItemBlocks } from '../../../src/packets/packet-schedule.js';

const form = {
  name: ' Backup licences ',
  vendor: '',
  amount: '$1,234.50',
  quantity: '3',
  interval: 'year',
  startsOn: '2027-03-01',
  endsOn: '',
  escalation: '2.5',
};

describe('the recurring cost form', () => {
  it('when every field is good, then it reads as the API body: minor units, basis points, blanks as null', () => {
    const parsed = parseCostForm(form, 'USD');
    expect(parsed.errors).toEqual({});
    expect(parsed.input).toEqual({
      name: 'Backup licences',
      vendor: null,
      amount: 123450,
      quantity: 3,
      interval: 'year',
      startsOn: '2027-03-01',
      endsOn: null,
      annualEscalationBps: 250,
    });
  });

  it('when fields are wrong, then each error is on its own field and nothing is returned to save', () => {
    const parsed = parseCostForm(
      { ...form, name: ' ', amount: '-5', quantity: '1.5', endsOn: '2027-01-01', escalation: '3%' },
      'USD',
    );
    expect(parsed.input).toBeUndefined();
    expect(parsed.errors).toEqual({
      name: 'must not be empty',
      amount: 'must not be negative',
      quantity: 'must be a whole number from 1 to 1000000',
      endsOn: 'must be on or after startsOn',
      escalation: 'must be a percentage such as 3 or 2.5',
    });
    expect(parsed.values.escalation).toBe('3%');
  });

  it('when a saved cost is edited, then the form shows it as it was typed: major units and percent', () => {
    const values = costFormOf(
      {
        id: '00000000-0000-4000-8000-000000000001',
        name: 'ERP',
        vendor: 'Epicor',
        amount: 7800000,
        quantity: 1,
        interval: 'year',
        startsOn: '2025-01-22',
        endsOn: null,
        annualEscalationBps: 600,
        createdAt: '',
        updatedAt: '',
      },
      'JPY',
    );
    expect(values).toMatchObject({ amount: '7800000', escalation: '6', endsOn: '', vendor: 'Epicor' });
    expect(parseCostForm(values, 'JPY').input).toMatchObject({ amount: 7800000, annualEscalationBps: 600 });
  });
});

describe('the what-if inputs', () => {
  const policy = (category: string) => (category === 'laptop' ? 48 : 60);

  it('when nothing is asked, then plan A is the policy and plan B twelve months longer, and nothing is levelled', () => {
    const inputs = whatIfInputs({}, ['laptop', 'server'], policy, 'USD');
    expect(inputs.months).toEqual({ a: { laptop: 48, server: 60 }, b: { laptop: 60, server: 72 } });
    expect(inputs.level).toEqual({ cap: null, windowMonths: 6, quarters: 12, plan: 'a' });
    expect(inputs.errors).toEqual({});
  });

  it('when months, a cap and a window are given, then they are read; bad ones are errors on their fields', () => {
    const good = whatIfInputs(
      { b_laptop: '36', cap: '25,000.50', window: '3', quarters: '8', plan: 'b', scenario: 'proposed' },
      ['laptop'],
      policy,
      'USD',
    );
    expect(good.months.b).toEqual({ laptop: 36 });
    expect(good.level).toEqual({ cap: 2500050, windowMonths: 3, quarters: 8, plan: 'b' });
    expect(good.scenario).toBe('proposed');
    const bad = whatIfInputs({ a_laptop: '0', cap: 'lots', window: '121' }, ['laptop'], policy, 'USD');
    expect(Object.keys(bad.errors).sort()).toEqual(['a_laptop', 'cap', 'window']);
    expect(bad.raw).toMatchObject({ a_laptop: '0', cap: 'lots', window: '121' });
  });
});

describe('the refresh schedule blocks', () => {
  const item = (name: string, overdue: boolean): ForecastItem => ({
    type: 'refresh',
    refId: '00000000-0000-4000-8000-000000000001',
    name,
    date: '2026-11-22',
    amount: 100,
    overdue,
  });
  const period = (key: string, start: string, end: string, items: ForecastItem[]): ForecastPeriod => ({
    key,
    label: key,
    start,
    end,
    capex: { refresh: 0, initiatives: 0, total: 0 },
    opex: { recurring: 0, initiatives: 0, total: 0 },
    total: 0,
    refreshCount: 0,
    partial: false,
    items,
  });

  it('when the first quarter has overdue refreshes, then they come first as their own block', () => {
    const blocks = scheduleItemBlocks(
      [
        period('Q1', '2026-10-01', '2026-12-31', [item('late', true), item('due', false)]),
        period('Q2', '2027-01-01', '2027-03-31', [item('later', false)]),
      ],
      '2026-11-22',
    );
    expect(
      blocks.map((block) => [block.kind, block.label, block.partial, block.items.map((i) => i.name)]),
    ).toEqual([
      ['backlog', 'Q1', true, ['late']],
      ['quarter', 'Q1', true, ['due']],
      ['quarter', 'Q2', false, ['later']],
    ]);
  });
});
