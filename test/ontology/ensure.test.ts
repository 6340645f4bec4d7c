import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ONTOLOGY_DIR, ensureOntologyGraph } from '../../src/ontology/index.ts';
import { ONTOLOGY_GRAPH } from '../../src/vocab.ts';
import { openTestStore } from '../support/test-store.ts';

describe('ensureOntologyGraph', () => {
  it('loads PROV-ML and its imports into the ontology graph, idempotently', async () => {
    const store = await openTestStore();
    const first = await ensureOntologyGraph(store, DEFAULT_ONTOLOGY_DIR);
    const second = await ensureOntologyGraph(store, DEFAULT_ONTOLOGY_DIR);
    expect(first.loaded).toBe(true);
    expect(first.quads).toBeGreaterThan(2000); // prov-ml.ttl + PROV-O + ML Schema
    expect(second).toEqual(first);
    expect((await store.stats()).quads).toBe(first.quads);
    expect(await store.listGraphs()).toEqual([ONTOLOGY_GRAPH]);
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
    expect(await ensureOntologyGraph(store, join(empty, 'missing'))).toEqual({ loaded: false, quads: 0 });
    expect((await store.stats()).quads).toBe(0);
    await store.close();
  });
});
