import type { Db } from '../db/database.js';
import { issueApiKey } from '../api-keys/api-key.service.js';
import { insertMsp, type Msp } from '../msps/msp.repository.js';
import type { Clock } from '../shared/clock.js';
import { buildDemoBook } from './demo-data.js';
import * as demo from './demo.repository.js';

export interface LoadedDemo {
  msp: Msp;
  apiKey: string;
  clients: { id: string; name: string; assets: number }[];
}

/** Loads the demo book as a new MSP with an admin key, all in one transaction. */
export async function loadDemo(db: Db, clock: Clock): Promise<LoadedDemo> {
  const today = clock.today();
  const book = buildDemoBook(today);
  return db.transaction().execute(async (trx) => {
    const msp = await insertMsp(trx, { name: book.mspName, currency: 'USD' });
    await demo.insertPolicies(trx, msp.id, null, book.mspPolicies);
    const clients: LoadedDemo['clients'] = [];
    for (const client of book.clients) {
      const clientId = await demo.insertClientRow(trx, msp.id, client);
      await demo.insertPolicies(trx, msp.id, clientId, client.policies);
      const assets = await demo.insertAssetRows(trx, msp.id, clientId, client.assets);
      await demo.insertRecurringCostRows(trx, msp.id, clientId, client);
      for (const initiative of client.initiatives) {
        // An initiative replaces the oldest few assets of the categories it is about.
        const linked = assets
          .filter(
            (asset) =>
              initiative.linkCategories.includes(asset.category as never) && asset.inServiceOn !== null,
          )
          .sort((a, b) => a.inServiceOn!.localeCompare(b.inServiceOn!))
          .slice(0, 5)
          .map((asset) => asset.id);
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
    return { msp, apiKey: key, clients };
  });
}

/** True until the first MSP is created, by the demo or otherwise. */
export async function isEmptyBook(db: Db): Promise<boolean> {
  return !(await demo.anyMspExists(db));
}
