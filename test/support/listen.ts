// One way for tests and benches to put an HTTP application on 127.0.0.1 (a free port) and take it down again.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Listening {
  url: string;
  server: Server;
  /** Ends open connections (keep-alive, event streams) and waits until the server has stopped listening. */
  close(): Promise<void>;
}

/** Anything with express's `listen(port, host, callback)`: an express application or a `node:http` server. */
interface Listenable {
  listen(port: number, host: string, callback: () => void): Server;
}

export async function listenOnLoopback(app: Listenable): Promise<Listening> {
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
