import { defaultConfig, loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createApp } from '../../../src/server/app.ts';
import { type DurableStore, openDurableStore } from '../../../src/store/index.ts';
import { listenOnLoopback } from '../../support/listen.ts';

export interface RunningServer {
  url: string;
  store: DurableStore;
  close(): Promise<void>;
}

/**
 * The real HTTP application over a durable store in `dir`, listening on 127.0.0.1 (a free port); the
 * store's snapshot settings from the environment (PROVML_SNAPSHOT_*), as `provml serve` takes them.
 */
export async function startDurableServer(dir: string): Promise<RunningServer> {
  const { snapshotAfterBytes, snapshotInBackground } = loadConfig({ env: process.env });
  const store = await openDurableStore({
    dir,
    snapshotAfterBytes,
    snapshotInBackground,
    logger: silentLogger(),
  });
  const app = createApp({
    store,
    config: { ...defaultConfig(), dataDir: dir, logLevel: 'silent', maxBodyBytes: 256 << 20 },
    logger: silentLogger(),
  });
  const listening = await listenOnLoopback(app);
  return {
    url: listening.url,
    store,
    close: async () => {
      await listening.close();
      await store.close();
    },
  };
}
