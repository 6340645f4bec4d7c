import { describe, expect, it } from 'vitest';
import {
  blankNode,
  CSV,
  literal,
  namedNode,
  type Solutions,
  SPARQL_RESULTS_JSON,
  SPARQL_RESULTS_XML,
  serializeSolutionPages,
  serializeSolutions,
  solutionsFromJson,
  streamSolutionsFromJson,
  TSV,
} from '../../src/rdf/index.ts';

// SPARQL JSON results read as they arrive, and results written a page at a time: the same rows and the same
// bytes as the whole-document reader and writer, however the body is cut into pieces; a document that ends
// early, or has more after its end, is an error.

const XSD = 'http://www.w3.org/2001/XMLSchema#';
const DOCUMENT = JSON.stringify({
  head: { link: [], vars: ['s', 'o'] },
  results: {
    distinct: false,
    bindings: [
      {
        s: { type: 'uri', value: 'http://e/a' },
        o: { type: 'literal', value: 'ça "va", é€𝄞', 'xml:lang': 'fr' },
      },
      {
        s: { type: 'bnode', value: 'nodeID://b10001' },
        o: { type: 'typed-literal', value: '1', datatype: `${XSD}boolean` },
      },
      { s: { type: 'uri', value: 'http://e/c' } },
    ],
  },
});

/** The document's bytes in pieces of `size` bytes (cutting multi-byte characters too). */
async function* inPieces(text: string, size: number): AsyncGenerator<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function readAll(text: string, size: number): Promise<{ solutions: Solutions; pages: number }> {
  const { variables, pages } = await streamSolutionsFromJson(inPieces(text, size), 'The engine');
  const rows: Solutions['rows'] = [];
  let count = 0;
  for await (const page of pages) {
    count += 1;
    rows.push(...page);
  }
  return { solutions: { variables, rows }, pages: count };
}

describe('streamSolutionsFromJson', () => {
  it.each([1, 2, 3, 7, 64, 100_000])(
    'reads the rows of a body in pieces of %i bytes as the whole reader does',
    async (size) => {
      const { solutions } = await readAll(DOCUMENT, size);
      expect(solutions).toEqual(solutionsFromJson(JSON.parse(DOCUMENT)));
      expect(solutions.rows[1]?.o).toEqual(literal('true', '', `${XSD}boolean`));
      expect(solutions.rows[1]?.s).toEqual(blankNode('b10001'));
    },
  );

  it('gives rows a page per piece', async () => {
    expect((await readAll(DOCUMENT, 64)).pages).toBeGreaterThan(1);
  });

  it('keeps rows sent before the head until the variables are known', async () => {
    const late = '{"results":{"bindings":[{"s":{"type":"uri","value":"http://e/a"}}]},"head":{"vars":["s"]}}';
    expect((await readAll(late, 5)).solutions).toEqual({
      variables: ['s'],
      rows: [{ s: namedNode('http://e/a') }],
    });
  });

  it('reads a document without head.vars as having none, like the whole reader', async () => {
    expect((await readAll('{"head":{},"results":{"bindings":[]}}', 4)).solutions).toEqual({
      variables: [],
      rows: [],
    });
  });

  it.each([
    ['ends before the document does', DOCUMENT.slice(0, DOCUMENT.length - 3), /cut short/],
    ['ends inside the head', DOCUMENT.slice(0, 20), /cut short/],
    ['has text after the document', `${DOCUMENT} {}`, /text follows the document/],
    ['is not JSON', '<html>error</html>', /did not answer SPARQL JSON results/],
    [
      'has a binding that is not an object',
      '{"head":{"vars":["s"]},"results":{"bindings":[1]}}',
      /not an object/,
    ],
    [
      'has a term that is not one',
      '{"head":{"vars":["s"]},"results":{"bindings":[{"s":"x"}]}}',
      /not an RDF term/,
    ],
  ])('refuses a body that %s', async (_, text, message) => {
    await expect(readAll(text, 16)).rejects.toMatchObject({
      code: 'UpstreamFailed',
      message: expect.stringMatching(message),
    });
  });
});

describe('serializeSolutionPages', () => {
  const result = solutionsFromJson(JSON.parse(DOCUMENT));
  async function* pagesOf(rows: Solutions['rows'], size: number) {
    for (let at = 0; at < rows.length; at += size) yield rows.slice(at, at + size);
  }
  async function written(rows: Solutions['rows'], size: number, mediaType: string): Promise<string[]> {
    const pieces: string[] = [];
    for await (const piece of serializeSolutionPages(result.variables, pagesOf(rows, size), mediaType))
      pieces.push(piece);
    return pieces;
  }

  it.each([SPARQL_RESULTS_JSON, SPARQL_RESULTS_XML, CSV, TSV])(
    'writes the whole writer’s bytes in %s, page by page',
    async (mediaType) => {
      for (const size of [1, 2, 3])
        expect((await written(result.rows, size, mediaType)).join('')).toBe(
          serializeSolutions(result, mediaType),
        );
      expect((await written([], 1, mediaType)).join('')).toBe(
        serializeSolutions({ ...result, rows: [] }, mediaType),
      );
      expect((await written(result.rows, 1, mediaType)).length).toBeGreaterThanOrEqual(3);
    },
  );

  it('refuses a media type it cannot write before reading a page', () => {
    expect(() => serializeSolutionPages(['s'], pagesOf([], 1), 'text/html')).toThrow(
      expect.objectContaining({ code: 'NotAcceptable' }),
    );
  });
});
