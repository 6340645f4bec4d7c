import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ProvmlError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import type { QuadData, Term } from '../../src/rdf/index.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { askBoolean, constructQuads, dumpText, querySerialized, selectRows } from '../../src/store/index.ts';
import { allBackends } from '../support/backends.ts';
import { emptyStore } from '../support/test-store.ts';

// One suite, every store backend (like quadstore's backend-parametrised tests): the embedded durable
// store and a real Virtuoso behind the remote SPARQL store. Each backend is opened once per file.

const EX = 'http://example.org/';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const G1 = `${EX}g1`;
const G2 = `${EX}g2`;
const named = (value: string) => ({ termType: 'NamedNode' as const, value });
const lit = (value: string, datatype = `${XSD}string`) => ({
  termType: 'Literal' as const,
  value,
  language: '',
  datatype: named(datatype),
});
const DEFAULT = { termType: 'DefaultGraph' as const, value: '' as const };
const quad = (s: string, p: string, o: QuadData['object'], g: QuadData['graph'] = DEFAULT): QuadData => ({
  subject: named(EX + s),
  predicate: named(EX + p),
  object: o,
  graph: g,
});
const values = (rows: Array<Record<string, Term>>, name: string): string[] =>
  rows.map((r) => r[name]?.value ?? '').sort();

