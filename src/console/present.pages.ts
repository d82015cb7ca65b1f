import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { getAsset } from '../assets/asset.service.js';
import type { Principal } from '../auth/principal.js';
import { scopeCovers } from '../auth/scopes.js';
import type { Client } from '../clients/client.schemas.js';
import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import type { InitiativeResource } from '../initiatives/initiative.schemas.js';
import { recordDecisionBody } from '../initiatives/initiative.schemas.js';
import { getInitiative, listInitiatives, recordDecision } from '../initiatives/initiative.service.js';
import type { ChartView } from '../packets/packet-chart.js';
import { formatDate, moneyFormat, plural, type MoneyFormat } from '../packets/packet-format.js';
import type { TimelineView } from '../packets/packet-roadmap.js';
import type { Words } from '../packets/packet-words.js';
import * as copy from '../packets/packet.copy.js';
import { needsDecision } from '../packets/packet.figures.js';
import { DEFAULT_PACKET_QUARTERS } from '../packets/packet.schemas.js';
import { defaultPeriodLabel, preparePacket, type PreparedPacket } from '../packets/packet.service.js';
import { formatInstant } from './console-format.js';
import { layoutOf, requireScope, sendMessage, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';

/**
 * Present mode: the quarterly meeting as full-screen slides (summary, budget chart, roadmap, one slide per
 * initiative waiting for a decision, and what was decided today), moved through with the keyboard or the Prev/Next
 * links. The figures are the packet's own (same service, the packet's default plan and quarters), so what is on
 * the screen is what is in the executives' hands. On an initiative's slide a vCIO records the client's answer.
 */

/** The slides' deck: every slide's address in order, and where this one is in it. */
export interface DeckView {
  clientName: string;
  meeting: string;
  /** "3 / 9" */
  counter: string;
  counterLabel: string;
  prevHref: string | null;
  nextHref: string | null;
  exitHref: string;
}

export interface PresentView extends LayoutView {
  deck: DeckView;
}

export interface SummarySlideView extends PresentView {
  nearTerm: {
    range: string;
    capex: string;
    opex: string;
    overdue: string;
    overdueAlert: boolean;
    dueSoon: string;
  };
  currency: string;
  years: { label: string; note: string | null; capex: string; opex: string; total: string }[];
  decisionsNeeded: { title: string; target: string; amount: string }[];
  approveAll: string | null;
}

export interface ChartSlideView extends PresentView {
  chart: ChartView;
  range: string;
  currency: string;
  plan: { capex: string; opex: string; total: string };
}

export interface RoadmapSlideView extends PresentView {
  roadmap: TimelineView & { empty: boolean };
}

export interface DecisionEntryView {
  date: string;
  decision: string;
  decisionClass: string;
  by: string;
  note: string | null;
  recorded: string;
}

export interface InitiativeSlideView extends PresentView {
  initiative: {
    id: string;
    title: string;
    summary: string | null;
    priority: string;
    status: string;
    statusClass: string;
    target: string;
    capex: string;
    opex: string;
    /** How long the running cost is paid: "for 36 months", "ongoing"; null without one. */
    opexTerm: string | null;
    assetsText: string;
    assets: string[];
    moreAssets: string | null;
    decisions: DecisionEntryView[];
  };
  /** "Initiative 2 of 3" */
  position: string;
  /** The decision recorded at this meeting (today), shown after the form is sent. */
  decidedToday: DecisionEntryView | null;
  /** Null for a viewer, and on a completed initiative (nothing is left to decide). */
  form: {
    action: string;
    decidedBy: string;
    role: string;
    note: string;
    errors: DecisionFormInput['errors'];
    hasErrors: boolean;
  } | null;
}

export interface EndSlideView extends PresentView {
  decisions: (DecisionEntryView & { initiative: string })[];
  /** Initiatives of the deck still waiting for a decision. */
  open: string[];
  clientHref: string;
}

/** A name as plain text: the packet hands names out as words for its print layout. */
const textOf = (words: Words): string => words.map((pieces) => pieces.join('')).join(' ');

/** How many linked assets an initiative's slide names before "and N more". */
const ASSETS_NAMED = 8;

/** Initiatives are read a page at a time; a client has tens of them, rarely more. */
const INITIATIVE_PAGE = 500;

async function allInitiatives(
  db: Executor,
  auth: Principal,
  clientId: string,
): Promise<InitiativeResource[]> {
  const all: InitiativeResource[] = [];
  let cursor: string | undefined;
  do {
    const page = await listInitiatives(db, auth, clientId, { limit: INITIATIVE_PAGE, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}

const decidedOn = (today: string) => (decision: { decidedAt: string }) =>
  decision.decidedAt.slice(0, 10) === today;

/**
 * The initiatives that get a slide: those waiting for a decision (the packet's rule) and those decided today, so
 * that recording an answer does not take its slide out of the deck in the middle of the meeting. In the packet's
 * order: by target date (undated last), then title.
 */
export function deckInitiatives(
  initiatives: readonly InitiativeResource[],
  today: string,
): InitiativeResource[] {
  return initiatives
    .filter((initiative) => needsDecision(initiative) || initiative.decisions.some(decidedOn(today)))
    .sort(
      (a, b) =>
        compare(a.targetOn ?? '9999', b.targetOn ?? '9999') ||
        compare(a.title, b.title) ||
        compare(a.id, b.id),
    );
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Every slide's address, in order. */
export function deckPaths(clientId: string, initiativeIds: readonly string[]): string[] {
  const base = `/clients/${clientId}/present`;
  return [
    base,
    `${base}/chart`,
    `${base}/roadmap`,
    ...initiativeIds.map((id) => `${base}/initiatives/${id}`),
    `${base}/end`,
  ];
}

export function deckView(
  client: Pick<Client, 'id' | 'name' | 'fiscalYearStartMonth'>,
  paths: readonly string[],
  current: string,
  today: string,
): DeckView {
  const index = paths.indexOf(current);
  if (index < 0) throw new Error(`${current} is not a slide of the deck`);
  return {
    clientName: client.name,
    meeting: defaultPeriodLabel(today, client.fiscalYearStartMonth),
    counter: `${index + 1} / ${paths.length}`,
    counterLabel: `Slide ${index + 1} of ${paths.length}`,
    prevHref: paths[index - 1] ?? null,
    nextHref: paths[index + 1] ?? null,
    exitHref: `/clients/${client.id}`,
  };
}

export function summarySlide(deck: DeckView, layout: LayoutView, prepared: PreparedPacket): SummarySlideView {
  const { figures, view } = prepared;
  const money = moneyFormat(figures.currency);
  const near = figures.nextFourQuarters;
  const labelOf = (key: string) => figures.periods.find((period) => period.key === key)?.label ?? key;
  return {
    ...layout,
    deck,
    currency: figures.currency,
    nearTerm: {
      range: copy.labelRange(labelOf(near.from), labelOf(near.to)),
      capex: money.money(near.capex),
      opex: money.money(near.opex),
      overdue: String(figures.counts.overdue),
      overdueAlert: figures.counts.overdue > 0,
      dueSoon: String(figures.counts.dueSoon),
    },
    years: view.summary.years,
    decisionsNeeded: view.summary.decisionsNeeded.map((item) => ({
      title: textOf(item.title),
      target: item.target,
      amount: item.amount,
    })),
    approveAll: view.summary.approveAll,
  };
}

export function chartSlide(deck: DeckView, layout: LayoutView, prepared: PreparedPacket): ChartSlideView {
  const { chart, summary } = prepared.view;
  return {
    ...layout,
    deck,
    chart,
    range: chart.range,
    currency: chart.currency,
    plan: { capex: summary.plan.capex, opex: summary.plan.opex, total: summary.plan.total },
  };
}

export function roadmapSlide(deck: DeckView, layout: LayoutView, prepared: PreparedPacket): RoadmapSlideView {
  return { ...layout, deck, roadmap: prepared.view.roadmap };
}

function decisionEntry(decision: InitiativeResource['decisions'][number]): DecisionEntryView {
  return {
    date: formatDate(decision.decidedAt.slice(0, 10)),
    decision: copy.DECISION_LABELS[decision.decision],
    decisionClass: `decision-${decision.decision}`,
    by: copy.decidedBy(decision.decidedBy, decision.role),
    note: decision.note,
    recorded:
      decision.via === 'portal'
        ? 'Signed in the client portal'
        : decision.recordedBy
          ? `Recorded by ${decision.recordedBy} (${decision.via === 'console' ? 'console' : 'API'}), ${formatInstant(decision.decidedAt)}`
          : `Recorded ${formatInstant(decision.decidedAt)}`,
  };
}

function costTexts(
  initiative: InitiativeResource,
  money: MoneyFormat,
): { capex: string; opex: string; opexTerm: string | null } {
  const running = initiative.monthlyOpexCost > 0;
  return {
    capex: initiative.capexCost > 0 ? money.money(initiative.capexCost) : 'None',
    opex: running ? `${money.money(initiative.monthlyOpexCost)} a month` : 'None',
    opexTerm: !running
      ? null
      : initiative.opexMonths === null
        ? 'ongoing'
        : `for ${plural(initiative.opexMonths, 'month')}`,
  };
}

export interface DecisionFormInput {
  decidedBy: string;
  role: string;
  note: string;
  /** `decision`: the form sent no decision of the three (only a hand-made request does). */
  errors: { decision: string | null; decidedBy: string | null; role: string | null; note: string | null };
}

/**
 * Who is likely to answer next: whoever answered last today, else the client's contact, with the role they gave
 * on their latest decision.
 */
export function decisionDefaults(
  client: Pick<Client, 'contactName'>,
  initiatives: readonly InitiativeResource[],
  today: string,
): { decidedBy: string; role: string } {
  const decisions = initiatives
    .flatMap((initiative) => initiative.decisions)
    .sort((a, b) => compare(a.decidedAt, b.decidedAt));
  const lastToday = decisions.filter(decidedOn(today)).at(-1);
  if (lastToday) return { decidedBy: lastToday.decidedBy, role: lastToday.role ?? '' };
  const name = client.contactName ?? '';
  const role = decisions.filter((decision) => decision.decidedBy === name && decision.role).at(-1)?.role;
  return { decidedBy: name, role: role ?? '' };
}

export function initiativeSlide(
  deck: DeckView,
  layout: LayoutView,
  options: {
    initiative: InitiativeResource;
    currency: string;
    assetNames: string[];
    position: string;
    today: string;
    /** Null when the user may not record decisions. */
    form: DecisionFormInput | null;
    action: string;
  },
): InitiativeSlideView {
  const { initiative, form } = options;
  const money = moneyFormat(options.currency);
  const linked = initiative.assetIds.length;
  const today = initiative.decisions.filter(decidedOn(options.today)).at(-1);
  return {
    ...layout,
    deck,
    position: options.position,
    initiative: {
      id: initiative.id,
      title: initiative.title,
      summary: initiative.summary,
      priority: copy.priorityLabel(initiative.priority),
      status: copy.INITIATIVE_STATUS_LABELS[initiative.status],
      statusClass: `status-${initiative.status.replace('_', '-')}`,
      target: initiative.targetOn ? formatDate(initiative.targetOn) : copy.NOT_SCHEDULED,
      ...costTexts(initiative, money),
      assetsText: linked === 0 ? 'No linked assets' : copy.linkedAssetsText(linked),
      assets: options.assetNames,
      moreAssets:
        linked > options.assetNames.length ? `and ${linked - options.assetNames.length} more` : null,
      decisions: initiative.decisions.map(decisionEntry),
    },
    decidedToday: today ? decisionEntry(today) : null,
    form:
      form === null || initiative.status === 'completed'
        ? null
        : {
            action: options.action,
            decidedBy: form.decidedBy,
            role: form.role,
            note: form.note,
            errors: form.errors,
            hasErrors: Object.values(form.errors).some((error) => error !== null),
          },
  };
}

export function endSlide(
  deck: DeckView,
  layout: LayoutView,
  initiatives: readonly InitiativeResource[],
  today: string,
): EndSlideView {
  const decisions = initiatives
    .flatMap((initiative) =>
      initiative.decisions
        .filter(decidedOn(today))
        .map((decision) => ({ decision, title: initiative.title })),
    )
    .sort((a, b) => compare(a.decision.decidedAt, b.decision.decidedAt))
    .map(({ decision, title }) => ({ ...decisionEntry(decision), initiative: title }));
  const open = deckInitiatives(initiatives, today)
    .filter(needsDecision)
    .map((initiative) => initiative.title);
  return { ...layout, deck, decisions, open, clientHref: deck.exitHref };
}

const uuid = z.uuid();
const NO_ERRORS = { decision: null, decidedBy: null, role: null, note: null };

/** What the decision form sends; the button pressed is the decision. */
const decisionForm = z.object({
  decision: z.string().optional(),
  decidedBy: z.string().optional(),
  role: z.string().optional(),
  note: z.string().optional(),
});

export function presentPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;
  const deps = { db, clock: context.clock };

  /** The client and its deck; a path that is not a UUID is no client's page. */
  async function deckOf(res: Response, clientId: string) {
    const auth = sessionOf(res).principal;
    const today = context.clock.today();
    const client = await getClient(db, auth, clientId);
    const initiatives = await allInitiatives(db, auth, clientId);
    const slides = deckInitiatives(initiatives, today);
    const paths = deckPaths(
      client.id,
      slides.map((initiative) => initiative.id),
    );
    return { auth, today, client, initiatives, slides, paths };
  }

  const packetOf = (auth: Principal, clientId: string) =>
    preparePacket(deps, auth, clientId, { periods: DEFAULT_PACKET_QUARTERS, scenario: 'committed' });

  const packetSlides = [
    { suffix: '', page: 'present-summary', title: 'Summary', build: summarySlide },
    { suffix: '/chart', page: 'present-chart', title: 'Budget chart', build: chartSlide },
    { suffix: '/roadmap', page: 'present-roadmap', title: 'Roadmap', build: roadmapSlide },
  ] as const;
  for (const slide of packetSlides) {
    router.get(`/clients/:clientId/present${slide.suffix}`, async (req, res, next) => {
      if (!uuid.safeParse(req.params.clientId).success) {
        next();
        return;
      }
      const { auth, today, client, paths } = await deckOf(res, req.params.clientId);
      const prepared = await packetOf(auth, client.id);
      const path = `/clients/${client.id}/present${slide.suffix}`;
      const deck = deckView(client, paths, path, today);
      const layout = layoutOf(res, `${slide.title} · ${client.name}`, path);
      sendPage(res, 200, slide.page, slide.build(deck, layout, prepared));
    });
  }

  async function sendInitiativeSlide(
    req: Request,
    res: Response,
    status: number,
    input: DecisionFormInput | null,
  ): Promise<boolean> {
    const { clientId, initiativeId } = req.params as { clientId: string; initiativeId: string };
    if (!uuid.safeParse(clientId).success || !uuid.safeParse(initiativeId).success) return false;
    const { auth, today, client, initiatives, slides, paths } = await deckOf(res, clientId);
    const index = slides.findIndex((initiative) => initiative.id === initiativeId);
    if (index < 0) return false;
    const initiative = slides[index]!;
    const path = `/clients/${client.id}/present/initiatives/${initiative.id}`;
    const assetNames = (
      await Promise.all(
        initiative.assetIds
          .slice(0, initiative.assetIds.length > ASSETS_NAMED ? ASSETS_NAMED - 1 : ASSETS_NAMED)
          .map(async (assetId) => (await getAsset(db, auth, client.id, assetId, today)).name),
      )
    ).sort(compare);
    const canDecide = scopeCovers(auth.scope, 'write');
    const form: DecisionFormInput | null = !canDecide
      ? null
      : (input ?? { ...decisionDefaults(client, initiatives, today), note: '', errors: NO_ERRORS });
    sendPage(
      res,
      status,
      'present-initiative',
      initiativeSlide(
        deckView(client, paths, path, today),
        layoutOf(res, `${initiative.title} · ${client.name}`, path),
        {
          initiative,
          currency: client.currency,
          assetNames,
          position: `Decision ${index + 1} of ${slides.length}`,
          today,
          form,
          action: path,
        },
      ),
    );
    return true;
  }

  router.get('/clients/:clientId/present/initiatives/:initiativeId', async (req, res, next) => {
    if (!(await sendInitiativeSlide(req, res, 200, null))) next();
  });

  router.post('/clients/:clientId/present/initiatives/:initiativeId', async (req, res, next) => {
    const { clientId, initiativeId } = req.params;
    if (!uuid.safeParse(clientId).success || !uuid.safeParse(initiativeId).success) {
      next();
      return;
    }
    const auth = requireScope(res, 'write');
    // The initiative must be this MSP's and this client's before anything is read from the form.
    await getInitiative(db, auth, clientId, initiativeId);
    const form = decisionForm.safeParse(req.body);
    if (!form.success) {
      sendMessage(res, 400, 'Bad request', 'The decision form was not sent as this page sends it.', {
        href: `/clients/${clientId}/present/initiatives/${initiativeId}`,
        label: 'Back to the slide',
      });
      return;
    }
    const sent = form.data;
    const parsed = recordDecisionBody.safeParse({
      decision: sent.decision,
      decidedBy: sent.decidedBy ?? '',
      role: sent.role ?? null,
      note: sent.note ?? null,
    });
    if (!parsed.success) {
      const errors: DecisionFormInput['errors'] = { ...NO_ERRORS };
      for (const issue of parsed.error.issues) {
        const field = issue.path[0];
        if (field === 'decidedBy') errors.decidedBy = `Who decided ${issue.message}.`;
        else if (field === 'role') errors.role = `The role ${issue.message}.`;
        else if (field === 'note') errors.note = `The note ${issue.message}.`;
        // A decision other than the three buttons' is not something this form sends.
        else if (field === 'decision') errors.decision = 'Choose Approve, Decline or Defer.';
      }
      const input = {
        decidedBy: sent.decidedBy ?? '',
        role: sent.role ?? '',
        note: sent.note ?? '',
        errors,
      };
      if (!(await sendInitiativeSlide(req, res, 422, input))) next();
      return;
    }
    await recordDecision(db, auth, clientId, initiativeId, parsed.data, context.clock.now());
    res.redirect(303, `/clients/${clientId}/present/initiatives/${initiativeId}`);
  });

  router.get('/clients/:clientId/present/end', async (req, res, next) => {
    if (!uuid.safeParse(req.params.clientId).success) {
      next();
      return;
    }
    const { today, client, initiatives, paths } = await deckOf(res, req.params.clientId);
    const path = `/clients/${client.id}/present/end`;
    sendPage<EndSlideView>(
      res,
      200,
      'present-end',
      endSlide(
        deckView(client, paths, path, today),
        layoutOf(res, `Decisions made today · ${client.name}`, path),
        initiatives,
        today,
      ),
    );
  });

  return router;
}
