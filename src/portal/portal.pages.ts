import crypto from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { listAssets } from '../assets/asset.service.js';
import { getClient } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import { clientView, type ClientView } from '../console/client.pages.js';
import { formatInstant } from '../console/console-format.js';
import type { Executor } from '../db/database.js';
import { fiscalPeriodLabel, fiscalQuarterOf, fiscalYearOf } from '../domain/fiscal-calendar.js';
import { clientForecast } from '../forecast/forecast.service.js';
import { requiredText, text, uuid } from '../http/schemas.js';
import type { Decision, InitiativeResource } from '../initiatives/initiative.schemas.js';
import { getInitiative, listInitiatives, recordDecision } from '../initiatives/initiative.service.js';
import { formatDate, moneyFormat, type MoneyFormat } from '../packets/packet-format.js';
import { DECISION_LABELS, INITIATIVE_STATUS_LABELS } from '../packets/packet.copy.js';
import { getPacketPdf, listClientPackets, preparePacket } from '../packets/packet.service.js';
import type { PacketView } from '../packets/packet.view-model.js';
import {
  formTokenMatches,
  layoutOf,
  portalFormToken,
  sendClosed,
  sendPortalPage,
  visitOf,
  type PortalVisit,
} from './portal-http.js';
import type { PortalLayoutView } from './portal-templates.js';

/** Initiatives the client may still decide on; a later decision appends to the history, never replaces it. */
const DECIDABLE: ReadonlySet<InitiativeResource['status']> = new Set(['proposed', 'deferred']);

interface InitiativeLine {
  href: string;
  title: string;
  status: string;
  statusClass: string;
  cost: string;
  needsDecision: boolean;
}

interface DecisionLine {
  date: string;
  initiative: string;
  decision: string;
  decisionClass: string;
  by: string;
  via: string;
  note: string | null;
}

export interface PlanView extends PortalLayoutView {
  recipientName: string;
  canDecide: boolean;
  expiresOn: string;
  asOf: string;
  summary: Omit<PacketView['summary'], 'risks'> & {
    risks: (PacketView['summary']['risks'][number] & { single: boolean })[];
    risksEmpty: boolean;
  };
  decisionsNeeded: InitiativeLine[];
  forecast: Pick<ClientView, 'chart' | 'table' | 'notes' | 'summary'>;
  roadmap: { label: string; initiatives: InitiativeLine[] }[];
  packets: { href: string; label: string; issuedOn: string; pages: string }[];
  decisions: DecisionLine[];
}

function costOf(initiative: InitiativeResource, money: MoneyFormat): string {
  const parts: string[] = [];
  if (initiative.capexCost > 0) parts.push(`${money.money(initiative.capexCost)} once`);
  if (initiative.monthlyOpexCost > 0) {
    parts.push(
      `${money.money(initiative.monthlyOpexCost)} a month` +
        (initiative.opexMonths ? ` for ${initiative.opexMonths} months` : ''),
    );
  }
  return parts.length > 0 ? parts.join(' + ') : 'No cost recorded';
}

function initiativeLine(
  visit: PortalVisit,
  initiative: InitiativeResource,
  money: MoneyFormat,
): InitiativeLine {
  return {
    href: `${visit.base}/initiatives/${initiative.id}`,
    title: initiative.title,
    status: INITIATIVE_STATUS_LABELS[initiative.status],
    statusClass: `status-${initiative.status}`,
    cost: costOf(initiative, money),
    needsDecision: initiative.status === 'proposed',
  };
}

function viaText(visit: PortalVisit, decision: Decision): string {
  if (decision.via !== 'portal') return 'Recorded by your vCIO';
  return decision.shareLinkId === visit.link.id ? 'Through this link' : 'Through the client portal';
}

function decisionLine(visit: PortalVisit, decision: Decision, initiative: string): DecisionLine {
  return {
    date: formatInstant(decision.decidedAt),
    initiative,
    decision: DECISION_LABELS[decision.decision],
    decisionClass: `decision-${decision.decision}`,
    by: decision.role ? `${decision.decidedBy}, ${decision.role}` : decision.decidedBy,
    via: viaText(visit, decision),
    note: decision.note,
  };
}

const quarterOf = (client: Client, targetOn: string | null): string =>
  targetOn === null
    ? 'No target date yet'
    : fiscalPeriodLabel(
        fiscalYearOf(targetOn, client.fiscalYearStartMonth),
        fiscalQuarterOf(targetOn, client.fiscalYearStartMonth),
      );

