import { describe, expect, it } from 'vitest';
import type { Term } from '../../../src/rdf/index.ts';
import { prepareQuery, prepareUpdate } from '../../../src/store/index.ts';
import {
  prepareQueryTemplate,
  prepareUpdateTemplate,
  triplesSlot,
  valuesSlot,
} from '../../../src/store/prepare/template.ts';

const iri = (value: string): Term => ({ termType: 'NamedNode', value });
const text = (value: string): Term => ({
  termType: 'Literal',
  value,
  language: '',
  datatype: { termType: 'NamedNode', value: 'http://www.w3.org/2001/XMLSchema#string' },
});
/** A parse tree as plain data (the parser's terms are class instances; bound ones are plain objects). */
const plain = (tree: unknown): unknown => JSON.parse(JSON.stringify(tree));

describe('SPARQL templates: parsed once, bound with RDF terms', () => {
  const query = prepareQueryTemplate([
    'SELECT ?s ?o WHERE { ',
    valuesSlot('s', 'o'),
    ' ?s <urn:p> ?o . FILTER EXISTS { ',
    valuesSlot('s'),
    ' } }',
  ]);

  it('gives the text and the parse tree a parse of the bound text gives', () => {
    const bound = query.bind(
      [
        [iri('urn:a'), text('say "hi"\n')],
        [iri('urn:b'), text('x')],
      ],
      [[iri('urn:a')]],
    );
    expect(bound.text).toBe(
      'SELECT ?s ?o WHERE { VALUES (?s ?o) { (<urn:a> "say \\"hi\\"\\n") (<urn:b> "x") } ?s <urn:p> ?o . FILTER EXISTS { VALUES (?s) { (<urn:a>) } } }',
    );
    const reparsed = prepareQuery(bound.text);
    expect(plain(bound.parsed)).toEqual(plain(reparsed.parsed));
    expect(bound.form).toBe('select');
  });

  it('binds again and again without changing the template (no rows: no solutions)', () => {
    const first = query.bind([[iri('urn:a'), text('1')]], [[iri('urn:a')]]);
    const empty = query.bind([], []);
    expect(plain(empty.parsed)).toEqual(plain(prepareQuery(empty.text).parsed));
    expect(first.text).toContain('(<urn:a> "1")');
    expect(query.bind([[iri('urn:a'), text('1')]], [[iri('urn:a')]]).text).toBe(first.text);
  });

  it('binds ground triples into an update', () => {
    const update = prepareUpdateTemplate(['INSERT DATA { GRAPH <urn:g> { ', triplesSlot(), ' } }']);
    const bound = update.bind([
      [iri('urn:s'), iri('urn:p'), text('o')],
      [iri('urn:s'), iri('urn:p'), iri('urn:o')],
    ]);
    expect(plain(bound.parsed)).toEqual(plain(prepareUpdate(bound.text).parsed));
    expect(bound.mayAdd).toBe(true);
  });

  it('refuses what the audited writer refuses, and rows of the wrong width', () => {
    expect(() => query.bind([[iri('urn:a> <urn:x'), text('1')]], [[iri('urn:a')]])).toThrow(/IRI/);
    expect(() => query.bind([[iri('urn:a')]], [[iri('urn:a')]])).toThrow(/needs 2 term/);
    expect(() => query.bind([])).toThrow(/2 slot/);
  });
});
