import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/logger.ts';
import { openDurableStore, openSparqlStore, type ProvStore } from '../../src/store/index.ts';
import { startVirtuoso, type VirtuosoServer } from './virtuoso.ts';

// The store backends every integration suite runs against (like quadstore's backend-parametrised tests):
// the embedded durable store and a real Virtuoso behind the remote SPARQL store.

export interface Backend {
  name: string;
  open(): Promise<ProvStore>;
  teardown(): Promise<void>;
}

export function embedded(): Backend {
  let dir = '';
  let store: ProvStore | undefined;
  return {
    name: 'embedded durable store',
    async open() {
      dir = await mkdtemp(join(tmpdir(), 'provml-backends-'));
      store = await openDurableStore({ dir, logger: silentLogger() });
      return store;
    },
    async teardown() {
      await store?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function virtuoso(): Backend {
  let server: VirtuosoServer | undefined;
  let outboxDir = '';
  let store: ProvStore | undefined;
  return {
    name: 'Virtuoso via SPARQL 1.1',
    async open() {
      server = await startVirtuoso();
      outboxDir = await mkdtemp(join(tmpdir(), 'provml-outbox-'));
      store = await openSparqlStore({
        queryUrl: server.sparqlUrl,
        updateUrl: server.sparqlUrl,
        graphStoreUrl: server.graphStoreUrl,
        outboxDir,
        logger: silentLogger(),
      });
      return store;
    },
    async teardown() {
      await store?.close();
      await server?.stop();
      await rm(outboxDir, { recursive: true, force: true });
    },
  };
}

export const allBackends = (): Backend[] => [embedded(), virtuoso()];
