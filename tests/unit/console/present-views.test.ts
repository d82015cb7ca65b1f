import type { LayoutView } from '../../../src/console/console-templates.js';
import {
  deckInitiatives,
  deckPaths,
  deckView,
  decisionDefaults,
  endSlide,
  initiativeSlide,
} from '../../../src/console/present.pages.js';
import type { Decision, InitiativeResource } from '../../../src/initiatives/initiative.schemas.js';

const TODAY = '2026-11-22';
const layout: LayoutView = { title: 'Present', nav: null };
const client = {
  id: 'c1',
  name: 'Riverside Metalworks',
  fiscalYearStartMonth: 10,
  contactName: 'Dana Kowalski',
};

let serial = 0;
function decision(fields: Partial<Decision> = {}): Decision {
  return {
    decision: 'approved',
    decidedBy: 'Dana Kowalski',
    role: null,
    note: null,
    decidedAt: `${TODAY}T15:00:00.000Z`,
    via: 'console',
    recordedBy: 'Val Vcio',
    shareLinkId: null,
    ipAddress: null,
    userAgent: null,
    ...fields,
  };
}

function initiative(title: string, fields: Partial<InitiativeResource> = {}): InitiativeResource {
  serial += 1;
  return {
    id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
    title,
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

describe('present mode’s slides', () => {
  it('when initiatives wait for a decision or were decided today, then each gets a slide in target-date order, undated last', () => {
    const undated = initiative('Undated proposal');
    const later = initiative('Later proposal', { targetOn: '2027-06-01' });
    const sooner = initiative('Sooner proposal', { targetOn: '2027-01-15' });
    const decidedToday = initiative('Approved at this meeting', {
      status: 'approved',
      targetOn: '2027-03-01',
      decisions: [decision()],
    });
    const decidedBefore = initiative('Approved last quarter', {
      status: 'approved',
      decisions: [decision({ decidedAt: '2026-08-01T10:00:00.000Z' })],
    });
    const completed = initiative('Done', { status: 'completed' });
    const deck = deckInitiatives([undated, later, sooner, decidedToday, decidedBefore, completed], TODAY);
    expect(deck.map((item) => item.title)).toEqual([
      'Sooner proposal',
      'Approved at this meeting',
      'Later proposal',
      'Undated proposal',
    ]);
  });

  it('when a slide is in the middle of the deck, then the counter says where and Prev/Next lead to its neighbours', () => {
    const paths = deckPaths('c1', ['i1', 'i2']);
    expect(paths).toEqual([
      '/clients/c1/present',
      '/clients/c1/present/chart',
      '/clients/c1/present/roadmap',
      '/clients/c1/present/initiatives/i1',
      '/clients/c1/present/initiatives/i2',
      '/clients/c1/present/end',
    ]);
    const deck = deckView(client, paths, '/clients/c1/present/roadmap', TODAY);
    expect(deck).toMatchObject({
      counter: '3 / 6',
      counterLabel: 'Slide 3 of 6',
      prevHref: '/clients/c1/present/chart',
      nextHref: '/clients/c1/present/initiatives/i1',
      exitHref: '/clients/c1',
      meeting: 'FY2027 Q1 roadmap review',
    });
    expect(deckView(client, paths, '/clients/c1/present', TODAY).prevHref).toBeNull();
    expect(deckView(client, paths, '/clients/c1/present/end', TODAY).nextHref).toBeNull();
  });

  it('when nobody has answered today, then the form is prefilled with the client’s contact and the role she gave last', () => {
    const history = [
      initiative('Old', {
        decisions: [
          decision({
            decidedBy: 'Dana Kowalski',
            role: 'Operations manager',
            decidedAt: '2025-05-01T00:00:00Z',
          }),
          decision({ decidedBy: 'Dana Kowalski', role: 'COO', decidedAt: '2026-05-01T00:00:00Z' }),
          decision({ decidedBy: 'Sam Ortiz', role: 'CFO', decidedAt: '2026-06-01T00:00:00Z' }),
        ],
      }),
    ];
    expect(decisionDefaults(client, history, TODAY)).toEqual({ decidedBy: 'Dana Kowalski', role: 'COO' });
    expect(decisionDefaults({ contactName: null }, [], TODAY)).toEqual({ decidedBy: '', role: '' });
  });

  it('when someone has answered today, then the next slide’s form is prefilled with them', () => {
    const answered = initiative('Answered', {
      decisions: [decision({ decidedBy: 'Sam Ortiz', role: 'CFO' })],
    });
    expect(decisionDefaults(client, [answered], TODAY)).toEqual({ decidedBy: 'Sam Ortiz', role: 'CFO' });
  });

  it('when an initiative was decided today, then its slide shows the answer, its costs and who recorded it', () => {
    const paths = deckPaths('c1', ['i1']);
    const decided = initiative('Managed detection and response', {
      status: 'approved',
      capexCost: 250_000,
      monthlyOpexCost: 120_000,
      opexMonths: 36,
      assetIds: ['a1', 'a2', 'a3'],
      decisions: [decision({ role: 'COO', note: 'Start with the servers.' })],
    });
    const view = initiativeSlide(
      deckView(client, paths, '/clients/c1/present/initiatives/i1', TODAY),
      layout,
      {
        initiative: decided,
        currency: 'USD',
        assetNames: ['HMI-01', 'HMI-02'],
        position: 'Decision 1 of 1',
        today: TODAY,
        form: null,
        action: '/clients/c1/present/initiatives/i1',
      },
    );
    expect(view.initiative).toMatchObject({
      capex: '$2,500.00',
      opex: '$1,200.00 a month',
      opexTerm: 'for 36 months',
      status: 'Approved',
      assetsText: 'Concerns 3 assets',
      moreAssets: 'and 1 more',
    });
    expect(view.decidedToday).toMatchObject({
      decision: 'Approved',
      by: 'Dana Kowalski, COO',
      recorded: expect.stringContaining('Recorded by Val Vcio (console)'),
    });
    expect(view.form).toBeNull();
  });

  it('when the meeting ends, then the last slide lists today’s decisions in order and what is still open', () => {
    const first = initiative('First', {
      status: 'approved',
      decisions: [decision({ decidedAt: `${TODAY}T10:00:00Z` })],
    });
    const second = initiative('Second', {
      status: 'declined',
      decisions: [decision({ decision: 'declined', decidedAt: `${TODAY}T09:00:00Z` })],
    });
    const open = initiative('Still to decide');
    const paths = deckPaths('c1', [first.id, second.id, open.id]);
    const view = endSlide(
      deckView(client, paths, '/clients/c1/present/end', TODAY),
      layout,
      [first, second, open],
      TODAY,
    );
    expect(view.decisions.map((entry) => [entry.initiative, entry.decision])).toEqual([
      ['Second', 'Declined'],
      ['First', 'Approved'],
    ]);
    expect(view.open).toEqual(['Still to decide']);
  });
});
