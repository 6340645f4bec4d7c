import { readFileSync } from 'node:fs';
import { validateBatch } from '../../../src/capture/index.ts';
import { type MemoryStore, openMemoryStore } from '../../../src/store/index.ts';
import { translate } from '../../../src/translate/index.ts';

export const LIFECYCLE_EVENTS = new URL('../../fixtures/queries/lifecycle.json', import.meta.url);

/** The lifecycle fixture (curation → preparation → three training runs) through the real translator. */
export async function lifecycleStore(): Promise<MemoryStore> {
  const result = validateBatch(JSON.parse(readFileSync(LIFECYCLE_EVENTS, 'utf8')));
  if (!result.ok) throw new Error(`fixture events invalid: ${JSON.stringify(result.errors)}`);
  const store = await openMemoryStore();
  await store.insert(translate(result.events));
  return store;
}

export const ID = 'https://w3id.org/provml/id/';
export const GEO = 'https://kg.example.org/geology#';
