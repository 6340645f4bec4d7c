import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors.ts';
import { prepareQuery, prepareUpdate } from '../../../src/store/index.ts';
import { asPreparedQuery, asPreparedUpdate } from '../../../src/store/prepare/prepare.ts';

// The facts of a prepared operation that prepare.test.ts does not cover: what is kept of the text, where
// SERVICE and GRAPH hide, datasets given only in part, and how the parse failure is reported.

describe('a prepared query', () => {
  it('keeps the client’s own text, its kind, depth and parse', () => {
    const text = 'PREFIX e: <http://e/>\nSELECT ?s WHERE { { ?s e:p ?o } UNION { ?s e:q ?o } }';
    const prepared = prepareQuery(text);
    expect(prepared.kind).toBe('query');
    expect(prepared.text).toBe(text);
    expect(prepared.depth).toBe(2);
    expect(prepared.parsed.type).toBe('query');
    expect(prepared.baseIri).toBeUndefined();
    expect(prepareQuery(text, { baseIri: 'http://h/sparql' }).baseIri).toBe('http://h/sparql');
  });

  it('lists each SERVICE endpoint once, in order, wherever it is', () => {
    const prepared = prepareQuery(`SELECT * {
      { SERVICE <http://x/b> { ?s ?p ?o } }
      OPTIONAL { SERVICE <http://x/a> { ?s ?p ?o } }
      MINUS { SERVICE <http://x/b> { ?s ?p ?o } }
      BIND (EXISTS { SERVICE <http://x/c> { ?s ?p ?o } } AS ?e)
    }`);
    expect(prepared.serviceIris).toEqual(['http://x/b', 'http://x/a', 'http://x/c']);
    expect(prepared.usesService).toBe(true);
  });

  it('finds GRAPH inside a sub-select, EXISTS or UNION, and not in a string or an IRI', () => {
    expect(prepareQuery('SELECT * { { SELECT ?s { GRAPH <http://e/g> { ?s ?p ?o } } } }').usesGraph).toBe(
      true,
    );
    expect(prepareQuery('ASK { FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }').usesGraph).toBe(true);
    expect(prepareQuery('SELECT * { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }').usesGraph).toBe(true);
    expect(prepareQuery('SELECT * { ?s <http://e/GRAPH> "GRAPH ?g { }" }').usesGraph).toBe(false);
  });

  it('takes a dataset of FROM NAMED alone, or of protocol named graphs alone', () => {
    expect(prepareQuery('SELECT * FROM NAMED <http://e/n> { GRAPH ?g { ?s ?p ?o } }').dataset).toEqual({
      defaultGraphs: [],
      namedGraphs: ['http://e/n'],
    });
    const protocol = { namedGraphs: ['http://e/m'] };
    const prepared = prepareQuery('SELECT * FROM NAMED <http://e/n> { GRAPH ?g { ?s ?p ?o } }', {
      dataset: protocol,
    });
    expect(prepared.dataset).toEqual(protocol);
    expect(prepared.datasetInText).toBe(false);
  });

  it('refuses a query over the nesting limit before parsing it', () => {
    expect(() => prepareQuery('SELECT * { { { ?s ?p ?o } } }', { maxNesting: 2 })).toThrow(BadRequestError);
    expect(prepareQuery('SELECT * { { { ?s ?p ?o } } }', { maxNesting: 3 }).depth).toBe(3);
  });

  it('keeps the parser’s error as the cause of a parse failure', () => {
    let caught: unknown;
    try {
      prepareQuery('SELECT * WHERE { ?s ?p }');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(BadRequestError);
    expect((caught as Error).cause).toBeInstanceOf(Error);
    expect((caught as Error).message).toMatch(/^Malformed SPARQL query: line 1, column 24/);
  });

  it('is used as it is when already prepared, and prepared with the base when given as text', () => {
    const prepared = prepareQuery('ASK {}');
    expect(asPreparedQuery(prepared, 'http://ignored/')).toBe(prepared);
    const fromText = asPreparedQuery('CONSTRUCT { <s> <p> 1 } WHERE {}', 'http://h/');
    expect(fromText.baseIri).toBe('http://h/');
    expect(JSON.stringify(fromText.parsed)).toContain('http://h/s');
  });
});

describe('a prepared update', () => {
  it('says whether any of several operations may add quads or reads the default dataset', () => {
    const both = prepareUpdate(
      'DELETE DATA { <a:s> <a:p> 1 } ; INSERT { ?s <a:q> 2 } WHERE { ?s <a:p> ?o } ; DROP SILENT GRAPH <a:g>',
    );
    expect(both).toMatchObject({ kind: 'update', mayAdd: true, readsDefaultDataset: true });
    const neither = prepareUpdate('DELETE DATA { <a:s> <a:p> 1 } ; CLEAR GRAPH <a:g>');
    expect(neither).toMatchObject({ mayAdd: false, readsDefaultDataset: false });
    expect(prepareUpdate('MOVE <a:g> TO <a:h>').mayAdd).toBe(true);
    expect(prepareUpdate('ADD <a:g> TO <a:h>').mayAdd).toBe(true);
    expect(prepareUpdate('DELETE { ?s ?p ?o } INSERT { } WHERE { ?s ?p ?o }').mayAdd).toBe(false);
  });

  it('finds SERVICE named by a variable in an update', () => {
    const prepared = prepareUpdate('INSERT { ?s ?p ?o } WHERE { SERVICE ?endpoint { ?s ?p ?o } }');
    expect(prepared.usesService).toBe(true);
    expect(prepared.serviceIris).toEqual([]);
    expect(prepareUpdate('INSERT DATA { <a:s> <a:SERVICE> "SERVICE <http://x/> {}" }').usesService).toBe(
      false,
    );
  });

  it('keeps the text unless using graphs are given, and leaves operations without WHERE alone', () => {
    const text = 'INSERT DATA { <a:s> <a:p> 1 } ; DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }';
    expect(prepareUpdate(text).text).toBe(text);
    const using = prepareUpdate(text, { using: { defaultGraphs: ['http://e/g'] } });
    expect(using.text).not.toBe(text);
    const flat = using.text.replace(/\s+/g, ' ');
    expect(flat).toContain('INSERT DATA { <a:s> <a:p> 1 . }');
    expect(flat).toContain('USING <http://e/g> WHERE');
    expect(using.readsDefaultDataset).toBe(false);
    expect(using.parsed.updates).toHaveLength(2);
  });

  it('refuses using graphs with WITH in the text, per the protocol', () => {
    expect(() =>
      prepareUpdate('WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }', {
        using: { defaultGraphs: ['a:x'] },
      }),
    ).toThrow(/cannot be combined with USING or WITH/);
  });

  it('reports a malformed update with its position, and an update as prepared is used as is', () => {
    expect(() => prepareUpdate('INSERT DATA {\n  <a:s> <a:p> \n}')).toThrow(
      /^Malformed SPARQL update: line 3, column 1: unexpected "}"/,
    );
    const prepared = prepareUpdate('CLEAR ALL');
    expect(asPreparedUpdate(prepared)).toBe(prepared);
    expect(asPreparedUpdate('CLEAR ALL', 'http://h/').baseIri).toBe('http://h/');
  });
});
