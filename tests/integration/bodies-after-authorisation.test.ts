import http from 'node:http';
import { createClient } from '../support/planner-factories.js';
import { startTestApp, unique, type TestApp, type Tenant } from '../support/test-app.js';

interface EarlyAnswer {
  status: number;
  connection: string | undefined;
  body: any;
}

/**
 * Sends a request's headers, announcing a large body, and then waits without sending any of it: only an answer
 * given before the body is read can arrive.
 */
function sendHeadersAndWait(
  url: string,
  path: string,
  headers: Record<string, string>,
  bodyBytes: number,
): Promise<EarlyAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/api/v1${path}`, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(bodyBytes) },
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error('no answer before the body was sent: the server is waiting to read it'));
    }, 3000);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        request.destroy();
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: response.statusCode ?? 0,
          connection: response.headers.connection,
          body: text ? JSON.parse(text) : undefined,
        });
      });
    });
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.flushHeaders();
  });
}

describe('request bodies are read only once the caller is authorised', () => {
  let app: TestApp;
  let tenant: Tenant;
  let clientId: string;
  const MiB = 1024 * 1024;

  beforeAll(async () => {
    app = await startTestApp();
    tenant = await app.createTenant(unique('Bodies MSP'));
    clientId = await createClient(tenant.api);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('when an anonymous client announces a 49 MiB CSV or JSON import and waits, then the 401 arrives before the body is sent', async () => {
    for (const [contentType, preset] of [
      ['text/csv', 'generic'],
      ['multipart/form-data; boundary=x', 'generic'],
      ['application/json', 'intune-graph'],
    ] as const) {
      const answer = await sendHeadersAndWait(
        app.url,
        `/clients/${clientId}/imports?commit=true&preset=${preset}`,
        { 'content-type': contentType },
        49 * MiB,
      );
      expect(answer.status).toBe(401);
      expect(answer.body.code).toBe('unauthorized');
      // The unread body is not drained either: the connection closes.
      expect(answer.connection).toBe('close');
    }
  });

  it('when an anonymous client announces a 15 MB JSON sync and waits, then the 401 arrives before the body is sent', async () => {
    const answer = await sendHeadersAndWait(
      app.url,
      `/clients/${clientId}/assets/sync`,
      { 'content-type': 'application/json' },
      15 * 1000 * 1000,
    );
    expect(answer.status).toBe(401);
  });

  it('when a read-only key announces an import, then the 403 arrives before the body is sent', async () => {
    const created = await tenant.api.post('/api-keys', { name: unique('Reader'), scope: 'read' });
    const answer = await sendHeadersAndWait(
      app.url,
      `/clients/${clientId}/imports`,
      { 'content-type': 'text/csv', authorization: `Bearer ${created.body.key}` },
      10 * MiB,
    );
    expect(answer.status).toBe(403);
  });

  it('when an authorised form announces more than the import limit, then it is refused as too large without reading it', async () => {
    const answer = await sendHeadersAndWait(
      app.url,
      `/clients/${clientId}/imports`,
      { 'content-type': 'multipart/form-data; boundary=x', authorization: `Bearer ${tenant.key}` },
      51 * MiB,
    );
    expect(answer.status).toBe(413);
    expect(answer.body.code).toBe('payload_too_large');
  });

  it('when an authorised CSV or JSON inventory announces more than the import limit, then it is refused as too large without reading it', async () => {
    for (const [contentType, preset] of [
      ['application/json', 'glpi'],
      ['text/csv', 'generic'],
    ] as const) {
      const answer = await sendHeadersAndWait(
        app.url,
        `/clients/${clientId}/imports?preset=${preset}`,
        { 'content-type': contentType, authorization: `Bearer ${tenant.key}` },
        51 * MiB,
      );
      expect(answer.status).toBe(413);
      expect(answer.body.code).toBe('payload_too_large');
      expect(answer.connection).toBe('close');
    }
  });

  it('when an authorised JSON inventory is under the import limit but over the 1 MiB JSON default, then it is read', async () => {
    // 2 MiB of devices: a JSON body on the import route takes the import's limit, not the JSON routes' default.
    const devices = Array.from({ length: 6000 }, (_, index) => ({
      id: `device-${index}`,
      deviceName: `PC-${index}`,
      notes: 'x'.repeat(300),
    }));
    const body = Buffer.from(JSON.stringify({ value: devices }));
    expect(body.length).toBeGreaterThan(2 * MiB - 1);
    const response = await tenant.api.raw('POST', `/clients/${clientId}/imports?preset=intune-graph`, {
      body,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ rows: 6000, created: 6000, errorCount: 0 });
  });
});
