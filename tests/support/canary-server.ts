import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CanaryHit {
  method: string;
  url: string;
}

export interface CanaryServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Every HTTP request the server answered. */
  hits: CanaryHit[];
  /** Every TCP connection, a request on it or not (a preconnect makes one without asking for anything). */
  connections: number;
  close(): Promise<void>;
}

/**
 * An HTTP server on loopback that records everything that reaches it, for asserting that a rendered
 * document could not call out. It answers every path with something loadable so that a leak would also
 * show in the output.
 */
export async function startCanaryServer(): Promise<CanaryServer> {
  const hits: CanaryHit[] = [];
  const server = http.createServer((req, res) => {
    hits.push({ method: req.method ?? '', url: req.url ?? '' });
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (req.url?.includes('css'))
      res.setHeader('Content-Type', 'text/css').end('body::after { content: "CANARY-CSS-LOADED" }');
    else res.setHeader('Content-Type', 'text/html').end('<p>CANARY-PAGE-LOADED</p>');
  });
  const canary: CanaryServer = {
    url: '',
    hits,
    connections: 0,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  server.on('connection', () => {
    canary.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  canary.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return canary;
}
