import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { defaultConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createApp } from '../../../src/server/app.ts';
import type { ProvStore } from '../../../src/store/index.ts';

/** provml's HTTP application over an open store, on 127.0.0.1 (a free port); close() leaves the store open. */
export async function serveStore(
  store: ProvStore,
  dataDir: string,
  queryTimeoutMs: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = createApp({
    store,
    config: { ...defaultConfig(), dataDir, logLevel: 'silent', queryTimeoutMs },
    logger: silentLogger(),
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
