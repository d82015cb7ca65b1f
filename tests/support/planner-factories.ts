import { apiClient, unique, type ApiClient } from './test-app.js';

/** Small factories over the API for the planner's resources; each makes data with unique names. */

export async function createClient(api: ApiClient, fields: Record<string, unknown> = {}): Promise<string> {
  const response = await api.post('/clients', { name: unique('Client'), ...fields });
  if (response.status !== 201) throw new Error(`client not created: ${response.status} ${response.text}`);
  return response.body.id as string;
}

export async function createAsset(api: ApiClient, clientId: string, fields: Record<string, unknown> = {}) {
  const response = await api.post(`/clients/${clientId}/assets`, {
    name: unique('Asset'),
    category: 'laptop',
    ...fields,
  });
  if (response.status !== 201) throw new Error(`asset not created: ${response.status} ${response.text}`);
  return response.body;
}

export async function createRecurringCost(
  api: ApiClient,
  clientId: string,
  fields: Record<string, unknown> = {},
) {
  const response = await api.post(`/clients/${clientId}/recurring-costs`, {
    name: unique('Microsoft 365'),
    amount: 2200,
    interval: 'month',
    startsOn: '2026-01-01',
    ...fields,
  });
  if (response.status !== 201)
    throw new Error(`recurring cost not created: ${response.status} ${response.text}`);
  return response.body;
}

export async function createInitiative(
  api: ApiClient,
  clientId: string,
  fields: Record<string, unknown> = {},
) {
  const response = await api.post(`/clients/${clientId}/initiatives`, {
    title: unique('Replace firewall'),
    ...fields,
  });
  if (response.status !== 201) throw new Error(`initiative not created: ${response.status} ${response.text}`);
  return response.body;
}

/** A key of `tenant` limited to one client, as a client of the API. */
export async function clientLimitedApi(
  baseUrl: string,
  adminApi: ApiClient,
  clientId: string,
  scope: 'read' | 'write' = 'write',
): Promise<ApiClient> {
  const response = await adminApi.post('/api-keys', { name: unique('Portal'), scope, clientId });
  if (response.status !== 201) throw new Error(`key not created: ${response.status} ${response.text}`);
  return apiClient(baseUrl, response.body.key as string);
}
