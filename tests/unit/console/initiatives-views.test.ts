import type { Client } from '../../../src/clients/client.schemas.js';
import type { LayoutView } from '../../../src/console/console-templates.js';
import {
  EMPTY_FORM,
  boardQuarters,
  boardView,
  decisionsView,
  fieldErrorsOf,
  fiscalQuarterOfKey,
  initiativeServiceErrors,
  linkedAfterChecklist,
  movedTargetOn,
  parseDecisionForm,
  parseInitiativeForm,
} from '../../../src/console/initiatives.views.js';
import { AppError } from '../../../src/http/errors.js';
import type { Decision, InitiativeResource } from '../../../src/initiatives/initiative.schemas.js';

const layout: LayoutView = { title: 'Initiatives', nav: null };

const client = (fields: Partial<Client> = {}): Client => ({
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Harbor & Wright LLP',
  currency: 'USD',
  fiscalYearStartMonth: 7,
  contactName: 'Marcus Wright',
  contactEmail: null,
  vcioName: null,
  nextMeetingOn: null,
  notes: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...fields,
});

let serial = 0;
function initiative(fields: Partial<InitiativeResource> = {}): InitiativeResource {
  serial += 1;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    title: `Initiative ${serial}`,
    summary: null,
    priority: 'medium',
    kind: 'project',
    targetOn: null,
    capexCost: 0,
    monthlyOpexCost: 0,
    opexMonths: null,
    status: 'proposed',
    assetIds: [],
    decisions: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...fields,
  };
}

const decision = (fields: Partial<Decision>): Decision => ({
  decision: 'approved',
  decidedBy: 'Marcus Wright',
  role: 'Managing Partner',
  note: null,
  decidedAt: '2026-11-01T10:00:00.000Z',
  via: 'api',
  recordedBy: 'Demo key',
  shareLinkId: null,
  ipAddress: null,
  userAgent: null,
  ...fields,
});

describe('fiscal quarters of the board', () => {
  it('when a key names a quarter of a July fiscal year, then it is that quarter; anything else is not', () => {
    expect(fiscalQuarterOfKey('FY2027-Q1', 7)).toMatchObject({ start: '2026-07-01', end: '2026-09-30' });
    expect(fiscalQuarterOfKey('FY2027-Q4', 7)).toMatchObject({ start: '2027-04-01', end: '2027-06-30' });
    expect(fiscalQuarterOfKey('FY2027-Q3', 1)).toMatchObject({ start: '2027-07-01', end: '2027-09-30' });
    expect(fiscalQuarterOfKey('FY2027-Q5', 7)).toBeUndefined();
    expect(fiscalQuarterOfKey('2027-Q1', 7)).toBeUndefined();
    expect(fiscalQuarterOfKey('unscheduled', 7)).toBeUndefined();
  });

  it('when an initiative moves a quarter on, then it keeps its day in the quarter, clamped to the month’s end', () => {
    const q4 = fiscalQuarterOfKey('FY2027-Q4', 7)!;
    expect(movedTargetOn('2027-02-15', q4, 7)).toBe('2027-05-15');
    expect(movedTargetOn('2027-01-31', fiscalQuarterOfKey('FY2027-Q2', 1)!, 1)).toBe('2027-04-30');
    expect(movedTargetOn('2027-06-30', fiscalQuarterOfKey('FY2027-Q1', 7)!, 7)).toBe('2026-09-30');
    expect(movedTargetOn(null, q4, 7)).toBe('2027-04-01');
    expect(movedTargetOn('2027-02-15', null, 7)).toBeNull();
  });

  it('when initiatives lie before or far after the next eight quarters, then their quarters join the board in order', () => {
    const keys = boardQuarters('2026-11-22', 7, ['2026-05-22', null, '2031-01-10']).map((q) => q.key);
    expect(keys).toEqual([
      'FY2026-Q4',
      'FY2027-Q2',
      'FY2027-Q3',
      'FY2027-Q4',
      'FY2028-Q1',
      'FY2028-Q2',
      'FY2028-Q3',
      'FY2028-Q4',
      'FY2029-Q1',
      'FY2031-Q3',
    ]);
  });
});

describe('the board', () => {
  it('when initiatives have dates, then each card is in its quarter, undated ones in Unscheduled, with its money', () => {
    const view = boardView(
      layout,
      client(),
      [
        initiative({
          title: 'Teams Phone',
          targetOn: '2027-04-22',
          capexCost: 650_000,
          monthlyOpexCost: 93_000,
        }),
        initiative({ title: 'Survey', targetOn: null, opexMonths: 12, monthlyOpexCost: 10_000 }),
      ],
      '2026-11-22',
      true,
      null,
    );
    const column = (key: string) => view.columns.find((item) => item.key === key)!;
    expect(column('FY2027-Q4').cards.map((card) => card.title)).toEqual(['Teams Phone']);
    expect(column('FY2027-Q4').cards[0]).toMatchObject({ capex: '$6,500.00', opex: '$930.00/mo, ongoing' });
    expect(column('FY2027-Q4').capexTotal).toBe('$6,500.00 capex');
    expect(column('unscheduled').cards[0]).toMatchObject({ title: 'Survey', opex: '$100.00/mo × 12 months' });
    expect(column('FY2027-Q2').current).toBe(true);
    expect(view.columns.at(-1)!.key).toBe('unscheduled');
    expect(column('FY2027-Q4').cards[0]!.moveOptions.filter((option) => option.selected)).toEqual([
      { value: 'FY2027-Q4', label: 'FY2027 Q4', selected: true },
    ]);
  });
});

