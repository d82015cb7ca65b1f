import { Router } from 'express';
import type { AppContext } from '../app-context.js';
import { listWebhooks } from '../webhooks/webhook.service.js';
import { formatInstant } from './console-format.js';
import { layoutOf, requireScope, sendPage } from './console-http.js';
import type { LayoutView } from './console-templates.js';
import { settingsNav, type SettingsNavView } from './settings-nav.js';

export interface WebhooksView extends LayoutView {
  settingsNav: SettingsNavView;
  webhooks: {
    url: string;
    events: string;
    description: string;
    status: string;
    created: string;
  }[];
}

/** The MSP's webhook subscriptions, read-only (they are managed through the API), for admins and owners. */
export function settingsWebhooksPages(context: AppContext): Router {
  const router = Router();
  router.get('/settings/webhooks', async (_req, res) => {
    const auth = requireScope(res, 'admin');
    const webhooks: Awaited<ReturnType<typeof listWebhooks>>['items'] = [];
    let cursor: string | undefined;
    do {
      const page = await listWebhooks(context.database.db, auth, { limit: 500, cursor });
      webhooks.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    sendPage<WebhooksView>(res, 200, 'settings-webhooks', {
      ...layoutOf(res, 'Webhooks', '/settings/webhooks'),
      settingsNav: settingsNav(auth, 'webhooks'),
      webhooks: webhooks.map((webhook) => ({
        url: webhook.url,
        events: webhook.events.join(', '),
        description: webhook.description ?? '',
        status: webhook.active ? 'Active' : 'Paused',
        created: formatInstant(webhook.createdAt),
      })),
    });
  });
  return router;
}
