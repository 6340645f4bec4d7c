// The real HTTP application over an in-memory store, listening on 127.0.0.1:0 for CLI and client tests.
import { type Config, defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { listenOnLoopback } from '../support/listen.ts';
import { settledStore } from '../support/settled-store.ts';
import { openTestStore } from '../support/test-store.ts';

export interface InProcessServer {
  url: string;
  /** The server's store; each read first waits until the writes the server acknowledged are settled. */
  store: ProvStore;
  close(): Promise<void>;
}

export async function startInProcessServer(overrides: Partial<Config> = {}): Promise<InProcessServer> {
  const store = await openTestStore();
  const app = createApp({ store, config: { ...defaultConfig(), ...overrides }, logger: silentLogger() });
  const listening = await listenOnLoopback(app);
  return {
    url: listening.url,
    store: settledStore(store, app),
    close: async () => {
      await listening.close();
      await store.close();
    },
  };
}
