import { describe, expect, it } from 'vitest';
import {
  blankNode,
  DEFAULT_GRAPH,
  inDefaultGraph,
  literal,
  loadJsonLdEnvironment,
  namedNode,
  parseRdf,
  type QuadData,
  quadsToNQuads,
  RDF_SYNTAXES,
  serializeRdf,
} from '../../src/rdf/index.ts';

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const G = namedNode('http://e/g');
const QUADS: QuadData[] = [
  {
    subject: namedNode('http://e/a'),
    predicate: namedNode('http://e/p'),
    object: literal('chat', 'fr'),
    graph: G,
  },
  { subject: namedNode('http://e/a'), predicate: namedNode('http://e/q'), object: blankNode('n'), graph: G },
  {
    subject: blankNode('n'),
    predicate: namedNode('http://e/v'),
    object: literal('4.5', '', `${XSD}decimal`),
    graph: G,
  },
  {
    subject: namedNode('http://e/b'),
    predicate: namedNode('http://e/p'),
    object: literal('x'),
    graph: DEFAULT_GRAPH,
  },
];

/** Sorted N-Quads with blank node labels replaced (serializers may relabel; there is one blank node here). */
const normal = (quads: QuadData[]): string[] =>
  quadsToNQuads(quads)
    .replace(/_:[A-Za-z0-9_.-]+/g, '_:b')
    .split('\n')
    .filter(Boolean)
    .sort();

describe('parse and serialize round trips', () => {
  it.each(RDF_SYNTAXES.map((syntax) => [syntax.name, syntax]))('%s', async (_name, syntax) => {
    const text = await serializeRdf(QUADS, syntax.mediaType);
    const back = await parseRdf(text, syntax.mediaType);
    expect(normal(back)).toEqual(normal(syntax.quads ? QUADS : QUADS.map(inDefaultGraph)));
  });

  it('JSON-LD compacted against the shipped context reads back the same quads', async () => {
    const environment = await loadJsonLdEnvironment();
    const text = await serializeRdf(QUADS, 'application/ld+json', { compactJsonLd: environment });
    expect(JSON.parse(text)['@context']).toBe('https://w3id.org/provml/context.jsonld');
    expect(normal(await parseRdf(text, 'application/ld+json', { jsonLd: environment }))).toEqual(
      normal(QUADS),
    );
  });

  it('puts the triples of a triple format into the graph asked for, against the base IRI', async () => {
    const quads = await parseRdf('<a> <http://e/p> "x" .', 'text/turtle', { baseIri: 'http://e/', graph: G });
    expect(quads).toEqual([
      {
        subject: namedNode('http://e/a'),
        predicate: namedNode('http://e/p'),
        object: literal('x'),
        graph: G,
      },
    ]);
  });

  it('keeps the blank node labels of the document', async () => {
    const [quad] = await parseRdf('_:x <http://e/p> _:y .', 'application/n-triples');
    expect([quad?.subject, quad?.object]).toEqual([blankNode('x'), blankNode('y')]);
  });

  it('refuses malformed data and unknown formats with a 400', async () => {
    await expect(parseRdf('<a> <b> .', 'text/turtle')).rejects.toMatchObject({
      code: 'BadRequest',
      message: expect.stringMatching(/^Invalid data: Parser error at line 1/),
    });
    await expect(parseRdf('a,b', 'text/csv')).rejects.toMatchObject({ code: 'BadRequest' });
  });

  it('answers 406 for a media type it cannot write', async () => {
    await expect(serializeRdf(QUADS, 'text/html')).rejects.toMatchObject({ code: 'NotAcceptable' });
  });
});
