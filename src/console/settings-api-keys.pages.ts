import { Router, type Response } from 'express';
import type { AppContext } from '../app-context.js';
import { createApiKey, listApiKeys, revokeApiKey } from '../api-keys/api-key.service.js';
import { createApiKeyBody } from '../api-keys/api-key.schemas.js';
import type { Principal } from '../auth/principal.js';
import { listClients } from '../clients/client.service.js';
import type { Client } from '../clients/client.schemas.js';
import { AppError } from '../http/errors.js';
import { DASH, formatInstant } from './console-format.js';
import { layoutOf, requireScope, sendPage } from './console-http.js';
import type { LayoutView } from './console-templates.js';
import { settingsNav, type SettingsNavView } from './settings-nav.js';

type ApiKey = Awaited<ReturnType<typeof listApiKeys>>['items'][number];

const SCOPE_LABELS = {
  read: 'Read',
  write: 'Write',
  admin: 'Admin',
} as const;

const SCOPE_OPTIONS = [
  { value: 'read', label: 'Read: read everything it can see' },
  { value: 'write', label: 'Write: also change clients, inventory, initiatives and packets' },
  { value: 'admin', label: 'Admin: also settings, API keys and webhooks (not with a client)' },
] as const;

interface KeyForm {
  name: string;
  scope: string;
  clientId: string;
}

export interface ApiKeysView extends LayoutView {
  settingsNav: SettingsNavView;
  notice: string | null;
  keys: {
    id: string;
    name: string;
    prefix: string;
    scope: string;
    client: string;
    created: string;
    lastUsed: string;
    revoked: string | null;
  }[];
  form: KeyForm;
  errors: { name: string | null; scope: string | null; clientId: string | null };
  hasErrors: boolean;
  scopes: { value: string; label: string; selected: boolean }[];
  clients: { value: string; label: string; selected: boolean }[];
  /** The key whose revocation is being confirmed, if any. */
  confirm: { id: string; name: string; prefix: string } | null;
}

export interface ApiKeyCreatedView extends LayoutView {
  settingsNav: SettingsNavView;
  key: { name: string; scope: string; client: string; secret: string };
}

const NOTICES: Record<string, string> = {
  revoked: 'Key revoked. Requests that use it are refused from now on.',
};

/** Every page of a listing, for the settings pages (an MSP has tens of keys and at most hundreds of clients). */
async function everyItem<T>(
  read: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await read(cursor);
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}

export function settingsApiKeysPages(context: AppContext): Router {
  const router = Router();
  const db = context.database.db;

  const loadAll = (auth: Principal) =>
    Promise.all([
      everyItem((cursor) => listApiKeys(db, auth, { limit: 500, cursor })),
      everyItem((cursor) => listClients(db, auth, { limit: 500, cursor })),
    ]);

  async function sendKeys(
    res: Response,
    status: number,
    auth: Principal,
    options: {
      notice?: string | null;
      form?: KeyForm;
      errors?: Partial<ApiKeysView['errors']>;
      confirmId?: string;
    } = {},
  ): Promise<void> {
    const [keys, clients] = await loadAll(auth);
    const clientNames = new Map(clients.map((client: Client) => [client.id, client.name]));
    const form = options.form ?? { name: '', scope: 'read', clientId: '' };
    const errors = { name: null, scope: null, clientId: null, ...options.errors };
    let confirm: ApiKeysView['confirm'] = null;
    if (options.confirmId !== undefined) {
      const key = keys.find((item) => item.id === options.confirmId && item.revokedAt === null);
      if (!key) throw new AppError('not_found', 404, 'No such API key');
      confirm = { id: key.id, name: key.name, prefix: key.prefix };
    }
    sendPage<ApiKeysView>(res, status, 'settings-api-keys', {
      ...layoutOf(res, 'API keys', '/settings/api-keys'),
      settingsNav: settingsNav(auth, 'api-keys'),
      notice: options.notice ?? null,
      keys: keys.map((key: ApiKey) => ({
        id: key.id,
        name: key.name,
        prefix: `${key.prefix}…`,
        scope: SCOPE_LABELS[key.scope],
        client: key.clientId === null ? 'All clients' : (clientNames.get(key.clientId) ?? DASH),
        created: formatInstant(key.createdAt),
        lastUsed: key.lastUsedAt ? formatInstant(key.lastUsedAt) : 'Never',
        revoked: key.revokedAt ? formatInstant(key.revokedAt) : null,
      })),
      form,
      errors,
      hasErrors: Object.values(errors).some((error) => error !== null),
      scopes: SCOPE_OPTIONS.map((option) => ({ ...option, selected: option.value === form.scope })),
      clients: [
        { value: '', label: 'All clients', selected: form.clientId === '' },
        ...clients.map((client) => ({
          value: client.id,
          label: client.name,
          selected: client.id === form.clientId,
        })),
      ],
      confirm,
    });
  }

  router.get('/settings/api-keys', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const done = typeof req.query.done === 'string' ? req.query.done : '';
    await sendKeys(res, 200, auth, { notice: NOTICES[done] ?? null });
  });

  // The secret is in this answer only: no redirect (it would have to travel in a URL or be stored), and the page is
  // sent with Cache-Control: no-store like every console page, so Back does not show it again from a cache.
  router.post('/settings/api-keys', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const body = req.body as Record<string, unknown>;
    const form: KeyForm = {
      name: typeof body.name === 'string' ? body.name : '',
      scope: typeof body.scope === 'string' ? body.scope : '',
      clientId: typeof body.clientId === 'string' ? body.clientId : '',
    };
    const parsed = createApiKeyBody.safeParse({
      name: form.name,
      scope: form.scope,
      clientId: form.clientId === '' ? null : form.clientId,
    });
    const errors: Partial<ApiKeysView['errors']> = {};
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path[0] as keyof ApiKeysView['errors'];
        errors[field] ??= issue.message;
      }
    } else if (parsed.data.clientId && parsed.data.scope === 'admin') {
      errors.scope = 'a key limited to one client can have the read or write scope only';
    }
    if (!parsed.success || Object.keys(errors).length > 0) {
      await sendKeys(res, 422, auth, { form, errors });
      return;
    }
    let created: ApiKey & { key: string };
    try {
      created = await createApiKey(db, auth, parsed.data);
    } catch (error) {
      if (error instanceof AppError && error.status === 400) {
        await sendKeys(res, 422, auth, { form, errors: { clientId: 'is not a client of yours' } });
        return;
      }
      throw error;
    }
    const [, clients] = await loadAll(auth);
    sendPage<ApiKeyCreatedView>(res, 200, 'settings-api-key-created', {
      ...layoutOf(res, 'API key created', '/settings/api-keys'),
      settingsNav: settingsNav(auth, 'api-keys'),
      key: {
        name: created.name,
        scope: SCOPE_LABELS[created.scope],
        client:
          created.clientId === null
            ? 'All clients'
            : (clients.find((client) => client.id === created.clientId)?.name ?? DASH),
        secret: created.key,
      },
    });
  });

  router.get('/settings/api-keys/:keyId/revoke', async (req, res) => {
    const auth = requireScope(res, 'admin');
    await sendKeys(res, 200, auth, { confirmId: req.params.keyId ?? '' });
  });

  router.post('/settings/api-keys/:keyId/revoke', async (req, res) => {
    const auth = requireScope(res, 'admin');
    const keyId = req.params.keyId ?? '';
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(keyId)) {
      throw new AppError('not_found', 404, 'No such API key');
    }
    await revokeApiKey(db, context.authenticator, auth, keyId);
    res.redirect(303, '/settings/api-keys?done=revoked');
  });

  return router;
}
