import { apiKeyRoutes } from './api-keys/api-key.routes.js';
import { clientRoutes } from './clients/client.routes.js';
import type { RouteDefinition } from './http/route.js';
import { mspRoutes } from './msps/msp.routes.js';

/** Every API route, in the order the documentation lists them. Each feature adds its list here. */
export const apiRoutes: readonly RouteDefinition[] = [...mspRoutes, ...apiKeyRoutes, ...clientRoutes];
