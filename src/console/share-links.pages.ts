import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AppContext } from '../app-context.js';
import { scopeCovers } from '../auth/scopes.js';
import { getClient } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import { AppError } from '../http/errors.js';
import { portalOrigin } from '../share-links/share-link.routes.js';
import { createShareLinkBody, type ShareLink } from '../share-links/share-link.schemas.js';
import { createShareLink, listShareLinks, revokeShareLink } from '../share-links/share-link.service.js';
import { clientHeader, type ClientHeaderView } from './client-nav.js';
import { DASH, formatDateOrDash, formatInstant } from './console-format.js';
import { layoutOf, requireScope, sendPage, sessionOf } from './console-http.js';
import type { LayoutView } from './console-templates.js';
import { sessionFormToken } from './csrf.js';

type Field = 'recipientName' | 'recipientEmail' | 'scope' | 'expiresOn';
const FIELDS: readonly Field[] = ['recipientName', 'recipientEmail', 'scope', 'expiresOn'];

export interface ShareLinksView extends LayoutView {
  header: ClientHeaderView;
  csrfToken: string;
  notice: string | null;
  canWrite: boolean;
  links: {
    recipient: string;
    email: string;
    scope: string;
    expires: string;
    status: string;
    statusClass: string;
    createdBy: string;
    lastOpened: string;
    revokeAction: string | null;
  }[];
  form: {
    action: string;
    values: { recipientName: string; recipientEmail: string; expiresOn: string };
    scopes: { value: string; label: string; checked: boolean }[];
    errors: Record<Field, string | null>;
    hasErrors: boolean;
  };
}

export interface ShareLinkCreatedView extends LayoutView {
  header: ClientHeaderView;
  url: string;
  recipient: string;
  scope: string;
  expires: string;
  backHref: string;
}

const SCOPE_LABELS = { view: 'Read only', view_and_decide: 'Read and decide' } as const;
const STATUS_LABELS = { active: 'Active', expired: 'Expired', revoked: 'Revoked' } as const;
/** Fixed notices for `?done=`; nothing from the query is echoed. */
const NOTICES: Record<string, string> = {
  revoked: 'The link is revoked: it now answers “no longer available”.',
};

const addDays = (isoDate: string, days: number): string =>
  new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

function shareLinksView(
  res: Response,
  client: Client,
  links: ShareLink[],
  options: {
    notice: string | null;
    values: Record<string, string>;
    errors: Partial<Record<Field, string>>;
    today: string;
  },
): ShareLinksView {
  const session = sessionOf(res);
  const canWrite = scopeCovers(session.principal.scope, 'write');
  const base = `/clients/${client.id}/share-links`;
  const chosenScope = options.values.scope ?? 'view_and_decide';
  return {
    ...layoutOf(res, `${client.name}: share links`, base),
    header: clientHeader(client, 'share-links'),
    csrfToken: sessionFormToken(session.token),
    notice: options.notice,
    canWrite,
    links: links.map((link) => ({
      recipient: link.recipientName,
      email: link.recipientEmail ?? DASH,
      scope: SCOPE_LABELS[link.scope],
      expires: formatDateOrDash(link.expiresOn),
      status: STATUS_LABELS[link.status],
      statusClass: `link-${link.status}`,
      createdBy: link.createdBy ?? DASH,
      lastOpened: link.lastOpenedAt ? formatInstant(link.lastOpenedAt) : 'Never',
      revokeAction: canWrite && link.status === 'active' ? `${base}/${link.id}/revoke` : null,
    })),
    form: {
      action: base,
      values: {
        recipientName: options.values.recipientName ?? '',
        recipientEmail: options.values.recipientEmail ?? '',
        expiresOn: options.values.expiresOn ?? addDays(options.today, 30),
      },
      scopes: (['view_and_decide', 'view'] as const).map((value) => ({
        value,
        label:
          value === 'view'
            ? 'Read only: the plan, forecast, roadmap and issued packets'
            : 'Read and decide: also approve, decline or defer proposed initiatives',
        checked: chosenScope === value,
      })),
      errors: Object.fromEntries(FIELDS.map((field) => [field, options.errors[field] ?? null])) as Record<
        Field,
        string | null
      >,
      hasErrors: Object.keys(options.errors).length > 0,
    },
  };
}

