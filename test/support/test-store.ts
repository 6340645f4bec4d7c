import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { askBoolean, openMemoryStore, openSparqlStore, type ProvStore } from '../../src/store/index.ts';

// The store every store-backed test runs on, chosen by the suite (like quadstore's backend-parametrised
// tests): `npm test` runs the whole suite on the in-memory store (test/vitest.config.ts), then every
// store-backed file again on a real Virtuoso (project `virtuoso` of test/vitest.config.ts, PROVML_TEST_BACKEND=virtuoso).

export type TestBackend = 'memory' | 'virtuoso';

/** Where the Virtuoso suite's server listens (provided by test/support/virtuoso-global-setup.ts). */
export interface VirtuosoEndpoints {
  sparqlUrl: string;
  graphStoreUrl: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** One server per worker slot (VITEST_POOL_ID 1..n). */
    virtuoso: VirtuosoEndpoints[];
  }
}

export const testBackend = (): TestBackend =>
  process.env.PROVML_TEST_BACKEND === 'virtuoso' ? 'virtuoso' : 'memory';

const opened: Array<{ store: ProvStore; outboxDir: string }> = [];

/**
 * A fresh, empty store on the suite's backend. On Virtuoso every call empties this worker's server
 * (its files run one at a time), so a test that needs a second, independent store uses openMemoryStore.
 */
export async function openTestStore(): Promise<ProvStore> {
  if (testBackend() === 'memory') return openMemoryStore();
  const endpoints = workerVirtuoso();
  // Writes acknowledged by an earlier store of this file may still be on their way (its outbox): a read on
  // it waits for them, so they cannot land in the new, emptied store. (A closed store delivers nothing more.)
  for (const earlier of opened) await askBoolean(earlier.store, 'ASK {}').catch(() => undefined);
  const outboxDir = mkdtempSync(join(tmpdir(), 'provml-test-outbox-'));
  const store = await openSparqlStore({
    queryUrl: endpoints.sparqlUrl,
    updateUrl: endpoints.sparqlUrl,
    graphStoreUrl: endpoints.graphStoreUrl,
    outboxDir,
    logger: silentLogger(),
  });
  opened.push({ store, outboxDir });
  await emptyStore(store);
  return store;
}

/**
 * The environment that makes a `provml serve` child use the suite's backend: nothing for the default
 * suite (its embedded store), the worker's Virtuoso (emptied first) for the Virtuoso suite.
 */
export async function serverEnvForTestBackend(): Promise<Record<string, string>> {
  if (testBackend() === 'memory') return {};
  await openTestStore(); // empties the worker's server; closed with the file's other stores
  const { sparqlUrl, graphStoreUrl } = workerVirtuoso();
  return {
    PROVML_STORE: 'sparql',
    PROVML_SPARQL_QUERY_URL: sparqlUrl,
    PROVML_SPARQL_UPDATE_URL: sparqlUrl,
    PROVML_SPARQL_GSP_URL: graphStoreUrl,
  };
}

function workerVirtuoso(): VirtuosoEndpoints {
  const servers = inject('virtuoso') ?? [];
  const slot = Number(process.env.VITEST_POOL_ID ?? '1');
  const server = servers[slot - 1];
  if (!server)
    throw new Error(
      `no Virtuoso for worker slot ${slot} (${servers.length} started): the virtuoso project of test/vitest.config.ts starts them`,
    );
  return server;
}

/** Drops every graph the store shows (the engine's system graphs are not shown) and the default graph. */
export async function emptyStore(store: ProvStore): Promise<void> {
  for (const graph of await store.listGraphs())
    await store.dropGraph({ termType: 'NamedNode', value: graph });
  await store.dropGraph({ termType: 'DefaultGraph', value: '' });
}

/** Closes the Virtuoso-backed stores a test file opened (registered by test/support/virtuoso-setup-file.ts). */
export async function closeTestStores(): Promise<void> {
  for (const { store, outboxDir } of opened.splice(0)) {
    await store.close();
    rmSync(outboxDir, { recursive: true, force: true });
  }
}
