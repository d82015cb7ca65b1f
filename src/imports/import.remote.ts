import type { ImportResult } from './import.schemas.js';
import { PRESETS, type ColumnMapping, type PresetId } from './presets.js';
import type { DateOrder } from './values.js';

export interface RemoteImport {
  /** The running server, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  apiKey: string;
  /** The client by id or by name (case-insensitive), as `--client` gives it. */
  client: string;
  bytes: Buffer;
  fileName: string;
  preset: PresetId;
  mapping: ColumnMapping | undefined;
  commit: boolean;
  source: string | undefined;
  dateOrder: DateOrder;
}

export type RemoteImportOutcome =
  { result: ImportResult; clientLabel: string } | { problem: string; result?: undefined };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The import through a running server's API (`POST /clients/{id}/imports`), for when that server holds the embedded
 * database: the rows go through the one process that may write them. The key decides which MSP's clients are seen.
 */
export async function importThroughServer(input: RemoteImport): Promise<RemoteImportOutcome> {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${input.baseUrl}/api/v1${path}`, {
      ...init,
      headers: { authorization: `Bearer ${input.apiKey}`, ...(init.headers as Record<string, string>) },
    });

  const found = await findClient(call, input.client);
  if ('problem' in found) return found;

  const query = new URLSearchParams({
    preset: input.preset,
    commit: String(input.commit),
    dateOrder: input.dateOrder,
    ...(input.source ? { source: input.source } : {}),
  });
  let body: FormData | Uint8Array;
  const headers: Record<string, string> = {};
  const type = PRESETS[input.preset].format === 'json' ? 'application/json' : 'text/csv';
  if (input.mapping) {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(input.bytes)], { type }), input.fileName);
    form.append('mapping', JSON.stringify(input.mapping));
    body = form;
  } else {
    body = new Uint8Array(input.bytes);
    headers['content-type'] = type;
  }
  const response = await call(`/clients/${found.id}/imports?${query.toString()}`, {
    method: 'POST',
    body,
    headers,
  });
  const json = (await response.json().catch(() => ({}))) as ImportResult & { detail?: string };
  // 422 is a committed import that the file's errors stopped; its body is the report, as a dry run's is.
  if (response.status !== 200 && response.status !== 422) {
    return { problem: `the server at ${input.baseUrl} answered ${response.status}: ${json.detail ?? ''}` };
  }
  return { result: json, clientLabel: `"${found.name}" (through the server at ${input.baseUrl})` };
}

async function findClient(
  call: (path: string) => Promise<Response>,
  client: string,
): Promise<{ id: string; name: string } | { problem: string }> {
  const unauthorized = {
    problem: 'the API key was refused by the server (401); give a write key with --api-key',
  };
  if (uuidPattern.test(client)) {
    const response = await call(`/clients/${client}`);
    if (response.status === 401) return unauthorized;
    if (response.status !== 200) return { problem: `no client with the id "${client}"` };
    const found = (await response.json()) as { id: string; name: string };
    return { id: found.id, name: found.name };
  }
  const response = await call(`/clients?q=${encodeURIComponent(client.trim())}&limit=500`);
  if (response.status === 401) return unauthorized;
  if (response.status !== 200)
    return { problem: `the server answered ${response.status} to the client search` };
  const { items } = (await response.json()) as { items: { id: string; name: string }[] };
  const named = items.filter((candidate) => candidate.name.toLowerCase() === client.trim().toLowerCase());
  if (named.length === 0) return { problem: `no client with the id or name "${client}"` };
  if (named.length > 1)
    return { problem: `several clients are named "${client}"; give the id of the one you mean` };
  return named[0]!;
}
