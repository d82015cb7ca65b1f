import crypto from 'node:crypto';
import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import { issueApiKey } from '../api-keys/api-key.service.js';
import { createUserWithPassword } from '../users/user.service.js';
import { insertMsp, type Msp } from '../msps/msp.repository.js';
import type { Clock } from '../shared/clock.js';
import { buildDemoBook, type DemoLinks } from './demo-data.js';
import * as demo from './demo.repository.js';

export interface LoadedDemo {
  msp: Msp;
  apiKey: string;
  /** An owner who signs in to the web console with this password (printed, never stored in clear by the app). */
  user: { email: string; password: string };
  clients: { id: string; name: string; assets: number }[];
}

/** Loads the demo book as a new MSP with an admin key, all in one transaction. */
export async function loadDemo(db: Executor, clock: Clock): Promise<LoadedDemo> {
  const today = clock.today();
  const book = buildDemoBook(today);
  return withTransaction(db, async (trx) => {
    const msp = await insertMsp(trx, { name: book.mspName, currency: 'USD' });
    await demo.insertPolicies(trx, msp.id, null, book.mspPolicies);
    const clients: LoadedDemo['clients'] = [];
    for (const client of book.clients) {
      const clientId = await demo.insertClientRow(trx, msp.id, client);
      await demo.insertPolicies(trx, msp.id, clientId, client.policies);
      const assets = await demo.insertAssetRows(trx, msp.id, clientId, client.assets);
      await demo.insertRecurringCostRows(trx, msp.id, clientId, client);
      for (const initiative of client.initiatives) {
        const linked = linkedAssetIds(assets, initiative.links);
        await demo.insertInitiativeRow(
          trx,
          msp.id,
          clientId,
          initiative,
          linked,
          (daysAgo) => new Date(clock.now().getTime() - daysAgo * 86_400_000),
        );
      }
      clients.push({ id: clientId, name: client.name, assets: assets.length });
    }
    const { key } = await issueApiKey(trx, msp.id, { name: 'Demo admin key', scope: 'admin' });
    const password = crypto.randomBytes(12).toString('base64url');
    const user = await createUserWithPassword(
      trx,
      msp.id,
      { email: 'demo@example.com', name: book.clients[0]?.vcioName ?? 'Demo vCIO', role: 'owner' },
      password,
    );
    return { msp, apiKey: key, user: { email: user.email, password }, clients };
  });
}

/** The oldest dated assets (by in-service date) that an initiative's links select. */
function linkedAssetIds(
  assets: readonly {
    id: string;
    category: string;
    model: string;
    operatingSystem: string | null;
    inServiceOn: string | null;
  }[],
  links: DemoLinks | null,
): string[] {
  if (links === null) return [];
  return assets
    .filter(
      (asset) =>
        asset.category === links.category &&
        asset.inServiceOn !== null &&
        (links.operatingSystem === undefined || links.operatingSystem.test(asset.operatingSystem ?? '')) &&
        (links.model === undefined || links.model.test(asset.model)),
    )
    .sort((a, b) => a.inServiceOn!.localeCompare(b.inServiceOn!))
    .slice(0, links.limit ?? 5)
    .map((asset) => asset.id);
}

/** True until the first MSP is created, by the demo or otherwise. */
export async function isEmptyBook(db: Executor): Promise<boolean> {
  return !(await demo.anyMspExists(db));
}