describe.each(allBackends())('$name', (backend) => {
  let store: ProvStore;

  beforeAll(async () => {
    store = await backend.open();
  }, 120_000);
  afterAll(() => backend.teardown(), 60_000);

  beforeEach(async () => {
    await emptyStore(store);
  });

  it('inserts quads and answers SELECT, ASK and CONSTRUCT over the default graph only', async () => {
    await store.insert([quad('a', 'p', lit('in default')), quad('b', 'p', lit('in g1'), named(G1))]);
    const result = await selectRows(store, `SELECT ?o WHERE { ?s <${EX}p> ?o }`);
    expect(values(result.rows, 'o')).toEqual(['in default']);
    expect(await askBoolean(store, `ASK { GRAPH <${G1}> { <${EX}b> ?p "in g1" } }`)).toBe(true);
    expect(await askBoolean(store, `ASK { <${EX}b> ?p ?o }`)).toBe(false);
    const union = await selectRows(store, `SELECT ?o WHERE { ?s <${EX}p> ?o }`, { unionDefaultGraph: true });
    expect(values(union.rows, 'o')).toEqual(['in default', 'in g1']);
    const built = await constructQuads(
      store,
      `CONSTRUCT { ?s <${EX}q> ?o } WHERE { GRAPH ?g { ?s <${EX}p> ?o } FILTER(?g = <${G1}>) }`,
    );
    expect(built).toEqual([quad('b', 'q', lit('in g1'))]);
  });

  it('lists, replaces and drops named graphs', async () => {
    await store.insert([quad('a', 'p', lit('one'), named(G1)), quad('b', 'p', lit('two'), named(G2))]);
    expect((await store.listGraphs()).sort()).toEqual([G1, G2]);
    expect(await store.hasGraph(named(G1))).toBe(true);
    await store.replaceGraph(named(G1), `<${EX}c> <${EX}p> "three" .`, { format: 'text/turtle' });
    const g1 = await selectRows(store, `SELECT ?s ?o WHERE { GRAPH <${G1}> { ?s ?p ?o } }`);
    expect(values(g1.rows, 'o')).toEqual(['three']);
    await store.dropGraph(named(G2));
    expect(await store.listGraphs()).toEqual([G1]);
    expect(await store.hasGraph(named(G2))).toBe(false);
    expect((await store.stats()).quads).toBe(1);
  });

  it('applies SPARQL updates, including to the default graph', async () => {
    await store.update(`INSERT DATA { <${EX}x> <${EX}p> "plain" }`);
    await store.update(`INSERT DATA { GRAPH <${G1}> { <${EX}y> <${EX}p> "named" } }`);
    await store.update(`DELETE WHERE { GRAPH <${G1}> { ?s <${EX}p> "named" } }`);
    await store.update(`INSERT { GRAPH <${G2}> { ?s <${EX}copied> ?o } } WHERE { ?s <${EX}p> ?o }`);
    expect(
      values((await selectRows(store, `SELECT ?o WHERE { GRAPH <${G2}> { ?s ?p ?o } }`)).rows, 'o'),
    ).toEqual(['plain']);
    expect(await askBoolean(store, `ASK { GRAPH <${G1}> { ?s ?p ?o } }`)).toBe(false);
  });

  it('compares typed literals (double, integer, boolean, dateTime) in FILTER', async () => {
    await store.insert([
      quad('run1', 'loss', lit('0.25', `${XSD}double`), named(G1)),
      quad('run2', 'loss', lit('1.5E0', `${XSD}double`), named(G1)),
      quad('run1', 'epoch', lit('7', `${XSD}integer`), named(G1)),
      quad('run2', 'epoch', lit('12', `${XSD}integer`), named(G1)),
      quad('run1', 'ok', lit('true', `${XSD}boolean`), named(G1)),
      quad('run2', 'ok', lit('false', `${XSD}boolean`), named(G1)),
      quad('run1', 'start', lit('2024-03-01T10:00:00Z', `${XSD}dateTime`), named(G1)),
      quad('run2', 'start', lit('2024-03-01T09:00:00Z', `${XSD}dateTime`), named(G1)),
    ]);
    const pick = async (pattern: string): Promise<string[]> =>
      values((await selectRows(store, `SELECT ?s WHERE { GRAPH <${G1}> { ${pattern} } }`)).rows, 's');
    expect(await pick(`?s <${EX}loss> ?v FILTER(?v < 1.0)`)).toEqual([`${EX}run1`]);
    expect(await pick(`?s <${EX}epoch> ?v FILTER(?v > 10)`)).toEqual([`${EX}run2`]);
    expect(await pick(`?s <${EX}ok> ?v FILTER(?v = true)`)).toEqual([`${EX}run1`]);
    expect(await pick(`?s <${EX}start> ?v FILTER(?v < "2024-03-01T09:30:00Z"^^<${XSD}dateTime>)`)).toEqual([
      `${EX}run2`,
    ]);
    const ok = await selectRows(store, `SELECT ?v WHERE { GRAPH <${G1}> { <${EX}run1> <${EX}ok> ?v } }`);
    expect(ok.rows[0]?.v).toEqual(lit('true', `${XSD}boolean`));
  });

  it('round-trips dump and load (N-Quads, with blank nodes and language tags)', async () => {
    const turtle = `@prefix ex: <${EX}> . ex:m ex:trainedOn [ ex:name "split"@en ; ex:size 3 ] ; ex:label "model \\"A\\"\\n" .`;
    await store.load(turtle, { format: 'text/turtle', graph: named(G1) });
    await store.insert([quad('d', 'p', lit('default'))]);
    const dump = await dumpText(store.dump({ format: 'application/n-quads' }));
    await emptyStore(store);
    expect((await store.stats()).quads).toBe(0);
    await store.load(dump, { format: 'application/n-quads' });
    const rows = await selectRows(
      store,
      `SELECT ?name ?size ?label WHERE { GRAPH <${G1}> { <${EX}m> <${EX}trainedOn> ?b ; <${EX}label> ?label . ?b <${EX}name> ?name ; <${EX}size> ?size } }`,
    );
    expect(rows.rows).toHaveLength(1);
    expect(rows.rows[0]?.name).toEqual({
      termType: 'Literal',
      value: 'split',
      language: 'en',
      datatype: named('http://www.w3.org/1999/02/22-rdf-syntax-ns#langString'),
    });
    expect(rows.rows[0]?.size).toEqual(lit('3', `${XSD}integer`));
    expect(rows.rows[0]?.label?.value).toBe('model "A"\n');
    expect(await askBoolean(store, `ASK { <${EX}d> <${EX}p> "default" }`)).toBe(true);
    expect((await store.stats()).quads).toBe(5);
  });

  it('streams a dump page by page, graph names kept, and stops reading when the reader stops', async () => {
    const many = Array.from({ length: 25 }, (_, i) => quad(`s${i}`, 'p', lit(`v${i}`), named(G1)));
    await store.insert([...many, quad('d', 'p', lit('default')), quad('x', 'p', lit('in g2'), named(G2))]);
    const pages: string[] = [];
    for await (const page of store.dump({ format: 'application/n-quads', pageQuads: 4 })) pages.push(page);
    const lines = pages.join('').split('\n').filter(Boolean);
    expect(lines).toHaveLength(27);
    expect(pages.length).toBeGreaterThanOrEqual(8);
    for (const page of pages) expect(page.split('\n').filter(Boolean).length).toBeLessThanOrEqual(4);
    expect(lines.filter((line) => line.endsWith(` <${G1}> .`))).toHaveLength(25);
    const g1 = await dumpText(store.dump({ format: 'application/n-quads', graph: named(G1), pageQuads: 3 }));
    expect(
      g1
        .split('\n')
        .filter(Boolean)
        .every((line) => line.endsWith(` <${G1}> .`)),
    ).toBe(true);
    // One page read, then the reader stops: the store goes on answering (the dump was ended, not left open).
    for await (const page of store.dump({ format: 'application/n-quads', pageQuads: 1 })) {
      expect(page.split('\n').filter(Boolean)).toHaveLength(1);
      break;
    }
    expect((await store.stats()).quads).toBe(27);
    const turtle = await dumpText(store.dump({ format: 'text/turtle', graph: named(G1), pageQuads: 2 }));
    await store.load(turtle, { format: 'text/turtle', graph: named(`${EX}copy`) });
    expect((await selectRows(store, `SELECT ?s WHERE { GRAPH <${EX}copy> { ?s ?p ?o } }`)).rows).toHaveLength(
      25,
    );
  });

  it('serializes results in the negotiated media types', async () => {
    await store.insert([quad('a', 'p', lit('x,y'))]);
    const query = `SELECT ?s ?o WHERE { ?s <${EX}p> ?o }`;
    const text = async (q: string, accept: { results: string; graph: string }) =>
      dumpText((await querySerialized(store, q, accept)).body);
    const csv = await text(query, { results: 'text/csv', graph: 'text/turtle' });
    expect(csv.split(/\r?\n/).slice(0, 2)).toEqual(['s,o', `${EX}a,"x,y"`]);
    const tsv = await text(query, { results: 'text/tab-separated-values', graph: 'text/turtle' });
    expect(tsv).toContain(`<${EX}a>\t"x,y"`);
    const xml = await text(`ASK { ?s ?p "x,y" }`, {
      results: 'application/sparql-results+xml',
      graph: 'text/turtle',
    });
    expect(xml).toMatch(/<boolean>true<\/boolean>/);
    const turtle = await querySerialized(store, `CONSTRUCT WHERE { ?s ?p ?o }`, {
      results: 'application/sparql-results+json',
      graph: 'application/n-triples',
    });
    expect(turtle).toMatchObject({
      kind: 'serialized',
      form: 'construct',
      mediaType: 'application/n-triples',
    });
    expect(await dumpText(turtle.body)).toBe(`<${EX}a> <${EX}p> "x,y" .\n`);
  });

  it('rejects a malformed query with a 400 that quotes the problem', async () => {
    const error = await selectRows(store, 'SELECT ?s WHERE { ?s ?p }').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvmlError);
    expect((error as ProvmlError).code).toBe('BadRequest');
  });

  it('serves /sparql and /store through the HTTP endpoint', async () => {
    const app = createApp({
      store,
      config: loadConfig({ flags: { dataDir: '/nonexistent-test-data' } }),
      logger: silentLogger(),
    });
    const put = await request(app)
      .put(`/store?graph=${encodeURIComponent(G2)}`)
      .type('text/turtle')
      .send(`<${EX}s> <${EX}p> "via store" .`);
    expect(put.status).toBe(201);
    const query = `SELECT ?o WHERE { GRAPH <${G2}> { ?s ?p ?o } }`;
    const res = await request(app)
      .get('/sparql')
      .query({ query })
      .set('Accept', 'application/sparql-results+json');
    expect(res.status).toBe(200);
    expect(res.body.results.bindings).toEqual([{ o: { type: 'literal', value: 'via store' } }]);
    const graph = await request(app)
      .get(`/store?graph=${encodeURIComponent(G2)}`)
      .set('Accept', 'application/n-triples');
    expect(graph.status).toBe(200);
    expect(graph.text).toBe(`<${EX}s> <${EX}p> "via store" .\n`);
  });
});
