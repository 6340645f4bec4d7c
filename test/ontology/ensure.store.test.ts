import { appendFileSync, cpSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreReadOnlyError } from '../../src/errors.ts';
import { DEFAULT_ONTOLOGY_DIR, ensureOntologyGraph, ONTOLOGY_FILE } from '../../src/ontology/index.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { selectRows } from '../../src/store/index.ts';
import { ONTOLOGY_GRAPH, SHIPPED_DIGEST } from '../../src/vocab.ts';
import { openTestStore } from '../support/test-store.ts';

/** Counts the store's replaceGraph calls (start-up's only write), optionally refusing them as a full store does. */
function watchWrites(store: ProvStore, refuse = false): { count: () => number } {
  let writes = 0;
  const replaceGraph = store.replaceGraph.bind(store);
  store.replaceGraph = (...args) => {
    writes++;
    if (refuse) return Promise.reject(new StoreReadOnlyError('The store is at its limit.'));
    return replaceGraph(...args);
  };
  return { count: () => writes };
}

async function changedOntologyDir(): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'provml-ontology-')), 'ontology');
  cpSync(DEFAULT_ONTOLOGY_DIR, dir, { recursive: true });
  appendFileSync(
    join(dir, ONTOLOGY_FILE),
    '\n<https://w3id.org/provml#Extra> a <http://www.w3.org/2002/07/owl#Class> .\n',
  );
  return dir;
}

describe('ensureOntologyGraph', () => {
  it('loads PROV-ML and its imports into the ontology graph once, then leaves the unchanged graph alone', async () => {
    const store = await openTestStore();
    const writes = watchWrites(store);
    const first = await ensureOntologyGraph(store, DEFAULT_ONTOLOGY_DIR);
    const second = await ensureOntologyGraph(store, DEFAULT_ONTOLOGY_DIR);
    expect(first).toMatchObject({ loaded: true, written: true });
    expect(first.quads).toBeGreaterThan(2000); // prov-ml.ttl + PROV-O + ML Schema
    expect(second).toEqual({ ...first, written: false });
    expect(writes.count()).toBe(1);
    expect((await store.stats()).quads).toBe(first.quads);
    expect(await store.listGraphs()).toEqual([ONTOLOGY_GRAPH]);
    const marker = await selectRows(
      store,
      `SELECT ?d WHERE { GRAPH <${ONTOLOGY_GRAPH}> { <${ONTOLOGY_GRAPH}> <${SHIPPED_DIGEST}> ?d } }`,
    );
    expect(marker.rows.map((row) => row.d?.value)).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);
    await store.close();
  });

  it('replaces the graph when the shipped files changed, leaving one copy', async () => {
    const store = await openTestStore();
    const before = await ensureOntologyGraph(store, DEFAULT_ONTOLOGY_DIR);
    const after = await ensureOntologyGraph(store, await changedOntologyDir());
    expect(after).toMatchObject({ loaded: true, written: true, quads: before.quads + 1 });
    expect((await store.stats()).quads).toBe(before.quads + 1);
    await store.close();
  });

  it('serves the graph it has, saying why, when an out-of-date graph cannot be rewritten (store full)', async () => {
    const store = await openTestStore();
    const before = await ensureOntologyGraph(store, DEFAULT_ONTOLOGY_DIR);
    watchWrites(store, true);
    const after = await ensureOntologyGraph(store, await changedOntologyDir());
    expect(after).toEqual({
      loaded: true,
      quads: before.quads,
      written: false,
      notWritten: 'The store is at its limit.',
    });
    await store.close();
  });

  it('leaves other graphs alone', async () => {
    const store = await openTestStore();
    await store.load('<urn:a> <urn:b> <urn:c> .', {
      format: 'text/turtle',
      graph: { termType: 'NamedNode', value: 'urn:g' },
    });
    const { quads } = await ensureOntologyGraph(store, DEFAULT_ONTOLOGY_DIR);
    expect((await store.stats()).quads).toBe(quads + 1);
    await store.close();
  });

  it('reports loaded:false, without throwing, when the directory has no ontology', async () => {
    const store = await openTestStore();
    const empty = await mkdtemp(join(tmpdir(), 'provml-no-ontology-'));
    expect(await ensureOntologyGraph(store, join(empty, 'missing'))).toEqual({
      loaded: false,
      quads: 0,
      written: false,
    });
    expect((await store.stats()).quads).toBe(0);
    await store.close();
  });
});
