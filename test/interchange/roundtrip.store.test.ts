import jsonld from 'jsonld';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  collectQuads,
  type ExportTarget,
  exportRdf,
  FORMAT_NAMES,
  importRdf,
} from '../../src/interchange/index.ts';
import { loadJsonLdEnvironment, localDocumentLoader, quadsToNQuads } from '../../src/rdf/index.ts';
import { dumpText, openMemoryStore, type ProvStore } from '../../src/store/index.ts';
import { ID, lifecycleStore } from '../query/support/lifecycle.ts';

let store: ProvStore;
beforeAll(async () => {
  store = await lifecycleStore();
});

/** Canonical N-Quads (RDFC-1.0: blank nodes relabelled deterministically), so stores compare exactly. */
const canonical = async (nquads: string): Promise<string> =>
  (await jsonld.canonize(
    nquads as never,
    { algorithm: 'URDNA2015', inputFormat: 'application/n-quads', format: 'application/n-quads' } as never,
  )) as unknown as string;

const GRAPH = 'https://w3id.org/provml/graph/wfexec/train-1';
const targets: Array<[string, ExportTarget]> = [
  ['a workflow execution', { graph: GRAPH }],
  ['an experiment', { experiment: `${ID}experiment/exp-facies` }],
  ['a model lineage', { model: `${ID}data/unet-a` }],
];

describe('export → import into an empty store gives the same quads', () => {
  for (const [label, target] of targets) {
    for (const format of ['jsonld', 'trig', 'nquads'] as const) {
      it(`${label} as ${format}`, async () => {
        const expected = await canonical(quadsToNQuads(await collectQuads(store, target)));
        const exported = await exportRdf(store, target, { format });
        const fresh = await openMemoryStore();
        await importRdf(fresh, await dumpText(exported.chunks), { format });
        expect(await canonical(await dumpText(fresh.dump({ format: 'application/n-quads' })))).toBe(expected);
        expect(expected.split('\n').filter(Boolean).length).toBeGreaterThan(10);
      });
    }
  }

  it('a workflow execution as Turtle, imported back into its graph', async () => {
    const exported = await exportRdf(store, { graph: GRAPH }, { format: 'turtle' });
    const fresh = await openMemoryStore();
    await importRdf(fresh, await dumpText(exported.chunks), {
      format: 'turtle',
      graph: { termType: 'NamedNode', value: GRAPH },
    });
    expect(await canonical(await dumpText(fresh.dump({ format: 'application/n-quads' })))).toBe(
      await canonical(quadsToNQuads(await collectQuads(store, { graph: GRAPH }))),
    );
  });

  it('keeps blank nodes and language tags through JSON-LD', async () => {
    const source = await openMemoryStore();
    await source.update(
      'INSERT DATA { GRAPH <http://ex.org/g> { <http://ex.org/a> <http://ex.org/p> _:b . _:b <http://ex.org/q> "été"@fr, 3, "x\\ny" } }',
    );
    const exported = await exportRdf(source, { graph: 'http://ex.org/g' }, { format: 'jsonld' });
    const fresh = await openMemoryStore();
    await importRdf(fresh, await dumpText(exported.chunks), { format: 'jsonld' });
    expect(await canonical(await dumpText(fresh.dump({ format: 'application/n-quads' })))).toBe(
      await canonical(await dumpText(source.dump({ format: 'application/n-quads' }))),
    );
  });
});

describe('JSON-LD uses the shipped context and never the network', () => {
  it('compacts against the PROV-ML context referenced by IRI', async () => {
    const exported = JSON.parse(
      await dumpText((await exportRdf(store, { model: `${ID}data/unet-a` }, { format: 'jsonld' })).chunks),
    ) as Record<string, unknown>;
    expect(exported['@context']).toBe('https://w3id.org/provml/context.jsonld');
    expect(JSON.stringify(exported)).toContain('"Model"');
  });

  it('refuses to load any other context, with a message saying what to do', async () => {
    const loader = localDocumentLoader(await loadJsonLdEnvironment());
    await expect(loader('https://schema.org/')).rejects.toThrow(/will not fetch/);
    const document = JSON.stringify({
      '@context': 'http://127.0.0.1:9/context.jsonld',
      '@id': 'http://ex.org/a',
      name: 'x',
    });
    await expect(importRdf(await openMemoryStore(), document, { format: 'jsonld' })).rejects.toMatchObject({
      code: 'BadRequest',
      message: expect.stringContaining('http://127.0.0.1:9/context.jsonld'),
    });
  });

  it('refuses JSON-LD whose terms would be silently dropped', async () => {
    const document = JSON.stringify({
      '@context': 'https://w3id.org/provml/context.jsonld',
      '@id': `${ID}x`,
      notATerm: 1,
    });
    await expect(importRdf(await openMemoryStore(), document, { format: 'jsonld' })).rejects.toMatchObject({
      code: 'BadRequest',
    });
  });
});

describe('export targets', () => {
  it('the lineage closure reaches raw data in other graphs and leaves sibling runs out', async () => {
    const quads = await collectQuads(store, { model: `${ID}data/unet-a` });
    const subjects = new Set(quads.map((q) => q.subject.value));
    expect(subjects).toContain(`${ID}data/raw%2Ff3.segy`);
    expect(subjects).toContain(`${ID}wfexec/train-1/task/fit`);
    expect(subjects).not.toContain(`${ID}data/unet-b`);
    expect([...subjects].some((s) => s.includes('/wfexec/train-2/'))).toBe(false);
    expect(new Set(quads.map((q) => q.graph.value)).size).toBeGreaterThan(2);
  });

  it('unknown targets are 404 and bad IRIs 400', async () => {
    await expect(collectQuads(store, { graph: 'http://ex.org/none' })).rejects.toMatchObject({
      code: 'NotFound',
    });
    await expect(collectQuads(store, { model: `${ID}data/none` })).rejects.toMatchObject({
      code: 'NotFound',
    });
    await expect(collectQuads(store, { experiment: 'not an iri' })).rejects.toMatchObject({
      code: 'BadRequest',
    });
  });

  it('offers every format', () => {
    expect(FORMAT_NAMES).toEqual(['jsonld', 'turtle', 'trig', 'nquads', 'ntriples']);
  });
});
