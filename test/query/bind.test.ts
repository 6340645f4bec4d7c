import { describe, expect, it } from 'vitest';
import { bindQuery, type CatalogParam, toTerm } from '../../src/query/index.ts';
import { prepareQuery } from '../../src/store/index.ts';

const params: CatalogParam[] = [
  { name: 'model', type: 'iri', required: true, multiple: false, description: '' },
  { name: 'measure', type: 'string', required: false, multiple: true, description: '' },
];
const QUERY = 'SELECT * WHERE {\n  # @bind\n  ?model ?p ?measure .\n}';

describe('bindQuery', () => {
  it('replaces the marker with a VALUES block of escaped terms (cartesian product of multi-values)', () => {
    const bound = bindQuery(QUERY, params, { model: 'http://ex.org/m', measure: ['loss', 'a"b\\c\n'] });
    expect(bound).toContain(
      '  VALUES (?model ?measure) { (<http://ex.org/m> "loss") (<http://ex.org/m> "a\\"b\\\\c\\n") }',
    );
    expect(bound).not.toContain('# @bind');
  });

  it('leaves optional parameters out of VALUES and keeps the query unchanged when nothing is bound', () => {
    expect(bindQuery(QUERY, params, { model: 'http://ex.org/m' })).toContain(
      'VALUES (?model) { (<http://ex.org/m>) }',
    );
    expect(bindQuery(QUERY, [], {})).toBe(QUERY);
  });
});

describe('toTerm', () => {
  it('types values and normalises what has one canonical form', () => {
    expect(toTerm('n', 'integer', ' 042 ')).toMatchObject({
      value: '42',
      datatype: { value: 'http://www.w3.org/2001/XMLSchema#integer' },
    });
    expect(toTerm('x', 'double', '1e-3')).toMatchObject({
      value: '1e-3',
      datatype: { value: 'http://www.w3.org/2001/XMLSchema#double' },
    });
    expect(toTerm('b', 'boolean', '1')).toMatchObject({ value: 'true' });
    expect(toTerm('i', 'iri', '<https://w3id.org/provml/id/x>')).toEqual({
      termType: 'NamedNode',
      value: 'https://w3id.org/provml/id/x',
    });
    expect(toTerm('t', 'dateTime', '2024-05-01T10:00:00Z')).toMatchObject({
      datatype: { value: 'http://www.w3.org/2001/XMLSchema#dateTime' },
    });
  });

  it.each([
    ['integer', '1.5'],
    ['integer', '1; DROP ALL'],
    ['double', 'NaN'],
    ['double', '1e999'],
    ['boolean', 'yes'],
    ['dateTime', '2024-05-01'],
    ['dateTime', '2024-13-45T99:00:00Z'],
    ['iri', 'relative/path'],
    ['iri', 'http://x/ y'],
  ] as const)('refuses %s %j', (type, raw) => {
    expect(() => toTerm('p', type, raw)).toThrow(/Parameter "p"/);
  });
});

describe('SERVICE, from the parse', () => {
  it.each([
    ['SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }', true],
    ['select * { service silent <http://x/sparql> { ?s ?p ?o } }', true],
    ['PREFIX kg: <http://x/> SELECT * { ?a ?b ?c . SERVICE kg:sparql { ?s ?p ?o } }', true],
    ['SELECT * { ?s ?p "SERVICE <x>" }', false],
    ['# SERVICE <http://x/>\nSELECT * { ?s ?p ?o }', false],
    ['PREFIX prov: <http://www.w3.org/ns/prov#> SELECT * { ?s <http://x/SERVICE> ?o }', false],
    ['SELECT ?service { ?service ?p ?o }', false],
    ['SELECT * { SERVICE<http://x/sparql> { ?s ?p ?o } }', true],
    ['SELECT * { FILTER EXISTS { SERVICE<http://x/sparql>{?s ?p ?o} } }', true],
    ['SELECT * { { SELECT * { SERVICE ?endpoint { ?s ?p ?o } } } }', true],
  ])('%s → %s', (query, expected) => {
    expect(prepareQuery(query).usesService).toBe(expected);
  });
});
