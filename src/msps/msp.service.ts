import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import { issueApiKey } from '../api-keys/api-key.service.js';
import type { ApiKey } from '../api-keys/api-key.repository.js';
import { insertMsp, type Msp } from './msp.repository.js';

/** A new MSP and its first admin key, in one transaction. */
export async function createMsp(
  db: Executor,
  input: { name: string; currency?: string | undefined },
): Promise<{ msp: Msp; apiKey: string; key: ApiKey }> {
  return withTransaction(db, async (trx) => {
    const msp = await insertMsp(trx, { name: input.name, currency: input.currency ?? 'USD' });
    const { key: secret, ...key } = await issueApiKey(trx, msp.id, {
      name: 'First admin key',
      scope: 'admin',
    });
    return { msp, apiKey: secret, key };
  });
}
