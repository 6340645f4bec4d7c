// A provml server on 127.0.0.1 (an ephemeral port) over the suite's test store, in one default-graph mode.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config.ts';
import { silentLogger } from '../../../src/logger.ts';
import { createApp } from '../../../src/server/app.ts';
import { openDurableStore, type ProvStore } from '../../../src/store/index.ts';
import { emptyStore, openTestStore, testBackend } from '../../support/test-store.ts';

/** The two meanings of the default graph provml offers (PROVML_UNION_DEFAULT_GRAPH). */
export const MODES = [
  { mode: 'union default graph', env: { PROVML_UNION_DEFAULT_GRAPH: 'true' } },
  { mode: 'strict default graph', env: { PROVML_UNION_DEFAULT_GRAPH: 'false' } },
] as const;

/**
 * The stores the suites run on: the suite's test backend, and in the default project also the durable
 * embedded store `provml serve` opens by default (its engine runs in a worker thread, behind a log).
 */
export const STORES: readonly string[] =
  testBackend() === 'memory' ? ['memory store', 'durable store'] : ['Virtuoso'];

export interface W3cServer {
  base: URL;
  store: ProvStore;
  /** Empties the store and loads each file into the named graph given with it. */
  reset(graphData: ReadonlyArray<{ file: string; graph: string }>): Promise<void>;
  close(): Promise<void>;
}

export async function startW3cServer(env: Record<string, string>, kind: string): Promise<W3cServer> {
  const dir = kind === 'durable store' ? mkdtempSync(join(tmpdir(), 'provml-w3c-')) : undefined;
  const store = dir ? await openDurableStore({ dir, logger: silentLogger() }) : await openTestStore();
  const config = loadConfig({ env, flags: { dataDir: '/nonexistent-w3c-data', host: '127.0.0.1', port: 0 } });
  const server: Server = createApp({ store, config, logger: silentLogger() }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    base: new URL(`http://127.0.0.1:${port}`),
    store,
    async reset(graphData) {
      await emptyStore(store);
      for (const { file, graph } of graphData)
        await store.load(readFileSync(file, 'utf8'), {
          format: 'application/n-triples',
          graph: { termType: 'NamedNode', value: graph },
        });
    },
    async close() {
      await new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
      if (dir) {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
