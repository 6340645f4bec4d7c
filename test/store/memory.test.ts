import { describe, expect, it } from 'vitest';
import { askBoolean, openMemoryStore, selectRows } from '../../src/store/index.ts';

describe('MemoryStore', () => {
  it('inserts, selects with typed terms and dumps', async () => {
    const store = await openMemoryStore();
    await store.update(
      'INSERT DATA { GRAPH <http://ex.org/g> { <http://ex.org/a> <http://ex.org/p> 42, "x"@en } }',
    );
    const result = await selectRows(store, 'SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?o');
    expect(result.variables).toEqual(['o']);
    expect(result.rows.map((r) => r.o)).toEqual([
      {
        termType: 'Literal',
        value: '42',
        language: '',
        datatype: { termType: 'NamedNode', value: 'http://www.w3.org/2001/XMLSchema#integer' },
      },
      {
        termType: 'Literal',
        value: 'x',
        language: 'en',
        datatype: { termType: 'NamedNode', value: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString' },
      },
    ]);
    expect(await store.listGraphs()).toEqual(['http://ex.org/g']);
    expect(await askBoolean(store, 'ASK { GRAPH <http://ex.org/g> { ?s ?p 42 } }')).toBe(true);
    await store.dropGraph({ termType: 'NamedNode', value: 'http://ex.org/g' });
    expect((await store.stats()).quads).toBe(0);
  });

  it('rejects malformed SPARQL with a 400 error', async () => {
    const store = await openMemoryStore();
    await expect(selectRows(store, 'SELECT WHERE')).rejects.toMatchObject({ code: 'BadRequest' });
    await expect(store.update('INSERT DATA { <a:b> ')).rejects.toMatchObject({ code: 'BadRequest' });
  });
});
