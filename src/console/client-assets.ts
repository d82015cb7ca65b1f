import type { Principal } from '../auth/principal.js';
import type { Asset } from '../assets/asset.schemas.js';
import { listAssets } from '../assets/asset.service.js';
import type { Executor } from '../db/database.js';

/** The largest page the asset list answers. */
const PAGE = 500;

/**
 * Every asset of a client with its refresh clock at `asOf`, by id, read page by page through the asset service
 * (the same the API's list answers); the planning pages look up the assets a forecast's items name.
 */
export async function clientAssetsById(
  db: Executor,
  auth: Principal,
  clientId: string,
  asOf: string,
): Promise<Map<string, Asset>> {
  const byId = new Map<string, Asset>();
  let cursor: string | undefined;
  do {
    const page = await listAssets(db, auth, clientId, { limit: PAGE, cursor }, asOf);
    for (const asset of page.items) byId.set(asset.id, asset);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return byId;
}
