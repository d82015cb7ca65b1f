import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { findAssetsByIds, listAssets } from '../assets/asset.service.js';
import { listAssetsQuery } from '../assets/asset.schemas.js';
import type { Principal } from '../auth/principal.js';
import { scopeCovers } from '../auth/scopes.js';
import type { Client } from '../clients/client.schemas.js';
import { getClient } from '../clients/client.service.js';
import type { Executor } from '../db/database.js';
import { AppError } from '../http/errors.js';
import type { InitiativeResource } from '../initiatives/initiative.schemas.js';
import {
  createInitiative,
  deleteInitiative,
  getInitiative,
  listInitiatives,
  recordDecision,
  updateInitiative,
} from '../initiatives/initiative.service.js';
import { layoutOf, requireScope, sendPage, sessionOf } from './console-http.js';
import {
  CHECKLIST_PAGE,
  EMPTY_FORM,
  UNSCHEDULED,
  boardView,
  decisionFormValues,
  decisionFormView,
  decisionServiceErrors,
  decisionsQueryOf,
  decisionsView,
  fiscalQuarterOfKey,
  initiativeFormValues,
  initiativeFormView,
  initiativePageView,
  initiativeServiceErrors,
  linkedAfterChecklist,
  movedTargetOn,
  newInitiativeView,
  noticeOf,
  parseDecisionForm,
  parseInitiativeForm,
  type BoardView,
  type DecisionFormView,
  type DecisionsView,
  type DoneNotice,
  type InitiativeFormView,
  type InitiativePageView,
  type NewInitiativeView,
} from './initiatives.views.js';

const isUuid = (value: unknown): value is string => z.uuid().safeParse(value).success;