describe('the initiative form', () => {
  it('when money is typed in major units, then it becomes exact minor units', () => {
    const parsed = parseInitiativeForm(
      {
        ...EMPTY_FORM,
        title: ' Replace the server ',
        capexCost: '12,500.50',
        monthlyOpexCost: '0.10',
        opexMonths: '36',
        targetOn: '2027-03-15',
        kind: 'replacement',
      },
      'USD',
    );
    expect(parsed.input).toEqual({
      title: 'Replace the server',
      summary: null,
      priority: 'medium',
      kind: 'replacement',
      targetOn: '2027-03-15',
      capexCost: 1_250_050,
      monthlyOpexCost: 10,
      opexMonths: 36,
      status: 'proposed',
    });
    expect(
      parseInitiativeForm({ ...EMPTY_FORM, title: 'Yen', capexCost: '1,234' }, 'JPY').input?.capexCost,
    ).toBe(1234);
  });

  it('when fields are wrong, then each error names its field and nothing is parsed', () => {
    const parsed = parseInitiativeForm(
      {
        ...EMPTY_FORM,
        title: '',
        capexCost: '12.345',
        kind: 'rebuild',
        targetOn: '2027-02-30',
        opexMonths: '0',
      },
      'USD',
    );
    expect(parsed.errors).toEqual({
      title: 'Title must not be empty.',
      capexCost: 'Capex “12.345” has more decimals than USD has (2).',
      kind: expect.stringMatching(/^Kind /),
      targetOn: 'Target date must be a real calendar date as YYYY-MM-DD.',
      opexMonths: 'Opex months must be from 1 to 600 months.',
    });
  });

  it('when the service refuses a field, then its message stands by that field; other refusals are general', () => {
    const refusal = new AppError('validation_failed', 400, 'The request is not valid', [
      { path: 'body.title', message: 'must be at most 200 characters' },
    ]);
    expect(initiativeServiceErrors(refusal)).toEqual({
      fields: { title: 'Title must be at most 200 characters.' },
      general: null,
    });
    expect(initiativeServiceErrors(new AppError('conflict', 409, 'It is completed'))).toEqual({
      fields: {},
      general: 'It is completed',
    });
    expect(() => fieldErrorsOf(new Error('boom'), ['title'], { title: 'Title' })).toThrow('boom');
  });

  it('when a decision has no choice or no name, then both fields say so', () => {
    expect(parseDecisionForm({ decision: '', decidedBy: ' ', role: '', note: '' }).errors).toEqual({
      decision: 'Choose approved, declined or deferred.',
      decidedBy: 'Decided by must not be empty.',
    });
    expect(
      parseDecisionForm({ decision: 'approved', decidedBy: 'Dana', role: '', note: 'ok' }).input,
    ).toEqual({ decision: 'approved', decidedBy: 'Dana', role: null, note: 'ok' });
  });
});

describe('linked assets and the decisions trail', () => {
  it('when a checklist page is saved, then only the assets it showed change', () => {
    expect(linkedAfterChecklist(['a', 'b', 'c'], ['b', 'c', 'd'], ['c', 'd', 'x'])).toEqual(['a', 'c', 'd']);
  });

  it('when decisions are filtered, then the trail is newest first and counts what it hides', () => {
    const view = decisionsView(
      layout,
      client(),
      [
        initiative({
          title: 'Teams Phone',
          decisions: [
            decision({ decidedAt: '2026-10-01T10:00:00.000Z', decision: 'deferred' }),
            decision({ decidedAt: '2026-11-20T10:00:00.000Z', via: 'console', recordedBy: 'Jordan Lee' }),
          ],
        }),
        initiative({ title: 'Wi-Fi', decisions: [decision({ decidedAt: '2026-11-01T10:00:00.000Z' })] }),
      ],
      { decision: null, via: null },
    );
    expect(view.rows.map((row) => [row.initiativeTitle, row.decision, row.via])).toEqual([
      ['Teams Phone', 'Approved', 'Console'],
      ['Wi-Fi', 'Approved', 'API'],
      ['Teams Phone', 'Deferred', 'API'],
    ]);
    const filtered = decisionsView(layout, client(), [], { decision: 'declined', via: 'portal' });
    expect(filtered.empty).toBe('No decision matches these filters.');
  });
});
