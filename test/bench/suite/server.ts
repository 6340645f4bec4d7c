import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createApp } from '../../../src/server/app.ts';
import { type DurableStore, openDurableStore } from '../../../src/store/index.ts';

export interface RunningServer {
  url: string;
  store: DurableStore;
  close(): Promise<void>;
}

/** The real HTTP application over a durable store in `dir`, listening on 127.0.0.1 (a free port). */
export async function startDurableServer(dir: string): Promise<RunningServer> {
  const store = await openDurableStore({ dir, logger: silentLogger() });
  const app = createApp({
    store,
    config: { ...defaultConfig(), dataDir: dir, logLevel: 'silent', maxBodyBytes: 256 << 20 },
    logger: silentLogger(),
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
