import { describe, expect, it } from 'vitest';
import {
  blankNode,
  booleanFromJson,
  CSV,
  fromJsonTerm,
  literal,
  namedNode,
  parseSparqlJson,
  type Solutions,
  SPARQL_RESULTS_JSON,
  SPARQL_RESULTS_XML,
  serializeBoolean,
  serializeSolutions,
  solutionsFromJson,
  TSV,
  toJsonTerm,
  tripleTerm,
} from '../../src/rdf/index.ts';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

describe('SPARQL JSON results from a remote engine', () => {
  it.each([
    [
      { type: 'typed-literal', datatype: `${XSD}boolean`, value: '1' },
      {
        termType: 'Literal',
        value: 'true',
        language: '',
        datatype: { termType: 'NamedNode', value: `${XSD}boolean` },
      },
    ],
    [
      { type: 'typed-literal', datatype: `${XSD}boolean`, value: '0' },
      {
        termType: 'Literal',
        value: 'false',
        language: '',
        datatype: { termType: 'NamedNode', value: `${XSD}boolean` },
      },
    ],
    [
      { type: 'bnode', value: 'nodeID://b10000' },
      { termType: 'BlankNode', value: 'b10000' },
    ],
    [
      { type: 'literal', value: 'x', 'xml:lang': 'en' },
      {
        termType: 'Literal',
        value: 'x',
        language: 'en',
        datatype: { termType: 'NamedNode', value: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString' },
      },
    ],
    [
      { type: 'literal', value: 'plain' },
      {
        termType: 'Literal',
        value: 'plain',
        language: '',
        datatype: { termType: 'NamedNode', value: `${XSD}string` },
      },
    ],
  ] as const)('normalizes %j', (json, term) => {
    expect(fromJsonTerm(json as Parameters<typeof fromJsonTerm>[0])).toEqual(term);
  });
});

describe('results serialization', () => {
  const result = solutionsFromJson({
    head: { vars: ['s', 'o'] },
    results: {
      bindings: [
        { s: { type: 'uri', value: 'http://e/a' }, o: { type: 'literal', value: 'say "hi", <x>' } },
        { s: { type: 'bnode', value: 'b1' }, o: { type: 'literal', value: '2', datatype: `${XSD}integer` } },
      ],
    },
  });

  it('writes CSV with quoting and TSV with N-Triples terms', () => {
    expect(serializeSolutions(result, 'text/csv')).toBe('s,o\r\nhttp://e/a,"say ""hi"", <x>"\r\n_:b1,2\r\n');
    expect(serializeSolutions(result, 'text/tab-separated-values')).toBe(
      `?s\t?o\r\n<http://e/a>\t"say \\"hi\\", <x>"\r\n_:b1\t"2"^^<${XSD}integer>\r\n`,
    );
  });

  it('writes XML with escaping and JSON that parses back to the same rows', () => {
    expect(serializeSolutions(result, 'application/sparql-results+xml')).toContain(
      '<literal>say "hi", &lt;x&gt;</literal>'.replace('"hi"', '&quot;hi&quot;'),
    );
    expect(
      solutionsFromJson(JSON.parse(serializeSolutions(result, 'application/sparql-results+json'))),
    ).toEqual(result);
    expect(serializeBoolean(false, 'application/sparql-results+json')).toBe('{"head":{},"boolean":false}');
  });

  it('answers 406 for a media type it cannot write', () => {
    expect(() => serializeSolutions(result, 'text/html')).toThrow(
      expect.objectContaining({ code: 'NotAcceptable' }),
    );
  });
});

describe('SPARQL results round trips', () => {
  const rows: Solutions = {
    variables: ['s', 'o', 'unbound'],
    rows: [
      { s: namedNode('http://e/a'), o: literal('chat', 'fr') },
      { s: blankNode('b0'), o: literal('4.5', '', `${XSD}decimal`) },
      { s: namedNode('http://e/b'), o: literal('plain'), unbound: literal('') },
      { o: tripleTerm(namedNode('http://e/a'), namedNode('http://e/p'), literal('1', '', `${XSD}integer`)) },
      {},
    ],
  };

  it('JSON gives back every row: language, datatype, blank node, quoted triple, unbound', () => {
    const json = parseSparqlJson(serializeSolutions(rows, SPARQL_RESULTS_JSON), 'test');
    expect(solutionsFromJson(json)).toEqual(rows);
  });

  it('each term survives toJsonTerm → fromJsonTerm', () => {
    for (const row of rows.rows)
      for (const term of Object.values(row)) expect(fromJsonTerm(toJsonTerm(term))).toEqual(term);
  });

  it('an unbound variable is an empty cell in CSV and TSV and no binding in XML', () => {
    const one: Solutions = { variables: ['a', 'b'], rows: [{ b: literal('x') }] };
    expect(serializeSolutions(one, CSV)).toBe('a,b\r\n,x\r\n');
    expect(serializeSolutions(one, TSV)).toBe('?a\t?b\r\n\t"x"\r\n');
    expect(serializeSolutions(one, SPARQL_RESULTS_XML)).toContain(
      '<result><binding name="b"><literal>x</literal></binding></result>',
    );
  });

  it('writes language and datatype in XML', () => {
    const xml = serializeSolutions(rows, SPARQL_RESULTS_XML);
    expect(xml).toContain('<literal xml:lang="fr">chat</literal>');
    expect(xml).toContain(`<literal datatype="${XSD}decimal">4.5</literal>`);
    expect(xml).toContain('<bnode>b0</bnode>');
  });

  it('ASK answers in every results format, and reads back from JSON', () => {
    expect(booleanFromJson(JSON.parse(serializeBoolean(true, SPARQL_RESULTS_JSON)))).toBe(true);
    expect(serializeBoolean(true, SPARQL_RESULTS_XML)).toContain('<boolean>true</boolean>');
    expect(serializeBoolean(false, CSV)).toBe('false\n');
    expect(() => booleanFromJson({ head: {} })).toThrow(/ASK/);
  });

  it('names the sender of a body that is not JSON', () => {
    expect(() => parseSparqlJson('<html>', 'The engine at http://x')).toThrow(
      /The engine at http:\/\/x did not answer SPARQL JSON results: <html>/,
    );
  });
});
