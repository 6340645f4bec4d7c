import { describe, expect, it } from 'vitest';
import { fromJsonTerm, toSelectResult } from '../../../src/store/json-results.ts';
import { serializeBoolean, serializeSelect } from '../../../src/store/remote/results-format.ts';

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
  const result = toSelectResult({
    head: { vars: ['s', 'o'] },
    results: {
      bindings: [
        { s: { type: 'uri', value: 'http://e/a' }, o: { type: 'literal', value: 'say "hi", <x>' } },
        { s: { type: 'bnode', value: 'b1' }, o: { type: 'literal', value: '2', datatype: `${XSD}integer` } },
      ],
    },
  });

  it('writes CSV with quoting and TSV with N-Triples terms', () => {
    expect(serializeSelect(result, 'text/csv')).toBe('s,o\r\nhttp://e/a,"say ""hi"", <x>"\r\n_:b1,2\r\n');
    expect(serializeSelect(result, 'text/tab-separated-values')).toBe(
      `?s\t?o\r\n<http://e/a>\t"say \\"hi\\", <x>"\r\n_:b1\t"2"^^<${XSD}integer>\r\n`,
    );
  });

  it('writes XML with escaping and JSON that parses back to the same rows', () => {
    expect(serializeSelect(result, 'application/sparql-results+xml')).toContain(
      '<literal>say "hi", &lt;x&gt;</literal>'.replace('"hi"', '&quot;hi&quot;'),
    );
    expect(toSelectResult(JSON.parse(serializeSelect(result, 'application/sparql-results+json')))).toEqual(
      result,
    );
    expect(serializeBoolean(false, 'application/sparql-results+json')).toBe('{"head":{},"boolean":false}');
  });

  it('answers 406 for a media type it cannot write', () => {
    expect(() => serializeSelect(result, 'text/html')).toThrow(
      expect.objectContaining({ code: 'NotAcceptable' }),
    );
  });
});
