import type { Executor } from '../db/database.js';
import { withTransaction } from '../db/unit-of-work.js';
import { issueApiKey } from '../api-keys/api-key.service.js';
import type { ApiKey } from '../api-keys/api-key.repository.js';
import type { Principal } from '../auth/principal.js';
import { notFound } from '../http/errors.js';
import { matchByName } from '../shared/name-match.js';
import {
  findMsp,
  findMspLogo,
  insertMsp,
  listMspsForOperator,
  updateMsp,
  type Msp,
  type MspBranding,
  type MspChanges,
} from './msp.repository.js';

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

/** The caller's own MSP. */
export async function getMsp(db: Executor, auth: Principal): Promise<Msp> {
  const msp = await findMsp(db, auth.mspId);
  if (!msp) throw notFound('MSP');
  return msp;
}

/** Changes the caller's MSP: its name, currency, packet branding or logo (null removes it). */
export async function changeMsp(db: Executor, auth: Principal, changes: MspChanges): Promise<Msp> {
  const msp = await updateMsp(db, auth.mspId, changes);
  if (!msp) throw notFound('MSP');
  return msp;
}

export async function getMspLogo(db: Executor, auth: Principal): Promise<NonNullable<MspBranding['logo']>> {
  const logo = await findMspLogo(db, auth.mspId);
  if (!logo) throw notFound('logo');
  return logo;
}

/** Every MSP, for the operator (`vcio-planner msp list`). */
export async function listMsps(db: Executor) {
  return listMspsForOperator(db);
}

/**
 * The MSP the operator means by `typed` (`--msp`): its id, its name in any case, or the start of one name;
 * otherwise a NameMatchError that suggests the names meant.
 */
export async function findMspForOperator(db: Executor, typed: string): Promise<{ id: string; name: string }> {
  return matchByName(await listMspsForOperator(db), typed, {
    noun: 'MSP',
    hint: "Give more of the name, or the MSP's id.",
    listHint: 'List them with `vcio-planner msp list`.',
  });
}
