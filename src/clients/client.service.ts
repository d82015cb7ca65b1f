import type { Executor } from '../db/database.js';
import type { Principal } from '../auth/principal.js';
import { AppError, conflict, notFound } from '../http/errors.js';
import { decodeTypedCursor, readPage } from '../http/schemas.js';
import { findMsp } from '../msps/msp.repository.js';
import { findMspForOperator } from '../msps/msp.service.js';
import { matchByName } from '../shared/name-match.js';
import * as clients from './client.repository.js';
import type { Client, CreateClient, UpdateClient } from './client.schemas.js';

export async function createClient(db: Executor, auth: Principal, input: CreateClient): Promise<Client> {
  if (auth.clientId !== null) {
    throw new AppError('forbidden', 403, 'This key is limited to one client and cannot create clients');
  }
  const msp = await findMsp(db, auth.mspId);
  if (!msp) throw notFound('MSP');
  await assertNameFree(db, auth.mspId, input.name);
  return clients.insertClient(db, auth.mspId, { ...input, currency: input.currency ?? msp.currency });
}

/** The client, or a 404 that does not tell another tenant's client from one that does not exist. */
export async function getClient(db: Executor, auth: Principal, clientId: string): Promise<Client> {
  if (auth.clientId !== null && auth.clientId !== clientId) throw notFound('client');
  const client = await clients.findClient(db, auth.mspId, clientId);
  if (!client) throw notFound('client');
  return client;
}

export async function listClients(
  db: Executor,
  auth: Principal,
  query: { q?: string | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: Client[]; nextCursor: string | null }> {
  const after = decodeTypedCursor(query.cursor, ['text', 'uuid']);
  return readPage(
    query.limit,
    (limit) => clients.listClients(db, auth.mspId, { q: query.q, onlyClientId: auth.clientId, limit, after }),
    (client) => [client.name, client.id],
  );
}

export async function updateClient(
  db: Executor,
  auth: Principal,
  clientId: string,
  changes: UpdateClient,
): Promise<Client> {
  const current = await getClient(db, auth, clientId);
  if (changes.name !== undefined && changes.name !== current.name) {
    // Naming is the MSP's: a key limited to one client would otherwise learn other clients' names from the 409.
    if (auth.clientId !== null) {
      throw new AppError('forbidden', 403, 'This key is limited to one client and cannot rename it', [
        { path: 'body.name', message: 'can be changed by a key of the whole MSP only' },
      ]);
    }
    await assertNameFree(db, auth.mspId, changes.name, clientId);
  }
  const client = await clients.updateClient(db, auth.mspId, clientId, changes);
  if (!client) throw notFound('client');
  return client;
}

export async function deleteClient(db: Executor, auth: Principal, clientId: string): Promise<void> {
  if (auth.clientId !== null) {
    throw new AppError('forbidden', 403, 'This key is limited to one client and cannot delete it');
  }
  if (!(await clients.deleteClient(db, auth.mspId, clientId))) throw notFound('client');
}

async function assertNameFree(db: Executor, mspId: string, name: string, exceptId?: string): Promise<void> {
  const existing = await clients.findClientByName(db, mspId, name);
  if (existing && existing.id !== exceptId) {
    throw conflict(`A client named "${existing.name}" already exists`, [
      { path: 'body.name', message: 'is already used by another client' },
    ]);
  }
}

/**
 * The client the operator means by `typed` (`--client`), within the MSP `msp` names when given (`--msp`, found
 * the same way): its id, its name in any case, or the start of one name; otherwise a NameMatchError that
 * suggests the names meant. The same name in two MSPs needs `--msp`.
 */
export async function findClientForOperator(
  db: Executor,
  typed: string,
  msp?: string,
): Promise<{ id: string; name: string; mspId: string; mspName: string }> {
  const within = msp === undefined ? undefined : await findMspForOperator(db, msp);
  return matchByName(await clients.listClientsForOperator(db, within?.id), typed, {
    noun: 'client',
    hint: within
      ? "Give more of the name, or the client's id."
      : "Name the MSP with --msp, or give the client's id.",
    listHint: within
      ? `See its clients with GET /api/v1/clients or the console.`
      : 'Check the name, or name the MSP with --msp.',
    describe: (client) => (within ? client.name : `${client.name} (${client.mspName})`),
  });
}
