// The real HTTP application over an in-memory store, listening on 127.0.0.1:0 for CLI and client tests.
import { type Config, defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp, settledWrites } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { listenOnLoopback } from '../support/listen.ts';
import { openTestStore } from '../support/test-store.ts';

export interface InProcessServer {
  url: string;
  /** The server's store; each read first waits until the writes the server acknowledged are settled. */
  store: ProvStore;
  close(): Promise<void>;
}

const READS = new Set<string | symbol>(['query', 'stats', 'listGraphs', 'hasGraph']);

export async function startInProcessServer(overrides: Partial<Config> = {}): Promise<InProcessServer> {
  const store = await openTestStore();
  const app = createApp({ store, config: { ...defaultConfig(), ...overrides }, logger: silentLogger() });
  const listening = await listenOnLoopback(app);
  // A test reads what the server acknowledged: the online state refreshed after a 202 included.
  const settledStore = new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (READS.has(property))
        return async (...args: unknown[]) => {
          await settledWrites(app);
          return value.apply(target, args);
        };
      if (property === 'dump')
        return (...args: unknown[]) =>
          (async function* () {
            await settledWrites(app);
            yield* value.apply(target, args);
          })();
      return value.bind(target);
    },
  });
  return {
    url: listening.url,
    store: settledStore,
    close: async () => {
      await listening.close();
      await store.close();
    },
  };
}
