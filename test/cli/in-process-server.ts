// The real HTTP application over an in-memory store, listening on 127.0.0.1:0 for CLI and client tests.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Config, defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { openTestStore } from '../support/test-store.ts';

export interface InProcessServer {
  url: string;
  store: ProvStore;
  close(): Promise<void>;
}

export async function startInProcessServer(overrides: Partial<Config> = {}): Promise<InProcessServer> {
  const store = await openTestStore();
  const app = createApp({ store, config: { ...defaultConfig(), ...overrides }, logger: silentLogger() });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    store,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await store.close();
    },
  };
}
