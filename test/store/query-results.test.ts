import { describe, expect, it } from 'vitest';
import type { QueryResults } from '../../src/store/index.ts';
import {
  askBoolean,
  constructQuads,
  dumpText,
  openMemoryStore,
  prepareQuery,
  querySerialized,
  selectRows,
} from '../../src/store/index.ts';

const EX = 'http://example.org/';
const DATA = `INSERT DATA { <${EX}a> <${EX}p> "x" }`;

async function seeded() {
  const store = await openMemoryStore();
  await store.update(DATA);
  return store;
}

describe('ProvStore.query answers by form', () => {
  it('gives solutions, a boolean or a graph, each as data', async () => {
    const store = await seeded();
    const select = await store.query(`SELECT ?o WHERE { ?s ?p ?o }`);
    expect(select).toMatchObject({ kind: 'solutions', variables: ['o'] });
    expect(select.kind === 'solutions' && select.rows[0]?.o?.value).toBe('x');
    expect(await store.query(`ASK { ?s ?p "x" }`)).toEqual({ kind: 'boolean', value: true });
    const graph = await store.query(`DESCRIBE <${EX}a>`);
    expect(graph.kind).toBe('graph');
    expect(graph.kind === 'graph' && graph.quads.map((q) => q.object.value)).toEqual(['x']);
  });

  it('with accept, gives the answer serialized in the media type chosen for its form', async () => {
    const store = await seeded();
    const accept = { results: 'text/csv', graph: 'application/n-triples' };
    const csv = await store.query(`SELECT ?o WHERE { ?s ?p ?o }`, { accept });
    expect(csv).toMatchObject({ kind: 'serialized', form: 'select', mediaType: 'text/csv' });
    expect(csv.kind === 'serialized' && (await dumpText(csv.body))).toBe('o\r\nx\r\n');
    const triples = await querySerialized(store, `CONSTRUCT WHERE { ?s ?p ?o }`, accept);
    expect(triples).toMatchObject({ form: 'construct', mediaType: 'application/n-triples' });
    expect(await dumpText(triples.body)).toBe(`<${EX}a> <${EX}p> "x" .\n`);
  });
});

describe('the typed helpers', () => {
  it('hand back just the form asked for', async () => {
    const store = await seeded();
    expect(await selectRows(store, `SELECT ?s WHERE { ?s ?p "x" }`)).toEqual({
      variables: ['s'],
      rows: [{ s: { termType: 'NamedNode', value: `${EX}a` } }],
    });
    expect(await askBoolean(store, `ASK { ?s ?p "y" }`)).toBe(false);
    expect(await constructQuads(store, `CONSTRUCT WHERE { ?s ?p ?o }`)).toHaveLength(1);
  });

  it('refuse a query of another form with a 400 before the store runs it', async () => {
    const asked: unknown[] = [];
    const store = {
      query: async (query: unknown): Promise<QueryResults> => {
        asked.push(query);
        return { kind: 'boolean', value: true };
      },
    };
    await expect(selectRows(store, 'ASK {}')).rejects.toMatchObject({
      code: 'BadRequest',
      message: 'Expected a SELECT query, got ASK.',
    });
    await expect(askBoolean(store, prepareQuery('CONSTRUCT WHERE { ?s ?p ?o }'))).rejects.toMatchObject({
      code: 'BadRequest',
      message: 'Expected an ASK query, got CONSTRUCT.',
    });
    await expect(constructQuads(store, 'SELECT * {}')).rejects.toMatchObject({
      code: 'BadRequest',
      message: 'Expected a CONSTRUCT or DESCRIBE query, got SELECT.',
    });
    expect(asked).toEqual([]);
  });

  it('hand the store the query prepared once, and report a store answering another kind as a bug', async () => {
    const asked: unknown[] = [];
    const store = {
      query: async (query: unknown): Promise<QueryResults> => {
        asked.push(query);
        return { kind: 'boolean', value: true };
      },
    };
    await expect(selectRows(store, 'SELECT * {}')).rejects.toMatchObject({ code: 'Internal' });
    expect(asked).toMatchObject([{ kind: 'query', form: 'select', text: 'SELECT * {}' }]);
  });
});
