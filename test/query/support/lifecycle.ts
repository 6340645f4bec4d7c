import { readFileSync } from 'node:fs';
import { beforeAll } from 'vitest';
import { validateBatch } from '../../../src/capture/index.ts';
import { type Catalog, packageCatalog, runCatalogQuery } from '../../../src/query/index.ts';
import { type ProvStore, refreshOnlineState, type SelectResult } from '../../../src/store/index.ts';
import { translate } from '../../../src/translate/index.ts';
import { openTestStore } from '../../support/test-store.ts';

export const LIFECYCLE_EVENTS = new URL('../../fixtures/queries/lifecycle.json', import.meta.url);

/** The lifecycle fixture (curation → preparation → three training runs) through the real translator, in the suite's test store unless `into` is given. */
export async function lifecycleStore(into?: ProvStore): Promise<ProvStore> {
  const result = validateBatch(JSON.parse(readFileSync(LIFECYCLE_EVENTS, 'utf8')));
  if (!result.ok) throw new Error(`fixture events invalid: ${JSON.stringify(result.errors)}`);
  const store = into ?? (await openTestStore());
  const quads = translate(result.events);
  await store.insert(quads);
  await refreshOnlineState(store, quads);
  return store;
}

export const ID = 'https://w3id.org/provml/id/';
export const GEO = 'https://kg.example.org/geology#';

/** Nodes of the lifecycle's lineage pictures: one of each kind (model, training, validation, domain, raw, task,
 * external entity), nodes named in many graphs (the raw file, the cube, the tasks), and a node no graph holds. */
export const LINEAGE_NODES: readonly string[] = [
  `${ID}data/unet-a`,
  `${ID}data/tiles-train`,
  `${ID}data/tiles-val`,
  `${ID}data/f3-cube`,
  `${ID}data/raw%2Ff3.segy`,
  `${ID}wfexec/train-1/task/fit`,
  `${ID}wfexec/cur-1/task/import-f3`,
  `${GEO}Carapebus`,
  `${ID}data/none`,
];

/** A test file's lifecycle store (after `prepare`, if given) and the package catalog, opened in its beforeAll;
 * `run` runs a catalog query over them. */
export interface LifecycleCatalog {
  readonly store: ProvStore;
  readonly catalog: Catalog;
  run(name: string, params?: Record<string, string | string[]>): Promise<SelectResult>;
}

export function lifecycleCatalog(prepare?: (store: ProvStore) => Promise<unknown>): LifecycleCatalog {
  let store: ProvStore | undefined;
  let catalog: Catalog | undefined;
  beforeAll(async () => {
    store = await lifecycleStore();
    await prepare?.(store);
    catalog = await packageCatalog();
  });
  const opened = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('lifecycleCatalog: read before its beforeAll ran');
    return value;
  };
  return {
    get store() {
      return opened(store);
    },
    get catalog() {
      return opened(catalog);
    },
    run(name, params = {}) {
      return runCatalogQuery(opened(store), opened(catalog).get(name), params);
    },
  };
}