export function planView(
  visit: PortalVisit,
  sources: {
    client: Client;
    packet: PacketView;
    forecast: ClientView;
    initiatives: InitiativeResource[];
    packets: { id: string; periodLabel: string; issuedAt: string | null; pageCount: number }[];
    asOf: string;
  },
): PlanView {
  const money = moneyFormat(sources.client.currency);
  const ordered = [...sources.initiatives].sort(
    (a, b) => (a.targetOn ?? '9999').localeCompare(b.targetOn ?? '9999') || a.title.localeCompare(b.title),
  );
  const roadmap = new Map<string, InitiativeLine[]>();
  for (const initiative of ordered) {
    const label = quarterOf(sources.client, initiative.targetOn);
    roadmap.set(label, [...(roadmap.get(label) ?? []), initiativeLine(visit, initiative, money)]);
  }
  const decisions = sources.initiatives
    .flatMap((initiative) => initiative.decisions.map((decision) => ({ decision, title: initiative.title })))
    .sort((a, b) => b.decision.decidedAt.localeCompare(a.decision.decidedAt))
    .map(({ decision, title }) => decisionLine(visit, decision, title));
  return {
    ...layoutOf(visit, `${sources.client.name}: your IT plan`),
    recipientName: visit.link.recipientName,
    canDecide: visit.link.scope === 'view_and_decide',
    expiresOn: formatDate(visit.link.expiresOn),
    asOf: formatDate(sources.asOf),
    summary: {
      ...sources.packet.summary,
      risks: sources.packet.summary.risks.map((risk) => ({ ...risk, single: risk.count === '1' })),
      risksEmpty: sources.packet.summary.risks.length === 0,
    },
    decisionsNeeded: ordered
      .filter((initiative) => initiative.status === 'proposed')
      .map((initiative) => initiativeLine(visit, initiative, money)),
    forecast: {
      chart: sources.forecast.chart,
      table: sources.forecast.table,
      notes: sources.forecast.notes,
      summary: sources.forecast.summary,
    },
    roadmap: [...roadmap].map(([label, initiatives]) => ({ label, initiatives })),
    packets: sources.packets.map((packet) => ({
      href: `${visit.base}/packets/${packet.id}.pdf`,
      label: packet.periodLabel,
      issuedOn: packet.issuedAt ? formatInstant(packet.issuedAt) : '',
      pages: `${packet.pageCount} ${packet.pageCount === 1 ? 'page' : 'pages'}`,
    })),
    decisions,
  };
}

