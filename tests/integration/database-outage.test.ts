import type { AddressInfo } from 'node:net';
import net from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { fixedClock } from '../../src/shared/clock.js';
import { apiClient, testAccess } from '../support/test-app.js';

/**
 * When PostgreSQL is out of reach, every data route answers 503 problem+json with Retry-After, and the log has a
 * warning per request rather than an unhandled error. The shared test server is never stopped: the app is pointed
 * at a port where nothing listens, and at a server that accepts connections and closes them at once.
 */
async function appOn(databaseUrl: string) {
  const logs: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  const database: Database = await openDatabase({ databaseUrl, dataDir: '' });
  const config = loadConfig({ DATA_DIR: '/tmp/vcio-test-data', LOG_LEVEL: 'silent' });
  const context = {
    database,
    config,
    clock: fixedClock('2026-11-22'),
    logger,
    ...testAccess(database),
  };
  const server: Server = await new Promise((resolve) => {
    const listening = createApp(context).listen(0, '127.0.0.1', () => resolve(listening));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    logs,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await database.close();
    },
  };
}

function listenOn(server: net.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

const closeServer = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('a database outage', () => {
  async function expectUnavailable(databaseUrl: string) {
    const app = await appOn(databaseUrl);
    try {
      const api = apiClient(app.url, 'vcio_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa');
      for (const path of ['/clients', '/api-keys', '/packet-runs']) {
        const response = await api.get(path);
        expect({ path, status: response.status }).toEqual({ path, status: 503 });
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.headers.get('retry-after')).toBe('5');
        expect(response.body).toMatchObject({ status: 503, code: 'database_unavailable' });
      }
      const ready = await api.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.database).toBe(false);

      const outage = app.logs.filter((line) => line.msg === 'database unavailable');
      expect(outage).toHaveLength(3);
      expect(outage.every((line) => line.level === 40)).toBe(true);
      expect(app.logs.filter((line) => line.level >= 50)).toEqual([]);
    } finally {
      await app.close();
    }
  }

  it('when nothing listens on the database port, then data routes answer 503 with Retry-After, logged as warnings', async () => {
    const probe = net.createServer();
    const port = await listenOn(probe);
    await closeServer(probe);
    await expectUnavailable(`postgres://postgres@127.0.0.1:${port}/vcio`);
  });

  it('when the database server accepts connections and drops them, then data routes answer 503 with Retry-After', async () => {
    const dropping = net.createServer((socket) => socket.destroy());
    const port = await listenOn(dropping);
    try {
      await expectUnavailable(`postgres://postgres@127.0.0.1:${port}/vcio`);
    } finally {
      await closeServer(dropping);
    }
  });
});
