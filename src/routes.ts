import { apiKeyRoutes } from './api-keys/api-key.routes.js';
import { assetRoutes } from './assets/asset.routes.js';
import { calendarRoutes } from './calendar/calendar.routes.js';
import { clientRoutes } from './clients/client.routes.js';
import { forecastRoutes } from './forecast/forecast.routes.js';
import type { RouteDefinition } from './http/route.js';
import { importRoutes } from './imports/import.routes.js';
import { initiativeRoutes } from './initiatives/initiative.routes.js';
import { lifecyclePolicyRoutes } from './lifecycle-policies/lifecycle-policy.routes.js';
import { mspRoutes } from './msps/msp.routes.js';
import { packetRunRoutes } from './packet-runs/packet-run.routes.js';
import { packetRoutes } from './packets/packet.routes.js';
import { recurringCostRoutes } from './recurring-costs/recurring-cost.routes.js';
import { shareLinkRoutes } from './share-links/share-link.routes.js';
import { webhookRoutes } from './webhooks/webhook.routes.js';

/** Every API route, in the order the documentation lists them. Each feature adds its list here. */
export const apiRoutes: readonly RouteDefinition[] = [
  ...mspRoutes,
  ...apiKeyRoutes,
  ...clientRoutes,
  ...lifecyclePolicyRoutes,
  ...assetRoutes,
  ...importRoutes,
  ...recurringCostRoutes,
  ...initiativeRoutes,
  ...forecastRoutes,
  ...calendarRoutes,
  ...packetRoutes,
  ...packetRunRoutes,
  ...shareLinkRoutes,
  ...webhookRoutes,
];
