import { readFileSync } from 'node:fs';
import { validateBatch } from '../../../src/capture/index.ts';
import { type ProvStore, refreshOnlineState } from '../../../src/store/index.ts';
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