/** The client's share links: list, create (the URL shown once, on the answer to the form) and revoke. */
export function shareLinksPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;
  const clientIdOf = (req: Request) => z.uuid().safeParse(req.params.clientId);

  async function showList(
    req: Request,
    res: Response,
    status: number,
    options: { values: Record<string, string>; errors: Partial<Record<Field, string>> },
  ): Promise<void> {
    const auth = sessionOf(res).principal;
    const client = await getClient(db, auth, req.params.clientId as string);
    const today = context.clock.today();
    const { items } = await listShareLinks(db, auth, client.id, today);
    const done = typeof req.query.done === 'string' ? (NOTICES[req.query.done] ?? null) : null;
    sendPage<ShareLinksView>(
      res,
      status,
      'share-links',
      shareLinksView(res, client, items, { notice: done, today, ...options }),
    );
  }

  router.get('/clients/:clientId/share-links', async (req, res, next) => {
    if (!clientIdOf(req).success) {
      next();
      return;
    }
    await showList(req, res, 200, { values: {}, errors: {} });
  });

  router.post('/clients/:clientId/share-links', async (req, res, next) => {
    const clientId = clientIdOf(req);
    if (!clientId.success) {
      next();
      return;
    }
    const auth = requireScope(res, 'write');
    const body = req.body as Record<string, unknown>;
    const values = Object.fromEntries(
      FIELDS.map((field) => [field, typeof body[field] === 'string' ? (body[field] as string) : '']),
    );
    const parsed = createShareLinkBody.safeParse({
      recipientName: values.recipientName,
      ...(values.recipientEmail!.trim() === '' ? {} : { recipientEmail: values.recipientEmail }),
      scope: values.scope,
      expiresOn: values.expiresOn,
    });
    if (!parsed.success) {
      const errors: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) errors[issue.path[0] as Field] ??= issue.message;
      await showList(req, res, 422, { values, errors });
      return;
    }
    try {
      const client = await getClient(db, auth, clientId.data);
      const created = await createShareLink(db, auth, client.id, parsed.data, {
        today: context.clock.today(),
        origin: portalOrigin(context, req),
      });
      // The URL exists only in this answer (sendPage marks it no-store): it is never stored or shown again.
      sendPage<ShareLinkCreatedView>(res, 201, 'share-link-created', {
        ...layoutOf(res, `${client.name}: share link created`, `/clients/${client.id}/share-links`),
        header: clientHeader(client, 'share-links'),
        url: created.url,
        recipient: created.recipientName,
        scope: SCOPE_LABELS[created.scope],
        expires: formatDateOrDash(created.expiresOn),
        backHref: `/clients/${client.id}/share-links`,
      });
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation_failed' && error.errors) {
        const errors: Partial<Record<Field, string>> = {};
        for (const fieldError of error.errors)
          errors[fieldError.path.replace(/^body\./, '') as Field] = fieldError.message;
        await showList(req, res, 422, { values, errors });
        return;
      }
      throw error;
    }
  });

  router.post('/clients/:clientId/share-links/:shareLinkId/revoke', async (req, res, next) => {
    const clientId = clientIdOf(req);
    const linkId = z.uuid().safeParse(req.params.shareLinkId);
    if (!clientId.success || !linkId.success) {
      next();
      return;
    }
    const auth = requireScope(res, 'write');
    await revokeShareLink(db, auth, clientId.data, linkId.data, context.clock.now(), context.clock.today());
    res.redirect(303, `/clients/${clientId.data}/share-links?done=revoked`);
  });
  return router;
}
