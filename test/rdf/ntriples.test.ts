import { describe, expect, it } from 'vitest';
import {
  blankNode,
  DEFAULT_GRAPH,
  escapeString,
  isValidIri,
  literal,
  namedNode,
  quadsToNQuads,
  quadToNQuads,
  termToNTriples,
  tripleTerm,
} from '../../src/rdf/index.ts';

const XSD = 'http://www.w3.org/2001/XMLSchema#';

describe('the audited N-Triples / SPARQL term writer', () => {
  it.each([
    [namedNode('http://e/a'), '<http://e/a>'],
    [blankNode('b1'), '_:b1'],
    [literal('x'), '"x"'],
    [literal('x', 'en-GB'), '"x"@en-GB'],
    [literal('1', '', `${XSD}integer`), `"1"^^<${XSD}integer>`],
    [literal('a"b\\c\nd\u0001'), '"a\\"b\\\\c\\nd\\u0001"'],
    [
      tripleTerm(namedNode('http://e/a'), namedNode('http://e/p'), literal('o')),
      '<< <http://e/a> <http://e/p> "o" >>',
    ],
  ])('writes %j', (term, text) => {
    expect(termToNTriples(term)).toBe(text);
  });

  it.each([
    [namedNode('http://e/a b'), /absolute IRI/],
    [namedNode('relative'), /absolute IRI/],
    [namedNode('http://e/>{}'), /absolute IRI/],
    [blankNode('a b'), /blank node label/],
    [literal('x', 'en gb'), /language tag/],
    [DEFAULT_GRAPH, /default graph/],
  ])('refuses %j', (term, message) => {
    expect(() => termToNTriples(term)).toThrow(message);
  });

  it('escapes every control character', () => {
    expect(escapeString('\t\r\b\f\u007f')).toBe('"\\t\\r\\b\\f\\u007F"');
  });

  it('escapes exactly backslash, quote and the control characters, each code unit alone and among others', () => {
    const named: Record<string, string> = {
      '\\': '\\\\',
      '"': '\\"',
      '\n': '\\n',
      '\r': '\\r',
      '\t': '\\t',
      '\b': '\\b',
      '\f': '\\f',
    };
    for (let code = 0; code < 0x2100; code++) {
      const ch = String.fromCharCode(code);
      const escaped =
        named[ch] ??
        (code < 0x20 || code === 0x7f ? `\\u${code.toString(16).padStart(4, '0').toUpperCase()}` : ch);
      expect(escapeString(ch)).toBe(`"${escaped}"`);
      expect(escapeString(`a${ch}é`)).toBe(`"a${escaped}é"`);
    }
    expect(escapeString('plain text, ünïcödé and 😀')).toBe('"plain text, ünïcödé and 😀"');
  });

  it('takes an IRI only with a scheme and none of the characters IRIREF forbids', () => {
    for (const iri of [
      'a:b',
      'urn:x:y',
      'mailto:a@b',
      'HTTP://X',
      'x-y.z+w:abc',
      'http:',
      'https://e/ü?q=1#f',
    ])
      expect(isValidIri(iri)).toBe(true);
    for (const iri of ['', ':x', '1http://x', 'ht tp://x', 'relative/path', 'http://a b', 'http://x/\u0000'])
      expect(isValidIri(iri)).toBe(false);
    for (const ch of ['<', '>', '"', '{', '}', '|', '^', '`', '\\', '\u0020', '\u001f'])
      expect(isValidIri(`http://e/${ch}`)).toBe(false);
  });

  it('writes a quad with and without a graph name', () => {
    const quad = {
      subject: namedNode('http://e/s'),
      predicate: namedNode('http://e/p'),
      object: literal('o'),
    };
    expect(quadToNQuads({ ...quad, graph: DEFAULT_GRAPH })).toBe('<http://e/s> <http://e/p> "o" .\n');
    expect(quadToNQuads({ ...quad, graph: namedNode('http://e/g') })).toBe(
      '<http://e/s> <http://e/p> "o" <http://e/g> .\n',
    );
  });

  it('writes a batch whose quads share term objects as each quad alone, and still refuses a bad shared IRI', () => {
    const subject = namedNode('http://e/s');
    const graph = namedNode('http://e/g');
    const predicate = namedNode('http://e/p');
    const quads = [
      { subject, predicate, object: literal('1'), graph },
      { subject, predicate, object: namedNode('http://e/o'), graph },
      { subject: blankNode('b'), predicate, object: subject, graph: DEFAULT_GRAPH },
    ];
    expect(quadsToNQuads(quads)).toBe(quads.map(quadToNQuads).join(''));
    const bad = namedNode('http://e/a b');
    expect(() => quadsToNQuads([{ subject, predicate, object: literal('1'), graph: bad }])).toThrow(
      /Not an absolute IRI/,
    );
  });
});