/** Every initiative of the client, a page of 500 at a time (a client has tens, not thousands). */
async function allInitiatives(
  db: Executor,
  auth: Principal,
  clientId: string,
): Promise<InitiativeResource[]> {
  const items: InitiativeResource[] = [];
  let cursor: string | undefined;
  do {
    const page = await listInitiatives(db, auth, clientId, { limit: 500, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

const formOf = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
const listOf = (value: unknown): string[] =>
  (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (item): item is string => typeof item === 'string',
  );

/**
 * The client's initiatives on a board by fiscal quarter, each initiative's page (edit, move, link assets, delete,
 * decisions), and the decisions trail. Every change goes through the initiatives service with the signed-in user's
 * principal, after `requireScope(res, 'write')`; viewers get the same pages without their forms.
 */
export function initiativesPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;
  const canEdit = (res: Response) => scopeCovers(sessionOf(res).principal.scope, 'write');
  const redirect = (res: Response, path: string, done: DoneNotice) =>
    res.redirect(303, `${path}${path.includes('?') ? '&' : '?'}done=${done}`);

  /** The client of `:clientId` for the signed-in user, or undefined when the id is not a UUID (→ the 404 page). */
  async function clientOf(req: Request, res: Response): Promise<Client | undefined> {
    if (!isUuid(req.params.clientId)) return undefined;
    return getClient(db, sessionOf(res).principal, req.params.clientId);
  }

  async function showInitiative(
    req: Request,
    res: Response,
    status: number,
    client: Client,
    initiative: InitiativeResource,
    overrides: { form?: InitiativeFormView; decisionForm?: DecisionFormView; deleteError?: string } = {},
  ): Promise<void> {
    const auth = sessionOf(res).principal;
    const today = context.clock.today();
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 200) : '';
    const cursor = typeof req.query.cursor === 'string' ? req.query.cursor : undefined;
    // A search the API would refuse (a NUL in it, a cursor too long) starts the list over instead.
    const asked = listAssetsQuery.safeParse({
      limit: CHECKLIST_PAGE,
      ...(q ? { q } : {}),
      ...(cursor ? { cursor } : {}),
    });
    const query = asked.success ? asked.data : listAssetsQuery.parse({ limit: CHECKLIST_PAGE });
    const [linkedAssets, search] = await Promise.all([
      findAssetsByIds(db, auth, client.id, initiative.assetIds),
      canEdit(res)
        ? listAssets(db, auth, client.id, query, today)
        : Promise.resolve({ items: [], nextCursor: null }),
    ]);
    sendPage<InitiativePageView>(
      res,
      status,
      'initiative',
      initiativePageView(layoutOf(res, initiative.title, req.path), {
        client,
        initiative,
        today,
        canEdit: canEdit(res),
        notice: status === 200 ? noticeOf(req.query.done) : null,
        linkedAssets,
        search: { q, items: search.items, nextCursor: search.nextCursor, paged: query.cursor !== undefined },
        ...overrides,
      }),
    );
  }

  router.get('/clients/:clientId/initiatives', async (req, res, next) => {
    const client = await clientOf(req, res);
    if (!client) return next();
    const initiatives = await allInitiatives(db, sessionOf(res).principal, client.id);
    sendPage<BoardView>(
      res,
      200,
      'initiatives',
      boardView(
        layoutOf(res, `Initiatives · ${client.name}`, req.path),
        client,
        initiatives,
        context.clock.today(),
        canEdit(res),
        noticeOf(req.query.done),
      ),
    );
  });

  router.get('/clients/:clientId/initiatives/new', async (req, res, next) => {
    const client = await clientOf(req, res);
    if (!client) return next();
    requireScope(res, 'write');
    sendPage<NewInitiativeView>(
      res,
      200,
      'initiative-new',
      newInitiativeView(
        layoutOf(res, `New initiative · ${client.name}`, req.path),
        client,
        initiativeFormView(
          `/clients/${client.id}/initiatives`,
          'Create initiative',
          EMPTY_FORM,
          client.currency,
        ),
      ),
    );
  });

  router.post('/clients/:clientId/initiatives', async (req, res, next) => {
    if (!isUuid(req.params.clientId)) return next();
    const auth = requireScope(res, 'write');
    const client = await getClient(db, auth, req.params.clientId);
    const values = initiativeFormValues(formOf(req));
    const showForm = (errors: Parameters<typeof initiativeFormView>[4], general: string | null = null) =>
      sendPage<NewInitiativeView>(
        res,
        422,
        'initiative-new',
        newInitiativeView(
          layoutOf(res, `New initiative · ${client.name}`, req.path),
          client,
          initiativeFormView(
            `/clients/${client.id}/initiatives`,
            'Create initiative',
            values,
            client.currency,
            errors,
            general,
          ),
        ),
      );
    const parsed = parseInitiativeForm(values, client.currency);
    if (parsed.errors) return showForm(parsed.errors);
    try {
      const created = await createInitiative(db, auth, client.id, { ...parsed.input, assetIds: [] });
      redirect(res, `/clients/${client.id}/initiatives/${created.id}`, 'created');
    } catch (error) {
      const refused = initiativeServiceErrors(error);
      showForm(refused.fields, refused.general);
    }
  });

  router.get('/clients/:clientId/initiatives/:initiativeId', async (req, res, next) => {
    const client = await clientOf(req, res);
    if (!client || !isUuid(req.params.initiativeId)) return next();
    const initiative = await getInitiative(db, sessionOf(res).principal, client.id, req.params.initiativeId);
    await showInitiative(req, res, 200, client, initiative);
  });

  /** The client and initiative of a POST, after the write scope is checked; undefined → the 404 page. */
  async function forChange(req: Request, res: Response) {
    if (!isUuid(req.params.clientId) || !isUuid(req.params.initiativeId)) return undefined;
    const auth = requireScope(res, 'write');
    const client = await getClient(db, auth, req.params.clientId);
    const initiative = await getInitiative(db, auth, client.id, req.params.initiativeId);
    return { auth, client, initiative, path: `/clients/${client.id}/initiatives/${initiative.id}` };
  }

  router.post('/clients/:clientId/initiatives/:initiativeId', async (req, res, next) => {
    const found = await forChange(req, res);
    if (!found) return next();
    const { auth, client, initiative, path } = found;
    const values = initiativeFormValues(formOf(req));
    const showForm = (errors: Parameters<typeof initiativeFormView>[4], general: string | null = null) =>
      showInitiative(req, res, 422, client, initiative, {
        form: initiativeFormView(path, 'Save changes', values, client.currency, errors, general),
      });
    const parsed = parseInitiativeForm(values, client.currency);
    if (parsed.errors) return showForm(parsed.errors);
    try {
      await updateInitiative(db, auth, client.id, initiative.id, parsed.input);
      redirect(res, path, 'saved');
    } catch (error) {
      const refused = initiativeServiceErrors(error);
      await showForm(refused.fields, refused.general);
    }
  });

  router.post('/clients/:clientId/initiatives/:initiativeId/move', async (req, res, next) => {
    const found = await forChange(req, res);
    if (!found) return next();
    const { auth, client, initiative, path } = found;
    const form = formOf(req);
    const key = typeof form.quarter === 'string' ? form.quarter : '';
    const quarter = key === UNSCHEDULED ? null : fiscalQuarterOfKey(key, client.fiscalYearStartMonth);
    if (quarter === undefined) {
      throw new AppError('validation_failed', 400, 'Choose a quarter to move the initiative to.');
    }
    await updateInitiative(db, auth, client.id, initiative.id, {
      targetOn: movedTargetOn(initiative.targetOn, quarter, client.fiscalYearStartMonth),
    });
    redirect(res, form.from === 'board' ? `/clients/${client.id}/initiatives` : path, 'moved');
  });

  router.post('/clients/:clientId/initiatives/:initiativeId/assets', async (req, res, next) => {
    const found = await forChange(req, res);
    if (!found) return next();
    const { auth, client, initiative, path } = found;
    const form = formOf(req);
    const shown = listOf(form.shown).filter(isUuid);
    const ticked = listOf(form.asset).filter(isUuid);
    // The service checks every id is this client's asset, and refuses the whole change if one is not.
    await updateInitiative(db, auth, client.id, initiative.id, {
      assetIds: linkedAfterChecklist(initiative.assetIds, shown, ticked),
    });
    const q =
      typeof form.q === 'string' && form.q.trim() !== '' ? `?q=${encodeURIComponent(form.q.trim())}` : '';
    res.redirect(303, `${path}${q}${q ? '&' : '?'}done=linked#link-assets`);
  });

  router.post('/clients/:clientId/initiatives/:initiativeId/delete', async (req, res, next) => {
    const found = await forChange(req, res);
    if (!found) return next();
    const { auth, client, initiative } = found;
    try {
      await deleteInitiative(db, auth, client.id, initiative.id);
    } catch (error) {
      if (error instanceof AppError && error.status === 409) {
        await showInitiative(req, res, 409, client, initiative, { deleteError: error.message });
        return;
      }
      throw error;
    }
    redirect(res, `/clients/${client.id}/initiatives`, 'deleted');
  });

  router.post('/clients/:clientId/initiatives/:initiativeId/decisions', async (req, res, next) => {
    const found = await forChange(req, res);
    if (!found) return next();
    const { auth, client, initiative, path } = found;
    const values = decisionFormValues(formOf(req));
    const showForm = (errors: Parameters<typeof decisionFormView>[2], general: string | null = null) =>
      showInitiative(req, res, 422, client, initiative, {
        decisionForm: decisionFormView(`${path}/decisions`, values, errors, general),
      });
    const parsed = parseDecisionForm(values);
    if (parsed.errors) return showForm(parsed.errors);
    try {
      await recordDecision(db, auth, client.id, initiative.id, parsed.input, context.clock.now());
      res.redirect(303, `${path}?done=decided#decisions`);
    } catch (error) {
      const refused = decisionServiceErrors(error);
      await showForm(refused.fields, refused.general);
    }
  });

  router.get('/clients/:clientId/decisions', async (req, res, next) => {
    const client = await clientOf(req, res);
    if (!client) return next();
    const initiatives = await allInitiatives(db, sessionOf(res).principal, client.id);
    sendPage<DecisionsView>(
      res,
      200,
      'decisions',
      decisionsView(
        layoutOf(res, `Decisions · ${client.name}`, req.path),
        client,
        initiatives,
        decisionsQueryOf(req.query as Record<string, unknown>),
      ),
    );
  });

  return router;
}