/** Every initiative of the client, page by page. */
async function allInitiatives(db: Executor, visit: PortalVisit): Promise<InitiativeResource[]> {
  const items: InitiativeResource[] = [];
  let cursor: string | undefined;
  do {
    const page = await listInitiatives(db, visit.principal, visit.link.clientId, { limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

/** The names of the client's assets among `ids`, read page by page until all are found. */
async function assetNames(
  db: Executor,
  visit: PortalVisit,
  ids: readonly string[],
  asOf: string,
): Promise<Map<string, string>> {
  const wanted = new Set(ids);
  const names = new Map<string, string>();
  let cursor: string | undefined;
  while (wanted.size > names.size) {
    const page = await listAssets(db, visit.principal, visit.link.clientId, { limit: 500, cursor }, asOf);
    for (const asset of page.items) if (wanted.has(asset.id)) names.set(asset.id, asset.name);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return names;
}

export const decisionForm = z.object({
  decision: z.enum(['approved', 'declined', 'deferred'], { error: 'Choose approve, decline or defer' }),
  decidedBy: requiredText(200).describe('full name'),
  role: requiredText(200),
  note: text(2000),
  authorised: z.literal('yes', { error: 'Confirm that you are authorised to decide' }),
});
type DecisionFields = 'decision' | 'decidedBy' | 'role' | 'note' | 'authorised';

const FIELD_MESSAGES: Partial<Record<DecisionFields, string>> = {
  decidedBy: 'Type your full name',
  role: 'Type your role, for example Owner or CFO',
};

export interface InitiativePageView extends PortalLayoutView {
  initiative: {
    title: string;
    status: string;
    statusClass: string;
    priority: string;
    quarter: string;
    target: string;
    cost: string;
    summary: string | null;
    assets: string[];
    moreAssets: string | null;
  };
  decisions: DecisionLine[];
  form: {
    action: string;
    csrfToken: string;
    clientName: string;
    options: { value: string; label: string; checked: boolean }[];
    values: { decidedBy: string; role: string; note: string; authorised: boolean };
    errors: Record<DecisionFields, string | null>;
    hasErrors: boolean;
  } | null;
  /** Why there is no form, when the link could decide but this initiative is not open to a decision. */
  closedNote: string | null;
}

const LISTED_ASSETS = 25;

function initiativePageView(
  visit: PortalVisit,
  client: Client,
  initiative: InitiativeResource,
  names: Map<string, string>,
  form: {
    csrfToken: string;
    values: Record<string, string>;
    errors: Partial<Record<DecisionFields, string>>;
  },
): InitiativePageView {
  const money = moneyFormat(client.currency);
  const assets = initiative.assetIds
    .map((id) => names.get(id) ?? 'An asset')
    .sort((a, b) => a.localeCompare(b));
  const canDecide = visit.link.scope === 'view_and_decide';
  const open = DECIDABLE.has(initiative.status);
  const chosen = form.values.decision ?? '';
  return {
    ...layoutOf(visit, initiative.title),
    initiative: {
      title: initiative.title,
      status: INITIATIVE_STATUS_LABELS[initiative.status],
      statusClass: `status-${initiative.status}`,
      priority: initiative.priority[0]!.toUpperCase() + initiative.priority.slice(1),
      quarter: quarterOf(client, initiative.targetOn),
      target: initiative.targetOn ? formatDate(initiative.targetOn) : 'Not set',
      cost: costOf(initiative, money),
      summary: initiative.summary,
      assets: assets.slice(0, LISTED_ASSETS),
      moreAssets: assets.length > LISTED_ASSETS ? `and ${assets.length - LISTED_ASSETS} more` : null,
    },
    decisions: [...initiative.decisions]
      .reverse()
      .map((decision) => decisionLine(visit, decision, initiative.title)),
    form:
      canDecide && open
        ? {
            action: `${visit.base}/initiatives/${initiative.id}/decisions`,
            csrfToken: form.csrfToken,
            clientName: client.name,
            options: [
              { value: 'approved', label: 'Approve', checked: chosen === 'approved' },
              { value: 'declined', label: 'Decline', checked: chosen === 'declined' },
              { value: 'deferred', label: 'Defer', checked: chosen === 'deferred' },
            ],
            values: {
              decidedBy: form.values.decidedBy ?? '',
              role: form.values.role ?? '',
              note: form.values.note ?? '',
              authorised: form.values.authorised === 'yes',
            },
            errors: {
              decision: form.errors.decision ?? null,
              decidedBy: form.errors.decidedBy ?? null,
              role: form.errors.role ?? null,
              note: form.errors.note ?? null,
              authorised: form.errors.authorised ?? null,
            },
            hasErrors: Object.keys(form.errors).length > 0,
          }
        : null,
    closedNote:
      canDecide && !open
        ? `This initiative is ${INITIATIVE_STATUS_LABELS[initiative.status].toLowerCase()}: there is nothing to decide here now.`
        : null,
  };
}

export interface ReceiptView extends PortalLayoutView {
  receiptId: string;
  decision: string;
  decisionClass: string;
  initiative: string;
  cost: string;
  decidedBy: string;
  role: string;
  note: string | null;
  decidedAt: string;
  recipient: string;
  clientName: string;
  ipAddress: string;
  userAgent: string;
  initiativeHref: string;
}

/** A short, stable receipt number for a decision made through a link: it names the decision, not the token. */
export function receiptIdOf(linkId: string, initiativeId: string, decidedAt: string): string {
  const hex = crypto.createHash('sha256').update(`${linkId}|${initiativeId}|${decidedAt}`).digest('hex');
  return hex.slice(0, 12).toUpperCase().match(/.{4}/g)!.join('-');
}

const initiativeParams = z.object({ initiativeId: uuid });

export function portalPages(context: AppContext): Router {
  const router = Router({ mergeParams: true });
  const db = context.database.db;

  router.get('/', async (_req, res) => {
    const visit = visitOf(res);
    const auth = visit.principal;
    const clientId = visit.link.clientId;
    const today = context.clock.today();
    const client = await getClient(db, auth, clientId);
    const query = { granularity: 'quarter', scenario: 'committed' } as const;
    const forecast = await clientForecast(db, auth, clientId, query, today);
    const prepared = await preparePacket({ db, clock: context.clock }, auth, clientId, {
      periods: 8,
      scenario: 'committed',
    });
    const packets = await listClientPackets(db, auth, clientId, { limit: 100 });
    sendPortalPage<PlanView>(
      res,
      200,
      'plan',
      planView(visit, {
        client,
        packet: prepared.view,
        forecast: clientView({ title: '', nav: null }, client, forecast, query),
        initiatives: await allInitiatives(db, visit),
        packets: packets.items.filter((packet) => packet.status === 'issued'),
        asOf: today,
      }),
    );
  });

  async function showInitiative(
    req: Request,
    res: Response,
    status: number,
    form: { values: Record<string, string>; errors: Partial<Record<DecisionFields, string>> },
  ): Promise<void> {
    const visit = visitOf(res);
    const { initiativeId } = initiativeParams.parse(req.params);
    const client = await getClient(db, visit.principal, visit.link.clientId);
    const initiative = await getInitiative(db, visit.principal, client.id, initiativeId);
    const names = await assetNames(db, visit, initiative.assetIds, context.clock.today());
    const csrfToken = visit.link.scope === 'view_and_decide' ? portalFormToken(context, req, res) : '';
    sendPortalPage<InitiativePageView>(
      res,
      status,
      'initiative',
      initiativePageView(visit, client, initiative, names, { csrfToken, ...form }),
    );
  }

  router.get('/initiatives/:initiativeId', async (req, res, next) => {
    if (!initiativeParams.safeParse(req.params).success) {
      next();
      return;
    }
    await showInitiative(req, res, 200, { values: {}, errors: {} });
  });

  router.post('/initiatives/:initiativeId/decisions', async (req, res, next) => {
    const params = initiativeParams.safeParse(req.params);
    if (!params.success) {
      next();
      return;
    }
    const visit = visitOf(res);
    if (!formTokenMatches(context, req)) {
      sendClosed(
        res,
        403,
        'Form expired',
        'This form could not be accepted: it was sent without its security token or from another page. Go back, ' +
          'reload the page and try again.',
      );
      return;
    }
    if (visit.link.scope !== 'view_and_decide' || visit.principal.scope !== 'write') {
      sendClosed(res, 403, 'Not allowed', 'This link lets you read the plan, not record decisions.');
      return;
    }
    const body = req.body as Record<string, unknown>;
    const values = Object.fromEntries(
      ['decision', 'decidedBy', 'role', 'note', 'authorised'].map((name) => [
        name,
        typeof body[name] === 'string' ? body[name] : '',
      ]),
    );
    const parsed = decisionForm.safeParse(values);
    if (!parsed.success) {
      const errors: Partial<Record<DecisionFields, string>> = {};
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as DecisionFields;
        errors[field] ??= FIELD_MESSAGES[field] ?? issue.message;
      }
      await showInitiative(req, res, 422, { values, errors });
      return;
    }
    const clientId = visit.link.clientId;
    const current = await getInitiative(db, visit.principal, clientId, params.data.initiativeId);
    if (!DECIDABLE.has(current.status)) {
      await showInitiative(req, res, 409, { values, errors: {} });
      return;
    }
    const updated = await recordDecision(
      db,
      visit.principal,
      clientId,
      params.data.initiativeId,
      {
        decision: parsed.data.decision,
        decidedBy: parsed.data.decidedBy,
        role: parsed.data.role,
        note: parsed.data.note,
      },
      context.clock.now(),
      { ipAddress: req.ip, userAgent: req.get('user-agent') },
    );
    res.redirect(303, `${visit.base}/receipts/${updated.id}/${updated.decisions.length}`);
  });

  router.get('/receipts/:initiativeId/:number', async (req, res, next) => {
    const params = initiativeParams
      .extend({ number: z.coerce.number().int().min(1).max(100_000) })
      .safeParse(req.params);
    if (!params.success) {
      next();
      return;
    }
    const visit = visitOf(res);
    const client = await getClient(db, visit.principal, visit.link.clientId);
    const initiative = await getInitiative(db, visit.principal, client.id, params.data.initiativeId);
    const decision = initiative.decisions[params.data.number - 1];
    // A receipt is for the decision made through this very link; anyone else's is not this page's to show.
    if (!decision || decision.via !== 'portal' || decision.shareLinkId !== visit.link.id) {
      next();
      return;
    }
    sendPortalPage<ReceiptView>(res, 200, 'receipt', {
      ...layoutOf(visit, 'Decision receipt'),
      receiptId: receiptIdOf(visit.link.id, initiative.id, decision.decidedAt),
      decision: DECISION_LABELS[decision.decision],
      decisionClass: `decision-${decision.decision}`,
      initiative: initiative.title,
      cost: costOf(initiative, moneyFormat(client.currency)),
      decidedBy: decision.decidedBy,
      role: decision.role ?? '',
      note: decision.note,
      decidedAt: formatInstant(decision.decidedAt),
      recipient: visit.link.recipientName,
      clientName: client.name,
      ipAddress: decision.ipAddress ?? '',
      userAgent: decision.userAgent ?? '',
      initiativeHref: `${visit.base}/initiatives/${initiative.id}`,
    });
  });

  router.get('/packets/:packetId.pdf', async (req, res, next) => {
    const packetId = uuid.safeParse(req.params.packetId);
    if (!packetId.success) {
      next();
      return;
    }
    const visit = visitOf(res);
    const found = await getPacketPdf(db, visit.principal, visit.link.clientId, packetId.data);
    // Drafts are the MSP's working copies: only what was handed to the client is the client's to download.
    if (found.packet.status !== 'issued') {
      next();
      return;
    }
    res
      .status(200)
      .type('application/pdf')
      .setHeader('Content-Disposition', `attachment; filename="${found.filename}"`)
      .send(found.pdf);
  });

  router.use((_req, res) => {
    sendClosed(res, 404, 'Not found', 'There is nothing at this address.');
  });
  return router;
}
